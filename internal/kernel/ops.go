package kernel

import (
	"fmt"
	"math"

	"github.com/convtool/convtool/internal/tensor"
)

// MaxSize caps each side of a kernel built from a spec. A 1025-wide kernel
// is already 1M taps; larger ones are almost always a typo (gaussian:500).
const MaxSize = 1025

// New returns an h×w kernel holding data (not copied). It checks the shape
// and that every value is finite.
func New(name string, h, w int, data []float32) (*Kernel, error) {
	k := &Kernel{Name: name, H: h, W: w, Data: data}
	if err := k.Validate(); err != nil {
		return nil, err
	}
	return k, nil
}

// Validate reports a kernel with no elements, a shape that does not match
// its data, a NaN or infinite value, or an origin outside the kernel.
func (k *Kernel) Validate() error {
	if k.H < 1 || k.W < 1 {
		return fmt.Errorf("empty kernel (%dx%d)", k.H, k.W)
	}
	if k.H*k.W != len(k.Data) {
		return fmt.Errorf("%d values do not fill a %dx%d kernel", len(k.Data), k.H, k.W)
	}
	for i, v := range k.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("value %v at row %d, column %d is not finite", v, i/k.W+1, i%k.W+1)
		}
	}
	if k.HasOrigin && (k.OriginY < 0 || k.OriginY >= k.H || k.OriginX < 0 || k.OriginX >= k.W) {
		return fmt.Errorf("origin +%d+%d lies outside the %dx%d kernel", k.OriginX, k.OriginY, k.W, k.H)
	}
	return nil
}

// Clone returns a deep copy of k.
func (k *Kernel) Clone() *Kernel {
	c := *k
	c.Data = append([]float32(nil), k.Data...)
	return &c
}

// Anchor returns the element that lies over the output pixel: the origin
// (given, or fixed by the kernel's Form for an even built-in or .mat),
// else ((H-1)/2, (W-1)/2) — convtool's "same" padding puts the smaller
// half first, so for an even size the anchor is the upper-left of the two
// middle elements (ImageMagick's default too).
func (k *Kernel) Anchor() (y, x int) {
	if k.HasOrigin {
		return k.OriginY, k.OriginX
	}
	return (k.H - 1) / 2, (k.W - 1) / 2
}

// ZeroSum reports whether k sums to zero up to truncation: |Σk| at most
// 1e-3 of Σ|k|. Derivative kernels (Sobel, Laplacian) sum to exactly 0; a
// truncated Laplacian of Gaussian sums to about -5e-5 of its mass, and
// dividing by that would blow it up, so it counts as zero-sum too.
func (k *Kernel) ZeroSum() bool {
	var l1 float64
	for _, v := range k.Data {
		l1 += math.Abs(float64(v))
	}
	s := k.Sum()
	return s == 0 || math.Abs(s) <= 1e-3*l1
}

// MinMax returns the smallest and largest element.
func (k *Kernel) MinMax() (lo, hi float32) {
	lo, hi = k.Data[0], k.Data[0]
	for _, v := range k.Data[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// HasNegative reports whether any element is below zero (a signed kernel:
// derivative, sharpening, Laplacian).
func (k *Kernel) HasNegative() bool {
	for _, v := range k.Data {
		if v < 0 {
			return true
		}
	}
	return false
}

// normTol is how far from 1 a sum may be for IsNormalized: float32
// rounding of a 1025×1025 Gaussian stays well inside it.
const normTol = 1e-4

// IsNormalized reports whether the elements sum to 1 within 1e-4.
func (k *Kernel) IsNormalized() bool { return math.Abs(k.Sum()-1) <= normTol }

// Normalized returns a copy of k divided by its sum, so that it preserves
// a constant image. A kernel whose sum is zero (a derivative or edge
// kernel) — or so small relative to its elements that dividing would only
// amplify rounding — is returned as an unchanged copy, never an error.
func (k *Kernel) Normalized() *Kernel {
	c := k.Clone()
	if k.ZeroSum() {
		return c
	}
	s := k.Sum()
	for i, v := range k.Data {
		c.Data[i] = float32(float64(v) / s)
	}
	return c
}

// Scaled returns a copy of k with every element multiplied by s.
func (k *Kernel) Scaled(s float64) *Kernel {
	c := k.Clone()
	for i, v := range k.Data {
		c.Data[i] = float32(float64(v) * s)
	}
	return c
}

// Transposed returns k with rows and columns swapped (sobel-x ↔ sobel-y).
func (k *Kernel) Transposed() *Kernel {
	c := *k
	c.H, c.W = k.W, k.H
	c.Data = make([]float32, len(k.Data))
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			c.Data[x*k.H+y] = k.Data[y*k.W+x]
		}
	}
	c.OriginY, c.OriginX = k.OriginX, k.OriginY
	return &c
}

// Dilated returns k with dy-1 zero rows between its rows and dx-1 zero
// columns between its columns (the "à trous" kernel of a dilated
// convolution): size (H + (H-1)(dy-1)) × (W + (W-1)(dx-1)). A given origin
// moves with its element. It panics if dy or dx is below 1; callers
// validate user input first.
func (k *Kernel) Dilated(dy, dx int) *Kernel {
	if dy < 1 || dx < 1 {
		panic(fmt.Sprintf("kernel.Dilated: dilation %d,%d below 1", dy, dx))
	}
	c := *k
	c.H = k.H + (k.H-1)*(dy-1)
	c.W = k.W + (k.W-1)*(dx-1)
	c.Data = make([]float32, c.H*c.W)
	for y := 0; y < k.H; y++ {
		for x := 0; x < k.W; x++ {
			c.Data[y*dy*c.W+x*dx] = k.Data[y*k.W+x]
		}
	}
	c.OriginY, c.OriginX = k.OriginY*dy, k.OriginX*dx
	return &c
}

// Tensor returns k as a (1, H, W) tensor sharing k's storage.
func (k *Kernel) Tensor() *tensor.Tensor {
	return &tensor.Tensor{C: 1, H: k.H, W: k.W, Data: k.Data}
}

// Row returns row y as a slice sharing k's storage.
func (k *Kernel) Row(y int) []float32 { return k.Data[y*k.W : (y+1)*k.W : (y+1)*k.W] }

// Validate reports a bank with an empty dimension or a shape that does not
// match its data, or a value that is not finite.
func (b *Bank) Validate() error {
	if b.N0 < 1 || b.N1 < 1 || b.KH < 1 || b.KW < 1 {
		return fmt.Errorf("empty kernel bank (%dx%dx%dx%d)", b.N0, b.N1, b.KH, b.KW)
	}
	if b.N0*b.N1*b.KH*b.KW != len(b.Data) {
		return fmt.Errorf("%d values do not fill a %dx%dx%dx%d kernel bank", len(b.Data), b.N0, b.N1, b.KH, b.KW)
	}
	for i, v := range b.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("value %v at flat index %d is not finite", v, i)
		}
	}
	return nil
}

// Kernel returns the (KH, KW) slice (i, j) as a Kernel sharing b's storage.
func (b *Bank) Kernel(i, j int) *Kernel {
	n := b.KH * b.KW
	off := (i*b.N1 + j) * n
	return &Kernel{Name: fmt.Sprintf("%s[%d,%d]", b.Name, i, j), H: b.KH, W: b.KW, Data: b.Data[off : off+n : off+n]}
}

// Shape returns the bank's shape as "N0xN1xKHxKW".
func (b *Bank) Shape() string { return fmt.Sprintf("%dx%dx%dx%d", b.N0, b.N1, b.KH, b.KW) }

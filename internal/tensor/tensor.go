package tensor

import (
	"fmt"
	"math"
)

// Tensor is a dense float32 array of shape (C, H, W), stored channel by
// channel, each channel row by row.
type Tensor struct {
	C, H, W int
	Data    []float32
}

// New returns a zeroed tensor of shape (c, h, w). It panics on a negative
// dimension: callers validate shapes that come from outside first.
func New(c, h, w int) *Tensor {
	if c < 0 || h < 0 || w < 0 {
		panic(fmt.Sprintf("tensor.New: negative shape %dx%dx%d", c, h, w))
	}
	return &Tensor{C: c, H: h, W: w, Data: make([]float32, c*h*w)}
}

// FromData wraps data as a (c, h, w) tensor without copying.
func FromData(c, h, w int, data []float32) (*Tensor, error) {
	if c < 0 || h < 0 || w < 0 || len(data) != c*h*w {
		return nil, fmt.Errorf("tensor: %d values do not fill shape %dx%dx%d", len(data), c, h, w)
	}
	return &Tensor{C: c, H: h, W: w, Data: data}, nil
}

// Len is the number of values, C*H*W.
func (t *Tensor) Len() int { return t.C * t.H * t.W }

// Plane returns channel c as a row-major H*W slice sharing t's storage.
func (t *Tensor) Plane(c int) []float32 {
	n := t.H * t.W
	return t.Data[c*n : (c+1)*n : (c+1)*n]
}

// At returns the value at channel c, row y, column x.
func (t *Tensor) At(c, y, x int) float32 { return t.Data[(c*t.H+y)*t.W+x] }

// Set stores v at channel c, row y, column x.
func (t *Tensor) Set(c, y, x int, v float32) { t.Data[(c*t.H+y)*t.W+x] = v }

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	u := &Tensor{C: t.C, H: t.H, W: t.W, Data: make([]float32, len(t.Data))}
	copy(u.Data, t.Data)
	return u
}

// SameShape reports whether t and u have equal (C, H, W).
func (t *Tensor) SameShape(u *Tensor) bool { return t.C == u.C && t.H == u.H && t.W == u.W }

// Shape returns the shape as "CxHxW", the form used in summaries.
func (t *Tensor) Shape() string { return fmt.Sprintf("%dx%dx%d", t.C, t.H, t.W) }

// MinMax returns the smallest and largest value, ignoring NaNs. For an empty
// tensor (or all NaN) it returns (0, 0).
func (t *Tensor) MinMax() (lo, hi float32) {
	first := true
	for _, v := range t.Data {
		if v != v {
			continue
		}
		if first {
			lo, hi, first = v, v, false
			continue
		}
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// MaxAbsDiff returns max |t-u| over all values, +Inf if shapes differ, and
// +Inf if exactly one side of a pair is NaN (equal infinities count as
// equal). Tests use it with a tolerance.
func MaxAbsDiff(t, u *Tensor) float64 {
	if !t.SameShape(u) {
		return math.Inf(1)
	}
	var m float64
	for i, a := range t.Data {
		b := u.Data[i]
		an, bn := a != a, b != b
		if an || bn {
			if an != bn {
				return math.Inf(1)
			}
			continue
		}
		if a == b { // also equal infinities, whose difference is NaN
			continue
		}
		m = max(m, math.Abs(float64(a)-float64(b)))
	}
	return m
}

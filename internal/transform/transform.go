package transform

import (
	"fmt"
	"math"

	"github.com/convtool/convtool/internal/tensor"
)

// ShorterSide returns the size torchvision's Resize(size) gives an h×w
// image: the shorter side becomes size, the longer int(size·long/short).
func ShorterSide(h, w, size int) (oh, ow int) {
	if w <= h {
		return int(float64(size) * float64(h) / float64(w)), size
	}
	return size, int(float64(size) * float64(w) / float64(h))
}

// precision is PIL's fixed-point precision for 8-bit resampling
// (PRECISION_BITS in Resample.c).
const precision = 22

// coeffs are one axis's resampling weights: output i reads inputs
// start[i] … start[i]+len(w[i])−1.
type coeffs struct {
	start []int
	w     [][]float64
	fixed [][]int64
}

// bilinearCoeffs reproduces PIL's precompute_coeffs for the bilinear
// (triangle) filter: when shrinking, the filter widens by the scale, which
// is PIL's (and torchvision's) antialiasing.
func bilinearCoeffs(in, out int) coeffs {
	scale := float64(in) / float64(out)
	fs := max(scale, 1)
	support := 1.0 * fs
	c := coeffs{start: make([]int, out), w: make([][]float64, out), fixed: make([][]int64, out)}
	for i := 0; i < out; i++ {
		center := (float64(i) + 0.5) * scale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), in) - xmin
		ws := make([]float64, xmax)
		var sum float64
		for x := range ws {
			v := math.Abs((float64(x+xmin) - center + 0.5) / fs)
			if v < 1 {
				ws[x] = 1 - v
			}
			sum += ws[x]
		}
		fx := make([]int64, xmax)
		for x := range ws {
			if sum != 0 {
				ws[x] /= sum
			}
			if ws[x] < 0 {
				fx[x] = int64(ws[x]*(1<<precision) - 0.5)
			} else {
				fx[x] = int64(ws[x]*(1<<precision) + 0.5)
			}
		}
		c.start[i], c.w[i], c.fixed[i] = xmin, ws, fx
	}
	return c
}

// Resize resamples t to oh×ow with PIL's bilinear filter, horizontal pass
// first as PIL does. With eightBit the samples are 0..255 integers and
// each pass rounds and clips to 8 bits in PIL's fixed point, so the result
// is PIL's Image.resize exactly; otherwise it is computed in float64.
func Resize(t *tensor.Tensor, oh, ow int, eightBit bool) (*tensor.Tensor, error) {
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("resize to %dx%d: the size must be positive", oh, ow)
	}
	x := t
	if ow != t.W {
		c := bilinearCoeffs(t.W, ow)
		out := tensor.New(t.C, t.H, ow)
		for ch := 0; ch < t.C; ch++ {
			src, dst := x.Plane(ch), out.Plane(ch)
			for y := 0; y < t.H; y++ {
				row := src[y*t.W : (y+1)*t.W]
				for i := 0; i < ow; i++ {
					dst[y*ow+i] = tap(row, 1, c, i, eightBit)
				}
			}
		}
		x = out
	}
	if oh != t.H {
		c := bilinearCoeffs(t.H, oh)
		out := tensor.New(x.C, oh, x.W)
		for ch := 0; ch < x.C; ch++ {
			src, dst := x.Plane(ch), out.Plane(ch)
			for xx := 0; xx < x.W; xx++ {
				for i := 0; i < oh; i++ {
					dst[i*x.W+xx] = tap(src[xx:], x.W, c, i, eightBit)
				}
			}
		}
		x = out
	}
	if x == t {
		x = t.Clone()
	}
	return x, nil
}

// tap computes output i of one pass from samples s[0], s[step], ….
func tap(s []float32, step int, c coeffs, i int, eightBit bool) float32 {
	base := c.start[i] * step
	if eightBit {
		acc := int64(1) << (precision - 1)
		for k, w := range c.fixed[i] {
			acc += w * int64(s[base+k*step])
		}
		return float32(min(max(acc>>precision, 0), 255))
	}
	var acc float64
	for k, w := range c.w[i] {
		acc += w * float64(s[base+k*step])
	}
	return float32(acc)
}

// CenterCrop cuts the central h×w window, with torchvision's offsets
// round((H−h)/2) (Python's round: halves to even).
func CenterCrop(t *tensor.Tensor, h, w int) (*tensor.Tensor, error) {
	if h > t.H || w > t.W || h < 1 || w < 1 {
		return nil, fmt.Errorf("centre crop %dx%d of a %dx%d image: the crop must fit inside", h, w, t.H, t.W)
	}
	top := int(math.RoundToEven(float64(t.H-h) / 2))
	left := int(math.RoundToEven(float64(t.W-w) / 2))
	out := tensor.New(t.C, h, w)
	for c := 0; c < t.C; c++ {
		src, dst := t.Plane(c), out.Plane(c)
		for y := 0; y < h; y++ {
			copy(dst[y*w:(y+1)*w], src[(y+top)*t.W+left:])
		}
	}
	return out, nil
}

// Scale multiplies every sample by s in place (ToTensor is Scale(1/255)).
func Scale(t *tensor.Tensor, s float64) {
	for i, v := range t.Data {
		t.Data[i] = float32(float64(v) * s)
	}
}

// Normalize computes (x − mean[c]) / std[c] in place, as
// torchvision.transforms.Normalize. One value applies to every channel.
func Normalize(t *tensor.Tensor, mean, std []float64) error {
	if len(mean) != len(std) || (len(mean) != 1 && len(mean) != t.C) {
		return fmt.Errorf("normalise: %d means and %d standard deviations for %d channels (give one or one a channel)", len(mean), len(std), t.C)
	}
	for c := 0; c < t.C; c++ {
		m, s := mean[0], std[0]
		if len(mean) > 1 {
			m, s = mean[c], std[c]
		}
		if s == 0 {
			return fmt.Errorf("normalise: standard deviation 0 for channel %d", c)
		}
		p := t.Plane(c)
		for i, v := range p {
			p[i] = float32((float64(v) - m) / s)
		}
	}
	return nil
}

// Channels matches an image's channels to what a network wants, as PIL's
// convert does: alpha (the last channel, when alpha is set) is dropped,
// one grey channel is copied to three, and three colours become one by
// ITU-R 601 luma (L = 0.299 R + 0.587 G + 0.114 B). Other combinations are
// returned unchanged, for the network to refuse.
func Channels(t *tensor.Tensor, alpha bool, want int) *tensor.Tensor {
	if alpha && t.C > 1 {
		u := tensor.New(t.C-1, t.H, t.W)
		copy(u.Data, t.Data[:u.Len()])
		t = u
	}
	switch {
	case t.C == 1 && want == 3:
		u := tensor.New(3, t.H, t.W)
		for c := 0; c < 3; c++ {
			copy(u.Plane(c), t.Data)
		}
		return u
	case t.C == 3 && want == 1:
		u := tensor.New(1, t.H, t.W)
		r, g, b := t.Plane(0), t.Plane(1), t.Plane(2)
		for i := range u.Data {
			u.Data[i] = float32(float64(r[i])*0.299 + float64(g[i])*0.587 + float64(b[i])*0.114)
		}
		return u
	}
	return t
}

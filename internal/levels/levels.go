package levels

import (
	"errors"
	"math"

	"github.com/convtool/convtool/internal/tensor"
)

// ScaleOffset applies libvips' rule out = x/scale + offset to the first n
// channels of t (scale 0 means 1).
func ScaleOffset(t *tensor.Tensor, n int, scale, offset float64) {
	if scale == 0 {
		scale = 1
	}
	if scale == 1 && offset == 0 {
		return
	}
	inv := float32(1 / scale)
	off := float32(offset)
	for _, v := range chans(t, n) {
		for i := range v {
			v[i] = v[i]*inv + off
		}
	}
}

// Abs replaces the first n channels of t by their absolute values.
func Abs(t *tensor.Tensor, n int) {
	for _, v := range chans(t, n) {
		for i, x := range v {
			v[i] = float32(math.Abs(float64(x)))
		}
	}
}

// Rescale maps the first n channels' common min..max linearly onto lo..hi.
// A constant input maps to lo. NaNs stay NaN.
func Rescale(t *tensor.Tensor, n int, lo, hi float64) {
	cs := chans(t, n)
	mn, mx := math.Inf(1), math.Inf(-1)
	for _, v := range cs {
		for _, x := range v {
			if x != x {
				continue
			}
			mn = min(mn, float64(x))
			mx = max(mx, float64(x))
		}
	}
	if mn > mx {
		return
	}
	f := 0.0
	if mx > mn {
		f = (hi - lo) / (mx - mn)
	}
	for _, v := range cs {
		for i, x := range v {
			v[i] = float32(lo + (float64(x)-mn)*f)
		}
	}
}

func chans(t *tensor.Tensor, n int) [][]float32 {
	n = min(n, t.C)
	out := make([][]float32, n)
	for c := range n {
		out[c] = t.Plane(c)
	}
	return out
}

// Rec. 601 luma weights, as PIL's convert("L") and OpenCV's
// cvtColor(RGB2GRAY) use.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// GrayChannels is how many channels Gray leaves of c: grey and RGB give
// one, grey+alpha and RGBA two. Any other count is an error.
func GrayChannels(c int) (int, error) {
	switch c {
	case 1, 2:
		return c, nil
	case 3, 4:
		return c - 2, nil
	}
	return 0, errors.New("--gray needs a grey, RGB or RGBA input")
}

// Gray converts an RGB or RGBA tensor (3 or 4 channels) to grey, or grey
// plus alpha, keeping any alpha channel as it is. A 1- or 2-channel tensor
// is returned unchanged.
func Gray(t *tensor.Tensor) (*tensor.Tensor, error) {
	c, err := GrayChannels(t.C)
	if err != nil {
		return nil, err
	}
	if c == t.C {
		return t, nil
	}
	out := tensor.New(c, t.H, t.W)
	r, g, b, y := t.Plane(0), t.Plane(1), t.Plane(2), out.Plane(0)
	for i := range y {
		y[i] = float32(lumaR*float64(r[i]) + lumaG*float64(g[i]) + lumaB*float64(b[i]))
	}
	if t.C == 4 {
		copy(out.Plane(1), t.Plane(3))
	}
	return out, nil
}

// Premultiply multiplies each colour channel (all but the last) by the last
// channel, alpha, divided by maxAlpha.
func Premultiply(t *tensor.Tensor, maxAlpha float64) {
	a := t.Plane(t.C - 1)
	inv := float32(1 / maxAlpha)
	for c := 0; c < t.C-1; c++ {
		v := t.Plane(c)
		for i := range v {
			v[i] *= a[i] * inv
		}
	}
}

// Unpremultiply divides each colour channel by alpha/maxAlpha where alpha is
// positive; where alpha is zero (or below) the colour is 0.
func Unpremultiply(t *tensor.Tensor, maxAlpha float64) {
	a := t.Plane(t.C - 1)
	for c := 0; c < t.C-1; c++ {
		v := t.Plane(c)
		for i := range v {
			if a[i] > 0 {
				v[i] = float32(float64(v[i]) * maxAlpha / float64(a[i]))
			} else {
				v[i] = 0
			}
		}
	}
}

// Flatten composites a tensor whose last channel is alpha over a solid
// background, as libvips' flatten does: colour·α + background·(1-α) with
// α = alpha/maxAlpha clamped to 0..1, and returns the colour channels
// only. bg holds one value per colour channel in the sample range (a
// single value is used for every channel; none means black).
func Flatten(t *tensor.Tensor, maxAlpha float64, bg []float64) *tensor.Tensor {
	c := t.C - 1
	out := tensor.New(c, t.H, t.W)
	a := t.Plane(c)
	for ch := 0; ch < c; ch++ {
		var b float64
		switch {
		case len(bg) == 1:
			b = bg[0]
		case ch < len(bg):
			b = bg[ch]
		}
		src, dst := t.Plane(ch), out.Plane(ch)
		for i, v := range src {
			al := min(max(float64(a[i])/maxAlpha, 0), 1)
			dst[i] = float32(float64(v)*al + b*(1-al))
		}
	}
	return out
}

// Post applies the steps after a convolution to the first n channels of t
// (alpha, if any, is left alone), in libvips' order: out = v/scale +
// offset, then the absolute value if abs, then, if rescale, min..max
// mapped onto 0..hi.
func Post(t *tensor.Tensor, n int, scale, offset float64, abs, rescale bool, hi float64) {
	ScaleOffset(t, n, scale, offset)
	if abs {
		Abs(t, n)
	}
	if rescale {
		Rescale(t, n, 0, hi)
	}
}

// SampleMax is the largest sample of an image of the given depth in bits
// (16: 65535, else 255).
func SampleMax(depth int) float64 {
	if depth == 16 {
		return 65535
	}
	return 255
}

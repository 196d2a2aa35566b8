package forward

import (
	"fmt"
	"math"

	"github.com/convtool/convtool/internal/tensor"
)

// This file holds the arithmetic of the layer kinds beyond convolution and
// pooling, each as PyTorch computes it in eval mode: a function over
// tensors that prepare binds to a layer.

// Activations beyond relu, in float64 and rounded once, as torch's float32
// kernels are accurate to about an ulp.
var (
	silu        = func(v float32) float32 { x := float64(v); return float32(x / (1 + math.Exp(-x))) }
	gelu        = func(v float32) float32 { x := float64(v); return float32(0.5 * x * (1 + math.Erf(x/math.Sqrt2))) }
	hardSigmoid = func(v float32) float32 { return min(max(v+3, 0), 6) / 6 }
	hardSwish   = func(v float32) float32 { return v * min(max(v+3, 0), 6) / 6 }
	// geluTanh is F.gelu(x, approximate='tanh'):
	// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
	geluTanh = func(v float32) float32 {
		x := float64(v)
		return float32(0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x))))
	}
	// mish is x·tanh(softplus(x)), softplus = log(1 + eˣ).
	mish = func(v float32) float32 { x := float64(v); return float32(x * math.Tanh(math.Log1p(math.Exp(x)))) }
)

// leakyReLU is F.leaky_relu with the given negative slope.
func leakyReLU(slope float32) func(float32) float32 {
	return func(v float32) float32 {
		if v < 0 {
			return v * slope
		}
		return v
	}
}

// concat stacks tensors of equal H×W along the channels, in order.
func concat(parts []*tensor.Tensor) (*tensor.Tensor, error) {
	c := 0
	for _, p := range parts {
		if p.H != parts[0].H || p.W != parts[0].W {
			return nil, fmt.Errorf("concat: %s and %s differ in size", parts[0].Shape(), p.Shape())
		}
		c += p.C
	}
	out := tensor.New(c, parts[0].H, parts[0].W)
	off := 0
	for _, p := range parts {
		off += copy(out.Data[off:], p.Data)
	}
	return out, nil
}

// mul multiplies x by g elementwise; either may be C×1×1 (one gate a
// channel, squeeze-and-excitation's broadcast) against the other's C×H×W.
func mul(x, g *tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
	if x.H*x.W == 1 && g.H*g.W > 1 {
		x, g, inPlace = g, x, false
	}
	out := x
	if !inPlace {
		out = tensor.New(x.C, x.H, x.W)
	}
	switch {
	case g.SameShape(x):
		for i, v := range x.Data {
			out.Data[i] = v * g.Data[i]
		}
	case g.C == x.C && g.H == 1 && g.W == 1:
		for c := 0; c < x.C; c++ {
			s, d := x.Plane(c), out.Plane(c)
			for i, v := range s {
				d[i] = v * g.Data[c]
			}
		}
	default:
		return nil, fmt.Errorf("mul: cannot broadcast %s over %s", g.Shape(), x.Shape())
	}
	return out, nil
}

// upsample resizes x to oh×ow as F.interpolate (nearest, or bilinear with
// align_corners=False). sh and sw are the source step per output sample:
// 1/scale_factor when a scale was given, else in/out, as torch uses.
func upsample(x *tensor.Tensor, oh, ow int, sh, sw float32, bilinear bool) *tensor.Tensor {
	if !bilinear {
		out := tensor.New(x.C, oh, ow)
		ys, xs := nearestIndex(oh, x.H, sh), nearestIndex(ow, x.W, sw)
		for c := 0; c < x.C; c++ {
			s, d := x.Plane(c), out.Plane(c)
			for oy, iy := range ys {
				row := s[iy*x.W : (iy+1)*x.W]
				for ox, ix := range xs {
					d[oy*ow+ox] = row[ix]
				}
			}
		}
		return out
	}
	y0, y1, wy := linearTaps(oh, x.H, sh)
	x0, x1, wx := linearTaps(ow, x.W, sw)
	return bilinearBlend(x, y0, y1, wy, x0, x1, wx)
}

// nearestIndex is torch's nearest source index: floor(o·step), clipped.
func nearestIndex(out, in int, step float32) []int {
	idx := make([]int, out)
	for o := range idx {
		idx[o] = min(int(float32(math.Floor(float64(float32(o)*step)))), in-1)
	}
	return idx
}

// upsampleAligned is F.interpolate(mode='bilinear', align_corners=True):
// output o samples the input at o·(in−1)/(out−1), so the corner samples
// of input and output coincide (whatever the scale factor).
func upsampleAligned(x *tensor.Tensor, oh, ow int) *tensor.Tensor {
	y0, y1, wy := alignedTaps(oh, x.H)
	x0, x1, wx := alignedTaps(ow, x.W)
	return bilinearBlend(x, y0, y1, wy, x0, x1, wx)
}

// bilinearBlend blends each output from two rows and two columns of x: rows
// y0, y1 with weight wy on the second, columns x0, x1 with wx.
func bilinearBlend(x *tensor.Tensor, y0, y1 []int, wy []float32, x0, x1 []int, wx []float32) *tensor.Tensor {
	oh, ow := len(y0), len(x0)
	out := tensor.New(x.C, oh, ow)
	for c := 0; c < x.C; c++ {
		s, d := x.Plane(c), out.Plane(c)
		for oy := range oh {
			r0, r1 := s[y0[oy]*x.W:], s[y1[oy]*x.W:]
			ly := wy[oy]
			for ox := range ow {
				lx := wx[ox]
				top := (1-lx)*r0[x0[ox]] + lx*r0[x1[ox]]
				bot := (1-lx)*r1[x0[ox]] + lx*r1[x1[ox]]
				d[oy*ow+ox] = (1-ly)*top + ly*bot
			}
		}
	}
	return out
}

// alignedTaps is align_corners=True's source position o·(in−1)/(out−1)
// (0 for one output), as two taps and the second's weight.
func alignedTaps(out, in int) (i0, i1 []int, w []float32) {
	i0, i1, w = make([]int, out), make([]int, out), make([]float32, out)
	var step float32
	if out > 1 {
		step = float32(in-1) / float32(out-1)
	}
	for o := range out {
		r := step * float32(o)
		a := min(int(r), in-1)
		b := min(a+1, in-1)
		i0[o], i1[o], w[o] = a, b, r-float32(a)
	}
	return i0, i1, w
}

// linearTaps is torch's align_corners=False source position for each
// output: (o + 0.5)·step − 0.5, clamped at 0, split into two taps and the
// weight of the second.
func linearTaps(out, in int, step float32) (i0, i1 []int, w []float32) {
	i0, i1, w = make([]int, out), make([]int, out), make([]float32, out)
	for o := range out {
		r := max(step*(float32(o)+0.5)-0.5, 0)
		a := int(r)
		b := a
		if a < in-1 {
			b = a + 1
		}
		i0[o], i1[o], w[o] = a, b, r-float32(a)
	}
	return i0, i1, w
}

// zeroPad adds zero rows and columns: top, bottom, left, right.
func zeroPad(x *tensor.Tensor, top, bottom, left, right int) *tensor.Tensor {
	oh, ow := x.H+top+bottom, x.W+left+right
	out := tensor.New(x.C, oh, ow)
	for c := 0; c < x.C; c++ {
		s, d := x.Plane(c), out.Plane(c)
		for y := range x.H {
			copy(d[(y+top)*ow+left:], s[y*x.W:(y+1)*x.W])
		}
	}
	return out
}

// softmaxChannels is F.softmax(x, dim=1): at each position, over the
// channels, with the largest value subtracted first.
func softmaxChannels(x *tensor.Tensor, inPlace bool) *tensor.Tensor {
	out := x
	if !inPlace {
		out = tensor.New(x.C, x.H, x.W)
	}
	hw := x.H * x.W
	e := make([]float64, x.C)
	for i := range hw {
		hi := math.Inf(-1)
		for c := range x.C {
			hi = math.Max(hi, float64(x.Data[c*hw+i]))
		}
		var sum float64
		for c := range x.C {
			e[c] = math.Exp(float64(x.Data[c*hw+i]) - hi)
			sum += e[c]
		}
		for c := range x.C {
			out.Data[c*hw+i] = float32(e[c] / sum)
		}
	}
	return out
}

// linearChannels is nn.Linear applied to the channel vector at every
// position: w is (out, C), bias nil or out values.
func linearChannels(x *tensor.Tensor, nOut int, w, bias []float32) *tensor.Tensor {
	hw := x.H * x.W
	out := tensor.New(nOut, x.H, x.W)
	parallelRange(nOut, func(lo, hi int) {
		for o := lo; o < hi; o++ {
			d := out.Plane(o)
			if bias != nil {
				for i := range d {
					d[i] = bias[o]
				}
			}
			for c := range x.C {
				k := w[o*x.C+c]
				s := x.Data[c*hw : (c+1)*hw]
				for i, v := range s {
					d[i] += k * v
				}
			}
		}
	})
	return out
}

// groupNorm is F.group_norm: each group of C/groups channels is
// normalised over its channels and positions together (biased variance),
// then each channel scaled and shifted.
func groupNorm(x *tensor.Tensor, groups int, w, b []float32, eps float64, inPlace bool) *tensor.Tensor {
	out := x
	if !inPlace {
		out = tensor.New(x.C, x.H, x.W)
	}
	per := x.C / groups
	n := per * x.H * x.W
	for g := range groups {
		s := x.Data[g*n : (g+1)*n]
		var sum, sq float64
		for _, v := range s {
			sum += float64(v)
		}
		mean := sum / float64(n)
		for _, v := range s {
			d := float64(v) - mean
			sq += d * d
		}
		inv := 1 / math.Sqrt(sq/float64(n)+eps)
		for k := range per {
			c := g*per + k
			src, dst := x.Plane(c), out.Plane(c)
			for i, v := range src {
				dst[i] = float32((float64(v)-mean)*inv*float64(w[c]) + float64(b[c]))
			}
		}
	}
	return out
}

// layerNormChannels is ConvNeXt's LayerNorm2d: nn.LayerNorm(C) over the
// channel vector at each position, then a scale and shift per channel.
func layerNormChannels(x *tensor.Tensor, w, b []float32, eps float64, inPlace bool) *tensor.Tensor {
	out := x
	if !inPlace {
		out = tensor.New(x.C, x.H, x.W)
	}
	hw := x.H * x.W
	for i := range hw {
		var sum, sq float64
		for c := range x.C {
			sum += float64(x.Data[c*hw+i])
		}
		mean := sum / float64(x.C)
		for c := range x.C {
			d := float64(x.Data[c*hw+i]) - mean
			sq += d * d
		}
		inv := 1 / math.Sqrt(sq/float64(x.C)+eps)
		for c := range x.C {
			out.Data[c*hw+i] = float32((float64(x.Data[c*hw+i])-mean)*inv*float64(w[c]) + float64(b[c]))
		}
	}
	return out
}

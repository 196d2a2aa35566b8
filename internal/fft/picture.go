package fft

import (
	"math"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// LogScale replaces every value v of t by log(1+v), scaled per channel so
// that the channel's largest value becomes top (an all-zero channel stays
// zero). The logarithm makes a spectrum's tail visible beside its DC term,
// which is larger by orders of magnitude.
func LogScale(t *tensor.Tensor, top float64) {
	for c := range t.C {
		pl := t.Plane(c)
		var peak float64
		for _, v := range pl {
			peak = max(peak, math.Log1p(float64(v)))
		}
		s := 0.0
		if peak > 0 {
			s = top / peak
		}
		for i, v := range pl {
			pl[i] = float32(math.Log1p(float64(v)) * s)
		}
	}
}

// ResponseSide is the smallest side of ResponsePicture: large enough to
// show a 3×3 kernel's response smoothly.
const ResponseSide = 256

// ResponsePicture is k's centred frequency response |H| (linear: it is the
// gain each frequency gets) on a square of max(256, 4·kernel) samples,
// fine enough to read, scaled so that the largest gain is 255: an 8-bit
// picture's samples.
func ResponsePicture(k *kernel.Kernel) *tensor.Tensor {
	n := max(ResponseSide, 4*max(k.H, k.W))
	r := KernelResponse(k, n, n)
	_, peak := r.MinMax()
	if peak > 0 {
		for i, v := range r.Data {
			r.Data[i] = v / peak * 255
		}
	}
	return r
}

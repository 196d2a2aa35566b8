package conv

import (
	"math"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// filterFFT correlates every plane of padded (already padded by the edge rule) with k, at stride and dilation p.StrideY/X, p.DilY/X, returning the valid part.
func filterFFT(padded *tensor.Tensor, k *kernel.Kernel, p Params) (*tensor.Tensor, error) {
	return nil, errFFTUnavailable
}

// fftCost estimates filterFFT's time (arbitrary units comparable with directCost) for a c×h×w padded input and a kh×kw kernel; +Inf while FFT is unavailable.
func fftCost(c, h, w, kh, kw int) float64 { return math.Inf(1) }

package conv

import (
	"math"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// filterFFT correlates every plane of padded (already padded by the edge rule) with k, at stride and dilation p.StrideY/X, p.DilY/X, returning the valid part.
func filterFFT(padded *tensor.Tensor, k *kernel.Kernel, p Params) (*tensor.Tensor, error) {
	return fft.CorrelateTensor(padded, k.Data, k.H, k.W, fft.Options{
		StrideY: p.StrideY, StrideX: p.StrideX, DilationY: p.DilY, DilationX: p.DilX,
	})
}

// Cost model of filterFFT, in the nanoseconds of Cost. Correlating c planes
// is 2c+1 transform passes (each plane forward and back, the kernel once),
// each of fft.Work units (tiles·T²·log2 T²), plus a per-sample cost for the
// float32↔float64 copies, the spectrum product and the output. Fitted to
// BenchmarkCrossover in fft_test.go (1×1024×1024 padded 'same', kernels
// 3..63, median of 5, 2-core machine, GOMAXPROCS 2): fft takes 37–45 ms
// whatever the kernel (transform size 1024×1024, 20 log units), i.e. about
// 1.3 ns per unit over 3 passes including copies; direct goes from 6 ms at
// 3×3 to 1.01 s at 31×31.
//
// TODO(calibrate): constants below are replaced by the measured ones.
const (
	nsFFTUnit   = 0.6 // per tiles·T²·log2 T² unit of one transform pass
	nsFFTSample = 2.0 // per input sample and plane: copies, product, output
)

// fftCost estimates filterFFT's time (arbitrary units comparable with directCost) for a c×h×w padded input and a kh×kw kernel; +Inf while FFT is unavailable.
func fftCost(c, h, w, kh, kw int) float64 {
	work := fft.Work(h, w, kh, kw)
	if math.IsInf(work, 1) {
		return work
	}
	return float64(2*c+1)*work*nsFFTUnit + float64(c*h*w)*nsFFTSample
}

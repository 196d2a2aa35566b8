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
// each of fft.Work units (tiles·T_h·T_w·log2(T_h·T_w); one tile up to
// 2048 per side), plus a per-sample cost for padding, the float32↔float64
// copies, the spectrum product and the output.
//
// Measured with BenchmarkCrossover in fft_test.go (go test -run '^$' -bench
// Crossover -benchtime 3x -count 5 ./internal/conv/; a dense random k×k
// kernel, 'same' padding, replicate edge, on 1×1024×1024), medians in ms,
// two runs on the shared 2-core machine (load average 4–6, so absolute
// times are about 1.5–2× those behind the direct constants above; only the
// ratios are used):
//
//	k        3     5     7     9    11    15    21    31    45     63
//	direct  10.5  10.0  14.5  33.7  32.7  106   169   192   516   1305
//	fft     126   124   134   221*  152   333*  158   132   179    204
//	(run 1: direct 8.5/13.3/16.6/20.1/27.7/50.5/103/205/429/863,
//	        fft ~130 for every k; * a noisy outlier)
//
// FFT time hardly depends on the kernel (the transform is 1080×1080 for
// k ≤ 55, 1125×1125 above), and direct grows with k². The crossover lies
// between 21×21 (fft/direct 0.94 and 1.34 in the two runs) and 31×31
// (0.69, 0.72). Expressed in the direct model's units (118 ms at 31×31,
// 54 ms at 21×21), fft at 1080² is put at ≈80 ms: 3 passes of 23.5 M
// units at 1.1 ns plus 4 ns per sample, so auto switches to fft at about
// 26×26 for a dense kernel on a 1-megapixel channel. Rank-1 kernels still
// go separable, which beats both.
const (
	nsFFTUnit   = 1.1 // per tiles·T²·log2 T² unit of one transform pass
	nsFFTSample = 4.0 // per input sample and plane: copies, product, output
)

// fftCost estimates filterFFT's time (arbitrary units comparable with directCost) for a c×h×w padded input and a kh×kw kernel; +Inf while FFT is unavailable.
func fftCost(c, h, w, kh, kw int) float64 {
	work := fft.Work(h, w, kh, kw)
	if math.IsInf(work, 1) {
		return work
	}
	return float64(2*c+1)*work*nsFFTUnit + float64(c*h*w)*nsFFTSample
}

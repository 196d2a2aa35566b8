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
// 2048 per side), plus a per-sample cost for padding, the copies in and
// out of the transform, the spectrum product and the output.
//
// Measured with BenchmarkCrossover in fft_test.go (go test -run '^$' -bench
// 'Crossover/k(3|5|7|9|11|15|21|31)/' -benchtime 3x -count 3
// ./internal/conv/; a dense random k×k kernel, 'same' padding, replicate
// edge, on 1×1024×1024), medians in ms of runs alternated on the shared
// 2-core AMD EPYC (load average 9–13, so absolute times are 1.5–3× those
// behind the direct constants above; only the ratios are used), with
// internal/fft's float32 transform and its AVX2 butterflies:
//
//	k        3     5     7     9    11    15    21    31
//	direct  4.9   6.8   16.3  21.3  26.4  61.7  214   344
//	fft     16.4  27.5  21.4  17.6  15.9  17.9  17.9  18.5
//
// FFT time hardly depends on the kernel (the transform is 1080×1080 for
// k ≤ 55), and direct grows with k². The crossover lies between 7×7
// (fft/direct 1.31) and 9×9 (0.83). Expressed in the direct model's units
// (9.7 ms at 7×7, 13.5 ms at 9×9, 18.2 at 11×11), fft at 1080² is put at
// ≈11.7 ms: 3 passes of 23.5 M units at 0.15 ns plus 1 ns per sample, so
// auto switches to fft at about 8×8 for a dense kernel on a 1-megapixel
// channel. (With gonum's float64 FFT the figures were 1.1 ns and 4 ns and
// the switch came at 26×26.) Rank-1 kernels still go separable, which
// beats both. A faster direct path moves the crossover up: refit then.
//
// Small planes pay a fixed cost the per-unit terms miss (the plan, its
// twiddles, the kernel's spectrum, goroutines): a 3×3 kernel on 64×64
// took 99 µs by FFT against 31 µs direct, about 70 µs more than the units
// give, and 6.3 µs against 3.8 on 4×4; nsFFTCall charges 50 µs.
const (
	nsFFTUnit   = 0.15  // per tiles·T²·log2 T² unit of one transform pass
	nsFFTSample = 1.0   // per input sample and plane: copies, product, output
	nsFFTCall   = 50000 // per call: plan, twiddles, kernel spectrum
)

// fftCost estimates filterFFT's time (arbitrary units comparable with directCost) for a c×h×w padded input and a kh×kw kernel; +Inf while FFT is unavailable.
func fftCost(c, h, w, kh, kw int) float64 {
	work := fft.Work(h, w, kh, kw)
	if math.IsInf(work, 1) {
		return work
	}
	return float64(2*c+1)*work*nsFFTUnit + float64(c*h*w)*nsFFTSample + nsFFTCall
}

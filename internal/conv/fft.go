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

// Cost model of filterFFT, in the nanoseconds of Cost (wall time on two
// cores, fitted like the other methods to CPU time halved). Correlating c
// planes is 2c+1 transform passes (each plane forward and back, the kernel
// once), each of fft.Work units (tiles·T_h·T_w·log2(T_h·T_w); one tile up
// to 2048 per side), plus a per-sample cost for padding, the copies in and
// out of the transform, the spectrum product and the output, plus the
// spectra a call allocates and fills (the kernel's and each worker's, per
// sample of one tile), plus a fixed cost per call.
//
// Fitted to two workloads, CPU time per call on the shared 2-core AMD
// EPYC with internal/fft's AVX2 butterflies:
//
//   - BenchmarkCrossover in fft_test.go (go test -run '^$' -bench
//     'Crossover/k(3|5|7|9|11|15|21|31|63)/' -benchtime 3x -count 3
//     ./internal/conv/; a dense random k×k kernel, 'same' padding,
//     replicate edge, 1×1024×1024, one 1080² transform): 15–17 cpu-ms
//     whatever k (direct: 2.8 at 3×3, 5.7 at 11×11, 11 at 21×21, 20 at
//     31×31, 88 at 63×63), so auto's switch lies between 21×21 and 31×31;
//   - BenchmarkCorrelateTensor3x4096_k31 in internal/fft (3 planes of
//     4126², 256 tiles of 288² each): 338 cpu-ms, of which allocation is
//     negligible.
//
// Halved, 169 ms ≈ 2422 M units·0.06 + 51 M samples·0.5, and at 1024²
// 8 ms ≈ 70 M units·0.06 + 1.1 M samples·0.5 + 1.17 M tile samples·2.8:
// a one-tile call spends a third of its time allocating and filling
// spectra. The unit is charged at 0.075, above that fit, because a third
// workload, a 13×13 kernel on 3×2048² (BenchmarkFilter's image), measured
// 86 cpu-ms by FFT against 54 direct, where 0.06 put the FFT ahead.
//
// Without the assembly (fft.Accelerated false) the transforms took 3.2–3.9
// times as long (1073 against 338 cpu-ms above; 220 against 86 on the
// 13×13 case). goFFTSlow charges 6: the pure-Go figures of the other
// methods are scaled from AVX-512's (choose.go) and run high — separable's
// is 193 ms on that 13×13 case, measured 44 (87 cpu-ms) — so at 3.5 a
// pure-Go build would send rank-1 kernels to the FFT, which is slower.
//
// Small planes pay a fixed cost the per-unit terms miss (the plan, its
// twiddles, goroutines): a 3×3 kernel on 64×64 took 99 µs by FFT against
// 31 µs direct, about 70 µs more than the units give; nsFFTCall charges
// 50 µs. (With gonum's float64 FFT the unit cost was 1.1 ns and the sample
// cost 4 ns in a model of older, slower units.)
const (
	nsFFTUnit   = 0.075 // per tiles·T²·log2 T² unit of one transform pass
	nsFFTSample = 0.5   // per input sample and plane: copies, product, output
	nsFFTTile   = 2.8   // per sample of one tile: allocating and filling spectra
	nsFFTCall   = 50000 // per call: plan, twiddles, goroutines
	goFFTSlow   = 6.0   // the pure-Go butterflies against the AVX2 ones (see above)
)

// fftCost estimates filterFFT's time (arbitrary units comparable with directCost) for a c×h×w padded input and a kh×kw kernel; +Inf while FFT is unavailable.
func fftCost(c, h, w, kh, kw int) float64 {
	work := fft.Work(h, w, kh, kw)
	if math.IsInf(work, 1) {
		return work
	}
	unit := nsFFTUnit
	if !fft.Accelerated() {
		unit *= goFFTSlow
	}
	tile := float64(fft.TileArea(h, w, kh, kw))
	return float64(2*c+1)*work*unit + float64(c*h*w)*nsFFTSample + tile*nsFFTTile + nsFFTCall
}

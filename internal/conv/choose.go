package conv

import "math"

// Workload is what the cost model needs to know about one convolution, in
// the form the methods run it: a transposed convolution is described by
// its equivalent ordinary one (zero-inserted input, stride 1).
type Workload struct {
	// C, H, W is the padded input.
	C, H, W int
	// OutC output channels, each summing InPerGroup input channels.
	OutC, InPerGroup int
	// KH, KW is the kernel; Taps counts its nonzero weights per (output,
	// input) pair (direct skips zeros).
	KH, KW, Taps int
	// HO, WO is the output.
	HO, WO           int
	StrideY, StrideX int
	// Filter is set for one 2-D kernel on every channel (separable and fft
	// apply); Rank1 when that kernel factors into column × row.
	Filter, Rank1 bool
}

// workload describes pr for Choose.
func (pr *problem) workload(filter, rank1 bool) Workload {
	ksz := pr.kh * pr.kw
	nz := 0
	for _, v := range pr.w {
		if v != 0 {
			nz++
		}
	}
	taps := max(1, (nz+pr.outC*pr.inPerG-1)/(pr.outC*pr.inPerG))
	return Workload{C: pr.inC, H: pr.hp, W: pr.wp, OutC: pr.outC, InPerGroup: pr.inPerG,
		KH: pr.kh, KW: pr.kw, Taps: min(taps, ksz), HO: pr.ho, WO: pr.wo, StrideY: pr.sy, StrideX: pr.sx,
		Filter: filter, Rank1: rank1}
}

// Cost model constants: nanoseconds of wall time per unit of work on the
// 2-core development machine (Intel Xeon, Go 1.26, GOMAXPROCS 2), fitted to
// bench_test.go (go test -run '^$' -bench 'Filter|Layer' -count 5
// ./internal/conv/, medians; the machine was shared, so runs vary by up to
// 2x and only ratios are trusted). The figures behind them, ms per call:
//
//	Gaussian 'same', replicate     direct  separable   gemm
//	1×1024×1024    3×3                4.9       5.4    23.5
//	1×1024×1024    5×5                7.3       4.0    28.8
//	1×1024×1024   13×13              23.8       5.6   172
//	3×2048×2048    3×3               57.2      48.3   161
//	3×2048×2048    5×5               68.5      61.0   256
//	3×2048×2048   13×13             269        84.2  1209
//	layer 64→64 3×3 on 56×56         19.2        —     17.0
//	layer 64→128 1×1 on 56×56        11.3        —     21.3 (7.4 vs 10.5 in another run)
//	layer 3→96 11×11/4 on 224×224    18.1        —     19.9
//	depthwise 64 3×3 on 112×112       2.9        —     18.0
//
// Direct costs ≈0.11 ns per multiply-add (the slope from 3×3 to 13×13;
// strided about the same) plus ≈3 ns to set up each tap of each output row
// (layers with short rows and many input channels feel it). Every method
// pays ≈3.7 ns per output sample for padding, allocation and the final
// write. Separable adds ≈0.3 ns per sample of its intermediate plane. gemm
// runs ≈0.14 ns per multiply-add once a group has many output channels,
// but with few (a 2-D filter, depthwise) the blocked kernel idles and a
// K·N element costs ≈1 ns whatever M is; im2col adds ≈0.5 ns per element.
const (
	nsMAC      = 0.11 // one multiply-add in accumulate
	nsTapSetup = 3.0  // one tap of one output row (direct)
	nsOut      = 3.7  // padding, allocation and writing, per output sample
	nsPass     = 0.3  // one sample of separable's intermediate plane
	nsIm2col   = 0.5  // one im2col element
	nsGemmMAC  = 0.14 // one multiply-add in blas32.Gemm, per output row of the group
	gemmMinM   = 4    // below this many output channels per group, gemm costs as if it had this many
	nsGemmCall = 3000 // per group: the im2col buffer and the blas32.Gemm call
	nsSepCall  = 2000 // separable's second parallel pass and intermediate plane
)

// Cost estimates the wall time of method m on wl in nanoseconds (+Inf when
// m cannot run), using the constants above; fftCost is in the same unit.
func Cost(wl Workload, m Method) float64 {
	out := float64(wl.OutC) * float64(wl.HO) * float64(wl.WO)
	rows := float64(wl.OutC) * float64(wl.HO)
	switch m {
	case Direct:
		taps := float64(wl.InPerGroup * wl.Taps)
		return out*(taps*nsMAC+nsOut) + rows*taps*nsTapSetup
	case Separable:
		if !wl.Filter || !wl.Rank1 {
			return math.Inf(1)
		}
		tmp := float64(wl.C) * float64(wl.H) * float64(wl.WO)
		return tmp*(float64(wl.KW)*nsMAC+nsPass) + out*(float64(wl.KH)*nsMAC+nsOut) +
			(float64(wl.C*wl.H)+rows)*float64(wl.KH+wl.KW)*nsTapSetup/2 + nsSepCall
	case GEMM:
		groups := float64(wl.C / wl.InPerGroup)
		k := float64(wl.InPerGroup * wl.KH * wl.KW)
		n := float64(wl.HO) * float64(wl.WO)
		m := max(float64(wl.OutC)/groups, gemmMinM)
		return groups*(k*n*(nsIm2col+m*nsGemmMAC)+nsGemmCall) + out*nsOut
	case FFT:
		if !wl.Filter {
			return float64(wl.OutC*wl.InPerGroup)*fftCost(1, wl.H, wl.W, wl.KH, wl.KW) + out*nsOut
		}
		return fftCost(wl.C, wl.H, wl.W, wl.KH, wl.KW)
	}
	return math.Inf(1)
}

// Choose returns the cheapest method for wl by Cost, preferring direct on
// ties. It never returns a method that cannot run: separable only for a
// rank-1 filter, fft only while fftCost is finite.
func Choose(wl Workload) Method {
	best, bestCost := Direct, Cost(wl, Direct)
	for _, m := range []Method{Separable, GEMM, FFT} {
		if c := Cost(wl, m); c < bestCost {
			best, bestCost = m, c
		}
	}
	return best
}

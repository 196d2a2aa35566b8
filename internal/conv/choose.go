package conv

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/convtool/convtool/internal/simd"
)

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
	nz := pr.nonzero
	if nz < 0 {
		nz = 0
		for _, v := range pr.w {
			if v != 0 {
				nz++
			}
		}
	}
	taps := max(1, (nz+pr.outC*pr.inPerG-1)/(pr.outC*pr.inPerG))
	return Workload{C: pr.inC, H: pr.hp, W: pr.wp, OutC: pr.outC, InPerGroup: pr.inPerG,
		KH: pr.kh, KW: pr.kw, Taps: min(taps, ksz), HO: pr.ho, WO: pr.wo, StrideY: pr.sy, StrideX: pr.sx,
		Filter: filter, Rank1: rank1}
}

// The cost model estimates each method's wall time in nanoseconds on two
// cores from the work it does as the code runs it, with per-unit costs that
// depend on the SIMD level the kernels run at (simd.Current): the sgemm
// micro-kernel's speed, the row kernel's, and how each pads its work to
// whole vectors and tiles. The AVX-512 figures were fitted to CPU time on
// the project's 2-core AMD EPYC (Go 1.26; go test -run '^$' -bench
// 'Target|Filter|Layer' -benchtime 3x -count 3 ./internal/conv/, cpu-ms/op
// halved, the minimum of the runs: the machine was shared, and CPU time
// tracks the work where wall time tracked the load). In cpu-ms per call:
//
//	                                    direct  separable  gemm
//	filter 1×1024²  3×3                   3.6      3.7       5.9
//	filter 1×1024² 13×13                  5.9      4.0      59
//	filter 3×2048²  5×5                  17.2     17.3     118
//	filter 3×2048² 13×13                 57.4     20.9     672
//	layer 64→64 3×3 at 56²                4.1       —        1.9
//	layer 64→64 3×3 at 224²             176         —       36.3
//	layer 256→64 1×1 at 56²               5.3       —        2.1
//	layer 3→64 7×7/2 at 224²             36.6       —        4.6
//	layer 3→96 11×11/4 at 224²           32.2       —        4.2
//	depthwise 256 3×3 at 56²              1.7       —        4.3
//	depthwise 3×4096² 5×5                54.8       —      469
//
// The AVX2 and pure-Go figures scale those by the kernels' own ratios
// (BenchmarkTile and BenchmarkRows in internal/simd: AVX2 runs the sgemm
// tile at 0.8 and the row kernel at 0.78 of AVX-512's speed, pure Go at
// 1/21 and 1/7).
type costModel struct {
	gemmMAC float64 // one multiply-add of the sgemm micro-kernel (tiles padded to MR×NR)
	rowMAC  float64 // one lane multiply-add of the row kernel (rows padded to whole blocks)
	lanes   int     // the row kernel's block of output samples
	mr, nr  int     // the sgemm tile
	// rows3x3 scales the row-kernel term of a 3×3 single-plane kernel at
	// unit vertical stride (a depthwise layer, a 3×3 filter), which the
	// AVX-512 level runs on its register-blocked kernel: 0.55 from
	// BenchmarkPlane3x3_56_AVX512 before and after that kernel (690–740
	// → 400–470 ns; a 3×3 Gaussian on 1×1024² then ran direct in
	// 1.3–1.7 cpu-ms, separable in 2.1). Zero means 1.
	rows3x3 float64
	// rowStep is the row kernel's cost of moving to the next input row, per
	// block (ns); cacheSlow scales its multiply-adds when the input planes
	// of one output spill out of L2; inPlaceSlow scales gemm's kernel
	// reading a 1×1 layer's input in place, against packed panels. The
	// assembly feels all three; the pure-Go loops, bound by their own
	// arithmetic, hardly do.
	rowStep, cacheSlow, inPlaceSlow float64
}

// The pure-Go figures were refitted after the strided direct path moved to
// the row kernel, at the generic level on the same machine (go test -c,
// then conv.test -level generic -test.bench Target, GOMAXPROCS=2, medians
// of 2): direct 12.7 ms on 64→64 3×3 at 56², 11.3 on the 7×7/2 stem, 6.7 on
// 256→64 1×1, 0.95 on the 3×3 depthwise layer, about 0.11 ns a lane
// multiply-add; gemm 20, 19.2, 8.2 and 7.9 (0.17–0.18 ns a multiply-add, in
// place or not). The old figures put auto on gemm for the first three, up
// to 1.8× slower than direct.
var costModels = map[simd.Level]costModel{
	simd.AVX512:  {gemmMAC: 0.0085, rowMAC: 0.010, lanes: 64, mr: 8, nr: 32, rows3x3: 0.55, rowStep: 0.5, cacheSlow: 3, inPlaceSlow: 2},
	simd.AVX2:    {gemmMAC: 0.0106, rowMAC: 0.0128, lanes: 32, mr: 6, nr: 16, rowStep: 0.5, cacheSlow: 3, inPlaceSlow: 2},
	simd.Generic: {gemmMAC: 0.18, rowMAC: 0.11, lanes: 1, mr: 4, nr: 16, rowStep: 0, cacheSlow: 1.2, inPlaceSlow: 1},
}

// Costs that do not depend on the SIMD level, in ns of wall time.
const (
	nsOut      = 0.25    // allocating and writing one output sample (every method)
	nsPad      = 0.15    // copying one sample into a padded plane or band
	nsPack     = 0.125   // packing one im2col element for gemm at unit stride
	nsPackGap  = 0.3     // … at a larger stride (a gather)
	l2Floats   = 1 << 18 // 1 MiB of L2
	nsGemmCall = 1000.0  // per group: packing the weights, starting the tasks
	nsSepCall  = 1000.0  // separable's per-call overhead
)

// Cost estimates the wall time of method m on wl in nanoseconds (+Inf when
// m cannot run) at the SIMD level the kernels run at now.
func Cost(wl Workload, m Method) float64 {
	return costAt(wl, m, costModels[simd.Current()])
}

func costAt(wl Workload, m Method, cm costModel) float64 {
	out := float64(wl.OutC) * float64(wl.HO) * float64(wl.WO)
	blocks := float64((wl.WO + cm.lanes - 1) / cm.lanes)
	lanesRow := blocks * float64(cm.lanes) // one output row as the row kernel runs it
	switch m {
	case Direct:
		rows := float64(wl.OutC) * float64(wl.HO)
		taps := float64(wl.InPerGroup * wl.Taps) // nonzero weights, one row-kernel step each
		mac := cm.rowMAC
		if wl.InPerGroup > 1 && wl.InPerGroup*wl.H*wl.W > l2Floats {
			mac *= cm.cacheSlow
		}
		padded := float64(wl.C) * float64(wl.H) * float64(wl.W)
		if wl.StrideX != 1 {
			padded *= 2 // padded, then split into stride phases
		}
		kern := rows * taps * (lanesRow*mac + blocks*cm.rowStep)
		if wl.InPerGroup == 1 && wl.KH == 3 && wl.KW == 3 && wl.Taps == 9 && wl.StrideY == 1 && cm.rows3x3 > 0 {
			kern *= cm.rows3x3
		}
		return kern + padded*nsPad + out*nsOut
	case Separable:
		if !wl.Filter || !wl.Rank1 {
			return math.Inf(1)
		}
		hrows := float64(wl.C) * float64(wl.H)
		vrows := float64(wl.C) * float64(wl.HO)
		rowPass := hrows * float64(wl.KW) * (lanesRow*cm.rowMAC + blocks*cm.rowStep)
		if wl.StrideX != 1 {
			rowPass += hrows * float64(wl.KW) * float64(wl.WO) * nsPad // each tap's phase gathered
		}
		colPass := vrows * float64(wl.KH) * (lanesRow*cm.rowMAC + blocks*cm.rowStep)
		return rowPass + colPass + hrows*float64(wl.W)*nsPad + out*nsOut + nsSepCall
	case GEMM:
		groups := float64(wl.C / wl.InPerGroup)
		k := float64(wl.InPerGroup * wl.KH * wl.KW)
		n := float64(wl.HO) * float64(wl.WO)
		outPerG := wl.OutC / max(wl.C/wl.InPerGroup, 1)
		mEff := float64((outPerG + cm.mr - 1) / cm.mr * cm.mr)
		nEff := math.Ceil(n/float64(cm.nr)) * float64(cm.nr)
		if wl.KH == 1 && wl.KW == 1 && wl.StrideY == 1 && wl.StrideX == 1 && wl.H == wl.HO && wl.W == wl.WO {
			// In place: no packing, a slower kernel.
			return groups*(mEff*k*nEff*cm.gemmMAC*cm.inPlaceSlow+nsGemmCall) + out*nsOut
		}
		padded := float64(wl.C) * float64(wl.H) * float64(wl.W)
		if wl.StrideX != 1 || wl.StrideY != 1 {
			padded *= 2 // then split into stride phases
		}
		if implicitFits(wl.KH, wl.KW, wl.StrideY, wl.StrideX, wl.HO*wl.WO, cm.nr) {
			// The implicit path (useImplicit): no packing; the kernel's
			// unaligned loads of B and the extended rows' extra columns
			// cost about a tenth more.
			return groups*(mEff*k*nEff*cm.gemmMAC*1.1+nsGemmCall) + padded*nsPad + out*nsOut
		}
		return groups*(mEff*k*nEff*cm.gemmMAC+k*n*nsPack+nsGemmCall) + padded*nsPad + out*nsOut
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
	m, _ := choose(wl)
	return m
}

// choose is Choose that also says why, for the summary: the estimates of
// every method that can run, cheapest first.
func choose(wl Workload) (Method, string) {
	return chooseWith(wl, simd.Current())
}

// chooseWith is choose by the cost model of level l.
func chooseWith(wl Workload, l simd.Level) (Method, string) {
	cm := costModels[l]
	type est struct {
		m Method
		c float64
	}
	var ests []est
	for _, m := range []Method{Direct, Separable, GEMM, FFT} {
		if c := costAt(wl, m, cm); !math.IsInf(c, 1) {
			ests = append(ests, est{m, c})
		}
	}
	sort.SliceStable(ests, func(i, j int) bool { return ests[i].c < ests[j].c })
	parts := make([]string, len(ests))
	for i, e := range ests {
		parts[i] = fmt.Sprintf("%s ≈%s", e.m, fmtNs(e.c))
	}
	return ests[0].m, fmt.Sprintf("auto: cheapest by the %s cost model (%s)", l, strings.Join(parts, ", "))
}

// fmtNs prints an estimate in a readable unit, to two figures or whole
// units.
func fmtNs(ns float64) string {
	v, unit := ns/1e3, "µs"
	switch {
	case ns >= 1e9:
		v, unit = ns/1e9, "s"
	case ns >= 1e6:
		v, unit = ns/1e6, "ms"
	}
	if v < 10 {
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

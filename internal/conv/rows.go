package conv

import (
	"errors"
	"fmt"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/kernel"
)

// RowFilter is Filter taken apart row by row, for callers that never hold
// the whole input (internal/stream): it pads one input row at a time and
// computes one output row from the padded rows under the kernel, with the
// same taps, in the same order, through the same accumulate as Filter's
// direct and separable methods, so the results are bit for bit the ones
// Filter returns for the whole plane.
//
// Direct: Row(dst, rows) with rows[ky] the padded input row under kernel row
// ky. Separable: HRow once per padded input row (the horizontal pass), then
// VRow(dst, hrows) from the horizontal rows under the kernel's column.
type RowFilter struct {
	// Method is Direct, Separable or FFT: the one Filter would run (on
	// finite input), and Reason what Filter's Report would say of it.
	Method Method
	Reason string
	// H, W is the input; HO, WO the output; WP the padded input width.
	H, W, HO, WO, WP int
	// KH, KW is the kernel; SY, SX the stride; DY, DX the dilation.
	KH, KW, SY, SX, DY, DX int
	// Top is the padding above the input, in rows.
	Top int

	k        []float32
	col, row []float32
	edge     Edge
	left     int
	bottom   int
	cols     []int
	x0, x1   int
}

// ErrNotRowwise is returned by NewRowFilter when Filter would run a
// method that needs the whole plane (gemm, fft) or a transposed
// convolution: callers then take the whole-image path.
var ErrNotRowwise = errors.New("conv: this filter does not run row by row")

// filterMethod returns the method Filter(in, k, p, m) runs for an input
// of c×h×w samples with finite values and the reason Filter's Report
// gives, or an error for a geometry Filter refuses.
func filterMethod(c, h, w int, k *kernel.Kernel, p Params, m Method) (Method, string, error) {
	if k == nil || len(k.Data) != k.H*k.W {
		return "", "", errors.New("conv: bad kernel")
	}
	ho, wo, err := p.check(c, h, w, k.H, k.W)
	if err != nil {
		return "", "", err
	}
	kk := k
	if p.Transpose {
		kk = k.Rotate180()
	}
	_, _, rank1 := rankOne(kk.H, kk.W, kk.Data)
	asked, why := m, ""
	if m == "" || m == Auto {
		var hp, wp int
		sy, sx := p.StrideY, p.StrideX
		if p.Transpose {
			// As prepare: the zero-inserted, padded input at stride 1.
			ey, ex := p.DilY*(k.H-1)-p.Pad.Top, p.DilX*(k.W-1)-p.Pad.Left
			hp, wp = (h-1)*p.StrideY+1+2*ey+p.OutPadY, (w-1)*p.StrideX+1+2*ex+p.OutPadX
			sy, sx = 1, 1
		} else {
			hp, wp = h+p.Pad.Top+p.Pad.Bottom, w+p.Pad.Left+p.Pad.Right
		}
		m, why = choose(filterWorkload(c, hp, wp, ho, wo, sy, sx, kk, rank1))
	}
	if m == Separable && !rank1 {
		m = Direct
	}
	if asked != "" && asked != Auto && asked != m {
		why = fmt.Sprintf("%s does not apply here, so %s ran", asked, m)
	}
	return m, why, nil
}

// filterWorkload is problem.workload for Filter's problem: c planes, each
// its own group, with kk's nonzero weights as taps.
func filterWorkload(c, hp, wp, ho, wo, sy, sx int, kk *kernel.Kernel, rank1 bool) Workload {
	nz := 0
	for _, v := range kk.Data {
		if v != 0 {
			nz++
		}
	}
	return Workload{C: c, H: hp, W: wp, OutC: c, InPerGroup: 1, KH: kk.H, KW: kk.W,
		Taps: min(max(1, nz), kk.H*kk.W), HO: ho, WO: wo, StrideY: sy, StrideX: sx,
		Filter: true, Rank1: rank1}
}

// NewRowFilter prepares the row-by-row form of Filter(in, k, p, m) for an
// input of c×h×w samples. It returns ErrNotRowwise (wrapped) when Filter
// would run gemm, or for a transposed convolution. With Method FFT, Row,
// HRow and VRow do not apply: the plane goes band by band through
// Correlator.
func NewRowFilter(c, h, w int, k *kernel.Kernel, p Params, m Method) (*RowFilter, error) {
	if p.Transpose {
		return nil, fmt.Errorf("%w: transposed", ErrNotRowwise)
	}
	used, why, err := filterMethod(c, h, w, k, p, m)
	if err != nil {
		return nil, err
	}
	if used != Direct && used != Separable && used != FFT {
		return nil, fmt.Errorf("%w: method %s", ErrNotRowwise, used)
	}
	ho, wo, _ := p.check(c, h, w, k.H, k.W)
	f := &RowFilter{Method: used, Reason: why, H: h, W: w, HO: ho, WO: wo, WP: w + p.Pad.Left + p.Pad.Right,
		KH: k.H, KW: k.W, SY: p.StrideY, SX: p.StrideX, DY: p.DilY, DX: p.DilX, Top: p.Pad.Top,
		k: k.Data, edge: p.Edge, left: p.Pad.Left, bottom: p.Pad.Bottom}
	if used == Separable {
		f.col, f.row, _ = rankOne(k.H, k.W, k.Data)
	}
	f.cols = make([]int, f.WP)
	for x := range f.cols {
		f.cols[x] = p.Edge.source(x-f.left, w)
	}
	f.x0, f.x1 = max(f.left, 0), min(f.left+w, f.WP)
	return f, nil
}

// Correlator is the FFT method's correlator for the whole padded plane
// (Method FFT): fed band by band (fft.Correlator.CorrelateBand) it gives
// Filter's FFT result bit for bit. Filter runs FFT only on finite input
// (it falls back to direct on NaN or Inf, which a caller streaming rows
// cannot know in advance): callers use it for inputs that are finite by
// construction, such as images.
func (f *RowFilter) Correlator() (*fft.Correlator, error) {
	hp := f.H + f.Top + f.bottom
	return fft.NewCorrelator(hp, f.WP, f.k, f.KH, f.KW, fft.Options{StrideY: f.SY, StrideX: f.SX, DilationY: f.DY, DilationX: f.DX})
}

// SourceRow returns the input row that fills padded row y, or -1 for a
// row of zeros.
func (f *RowFilter) SourceRow(y int) int { return f.edge.source(y-f.Top, f.H) }

// Bottom is the padding below the input, in rows.
func (f *RowFilter) Bottom() int { return f.bottom }

// Span is the number of padded rows one output row reads: (KH-1)·DY+1.
func (f *RowFilter) Span() int { return (f.KH-1)*f.DY + 1 }

// Pad writes the padded form of input row src (len W) into dst (len WP).
func (f *RowFilter) Pad(dst, src []float32) {
	padInto(dst, src, f.cols, f.x0, f.x1, f.left)
}

// padInto fills dst, a padded row, from its source row: the span x0..x1
// is a straight copy, the rest follows cols (-1 for a zero).
func padInto(dst, srow []float32, cols []int, x0, x1, left int) {
	if x0 < x1 {
		copy(dst[x0:x1], srow[x0-left:x1-left])
	}
	for x := range min(x0, len(dst)) {
		dst[x] = at(srow, cols[x])
	}
	for x := max(x1, 0); x < len(dst); x++ {
		dst[x] = at(srow, cols[x])
	}
}

// Row computes one output row (len WO) by the direct method; rows[ky] is
// the padded input row under kernel row ky (len WP). taps is scratch
// (may be nil) and is returned for reuse.
func (f *RowFilter) Row(dst []float32, rows [][]float32, taps []Tap) []Tap {
	taps = taps[:0]
	for ky := range f.KH {
		ws := f.k[ky*f.KW : (ky+1)*f.KW]
		if allZero(ws) {
			continue
		}
		row := rows[ky]
		for kx, kv := range ws {
			if kv != 0 {
				taps = append(taps, tap{row[kx*f.DX:], kv})
			}
		}
	}
	accumulate(dst, taps, f.SX)
	return taps
}

// HRow is the separable method's horizontal pass of one padded input row
// (len WP) into h (len WO).
func (f *RowFilter) HRow(h, padded []float32, taps []Tap) []Tap {
	taps = taps[:0]
	for kx, kv := range f.row {
		if kv != 0 {
			taps = append(taps, tap{padded[kx*f.DX:], kv})
		}
	}
	accumulate(h, taps, f.SX)
	return taps
}

// VRow is the separable method's vertical pass: hrows[ky] is the
// horizontal pass of the padded row under kernel row ky (nil where the
// column factor is zero: it is not read).
func (f *RowFilter) VRow(dst []float32, hrows [][]float32, taps []Tap) []Tap {
	taps = taps[:0]
	for ky, kv := range f.col {
		if kv != 0 {
			taps = append(taps, tap{hrows[ky], kv})
		}
	}
	accumulate(dst, taps, 1)
	return taps
}

// Tap is scratch space for Row, HRow and VRow: one kernel weight and the
// input it multiplies.
type Tap = tap

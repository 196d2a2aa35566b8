package pool

import (
	"fmt"
	"math"

	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// Op is what a window is reduced to.
type Op int

// Pooling operations.
const (
	Max Op = iota // largest value; padding is −∞ (never chosen)
	Avg           // mean; see Params.CountIncludePad
	Min           // smallest value, −maxpool(−x); padding is +∞
	L2            // sqrt(Σ x²) over the window; padding adds 0
)

var opNames = [...]string{"max", "avg", "min", "l2"}

// String returns the op's flag word.
func (o Op) String() string {
	if o < 0 || int(o) >= len(opNames) {
		return fmt.Sprintf("Op(%d)", int(o))
	}
	return opNames[o]
}

// ParseOp reads "max", "avg", "min" or "l2".
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if n == s {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("pool op %q: want max, avg, min or l2", s)
}

// Params describe a sliding-window pooling with PyTorch's semantics.
type Params struct {
	Op Op
	// KH, KW is the window.
	KH, KW int
	// SH, SW is the stride (0: the window).
	SH, SW int
	// PH, PW is the padding on each side, at most half the window.
	PH, PW int
	// DH, DW is the dilation (0: 1); only max and min allow more than 1,
	// as PyTorch's max_pool2d does and avg_pool2d does not.
	DH, DW int
	// Ceil is PyTorch's ceil_mode: a partial window at the end counts if it
	// starts inside the input or the left padding.
	Ceil bool
	// CountIncludePad makes avg divide by the window clipped to the padded
	// input, padding included (PyTorch's default), rather than by the input
	// samples it covers.
	CountIncludePad bool
	// Progress, if set, is told after each output row how many of the
	// C·H' rows are done. It is not part of the geometry; a progress bar
	// hangs on it.
	Progress func(done, total int)
}

// normalize fills in defaults.
func (p Params) normalize() Params {
	if p.SH == 0 {
		p.SH = p.KH
	}
	if p.SW == 0 {
		p.SW = p.KW
	}
	if p.DH == 0 {
		p.DH = 1
	}
	if p.DW == 0 {
		p.DW = 1
	}
	return p
}

// OutSize returns the output size for an input of h×w, or an error saying
// why the geometry cannot work (bad window, padding over half the window,
// an output size below 1 — in floor mode a window larger than the padded
// input —, dilation with avg or l2).
func (p Params) OutSize(h, w int) (oh, ow int, err error) {
	p = p.normalize()
	if p.Op < Max || p.Op > L2 {
		return 0, 0, fmt.Errorf("unknown pool op %d", int(p.Op))
	}
	if (p.DH != 1 || p.DW != 1) && (p.Op == Avg || p.Op == L2) {
		return 0, 0, fmt.Errorf("dilation is only defined for max and min pooling (as in PyTorch)")
	}
	ch, err := shape.PoolOut("H'", h, p.KH, p.SH, p.PH, p.DH, p.Ceil)
	if err != nil {
		return 0, 0, err
	}
	cw, err := shape.PoolOut("W'", w, p.KW, p.SW, p.PW, p.DW, p.Ceil)
	if err != nil {
		return 0, 0, err
	}
	return int(ch.Value), int(cw.Value), nil
}

// Pool applies p to every channel of x.
func Pool(x *tensor.Tensor, p Params) (*tensor.Tensor, error) {
	oh, ow, err := p.OutSize(x.H, x.W)
	if err != nil {
		return nil, err
	}
	p = p.normalize()
	out := tensor.New(x.C, oh, ow)
	// Each output column's taps inside the input, once per call: tapRange
	// divides, and a max pool's window is only a few compares.
	var cols [][2]int
	if p.Op == Max || p.Op == Min {
		cols = make([][2]int, ow)
		for ox := range cols {
			j0, j1 := tapRange(ox*p.SW-p.PW, x.W, p.KW, p.DW)
			cols[ox] = [2]int{j0, j1}
		}
	}
	// A max pool runs the columns whose window lies whole in the input on
	// the SIMD max kernel, one row per tap; at stride 2 each plane is
	// first split into its even and odd columns, so every tap's samples
	// follow each other.
	lo, hi := 0, 0
	var mr maxRows
	if p.Op == Max {
		lo, hi = inner(cols, p.KW)
		if p.SW == 2 && hi > lo {
			mr.half = (x.W + 1) / 2
			mr.phases = make([]float32, x.H*2*mr.half)
		}
	}
	for c := 0; c < x.C; c++ {
		src, dst := x.Plane(c), out.Plane(c)
		if mr.phases != nil {
			for y := range x.H {
				row, ph := src[y*x.W:(y+1)*x.W], mr.phases[y*2*mr.half:(y+1)*2*mr.half]
				simd.Deinterleave2(ph[:mr.half], ph[mr.half:], row, x.W/2)
				if x.W%2 == 1 {
					ph[x.W/2] = row[x.W-1]
				}
			}
		}
		for oy := 0; oy < oh; oy++ {
			y0 := oy*p.SH - p.PH
			if cols != nil {
				i0, i1 := tapRange(y0, x.H, p.KH, p.DH)
				d := dst[oy*ow : (oy+1)*ow]
				if p.Op == Max {
					mr.row(d[lo:hi], src, x.W, y0, lo*p.SW-p.PW, i0, i1, &p)
				}
				// The clipped columns at either end (mr.row did the rest).
				for _, r := range [2][2]int{{0, lo}, {hi, ow}} {
					for ox := r[0]; ox < r[1]; ox++ {
						jr := cols[ox]
						d[ox] = extreme(src, x.W, y0, ox*p.SW-p.PW, i0, i1, jr[0], jr[1], &p)
					}
				}
			} else {
				for ox := 0; ox < ow; ox++ {
					x0 := ox*p.SW - p.PW
					dst[oy*ow+ox] = window(src, x.H, x.W, y0, x0, &p)
				}
			}
			if p.Progress != nil {
				p.Progress(c*oh+oy+1, x.C*oh)
			}
		}
	}
	return out, nil
}

// window reduces the window whose top-left tap is at (y0, x0).
func window(src []float32, h, w, y0, x0 int, p *Params) float32 {
	if p.Op == Max || p.Op == Min {
		// Only the taps that land inside the input: a window of a billion
		// taps (ceil mode keeps one clipped window) costs what it covers.
		i0, i1 := tapRange(y0, h, p.KH, p.DH)
		j0, j1 := tapRange(x0, w, p.KW, p.DW)
		return extreme(src, w, y0, x0, i0, i1, j0, j1, p)
	}
	// Avg and L2: accumulate in float64 over the window clipped to the input.
	yEnd, xEnd := y0+min(p.KH, h+p.PH-y0), x0+min(p.KW, w+p.PW-x0) // no y0+KH: KH may be huge
	poolSize := (yEnd - y0) * (xEnd - x0)                          // clipped to the padded input
	ys, xs := max(y0, 0), max(x0, 0)
	ye, xe := min(yEnd, h), min(xEnd, w)
	var sum float64
	for y := ys; y < ye; y++ {
		for _, v := range src[y*w+xs : y*w+xe] {
			if p.Op == L2 {
				sum += float64(v) * float64(v)
			} else {
				sum += float64(v)
			}
		}
	}
	if p.Op == L2 {
		return float32(math.Sqrt(sum))
	}
	div := poolSize
	if !p.CountIncludePad {
		div = (ye - ys) * (xe - xs)
	}
	return float32(sum / float64(div))
}

// extreme is the max (or min) of the window at (y0, x0) over its taps
// [i0, i1) × [j0, j1), those inside the input; NaN if any is NaN.
func extreme(src []float32, w, y0, x0, i0, i1, j0, j1 int, p *Params) float32 {
	if p.Op == Max {
		return maxTaps(src, w, y0, x0, i0, i1, j0, j1, p.DH, p.DW)
	}
	best := float32(math.Inf(-1))
	if p.Op == Min {
		best = float32(math.Inf(1))
	}
	nan := false
	for i := i0; i < i1; i++ {
		y := y0 + i*p.DH
		row := src[y*w : (y+1)*w]
		for j := j0; j < j1; j++ {
			v := row[x0+j*p.DW]
			switch {
			case v != v:
				nan = true
			case p.Op == Max && v > best, p.Op == Min && v < best:
				best = v
			}
		}
	}
	if nan { // PyTorch propagates NaN through max pooling
		return float32(math.NaN())
	}
	return best
}

// inner is the run [lo, hi) of output columns whose whole window lies
// inside the input's width (cols[ox] = [0, kw)); hi = lo when none does.
// The columns with whole windows are one run: the window moves right.
func inner(cols [][2]int, kw int) (lo, hi int) {
	for lo < len(cols) && cols[lo] != [2]int{0, kw} {
		lo++
	}
	hi = lo
	for hi < len(cols) && cols[hi] == [2]int{0, kw} {
		hi++
	}
	return lo, hi
}

// maxRows is max pooling's scratch: at stride 2 the plane split into
// even and odd columns (each row's half even samples, then its odd), and
// the taps of one output row.
type maxRows struct {
	phases []float32
	half   int
	taps   [][]float32
}

// row sets d to the max pool of output columns whose windows lie whole
// inside the row (the first starting at input column x0) over taps
// [i0, i1) of rows y0+i·DH: one slice per tap, each output's samples one
// after another (at stride 1 in the row, at stride 2 in a phase of it),
// handed to simd.MaxRows, which propagates NaN as PyTorch does. Other
// strides go tap by tap across the row in Go.
func (mr *maxRows) row(d, src []float32, w, y0, x0, i0, i1 int, p *Params) {
	if len(d) == 0 {
		return
	}
	if i0 >= i1 {
		for k := range d {
			d[k] = float32(math.Inf(-1))
		}
		return
	}
	if p.SW > 1 && mr.phases == nil {
		maxRowStrided(d, src, w, y0, x0, i0, i1, p)
		return
	}
	mr.taps = mr.taps[:0]
	for i := i0; i < i1; i++ {
		y := y0 + i*p.DH
		for j := range p.KW {
			c := x0 + j*p.DW
			if mr.phases == nil {
				mr.taps = append(mr.taps, src[y*w+c:][:len(d)])
				continue
			}
			base := y*2*mr.half + c%2*mr.half + c/2
			mr.taps = append(mr.taps, mr.phases[base:][:len(d)])
		}
	}
	simd.MaxRows(d, mr.taps)
}

// maxRowStrided is maxRows.row at a stride other than 1 or 2: tap by tap
// across the row, so each output's running max is its own chain, not one
// latency-bound chain per window. The builtin max propagates NaN.
func maxRowStrided(d, src []float32, w, y0, x0, i0, i1 int, p *Params) {
	for k := range d {
		d[k] = float32(math.Inf(-1))
	}
	sw := p.SW
	for i := i0; i < i1; i++ {
		y := y0 + i*p.DH
		row := src[y*w : (y+1)*w]
		for j := range p.KW {
			r := row[x0+j*p.DW:]
			for k := range d {
				d[k] = max(d[k], r[k*sw])
			}
		}
	}
}

// maxTaps is extreme for Max: the builtin max propagates NaN as PyTorch
// does, and compiles without a branch a tap to mispredict.
func maxTaps(src []float32, w, y0, x0, i0, i1, j0, j1, dh, dw int) float32 {
	best := float32(math.Inf(-1))
	for i := i0; i < i1; i++ {
		y := y0 + i*dh
		row := src[y*w : (y+1)*w]
		for j := j0; j < j1; j++ {
			best = max(best, row[x0+j*dw])
		}
	}
	return best
}

// tapRange is the range [i0, i1) of taps i < k whose position o + i·d lies
// in [0, n), computed without forming o + (k−1)·d.
func tapRange(o, n, k, d int) (i0, i1 int) {
	if o < 0 {
		i0 = -o / d // ceil(−o/d), without −o+d−1
		if -o%d != 0 {
			i0++
		}
	}
	if n-1-o < 0 {
		return 0, 0
	}
	i1 = min(k, (n-1-o)/d+1)
	return i0, max(i1, i0)
}

// Adaptive pools x to oh×ow with PyTorch's adaptive bins: output i covers
// input [floor(i·H/oh), ceil((i+1)·H/oh)). Avg averages the bin, L2 takes
// sqrt(Σ x²) over it.
func Adaptive(x *tensor.Tensor, op Op, oh, ow int) (*tensor.Tensor, error) {
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("adaptive output size %dx%d must be positive", oh, ow)
	}
	if x.H < 1 || x.W < 1 {
		return nil, fmt.Errorf("adaptive pooling of an empty %dx%d input", x.H, x.W)
	}
	out := tensor.New(x.C, oh, ow)
	for c := 0; c < x.C; c++ {
		src, dst := x.Plane(c), out.Plane(c)
		for oy := 0; oy < oh; oy++ {
			ys, ye := shape.AdaptiveBin(oy, x.H, oh)
			for ox := 0; ox < ow; ox++ {
				xs, xe := shape.AdaptiveBin(ox, x.W, ow)
				p := Params{Op: op, KH: ye - ys, KW: xe - xs, DH: 1, DW: 1, CountIncludePad: true}
				dst[oy*ow+ox] = window(src, x.H, x.W, ys, xs, &p)
			}
		}
	}
	return out, nil
}

// Global reduces each channel to one value: Adaptive to 1×1.
func Global(x *tensor.Tensor, op Op) (*tensor.Tensor, error) {
	return Adaptive(x, op, 1, 1)
}

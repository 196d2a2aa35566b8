package fft

import (
	"fmt"
	"runtime"
	"sync"
)

// Plan computes forward and inverse 2-D transforms of real H×W float32
// planes. The spectrum is the non-redundant half that real input leaves: H
// rows of W/2+1 complex64 coefficients, row-major (the other half is the
// complex conjugate mirror, F[u,v] = conj F[-u,-v]).
//
// Rows go through a real transform (realPlan), a batch of rowLanes rows at
// a time; columns through a complex one (radixPlan), colLanes adjacent
// columns at a time, copied row by row into a work buffer where the
// butterflies run down all of them together.
//
// A Plan owns its twiddle tables (shared) and work buffers (one set per
// goroutine it may use), so it is not safe for concurrent use: give each
// caller its own.
type Plan struct {
	h, w, nc int
	ncPad    int // nc rounded up to colLanes: the row stride of a work spectrum
	rows     *realPlan
	cols     *radixPlan
	workers  []*worker
}

// worker is the scratch one goroutine needs, allocated on first use.
type worker struct {
	rz, rs []complex64   // rowLanes rows of the row transform
	cz, cs []complex64   // colLanes columns of the column transform
	tmp    []complex64   // generic-radix scratch
	row    []float32     // one inverse-transformed row
	rows8  []float32     // rowLanes of them
	rdst   [][]complex64 // the spectrum rows of a batch
	rg     []complex64   // a batch's spectrum rows in the lane layout
	spec   []complex64   // a whole tile's spectrum, for the Correlator
}

// rowLanes and colLanes are how many rows and columns one batched transform
// carries: 8 complex64 columns are one 64-byte cache line per row, and
// each butterfly's inner loop runs over all the lanes (and, after the first
// pass, over several groups) with the same twiddles.
const (
	rowLanes = 8
	colLanes = 8
)

// rowPad is the padding between the scratch rows of an inverse row
// batch (worker.rows8), in float32 values: one cache line, so that rows of
// a power-of-two width do not fall on the same L1 set.
const rowPad = 16

// parallelMin is the plane size (H*W) below which a transform stays on one
// goroutine: under it, starting goroutines costs more than it saves.
const parallelMin = 64 * 64

// NewPlan returns a plan for h×w planes using up to GOMAXPROCS goroutines.
// It panics if h or w is less than 1.
func NewPlan(h, w int) *Plan {
	nw := runtime.GOMAXPROCS(0)
	if h*w < parallelMin {
		nw = 1
	}
	return newPlan(h, w, nw)
}

func newPlan(h, w, nw int) *Plan {
	if h < 1 || w < 1 {
		panic(fmt.Sprintf("fft.NewPlan: bad size %dx%d", h, w))
	}
	p := &Plan{h: h, w: w, nc: w/2 + 1, rows: newRealPlan(w), cols: newRadixPlan(h)}
	p.ncPad = ceilDiv(p.nc, colLanes) * colLanes
	p.workers = make([]*worker, max(nw, 1))
	for i := range p.workers {
		p.workers[i] = &worker{}
	}
	return p
}

// buffers allocates wk's row and column buffers on first use.
func (p *Plan) buffers(wk *worker) {
	if wk.rz != nil {
		return
	}
	wk.rz = make([]complex64, rowLanes*p.rows.cn)
	wk.rs = make([]complex64, rowLanes*p.rows.cn)
	wk.cz = make([]complex64, colLanes*p.h)
	wk.cs = make([]complex64, colLanes*p.h)
	wk.tmp = make([]complex64, max(p.rows.half.tmpLen, p.cols.tmpLen))
	wk.row = make([]float32, p.w)
	wk.rows8 = make([]float32, rowLanes*(p.w+rowPad))
	wk.rdst = make([][]complex64, rowLanes)
	wk.rg = make([]complex64, rowLanes*(p.rows.cn+1))
}

// Size returns the plane size the plan transforms.
func (p *Plan) Size() (h, w int) { return p.h, p.w }

// HalfWidth returns W/2+1, the number of coefficients kept per row.
func (p *Plan) HalfWidth() int { return p.nc }

// SpectrumLen returns H*(W/2+1), the length of a spectrum slice.
func (p *Plan) SpectrumLen() int { return p.h * p.nc }

// workLen is the length of a work spectrum, whose rows are ncPad values
// apart: every colLanes-wide group of a row then starts a cache line (the
// columns' copies in and out touch one line, not two) and rows of a
// power-of-two width are not a multiple of 4 KiB apart.
func (p *Plan) workLen() int { return p.h * p.ncPad }

// parallel runs f over [0, n) split into one contiguous range per worker.
func (p *Plan) parallel(n int, f func(wk *worker, lo, hi int)) {
	nw := len(p.workers)
	if nw == 1 || n < 2 {
		f(p.workers[0], 0, n)
		return
	}
	chunk := (n + nw - 1) / nw
	var wg sync.WaitGroup
	for i := 0; i < nw; i++ {
		lo, hi := i*chunk, min(n, (i+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(wk *worker) {
			defer wg.Done()
			f(wk, lo, hi)
		}(p.workers[i])
	}
	wg.Wait()
}

// serial runs f over all of [0, n) on wk: used when the parallelism is
// across tiles instead.
func serial(wk *worker) func(n int, f func(wk *worker, lo, hi int)) {
	return func(n int, f func(wk *worker, lo, hi int)) { f(wk, 0, n) }
}

type runner func(n int, f func(wk *worker, lo, hi int))

// Forward computes the half spectrum of the sh×sw plane src (rows stride
// values apart), zero-extended to the plan's H×W, into dst and returns it.
// dst must have SpectrumLen elements (nil allocates). The transform is
// unnormalised, as numpy's fft2.
func (p *Plan) Forward(dst []complex64, src []float32, sh, sw, stride int) []complex64 {
	if dst == nil {
		dst = make([]complex64, p.SpectrumLen())
	}
	p.check(dst, src, sh, sw, stride)
	p.rowsForward(p.parallel, dst, p.nc, src, sh, sw, stride)
	p.columns(p.parallel, dst, p.nc, nil, true, false)
	return dst
}

func (p *Plan) check(spec []complex64, plane []float32, ph, pw, stride int) {
	if len(spec) != p.SpectrumLen() {
		panic("fft: spectrum length mismatch")
	}
	if ph < 0 || pw < 0 || ph > p.h || pw > p.w || (ph > 0 && (stride < pw || len(plane) < (ph-1)*stride+pw)) {
		panic(fmt.Sprintf("fft: %dx%d plane (stride %d, %d values) does not fit a %dx%d plan", ph, pw, stride, len(plane), p.h, p.w))
	}
}

// rowsForward is the real transform of every row (rows past sh are zero)
// into dst, its rows ss values apart.
func (p *Plan) rowsForward(run runner, dst []complex64, ss int, src []float32, sh, sw, stride int) {
	nc, cn := p.nc, p.rows.cn
	run(ceilDiv(p.h, rowLanes), func(wk *worker, lo, hi int) {
		p.buffers(wk)
		for b := lo; b < hi; b++ {
			y0 := b * rowLanes
			y1 := min(y0+rowLanes, p.h)
			for y := max(y0, sh); y < y1; y++ {
				clear(dst[y*ss : y*ss+nc]) // a zero row transforms to zeros
			}
			lanes := min(y1, sh) - y0
			if lanes <= 0 {
				continue
			}
			z, zs := wk.rz[:lanes*cn], wk.rs[:lanes*cn]
			if lanes == 8 && p.w%2 == 0 {
				var rows [8][]float32
				for l := range rows {
					rows[l] = src[(y0+l)*stride:][:sw]
				}
				p.rows.load8(z, &rows)
			} else {
				for l := range lanes {
					p.rows.load(z, lanes, l, src[(y0+l)*stride:][:sw])
				}
			}
			res, spare := p.rows.half.run(z, zs, wk.tmp, lanes)
			out := wk.rdst[:lanes]
			for l := range out {
				out[l] = dst[(y0+l)*ss:][:nc]
			}
			p.rows.storeLanes(out, res, spare)
		}
	})
}

// columns runs the complex transform down every column of spec (rows ss
// values apart): forward if fwd, then multiplication by mul (if not nil;
// in the layout of blocked), then inverse if inv. Fusing the three saves
// two strided passes over the spectrum. The inverse is conj(DFT(conj ·)):
// the first conjugation rides on the product, and the last is left to
// rowsInverse, which conjugates as it gathers the rows, so after an
// inverse spec holds the conjugate of the result.
func (p *Plan) columns(run runner, spec []complex64, ss int, mul []complex64, fwd, inv bool) {
	h, nc := p.h, p.nc
	run(ceilDiv(nc, colLanes), func(wk *worker, lo, hi int) {
		p.buffers(wk)
		for b := lo; b < hi; b++ {
			x0 := b * colLanes
			lanes := min(colLanes, nc-x0)
			z, zs := wk.cz[:lanes*h], wk.cs[:lanes*h]
			if lanes == 8 {
				columnIn8(z, spec[x0:], ss)
			} else {
				for y := range h {
					copy(z[y*lanes:(y+1)*lanes], spec[y*ss+x0:y*ss+x0+lanes])
				}
			}
			if fwd {
				z, zs = p.cols.run(z, zs, wk.tmp, lanes)
			}
			switch {
			case mul != nil && inv:
				mulConj(z, mul[x0*h:x0*h+lanes*h])
			case mul != nil:
				for i, m := range mul[x0*h : x0*h+lanes*h] {
					z[i] *= m
				}
			case inv:
				conj(z)
			}
			if inv {
				z, _ = p.cols.run(z, zs, wk.tmp, lanes)
			}
			if lanes == 8 {
				columnOut8(spec[x0:], z, ss)
				continue
			}
			for y := range h {
				copy(spec[y*ss+x0:y*ss+x0+lanes], z[y*lanes:(y+1)*lanes])
			}
		}
	})
}

// mulConjGo sets z[i] = conj(z[i]·w[i]) for every i < len(z).
func mulConjGo(z, w []complex64) {
	w = w[:len(z)]
	for i, v := range z {
		v *= w[i]
		z[i] = complex(real(v), -imag(v))
	}
}

// conj conjugates every value of z.
func conj(z []complex64) {
	for i, v := range z {
		z[i] = complex(real(v), -imag(v))
	}
}

// Inverse transforms the half spectrum spec back to a real H×W plane and
// writes its top-left oh×ow corner, multiplied by scale, into dst (rows
// stride values apart). Pass scale 1/(H*W) for the true inverse. spec is
// overwritten.
func (p *Plan) Inverse(dst []float32, oh, ow, stride int, spec []complex64, scale float32) []float32 {
	if dst == nil {
		stride = ow
		dst = make([]float32, oh*ow)
	}
	p.check(spec, dst, oh, ow, stride)
	p.columns(p.parallel, spec, p.nc, nil, false, true)
	p.rowsInverse(p.parallel, spec, p.nc, 0, 1, oh, scale, rowSink{to: func(y int) []float32 {
		return dst[y*stride : y*stride+ow]
	}})
	return dst
}

// rowSink is where rowsInverse puts each finished row y: with to, values
// q0 … q0+len(to(y))−1 of the row (the same length for every row) straight
// into to(y); else the whole row (W values) into a scratch buffer handed to
// emit. Either may be called from several goroutines at once for
// different rows.
type rowSink struct {
	q0   int
	to   func(y int) []float32
	emit func(y int, row []float32)
}

// rowsInverse runs the inverse real transform on the count rows r0,
// r0+step, … of spec (rows ss values apart, conjugated as columns leaves
// them after an inverse; row y being the y-th of them) and puts each, times scale,
// where sink says.
func (p *Plan) rowsInverse(run runner, spec []complex64, ss, r0, step, count int, scale float32, sink rowSink) {
	nc, cn := p.nc, p.rows.cn
	run(ceilDiv(count, rowLanes), func(wk *worker, lo, hi int) {
		p.buffers(wk)
		for b := lo; b < hi; b++ {
			i0 := b * rowLanes
			lanes := min(rowLanes, count-i0)
			z, zs := wk.rz[:lanes*cn], wk.rs[:lanes*cn]
			in := wk.rdst[:lanes]
			for l := range in {
				y := r0 + (i0+l)*step
				in[l] = spec[y*ss:][:nc]
			}
			p.rows.loadSpecLanes(z, in, wk.rg, true)
			res, _ := p.rows.half.run(z, zs, wk.tmp, lanes)
			if lanes == 8 && p.w%2 == 0 {
				// Through scratch rows rowPad apart, then a copy per row:
				// eight output rows a multiple of 4 KiB apart written at
				// once collide in the L1 cache.
				var out [8][]float32
				on := p.w - sink.q0
				if sink.to != nil {
					on = len(sink.to(r0 + i0*step))
				}
				for l := range out {
					out[l] = wk.rows8[l*(p.w+rowPad):][:on]
				}
				p.rows.storeReal8(&out, res, sink.q0, scale)
				for l, row := range out {
					y := r0 + (i0+l)*step
					if sink.to != nil {
						copy(sink.to(y), row)
					} else {
						sink.emit(y, row)
					}
				}
				continue
			}
			for l := range lanes {
				y := r0 + (i0+l)*step
				p.rows.storeReal(wk.row, res, lanes, l, scale)
				if sink.to != nil {
					d := sink.to(y)
					copy(d, wk.row[sink.q0:sink.q0+len(d)])
				} else {
					sink.emit(y, wk.row)
				}
			}
		}
	})
}

// blocked returns the row-major half spectrum spec in the order the column
// pass works through it: the colLanes-wide blocks of columns one after the
// other, each H rows of its lanes, so that a multiplier for columns is read
// in one contiguous run per block.
func (p *Plan) blocked(spec []complex64) []complex64 {
	h, nc := p.h, p.nc
	out := make([]complex64, len(spec))
	for x0 := 0; x0 < nc; x0 += colLanes {
		lanes := min(colLanes, nc-x0)
		blk := out[x0*h : x0*h+lanes*h]
		for y := range h {
			copy(blk[y*lanes:(y+1)*lanes], spec[y*nc+x0:y*nc+x0+lanes])
		}
	}
	return out
}

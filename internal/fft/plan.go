package fft

import (
	"fmt"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Plan computes forward and inverse 2-D transforms of real H×W planes. The
// spectrum is the non-redundant half that real input leaves: H rows of
// W/2+1 complex coefficients, row-major (the other half is the complex
// conjugate mirror, F[u,v] = conj F[-u,-v]).
//
// A Plan owns its transform objects and buffers, one set per goroutine it
// may use, so it is not safe for concurrent use: give each caller its own.
type Plan struct {
	h, w, nc int
	workers  []*worker
}

// worker is the state one goroutine needs: gonum's transforms keep
// scratch space inside, so they cannot be shared.
type worker struct {
	row  *fourier.FFT      // length w, real
	col  *fourier.CmplxFFT // length h, complex
	rin  []float64         // w
	cblk []complex128      // colBlock*h, allocated on first use
	spec []complex128      // h*nc, for whole-tile work on this worker
}

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
	nw = max(nw, 1)
	p := &Plan{h: h, w: w, nc: w/2 + 1}
	p.workers = make([]*worker, nw)
	for i := range p.workers {
		p.workers[i] = &worker{
			row: fourier.NewFFT(w),
			col: fourier.NewCmplxFFT(h),
			rin: make([]float64, w),
		}
	}
	return p
}

// Size returns the plane size the plan transforms.
func (p *Plan) Size() (h, w int) { return p.h, p.w }

// HalfWidth returns W/2+1, the number of coefficients kept per row.
func (p *Plan) HalfWidth() int { return p.nc }

// SpectrumLen returns H*(W/2+1), the length of a spectrum slice.
func (p *Plan) SpectrumLen() int { return p.h * p.nc }

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
// unnormalised, as gonum's.
func (p *Plan) Forward(dst []complex128, src []float32, sh, sw, stride int) []complex128 {
	if dst == nil {
		dst = make([]complex128, p.SpectrumLen())
	}
	p.check(dst, src, sh, sw, stride)
	p.forward(p.parallel, dst, src, sh, sw, stride)
	return dst
}

func (p *Plan) check(spec []complex128, plane []float32, ph, pw, stride int) {
	if len(spec) != p.SpectrumLen() {
		panic("fft: spectrum length mismatch")
	}
	if ph < 0 || pw < 0 || ph > p.h || pw > p.w || (ph > 0 && (stride < pw || len(plane) < (ph-1)*stride+pw)) {
		panic(fmt.Sprintf("fft: %dx%d plane (stride %d, %d values) does not fit a %dx%d plan", ph, pw, stride, len(plane), p.h, p.w))
	}
}

func (p *Plan) forward(run runner, dst []complex128, src []float32, sh, sw, stride int) {
	p.rowsForward(run, dst, src, sh, sw, stride)
	p.columns(run, dst, nil, true, false)
}

// rowsForward is the real transform of every row (rows past sh are zero).
func (p *Plan) rowsForward(run runner, dst []complex128, src []float32, sh, sw, stride int) {
	w, nc := p.w, p.nc
	run(p.h, func(wk *worker, lo, hi int) {
		for y := lo; y < hi; y++ {
			out := dst[y*nc : (y+1)*nc]
			if y >= sh {
				clear(out) // a zero row transforms to zeros
				continue
			}
			row := src[y*stride : y*stride+sw]
			for x, v := range row {
				wk.rin[x] = float64(v)
			}
			clear(wk.rin[sw:w])
			wk.row.Coefficients(out, wk.rin)
		}
	})
}

// colBlock is how many columns the column pass gathers at once: reading
// a block of a row (colBlock·16 bytes, whole cache lines) instead of one
// value per row halves the pass's time on a 1024×1024 plane.
const colBlock = 8

// columns runs the complex transform down every column of spec: forward
// if fwd, then multiplication by mul (if not nil), then inverse if inv.
// Fusing the three saves two strided passes over the spectrum. mul is
// column-major (mul[x*H+y] multiplies spec[y*nc+x]) so that it is read
// contiguously here; see transposed.
func (p *Plan) columns(run runner, spec, mul []complex128, fwd, inv bool) {
	h, nc := p.h, p.nc
	nb := (nc + colBlock - 1) / colBlock
	run(nb, func(wk *worker, lo, hi int) {
		if wk.cblk == nil {
			wk.cblk = make([]complex128, colBlock*h)
		}
		for b := lo; b < hi; b++ {
			x0 := b * colBlock
			bw := min(colBlock, nc-x0)
			for y := range h {
				for j, v := range spec[y*nc+x0 : y*nc+x0+bw] {
					wk.cblk[j*h+y] = v
				}
			}
			for j := range bw {
				c := wk.cblk[j*h : (j+1)*h]
				if fwd && h > 1 {
					wk.col.Coefficients(c, c)
				}
				if mul != nil {
					for y, m := range mul[(x0+j)*h : (x0+j+1)*h] {
						c[y] *= m
					}
				}
				if inv && h > 1 {
					wk.col.Sequence(c, c)
				}
			}
			for y := range h {
				row := spec[y*nc+x0 : y*nc+x0+bw]
				for j := range row {
					row[j] = wk.cblk[j*h+y]
				}
			}
		}
	})
}

// Inverse transforms the half spectrum spec back to a real H×W plane and
// writes its top-left oh×ow corner, multiplied by scale, into dst (rows
// stride values apart). Pass scale 1/(H*W) for the true inverse. spec is
// overwritten.
func (p *Plan) Inverse(dst []float32, oh, ow, stride int, spec []complex128, scale float64) []float32 {
	if dst == nil {
		stride = ow
		dst = make([]float32, oh*ow)
	}
	p.check(spec, dst, oh, ow, stride)
	p.columns(p.parallel, spec, nil, false, true)
	p.rowsInverse(p.parallel, spec, 0, 1, oh, func(y int, row []float64) {
		out := dst[y*stride : y*stride+ow]
		for x := range out {
			out[x] = float32(row[x] * scale)
		}
	})
	return dst
}

// rowsInverse runs the inverse real transform on the count rows r0,
// r0+step, … and hands each finished row (length W, unscaled) to emit,
// possibly from several goroutines at once for different rows.
func (p *Plan) rowsInverse(run runner, spec []complex128, r0, step, count int, emit func(y int, row []float64)) {
	nc := p.nc
	run(count, func(wk *worker, lo, hi int) {
		for i := lo; i < hi; i++ {
			y := r0 + i*step
			wk.row.Sequence(wk.rin, spec[y*nc:(y+1)*nc])
			emit(y, wk.rin)
		}
	})
}

// transposed returns the half spectrum spec in the column-major layout
// that columns takes its multiplier in.
func (p *Plan) transposed(spec []complex128) []complex128 {
	t := make([]complex128, len(spec))
	for y := range p.h {
		for x, v := range spec[y*p.nc : (y+1)*p.nc] {
			t[x*p.h+y] = v
		}
	}
	return t
}

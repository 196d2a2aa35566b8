package fft

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convtool/convtool/internal/tensor"
)

// Options are the geometry of a correlation beyond the kernel itself.
// Zero values mean 1.
type Options struct {
	StrideY, StrideX     int
	DilationY, DilationX int
}

func (o Options) norm() Options {
	for _, v := range []*int{&o.StrideY, &o.StrideX, &o.DilationY, &o.DilationX} {
		if *v == 0 {
			*v = 1
		}
	}
	return o
}

// Correlator computes the valid cross-correlation
//
//	out[y, x] = Σ_i Σ_j src[y*sy + i*dy, x*sx + j*dx] · k[i, j]
//
// of H×W planes with one kernel by the convolution theorem. It holds the
// kernel's spectrum, computed once, and a Plan, so a tensor's channels
// reuse both. The dense valid result is computed and then sampled at the
// stride.
//
// Large planes are cut into overlapping tiles (overlap-save): each tile of
// T×T inputs yields T−E+1 outputs per axis, E being the dilated kernel's
// extent, with no wrap-around because only the valid part is kept. The
// tile size minimises a cost model and bounds memory; tiles then run in
// parallel, one per goroutine, while a single whole-plane tile parallelises
// its rows and columns instead.
//
// A Correlator is not safe for concurrent use.
type Correlator struct {
	h, w   int // plane
	eh, ew int // dilated kernel extent
	dh, dw int // dense valid output
	sy, sx int
	oh, ow int // sampled output
	th, tw int // tile (transform) size
	uh, uw int // useful outputs per tile
	ny, nx int // tiles
	plan   *Plan
	kspec  []complex64 // conj(K) / (th*tw), in Plan.blocked's order
}

// maxTileSide bounds a tile's side unless the kernel itself is larger, so
// that a 16k×16k scan does not need a 16k×16k complex spectrum.
const maxTileSide = 2048

// NewCorrelator prepares the valid correlation of h×w planes with the
// kh×kw row-major kernel k under o. It fails if the dilated kernel does not
// fit in the plane or a stride or dilation is negative.
func NewCorrelator(h, w int, k []float32, kh, kw int, o Options) (*Correlator, error) {
	return newCorrelator(h, w, k, kh, kw, o, maxTileSide)
}

// newCorrelator is NewCorrelator with tiles of at most maxSide per side
// (or the kernel's extent): tests force the overlap-save path with it.
func newCorrelator(h, w int, k []float32, kh, kw int, o Options, maxSide int) (*Correlator, error) {
	o = o.norm()
	if o.StrideY < 1 || o.StrideX < 1 || o.DilationY < 1 || o.DilationX < 1 {
		return nil, fmt.Errorf("fft: stride %d,%d and dilation %d,%d must be positive", o.StrideY, o.StrideX, o.DilationY, o.DilationX)
	}
	if kh < 1 || kw < 1 || len(k) != kh*kw {
		return nil, fmt.Errorf("fft: kernel of %d values is not %dx%d", len(k), kh, kw)
	}
	c := &Correlator{h: h, w: w, sy: o.StrideY, sx: o.StrideX}
	c.eh, c.ew = o.DilationY*(kh-1)+1, o.DilationX*(kw-1)+1
	if c.eh > h || c.ew > w {
		return nil, fmt.Errorf("fft: kernel %dx%d (dilated %dx%d) is larger than the %dx%d plane", kh, kw, c.eh, c.ew, h, w)
	}
	th, tw := chooseTiles(h, w, c.eh, c.ew, maxSide)
	return c.init(k, kh, kw, o, th, tw), nil
}

// init finishes a validated c with tiles of th×tw (each at least the
// dilated kernel's extent; larger than the plane is wasted work).
func (c *Correlator) init(k []float32, kh, kw int, o Options, th, tw int) *Correlator {
	h, w := c.h, c.w
	c.dh, c.dw = h-c.eh+1, w-c.ew+1
	c.oh, c.ow = (c.dh-1)/c.sy+1, (c.dw-1)/c.sx+1
	c.th, c.tw = th, tw
	c.uh, c.uw = c.th-c.eh+1, c.tw-c.ew+1
	c.ny, c.nx = ceilDiv(c.dh, c.uh), ceilDiv(c.dw, c.uw)
	nw := runtime.GOMAXPROCS(0)
	if c.ny*c.nx == 1 && c.th*c.tw < parallelMin {
		nw = 1
	}
	// Several tiles run one per goroutine, however small they are.
	c.plan = newPlan(c.th, c.tw, nw)

	// The kernel, dilated, at the origin of a tile: the product of the
	// tile's spectrum with its conjugate spectrum is a correlation whose
	// output (y, x) reads inputs (y.., x..), so the valid part starts at
	// the tile's origin.
	kp := make([]float32, c.eh*c.ew)
	for i := range kh {
		for j := range kw {
			kp[i*o.DilationY*c.ew+j*o.DilationX] = k[i*kw+j]
		}
	}
	c.kspec = c.plan.Forward(nil, kp, c.eh, c.ew, c.ew)
	scale := float32(1 / float64(c.th*c.tw))
	for i, v := range c.kspec {
		c.kspec[i] = complex(real(v)*scale, -imag(v)*scale)
	}
	c.kspec = c.plan.blocked(c.kspec)
	return c
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// chooseTiles picks the tile size per axis. Up to maxSide (or the
// kernel's extent) the whole axis is one tile: measured on 1024×1024 with
// kernels 3..63, no tiling beat the single whole-plane transform, whose
// rows and columns parallelise as well as tiles do. Past it, the tile
// minimises the modelled work tiles·T·(log2 T + 2) among fast sizes from
// max(4E, 128) — smaller tiles waste their overlap and per-call overhead.
func chooseTiles(h, w, eh, ew, maxSide int) (th, tw int) {
	return tileSide(h, eh, maxSide), tileSide(w, ew, maxSide)
}

func tileSide(n, e, maxSide int) int {
	limit := max(maxSide, GoodSize(e))
	if whole := GoodSize(n); whole <= limit {
		return whole
	}
	best, bestT := math.Inf(1), limit
	for t := min(GoodSize(max(4*e, 128)), limit); t <= limit; t = GoodSize(t + 1) {
		cost := float64(ceilDiv(n-e+1, t-e+1)*t) * (math.Log2(float64(t)) + 2)
		if cost < best {
			best, bestT = cost, t
		}
	}
	return bestT
}

// OutSize returns the shape of the sampled valid correlation.
func (c *Correlator) OutSize() (oh, ow int) { return c.oh, c.ow }

// TileSize returns the transform size in use and the number of tiles.
func (c *Correlator) TileSize() (th, tw, tiles int) { return c.th, c.tw, c.ny * c.nx }

// Correlate writes the correlation of the H×W plane src into dst (OutSize
// values; nil allocates) and returns it.
func (c *Correlator) Correlate(dst, src []float32) []float32 {
	if len(src) != c.h*c.w {
		panic(fmt.Sprintf("fft: plane of %d values is not %dx%d", len(src), c.h, c.w))
	}
	if dst == nil {
		dst = make([]float32, c.oh*c.ow)
	} else if len(dst) != c.oh*c.ow {
		panic("fft: destination length mismatch")
	}
	c.each(c.ny*c.nx, func(run runner, spec []complex64, t int) {
		c.tile(run, spec, dst, src, t/c.nx, t%c.nx, 0, 0)
	})
	return dst
}

// each runs tile(t) for t in [0, n) with a worker's spectrum: a plane of
// one tile on the plan's parallel runner, else one tile at a time per
// worker, each serially.
func (c *Correlator) each(n int, tile func(run runner, spec []complex64, t int)) {
	if c.ny*c.nx == 1 {
		wk := c.plan.workers[0]
		if wk.spec == nil {
			wk.spec = make([]complex64, c.plan.workLen())
		}
		tile(c.plan.parallel, wk.spec, 0)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, wk := range c.plan.workers {
		if wk.spec == nil {
			wk.spec = make([]complex64, c.plan.workLen())
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t := int(next.Add(1) - 1)
				if t >= n {
					return
				}
				tile(serial(wk), wk.spec, t)
			}
		}()
	}
	wg.Wait()
}

// tile computes the outputs of tile (ty, tx) into dst. src holds the
// plane from row srcRow0 on, dst the output from row dstRow0 on (both 0
// for a whole plane; a band's first rows for CorrelateBand).
func (c *Correlator) tile(run runner, spec []complex64, dst, src []float32, ty, tx, srcRow0, dstRow0 int) {
	y0, x0 := ty*c.uh, tx*c.uw
	sh, sw := min(c.th, c.h-y0), min(c.tw, c.w-x0)
	c.plan.rowsForward(run, spec, c.plan.ncPad, src[(y0-srcRow0)*c.w+x0:], sh, sw, c.w)
	c.plan.columns(run, spec, c.plan.ncPad, c.kspec, true, true)

	rows, cols := min(c.uh, c.dh-y0), min(c.uw, c.dw-x0)
	// First dense row and column of this tile that lie on the stride grid.
	r0, q0 := (c.sy-y0%c.sy)%c.sy, (c.sx-x0%c.sx)%c.sx
	if r0 >= rows || q0 >= cols {
		return
	}
	count := (rows-1-r0)/c.sy + 1
	// The output columns this tile fills: one division per row, none per
	// sample.
	o0, on := (x0+q0)/c.sx, (cols-1-q0)/c.sx+1
	if c.sx == 1 {
		c.plan.rowsInverse(run, spec, c.plan.ncPad, r0, c.sy, count, 1, rowSink{q0: q0, to: func(y int) []float32 {
			return dst[((y0+y)/c.sy-dstRow0)*c.ow+o0:][:on]
		}})
		return
	}
	c.plan.rowsInverse(run, spec, c.plan.ncPad, r0, c.sy, count, 1, rowSink{emit: func(y int, row []float32) {
		out := dst[((y0+y)/c.sy-dstRow0)*c.ow+o0:][:on]
		for i := range out {
			out[i] = row[q0+i*c.sx]
		}
	}})
}

// Bands describes how Correlate cuts the plane into rows of tiles, for a
// caller that holds only some rows at a time: tile row ty reads plane rows
// ty·uh up to ty·uh+th (clipped to the plane) and yields the dense output
// rows ty·uh up to ty·uh+uh (clipped); there are ny tile rows.
func (c *Correlator) Bands() (th, uh, ny int) { return c.th, c.uh, c.ny }

// CorrelateBand computes the outputs of tile row ty exactly as Correlate
// computes them (the same tiles, transforms and order of arithmetic): src
// holds plane rows ty·uh … (the rows Bands says it reads, each w values),
// dst the output rows from the first on the stride grid at or after
// ty·uh, each OutSize's width.
func (c *Correlator) CorrelateBand(dst, src []float32, ty int) {
	y0 := ty * c.uh
	dstRow0 := (y0 + c.sy - 1) / c.sy
	c.each(c.nx, func(run runner, spec []complex64, tx int) {
		c.tile(run, spec, dst, src, ty, tx, y0, dstRow0)
	})
}

// Correlate returns the valid correlation of the h×w plane src with the
// kh×kw kernel k under o, into dst (nil allocates), and its shape. It is
// NewCorrelator and Correlate for a one-off plane.
func Correlate(dst, src []float32, h, w int, k []float32, kh, kw int, o Options) ([]float32, int, int, error) {
	c, err := NewCorrelator(h, w, k, kh, kw, o)
	if err != nil {
		return nil, 0, 0, err
	}
	return c.Correlate(dst, src), c.oh, c.ow, nil
}

// CorrelateTensor correlates every channel of the already padded t with
// the kh×kw kernel k, reusing one Correlator (and so one kernel spectrum)
// for all channels.
func CorrelateTensor(t *tensor.Tensor, k []float32, kh, kw int, o Options) (*tensor.Tensor, error) {
	c, err := NewCorrelator(t.H, t.W, k, kh, kw, o)
	if err != nil {
		return nil, err
	}
	out := tensor.New(t.C, c.oh, c.ow)
	for ch := range t.C {
		c.Correlate(out.Plane(ch), t.Plane(ch))
	}
	return out, nil
}

// Work returns the size of one transform pass over an h×w plane for a
// kernel of extent eh×ew, tiled as a Correlator would tile it:
// tiles·T_h·T_w·log2(T_h·T_w). Correlating c planes costs about (2c+1)
// such passes (each plane forward and back, the kernel once); cost models
// multiply it by a measured time per unit. It returns +Inf when the kernel
// does not fit.
func Work(h, w, eh, ew int) float64 {
	if eh < 1 || ew < 1 || eh > h || ew > w {
		return math.Inf(1)
	}
	th, tw := chooseTiles(h, w, eh, ew, maxTileSide)
	tiles := ceilDiv(h-eh+1, th-eh+1) * ceilDiv(w-ew+1, tw-ew+1)
	n := float64(th * tw)
	return float64(tiles) * n * math.Log2(max(n, 2))
}

// TileArea returns the size T_h·T_w of the transform a Correlator of an
// h×w plane and a kernel of extent eh×ew runs (0 when the kernel does not
// fit): what one spectrum of its holds, for cost models that charge the
// buffers.
func TileArea(h, w, eh, ew int) int {
	if eh < 1 || ew < 1 || eh > h || ew > w {
		return 0
	}
	th, tw := chooseTiles(h, w, eh, ew, maxTileSide)
	return th * tw
}

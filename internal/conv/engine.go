package conv

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convtool/convtool/internal/par"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// problem is an ordinary (non-transposed) correlation as every method sees
// it: a padded input (or zero-inserted and padded, for a transposed
// convolution), weights in (out, in/groups, kh, kw) order, a stride and a
// dilation, and the output size that results.
type problem struct {
	// in is the padded input. For an ordinary convolution it stays nil
	// until a method asks for it (input): direct and separable read rows
	// through pad instead, a few at a time, so a large image is not copied
	// whole (and its pages not faulted in twice) just to add a border.
	in             *tensor.Tensor
	pad            *padSpec
	inC, hp, wp    int       // shape of the padded input
	w              []float32 // (outC, inPerG, kh, kw)
	outC, inPerG   int
	groups         int
	kh, kw         int
	sy, sx, dy, dx int
	ho, wo         int
	// progress, if set, hears of every finished task (Params.Progress).
	progress func(done, total int)
	// live marks the rows of in that may hold nonzero samples; nil means
	// all. Zero-inserted rows of a transposed convolution are not live, so
	// direct skips them instead of multiplying s-1 zero rows in every s.
	live []bool
	// nonzero counts w's nonzero weights when a LayerPlan knew it; -1:
	// count them (workload).
	nonzero int
	// pool supplies the output and scratch (Params.Pool); scratch lists
	// what release hands back to it.
	pool    *tensor.Pool
	scratch [][]float32
	// plan, if set, is the LayerPlan the weights came from (it caches
	// their packing).
	plan *LayerPlan
}

// newOut returns the output tensor for a method that sets every value.
func (pr *problem) newOut() *tensor.Tensor {
	return pr.pool.Get(pr.outC, pr.ho, pr.wo)
}

// floats returns n floats of scratch with unspecified values, from the
// pool when there is one (release returns them).
func (pr *problem) floats(n int) []float32 {
	if d := pr.pool.Floats(n); d != nil {
		pr.scratch = append(pr.scratch, d)
		return d
	}
	d := make([]float32, n)
	if pr.pool != nil {
		pr.scratch = append(pr.scratch, d)
	}
	return d
}

// release hands the scratch back to the pool.
func (pr *problem) release() {
	for _, d := range pr.scratch {
		pr.pool.PutFloats(d)
	}
	pr.scratch = nil
}

// input returns the padded input, building it on first use.
func (pr *problem) input() *tensor.Tensor {
	if pr.in == nil {
		// Every row is written whole below: scratch needs no zeroing.
		pr.in = &tensor.Tensor{C: pr.inC, H: pr.hp, W: pr.wp, Data: pr.floats(pr.inC * pr.hp * pr.wp)}
		parallel(pr.inC, func(c int) {
			pr.pad.rows(pr.in.Plane(c), c, 0, pr.hp)
		})
	}
	return pr.in
}

// padSpec describes in extended by top, bottom, left and right samples
// filled by edge, and produces its rows on demand. Negative amounts crop.
type padSpec struct {
	src       *tensor.Tensor
	top, left int
	edge      Edge
	hp, wp    int
	cols      []int // source column of each padded column, -1 for zero
	x0, x1    int   // the span of padded columns that copies a source row unchanged
}

func newPadSpec(in *tensor.Tensor, top, bottom, left, right int, edge Edge) *padSpec {
	ps := &padSpec{src: in, top: top, left: left, edge: edge,
		hp: in.H + top + bottom, wp: in.W + left + right}
	ps.cols = make([]int, max(ps.wp, 0))
	for x := range ps.cols {
		ps.cols[x] = edge.source(x-left, in.W)
	}
	ps.x0, ps.x1 = max(left, 0), min(left+in.W, ps.wp)
	return ps
}

// row writes padded row y of plane c into dst (len wp).
func (ps *padSpec) row(dst []float32, c, y int) {
	ps.planeRow(dst, ps.src.Plane(c), y)
}

// rows writes padded rows y0…y1-1 of plane c into dst, wp samples each.
func (ps *padSpec) rows(dst []float32, c, y0, y1 int) {
	plane := ps.src.Plane(c)
	if ps.edge == Zero && ps.x0 < ps.x1 {
		// Zeros around a copy, without planeRow's per-sample edge rule:
		// a depthwise layer's band is mostly this per-row overhead.
		w, lo, hi := ps.src.W, ps.x0-ps.left, ps.x1-ps.left
		for y := y0; y < y1; y++ {
			d := dst[(y-y0)*ps.wp : (y-y0+1)*ps.wp]
			sy := y - ps.top
			if sy < 0 || sy >= ps.src.H {
				clear(d)
				continue
			}
			for x := range d[:ps.x0] {
				d[x] = 0
			}
			copy(d[ps.x0:ps.x1], plane[sy*w+lo:sy*w+hi])
			for x := ps.x1; x < len(d); x++ {
				d[x] = 0
			}
		}
		return
	}
	for y := y0; y < y1; y++ {
		ps.planeRow(dst[(y-y0)*ps.wp:(y-y0+1)*ps.wp], plane, y)
	}
}

// planeRow writes padded row y of plane (one plane of the source) into
// dst (len wp).
func (ps *padSpec) planeRow(dst, plane []float32, y int) {
	sy := ps.edge.source(y-ps.top, ps.src.H)
	if sy < 0 {
		clear(dst)
		return
	}
	w := ps.src.W
	padInto(dst[:ps.wp], plane[sy*w:(sy+1)*w], ps.cols, ps.x0, ps.x1, ps.left)
}

func at(row []float32, i int) float32 {
	if i < 0 {
		return 0
	}
	return row[i]
}

// rowCache keeps the last few rows a band task made, keyed by row index:
// a row a kernel window needs again is found, not remade. With n slots
// (the kernel's span, dilation included) every row of one window has its
// own slot whatever the stride.
type rowCache struct {
	buf   []float32
	tag   []int
	w, ld int
}

func newRowCache(n, w int) *rowCache {
	// Pad the row pitch so that rows read together do not sit a multiple
	// of 4 KiB apart (4K aliasing between the loads and the stores of
	// accumulate).
	ld := (w+15)&^15 + 16
	rc := &rowCache{buf: make([]float32, n*ld), tag: make([]int, n), w: w, ld: ld}
	for i := range rc.tag {
		rc.tag[i] = -1
	}
	return rc
}

// get returns the slot of row y and whether it already holds that row.
func (rc *rowCache) get(y int) ([]float32, bool) {
	s := y % len(rc.tag)
	r := rc.buf[s*rc.ld : s*rc.ld+rc.w]
	if rc.tag[s] == y {
		return r, true
	}
	rc.tag[s] = y
	return r, false
}

// planeRows hands a band task the padded rows of one input plane: straight
// from pr.in when it exists, else made by pr.pad into a small cache.
type planeRows struct {
	pr    *problem
	c     int
	cache *rowCache
}

func (pr *problem) rows(c, span int) *planeRows {
	r := &planeRows{pr: pr, c: c}
	if pr.in == nil {
		r.cache = newRowCache(span, pr.wp)
	}
	return r
}

func (r *planeRows) row(y int) []float32 {
	if r.cache == nil {
		w := r.pr.in.W
		return r.pr.in.Plane(r.c)[y*w : (y+1)*w]
	}
	row, ok := r.cache.get(y)
	if !ok {
		r.pr.pad.row(row, r.c, y)
	}
	return row
}

// zeroInserted returns in with sy-1 zero rows and sx-1 zero columns between
// samples, then padded with zeros (negative amounts crop): the input that
// the ordinary convolution equivalent to a transposed one sees.
func zeroInserted(in *tensor.Tensor, sy, sx, top, bottom, left, right int) *tensor.Tensor {
	zh, zw := (in.H-1)*sy+1, (in.W-1)*sx+1
	hp, wp := zh+top+bottom, zw+left+right
	out := tensor.New(in.C, hp, wp)
	for c := range in.C {
		src, dst := in.Plane(c), out.Plane(c)
		for y := range in.H {
			py := y*sy + top
			if py < 0 || py >= hp {
				continue
			}
			for x := range in.W {
				if px := x*sx + left; px >= 0 && px < wp {
					dst[py*wp+px] = src[y*in.W+x]
				}
			}
		}
	}
	return out
}

// tap is one kernel weight and the input it multiplies: out[x] += k *
// src[x*stride].
type tap struct {
	src []float32
	k   float32
}

// accumulate sets every out[x] to Σ tap.k·tap.src[x·stride], the taps
// summed in order: by the SIMD row kernel at unit stride (each tap a row
// of one weight), by Go's loop otherwise. Every unit-stride sum of the
// direct and separable methods goes through the same kernel in the same
// tap order, so a caller that computes one row at a time with accumulate
// gets the bits those methods get for the whole plane.
func accumulate(out []float32, taps []tap, stride int) {
	if stride != 1 {
		accumulateStrided(out, taps, stride)
		return
	}
	srcs, ks := tapSlices(taps)
	simd.ConvRows(out, len(out), 1, len(out), srcs, ks, 1, 1, 0)
}

// tapSlices splits taps into the row kernel's inputs and weights.
func tapSlices(taps []tap) ([][]float32, []float32) {
	srcs := make([][]float32, len(taps))
	ks := make([]float32, len(taps))
	for i, t := range taps {
		srcs[i], ks[i] = t.src, t.k
	}
	return srcs, ks
}

// accumulateStrided sets every out[x] to Σ tap.k·tap.src[x·stride]: each
// tap's samples at the stride are gathered into scratch (the tap's stride
// phase) and the unit-stride row kernel sums them, one row of one-tap
// rows, in tap order: the sums direct's strided band path (directPhases)
// makes for a whole band, bit for bit.
func accumulateStrided(out []float32, taps []tap, stride int) {
	n := len(out)
	if n == 0 {
		return
	}
	if len(taps) == 0 {
		clear(out)
		return
	}
	sc := stridedScratch.Get().(*strided)
	if cap(sc.buf) < len(taps)*n {
		sc.buf = make([]float32, len(taps)*n)
	}
	rows, ks := sc.rows[:0], sc.ks[:0]
	for i, t := range taps {
		d := sc.buf[i*n : (i+1)*n]
		src := t.src[:(n-1)*stride+1]
		for x := range d {
			d[x] = src[x*stride]
		}
		rows, ks = append(rows, d), append(ks, t.k)
	}
	simd.ConvRows(out, n, 1, n, rows, ks, 1, 1, 0)
	sc.rows, sc.ks = rows, ks
	stridedScratch.Put(sc)
}

// strided is accumulateStrided's scratch, kept between calls (the
// streaming path calls it once per output row).
type strided struct {
	buf  []float32
	rows [][]float32
	ks   []float32
}

var stridedScratch = sync.Pool{New: func() any { return new(strided) }}

// bandRows picks the height of a row band so that rows × planes makes a
// few tasks per worker (for balance) without making bands so thin that the
// per-band overhead shows.
func bandRows(rows, planes int) int {
	workers := runtime.GOMAXPROCS(0)
	want := 4 * workers
	if planes >= want {
		return rows
	}
	per := (want + planes - 1) / planes
	return max((rows+per-1)/per, min(rows, 4))
}

// tasks runs f(0..n-1) as parallel does and reports each finished task to
// pr.progress, if set.
func (pr *problem) tasks(n int, f func(i int)) {
	pr.tasksW(n, func(_, i int) { f(i) })
}

// tasksW is tasks for work that keeps scratch per worker: f also hears
// which worker (0 ≤ w < GOMAXPROCS) runs the task.
func (pr *problem) tasksW(n int, f func(w, i int)) {
	if pr.progress == nil {
		parallelW(n, f)
		return
	}
	var done atomic.Int64
	parallelW(n, func(w, i int) {
		f(w, i)
		pr.progress(int(done.Add(1)), n)
	})
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines, handing out indices in
// order so that neighbouring tasks run close together in time.
func parallel(n int, f func(i int)) {
	parallelW(n, func(_, i int) { f(i) })
}

// parallelW is parallel telling f which worker runs each index: the
// loop runs on internal/par's team of workers, which stay awake between
// the loops of a layer or a network.
func parallelW(n int, f func(w, i int)) { par.For(n, f) }

// bandScratchFloats bounds the padded rows a direct band task of a filter
// or a depthwise layer copies into its worker's scratch (256 KiB, so they
// are still in L2 when the row kernel reads them).
const bandScratchFloats = 1 << 16

// direct computes pr by setting, for each output row, the sum of every
// kernel row that is not all zeros times the input row segment under it.
// At unit horizontal stride the SIMD row kernel (simd.ConvRows) does the
// arithmetic for a whole band of output rows per call, reading a padded
// plane: the shared padded input of a multi-channel layer (built once),
// or, with one input plane per output (a filter, a depthwise layer), the
// band's own padded rows in a per-worker scratch buffer, so that a large
// image is never copied whole. Other strides take Go's tap loop. Zero
// weights are skipped, one tap at a time.
func direct(pr *problem) *tensor.Tensor {
	whole := pr.inPerG > 1 || pr.in != nil
	if whole {
		pr.input()
	}
	out := pr.newOut()
	band := bandRows(pr.ho, pr.outC)
	span := (pr.kh-1)*pr.dy + 1
	if !whole {
		band = max(1, min(band, (bandScratchFloats/max(pr.wp+pr.sx, 1)-span)/pr.sy+1))
	}
	// At a horizontal stride, the row kernel reads the input split into
	// its stride phases (each tap's samples then lie one after another):
	// the whole padded input split once for a multi-channel layer, each
	// band's rows into scratch otherwise.
	var wholePhases []float32
	var ph phases
	if whole && pr.sx > 1 && pr.live == nil {
		wholePhases, ph = pr.phaseSplit()
	}
	nb := (pr.ho + band - 1) / band
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	scratch := make([][]float32, runtime.GOMAXPROCS(0))
	inPlace3x3 := !whole && pr.depthwise3x3InPlace()
	tasks := pr.outC * nb
	group := 1
	if inPlace3x3 && nb == 1 && pr.progress == nil {
		group = max(1, min(dwGroup, pr.outC/(4*runtime.GOMAXPROCS(0))))
	}
	body := func(wk, t int) {
		o, b := t/nb, t%nb
		g := o / outPerG
		w := pr.w[o*pr.inPerG*ksz : (o+1)*pr.inPerG*ksz]
		plane := out.Plane(o)
		oy0, oy1 := b*band, min((b+1)*band, pr.ho)
		if inPlace3x3 && !anyZero(w) {
			// Read the input plane where it is: padding rows and
			// columns are the kernel's zeros.
			src := pr.pad.src
			simd.DepthwisePlane3x3(plane[oy0*pr.wo:], pr.wo, oy1-oy0, pr.wo, src.Plane(g), src.H, src.W,
				oy0-pr.pad.top, pr.pad.left, w)
			return
		}
		if pr.sx > 1 && pr.live == nil {
			y0 := oy0 * pr.sy
			if !whole {
				// Split the band's padded rows into phases.
				y1 := (oy1-1)*pr.sy + span
				width := (pr.wp + pr.sx - 1) / pr.sx
				bp := phases{width: width, pitch: pr.sx * width, plane: (y1 - y0) * pr.sx * width}
				if cap(scratch[wk]) < bp.plane+pr.wp {
					scratch[wk] = make([]float32, bp.plane+pr.wp)
				}
				buf := scratch[wk][:bp.plane+pr.wp]
				pr.phaseRows(buf[:bp.plane], buf[bp.plane:], g, y0, y1, bp)
				pr.directPhases(plane[oy0*pr.wo:], w, buf, bp, g, oy1-oy0, 0, true)
				return
			}
			pr.directPhases(plane[oy0*pr.wo:], w, wholePhases, ph, g, oy1-oy0, y0, false)
			return
		}
		if pr.sx == 1 && !whole {
			// Pad the band's input rows into scratch: a plane of its own.
			y0, y1 := oy0*pr.sy, (oy1-1)*pr.sy+span
			n := (y1 - y0) * pr.wp
			if cap(scratch[wk]) < n {
				scratch[wk] = make([]float32, n)
			}
			buf := scratch[wk][:n]
			pr.pad.rows(buf, g, y0, y1)
			pr.directBand(plane[oy0*pr.wo:], w, [][]float32{buf}, oy1-oy0, 0)
			return
		}
		if pr.sx == 1 && pr.live == nil {
			planes := make([][]float32, pr.inPerG)
			for i := range planes {
				planes[i] = pr.in.Plane(g*pr.inPerG + i)
			}
			pr.directBand(plane[oy0*pr.wo:], w, planes, oy1-oy0, oy0*pr.sy)
			return
		}
		src := make([]*planeRows, pr.inPerG)
		for i := range src {
			src[i] = pr.rows(g*pr.inPerG+i, span)
		}
		taps := make([]tap, 0, len(w))
		for oy := oy0; oy < oy1; oy++ {
			taps = taps[:0]
			for i, rows := range src {
				for ky := range pr.kh {
					iy := oy*pr.sy + ky*pr.dy
					if pr.live != nil && !pr.live[iy] {
						continue
					}
					ws := w[(i*pr.kh+ky)*pr.kw : (i*pr.kh+ky+1)*pr.kw]
					if allZero(ws) {
						continue
					}
					row := rows.row(iy)
					for kx, kv := range ws {
						if kv != 0 {
							taps = append(taps, tap{row[kx*pr.dx:], kv})
						}
					}
				}
			}
			accumulate(plane[oy*pr.wo:(oy+1)*pr.wo], taps, pr.sx)
		}
	}
	pr.tasksW((tasks+group-1)/group, func(wk, t int) {
		for u := t * group; u < min((t+1)*group, tasks); u++ {
			body(wk, u)
		}
	})
	return out
}

// dwGroup is how many consecutive planes one task of the in-place 3×3
// path runs (while that leaves four tasks a worker): each core then
// streams through runs of neighbouring planes instead of every other one
// (BenchmarkDWGroup, 256 channels at 56², GOMAXPROCS=2, AMD EPYC, medians
// of 5 alternated runs: 67.2 µs a plane a task, 64.2 at 8).
var dwGroup = 8

// inPlace3x3Off turns the in-place 3×3 path off, so that tests and
// benchmarks can compare it with the padded-copy path.
var inPlace3x3Off bool

// depthwise3x3InPlace reports whether direct's one-plane-per-output
// tasks can run on simd.DepthwisePlane3x3 reading the input in place: a
// 3×3 kernel at unit stride and dilation over zero padding of at most one
// column a side (any rows), at a level where that kernel needs no copy.
func (pr *problem) depthwise3x3InPlace() bool {
	ps := pr.pad
	if ps == nil || inPlace3x3Off || pr.kh != 3 || pr.kw != 3 || pr.sy != 1 || pr.sx != 1 || pr.dy != 1 || pr.dx != 1 ||
		ps.edge != Zero || !simd.DepthwiseInPlace() {
		return false
	}
	right := ps.wp - ps.src.W - ps.left
	return ps.left >= 0 && ps.left <= 1 && right >= 0 && right <= 1 && pr.wo == ps.wp-2
}

// phaseRows splits padded rows y0…y1-1 of plane c into dst, laid out as
// ph (row y−y0 at (y−y0)·ph.pitch, phase q of it at q·ph.width); row is
// scratch for one padded row.
func (pr *problem) phaseRows(dst, row []float32, c, y0, y1 int, ph phases) {
	sx := pr.sx
	ps := pr.pad
	right := ps.wp - ps.src.W - ps.left
	for y := y0; y < y1; y++ {
		if sx == 2 && ps.edge == Zero && ps.left >= 0 && right >= 0 {
			pr.phaseRow2(dst[(y-y0)*ph.pitch:][:ph.pitch], c, y, ph.width)
			continue
		}
		pr.pad.row(row, c, y)
		d := dst[(y-y0)*ph.pitch:]
		splitPhases(row, sx, func(q int) []float32 { return d[q*ph.width : (q+1)*ph.width] })
	}
}

// splitPhases writes a padded row's sx stride phases, phase q (samples q,
// q+sx, q+2sx…) into dst(q) and zeros after it, to dst(q)'s length: the
// layout every strided path reads. At stride 2 the SIMD split does it.
func splitPhases(row []float32, sx int, dst func(q int) []float32) {
	if sx == 2 {
		ev, od := dst(0), dst(1)
		n := len(row) / 2
		simd.Deinterleave2(ev, od, row, n)
		if len(row)%2 == 1 {
			ev[n] = row[len(row)-1]
			n++
			clear(od[len(row)/2:])
		} else {
			clear(od[n:])
		}
		clear(ev[n:])
		return
	}
	for q := range sx {
		d := dst(q)
		j := 0
		for x := q; x < len(row); j, x = j+1, x+sx {
			d[j] = row[x]
		}
		clear(d[j:])
	}
}

// phaseRow2 writes padded row y of plane c, split into its two stride
// phases of width samples, into dst, straight from the source row (zero
// padding, none cropped): the source's even samples land in the phase of
// the left padding's parity, the odd ones in the other, and the padding
// positions are zeros.
func (pr *problem) phaseRow2(dst []float32, c, y, width int) {
	ps := pr.pad
	sy := y - ps.top
	if sy < 0 || sy >= ps.src.H {
		clear(dst)
		return
	}
	W := ps.src.W
	src := ps.src.Plane(c)[sy*W : (sy+1)*W]
	// Padded column p = s + left: phase p%2, position p/2.
	pe, oe := ps.left%2, ps.left/2         // where src's even samples go
	po, oo := (ps.left+1)%2, (ps.left+1)/2 // and the odd ones
	ne, no := (W+1)/2, W/2
	ev, od := dst[pe*width:(pe+1)*width], dst[po*width:(po+1)*width]
	clear(ev[:oe])
	clear(ev[oe+ne:])
	clear(od[:oo])
	clear(od[oo+no:])
	simd.Deinterleave2(ev[oe:], od[oo:], src, no)
	if ne > no {
		ev[oe+ne-1] = src[W-1]
	}
}

// directPhases sets nout output rows at dst (row pitch wo) of output
// channel group g at a horizontal stride, from the padded input split into
// phases (layout ph): src holds either one band's rows of the one input
// plane (band: row 0 is under the first output row) or every channel's
// whole phase-split plane (row y0 under the first output row). Each
// nonzero weight is one one-sample tap, in the order of the per-row path
// (channels, kernel rows, columns), and the row kernel sums a whole band
// of them: the sums, and the bits, of accumulateStrided row by row.
func (pr *problem) directPhases(dst, w, src []float32, ph phases, g, nout, y0 int, band bool) {
	rows := make([][]float32, 0, len(w))
	ks := make([]float32, 0, len(w))
	for i := range pr.inPerG {
		base := y0 * ph.pitch
		if !band {
			base += (g*pr.inPerG + i) * ph.plane
		}
		for ky := range pr.kh {
			ws := w[(i*pr.kh+ky)*pr.kw : (i*pr.kh+ky+1)*pr.kw]
			for kx, kv := range ws {
				if kv != 0 {
					rows = append(rows, src[base+ph.at(ky*pr.dy, kx*pr.dx, pr.sx):])
					ks = append(ks, kv)
				}
			}
		}
	}
	simd.ConvRows(dst, pr.wo, nout, pr.wo, rows, ks, 1, 1, pr.sy*ph.pitch)
}

// directBand sets nout output rows at dst (row pitch wo) with one call of
// the row kernel: planes are the output's padded input planes (pitch wp),
// whose row y0 lies under the first output row; w the output's weights.
//
// Each nonzero weight is one tap, in the order of the per-row path
// (planes, then kernel rows, then columns), so the sums are the same.
// When no weight is zero, each kernel row goes to the row kernel as one
// row of kw taps instead: the same multiply-adds in the same order, with
// less loop overhead per tap.
func (pr *problem) directBand(dst, w []float32, planes [][]float32, nout, y0 int) {
	if !anyZero(w) {
		rows := make([][]float32, 0, len(planes)*pr.kh)
		for _, pl := range planes {
			for ky := range pr.kh {
				rows = append(rows, pl[(y0+ky*pr.dy)*pr.wp:])
			}
		}
		simd.ConvRows(dst, pr.wo, nout, pr.wo, rows, w, pr.kw, pr.dx, pr.sy*pr.wp)
		return
	}
	taps := make([]tap, 0, len(w))
	for i, pl := range planes {
		for ky := range pr.kh {
			ws := w[(i*pr.kh+ky)*pr.kw : (i*pr.kh+ky+1)*pr.kw]
			for kx, kv := range ws {
				if kv != 0 {
					taps = append(taps, tap{pl[(y0+ky*pr.dy)*pr.wp+kx*pr.dx:], kv})
				}
			}
		}
	}
	srcs, ks := tapSlices(taps)
	simd.ConvRows(dst, pr.wo, nout, pr.wo, srcs, ks, 1, 1, pr.sy*pr.wp)
}

func anyZero(v []float32) bool {
	for _, x := range v {
		if x == 0 {
			return true
		}
	}
	return false
}

func allZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// separable correlates every plane of the padded input with the outer
// product col × row. Each band task runs the row pass (at the horizontal
// stride and dilation) into a cache of as many rows as the column's span,
// and the column pass out of it, so the intermediate rows stay in cache
// and no image-sized temporary is written and read back. Both passes at
// unit stride run on the SIMD row kernel.
func separable(pr *problem, col, row []float32) *tensor.Tensor {
	c := pr.inC
	out := tensor.New(c, pr.ho, pr.wo)
	band := bandRows(pr.ho, c)
	nb := (pr.ho + band - 1) / band
	span := (pr.kh-1)*pr.dy + 1
	pr.tasks(c*nb, func(t int) {
		ch, b := t/nb, t%nb
		src := pr.rows(ch, 1)
		hrows := newRowCache(span, pr.wo)
		dst := out.Plane(ch)
		htaps := make([]tap, 0, len(row))
		taps := make([]tap, 0, len(col))
		for oy := b * band; oy < min((b+1)*band, pr.ho); oy++ {
			taps = taps[:0]
			for ky, kv := range col {
				if kv == 0 {
					continue
				}
				y := oy*pr.sy + ky*pr.dy
				h, ok := hrows.get(y)
				if !ok {
					r := src.row(y)
					htaps = htaps[:0]
					for kx, kv := range row {
						if kv != 0 {
							htaps = append(htaps, tap{r[kx*pr.dx:], kv})
						}
					}
					accumulate(h, htaps, pr.sx)
				}
				taps = append(taps, tap{h, kv})
			}
			accumulate(dst[oy*pr.wo:(oy+1)*pr.wo], taps, 1)
		}
	})
	return out
}

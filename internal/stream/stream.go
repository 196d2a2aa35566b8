package stream

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/tensor"
)

// Source yields the rows of a (C, H, W) input in order, top to bottom.
type Source interface {
	// ReadRow fills dst (C·W samples: channel 0's row, then channel 1's,
	// …) with the next row.
	ReadRow(dst []float32) error
}

// Sink takes the rows of the output in order.
type Sink interface {
	// WriteRow takes one output row (C·W samples, channel by channel). The
	// slice is reused after the call returns.
	WriteRow(row []float32) error
	// Close finishes the output after the last row.
	Close() error
}

// Alpha says what happens to an input's last channel when it is alpha, as
// imgconv.Filter does it.
type Alpha int

const (
	// NoAlpha filters every channel alike.
	NoAlpha Alpha = iota
	// KeepAlpha filters the colour channels; alpha is the input's under
	// the kernel's anchor (imgconv.Keep).
	KeepAlpha
	// ConvolveAlpha premultiplies, filters all, unpremultiplies
	// (imgconv.Convolve).
	ConvolveAlpha
)

// Options is the filter to run: the same values the whole-image path
// gives conv/imgconv/levels.
type Options struct {
	// Kernel is applied by cross-correlation (already normalised and, for
	// true convolution, turned by the caller).
	Kernel *kernel.Kernel
	// Params: padding, edge, stride and dilation; Transpose is refused.
	Params conv.Params
	// Method is what the user asked (Auto picks as conv.Filter would for
	// the whole image, so both paths run the same arithmetic).
	Method conv.Method
	// Alpha, AnchorY/X and MaxAlpha: the last channel's treatment.
	Alpha            Alpha
	AnchorY, AnchorX int
	MaxAlpha         float64
	// Gray converts an RGB(A) input to grey(+alpha) first (levels.Gray).
	Gray bool
	// Scale and Offset (out = x/Scale + Offset, Scale 0 means 1) and Abs
	// apply to the colour channels of the result (levels).
	Scale, Offset float64
	Abs           bool
	// Band is the number of output rows filtered together (0: 32).
	Band int
	// MaxWindow bounds the samples the window may hold (0: no limit).
	MaxWindow int64
	// Finite says the input can hold no NaN or Inf (an image): then a
	// filter that conv.Filter would run by FFT streams too, band by band,
	// since Filter's fallback to direct on non-finite data cannot arise.
	Finite bool
	// Progress, if set, hears of every band of output rows filtered
	// (done and total rows).
	Progress func(done, total int)
}

// ErrWhole wraps every reason Plan gives for a job that must take the
// whole-image path.
var ErrWhole = errors.New("needs the whole image")

// Plan is a streaming filter, every decision made before a row is read.
type Plan struct {
	// C, H, W is the input as the source yields it.
	C, H, W int
	// OC, HO, WO is the output.
	OC, HO, WO int
	// Method is the method run (direct, separable or fft), and Reason why
	// (conv.Report's words).
	Method conv.Method
	Reason string
	// Window is the number of padded input rows held (the ring), Head the
	// number of first rows kept for an edge rule that reads them at the
	// bottom (circular).
	Window, Head int

	o      Options
	f      *conv.RowFilter
	cf     int // channels after --gray
	nf     int // channels filtered
	band   int
	alphaC int // index of the alpha channel in cf, or -1
	corr   *fft.Correlator
	// fftSrc and fftDst are correlateBand's contiguous band, reused.
	fftSrc, fftDst []float32
}

// NewPlan plans o for a c×h×w input. An error wrapping ErrWhole says the
// job cannot stream (and why); any other is an error of the job itself.
func NewPlan(c, h, w int, o Options) (*Plan, error) {
	if o.Params.Transpose {
		return nil, fmt.Errorf("%w: transposed convolution", ErrWhole)
	}
	cf := c
	if o.Gray {
		var err error
		if cf, err = levels.GrayChannels(c); err != nil {
			return nil, err
		}
	}
	nf, alphaC := cf, -1
	if o.Alpha != NoAlpha {
		if cf < 2 {
			o.Alpha = NoAlpha
		} else {
			alphaC = cf - 1
			if o.Alpha == KeepAlpha {
				nf = cf - 1
			}
		}
	}
	f, err := conv.NewRowFilter(nf, h, w, o.Kernel, o.Params, o.Method)
	if errors.Is(err, conv.ErrNotRowwise) {
		return nil, fmt.Errorf("%w: %v", ErrWhole, err)
	}
	if err != nil {
		return nil, err
	}
	band := o.Band
	if band <= 0 {
		band = 32
	}
	var corr *fft.Correlator
	if f.Method == conv.FFT {
		// Band by band through the whole plane's tiles (overlap-save): a
		// band is one row of tiles, so the result is the whole path's.
		switch {
		case !o.Finite:
			return nil, fmt.Errorf("%w: fft on data that may hold NaN or Inf", ErrWhole)
		case f.SY != 1:
			return nil, fmt.Errorf("%w: fft with a vertical stride", ErrWhole)
		}
		if corr, err = f.Correlator(); err != nil {
			return nil, err
		}
		_, band, _ = corr.Bands()
	}
	band = min(band, f.HO)
	p := &Plan{C: c, H: h, W: w, OC: cf, HO: f.HO, WO: f.WO, Method: f.Method, Reason: f.Reason,
		o: o, f: f, cf: cf, nf: nf, band: band, alphaC: alphaC, corr: corr}
	p.Window = (band-1)*f.SY + f.Span()
	if p.Window >= h {
		p.Window = h // the whole input fits: nothing is ever evicted
	}
	p.Head = p.headRows()
	if p.Head > p.Window {
		return nil, fmt.Errorf("%w: the %s edge needs rows from the far end of the input", ErrWhole, o.Params.Edge)
	}
	if o.MaxWindow > 0 && int64(p.Window+p.Head)*int64(f.WP) > o.MaxWindow {
		return nil, fmt.Errorf("%w: the window of %d rows of %d samples is more than --max-pixels %d", ErrWhole, p.Window+p.Head, f.WP, o.MaxWindow)
	}
	return p, nil
}

// SetProgress sets Options.Progress after planning.
func (p *Plan) SetProgress(f func(done, total int)) { p.o.Progress = f }

// bandNeed returns the smallest and largest input row that the output rows
// y0..y1-1 read (-1, -1 if only zero rows).
func (p *Plan) bandNeed(y0, y1 int, visit func(s int)) (hi int) {
	hi = -1
	for oy := y0; oy < y1; oy++ {
		for ky := range p.f.KH {
			s := p.f.SourceRow(oy*p.f.SY + ky*p.f.DY)
			if s > hi {
				hi = s
			}
			if visit != nil && s >= 0 {
				visit(s)
			}
		}
	}
	return hi
}

// headRows simulates the run: rows are read as far as each band needs and
// the ring keeps the last Window of them; a row needed after it left the
// ring must be among the first Head rows, kept aside.
func (p *Plan) headRows() int {
	last, head := -1, 0
	for y0 := 0; y0 < p.HO; y0 += p.band {
		y1 := min(y0+p.band, p.HO)
		last = max(last, p.bandNeed(y0, y1, nil))
		p.bandNeed(y0, y1, func(s int) {
			if s <= last-p.Window {
				head = max(head, s+1)
			}
		})
	}
	return head
}

// slot is one input row in the window: padded (cf × WP) and, for the
// separable method, its horizontal pass (nf × WO).
type slot struct {
	padded []float32
	h      []float32
}

func (p *Plan) newSlot() *slot {
	s := &slot{padded: make([]float32, p.cf*p.f.WP)}
	if p.Method == conv.Separable {
		s.h = make([]float32, p.nf*p.WO)
	}
	return s
}

// fill makes s hold input row raw (cf × W; nil for a row of zeros).
func (p *Plan) fill(s *slot, raw []float32, taps []conv.Tap) []conv.Tap {
	wp, w := p.f.WP, p.W
	for c := range p.cf {
		d := s.padded[c*wp : (c+1)*wp]
		if raw == nil {
			clear(d)
		} else {
			p.f.Pad(d, raw[c*w:(c+1)*w])
		}
		if s.h != nil && c < p.nf {
			taps = p.f.HRow(s.h[c*p.WO:(c+1)*p.WO], d, taps)
		}
	}
	return taps
}

// batch is a run of input rows handed from the reading goroutine.
type batch struct {
	rows []float32
	n    int
	err  error
}

// outBand is a band of output rows handed to the writing goroutine.
type outBand struct {
	rows []float32
	n    int
}

// Run reads src, filters and writes dst, with reading, filtering and
// writing on their own goroutines (and filtering on all cores), through
// buffers that are recycled. It returns the first error of any stage;
// dst.Close is called only after a complete run.
func (p *Plan) Run(src Source, dst Sink) error {
	done := make(chan struct{})
	var stop sync.Once
	cancel := func() { stop.Do(func() { close(done) }) }
	defer cancel()

	const nbuf = 4
	per := max(1, min(p.band, (256<<10)/(p.C*p.W*4+1)))
	full := make(chan *batch, nbuf)
	free := make(chan *batch, nbuf)
	for range nbuf {
		free <- &batch{rows: make([]float32, per*p.cf*p.W)}
	}
	go p.read(src, per, full, free, done)

	outFull := make(chan *outBand, 2)
	outFree := make(chan *outBand, 3)
	for range 3 {
		outFree <- &outBand{rows: make([]float32, p.band*p.OC*p.WO)}
	}
	werr := make(chan error, 1)
	go func() {
		var err error
		for b := range outFull {
			for i := 0; i < b.n && err == nil; i++ {
				if err = dst.WriteRow(b.rows[i*p.OC*p.WO : (i+1)*p.OC*p.WO]); err != nil {
					cancel()
				}
			}
			outFree <- b
		}
		werr <- err
	}()

	err := p.filter(full, free, outFree, outFull, done)
	close(outFull)
	if e := <-werr; e != nil {
		err = e // the writer's failure is the cause of the filter's stop
	}
	if err != nil {
		return err
	}
	return dst.Close()
}

// read fills batches of rows from src (converting to grey if asked) until
// the input's H rows are read, an error, or done.
func (p *Plan) read(src Source, per int, full, free chan *batch, done chan struct{}) {
	defer close(full)
	var raw []float32
	if p.C != p.cf {
		raw = make([]float32, p.C*p.W)
	}
	for y := 0; y < p.H; {
		var b *batch
		select {
		case b = <-free:
		case <-done:
			return
		}
		b.n = min(per, p.H-y)
		for i := range b.n {
			row := b.rows[i*p.cf*p.W : (i+1)*p.cf*p.W]
			if raw == nil {
				b.err = src.ReadRow(row)
			} else if b.err = src.ReadRow(raw); b.err == nil {
				t, _ := tensor.FromData(p.C, 1, p.W, raw)
				g, _ := levels.Gray(t)
				copy(row, g.Data)
			}
			if b.err != nil {
				break
			}
		}
		select {
		case full <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
		y += b.n
	}
}

// errStopped ends the filter when the writer failed; Run reports the
// writer's error instead.
var errStopped = errors.New("stream: stopped")

// filter keeps the window of input rows, and for each band of output
// rows reads the rows it needs, pads them (and runs the horizontal pass)
// in parallel, computes the band in parallel and hands it to the writer.
func (p *Plan) filter(full, free chan *batch, outFree, outFull chan *outBand, done chan struct{}) error {
	ring := make([]*slot, p.Window)
	head := make([]*slot, p.Head)
	for i := range ring {
		ring[i] = p.newSlot()
	}
	for i := range head {
		head[i] = p.newSlot()
	}
	zero := p.newSlot()
	p.fill(zero, nil, nil)

	var cur *batch
	ci, next := 0, 0 // position in cur; the next input row to read
	nextRaw := func() ([]float32, error) {
		for cur == nil || ci >= cur.n {
			if cur != nil {
				free <- cur
				cur = nil
			}
			b, ok := <-full
			if !ok {
				select {
				case <-done:
					return nil, errStopped
				default:
				}
				return nil, errors.New("the input ended early")
			}
			if b.err != nil {
				return nil, b.err
			}
			cur, ci = b, 0
		}
		r := cur.rows[ci*p.cf*p.W : (ci+1)*p.cf*p.W]
		ci++
		return r, nil
	}
	lookup := func(s int) *slot {
		switch {
		case s < 0:
			return zero
		case s < p.Head && s <= next-1-p.Window:
			return head[s]
		}
		return ring[s%p.Window]
	}
	type pending struct {
		s, dup *slot // the ring slot, and a head slot to fill too
		raw    []float32
	}
	var todo []pending
	var copies [][]float32
	rows := make([][]*slot, p.band)
	for i := range rows {
		rows[i] = make([]*slot, p.f.KH)
	}
	for y0 := 0; y0 < p.HO; y0 += p.band {
		y1 := min(y0+p.band, p.HO)
		hi := p.bandNeed(y0, y1, nil)
		todo = todo[:0]
		for k := 0; next <= hi; k++ {
			raw, err := nextRaw()
			if err != nil {
				return err
			}
			// The batch goes back to the reader when it is used up, so
			// the row is copied while it is still ours.
			if k == len(copies) {
				copies = append(copies, make([]float32, p.cf*p.W))
			}
			copy(copies[k], raw)
			pd := pending{s: ring[next%p.Window], raw: copies[k]}
			if next < p.Head {
				pd.dup = head[next]
			}
			todo = append(todo, pd)
			next++
		}
		// A band may read more rows than the ring holds (a stride larger
		// than the kernel, or the far rows a circular edge needs at the
		// top): only the last row for each slot goes into it.
		for i := range max(0, len(todo)-p.Window) {
			todo[i].s = nil
		}
		parallel(len(todo), func(i int, taps []conv.Tap) []conv.Tap {
			if p.o.Alpha == ConvolveAlpha {
				t, _ := tensor.FromData(p.cf, 1, p.W, todo[i].raw)
				levels.Premultiply(t, p.o.MaxAlpha)
			}
			if todo[i].s != nil {
				taps = p.fill(todo[i].s, todo[i].raw, taps)
			}
			if todo[i].dup != nil {
				taps = p.fill(todo[i].dup, todo[i].raw, taps)
			}
			return taps
		})
		n := y1 - y0
		for i := range n {
			for ky := range p.f.KH {
				rows[i][ky] = lookup(p.f.SourceRow((y0+i)*p.f.SY + ky*p.f.DY))
			}
		}
		var plane []*slot
		if p.corr != nil {
			th, _, _ := p.corr.Bands()
			for y := y0; y < min(y0+th, p.H+p.f.Top+p.f.Bottom()); y++ {
				plane = append(plane, lookup(p.f.SourceRow(y)))
			}
		}
		var b *outBand
		select {
		case b = <-outFree:
		case <-done:
			return errStopped
		}
		b.n = n
		if p.corr != nil {
			p.correlateBand(b.rows, plane, n, y0/p.band)
		}
		p.compute(b.rows, rows[:n])
		outFull <- b
		if p.o.Progress != nil {
			p.o.Progress(y1, p.HO)
		}
	}
	// Rows below the last window (valid padding, a stride) are read all
	// the same: the source's own checks (a PNG's checksum) run to the end.
	for ; next < p.H; next++ {
		if _, err := nextRaw(); err != nil {
			return err
		}
	}
	if cur != nil {
		free <- cur
	}
	return nil
}

// compute fills out (len(rows) output rows of OC × WO) from the slots
// under each row, in parallel over rows and channels.
func (p *Plan) compute(out []float32, rows [][]*slot) {
	wo, wp := p.WO, p.f.WP
	ay := min(max(p.o.AnchorY, 0), p.f.KH-1)
	ax := min(max(p.o.AnchorX, 0), p.f.KW-1)
	oc := p.OC
	parallel(len(rows), func(i int, taps []conv.Tap) []conv.Tap {
		dst := out[i*oc*wo : (i+1)*oc*wo]
		if p.corr == nil { // else correlateBand has filled the colour
			under := make([][]float32, p.f.KH) // small; per row
			for c := range p.nf {
				d := dst[c*wo : (c+1)*wo]
				if p.Method == conv.Separable {
					for ky, s := range rows[i] {
						under[ky] = s.h[c*wo : (c+1)*wo]
					}
					taps = p.f.VRow(d, under, taps)
				} else {
					for ky, s := range rows[i] {
						under[ky] = s.padded[c*wp : (c+1)*wp]
					}
					taps = p.f.Row(d, under, taps)
				}
			}
		}
		if p.o.Alpha == KeepAlpha {
			// The sample under the anchor: conv.Filter with a one-hot
			// kernel multiplies it by 1, which changes no bits.
			src := rows[i][ay].padded[p.alphaC*wp : (p.alphaC+1)*wp]
			d := dst[p.alphaC*wo : (p.alphaC+1)*wo]
			for x := range d {
				d[x] = 1 * src[x*p.f.SX+ax*p.f.DX]
			}
		}
		t, _ := tensor.FromData(oc, 1, wo, dst)
		colour := oc
		if p.o.Alpha != NoAlpha {
			colour = oc - 1
		}
		if p.o.Alpha == ConvolveAlpha {
			levels.Unpremultiply(t, p.o.MaxAlpha)
		}
		levels.ScaleOffset(t, colour, p.o.Scale, p.o.Offset)
		if p.o.Abs {
			levels.Abs(t, colour)
		}
		return taps
	})
}

// correlateBand fills the filtered channels of the n output rows of tile
// row ty (the band) by the FFT, channel by channel: the band's padded rows
// (plane) are laid out as one contiguous block, as the whole plane's
// would be, and correlated tile by tile in parallel.
func (p *Plan) correlateBand(out []float32, plane []*slot, n, ty int) {
	wp, wo, oc := p.f.WP, p.WO, p.OC
	if len(p.fftSrc) < len(plane)*wp {
		p.fftSrc = make([]float32, len(plane)*wp)
	}
	if len(p.fftDst) < n*wo {
		p.fftDst = make([]float32, p.band*wo)
	}
	src, dst := p.fftSrc[:len(plane)*wp], p.fftDst[:n*wo]
	for c := range p.nf {
		for j, s := range plane {
			copy(src[j*wp:(j+1)*wp], s.padded[c*wp:(c+1)*wp])
		}
		p.corr.CorrelateBand(dst, src, ty)
		for i := range n {
			copy(out[(i*oc+c)*wo:(i*oc+c+1)*wo], dst[i*wo:(i+1)*wo])
		}
	}
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines, each with its own tap
// scratch, handing out indices in order.
func parallel(n int, f func(i int, taps []conv.Tap) []conv.Tap) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		var taps []conv.Tap
		for i := range n {
			taps = f(i, taps)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var taps []conv.Tap
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				taps = f(i, taps)
			}
		})
	}
	wg.Wait()
}

package stream

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/imgconv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/tensor"
)

// tensorSource yields the rows of a tensor.
type tensorSource struct {
	t *tensor.Tensor
	y int
}

func (s *tensorSource) ReadRow(dst []float32) error {
	t := s.t
	if s.y >= t.H {
		return errors.New("read past the end")
	}
	for c := range t.C {
		copy(dst[c*t.W:(c+1)*t.W], t.Plane(c)[s.y*t.W:(s.y+1)*t.W])
	}
	s.y++
	return nil
}

// tensorSink collects rows into a tensor.
type tensorSink struct {
	t      *tensor.Tensor
	y      int
	closed bool
}

func (s *tensorSink) WriteRow(row []float32) error {
	t := s.t
	if s.y >= t.H {
		return errors.New("write past the end")
	}
	for c := range t.C {
		copy(t.Plane(c)[s.y*t.W:(s.y+1)*t.W], row[c*t.W:(c+1)*t.W])
	}
	s.y++
	return nil
}

func (s *tensorSink) Close() error { s.closed = true; return nil }

// lastReport is what conv.Filter reported in the last call of whole.
var lastReport conv.Report

// whole is the whole-image path the command runs (cmd/convtool's
// filterImage and applyPost): the reference every streamed result must
// equal bit for bit.
func whole(in *tensor.Tensor, o Options) (*tensor.Tensor, conv.Method, error) {
	var err error
	if o.Gray {
		if in, err = levels.Gray(in); err != nil {
			return nil, "", err
		}
	}
	mode := imgconv.Keep
	if o.Alpha == ConvolveAlpha {
		mode = imgconv.Convolve
	}
	lastReport = conv.Report{}
	o.Params.Report = &lastReport
	out, used, err := imgconv.Filter(in, o.Alpha != NoAlpha, o.MaxAlpha, o.Kernel, o.AnchorY, o.AnchorX, o.Params, o.Method, mode)
	if err != nil {
		return nil, "", err
	}
	colour := out.C
	if o.Alpha != NoAlpha && in.C >= 2 {
		colour--
	}
	levels.ScaleOffset(out, colour, o.Scale, o.Offset)
	if o.Abs {
		levels.Abs(out, colour)
	}
	return out, used, nil
}

func streamed(in *tensor.Tensor, o Options) (*tensor.Tensor, *Plan, error) {
	p, err := NewPlan(in.C, in.H, in.W, o)
	if err != nil {
		return nil, nil, err
	}
	sink := &tensorSink{t: tensor.New(p.OC, p.HO, p.WO)}
	if err := p.Run(&tensorSource{t: in}, sink); err != nil {
		return nil, p, err
	}
	if !sink.closed || sink.y != p.HO {
		return nil, p, fmt.Errorf("sink got %d rows, closed %v", sink.y, sink.closed)
	}
	return sink.t, p, nil
}

func randomTensor(rng *rand.Rand, c, h, w int, top float32) *tensor.Tensor {
	t := tensor.New(c, h, w)
	for i := range t.Data {
		t.Data[i] = float32(math.Round(float64(rng.Float32() * top)))
	}
	return t
}

func gaussian(t *testing.T, spec string) *kernel.Kernel {
	t.Helper()
	k, _, err := kernel.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestStreamEqualsWhole runs the streaming filter and the whole-image path
// on the same inputs and requires identical float32 bits: every edge mode,
// odd and even kernels, anchors, separable and dense kernels, stride and
// dilation, alpha kept or convolved, --gray, scale/offset/abs, heights
// below and above the band and a 1-row and a 1-column input. No tolerance:
// both paths run conv's own arithmetic in the same order, so any
// difference is a bug in the window (a wrong row under the kernel).
func TestStreamEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kernels := map[string]*kernel.Kernel{
		"gauss5":   gaussian(t, "gaussian:1:5"), // rank 1: separable
		"box4":     gaussian(t, "box:4"),        // even
		"sobel":    gaussian(t, "sobel-x"),      // separable with a zero
		"laplace":  gaussian(t, "laplacian"),    // dense, not rank 1
		"im+1+0":   gaussian(t, "3x2+1+0: 1,2,3,4,5,6"),
		"tall1x7":  gaussian(t, "1 2 3 4 3 2 1"),
		"column":   {Name: "col", H: 7, W: 1, Data: []float32{1, -2, 3, 4, 3, -2, 1}},
		"random6":  {Name: "r6", H: 6, W: 5, Data: randomKernel(rng, 30)},
		"gauss2x9": gaussian(t, "gaussian:2:9"),
	}
	sizes := [][3]int{{1, 40, 37}, {3, 9, 13}, {1, 1, 50}, {2, 50, 1}, {3, 130, 21}, {1, 5, 5}, {4, 70, 33}}
	edges := []conv.Edge{conv.Zero, conv.Reflect, conv.Replicate, conv.Circular, conv.Symmetric}
	n, compared := 0, 0
	for kname, k := range kernels {
		for _, sz := range sizes {
			for _, e := range edges {
				for _, pad := range []string{"same", "valid", "full", "anchor-top"} {
					for _, sd := range [][2]int{{1, 1}, {2, 1}, {1, 2}} {
						c, h, w := sz[0], sz[1], sz[2]
						p := conv.NewParams()
						p.Edge = e
						p.StrideY, p.StrideX = sd[0], sd[0]
						p.DilY, p.DilX = sd[1], sd[1]
						switch pad {
						case "same":
							t0, b0, _ := conv.SamePad(h, k.H, p.StrideY, p.DilY, false)
							l0, r0, _ := conv.SamePad(w, k.W, p.StrideX, p.DilX, false)
							p.Pad = conv.Pad{Top: t0, Bottom: b0, Left: l0, Right: r0}
						case "full":
							fy, _ := conv.FullPad(k.H, p.DilY)
							fx, _ := conv.FullPad(k.W, p.DilX)
							p.Pad = conv.Pad{Top: fy, Bottom: fy, Left: fx, Right: fx}
						case "anchor-top": // all padding below and right
							p.Pad = conv.Pad{Bottom: (k.H - 1) * p.DilY, Right: (k.W - 1) * p.DilX}
						}
						o := Options{Kernel: k, Params: p, Method: conv.Auto, MaxAlpha: 255, Band: 1 + n%9}
						o.AnchorY, o.AnchorX = k.Anchor()
						switch n % 6 {
						case 1:
							o.Alpha = KeepAlpha
						case 2:
							o.Alpha = ConvolveAlpha
						case 3:
							o.Gray = c >= 3
						case 4:
							o.Scale, o.Offset, o.Abs = 2, -30, true
						case 5:
							o.Method = conv.Direct
						}
						n++
						name := fmt.Sprintf("%s/%dx%dx%d/%s/%s/s%dd%d/%d", kname, c, h, w, e, pad, sd[0], sd[1], n)
						in := randomTensor(rng, c, h, w, 255)
						if o.Alpha != NoAlpha && c >= 2 {
							// Some fully transparent pixels for Convolve's division.
							a := in.Plane(c - 1)
							for i := 0; i < len(a); i += 5 {
								a[i] = 0
							}
						}
						want, used, werr := whole(in, o)
						got, plan, serr := streamed(in, o)
						if werr != nil {
							if serr == nil {
								t.Errorf("%s: whole path fails (%v), stream does not", name, werr)
							}
							continue
						}
						if errors.Is(serr, ErrWhole) {
							// Only circular edges at the top of a tall
							// input, or a method that needs the plane.
							if !(e == conv.Circular && p.Pad.Top > 0) && used != conv.FFT && used != conv.GEMM {
								t.Errorf("%s: %v", name, serr)
							}
							continue
						}
						if serr != nil {
							t.Errorf("%s: stream: %v", name, serr)
							continue
						}
						if plan.Method != used {
							t.Errorf("%s: stream ran %s, whole path %s", name, plan.Method, used)
						}
						if o.Alpha == NoAlpha && plan.Reason != lastReport.Reason {
							t.Errorf("%s: stream's reason %q, whole path's %q", name, plan.Reason, lastReport.Reason)
						}
						compared++
						if !sameBits(got, want) {
							i := firstDiff(got, want)
							t.Errorf("%s: streamed result differs from the whole-image one at %d (of %d): got %v want %v (window %d head %d band %d alpha %d)", name, i, len(got.Data), got.Data[i], want.Data[i], plan.Window, plan.Head, o.Band, o.Alpha)
						}
					}
				}
			}
		}
	}
	// Most cases must stream: a plan that refused everything would pass.
	if compared < n*3/4 {
		t.Errorf("only %d of %d cases streamed", compared, n)
	}
	t.Logf("%d of %d cases streamed and compared", compared, n)
}

func randomKernel(rng *rand.Rand, n int) []float32 {
	k := make([]float32, n)
	for i := range k {
		k[i] = rng.Float32()*2 - 1
	}
	return k
}

func firstDiff(a, b *tensor.Tensor) int {
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return i
		}
	}
	return 0
}

func sameBits(a, b *tensor.Tensor) bool {
	if !a.SameShape(b) {
		return false
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return false
		}
	}
	return true
}

// TestCircularBottomKeepsFirstRows: with all the padding below (an
// ImageMagick-style anchor at the top), circular reads the first rows at
// the bottom; the plan keeps them aside rather than the whole input.
func TestCircularBottomKeepsFirstRows(t *testing.T) {
	k := gaussian(t, "gaussian:1:5")
	p := conv.NewParams()
	p.Edge = conv.Circular
	p.Pad = conv.Pad{Bottom: 4, Right: 4}
	pl, err := NewPlan(1, 1000, 20, Options{Kernel: k, Params: p, Band: 8})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Head != 4 || pl.Window >= 100 {
		t.Errorf("head %d window %d: want the first 4 rows kept and a window of about band+kernel", pl.Head, pl.Window)
	}
	p.Pad.Top = 2
	if _, err := NewPlan(1, 1000, 20, Options{Kernel: k, Params: p, Band: 8}); !errors.Is(err, ErrWhole) {
		t.Errorf("circular with top padding on a tall input: got %v, want ErrWhole", err)
	}
}

// failingSource fails after n rows.
type failingSource struct{ n int }

func (s *failingSource) ReadRow(dst []float32) error {
	if s.n == 0 {
		return errors.New("truncated")
	}
	s.n--
	return nil
}

// failingSink fails on the first row.
type failingSink struct{ closed bool }

func (s *failingSink) WriteRow([]float32) error { return errors.New("disk full") }
func (s *failingSink) Close() error             { s.closed = true; return nil }

// TestRunErrors: a failing source or sink stops the run with its error,
// and the sink is not closed (no complete-looking output).
func TestRunErrors(t *testing.T) {
	k := gaussian(t, "gaussian:1:5")
	p := conv.NewParams()
	p.Edge = conv.Replicate
	p.Pad = conv.Pad{Top: 2, Bottom: 2, Left: 2, Right: 2}
	pl, err := NewPlan(1, 500, 30, Options{Kernel: k, Params: p, Band: 16})
	if err != nil {
		t.Fatal(err)
	}
	sink := &tensorSink{t: tensor.New(1, 500, 30)}
	if err := pl.Run(&failingSource{n: 200}, sink); err == nil || err.Error() != "truncated" || sink.closed {
		t.Errorf("failing source: err %v, sink closed %v", err, sink.closed)
	}
	fs := &failingSink{}
	if err := pl.Run(&tensorSource{t: tensor.New(1, 500, 30)}, fs); err == nil || err.Error() != "disk full" || fs.closed {
		t.Errorf("failing sink: err %v, closed %v", err, fs.closed)
	}
}

// TestStreamFFTEqualsWhole: a filter conv.Filter runs by FFT streams band
// by band, one row of the whole plane's overlap-save tiles at a time, and
// gives the whole-image result bit for bit: tall inputs (several tile rows,
// with a last short one), a short one (a single tile: the window is the
// image), every edge mode, alpha kept and convolved.
func TestStreamFFTEqualsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	k := &kernel.Kernel{Name: "r31", H: 31, W: 31, Data: randomKernel(rng, 31*31)}
	for _, sz := range [][3]int{{1, 2600, 37}, {2, 4300, 21}, {1, 200, 40}} {
		for _, e := range []conv.Edge{conv.Zero, conv.Reflect, conv.Replicate, conv.Symmetric, conv.Circular} {
			for _, alpha := range []Alpha{NoAlpha, KeepAlpha, ConvolveAlpha} {
				c, h, w := sz[0], sz[1], sz[2]
				if alpha != NoAlpha && c < 2 {
					continue
				}
				p := conv.NewParams()
				p.Edge = e
				p.Pad = conv.Pad{Top: 15, Bottom: 15, Left: 15, Right: 15}
				if e == conv.Circular {
					p.Pad.Top, p.Pad.Bottom = 0, 30 // circular streams with padding below only
				}
				o := Options{Kernel: k, Params: p, Method: conv.FFT, Finite: true, Alpha: alpha, MaxAlpha: 255, AnchorY: 15, AnchorX: 15}
				name := fmt.Sprintf("%dx%dx%d/%s/alpha%d", c, h, w, e, alpha)
				in := randomTensor(rng, c, h, w, 255)
				want, used, err := whole(in, o)
				if err != nil || used != conv.FFT {
					t.Fatalf("%s: whole path: %v, method %s", name, err, used)
				}
				got, plan, err := streamed(in, o)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if plan.Method != conv.FFT || (h > 2100 && plan.Window >= h) {
					t.Errorf("%s: method %s, window %d of %d rows", name, plan.Method, plan.Window, h)
				}
				if !sameBits(got, want) {
					i := firstDiff(got, want)
					t.Errorf("%s: streamed FFT differs at %d: %v, want %v", name, i, got.Data[i], want.Data[i])
				}
			}
		}
	}
	// Without the promise of finite data the plan leaves FFT to the whole
	// image (conv.Filter falls back to direct on NaN).
	if _, err := NewPlan(1, 300, 40, Options{Kernel: k, Params: conv.Params{StrideY: 1, StrideX: 1, DilY: 1, DilX: 1}, Method: conv.FFT}); !errors.Is(err, ErrWhole) {
		t.Errorf("FFT without Finite: %v, want ErrWhole", err)
	}
}

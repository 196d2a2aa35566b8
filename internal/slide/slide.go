package slide

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"sort"
	"strconv"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// Limits: beyond these the figure stops being readable (and the GIF
// grows large).
const (
	MaxSide   = 40  // rows or columns of the padded input
	MaxFrames = 400 // output samples
)

// Colours of the figure.
var (
	InputFill  = color.RGBA{255, 255, 255, 255} // the input's own samples
	PadFill    = color.RGBA{222, 222, 222, 255} // padding
	ZeroFill   = color.RGBA{250, 236, 200, 255} // zeros inserted by a transposed convolution
	TapFill    = color.RGBA{255, 179, 102, 255} // cells under a kernel tap
	PendFill   = color.RGBA{240, 240, 240, 255} // output not yet computed
	DoneFill   = color.RGBA{214, 232, 250, 255} // output computed
	Outline    = color.RGBA{214, 95, 0, 255}    // the window and the current output
	GridColour = color.RGBA{150, 150, 150, 255}
)

// Options shape the animation.
type Options struct {
	// Title is the first line of every frame.
	Title string
	// Channel is the input channel shown.
	Channel int
	// Delay is each frame's time in hundredths of a second (0: 60).
	Delay int
}

// Slide is a prepared animation: one frame per output sample, then a
// final frame holding the whole output.
type Slide struct {
	walk   *conv.Walk
	h, w   int // the original input's size
	plane  []float32
	out    []float32
	o      Options
	cs     int // cell size in pixels
	layout layout
}

type layout struct {
	W, H             int
	in, kern, outPos image.Point // top-left corners of the three grids
	textY            int
}

// New prepares the animation of Filter(in, k, p, ·) on channel o.Channel.
func New(in *tensor.Tensor, k *kernel.Kernel, p conv.Params, o Options) (*Slide, error) {
	if in == nil || k == nil {
		return nil, fmt.Errorf("slide: nil input or kernel")
	}
	if o.Channel < 0 || o.Channel >= in.C {
		return nil, fmt.Errorf("slide: channel %d of a %d-channel input", o.Channel, in.C)
	}
	one, err := tensor.FromData(1, in.H, in.W, in.Plane(o.Channel))
	if err != nil {
		return nil, err
	}
	wk, err := conv.NewWalk(one, k, p)
	if err != nil {
		return nil, err
	}
	if wk.Input.H > MaxSide || wk.Input.W > MaxSide {
		return nil, fmt.Errorf("the animation is for small inputs: the %s input is %dx%d, at most %dx%d",
			map[bool]string{false: "padded", true: "zero-inserted"}[p.Transpose], wk.Input.H, wk.Input.W, MaxSide, MaxSide)
	}
	if wk.OutH*wk.OutW > MaxFrames {
		return nil, fmt.Errorf("the animation is for small inputs: %dx%d outputs are more than %d frames", wk.OutH, wk.OutW, MaxFrames)
	}
	s := &Slide{walk: wk, h: in.H, w: in.W, plane: wk.Input.Plane(0), o: o}
	s.out = make([]float32, wk.OutH*wk.OutW)
	for i := range s.out {
		s.out[i] = s.sum(i/wk.OutW, i%wk.OutW)
	}
	long := max(wk.Input.H, wk.Input.W)
	s.cs = min(max(560/long, 14), 36)
	s.layout = s.place()
	return s, nil
}

// Frames is the number of frames: one per output sample and a last one.
func (s *Slide) Frames() int { return len(s.out) + 1 }

// Output returns the output the animation computes (row-major).
func (s *Slide) Output() []float32 { return s.out }

// CellRect returns the pixel rectangle of padded-input cell (y, x).
func (s *Slide) CellRect(y, x int) image.Rectangle {
	p := s.layout.in.Add(image.Pt(x*s.cs, y*s.cs))
	return image.Rectangle{Min: p, Max: p.Add(image.Pt(s.cs, s.cs))}
}

// OutputRect returns the pixel rectangle of output cell (y, x).
func (s *Slide) OutputRect(y, x int) image.Rectangle {
	p := s.layout.outPos.Add(image.Pt(x*s.cs, y*s.cs))
	return image.Rectangle{Min: p, Max: p.Add(image.Pt(s.cs, s.cs))}
}

func (s *Slide) sum(oy, ox int) float32 {
	wk, k := s.walk, s.walk.Kernel
	var acc float64
	for ky := range k.H {
		for kx := range k.W {
			y, x := oy*wk.StrideY+ky*wk.DilY, ox*wk.StrideX+kx*wk.DilX
			acc += float64(s.plane[y*wk.Input.W+x]) * float64(k.Data[ky*k.W+kx])
		}
	}
	return float32(acc)
}

const (
	margin = 16
	gapX   = 40
	titleH = 50
	labelH = 20
	footH  = 44
)

func (s *Slide) place() layout {
	wk, cs := s.walk, s.cs
	var l layout
	top := margin + titleH + labelH
	l.in = image.Pt(margin, top)
	l.kern = image.Pt(l.in.X+wk.Input.W*cs+gapX, top)
	l.outPos = image.Pt(l.kern.X+wk.Kernel.W*cs+gapX, top)
	gridH := max(wk.Input.H, wk.OutH, wk.Kernel.H) * cs
	l.textY = top + gridH + 10
	l.W = max(l.outPos.X+wk.OutW*cs+margin, 520)
	l.H = l.textY + footH
	return l
}

// short formats a cell value: 3 significant digits.
func short(v float32) string {
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(v), 'g', 3, 32)
}

// Frame draws frame i: output sample i in progress (i = Frames()-1: the
// finished output).
func (s *Slide) Frame(i int) (*figure.Canvas, error) {
	wk, cs, l := s.walk, s.cs, s.layout
	c, err := figure.NewCanvas(l.W, l.H)
	if err != nil {
		return nil, err
	}
	final := i >= len(s.out)
	oy, ox := 0, 0
	if !final {
		oy, ox = i/wk.OutW, i%wk.OutW
	}
	c.Text(margin, margin, figure.Large, figure.TopLeft, color.Black, s.o.Title)
	k := wk.Kernel

	// The padded input, the taps under the window shaded.
	tap := map[image.Point]bool{}
	if !final {
		for ky := range k.H {
			for kx := range k.W {
				tap[image.Pt(ox*wk.StrideX+kx*wk.DilX, oy*wk.StrideY+ky*wk.DilY)] = true
			}
		}
	}
	inLabel := "padded input"
	if s.zeroInserted() {
		inLabel = "zero-inserted, padded input"
	}
	c.Text(float64(l.in.X), float64(l.in.Y-4), figure.Normal, figure.BottomLeft, color.Black,
		fmt.Sprintf("%s %dx%d", inLabel, wk.Input.H, wk.Input.W))
	small := cs < 22
	for y := range wk.Input.H {
		for x := range wk.Input.W {
			r := s.CellRect(y, x)
			fill := InputFill
			kind := wk.Cell(y, x, s.h, s.w)
			orig := kind == conv.CellInput
			switch kind {
			case conv.CellPad:
				fill = PadFill
			case conv.CellInserted:
				fill = ZeroFill
			}
			if tap[image.Pt(x, y)] {
				fill = TapFill
			}
			c.Fill(r, fill)
			if !small {
				col := color.Color(color.Black)
				if !orig {
					col = color.Gray{Y: 110}
				}
				c.Text(float64(r.Min.X+cs/2), float64(r.Min.Y+cs/2), figure.Small, figure.Center, col, short(s.plane[y*wk.Input.W+x]))
			}
		}
	}
	gridLines(c, l.in, wk.Input.H, wk.Input.W, cs)
	if !final {
		// The window's extent (a dilated window spans its gaps).
		y0, x0 := oy*wk.StrideY, ox*wk.StrideX
		ext := image.Rect(x0, y0, x0+(k.W-1)*wk.DilX+1, y0+(k.H-1)*wk.DilY+1)
		r := image.Rectangle{Min: l.in.Add(ext.Min.Mul(cs)), Max: l.in.Add(ext.Max.Mul(cs))}
		c.Rect(r.Inset(-1), Outline, 3)
	}

	// The kernel.
	kLabel := "kernel"
	if wk.Transposed {
		kLabel = "kernel, turned 180°"
	}
	if wk.DilY > 1 || wk.DilX > 1 {
		kLabel += fmt.Sprintf(", dilation %d,%d", wk.DilY, wk.DilX)
	}
	c.Text(float64(l.kern.X), float64(l.kern.Y-4), figure.Normal, figure.BottomLeft, color.Black, kLabel)
	for y := range k.H {
		for x := range k.W {
			p := l.kern.Add(image.Pt(x*cs, y*cs))
			r := image.Rectangle{Min: p, Max: p.Add(image.Pt(cs, cs))}
			c.Fill(r, TapFill)
			if !small {
				c.Text(float64(p.X+cs/2), float64(p.Y+cs/2), figure.Small, figure.Center, color.Black, short(k.Data[y*k.W+x]))
			}
		}
	}
	gridLines(c, l.kern, k.H, k.W, cs)

	// The output so far.
	c.Text(float64(l.outPos.X), float64(l.outPos.Y-4), figure.Normal, figure.BottomLeft, color.Black,
		fmt.Sprintf("output %dx%d", wk.OutH, wk.OutW))
	for j, v := range s.out {
		y, x := j/wk.OutW, j%wk.OutW
		r := s.OutputRect(y, x)
		switch {
		case final || j < i:
			c.Fill(r, DoneFill)
		case j == i:
			c.Fill(r, TapFill)
		default:
			c.Fill(r, PendFill)
			continue
		}
		if !small {
			c.Text(float64(r.Min.X+cs/2), float64(r.Min.Y+cs/2), figure.Small, figure.Center, color.Black, short(v))
		}
	}
	gridLines(c, l.outPos, wk.OutH, wk.OutW, cs)
	var foot string
	if final {
		foot = fmt.Sprintf("done: %d outputs, each the sum of window x kernel", len(s.out))
	} else {
		c.Rect(s.OutputRect(oy, ox).Inset(-1), Outline, 3)
		foot = fmt.Sprintf("output[%d][%d] = sum of window x kernel = %s", oy, ox, short(s.out[i]))
	}
	c.Text(margin, float64(l.textY), figure.Normal, figure.TopLeft, color.Black, foot)
	c.Text(margin, float64(l.textY+18), figure.Small, figure.TopLeft, color.Gray{Y: 90},
		s.strideNote())
	return c, nil
}

// zeroInserted reports a transposed convolution with zeros between
// samples (stride 1 inserts none).
func (s *Slide) zeroInserted() bool { return s.walk.StepY > 1 || s.walk.StepX > 1 }

func gridLines(c *figure.Canvas, at image.Point, h, w, cs int) {
	for y := 0; y <= h; y++ {
		yy := float64(at.Y + y*cs)
		c.Line(GridColour, 1, float64(at.X), yy, float64(at.X+w*cs), yy)
	}
	for x := 0; x <= w; x++ {
		xx := float64(at.X + x*cs)
		c.Line(GridColour, 1, xx, float64(at.Y), xx, float64(at.Y+h*cs))
	}
}

// GIF draws every frame into an animated GIF that loops; the last frame
// stays three times as long.
func (s *Slide) GIF() (*gif.GIF, error) {
	delay := s.o.Delay
	if delay <= 0 {
		delay = 60
	}
	g := &gif.GIF{}
	for i := range s.Frames() {
		c, err := s.Frame(i)
		if err != nil {
			return nil, err
		}
		pm := paletted(c.Image())
		d := delay
		if i == s.Frames()-1 {
			d *= 3
		}
		g.Image = append(g.Image, pm)
		g.Delay = append(g.Delay, d)
	}
	return g, nil
}

func (s *Slide) strideNote() string {
	wk := s.walk
	if wk.Transposed && wk.StepY == 1 && wk.StepX == 1 {
		return "transposed, stride 1: an ordinary convolution of the input padded by d(k-1)-p zeros, with the kernel turned"
	}
	if wk.Transposed {
		return fmt.Sprintf("as an ordinary convolution: stride 1; the transposed stride %d,%d became the %d,%d zeros inserted between samples",
			wk.StepY, wk.StepX, wk.StepY-1, wk.StepX-1)
	}
	return fmt.Sprintf("stride %d,%d: the window moves %d column(s) a step, and %d row(s) down at the end of a line",
		wk.StrideY, wk.StrideX, wk.StrideX, wk.StrideY)
}

// paletted converts a frame to 256 colours: the most frequent ones kept
// exactly (the flat fills), every other colour (anti-aliased text edges)
// mapped to its nearest kept colour.
func paletted(src *image.RGBA) *image.Paletted {
	count := map[color.RGBA]int{}
	for i := 0; i+3 < len(src.Pix); i += 4 {
		count[color.RGBA{src.Pix[i], src.Pix[i+1], src.Pix[i+2], 255}]++
	}
	cols := make([]color.RGBA, 0, len(count))
	for c := range count {
		cols = append(cols, c)
	}
	sort.Slice(cols, func(i, j int) bool {
		if count[cols[i]] != count[cols[j]] {
			return count[cols[i]] > count[cols[j]]
		}
		a, b := cols[i], cols[j]
		return uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B) < uint32(b.R)<<16|uint32(b.G)<<8|uint32(b.B)
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range cols[:min(len(cols), 256)] {
		pal = append(pal, c)
	}
	index := make(map[color.RGBA]uint8, len(cols))
	for _, c := range cols {
		index[c] = uint8(pal.Index(c))
	}
	pm := image.NewPaletted(src.Rect, pal)
	for i, j := 0, 0; i+3 < len(src.Pix); i, j = i+4, j+1 {
		pm.Pix[j] = index[color.RGBA{src.Pix[i], src.Pix[i+1], src.Pix[i+2], 255}]
	}
	return pm
}

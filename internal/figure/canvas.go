package figure

import (
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/convtool/convtool/internal/tensor"
)

// Canvas is a white RGBA picture of W×H pixels addressed with y down, on
// which gonum/plot draws text, lines and colour bars (at 72 dpi, so one
// point is one pixel) and Cells paints sampled data directly.
type Canvas struct {
	W, H int
	dc   draw.Canvas
	img  *image.RGBA   // nil for a vector (SVG) canvas
	svg  *vgsvg.Canvas // nil for a raster canvas
}

// MaxSide bounds a picture's width and height, so that a huge tensor is
// refused rather than drawn into gigabytes.
const MaxSide = 16384

// NewCanvas returns a white w×h canvas.
func NewCanvas(w, h int) (*Canvas, error) {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("a %dx%d picture is outside 1..%d pixels a side", w, h, MaxSide)
	}
	vc := vgimg.NewWith(vgimg.UseWH(vg.Length(w), vg.Length(h)), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))
	img, ok := vc.Image().(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("vgimg drew into a %T, not an RGBA image", vc.Image())
	}
	return &Canvas{W: w, H: h, dc: draw.New(vc), img: img}, nil
}

// NewSVGCanvas returns a w×h vector canvas (one point per pixel unit) for
// drawings written as SVG; Image is nil on it.
func NewSVGCanvas(w, h int) (*Canvas, error) {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("a %dx%d picture is outside 1..%d pixels a side", w, h, MaxSide)
	}
	sc := vgsvg.New(vg.Length(w), vg.Length(h))
	c := &Canvas{W: w, H: h, dc: draw.New(sc), svg: sc}
	c.Fill(image.Rect(0, 0, w, h), color.White)
	return c, nil
}

// WriteSVG writes a vector canvas as SVG.
func (c *Canvas) WriteSVG(w io.Writer) error {
	if c.svg == nil {
		return fmt.Errorf("figure: not a vector canvas")
	}
	_, err := c.svg.WriteTo(w)
	return err
}

// Image returns the picture (shared, not copied); nil for a vector canvas.
func (c *Canvas) Image() *image.RGBA { return c.img }

// pt turns pixel coordinates (y down) into the canvas's points (y up).
func (c *Canvas) pt(x, y float64) vg.Point {
	return vg.Point{X: vg.Length(x), Y: vg.Length(float64(c.H) - y)}
}

// Font sizes in pixels.
const (
	Small  = 10.0
	Normal = 12.0
	Large  = 14.0
)

// Align places text relative to its anchor point.
type Align struct {
	X text.XAlignment
	Y text.YAlignment
}

// Common anchors: the point is the text's top-left corner, its centre, …
var (
	TopLeft     = Align{text.XLeft, text.YTop}
	TopCenter   = Align{text.XCenter, text.YTop}
	TopRight    = Align{text.XRight, text.YTop}
	Center      = Align{text.XCenter, text.YCenter}
	CenterLeft  = Align{text.XLeft, text.YCenter}
	CenterRight = Align{text.XRight, text.YCenter}
	BottomLeft  = Align{text.XLeft, text.YBottom}
)

func textStyle(size float64, col color.Color, a Align) draw.TextStyle {
	return draw.TextStyle{
		Color:   col,
		Font:    font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, font.Length(size)),
		XAlign:  a.X,
		YAlign:  a.Y,
		Handler: plot.DefaultTextHandler,
	}
}

// Text writes s at (x, y) in the given size (pixels) and colour.
func (c *Canvas) Text(x, y, size float64, a Align, col color.Color, s string) {
	c.dc.FillText(textStyle(size, col, a), c.pt(x, y), s)
}

// TextVertical writes s turned 90° anticlockwise, centred on (x, y).
func (c *Canvas) TextVertical(x, y, size float64, col color.Color, s string) {
	st := textStyle(size, col, Center)
	st.Rotation = math.Pi / 2
	c.dc.FillText(st, c.pt(x, y), s)
}

// TextWidth is the width in pixels of s at the given size.
func TextWidth(size float64, s string) float64 {
	return float64(textStyle(size, color.Black, TopLeft).Width(s))
}

// Line strokes a polyline through the pixel points xy (x0, y0, x1, y1, …).
func (c *Canvas) Line(col color.Color, width float64, xy ...float64) {
	pts := make([]vg.Point, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, c.pt(xy[i], xy[i+1]))
	}
	c.dc.StrokeLines(draw.LineStyle{Color: col, Width: vg.Length(width)}, pts)
}

// Dashed strokes a dashed polyline.
func (c *Canvas) Dashed(col color.Color, width float64, xy ...float64) {
	pts := make([]vg.Point, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, c.pt(xy[i], xy[i+1]))
	}
	c.dc.StrokeLines(draw.LineStyle{Color: col, Width: vg.Length(width), Dashes: []vg.Length{4, 3}}, pts)
}

// Rect strokes the outline of the pixel rectangle r (its edges drawn on
// the pixel centres just inside r).
func (c *Canvas) Rect(r image.Rectangle, col color.Color, width float64) {
	x0, y0 := float64(r.Min.X)+0.5, float64(r.Min.Y)+0.5
	x1, y1 := float64(r.Max.X)-0.5, float64(r.Max.Y)-0.5
	c.Line(col, width, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
}

// Polygon fills the polygon through the pixel points xy.
func (c *Canvas) Polygon(col color.Color, xy ...float64) {
	pts := make([]vg.Point, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		pts = append(pts, c.pt(xy[i], xy[i+1]))
	}
	c.dc.FillPolygon(col, pts)
}

// Fill paints the pixel rectangle r in col, exactly (no anti-aliasing).
func (c *Canvas) Fill(r image.Rectangle, col color.Color) {
	if c.img == nil {
		x0, y0, x1, y1 := float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
		c.Polygon(col, x0, y0, x1, y0, x1, y1, x0, y1)
		return
	}
	stddraw.Draw(c.img, r.Intersect(c.img.Rect), &image.Uniform{C: col}, image.Point{}, stddraw.Src)
}

// Cells paints an h×w grid of cells into r, nearest-neighbour: pixel
// (px, py) of r shows cell (py·h/r.Dy(), px·w/r.Dx()), coloured by at.
// Painting is exact, so a test can read a cell's colour back.
func (c *Canvas) Cells(r image.Rectangle, h, w int, at func(y, x int) color.RGBA) {
	if c.img == nil {
		for y := range h {
			for x := range w {
				c.Fill(image.Rect(r.Min.X+x*r.Dx()/w, r.Min.Y+y*r.Dy()/h, r.Min.X+(x+1)*r.Dx()/w, r.Min.Y+(y+1)*r.Dy()/h), at(y, x))
			}
		}
		return
	}
	r = r.Intersect(c.img.Rect)
	rows := make([]int, r.Dy())
	for py := range rows {
		rows[py] = py * h / r.Dy()
	}
	cols := make([]int, r.Dx())
	for px := range cols {
		cols[px] = px * w / r.Dx()
	}
	for py, y := range rows {
		off := c.img.PixOffset(r.Min.X, r.Min.Y+py)
		for px, x := range cols {
			col := at(y, x)
			p := c.img.Pix[off+4*px : off+4*px+4 : off+4*px+4]
			p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 255
		}
	}
}

// ColorBar draws m as a vertical colour bar with a labelled value axis in
// r (the axis's ticks and label take the left part of r).
func (c *Canvas) ColorBar(r image.Rectangle, m *Map, label string) {
	p := plot.New()
	p.HideX()
	p.Y.Label.Text = label
	p.Y.Label.TextStyle.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, Normal)
	p.Y.Tick.Label.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, Small)
	p.Add(&plotter.ColorBar{ColorMap: m.ColorMap(), Vertical: true})
	p.Y.Min, p.Y.Max = m.Lo, m.Hi
	c.Plot(r, p)
}

// Plot draws a gonum plot (axes, labels and plotters) in the pixel
// rectangle r.
func (c *Canvas) Plot(r image.Rectangle, p *plot.Plot) { p.Draw(c.sub(r)) }

// DataRect returns the pixel rectangle where p, drawn in r, puts its data
// area (inside its axes), rounded inwards.
func (c *Canvas) DataRect(r image.Rectangle, p *plot.Plot) image.Rectangle {
	d := p.DataCanvas(c.sub(r))
	return image.Rect(int(math.Ceil(float64(d.Min.X))), int(math.Ceil(float64(c.H)-float64(d.Max.Y))),
		int(math.Floor(float64(d.Max.X))), int(math.Floor(float64(c.H)-float64(d.Min.Y))))
}

func (c *Canvas) sub(r image.Rectangle) draw.Canvas {
	return draw.Canvas{Canvas: c.dc.Canvas, Rectangle: vg.Rectangle{
		Min: c.pt(float64(r.Min.X), float64(r.Max.Y)),
		Max: c.pt(float64(r.Max.X), float64(r.Min.Y)),
	}}
}

// SansFont is the font of every label: Liberation Sans at size pixels.
func SansFont(size float64) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, font.Length(size))
}

// Tensor returns the picture as a 3×H×W tensor of 0…255 samples, the form
// tensorio writes (atomically) as an 8-bit RGB image.
func (c *Canvas) Tensor() *tensor.Tensor { return FromImage(c.img) }

// FromImage converts an image to a 3×H×W tensor of 0…255 samples.
func FromImage(m image.Image) *tensor.Tensor {
	b := m.Bounds()
	t := tensor.New(3, b.Dy(), b.Dx())
	r, g, bl := t.Plane(0), t.Plane(1), t.Plane(2)
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			cr, cg, cb, _ := m.At(x, y).RGBA()
			r[i], g[i], bl[i] = float32(cr>>8), float32(cg>>8), float32(cb>>8)
			i++
		}
	}
	return t
}

// ToImage draws the first three channels of t (or the one grey channel)
// as an RGBA image, each sample divided by top (255 for 8-bit samples)
// and clamped.
func ToImage(t *tensor.Tensor, top float64) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, t.W, t.H))
	q := func(v float32) uint8 {
		f := math.Round(float64(v) / top * 255)
		if !(f > 0) {
			return 0
		}
		return uint8(min(f, 255))
	}
	for y := range t.H {
		for x := range t.W {
			var r, g, b uint8
			if t.C >= 3 {
				r, g, b = q(t.At(0, y, x)), q(t.At(1, y, x)), q(t.At(2, y, x))
			} else {
				r = q(t.At(0, y, x))
				g, b = r, r
			}
			m.SetRGBA(x, y, color.RGBA{R: r, G: g, B: b, A: 255})
		}
	}
	return m
}

// Num formats v for a label: 4 significant digits, no "-0".
func Num(v float64) string {
	if v == 0 || math.Abs(v) < 1e-12 {
		return "0"
	}
	return fmt.Sprintf("%.4g", v)
}

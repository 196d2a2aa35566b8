package specplot

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/kernel"
)

// Options say what is drawn around a spectrum.
type Options struct {
	Title string
	// BarLabel names the values ("log(1+|F|)", "gain |H|").
	BarLabel string
	// Rings are filter radii, in frequency bins, drawn as circles.
	Rings []float64
	// Contour, if > 0, draws the level line of the values at Contour (a
	// response's half-gain outline).
	Contour float64
	// Kernel, if set, is drawn to the left with its own colour bar.
	Kernel *kernel.Kernel
}

// OutlineColour is the colour of rings and contours.
var OutlineColour = color.RGBA{0, 230, 255, 255}

// Picture is a drawn spectrum and where its plot's data area lies.
type Picture struct {
	Canvas *figure.Canvas
	// Data is the pixel rectangle of the spectrum's samples.
	Data image.Rectangle
}

// grid is the spectrum as gonum's GridXYZ: column c is v = c − W/2, row r
// counts up from the bottom (y = H/2 − u, u = h−1−r).
type grid struct {
	v    []float32
	h, w int
}

func (g grid) Dims() (int, int)   { return g.w, g.h }
func (g grid) Z(c, r int) float64 { return float64(g.v[(g.h-1-r)*g.w+c]) }
func (g grid) X(c int) float64    { return float64(c - g.w/2) }
func (g grid) Y(r int) float64    { return float64(g.h/2 - (g.h - 1 - r)) }
func (g grid) extent() [4]float64 { // xmin, ymin, xmax, ymax
	return [4]float64{-float64(g.w/2) - 0.5, float64(g.h/2-(g.h-1)) - 0.5, float64(g.w-1-g.w/2) + 0.5, float64(g.h/2) + 0.5}
}

const (
	margin = 16
	titleH = 30
	barW   = 90
	side   = 420 // the spectrum's data area, longer side
	axisL  = 56  // room for the y axis ticks and label
	axisB  = 44  // room for the x axis
)

// Draw draws the h×w centred values v (row-major).
func Draw(v []float32, h, w int, o Options) (*Picture, error) {
	if h < 1 || w < 1 || len(v) != h*w {
		return nil, fmt.Errorf("specplot: %d values for %dx%d", len(v), h, w)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if f := float64(x); !math.IsNaN(f) {
			lo, hi = min(lo, f), max(hi, f)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	cm := figure.Sequential(lo, hi)

	// The data area keeps the spectrum's aspect (one bin is square).
	dw, dh := side, side
	if w > h {
		dh = max(40, side*h/w)
	} else {
		dw = max(40, side*w/h)
	}
	left := margin
	var kernW int
	if o.Kernel != nil {
		kernW = 300
		left += kernW
	}
	W := max(left+axisL+dw+24+barW+margin, int(figure.TextWidth(figure.Large, o.Title))+2*margin)
	H := margin + titleH + max(dh, 200) + axisB + margin
	c, err := figure.NewCanvas(W, H)
	if err != nil {
		return nil, err
	}
	c.Text(margin, margin, figure.Large, figure.TopLeft, color.Black, o.Title)
	top := margin + titleH

	g := grid{v: v, h: h, w: w}
	e := g.extent()
	p := plot.New()
	p.X.Label.Text = "v − W/2 (bins)"
	p.Y.Label.Text = "H/2 − u (bins)"
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = figure.SansFont(figure.Normal)
		a.Tick.Label.Font = figure.SansFont(figure.Small)
		a.Tick.Marker = intTicks{}
		a.Padding = 0 // the data area is exactly the plot's inner box
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = e[0], e[2], e[1], e[3]
	plotRect := image.Rect(left, top, left+axisL+dw, top+dh+axisB)
	data := c.DataRect(plotRect, p)
	// Painted at the data area's own size (nearest bin), so that the plot
	// draws it 1:1 and every bin stays a crisp block; added first, so the
	// outlines go over it.
	img := image.NewRGBA(image.Rect(0, 0, data.Dx(), data.Dy()))
	for py := range data.Dy() {
		y := py * h / data.Dy()
		for px := range data.Dx() {
			img.SetRGBA(px, py, cm.At(float64(v[y*w+px*w/data.Dx()])))
		}
	}
	p.Add(plotter.NewImage(img, e[0], e[1], e[2], e[3]))
	// Each outline is a dark line under a dashed bright one, so it shows
	// on dark and bright bins alike.
	halo := draw.LineStyle{Color: color.RGBA{0, 0, 0, 160}, Width: vg.Length(3)}
	outline := draw.LineStyle{Color: OutlineColour, Width: vg.Length(1.5), Dashes: []vg.Length{5, 3}}
	for _, r := range o.Rings {
		pts := make(plotter.XYs, 181)
		for i := range pts {
			a := 2 * math.Pi * float64(i) / 180
			pts[i].X, pts[i].Y = r*math.Cos(a), r*math.Sin(a)
		}
		for _, st := range []draw.LineStyle{halo, outline} {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.LineStyle = st
			p.Add(l)
		}
	}
	if o.Contour > 0 && h > 1 && w > 1 {
		for _, st := range []draw.LineStyle{halo, outline} {
			ct := plotter.NewContour(g, []float64{o.Contour}, palette.Heat(1, 1))
			ct.LineStyles = []draw.LineStyle{st}
			ct.Palette = nil
			p.Add(ct)
		}
	}
	c.Plot(plotRect, p)
	bar := image.Rect(plotRect.Max.X+24, top, plotRect.Max.X+24+barW, top+max(dh, 200))
	c.ColorBar(bar, cm, o.BarLabel)
	pic := &Picture{Canvas: c, Data: data}

	if o.Kernel != nil {
		drawKernel(c, o.Kernel, image.Rect(margin, top, margin+kernW-24, top+max(dh, 200)))
	}
	return pic, nil
}

// drawKernel paints k's cells on a diverging map in r with its colour bar
// and, when the cells are large enough, their values.
func drawKernel(c *figure.Canvas, k *kernel.Kernel, r image.Rectangle) {
	var m float64
	for _, x := range k.Data {
		m = max(m, math.Abs(float64(x)))
	}
	cm := figure.Diverging(m)
	avail := min(r.Dx()-70, r.Dy()-20)
	cs := max(1, avail/max(k.H, k.W))
	cells := image.Rect(r.Min.X, r.Min.Y+18, r.Min.X+cs*k.W, r.Min.Y+18+cs*k.H)
	c.Text(float64(r.Min.X), float64(r.Min.Y), figure.Normal, figure.TopLeft, color.Black, fmt.Sprintf("kernel %dx%d", k.H, k.W))
	c.Cells(cells, k.H, k.W, func(y, x int) color.RGBA { return cm.At(float64(k.Data[y*k.W+x])) })
	c.Rect(cells.Inset(-1), color.Gray{Y: 150}, 1)
	if cs >= 26 {
		for y := range k.H {
			for x := range k.W {
				c.Text(float64(cells.Min.X+x*cs+cs/2), float64(cells.Min.Y+y*cs+cs/2), figure.Small, figure.Center, color.Black,
					figure.Num(float64(k.Data[y*k.W+x])))
			}
		}
	}
	c.ColorBar(image.Rect(cells.Max.X+6, cells.Min.Y, cells.Max.X+6+64, cells.Max.Y), cm, "")
}

// intTicks label whole bins only: a step of 1, 2 or 5 times a power of
// ten (at least 1) giving about five labels, zero among them.
type intTicks struct{}

func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	raw := math.Max((hi-lo)/5, 1)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{2, 5, 10} {
		if step >= raw {
			break
		}
		step = m * mag
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
	}
	return ts
}

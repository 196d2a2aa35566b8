package rfbox

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// Box is an input region: rows Y0..Y1 and columns X0..X1, inclusive, in
// input pixels (negative or past the input where it covers padding).
type Box struct {
	Y0, Y1, X0, X1 float64
}

// String renders "rows 3..13, columns -2..8".
func (b Box) String() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	return fmt.Sprintf("rows %s..%s, columns %s..%s", f(b.Y0), f(b.Y1), f(b.X0), f(b.X1))
}

// FindLayer returns the index of the layer named name, or of the row
// number name (as `shape net` numbers them).
func FindLayer(res *shape.NetResult, name string) (int, error) {
	for i, l := range res.Layers {
		if l.Layer.Name == name {
			return i, nil
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(res.Layers) {
		return i, nil
	}
	names := make([]string, 0, 6)
	for _, l := range res.Layers[:min(6, len(res.Layers))] {
		names = append(names, l.Layer.Name)
	}
	return 0, fmt.Errorf("%s has no layer %q (names such as %s…, or row numbers 0..%d)", res.Name, name, strings.Join(names, ", "), len(res.Layers)-1)
}

// Of returns the box of input pixels that output (y, x) of layer i
// depends on. It refuses positions outside the layer's output and layers
// after a transposed convolution, where one output depends on a lattice
// of inputs rather than a box.
func Of(res *shape.NetResult, i, y, x int) (Box, error) {
	if i < 0 || i >= len(res.Layers) {
		return Box{}, fmt.Errorf("layer %d: the network has %d", i, len(res.Layers))
	}
	out := res.Layers[i].Out
	if y < 0 || x < 0 || y >= out.H || x >= out.W {
		return Box{}, fmt.Errorf("%s: position %d,%d is outside its %dx%d output", res.Layers[i].Layer.Name, y, x, out.H, out.W)
	}
	// start[j] is the first input row/column of output 0 of layer j.
	type geo struct{ sy, sx float64 }
	start := make([]geo, i+1)
	byName := map[string]int{}
	for j := 0; j <= i; j++ {
		l := res.Layers[j]
		src := j - 1
		if l.Layer.From != "" {
			src = byName[l.Layer.From]
		}
		byName[l.Layer.Name] = j
		if j == 0 {
			continue
		}
		prev := res.Layers[src]
		st := start[src]
		switch l.Layer.Kind {
		case shape.ConvT:
			return Box{}, fmt.Errorf("%s: after a transposed convolution an output depends on a lattice of inputs, not a box", l.Layer.Name)
		case shape.Add:
			o := start[byName[l.Layer.Ref]]
			st = geo{math.Min(st.sy, o.sy), math.Min(st.sx, o.sx)}
		default:
			if g := l.Geom; g != nil {
				st.sy -= float64(g.PadLo.H) * prev.Jump.H
				st.sx -= float64(g.PadLo.W) * prev.Jump.W
			}
		}
		start[j] = st
	}
	l := res.Layers[i]
	y0 := start[i].sy + float64(y)*l.Jump.H
	x0 := start[i].sx + float64(x)*l.Jump.W
	return Box{Y0: y0, Y1: y0 + l.RF.H - 1, X0: x0, X1: x0 + l.RF.W - 1}, nil
}

// Colours of the drawing.
var (
	BoxColour    = color.RGBA{230, 30, 30, 255}
	CentreColour = color.RGBA{255, 230, 0, 255}
)

// Draw draws img (an image tensor with samples 0..top) with the box over
// it; the canvas extends past the picture where the box reaches into the
// padding, which is shown grey.
func Draw(img *tensor.Tensor, top float64, b Box, title, caption string) (*figure.Canvas, error) {
	const margin, titleH, footH, maxPad = 16, 28, 40, 240
	padT := int(math.Min(maxPad, math.Max(0, -b.Y0)))
	padL := int(math.Min(maxPad, math.Max(0, -b.X0)))
	padB := int(math.Min(maxPad, math.Max(0, b.Y1+1-float64(img.H))))
	padR := int(math.Min(maxPad, math.Max(0, b.X1+1-float64(img.W))))
	W := max(margin+padL+img.W+padR+margin, 420)
	H := margin + titleH + padT + img.H + padB + footH
	c, err := figure.NewCanvas(W, H)
	if err != nil {
		return nil, err
	}
	ox, oy := margin+padL, margin+titleH+padT
	c.Text(margin, margin, figure.Large, figure.TopLeft, color.Black, title)
	if padT+padL+padB+padR > 0 {
		c.Fill(image.Rect(ox-padL, oy-padT, ox+img.W+padR, oy+img.H+padB), color.RGBA{215, 215, 215, 255})
		c.Text(float64(ox-padL+3), float64(oy-padT+2), figure.Small, figure.TopLeft, color.Gray{Y: 80}, "padding")
	}
	m := figure.ToImage(img, top)
	c.Cells(image.Rect(ox, oy, ox+img.W, oy+img.H), img.H, img.W, func(y, x int) color.RGBA { return m.RGBAAt(x, y) })
	// The box: pixel row r covers [r, r+1), so rows Y0..Y1 span Y0..Y1+1.
	clip := func(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
	x0 := clip(float64(ox)+b.X0, float64(ox-padL), float64(ox+img.W+padR))
	x1 := clip(float64(ox)+b.X1+1, float64(ox-padL), float64(ox+img.W+padR))
	y0 := clip(float64(oy)+b.Y0, float64(oy-padT), float64(oy+img.H+padB))
	y1 := clip(float64(oy)+b.Y1+1, float64(oy-padT), float64(oy+img.H+padB))
	c.Line(color.White, 4, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	c.Line(BoxColour, 2, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	cx, cy := float64(ox)+(b.X0+b.X1+1)/2, float64(oy)+(b.Y0+b.Y1+1)/2
	c.Line(CentreColour, 2, cx-6, cy, cx+6, cy)
	c.Line(CentreColour, 2, cx, cy-6, cx, cy+6)
	c.Text(margin, float64(H-footH+8), figure.Normal, figure.TopLeft, color.Black, caption)
	return c, nil
}

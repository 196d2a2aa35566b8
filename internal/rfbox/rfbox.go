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
// SeenH and SeenW count the rows and columns inside it that reach the
// output: Y1−Y0+1 and X1−X0+1 unless dilated layers leave gridding holes.
type Box struct {
	Y0, Y1, X0, X1 int
	SeenH, SeenW   int
}

// Holes reports whether some rows or columns inside the box reach no
// output (gridding).
func (b Box) Holes() bool { return b.SeenH < b.Y1-b.Y0+1 || b.SeenW < b.X1-b.X0+1 }

// String renders "rows 3..13, columns -2..8" and, with holes, how many
// of them reach the output.
func (b Box) String() string {
	s := fmt.Sprintf("rows %d..%d, columns %d..%d", b.Y0, b.Y1, b.X0, b.X1)
	if b.Holes() {
		s += fmt.Sprintf(" (only %d of the %d rows and %d of the %d columns reach it: gridding holes)",
			b.SeenH, b.Y1-b.Y0+1, b.SeenW, b.X1-b.X0+1)
	}
	return s
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
// depends on, exactly as shape's walk computes it (borders ignored: the
// box reaches into the padding). It refuses positions outside the
// layer's output, layers whose geometry the walk stopped tracking, and
// outputs that no input reaches (a transposed convolution with a kernel
// smaller than its stride leaves such rows).
func Of(res *shape.NetResult, i, y, x int) (Box, error) {
	if i < 0 || i >= len(res.Layers) {
		return Box{}, fmt.Errorf("layer %d: the network has %d", i, len(res.Layers))
	}
	l := res.Layers[i]
	out := l.Out
	if y < 0 || x < 0 || y >= out.H || x >= out.W {
		return Box{}, fmt.Errorf("%s: position %d,%d is outside its %dx%d output", l.Layer.Name, y, x, out.H, out.W)
	}
	if l.GeomH == nil || l.GeomW == nil {
		return Box{}, fmt.Errorf("%s: the walk did not track this layer's receptive field (its geometry's period grew too long)", l.Layer.Name)
	}
	h, w := l.GeomH.At(y), l.GeomW.At(x)
	if h.Seen == 0 || w.Seen == 0 {
		return Box{}, fmt.Errorf("%s: no input reaches output %d,%d (a transposed convolution's kernel smaller than its stride leaves it empty)", l.Layer.Name, y, x)
	}
	return Box{Y0: h.Lo, Y1: h.Hi, X0: w.Lo, X1: w.Hi, SeenH: h.Seen, SeenW: w.Seen}, nil
}

// Misaligned returns the walk's warnings about the joins (add, mul,
// concat) that layer i depends on whose operands' fields are not centred
// on the same input pixel or drift apart: there the box is the union of
// fields that do not line up.
func Misaligned(res *shape.NetResult, i int) []string {
	// reads[j]: the layers j reads, resolved as the walk resolves names
	// (the latest earlier layer of that name).
	reads := make([][]int, i+1)
	byName := map[string]int{}
	for j, l := range res.Layers[:i+1] {
		for _, in := range l.Inputs {
			if k, ok := byName[in]; ok {
				reads[j] = append(reads[j], k)
			}
		}
		byName[l.Layer.Name] = j
	}
	need := make([]bool, i+1)
	need[i] = true
	for j := i; j >= 0; j-- {
		if need[j] {
			for _, k := range reads[j] {
				need[k] = true
			}
		}
	}
	var out []string
	for j, l := range res.Layers[:i+1] {
		if !need[j] {
			continue
		}
		for _, w := range l.Warnings {
			if strings.Contains(w, "misaligned") || strings.Contains(w, "drift apart") {
				out = append(out, l.Layer.Name+": "+w)
			}
		}
	}
	return out
}

// Colours of the drawing.
var (
	BoxColour    = color.RGBA{230, 30, 30, 255}
	CentreColour = color.RGBA{255, 230, 0, 255}
)

// Draw draws img (an image tensor with samples 0..top) with the box over
// it; the canvas extends past the picture where the box reaches into the
// padding, which is shown grey. A box with gridding holes is drawn
// dashed. Each caption line is written under the picture.
func Draw(img *tensor.Tensor, top float64, b Box, title string, caption []string) (*figure.Canvas, error) {
	const margin, titleH, lineH, maxPad = 16, 28, 18, 240
	footH := 22 + lineH*len(caption)
	padT := min(maxPad, max(0, -b.Y0))
	padL := min(maxPad, max(0, -b.X0))
	padB := min(maxPad, max(0, b.Y1+1-img.H))
	padR := min(maxPad, max(0, b.X1+1-img.W))
	wide := 0.0
	for _, s := range append([]string{title}, caption...) {
		wide = math.Max(wide, figure.TextWidth(figure.Normal, s))
	}
	W := max(margin+padL+img.W+padR+margin, 420, min(int(wide)+2*margin, 1400))
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
	clip := func(v, lo, hi int) float64 { return float64(max(lo, min(hi, v))) }
	x0 := clip(ox+b.X0, ox-padL, ox+img.W+padR)
	x1 := clip(ox+b.X1+1, ox-padL, ox+img.W+padR)
	y0 := clip(oy+b.Y0, oy-padT, oy+img.H+padB)
	y1 := clip(oy+b.Y1+1, oy-padT, oy+img.H+padB)
	c.Line(color.White, 4, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	if b.Holes() {
		c.Dashed(BoxColour, 2, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	} else {
		c.Line(BoxColour, 2, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	}
	cx, cy := float64(ox)+float64(b.X0+b.X1+1)/2, float64(oy)+float64(b.Y0+b.Y1+1)/2
	c.Line(CentreColour, 2, cx-6, cy, cx+6, cy)
	c.Line(CentreColour, 2, cx, cy-6, cx, cy+6)
	for k, s := range caption {
		c.Text(margin, float64(H-footH+8+k*lineH), figure.Normal, figure.TopLeft, color.Black, s)
	}
	return c, nil
}

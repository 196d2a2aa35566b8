package netplot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/shape"
)

// Node is one drawn box (or an add's circle).
type Node struct {
	// Layer is the index in NetResult.Layers.
	Layer int
	// Front is the box's front face; the depth recedes up and right by
	// Depth pixels on each axis.
	Front image.Rectangle
	Depth int
}

// Edge joins two nodes (indices into Plot.Nodes).
type Edge struct {
	From, To int
	// Skip is set for an edge that does not join neighbours: a branch
	// from an earlier layer or a residual add's second operand.
	Skip bool
	// Residual is set for an add's second operand.
	Residual bool
}

// Plot is a laid-out network drawing.
type Plot struct {
	Nodes []Node
	Edges []Edge
	W, H  int
	res   *shape.NetResult
	baseY int
	top   int
	level []int // per skip edge: its height above the boxes
}

// drawn reports whether a layer gets its own box.
func drawn(k shape.Kind) bool {
	switch k {
	case shape.Input, shape.Conv, shape.DWConv, shape.ConvT, shape.MaxPool, shape.AvgPool,
		shape.AdaptAvg, shape.AdaptMax, shape.GAP, shape.FC, shape.Add:
		return true
	}
	return false
}

const (
	margin  = 20
	gap     = 22
	titleH  = 40
	minSide = 10
	maxSide = 170
	levelH  = 12
)

// Layout places the boxes and edges of res.
func Layout(res *shape.NetResult) (*Plot, error) {
	if res == nil || len(res.Layers) == 0 {
		return nil, fmt.Errorf("netplot: no layers")
	}
	byName := map[string]int{}
	rep := make([]int, len(res.Layers)) // the node showing each layer's output
	pl := &Plot{res: res}
	maxH, maxW := 1, 1
	for _, l := range res.Layers {
		maxH, maxW = max(maxH, l.Out.H), max(maxW, l.Out.W)
	}
	side := func(n, m int) int {
		return minSide + int(math.Round(float64(maxSide-minSide)*math.Sqrt(float64(n)/float64(m))))
	}
	x := margin
	tallest := 0
	for i, l := range res.Layers {
		src := i - 1
		if l.Layer.From != "" {
			src = byName[l.Layer.From]
		}
		if !drawn(l.Layer.Kind) {
			if i == 0 {
				return nil, fmt.Errorf("netplot: the first layer is not an input")
			}
			rep[i] = rep[src]
			byName[l.Layer.Name] = i
			continue
		}
		n := Node{Layer: i}
		var w, h int
		switch l.Layer.Kind {
		case shape.Add:
			w, h = 18, 18
		case shape.FC:
			// A vector: a thin bar whose height follows its length.
			w, h = 6, minSide+int(math.Round(float64(maxSide-minSide)*math.Log2(float64(1+l.Out.C))/math.Log2(float64(1+max(l.Out.C, 4096)))))
		default:
			w = 3 + int(math.Round(3*math.Log2(float64(1+l.Out.C))))
			h = side(l.Out.H, maxH)
			n.Depth = int(math.Round(0.35 * float64(side(l.Out.W, maxW))))
		}
		n.Front = image.Rect(x, -h/2, x+w, h-h/2)
		tallest = max(tallest, h+2*n.Depth)
		x += w + n.Depth + gap
		pl.Nodes = append(pl.Nodes, n)
		me := len(pl.Nodes) - 1
		rep[i] = me
		byName[l.Layer.Name] = i
		if i > 0 {
			from := rep[src]
			pl.Edges = append(pl.Edges, Edge{From: from, To: me, Skip: from != me-1})
		}
		if l.Layer.Kind == shape.Add {
			pl.Edges = append(pl.Edges, Edge{From: rep[byName[l.Layer.Ref]], To: me, Skip: true, Residual: true})
		}
	}
	// Skip edges stack in levels so that overlapping spans do not share one.
	var busy [][2]int
	levels := 0
	for _, e := range pl.Edges {
		if !e.Skip {
			pl.level = append(pl.level, 0)
			continue
		}
		lv := 0
		for ; ; lv++ {
			free := true
			for _, b := range busy {
				if b[0] == lv && b[1] >= e.From && b[1] <= e.To {
					free = false
					break
				}
			}
			if free {
				break
			}
		}
		for k := e.From; k <= e.To; k++ {
			busy = append(busy, [2]int{lv, k})
		}
		pl.level = append(pl.level, lv+1)
		levels = max(levels, lv+1)
	}
	pl.top = margin + titleH + levels*levelH
	pl.baseY = pl.top + tallest/2 + 8
	// The labels under the boxes are written upright, turned 90°.
	longest := 0.0
	for _, n := range pl.Nodes {
		longest = max(longest, figure.TextWidth(figure.Small, label(res.Layers[n.Layer])))
	}
	for i := range pl.Nodes {
		pl.Nodes[i].Front = pl.Nodes[i].Front.Add(image.Pt(0, pl.baseY))
	}
	pl.W = max(x-gap+margin, 420)
	pl.H = pl.labelTop() + int(longest) + margin
	return pl, nil
}

// label is what is written under a layer's box.
func label(l shape.LayerInfo) string {
	name := l.Layer.Name
	if name == "" {
		name = string(l.Layer.Kind)
	}
	return fmt.Sprintf("%s %s", name, l.Out)
}

// Face colours by kind.
func faceColour(k shape.Kind) color.RGBA {
	switch k {
	case shape.Input:
		return color.RGBA{200, 200, 200, 255}
	case shape.Conv, shape.ConvT:
		return color.RGBA{140, 180, 230, 255}
	case shape.DWConv:
		return color.RGBA{150, 210, 210, 255}
	case shape.MaxPool, shape.AvgPool, shape.AdaptAvg, shape.AdaptMax, shape.GAP:
		return color.RGBA{240, 160, 150, 255}
	case shape.FC:
		return color.RGBA{160, 210, 150, 255}
	}
	return color.RGBA{250, 220, 140, 255}
}

func shade(c color.RGBA, f float64) color.RGBA {
	s := func(v uint8) uint8 { return uint8(min(255, math.Round(float64(v)*f))) }
	return color.RGBA{s(c.R), s(c.G), s(c.B), 255}
}

// Residual and branch edge colours.
var (
	ResidualColour = color.RGBA{200, 60, 40, 255}
	BranchColour   = color.RGBA{40, 90, 190, 255}
	EdgeColour     = color.RGBA{90, 90, 90, 255}
)

// Draw renders the plot on c (raster or SVG), which must be W×H.
func (pl *Plot) Draw(c *figure.Canvas, title string) {
	c.Text(margin, margin, figure.Large, figure.TopLeft, color.Black, title)
	c.Text(margin, margin+20, figure.Small, figure.TopLeft, color.Gray{Y: 80},
		"box height: rows (H), depth: columns (W), thickness: channels (C, log scale); arcs: red residual adds, blue branches")
	for i, e := range pl.Edges {
		a, b := pl.Nodes[e.From], pl.Nodes[e.To]
		if !e.Skip {
			y := float64(pl.baseY)
			c.Line(EdgeColour, 1.5, float64(a.Front.Max.X), y, float64(b.Front.Min.X), y)
			arrowHead(c, EdgeColour, float64(b.Front.Min.X), y)
			continue
		}
		col := BranchColour
		if e.Residual {
			col = ResidualColour
		}
		y := float64(pl.top - pl.level[i]*levelH + levelH/2)
		ax := float64(a.Front.Min.X+a.Front.Max.X) / 2
		bx := float64(b.Front.Min.X+b.Front.Max.X) / 2
		c.Line(col, 1.5, ax, float64(a.Front.Min.Y-a.Depth), ax, y, bx, y, bx, float64(b.Front.Min.Y-b.Depth)-4)
		c.Polygon(col, bx-4, float64(b.Front.Min.Y-b.Depth)-8, bx+4, float64(b.Front.Min.Y-b.Depth)-8, bx, float64(b.Front.Min.Y-b.Depth)-1)
	}
	for _, n := range pl.Nodes {
		l := pl.res.Layers[n.Layer]
		f := n.Front
		col := faceColour(l.Layer.Kind)
		x0, y0, x1, y1 := float64(f.Min.X), float64(f.Min.Y), float64(f.Max.X), float64(f.Max.Y)
		d := float64(n.Depth)
		if l.Layer.Kind == shape.Add {
			c.Polygon(col, x0, (y0+y1)/2, (x0+x1)/2, y0, x1, (y0+y1)/2, (x0+x1)/2, y1)
			c.Line(color.Black, 1, x0, (y0+y1)/2, (x0+x1)/2, y0, x1, (y0+y1)/2, (x0+x1)/2, y1, x0, (y0+y1)/2)
			c.Text((x0+x1)/2, (y0+y1)/2, figure.Normal, figure.Center, color.Black, "+")
		} else {
			// Top and side faces, then the front.
			c.Polygon(shade(col, 1.15), x0, y0, x0+d, y0-d, x1+d, y0-d, x1, y0)
			c.Polygon(shade(col, 0.8), x1, y0, x1+d, y0-d, x1+d, y1-d, x1, y1)
			c.Polygon(col, x0, y0, x1, y0, x1, y1, x0, y1)
			edge := color.Gray{Y: 60}
			c.Line(edge, 0.8, x0, y1, x0, y0, x1, y0, x1, y1, x0, y1)
			if d > 0 {
				c.Line(edge, 0.8, x0, y0, x0+d, y0-d, x1+d, y0-d, x1+d, y1-d, x1, y1)
				c.Line(edge, 0.8, x1, y0, x1+d, y0-d)
			}
		}
		s := label(l)
		wd := figure.TextWidth(figure.Small, s)
		labelTop := float64(pl.labelTop())
		c.TextVertical((x0+x1)/2, labelTop+wd/2, figure.Small, color.Black, s)
	}
}

// labelTop is where the labels under the boxes start.
func (pl *Plot) labelTop() int {
	m := 0
	for _, n := range pl.Nodes {
		m = max(m, n.Front.Max.Y)
	}
	return m + 10
}

func arrowHead(c *figure.Canvas, col color.Color, x, y float64) {
	c.Polygon(col, x-7, y-4, x-7, y+4, x, y)
}

// Title is the default heading: the network, its input and totals.
func Title(res *shape.NetResult) string {
	return fmt.Sprintf("%s: input %s, %s parameters, %s MACs", res.Name, res.Input, shape.Thousands(res.Params), shape.Thousands(res.MACs))
}

// Render lays out and draws res on a raster (svg false) or vector canvas.
func Render(res *shape.NetResult, svg bool) (*figure.Canvas, *Plot, error) {
	pl, err := Layout(res)
	if err != nil {
		return nil, nil, err
	}
	var c *figure.Canvas
	if svg {
		c, err = figure.NewSVGCanvas(pl.W, pl.H)
	} else {
		c, err = figure.NewCanvas(pl.W, pl.H)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", res.Name, err)
	}
	pl.Draw(c, Title(res))
	return c, pl, nil
}

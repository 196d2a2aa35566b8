package netplot

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/shape"
)

// Node is one drawn box (or a join's diamond).
type Node struct {
	// Layer is the index in NetResult.Layers.
	Layer int
	// Front is the box's front face; the depth recedes up and right by
	// Depth pixels on each axis.
	Front image.Rectangle
	Depth int
	// Row is the line of the drawing the node is on (0 unless the
	// network is wrapped).
	Row int
}

// Edge joins two nodes (indices into Plot.Nodes).
type Edge struct {
	From, To int
	// Skip is set for an edge drawn as an arc: one that does not join
	// neighbours (a branch from an earlier layer, a join's operand other
	// than the box just before it).
	Skip bool
	// Residual is set for an add's operand drawn as an arc, Concat for a
	// concatenation's and Gate for a multiply's.
	Residual, Concat, Gate bool
}

// row is one line of a wrapped drawing.
type row struct {
	first, last int // node indices
	levels      int // arc levels above the boxes
	top         int // the arcs' lowest level
	baseY       int // the boxes' centre line
	labelTop    int // where the labels under the boxes start
}

// Plot is a laid-out network drawing.
type Plot struct {
	Nodes []Node
	Edges []Edge
	W, H  int
	// Compact is set when the network was drawn smaller and wrapped.
	Compact bool
	res     *shape.NetResult
	rows    []row
	level   []int // per edge: its arc's height above the boxes (0: straight)
	gutter  []int // per edge between rows: its lane in the right gutter
	gutterX int
}

// drawn reports whether a layer gets its own box.
func drawn(k shape.Kind) bool {
	switch k {
	case shape.Input, shape.Conv, shape.DWConv, shape.ConvT, shape.MaxPool, shape.AvgPool,
		shape.AdaptAvg, shape.AdaptMax, shape.GAP, shape.FC, shape.Linear, shape.Upsample:
		return true
	}
	return join(k)
}

// join reports whether a layer combines operands (drawn as a diamond).
func join(k shape.Kind) bool { return k == shape.Add || k == shape.Concat || k == shape.Mul }

const (
	margin  = 20
	titleH  = 40
	minSide = 10
	levelH  = 12
	rowGap  = 16
	// maxW is the widest one-line drawing; a network wider than that is
	// drawn smaller and wrapped onto lines of at most rowW.
	maxW  = 2400
	rowW  = 1800
	laneW = 5
	lanes = 8
)

// scale holds the box sizes of one drawing mode.
type scale struct {
	maxSide, gap int
	thick        float64
}

var (
	full    = scale{maxSide: 170, gap: 22, thick: 3}
	compact = scale{maxSide: 80, gap: 12, thick: 1.6}
)

// Layout places the boxes and edges of res.
func Layout(res *shape.NetResult) (*Plot, error) {
	if res == nil || len(res.Layers) == 0 {
		return nil, fmt.Errorf("netplot: no layers")
	}
	pl := &Plot{res: res}
	if err := pl.nodes(full); err != nil {
		return nil, err
	}
	if w := pl.Nodes[len(pl.Nodes)-1].Front.Max.X + pl.Nodes[len(pl.Nodes)-1].Depth; w > maxW {
		pl.Compact = true
		pl.Nodes, pl.Edges = nil, nil
		if err := pl.nodes(compact); err != nil {
			return nil, err
		}
	}
	pl.wrap()
	pl.route()
	pl.place()
	return pl, nil
}

// nodes sizes the boxes at sc, lays them out in one line from x = margin
// (Front centred on y = 0) and joins them by every operand.
func (pl *Plot) nodes(sc scale) error {
	res := pl.res
	maxH, maxW := 1, 1
	for _, l := range res.Layers {
		maxH, maxW = max(maxH, l.Out.H), max(maxW, l.Out.W)
	}
	side := func(n, m int) int {
		return minSide + int(math.Round(float64(sc.maxSide-minSide)*math.Sqrt(float64(n)/float64(m))))
	}
	byName := map[string]int{}
	rep := make([]int, len(res.Layers)) // the node showing each layer's output
	x := margin
	for i, l := range res.Layers {
		// the layers l reads, resolved as the walk resolves them
		var srcs []int
		for _, in := range l.Inputs {
			j, ok := byName[in]
			if !ok {
				return fmt.Errorf("netplot: %s reads %q, which is not an earlier layer", l.Layer.Name, in)
			}
			srcs = append(srcs, j)
		}
		byName[l.Layer.Name] = i
		if i == 0 && l.Layer.Kind != shape.Input {
			return fmt.Errorf("netplot: the first layer is not an input")
		}
		if !drawn(l.Layer.Kind) {
			if len(srcs) > 0 {
				rep[i] = rep[srcs[0]]
			}
			continue
		}
		n := Node{Layer: i}
		var w, h int
		switch k := l.Layer.Kind; {
		case join(k):
			w, h = 18, 18
		case k == shape.FC:
			// A vector: a thin bar whose height follows its length.
			w, h = 6, minSide+int(math.Round(float64(sc.maxSide-minSide)*math.Log2(float64(1+l.Out.C))/math.Log2(float64(1+max(l.Out.C, 4096)))))
		default:
			w = 3 + int(math.Round(sc.thick*math.Log2(float64(1+l.Out.C))))
			h = side(l.Out.H, maxH)
			n.Depth = int(math.Round(0.35 * float64(side(l.Out.W, maxW))))
		}
		n.Front = image.Rect(x, -h/2, x+w, h-h/2)
		x += w + n.Depth + sc.gap
		pl.Nodes = append(pl.Nodes, n)
		me := len(pl.Nodes) - 1
		rep[i] = me
		// A join's operand from the box just before it is the straight
		// chain edge; its other operands are arcs in the join's colour.
		kind := l.Layer.Kind
		straight := -1
		for k, s := range srcs {
			if rep[s] == me-1 && (straight < 0 || !join(kind)) {
				straight = k
			}
		}
		for k, s := range srcs {
			from := rep[s]
			e := Edge{From: from, To: me, Skip: k != straight}
			if e.Skip && join(kind) {
				e.Residual, e.Concat, e.Gate = kind == shape.Add, kind == shape.Concat, kind == shape.Mul
			}
			pl.Edges = append(pl.Edges, e)
		}
	}
	return nil
}

// wrap breaks a compact line of nodes into rows no wider than rowW,
// shifting each row back to the left margin.
func (pl *Plot) wrap() {
	start, shift := 0, 0
	for i := range pl.Nodes {
		n := &pl.Nodes[i]
		if i > start && pl.Compact && n.Front.Max.X+n.Depth-shift > margin+rowW {
			pl.rows = append(pl.rows, row{first: start, last: i - 1})
			start, shift = i, n.Front.Min.X-margin
		}
		n.Front = n.Front.Sub(image.Pt(shift, 0))
		n.Row = len(pl.rows)
	}
	pl.rows = append(pl.rows, row{first: start, last: len(pl.Nodes) - 1})
}

// routed reports whether an edge is drawn through the arc levels.
func (pl *Plot) routed(e Edge) bool {
	return e.Skip || pl.Nodes[e.From].Row != pl.Nodes[e.To].Row
}

// route gives each arc a level above the boxes of the rows it spans, so
// that overlapping spans do not share one, and each edge between rows a
// lane in the right gutter.
func (pl *Plot) route() {
	type span struct{ row, lv, lo, hi int }
	var busy []span
	lane := 0
	for _, e := range pl.Edges {
		if !pl.routed(e) {
			pl.level = append(pl.level, 0)
			pl.gutter = append(pl.gutter, -1)
			continue
		}
		a, b := pl.Nodes[e.From], pl.Nodes[e.To]
		want := []span{{row: a.Row, lo: e.From, hi: e.To}}
		g := -1
		if a.Row != b.Row {
			want = []span{{row: a.Row, lo: e.From, hi: pl.rows[a.Row].last + 1}, {row: b.Row, lo: pl.rows[b.Row].first - 1, hi: e.To}}
			g = lane % lanes
			lane++
		}
		lv := 0
		for ; ; lv++ {
			free := true
			for _, w := range want {
				for _, s := range busy {
					if s.row == w.row && s.lv == lv && s.lo <= w.hi && w.lo <= s.hi {
						free = false
					}
				}
			}
			if free {
				break
			}
		}
		for _, w := range want {
			w.lv = lv
			busy = append(busy, w)
			pl.rows[w.row].levels = max(pl.rows[w.row].levels, lv+1)
		}
		pl.level = append(pl.level, lv+1)
		pl.gutter = append(pl.gutter, g)
	}
}

// place sets each row's height: its arcs, its tallest box and its
// labels, and moves the boxes onto it.
func (pl *Plot) place() {
	y := margin + titleH
	width := 0
	for r := range pl.rows {
		rw := &pl.rows[r]
		tallest, longest := 0, 0.0
		for i := rw.first; i <= rw.last; i++ {
			n := pl.Nodes[i]
			tallest = max(tallest, n.Front.Dy()+2*n.Depth)
			longest = max(longest, figure.TextWidth(figure.Small, label(pl.res.Layers[n.Layer])))
			width = max(width, n.Front.Max.X+n.Depth)
		}
		rw.top = y + rw.levels*levelH
		rw.baseY = rw.top + tallest/2 + 8
		bottom := 0
		for i := rw.first; i <= rw.last; i++ {
			pl.Nodes[i].Front = pl.Nodes[i].Front.Add(image.Pt(0, rw.baseY))
			bottom = max(bottom, pl.Nodes[i].Front.Max.Y)
		}
		rw.labelTop = bottom + 10
		y = rw.labelTop + int(longest) + rowGap
	}
	pl.gutterX = width + margin/2
	if len(pl.rows) > 1 {
		width += lanes*laneW + margin
	}
	pl.W = max(width+margin, 420, margin*2+int(math.Ceil(figure.TextWidth(figure.Small, pl.legend()))))
	pl.H = y - rowGap + margin
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
	case shape.Conv, shape.ConvT, shape.Linear:
		return color.RGBA{140, 180, 230, 255}
	case shape.DWConv:
		return color.RGBA{150, 210, 210, 255}
	case shape.MaxPool, shape.AvgPool, shape.AdaptAvg, shape.AdaptMax, shape.GAP:
		return color.RGBA{240, 160, 150, 255}
	case shape.Upsample:
		return color.RGBA{200, 170, 230, 255}
	case shape.FC:
		return color.RGBA{160, 210, 150, 255}
	}
	return color.RGBA{250, 220, 140, 255}
}

func shade(c color.RGBA, f float64) color.RGBA {
	s := func(v uint8) uint8 { return uint8(min(255, math.Round(float64(v)*f))) }
	return color.RGBA{s(c.R), s(c.G), s(c.B), 255}
}

// Edge colours: a residual add's operand, a concatenation's, a
// multiply's gate, another branch, and the chain.
var (
	ResidualColour = color.RGBA{200, 60, 40, 255}
	ConcatColour   = color.RGBA{30, 140, 60, 255}
	GateColour     = color.RGBA{150, 60, 170, 255}
	BranchColour   = color.RGBA{40, 90, 190, 255}
	EdgeColour     = color.RGBA{90, 90, 90, 255}
)

// colour is an edge's colour.
func (e Edge) colour() color.RGBA {
	switch {
	case e.Residual:
		return ResidualColour
	case e.Concat:
		return ConcatColour
	case e.Gate:
		return GateColour
	case e.Skip:
		return BranchColour
	}
	return EdgeColour
}

// legend is the line under the title.
func (pl *Plot) legend() string {
	s := "box height: rows (H), depth: columns (W), thickness: channels (C, log scale); arcs: red residual adds, green concatenations, purple gates (mul), blue branches"
	if pl.Compact {
		s += "; drawn smaller and wrapped, edges between lines run through the right margin"
	}
	return s
}

// Draw renders the plot on c (raster or SVG), which must be W×H.
func (pl *Plot) Draw(c *figure.Canvas, title string) {
	c.Text(margin, margin, figure.Large, figure.TopLeft, color.Black, title)
	c.Text(margin, margin+20, figure.Small, figure.TopLeft, color.Gray{Y: 80}, pl.legend())
	for i, e := range pl.Edges {
		a, b := pl.Nodes[e.From], pl.Nodes[e.To]
		col := e.colour()
		if !pl.routed(e) {
			y := float64(pl.rows[a.Row].baseY)
			c.Line(col, 1.5, float64(a.Front.Max.X), y, float64(b.Front.Min.X), y)
			arrowHead(c, col, float64(b.Front.Min.X), y)
			continue
		}
		arc := func(r int) float64 { return float64(pl.rows[r].top - pl.level[i]*levelH + levelH/2) }
		ax := float64(a.Front.Min.X+a.Front.Max.X) / 2
		bx := float64(b.Front.Min.X+b.Front.Max.X) / 2
		at, bt := float64(a.Front.Min.Y-a.Depth), float64(b.Front.Min.Y-b.Depth)
		if a.Row == b.Row {
			c.Line(col, 1.5, ax, at, ax, arc(a.Row), bx, arc(a.Row), bx, bt-4)
		} else {
			gx := float64(pl.gutterX + pl.gutter[i]*laneW)
			c.Line(col, 1.5, ax, at, ax, arc(a.Row), gx, arc(a.Row), gx, arc(b.Row), bx, arc(b.Row), bx, bt-4)
		}
		c.Polygon(col, bx-4, bt-8, bx+4, bt-8, bx, bt-1)
	}
	for _, n := range pl.Nodes {
		l := pl.res.Layers[n.Layer]
		f := n.Front
		col := faceColour(l.Layer.Kind)
		x0, y0, x1, y1 := float64(f.Min.X), float64(f.Min.Y), float64(f.Max.X), float64(f.Max.Y)
		d := float64(n.Depth)
		if join(l.Layer.Kind) {
			c.Polygon(col, x0, (y0+y1)/2, (x0+x1)/2, y0, x1, (y0+y1)/2, (x0+x1)/2, y1)
			c.Line(color.Black, 1, x0, (y0+y1)/2, (x0+x1)/2, y0, x1, (y0+y1)/2, (x0+x1)/2, y1, x0, (y0+y1)/2)
			c.Text((x0+x1)/2, (y0+y1)/2, figure.Normal, figure.Center, color.Black, glyph(l.Layer.Kind))
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
		c.TextVertical((x0+x1)/2, float64(pl.rows[n.Row].labelTop)+wd/2, figure.Small, color.Black, s)
	}
}

// glyph is the sign written on a join.
func glyph(k shape.Kind) string {
	switch k {
	case shape.Concat:
		return "C"
	case shape.Mul:
		return "×"
	}
	return "+"
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

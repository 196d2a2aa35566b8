package netplot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/figure/figuretest"
	"github.com/convtool/convtool/internal/shape"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in testdata/netplot")

func walk(t *testing.T, name string) *shape.NetResult {
	t.Helper()
	n, err := shape.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := shape.Walk(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEdgesFollowTheNetwork counts the boxes and edges of the presets:
// ResNet-18 has 8 residual adds and 3 downsample branches that start at
// an earlier block (a block's first conv starts at the box just before it);
// AlexNet is a chain. The joins' other operands are counted from the
// architectures: DenseNet-121's 6+12+24+16 dense layers each concatenate
// the block so far (one arc each: the new features come from the box
// just before); GoogLeNet's 9 inception modules concatenate 4 branches
// (3 arcs each: the pool projection is the box just before); the small
// U-Net's 3 decoder stages concatenate an encoder's skip; EfficientNet-B0's
// 16 blocks gate by squeeze-excitation, and 9 of them (the repeats after
// each stage's first: 1+1+2+2+3) add a residual.
func TestEdgesFollowTheNetwork(t *testing.T) {
	for _, tc := range []struct {
		net                                   string
		nodes, residual, concat, gate, branch int
		chain                                 int
		compact                               bool
	}{
		// input, 5 conv, 3 pool, 3 fc
		{net: "alexnet", nodes: 12, chain: 11},
		// input, conv1, maxpool, 16 block convs + 3 downsamples, 8 adds, avgpool, fc
		{net: "resnet18", nodes: 1 + 1 + 1 + 16 + 3 + 8 + 1 + 1, residual: 8, branch: 3},
		{net: "densenet121", concat: 58, compact: true},
		{net: "googlenet", concat: 27, branch: 27, compact: true},
		{net: "unet-small", concat: 3},
		{net: "efficientnet-b0", residual: 9, gate: 16, compact: true},
	} {
		res := walk(t, tc.net)
		pl, err := Layout(res)
		if err != nil {
			t.Fatal(err)
		}
		if tc.nodes > 0 && len(pl.Nodes) != tc.nodes {
			t.Errorf("%s: %d boxes, want %d", tc.net, len(pl.Nodes), tc.nodes)
		}
		if pl.Compact != tc.compact {
			t.Errorf("%s: compact %v, want %v", tc.net, pl.Compact, tc.compact)
		}
		var residual, concat, gate, branch, chain int
		in := make([]int, len(pl.Nodes))
		for _, e := range pl.Edges {
			in[e.To]++
			k := res.Layers[pl.Nodes[e.To].Layer].Layer.Kind
			switch {
			case e.Residual, e.Concat, e.Gate:
				want := map[shape.Kind]bool{shape.Add: e.Residual, shape.Concat: e.Concat, shape.Mul: e.Gate}
				if !want[k] || !e.Skip {
					t.Errorf("%s: a join edge %+v ends at a %s", tc.net, e, k)
				}
				residual, concat, gate = residual+b2i(e.Residual), concat+b2i(e.Concat), gate+b2i(e.Gate)
			case e.Skip:
				branch++
			default:
				chain++
				if e.To != e.From+1 {
					t.Errorf("%s: a chain edge joins boxes %d and %d", tc.net, e.From, e.To)
				}
			}
		}
		if residual != tc.residual || concat != tc.concat || gate != tc.gate {
			t.Errorf("%s: %d residual, %d concat and %d gate edges, want %d, %d and %d", tc.net, residual, concat, gate, tc.residual, tc.concat, tc.gate)
		}
		if (tc.branch > 0 || tc.nodes > 0) && branch != tc.branch {
			t.Errorf("%s: %d branch edges, want %d", tc.net, branch, tc.branch)
		}
		if tc.chain > 0 && chain != tc.chain {
			t.Errorf("%s: %d chain edges, want %d", tc.net, chain, tc.chain)
		}
		// Every box has one edge per operand the walk lists.
		for i, n := range pl.Nodes {
			if want := len(res.Layers[n.Layer].Inputs); in[i] != want {
				t.Errorf("%s: %s has %d edges in, %d operands", tc.net, res.Layers[n.Layer].Layer.Name, in[i], want)
			}
		}
		// Box heights follow the rows: a larger map never gets a shorter box.
		for i, a := range pl.Nodes {
			for _, b := range pl.Nodes[i+1:] {
				la, lb := res.Layers[a.Layer], res.Layers[b.Layer]
				if join(la.Layer.Kind) || join(lb.Layer.Kind) || la.Layer.Kind == shape.FC || lb.Layer.Kind == shape.FC {
					continue
				}
				if la.Out.H > lb.Out.H && a.Front.Dy() < b.Front.Dy() {
					t.Errorf("%s: %s (%d rows) is drawn shorter than %s (%d rows)", tc.net, la.Layer.Name, la.Out.H, lb.Layer.Name, lb.Out.H)
				}
			}
		}
		checkPlaced(t, tc.net, pl)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkPlaced: every box (with its depth) lies inside the canvas, boxes
// on one line do not overlap and follow each other left to right, the
// lines follow each other downwards below the previous line's labels, and
// every line fits the wrapping width.
func checkPlaced(t *testing.T, net string, pl *Plot) {
	t.Helper()
	outer := func(n Node) image.Rectangle {
		return image.Rect(n.Front.Min.X, n.Front.Min.Y-n.Depth, n.Front.Max.X+n.Depth, n.Front.Max.Y)
	}
	for i, n := range pl.Nodes {
		if r := outer(n); !r.In(image.Rect(0, 0, pl.W, pl.H)) {
			t.Errorf("%s: box %d at %v is outside the %dx%d canvas", net, i, r, pl.W, pl.H)
		}
		if pl.Compact && outer(n).Max.X > margin+rowW {
			t.Errorf("%s: box %d ends at x=%d, past the line width", net, i, outer(n).Max.X)
		}
		if i == 0 {
			continue
		}
		p := pl.Nodes[i-1]
		switch {
		case n.Row == p.Row && outer(n).Min.X <= outer(p).Max.X:
			t.Errorf("%s: boxes %d and %d overlap", net, i-1, i)
		case n.Row != p.Row && n.Row != p.Row+1:
			t.Errorf("%s: box %d is on line %d after line %d", net, i, n.Row, p.Row)
		}
	}
	// A line's arcs start below the previous line's longest label.
	for r := 1; r < len(pl.rows); r++ {
		bottom := 0.0
		for i := pl.rows[r-1].first; i <= pl.rows[r-1].last; i++ {
			bottom = max(bottom, float64(pl.rows[r-1].labelTop)+figure.TextWidth(figure.Small, label(pl.res.Layers[pl.Nodes[i].Layer])))
		}
		if arcs := pl.rows[r].top - pl.rows[r].levels*levelH; float64(arcs) <= bottom {
			t.Errorf("%s: line %d's arcs start at y=%d, inside line %d's labels (to y=%.0f)", net, r, arcs, r-1, bottom)
		}
	}
	if pl.Compact && len(pl.rows) < 2 {
		t.Errorf("%s: drawn compact on %d line", net, len(pl.rows))
	}
}

func TestGolden(t *testing.T) {
	for _, net := range []string{"alexnet", "resnet18", "unet-small"} {
		c, pl, err := Render(walk(t, net), false)
		if err != nil {
			t.Fatal(err)
		}
		// conv1's box shows the conv colour at its centre.
		res := walk(t, net)
		for _, n := range pl.Nodes {
			if res.Layers[n.Layer].Layer.Name == "conv1" {
				p := n.Front.Min.Add(n.Front.Size().Div(2))
				if got := c.Image().RGBAAt(p.X, p.Y); got != faceColour(shape.Conv) {
					t.Errorf("%s conv1 centre is %v", net, got)
				}
			}
		}
		figuretest.ComparePNG(t, filepath.Join("../../testdata/netplot", net+".png"), c.Image(), *update)
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	c, _, err := Render(walk(t, "resnet18"), true)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := c.WriteSVG(&buf); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(&buf)
	texts := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
			texts++
		}
	}
	if texts < 30 {
		t.Errorf("the SVG holds %d text elements; want the title and a label a box", texts)
	}
}

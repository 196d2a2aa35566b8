package netplot

import (
	"bytes"
	"encoding/xml"
	"flag"
	"path/filepath"
	"testing"

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
// AlexNet is a chain.
func TestEdgesFollowTheNetwork(t *testing.T) {
	for _, tc := range []struct {
		net                        string
		nodes, residual, branch, n int
	}{
		// input, 5 conv, 3 pool, 3 fc
		{"alexnet", 12, 0, 0, 11},
		// input, conv1, maxpool, 16 block convs + 3 downsamples, 8 adds, avgpool, fc
		{"resnet18", 1 + 1 + 1 + 16 + 3 + 8 + 1 + 1, 8, 3, 0},
	} {
		res := walk(t, tc.net)
		pl, err := Layout(res)
		if err != nil {
			t.Fatal(err)
		}
		if len(pl.Nodes) != tc.nodes {
			t.Errorf("%s: %d boxes, want %d", tc.net, len(pl.Nodes), tc.nodes)
		}
		var residual, branch, chain int
		for _, e := range pl.Edges {
			switch {
			case e.Residual:
				residual++
				if k := res.Layers[pl.Nodes[e.To].Layer].Layer.Kind; k != shape.Add {
					t.Errorf("%s: a residual edge ends at a %s", tc.net, k)
				}
			case e.Skip:
				branch++
			default:
				chain++
				if e.To != e.From+1 {
					t.Errorf("%s: a chain edge joins boxes %d and %d", tc.net, e.From, e.To)
				}
			}
		}
		if residual != tc.residual || branch != tc.branch {
			t.Errorf("%s: %d residual and %d branch edges, want %d and %d", tc.net, residual, branch, tc.residual, tc.branch)
		}
		if tc.n > 0 && chain != tc.n {
			t.Errorf("%s: %d chain edges, want %d", tc.net, chain, tc.n)
		}
		// Box heights follow the rows: a larger map never gets a shorter box.
		for i, a := range pl.Nodes {
			for _, b := range pl.Nodes[i+1:] {
				la, lb := res.Layers[a.Layer], res.Layers[b.Layer]
				if la.Layer.Kind == shape.Add || lb.Layer.Kind == shape.Add || la.Layer.Kind == shape.FC || lb.Layer.Kind == shape.FC {
					continue
				}
				if la.Out.H > lb.Out.H && a.Front.Dy() < b.Front.Dy() {
					t.Errorf("%s: %s (%d rows) is drawn shorter than %s (%d rows)", tc.net, la.Layer.Name, la.Out.H, lb.Layer.Name, lb.Out.H)
				}
			}
		}
	}
}

func TestGolden(t *testing.T) {
	for _, net := range []string{"alexnet", "resnet18"} {
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

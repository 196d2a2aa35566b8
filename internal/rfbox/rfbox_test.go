package rfbox

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/figure/figuretest"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in testdata/rf")

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

// TestBoxesMatchPyTorchGradients compares each box, clipped to the input
// (a gradient cannot see padding), with the support of PyTorch's gradient
// of that output with respect to the input (testdata/rf/gen_rf.py). The
// boxes are whole pixels: they must agree exactly.
func TestBoxesMatchPyTorchGradients(t *testing.T) {
	b, err := os.ReadFile("../../testdata/rf/rf_boxes.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Net, Layer string
			Y, X       int
			Box        [4]float64
			Out        [2]int
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) < 20 {
		t.Fatalf("only %d cases", len(doc.Cases))
	}
	nets := map[string]*shape.NetResult{}
	for _, c := range doc.Cases {
		res := nets[c.Net]
		if res == nil {
			res = walk(t, c.Net)
			nets[c.Net] = res
		}
		i, err := FindLayer(res, c.Layer)
		if err != nil {
			t.Fatal(err)
		}
		if o := res.Layers[i].Out; o.H != c.Out[0] || o.W != c.Out[1] {
			t.Fatalf("%s %s: output %dx%d, PyTorch %v", c.Net, c.Layer, o.H, o.W, c.Out)
		}
		box, err := Of(res, i, c.Y, c.X)
		if err != nil {
			t.Fatal(err)
		}
		h, w := float64(res.Input.H-1), float64(res.Input.W-1)
		got := [4]float64{math.Max(box.Y0, 0), math.Min(box.Y1, h), math.Max(box.X0, 0), math.Min(box.X1, w)}
		if got != c.Box {
			t.Errorf("%s %s (%d,%d): box %s clips to %v, PyTorch's gradient covers %v", c.Net, c.Layer, c.Y, c.X, box, got, c.Box)
		}
	}
}

func TestRefusals(t *testing.T) {
	res := walk(t, "alexnet")
	if _, err := FindLayer(res, "conv9"); err == nil {
		t.Error("found a layer conv9 in alexnet")
	}
	i, _ := FindLayer(res, "conv1")
	if _, err := Of(res, i, 55, 0); err == nil {
		t.Error("accepted row 55 of a 55-row output")
	}
}

// TestGoldenPicture draws conv2's field on a grey gradient; the box
// reaches into the padding at the top left.
func TestGoldenPicture(t *testing.T) {
	res := walk(t, "alexnet")
	i, _ := FindLayer(res, "conv2")
	box, err := Of(res, i, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if box.Y0 >= 0 {
		t.Fatalf("conv2 (0,0) starts at row %v: the test wants a box into the padding", box.Y0)
	}
	img := tensor.New(1, 224, 224)
	for y := range 224 {
		for x := range 224 {
			img.Set(0, y, x, float32(x+y)/2)
		}
	}
	c, err := Draw(img, 255, box, "alexnet conv2 (0,0)", box.String())
	if err != nil {
		t.Fatal(err)
	}
	figuretest.ComparePNG(t, filepath.Join("../../testdata/rf", "alexnet_conv2.png"), c.Image(), *update)
}

package rfbox

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
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
			Box        [4]int
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
		h, w := res.Input.H-1, res.Input.W-1
		got := [4]int{max(box.Y0, 0), min(box.Y1, h), max(box.X0, 0), min(box.X1, w)}
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
	c, err := Draw(img, 255, box, "alexnet conv2 (0,0)", []string{box.String()})
	if err != nil {
		t.Fatal(err)
	}
	figuretest.ComparePNG(t, filepath.Join("../../testdata/rf", "alexnet_conv2.png"), c.Image(), *update)
}

// TestBoxesAfterTransposedAndJoins: after strided then transposed
// convolutions, transposed ones then a convolution, a dilated stack that
// grids, the misaligned add and a U-Net's concatenations of skip
// and transposed paths, every output row's box and the number of its rows
// that reach the output equal the support of PyTorch's gradient
// (testdata/shape/gen_rf.py; positions whose field reaches past the
// input's border are left out: there torch sees the clipped field). The stacks are square and separable, so column
// c's box is row c's: both axes are checked. Exact integers.
func TestBoxesAfterTransposedAndJoins(t *testing.T) {
	b, err := os.ReadFile("../../testdata/shape/torch_rf.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases map[string]struct {
			Net    string
			Layers []struct {
				Out  []int
				Rows [][4]int
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		holes bool // some box has gridding holes
		warn  string
	}{
		{name: "strided-transposed"},
		{name: "transposed-k2-then-conv"},
		{name: "dilated-gridding", holes: true},
		{name: "misaligned-add", warn: "misaligned"},
		{name: "unet-tiny"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := doc.Cases[tc.name]
			if !ok {
				t.Fatalf("no case %s in the fixture", tc.name)
			}
			n, err := shape.ParseNet(strings.NewReader(c.Net), tc.name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := shape.Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			first := len(res.Layers) - len(c.Layers)
			checked, holes := 0, false
			for k, want := range c.Layers {
				i := first + k
				if o := res.Layers[i].Out; o.C != want.Out[0] || o.H != want.Out[1] || o.W != want.Out[2] {
					t.Fatalf("layer %d: output %s, torch %v", i, o, want.Out)
				}
				for _, r := range want.Rows {
					o := r[0]
					if o >= res.Layers[i].Out.W {
						continue
					}
					box, err := Of(res, i, o, o)
					if err != nil {
						t.Fatal(err)
					}
					if box.Y0 < 0 || box.Y1 >= res.Input.H || box.X0 < 0 || box.X1 >= res.Input.W {
						continue // the border clips what torch sees (a hole can skip it); the box ignores borders
					}
					w := Box{Y0: r[1], Y1: r[2], X0: r[1], X1: r[2], SeenH: r[3], SeenW: r[3]}
					if box != w {
						t.Errorf("%s (%d,%d): %+v, torch %+v", res.Layers[i].Layer.Name, o, o, box, w)
					}
					holes = holes || box.Holes()
					checked++
				}
			}
			if checked < 20 {
				t.Errorf("only %d positions checked", checked)
			}
			if holes != tc.holes {
				t.Errorf("holes %v, want %v", holes, tc.holes)
			}
			m := Misaligned(res, len(res.Layers)-1)
			if got := strings.Join(m, "; "); tc.warn == "" && got != "" || !strings.Contains(got, tc.warn) {
				t.Errorf("misalignment notes %q, want one saying %q", got, tc.warn)
			}
		})
	}
}

// TestEmptyOutputs: a transposed convolution whose kernel is smaller
// than its stride leaves outputs no input reaches; Of says so.
func TestEmptyOutputs(t *testing.T) {
	n, err := shape.ParseNet(strings.NewReader("input 8x8x1\nconvT 1 k1 s2"), "gaps")
	if err != nil {
		t.Fatal(err)
	}
	res, err := shape.Walk(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := Of(res, 1, 2, 2); err != nil || b != (Box{Y0: 1, Y1: 1, X0: 1, X1: 1, SeenH: 1, SeenW: 1}) {
		t.Errorf("output (2,2): %+v, %v; want input (1,1)", b, err)
	}
	if _, err := Of(res, 1, 1, 2); err == nil || !strings.Contains(err.Error(), "no input reaches") {
		t.Errorf("output (1,2): %v, want an empty-field error", err)
	}
}

package shape

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func walkFile(t *testing.T, path string) *NetResult {
	t.Helper()
	n, _, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Walk(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestONNXMatchesNet: models exported by torch.onnx.export
// (testdata/shape/gen_onnx.py) read back to the same walk as the network
// files they were built from: layer by layer the same kind, output,
// parameters, MACs and receptive field, and the same totals.
func TestONNXMatchesNet(t *testing.T) {
	tests := []struct{ onnx, net string }{
		{"mixed.onnx", "../../testdata/nets/mixed.net"},
		{"unet-tiny.onnx", "../../testdata/nets/unet-tiny.net"},
		{"se-block.onnx", "../../testdata/nets/se-block.net"},
		{"linear-channels.onnx", "../../testdata/nets/linear-channels.net"},
	}
	for _, tt := range tests {
		t.Run(tt.onnx, func(t *testing.T) {
			got := walkFile(t, "../../testdata/shape/onnx/"+tt.onnx)
			want := walkFile(t, tt.net)
			if len(got.Layers) != len(want.Layers) {
				t.Fatalf("%d layers, the network file has %d", len(got.Layers), len(want.Layers))
			}
			for i, g := range got.Layers {
				w := want.Layers[i]
				if torchKind(g.Layer.Kind) != torchKind(w.Layer.Kind) || g.Out != w.Out || g.Params != w.Params ||
					g.MACs != w.MACs || g.RF != w.RF || g.RFMin != w.RFMin || g.Jump != w.Jump {
					t.Errorf("layer %d: %s %s %s params %d MACs %d RF %s; the network file's %s %s %s %d %d %s",
						i, g.Layer.Name, g.Layer.Kind, g.Out, g.Params, g.MACs, g.RF, w.Layer.Name, w.Layer.Kind, w.Out, w.Params, w.MACs, w.RF)
				}
			}
			if got.Params != want.Params || got.MACs != want.MACs {
				t.Errorf("totals %d %d, the network file's %d %d", got.Params, got.MACs, want.Params, want.MACs)
			}
		})
	}
}

// TestONNXUnsupported: layers.onnx's GroupNorm (InstanceNormalization
// between Reshapes) and its resize to a size computed at run time (Shape,
// Slice, Concat) are named in one line; its GELU, channel Linear and
// LayerNorm are read, and operators that only read what an unsupported one
// wrote are not blamed.
func TestONNXUnsupported(t *testing.T) {
	_, _, err := Load("../../testdata/shape/onnx/layers.onnx", nil)
	if err == nil {
		t.Fatal("layers.onnx read without error")
	}
	msg := err.Error()
	for _, op := range []string{"unsupported ONNX operators: Concat along axis 0, InstanceNormalization, Reshape, Resize (want constant scales equal on both axes, or constant sizes), Shape, Slice (read: "} {
		if !strings.Contains(msg, op) {
			t.Errorf("error %q does not name %s", msg, op)
		}
	}
	if named, _, _ := strings.Cut(msg, " (read:"); strings.Contains(named, "Transpose") || strings.Contains(named, "MatMul") || strings.Contains(named, "Erf") {
		t.Errorf("error %q blames the channel Linear, which is read", msg)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
}

// TestImportersAgainstPyTorch: the Darknet and Keras readers' walks match
// the same networks written by hand in torch.nn (testdata/shape/
// gen_import.py): every convolution, batch norm and linear layer in call
// order, the totals and the outputs.
func TestImportersAgainstPyTorch(t *testing.T) {
	b, err := os.ReadFile("../../testdata/shape/torch_import.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nets map[string]struct {
			torchNet
			Outputs [][]int `json:"outputs"`
		} `json:"nets"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Nets) != 2 {
		t.Fatalf("fixture has %d networks", len(doc.Nets))
	}
	for file, want := range doc.Nets {
		t.Run(file, func(t *testing.T) {
			res := walkFile(t, "../../testdata/shape/import/"+file)
			var got []LayerInfo
			outputs := map[Dims]bool{}
			for i, l := range res.Layers {
				switch l.Layer.Kind {
				case Conv, DWConv, BatchNorm, FC, Linear:
					got = append(got, l)
				}
				if l.Layer.Kind == Identity && strings.HasPrefix(l.Layer.Name, "yolo") || i == len(res.Layers)-1 {
					outputs[l.Out] = true
				}
			}
			if len(got) != len(want.Layers) {
				t.Fatalf("%d weighted layers, torch %d", len(got), len(want.Layers))
			}
			for i, l := range got {
				w := want.Layers[i]
				if g := []int{l.Out.C, l.Out.H, l.Out.W}; torchKind(l.Layer.Kind) != w.Type && !(l.Layer.Kind == Linear && w.Type == "fc") ||
					!equalInts(g, w.Out) || l.Params != w.Params || l.MACs != w.MACs {
					t.Errorf("%s: %s %v params %d MACs %d, torch %s %v %d %d", l.Layer.Name, l.Layer.Kind, g, l.Params, l.MACs, w.Type, w.Out, w.Params, w.MACs)
				}
			}
			for _, o := range want.Outputs {
				if !outputs[Dims{H: o[1], W: o[2], C: o[0]}] {
					t.Errorf("torch output %v not among the walk's outputs %v", o, outputs)
				}
			}
			if res.Params != want.Params || res.MACs != want.MACs {
				t.Errorf("totals %d %d, torch %d %d", res.Params, res.MACs, want.Params, want.MACs)
			}
		})
	}
}

// TestKerasPublished: Keras's MNIST convnet example (keras.io, "Simple
// MNIST convnet"), as Keras 3 writes it, has 34,826 parameters.
func TestKerasPublished(t *testing.T) {
	res := walkFile(t, "../../testdata/shape/import/keras3-sequential.json")
	if res.Params != 34_826 {
		t.Errorf("params %d, Keras's summary says 34,826", res.Params)
	}
	if last := res.Layers[len(res.Layers)-1].Out; last != (Dims{1, 1, 10}) {
		t.Errorf("output %s", last)
	}
}

// TestImportPrintRoundTrip: --print's text of every imported network reads
// back to the same layers.
func TestImportPrintRoundTrip(t *testing.T) {
	for _, path := range []string{"onnx/mixed.onnx", "onnx/se-block.onnx", "onnx/unet-tiny.onnx", "onnx/linear-channels.onnx", "import/yolov3-tiny.cfg",
		"import/keras-functional.json", "import/keras3-sequential.json"} {
		n, text, err := Load("../../testdata/shape/"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ParseNet(strings.NewReader(text), path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i := range m.Layers {
			m.Layers[i].Line = n.Layers[i].Line
		}
		for i := range m.Layers {
			if !sameLayers(n.Layers[i:i+1], m.Layers[i:i+1]) {
				t.Errorf("%s: printed layer %d differs: %+v, read back %+v", path, i, n.Layers[i], m.Layers[i])
				break
			}
		}
	}
}

func TestImportErrors(t *testing.T) {
	onnx, err := os.ReadFile("../../testdata/shape/onnx/se-block.onnx")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		read func() error
		want string
	}{
		{"truncated onnx", func() error { _, err := ReadONNX(onnx[:len(onnx)/2], "m.onnx"); return err }, "m.onnx: not an ONNX model"},
		{"not onnx", func() error { _, err := ReadONNX([]byte("hello"), "m.onnx"); return err }, "m.onnx: not an ONNX model"},
		{"darknet no net", func() error { _, err := ReadDarknet([]byte("[convolutional]\nfilters=3\n"), "y.cfg"); return err }, "y.cfg: the first section must be [net]"},
		{"darknet bad int", func() error {
			_, err := ReadDarknet([]byte("[net]\nwidth=8\nheight=8\n[convolutional]\nfilters=x\n"), "y.cfg")
			return err
		}, "y.cfg:4: [convolutional] filters=x: not an integer"},
		{"darknet unknown", func() error {
			_, err := ReadDarknet([]byte("[net]\nwidth=8\nheight=8\n[reorg]\nstride=2\n[local]\n"), "y.cfg")
			return err
		}, "y.cfg: unsupported Darknet sections or options: [local], [reorg]"},
		{"darknet route", func() error {
			_, err := ReadDarknet([]byte("[net]\nwidth=8\nheight=8\n[route]\nlayers=-3\n"), "y.cfg")
			return err
		}, "no such earlier layer"},
		{"keras not json", func() error { _, err := ReadKeras([]byte("{"), "m.json"); return err }, "m.json: not a Keras model JSON"},
		{"keras unknown", func() error {
			_, err := ReadKeras([]byte(`{"class_name":"Sequential","config":{"layers":[{"class_name":"InputLayer","config":{"batch_shape":[null,8,8,1]}},{"class_name":"Lambda","config":{}},{"class_name":"Reshape","config":{}}]}}`), "m.json")
			return err
		}, "m.json: unsupported Keras layers: Lambda, Reshape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	var le *LineError
	if _, err := ReadDarknet([]byte("[net]\nwidth=8\nheight=8\n[convolutional]\nfilters=x\n"), "y.cfg"); !errors.As(err, &le) {
		t.Errorf("darknet syntax error is not a LineError: %v", err)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct{ path, text, want string }{
		{"-", "input 8x8x1\n", "net"},
		{"-", "  {\"class_name\": \"Sequential\"}", "keras"},
		{"-", "[net]\nwidth=8\n", "darknet"},
		{"-", "\x08\x07\x12\x07pytorch", "onnx"},
		{"m.onnx", "", "onnx"},
		{"a.NET", "{", "net"},
	}
	for _, tt := range tests {
		if got := Sniff(tt.path, []byte(tt.text)); got != tt.want {
			t.Errorf("Sniff(%q, %q) = %s, want %s", tt.path, tt.text, got, tt.want)
		}
	}
}

// FuzzImport: the ONNX, Darknet and Keras readers never panic, and what
// they accept prints as a network file that reads back.
func FuzzImport(f *testing.F) {
	for _, p := range []string{"onnx/se-block.onnx", "import/yolov3-tiny.cfg", "import/keras-functional.json"} {
		b, err := os.ReadFile("../../testdata/shape/" + p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, read := range []func([]byte, string) (*Network, error){ReadONNX, ReadDarknet, ReadKeras} {
			n, err := read(b, "f")
			if err != nil {
				continue
			}
			var sb strings.Builder
			if err := Format(&sb, n); err != nil {
				t.Fatal(err)
			}
			if _, err := ParseNet(strings.NewReader(sb.String()), "f"); err != nil {
				t.Fatalf("printed import does not read back: %v\n%s", err, sb.String())
			}
		}
	})
}

// TestKeras3Functional: the Keras 3 form of a functional model
// (inbound_nodes as args with keras_history) reads to the same network as
// its Keras 2 form, which TestImportersAgainstPyTorch checks.
func TestKeras3Functional(t *testing.T) {
	var texts []string
	for _, f := range []string{"keras-functional.json", "keras3-functional.json"} {
		n, _, err := Load("../../testdata/shape/import/"+f, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := Format(&b, n); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, b.String())
	}
	if texts[0] != texts[1] {
		t.Errorf("Keras 2:\n%s\nKeras 3:\n%s", texts[0], texts[1])
	}
}

// TestImportedConstants: the importers carry the layers' constants through
// to the network and its --print text. Darknet's leaky is x > 0 ? x : .1*x
// (darknet's activations.h), Keras's BatchNormalization has epsilon 1e-3
// and its LeakyReLU the slope its config writes; ONNX's LeakyRelu alpha
// and LRN attributes are read, their defaults PyTorch's.
func TestImportedConstants(t *testing.T) {
	cfg := "[net]\nwidth=8\nheight=8\nchannels=3\n[convolutional]\nfilters=4\nsize=3\npad=1\nbatch_normalize=1\nactivation=leaky\n"
	n, err := ReadDarknet([]byte(cfg), "leaky.cfg")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Format(&b, n); err != nil {
		t.Fatal(err)
	}
	last := n.Layers[len(n.Layers)-1]
	if last.Kind != LeakyReLU || last.Slope != 0.1 || !strings.Contains(b.String(), "leakyrelu 0.1\n") {
		t.Errorf("darknet leaky: %s slope %g; printed:\n%s", last.Kind, last.Slope, b.String())
	}

	keras := `{"class_name": "Sequential", "config": {"name": "s", "layers": [
	  {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8, 8, 3], "name": "in"}},
	  {"class_name": "BatchNormalization", "config": {"name": "bn", "epsilon": 0.001}},
	  {"class_name": "LeakyReLU", "config": {"name": "lk", "alpha": 0.25}},
	  {"class_name": "LeakyReLU", "config": {"name": "lk3", "negative_slope": 0.125}},
	  {"class_name": "Activation", "config": {"name": "act", "activation": "leaky_relu"}}]}}`
	n, err = ReadKeras([]byte(keras), "k.json")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, l := range n.Layers {
		got[l.Name] = l.Slope + l.Eps
	}
	for name, want := range map[string]float64{"bn": 0.001, "lk": 0.25, "lk3": 0.125, "act": 0.2} {
		if got[name] != want {
			t.Errorf("keras %s: constant %g, want %g (layers %v)", name, got[name], want, got)
		}
	}

	for _, tc := range []struct {
		line string
		want Layer
	}{
		{"leakyrelu", Layer{Kind: LeakyReLU, Slope: 0.01}},
		{"leakyrelu -0.5", Layer{Kind: LeakyReLU, Slope: -0.5}},
		{"bn eps=0.001", Layer{Kind: BatchNorm, Eps: 0.001}},
		{"groupnorm 4 eps=1e-6", Layer{Kind: GroupNorm, Groups: 4, Eps: 1e-6}},
		{"lrn", Layer{Kind: LRN, LRN: DefaultLRN}},
		{"lrn 3 alpha=0.01 beta=0.5 k=1", Layer{Kind: LRN, LRN: LRNParams{3, 0.01, 0.5, 1}}},
		{"gelu tanh", Layer{Kind: GELU, Tanh: true}},
	} {
		l, err := parseLine(strings.Fields(tc.line))
		if err != nil {
			t.Errorf("%s: %v", tc.line, err)
			continue
		}
		if l.Slope != tc.want.Slope || l.Eps != tc.want.Eps || l.LRN != tc.want.LRN || l.Tanh != tc.want.Tanh {
			t.Errorf("%s: read %+v", tc.line, l)
		}
		if got := l.Spec(false); got != tc.line {
			t.Errorf("%s: printed %q", tc.line, got)
		}
	}
	for _, bad := range []string{"leakyrelu x", "bn eps=-1", "bn eps=nan", "lrn 0", "conv 3 k3 eps=1", "upsample 2 align_corners", "relu tanh", "lrn 3 alpha=inf"} {
		if _, err := parseLine(strings.Fields(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestONNXConstants: an export of BatchNorm2d(eps=1e-3), LeakyReLU(0.2),
// a channel LayerNorm(eps=1e-3), bilinear Upsample(align_corners=True) and
// a default LeakyReLU (testdata/shape/gen_onnx_constants.py) reads back
// with those constants, the float32 attributes as the decimals torch was
// given.
func TestONNXConstants(t *testing.T) {
	_, text, err := Load("../../testdata/shape/onnx/constants.onnx", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "input 8x8x3\nn0: conv 8 k3 s1 p1\nn1: bn eps=0.001\nn2: leakyrelu 0.2\nn3: layernorm eps=0.001\nn4: upsample 2 bilinear align_corners\nn5: leakyrelu\n"
	if _, body, _ := strings.Cut(text, "\n"); body != want {
		t.Errorf("printed\n%s\nwant\n%s", body, want)
	}
}

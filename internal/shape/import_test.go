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

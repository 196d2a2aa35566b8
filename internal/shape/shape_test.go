package shape

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

// torchNet is one network as PyTorch ran it (testdata/shape/gen_nets.py).
type torchNet struct {
	Input  []int `json:"input"`
	Layers []struct {
		Type   string `json:"type"`
		Out    []int  `json:"out"`
		Params int64  `json:"params"`
		MACs   int64  `json:"macs"`
		RF     []int  `json:"rf"`
		Bytes  int64  `json:"bytes"`
	} `json:"layers"`
	Params  int64 `json:"params"`
	MACs    int64 `json:"macs"`
	RFInput []int `json:"rf_input"` // (C, H, W) the fields were measured on
	// torchinfo's "Forward/backward pass size" and "Params size" computed
	// from the recorded outputs and parameters (float32, batch 1)
	TorchinfoPass int64 `json:"torchinfo_pass_bytes"`
	ParamBytes    int64 `json:"param_bytes"`
}

func loadTorchNets(t *testing.T) map[string]torchNet {
	t.Helper()
	b, err := os.ReadFile("../../testdata/shape/torch_nets.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nets map[string]torchNet `json:"nets"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Nets
}

// loadNet returns a preset, or a network from testdata/nets.
func loadNet(t *testing.T, name string) *Network {
	t.Helper()
	if n, err := Preset(name); err == nil {
		return n
	}
	path := "../../testdata/nets/" + name + ".net"
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := ParseNet(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// torchKind is the kind PyTorch's module is recorded as.
func torchKind(k Kind) string {
	switch k {
	case DWConv:
		return "conv"
	case GAP:
		return "adaptiveavgpool"
	}
	return string(k)
}

// TestAgainstPyTorch walks every preset and test network and compares each
// layer's output shape, parameters and MACs, the totals, and the receptive
// fields measured by backpropagation, with what PyTorch computed.
func TestAgainstPyTorch(t *testing.T) {
	nets := loadTorchNets(t)
	names := append(Presets(), "mixed", "notes-5x5", "layers")
	weighted := loadTorchWeighted(t)
	for _, name := range names {
		if _, ok := weighted[name]; ok {
			continue // TestWeightedAgainstTorchvision
		}
		t.Run(name, func(t *testing.T) {
			want, ok := nets[name]
			if !ok {
				t.Fatalf("no PyTorch fixture for %s", name)
			}
			res, err := Walk(loadNet(t, name), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := []int{res.Input.C, res.Input.H, res.Input.W}; !equalInts(got, want.Input) {
				t.Fatalf("input %v, PyTorch %v", got, want.Input)
			}
			layers := res.Layers[1:]
			if len(layers) != len(want.Layers) {
				t.Fatalf("%d layers, PyTorch ran %d", len(layers), len(want.Layers))
			}
			var rfLayers []LayerInfo
			if want.RFInput != nil {
				d := Dims{H: want.RFInput[1], W: want.RFInput[2], C: want.RFInput[0]}
				rr, err := Walk(loadNet(t, name), &d)
				if err != nil {
					t.Fatal(err)
				}
				rfLayers = rr.Layers[1:]
			}
			for i, l := range layers {
				w := want.Layers[i]
				if torchKind(l.Layer.Kind) != w.Type {
					t.Fatalf("layer %d %s: kind %s, PyTorch %s", i+1, l.Layer.Name, l.Layer.Kind, w.Type)
				}
				if got := []int{l.Out.C, l.Out.H, l.Out.W}; !equalInts(got, w.Out) {
					t.Errorf("%s: output %v, PyTorch %v", l.Layer.Name, got, w.Out)
				}
				if l.Params != w.Params || l.MACs != w.MACs {
					t.Errorf("%s: params %d MACs %d, PyTorch %d and %d", l.Layer.Name, l.Params, l.MACs, w.Params, w.MACs)
				}
				if l.Mem.Activation != w.Bytes {
					t.Errorf("%s: activation %d bytes, PyTorch's output %d", l.Layer.Name, l.Mem.Activation, w.Bytes)
				}
				// The measured field is the centre output's, on the larger
				// input: the walk's interval for that same position (after
				// a transposed convolution, positions differ).
				if w.RF != nil {
					rl := rfLayers[i]
					gh, gw := rl.GeomH.At(rl.Out.H/2).Size(), rl.GeomW.At(rl.Out.W/2).Size()
					if gh != w.RF[0] || gw != w.RF[1] {
						t.Errorf("%s: receptive field of the centre output %dx%d, measured by backprop %dx%d", l.Layer.Name, gh, gw, w.RF[0], w.RF[1])
					}
				}
			}
			if res.Params != want.Params || res.MACs != want.MACs {
				t.Errorf("totals: params %d MACs %d, PyTorch %d and %d", res.Params, res.MACs, want.Params, want.MACs)
			}
			if res.Mem.TorchinfoPass != want.TorchinfoPass || res.Mem.Params != want.ParamBytes {
				t.Errorf("torchinfo's pass %d and params %d bytes, from PyTorch's outputs %d and %d",
					res.Mem.TorchinfoPass, res.Mem.Params, want.TorchinfoPass, want.ParamBytes)
			}
		})
	}
}

// torchWeighted is a torchvision model as PyTorch ran it: its weighted
// layers in call order, totals and output (testdata/shape/gen_nets.py).
type torchWeighted struct {
	torchNet
	Output []int `json:"output"`
}

func loadTorchWeighted(t *testing.T) map[string]torchWeighted {
	t.Helper()
	b, err := os.ReadFile("../../testdata/shape/torch_nets.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Weighted map[string]torchWeighted `json:"weighted"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Weighted) < 6 {
		t.Fatalf("fixture has %d torchvision models", len(doc.Weighted))
	}
	return doc.Weighted
}

// TestWeightedAgainstTorchvision walks the presets built after torchvision's
// models (resnet50, mobilenet-v2, densenet121, googlenet, efficientnet-b0)
// and the small U-Net, and compares every convolution, batch norm and
// linear layer in call order (output shape, parameters, MACs), the totals
// and the network's output with what torchvision's own models did.
func TestWeightedAgainstTorchvision(t *testing.T) {
	for name, want := range loadTorchWeighted(t) {
		t.Run(name, func(t *testing.T) {
			res, err := Walk(loadNet(t, name), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []LayerInfo
			for _, l := range res.Layers {
				switch l.Layer.Kind {
				case Conv, DWConv, ConvT, BatchNorm, FC, Linear:
					got = append(got, l)
				}
			}
			if len(got) != len(want.Layers) {
				t.Fatalf("%d weighted layers, torchvision ran %d", len(got), len(want.Layers))
			}
			for i, l := range got {
				w := want.Layers[i]
				if torchKind(l.Layer.Kind) != w.Type {
					t.Fatalf("weighted layer %d %s: kind %s, torchvision %s", i, l.Layer.Name, l.Layer.Kind, w.Type)
				}
				if g := []int{l.Out.C, l.Out.H, l.Out.W}; !equalInts(g, w.Out) || l.Params != w.Params || l.MACs != w.MACs {
					t.Errorf("%s: output %v params %d MACs %d, torchvision %v %d %d", l.Layer.Name, g, l.Params, l.MACs, w.Out, w.Params, w.MACs)
				}
			}
			last := res.Layers[len(res.Layers)-1].Out
			if g := []int{last.C, last.H, last.W}; !equalInts(g, want.Output) {
				t.Errorf("output %v, torchvision %v", g, want.Output)
			}
			if res.Params != want.Params || res.MACs != want.MACs {
				t.Errorf("totals: params %d MACs %d, torchvision %d and %d", res.Params, res.MACs, want.Params, want.MACs)
			}
		})
	}
}

// TestPublishedTotals checks the parameter counts papers and torchvision
// publish, independent of the fixture.
func TestPublishedTotals(t *testing.T) {
	tests := []struct {
		name   string
		params int64
	}{
		{"alexnet-torchvision", 61_100_840}, // torchvision docs
		{"vgg16", 138_357_544},              // torchvision docs
		{"resnet18", 11_689_512},            // torchvision docs
		{"mobilenet-v1", 4_231_976},         // Keras MobileNet trainable params
		{"alexnet-2012", 60_965_224},        // two-GPU AlexNet, as commonly tabulated
		{"lenet5", 61_706},
		{"resnet50", 25_557_032},       // torchvision docs
		{"mobilenet-v2", 3_504_872},    // torchvision docs
		{"densenet121", 7_978_856},     // torchvision docs
		{"googlenet", 6_624_904},       // torchvision docs
		{"efficientnet-b0", 5_288_548}, // torchvision docs
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Walk(loadNet(t, tt.name), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Params != tt.params {
				t.Errorf("params %s, published %s", Thousands(res.Params), Thousands(tt.params))
			}
		})
	}
}

// TestNotesAlexNet follows the notes' AlexNet shapes layer by layer.
func TestNotesAlexNet(t *testing.T) {
	res, err := Walk(loadNet(t, "alexnet"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"conv1": "55x55x96", "pool1": "27x27x96", "conv2": "27x27x256", "pool2": "13x13x256",
		"conv5": "13x13x256", "pool5": "6x6x256", "flatten1": "1x1x9216", "fc8": "1x1x1000",
	}
	for _, l := range res.Layers {
		if w, ok := want[l.Layer.Name]; ok && l.Out.String() != w {
			t.Errorf("%s: %s, the notes say %s", l.Layer.Name, l.Out, w)
		}
		delete(want, l.Layer.Name)
	}
	if len(want) != 0 {
		t.Errorf("layers not found: %v", want)
	}
	// conv1's parameters are the notes' k²·C·C' + C'.
	if p := res.Layers[1].Params; p != 11*11*3*96+96 {
		t.Errorf("conv1 params %d", p)
	}
}

func TestReceptiveFieldRecurrence(t *testing.T) {
	tests := []struct {
		name, net string
		rf, jump  Geo
	}{
		{"two stacked 3x3", "input 9x9x1\nconv k3\nconv k3", Geo{5, 5}, Geo{1, 1}},
		{"three stacked 3x3", "input 9x9x1\nconv k3\nconv k3\nconv k3", Geo{7, 7}, Geo{1, 1}},
		{"dilated", "input 32x32x1\nconv k3 d2\nconv k3 d4", Geo{13, 13}, Geo{1, 1}},
		{"strided", "input 32x32x1\nconv k3 s2\nconv k3", Geo{7, 7}, Geo{2, 2}},
		{"rectangular", "input 32x32x1\nconv k1x3 s2x1", Geo{1, 3}, Geo{2, 1}},
		{"add takes the wider branch", "input 32x32x1\na: conv k1\nconv k5 p2 @a\nadd @a", Geo{5, 5}, Geo{1, 1}},
		{"transposed", "input 8x8x1\nconvT k4 s2 p1", Geo{2, 2}, Geo{0.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNet(strings.NewReader(tt.net), "t.net")
			if err != nil {
				t.Fatal(err)
			}
			r, err := Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			last := r.Layers[len(r.Layers)-1]
			if last.RF != tt.rf || last.Jump != tt.jump {
				t.Errorf("rf %v jump %v, want %v and %v", last.RF, last.Jump, tt.rf, tt.jump)
			}
		})
	}
}

func TestFormulas(t *testing.T) {
	tests := []struct {
		name string
		calc func() (Calc, error)
		want int64
		work string // substring of the worked arithmetic
	}{
		{"notes conv1", func() (Calc, error) { return ConvOut("H'", 224, 11, 4, 2, 2, 1) }, 55, "floor((224 + 2·2 − 11)/4) + 1 = floor(217/4) + 1 = 55"},
		{"dilated", func() (Calc, error) { return ConvOut("H'", 10, 3, 1, 0, 0, 2) }, 6, "floor((10 + 2·0 − 2·(3−1) − 1)/1) + 1"},
		{"same asym", func() (Calc, error) { return ConvOut("W'", 6, 2, 1, 0, 1, 1) }, 6, "floor((6 + 0 + 1 − 2)/1) + 1"},
		{"pool floor", func() (Calc, error) { return PoolOut("H'", 55, 3, 2, 0, 1, false) }, 27, "= 27"},
		{"pool ceil", func() (Calc, error) { return PoolOut("H'", 6, 3, 2, 0, 1, true) }, 3, "ceil(3/2) + 1 = 3"},
		{"pool ceil drop", func() (Calc, error) { return PoolOut("H'", 5, 2, 2, 1, 1, true) }, 3, "= 4 − 1 = 3"},
		{"transpose", func() (Calc, error) { return TransposeOut("H'", 2, 3, 1, 0, 1, 0) }, 4, "(2 − 1)·1 − 2·0 + 1·(3−1) + 0 + 1 = 4"},
		{"transpose s2", func() (Calc, error) { return TransposeOut("H'", 16, 4, 2, 1, 1, 0) }, 32, "= 32"},
		// PyTorch's ceil mode keeps one clipped window larger than the input
		// (F.max_pool2d(arange(15).reshape(3,5), 4, 2, ceil_mode=True): 1×2).
		{"pool ceil window over H", func() (Calc, error) { return PoolOut("H'", 3, 4, 2, 0, 1, true) }, 1, "ceil(-1/2) + 1 = 1  (window extent 4 is larger than the padded input 3"},
		{"pool ceil window over W", func() (Calc, error) { return PoolOut("W'", 5, 4, 2, 0, 1, true) }, 2, "ceil(1/2) + 1 = 2"},
		{"pool ceil 1x1 k2", func() (Calc, error) { return PoolOut("H'", 1, 2, 2, 0, 1, true) }, 1, "ceil(-1/2) + 1 = 1"},
		{"pool ceil padded k4 p1", func() (Calc, error) { return PoolOut("H'", 1, 4, 2, 1, 1, true) }, 1, "ceil((1 + 2·1 − 4)/2) + 1"},
		{"pool ceil dilated", func() (Calc, error) { return PoolOut("H'", 3, 2, 3, 0, 3, true) }, 1, "ceil((3 + 2·0 − 3·(2−1) − 1)/3) + 1 = ceil(-1/3) + 1 = 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.calc()
			if err != nil {
				t.Fatal(err)
			}
			if c.Value != tt.want || !strings.Contains(c.String(), tt.work) {
				t.Errorf("got %d %q, want %d containing %q", c.Value, c.String(), tt.want, tt.work)
			}
		})
	}
}

func TestFormulaErrors(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"kernel too big", func() error { _, err := ConvOut("H'", 4, 5, 1, 0, 0, 1); return err }, "larger than the padded input"},
		{"zero stride", func() error { _, err := ConvOut("H'", 4, 3, 0, 0, 0, 1); return err }, "stride 0"},
		{"pool pad", func() error { _, err := PoolOut("H'", 8, 3, 1, 2, 1, false); return err }, "more than half the window"},
		{"output padding", func() error { _, err := TransposeOut("H'", 4, 3, 2, 0, 1, 2); return err }, "smaller than the stride"},
		{"pool floor window over", func() error { _, err := PoolOut("H'", 3, 4, 2, 0, 1, false); return err }, "larger than the padded input"},
		{"pool ceil no output", func() error { _, err := PoolOut("H'", 1, 5, 2, 0, 1, true); return err }, "ceil(-4/2) + 1 = -1 is less than 1"},
		{"pool ceil stride 1", func() error { _, err := PoolOut("H'", 2, 4, 1, 0, 1, true); return err }, "is less than 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSamePad uses TensorFlow's documented examples.
func TestSamePad(t *testing.T) {
	tests := []struct{ in, k, s, d, lo, hi int }{
		{5, 3, 1, 1, 1, 1},
		{5, 2, 1, 1, 0, 1},
		{13, 6, 5, 1, 1, 2}, // TF docs: out 3, total 3
		{224, 7, 2, 1, 2, 3},
		{6, 1, 4, 1, 0, 0},
		{7, 3, 1, 2, 2, 2},
	}
	for _, tt := range tests {
		lo, hi, err := SamePad(tt.in, tt.k, tt.s, tt.d)
		if err != nil {
			t.Fatal(err)
		}
		if lo != tt.lo || hi != tt.hi {
			t.Errorf("SamePad(%d,%d,%d,%d) = %d,%d want %d,%d", tt.in, tt.k, tt.s, tt.d, lo, hi, tt.lo, tt.hi)
		}
	}
}

func TestUnevenStrideWarnings(t *testing.T) {
	tests := []struct {
		name, layer string
		in          Dims
		want        []string
	}{
		// padding no window reaches is not a problem: no warning
		{"padding only", "conv 96 k11 s4 p2", Dims{224, 224, 3}, nil},
		{"input lost", "conv 8 k3 s2", Dims{8, 8, 1}, []string{
			"1 of 8 input rows and columns are never seen (7): (8 + 2·0 − 3) mod 2 = 1: the last windows stop 1 short of the end"}},
		{"rows only", "maxpool k2", Dims{5, 4, 1}, []string{
			"1 of 5 input rows are never seen (4): (5 + 2·0 − 2) mod 2 = 1: the last windows stop 1 short of the end"}},
		{"gaps", "conv 8 k1 s2", Dims{9, 9, 1}, []string{
			"4 of 9 input rows and columns are never seen (1, 3, …, 7): stride 2 with kernel 1, dilation 1 steps over 1 of every 2"}},
		// ResNet's downsample: one warning for both causes, with the count
		{"resnet downsample", "conv 128 k1 s2", Dims{56, 56, 64}, []string{
			"28 of 56 input rows and columns are never seen (1, 3, …, 55): stride 2 with kernel 1, dilation 1 steps over 1 of every 2; (56 + 2·0 − 1) mod 2 = 1: the last windows stop 1 short of the end"}},
		{"different axes", "conv 8 k3x1 s2", Dims{8, 9, 1}, []string{
			"1 of 8 input rows are never seen (7): (8 + 2·0 − 3) mod 2 = 1: the last windows stop 1 short of the end",
			"4 of 9 input columns are never seen (1, 3, …, 7): stride 2 with kernel 1, dilation 1 steps over 1 of every 2"}},
		{"even", "conv 8 k3 s2 p1", Dims{9, 9, 1}, nil},
		{"ceil covers", "maxpool k2 ceil", Dims{5, 5, 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNet(strings.NewReader("input "+tt.in.String()+"\n"+tt.layer), "t.net")
			if err != nil {
				t.Fatal(err)
			}
			r, err := Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Layers[1].Warnings
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("warnings\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no input", "conv 3 k3", "t.net:1: the first layer must be input HxWxC"},
		{"unknown type", "input 8x8x1\n\n  pool k2", `t.net:3: unknown layer type "pool"`},
		{"no kernel", "input 8x8x1\nconv 4", "t.net:2: conv: needs a kernel size"},
		{"bad option", "input 8x8x1\nconv 4 k3 q7", `t.net:2: conv: unknown option "q7"`},
		{"option misplaced", "input 8x8x1\nrelu k3", `t.net:2: relu: option "k3" does not apply`},
		{"unknown ref", "input 8x8x1\nadd @nowhere", "t.net:2: @nowhere: no earlier layer has that name"},
		{"forward ref", "input 8x8x1\nadd @b\nb: relu", "t.net:2: @b: no earlier layer has that name"},
		{"duplicate", "input 8x8x1\na: relu\na: relu", `t.net:3: layer name "a" already used on line 2`},
		{"bad dims", "input 8x8xQ", "t.net:1: "},
		{"two inputs", "input 8x8x1\ninput 8x8x1", "t.net:2: input may appear only once"},
		{"bad dropout", "input 8x8x1\ndropout 2", "t.net:2: dropout: rate"},
		{"empty", "# nothing\n", "t.net:1: no layers"},
		{"zero stride", "input 8x8x1\nconv 4 k3 s0", "must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNet(strings.NewReader(tt.text), "t.net")
			var le *LineError
			if !errors.As(err, &le) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a LineError containing %q", err, tt.want)
			}
		})
	}
}

func TestWalkErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"add mismatch", "input 8x8x4\na: conv 4 k3\nconv 4 k3 @a\nadd @a", "t.net:4: add1 (add @a) on 4x4x4 (HxWxC): cannot add a's output 6x6x4 to 4x4x4: the shapes differ"},
		{"kernel too big", "input 8x8x4\nconv 4 k3\nconv 4 k7", "t.net:3: conv2 (conv 4 k7) on 6x6x4 (HxWxC): H': kernel 7 (dilated extent 7) is larger than the padded input 6 + 0 + 0 = 6"},
		{"groups", "input 8x8x6\nconv 4 k3 g4", "t.net:2: conv1 (conv 4 k3 g4) on 8x8x6 (HxWxC): conv: 4 groups must divide the 6 input and 4 output channels"},
		{"pool padding", "input 8x8x6\nmaxpool k2 p2", "more than half the window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNet(strings.NewReader(tt.text), "t.net")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Walk(n, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestFormatRoundTrip: every preset printed and parsed again is the same
// network.
func TestFormatRoundTrip(t *testing.T) {
	for _, name := range Presets() {
		n := loadNet(t, name)
		var b strings.Builder
		if err := Format(&b, n); err != nil {
			t.Fatal(err)
		}
		m, err := ParseNet(strings.NewReader(b.String()), name)
		if err != nil {
			t.Fatalf("%s: reparse: %v\n%s", name, err, b.String())
		}
		if !sameLayers(n.Layers, m.Layers) {
			t.Errorf("%s: round trip changed the network", name)
		}
	}
}

func sameLayers(a, b []Layer) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Line, y.Line = 0, 0
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseNet: the parser never panics, whatever it accepts prints and
// parses back to itself, and walking it never panics.
func FuzzParseNet(f *testing.F) {
	for _, name := range Presets() {
		text, _ := PresetText(name)
		f.Add(text)
	}
	f.Add("input 8x8x1\nconvT 2 k3 s2 op1\nmaxpool k2 ceil d2\nadd @input")
	f.Add("input 1x1x1\nfc 3\nadaptiveavgpool 2x3\ngap")
	f.Fuzz(func(t *testing.T, text string) {
		n, err := ParseNet(strings.NewReader(text), "f.net")
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error is not a LineError: %v", err)
			}
			return
		}
		var b strings.Builder
		if err := Format(&b, n); err != nil {
			t.Fatal(err)
		}
		m, err := ParseNet(strings.NewReader(b.String()), "f.net")
		if err != nil {
			t.Fatalf("reparse of\n%s\nfailed: %v", b.String(), err)
		}
		if !sameLayers(n.Layers, m.Layers) {
			t.Fatalf("round trip changed\n%s", b.String())
		}
		if n.Layers[0].In.H*n.Layers[0].In.W*n.Layers[0].In.C > 1<<24 {
			return // keep the walk cheap; it does no per-pixel work anyway
		}
		_, _ = Walk(n, nil)
	})
}

// torchGeom is testdata/shape/torch_geom.json (testdata/shape/gen_geom.py):
// one-axis output sizes from F.max_pool2d and nn.ConvTranspose2d.
type torchGeom struct {
	Pool []struct {
		H, K, S, P, D int
		Ceil          bool
		Out           *int
	} `json:"pool"`
	TransposeSame []struct {
		K, S, D, H, P, OP int
		Out               *int
		Exact             [][2]int
	} `json:"transpose_same"`
}

func loadTorchGeom(t *testing.T) torchGeom {
	t.Helper()
	b, err := os.ReadFile("../../testdata/shape/torch_geom.json")
	if err != nil {
		t.Fatal(err)
	}
	var g torchGeom
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Pool) < 1000 || len(g.TransposeSame) < 200 {
		t.Fatalf("fixture too small: %d pool, %d transpose cases", len(g.Pool), len(g.TransposeSame))
	}
	return g
}

// TestPoolOutAgainstPyTorch: every (h, k, s, p ≤ k/2, d, ceil) up to
// h 7, k 6, including windows larger than the padded input, gives torch's
// output size or, where torch refuses, an error.
func TestPoolOutAgainstPyTorch(t *testing.T) {
	for _, c := range loadTorchGeom(t).Pool {
		got, err := PoolOut("H'", c.H, c.K, c.S, c.P, c.D, c.Ceil)
		switch {
		case c.Out == nil && err == nil:
			t.Errorf("h%d k%d s%d p%d d%d ceil %v: PyTorch refuses, PoolOut gave %d", c.H, c.K, c.S, c.P, c.D, c.Ceil, got.Value)
		case c.Out != nil && err != nil:
			t.Errorf("h%d k%d s%d p%d d%d ceil %v: PyTorch gives %d, PoolOut: %v", c.H, c.K, c.S, c.P, c.D, c.Ceil, *c.Out, err)
		case c.Out != nil && got.Value != int64(*c.Out):
			t.Errorf("h%d k%d s%d p%d d%d ceil %v: PoolOut %d, PyTorch %d", c.H, c.K, c.S, c.P, c.D, c.Ceil, got.Value, *c.Out)
		}
	}
}

// TestTransposeSamePad checks the rule's documented values, then, against
// nn.ConvTranspose2d for k ≤ 7, s ≤ 4, d ≤ 3: its p and op give torch's
// output size, which is exactly s·H whenever 2p − op = d(k−1) + 1 − s can be
// met (t ≥ 0 and op valid), and `convT … same` through Apply agrees.
func TestTransposeSamePad(t *testing.T) {
	tests := []struct{ k, s, d, p, op int }{
		{4, 2, 1, 1, 0}, // DCGAN's ConvTranspose2d(k4, s2, p1)
		{3, 2, 1, 1, 1}, // t = 1: p 1, op 1
		{5, 2, 1, 2, 1},
		{2, 2, 1, 0, 0},
		{3, 1, 1, 1, 0},
		{3, 2, 2, 2, 1}, // t = 3
		{1, 2, 1, 0, 1}, // t = −1: op = 1 makes up the row
		{7, 4, 3, 8, 1}, // t = 15
	}
	for _, tt := range tests {
		if p, op, _ := TransposeSamePad(tt.k, tt.s, tt.d); p != tt.p || op != tt.op {
			t.Errorf("TransposeSamePad(%d,%d,%d) = %d,%d want %d,%d", tt.k, tt.s, tt.d, p, op, tt.p, tt.op)
		}
	}
	for _, c := range loadTorchGeom(t).TransposeSame {
		name := fmt.Sprintf("k%d s%d d%d h%d", c.K, c.S, c.D, c.H)
		p, op, err := TransposeSamePad(c.K, c.S, c.D)
		if err != nil {
			t.Fatal(err)
		}
		if p != c.P || op != c.OP {
			t.Errorf("%s: TransposeSamePad %d,%d, the fixture's rule %d,%d", name, p, op, c.P, c.OP)
			continue
		}
		l := NewLayer(ConvT)
		l.Kernel, l.Stride, l.Dilation = Pair{c.K, 1}, Pair{c.S, 1}, Pair{c.D, 1}
		l.Padding = Padding{Mode: PadSame}
		r, err := Apply(l, Dims{H: c.H, W: 1, C: 1})
		if c.Out == nil {
			if err == nil || len(c.Exact) != 0 {
				t.Errorf("%s: PyTorch refuses op %d (exact choices %v), Apply: %v", name, op, c.Exact, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: PyTorch gives %d, Apply: %v", name, *c.Out, err)
			continue
		}
		if r.Out.H != *c.Out {
			t.Errorf("%s: p %d op %d: H' %d, PyTorch %d", name, p, op, r.Out.H, *c.Out)
		}
		// Whenever PyTorch accepts the rule's p and op (all but an even
		// kernel at stride and dilation 1), the output is exactly s·H.
		if *c.Out != c.S*c.H {
			t.Errorf("%s: p %d op %d give %d, not s·H = %d", name, p, op, *c.Out, c.S*c.H)
		}
	}
}

// TestTransposeSameLayer: an explicit output padding replaces the rule's,
// and a network file's convT same round-trips with it.
func TestTransposeSameLayer(t *testing.T) {
	tests := []struct {
		name, net string
		want      Dims
		note      string
	}{
		{"rule", "input 16x16x64\nconvT 32 k4 s2 same", Dims{32, 32, 32}, "even: p = 2/2 = 1, op = 0"},
		{"odd", "input 5x7x3\nconvT 3 k3 s2 same", Dims{10, 14, 3}, "odd: p = (1+1)/2 = 1, op = 1"},
		{"op given", "input 5x5x3\nconvT 3 k3 s2 same op0", Dims{9, 9, 3}, "op 0 given"},
		{"asymmetric", "input 4x4x1\nconvT 1 k3x4 s2x3 d2x1 same", Dims{8, 12, 1}, "= 3, odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNet(strings.NewReader(tt.net), "t.net")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			l := res.Layers[len(res.Layers)-1]
			if l.Out != tt.want || !strings.Contains(l.Calcs[0].String(), tt.note) {
				t.Errorf("got %s %q, want %s with %q", l.Out, l.Calcs[0], tt.want, tt.note)
			}
			var b strings.Builder
			if err := Format(&b, n); err != nil {
				t.Fatal(err)
			}
			m, err := ParseNet(strings.NewReader(b.String()), "t.net")
			if err != nil || !sameLayers(n.Layers, m.Layers) {
				t.Errorf("round trip of %q: %q, %v", tt.net, b.String(), err)
			}
		})
	}
	_, err := Apply(Layer{Kind: ConvT, Kernel: Square(2), Stride: Square(1), Dilation: Square(1), Groups: 1,
		Padding: Padding{Mode: PadSame}}, Dims{H: 4, W: 4, C: 1})
	if err == nil || !strings.Contains(err.Error(), "no padding makes the output exactly s times the input") {
		t.Errorf("k2 s1 same: err = %v", err)
	}
}

// TestCountsDoNotWrap: counts past 64 bits are refused, never printed as a
// wrapped negative number.
func TestCountsDoNotWrap(t *testing.T) {
	if v := satMul(1<<40, 1<<40); v != Overflow {
		t.Errorf("satMul(2^40, 2^40) = %d, want Overflow", v)
	}
	if v := satMul(3, 5, 7); v != 105 {
		t.Errorf("satMul(3,5,7) = %d", v)
	}
	if v := satAdd(Overflow-1, 5); v != Overflow {
		t.Errorf("satAdd near the top = %d", v)
	}
	l := NewLayer(Conv)
	l.Kernel, l.Filters = Pair{11, 11}, 100000
	if _, err := Apply(l, Dims{H: 1000000, W: 1000000, C: 100000}); err == nil || !strings.Contains(err.Error(), "64 bits") {
		t.Errorf("Apply on a huge layer: %v, want a 64-bit overflow error", err)
	}
}

// TestReceptiveFieldAgainstTorchGradients: for strided, transposed,
// upsampling and dilated stacks and the misaligned add, every
// output row's input interval and the number of input rows that reach it
// (testdata/shape/gen_rf.py: torch gradients, rows clipped by the border
// left out) equal the walk's exact geometry. Exact integers: no tolerance.
func TestReceptiveFieldAgainstTorchGradients(t *testing.T) {
	b, err := os.ReadFile("../../testdata/shape/torch_rf.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases map[string]struct {
			Net    string `json:"net"`
			Layers []struct {
				Out  []int    `json:"out"`
				Rows [][4]int `json:"rows"`
			} `json:"layers"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) < 7 {
		t.Fatalf("fixture has %d cases", len(doc.Cases))
	}
	for name, c := range doc.Cases {
		t.Run(name, func(t *testing.T) {
			n, err := ParseNet(strings.NewReader(c.Net), name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			layers := res.Layers[len(res.Layers)-len(c.Layers):]
			checked := 0
			for i, want := range c.Layers {
				l := layers[i]
				if g := []int{l.Out.C, l.Out.H, l.Out.W}; !equalInts(g, want.Out) {
					t.Fatalf("%s: output %v, torch %v", l.Layer.Name, g, want.Out)
				}
				for _, row := range want.Rows {
					got := l.GeomH.At(row[0])
					if got.Lo < 0 || got.Hi >= res.Input.H {
						continue // the border clips what torch sees; the walk ignores borders
					}
					if got.Lo != row[1] || got.Hi != row[2] || got.Seen != row[3] {
						t.Errorf("%s row %d: rows %d–%d (%d seen), torch %d–%d (%d seen)",
							l.Layer.Name, row[0], got.Lo, got.Hi, got.Seen, row[1], row[2], row[3])
					}
					checked++
				}
			}
			if checked < 50 {
				t.Errorf("only %d rows checked", checked)
			}
		})
	}
}

// TestInvert: for every kernel, stride, padding, dilation and input size
// in a grid, the inverse transposed convolution restores the input size
// exactly (its output size is TransposeOut, checked against PyTorch in
// TestTransposeSamePad), with padding and output padding in PyTorch's
// valid range; SAME padding is inverted too.
func TestInvert(t *testing.T) {
	n := 0
	for h := 5; h <= 23; h++ {
		for k := 1; k <= 5; k++ {
			for s := 1; s <= 4; s++ {
				for d := 1; d <= 2; d++ {
					for _, pad := range []Padding{{Mode: PadExplicit, Pair: Square(k / 2)}, {Mode: PadSame}, {Mode: PadValid}} {
						l := NewLayer(Conv)
						l.Kernel, l.Stride, l.Dilation, l.Padding, l.Filters = Pair{k, k}, Pair{s, s}, Pair{d, d}, pad, 4
						in := Dims{H: h, W: h + 1, C: 3}
						if _, err := Apply(l, in); err != nil {
							continue
						}
						inv, back, err := Invert(l, in)
						// brute force: does any symmetric padding and valid
						// output padding restore the size on both axes?
						out, _ := Apply(l, in)
						exists := func(h, hOut int) bool {
							for p := 0; p <= k*d; p++ {
								for op := 0; op < max(s, d); op++ {
									if c, err := TransposeOut("H'", hOut, k, s, p, d, op); err == nil && int(c.Value) == h {
										return true
									}
								}
							}
							return false
						}
						possible := exists(in.H, out.Out.H) && exists(in.W, out.Out.W)
						if err != nil {
							if possible {
								t.Errorf("h%d k%d s%d d%d %s: %v, but a transposed convolution exists", h, k, s, d, pad, err)
							}
							continue
						}
						if back.Out != in || inv.OutPad.H >= max(s, d) || inv.Padding.H < 0 {
							t.Errorf("h%d k%d s%d d%d %s: %s gives %s", h, k, s, d, pad, inv.Spec(false), back.Out)
						}
						n++
					}
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d cases", n)
	}
}

// TestFit: VGG16's five 2x2 poolings fit multiples of 32 only; AlexNet's
// conv1 (k11 s4 p2) drops rows unless (H + 4 − 11) mod 4 ≤ 2.
func TestFit(t *testing.T) {
	if got := Ranges(Fit(loadNet(t, "vgg16"), 200, 300)); got != "224, 256, 288" {
		t.Errorf("vgg16 fits %s", got)
	}
	if got := Ranges(Fit(loadNet(t, "alexnet"), 200, 260)); got != "223–225, 255–257" {
		t.Errorf("alexnet fits %s", got)
	}
}

// TestMemory works a residual block through by hand: float32, batch 2,
// input 1,024 B, three 2,048 B outputs; a is held for the add, so the peak
// is a + b + add; parameters 76 + 148 = 224.
func TestMemory(t *testing.T) {
	n, err := ParseNet(strings.NewReader("input 8x8x2\na: conv 4 k3 p1\nb: conv 4 k3 p1\nadd @a"), "t.net")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		dtype string
		scale int64
	}{{"float32", 2}, {"fp16", 1}, {"float64", 4}} {
		d, err := ParseDType(tt.dtype)
		if err != nil {
			t.Fatal(err)
		}
		res, err := WalkWith(n, WalkOptions{Batch: 2, DType: d})
		if err != nil {
			t.Fatal(err)
		}
		s := tt.scale // bytes per element / 2
		want := NetMemory{Input: 512 * s, Params: 448 * s, TorchinfoPass: 4096 * s, PeakForward: 3072 * s, PeakLayer: "add1",
			Saved: 3072 * s, TrainingSGD: 4928 * s, TrainingAdam: 5376 * s}
		if res.Mem != want {
			t.Errorf("%s: %+v\nwant %+v", tt.dtype, res.Mem, want)
		}
		if live := []int64{res.Layers[1].Mem.Live, res.Layers[2].Mem.Live}; live[0] != 1536*s || live[1] != 2048*s {
			t.Errorf("%s: live during a, b = %v", tt.dtype, live)
		}
		if res.JSON().Total.MACs != 2*res.MACs || res.JSON().Total.FLOPs != 4*res.MACs {
			t.Errorf("batch 2 does not double MACs and FLOPs: %+v", res.JSON().Total)
		}
	}
}

func TestUnits(t *testing.T) {
	tests := []struct {
		n          int64
		bytes, cnt string
	}{
		{999, "999 B", "999"}, {1000, "1.00 kB", "1.00 K"}, {44_700_000, "44.70 MB", "44.70 M"},
		{1_814_073_344, "1.81 GB", "1.81 G"}, {3_000_000_000_000, "3.00 TB", "3.00 T"},
	}
	for _, tt := range tests {
		if b, c := Bytes(tt.n), Count(tt.n); b != tt.bytes || c != tt.cnt {
			t.Errorf("%d: %q %q, want %q %q", tt.n, b, c, tt.bytes, tt.cnt)
		}
	}
}

// TestDiff: an inserted batch norm shows as one added layer and changes
// 2·C parameters; other filters show as one changed layer (conv2: 9·16·32
// + 32 = 4,640 → 9·16·48 + 48 = 6,960).
func TestDiff(t *testing.T) {
	walk := func(text string) *NetResult {
		n, err := ParseNet(strings.NewReader(text), "t.net")
		if err != nil {
			t.Fatal(err)
		}
		r, err := Walk(n, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a := walk("input 32x32x3\nconv 16 k3 s2\nrelu\nmaxpool k2\nconv 32 k3")
	b := walk("input 32x32x3\nconv 16 k3 s2\nrelu\nbn\nmaxpool k2\nconv 48 k3")
	got := Diff(a, b)
	for _, want := range []string{"@@ layer - / 3\n+ bn1", "@@ layer 4 / 5\n- conv2", "+ conv2                conv 48 k3", "3 layers alike",
		"params 5,088 → 7,440 (+2,352)"} {
		if !strings.Contains(got, want) {
			t.Errorf("diff lacks %q:\n%s", want, got)
		}
	}
}

// TestGeometryTooLong: resizing by ratios that share no factor with the
// strides grows the geometry's period past what is tracked; the walk goes
// on, says so once, and prints "?" for the fields.
func TestGeometryTooLong(t *testing.T) {
	n, err := ParseNet(strings.NewReader("input 97x97x1\nupsample 101x101\nconv 1 k3 s7\nupsample 103x103\nconv 1 k3"), "t.net")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Walk(n, nil)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, l := range res.Layers {
		notes += len(l.Notes)
	}
	if res.Layers[3].GeomH != nil || res.Layers[4].GeomH != nil || res.Layers[2].GeomH == nil || notes != 1 ||
		!strings.Contains(strings.Join(res.Layers[3].Notes, ""), "period grew past 4096") {
		t.Errorf("geometry %v %v, notes %d: %v", res.Layers[2].GeomH != nil, res.Layers[3].GeomH != nil, notes, res.Layers[3].Notes)
	}
	if tab := res.Table(); !strings.Contains(tab, "  ?  ") {
		t.Errorf("table does not show ? for the lost fields:\n%s", tab)
	}
}

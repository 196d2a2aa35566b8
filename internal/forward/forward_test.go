package forward

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

const fixtures = "../../testdata/forward"

// relTol is the per-layer tolerance against PyTorch: float32 sums over at
// most a few hundred products, in a different order than torch's, differ
// by a few ulps of the layer's largest value (~1e-6 relative); 1e-4 leaves
// room for that without hiding a wrong tap, channel or padding, which moves
// values by whole percent.
const relTol = 1e-4

func loadNet(t *testing.T, name string) *shape.Network {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, name+".net"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := shape.ParseNet(f, name+".net")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func toTensor(t *testing.T, a *npy.Array) *tensor.Tensor {
	t.Helper()
	if len(a.Shape) != 3 {
		t.Fatalf("fixture array has shape %v, want (C, H, W)", a.Shape)
	}
	x, err := tensor.FromData(a.Shape[0], a.Shape[1], a.Shape[2], a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAgainstPyTorch runs the fixture networks and compares every layer's
// output with PyTorch's.
func TestAgainstPyTorch(t *testing.T) {
	for _, tc := range []struct{ name, weights string }{
		{"miniresnet", "miniresnet.safetensors"},
		{"mixed", "mixed.npz"},
		{"blocks", "blocks.safetensors"},
		{"params", "params.safetensors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := ReadWeights(filepath.Join(fixtures, tc.weights))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Build(loadNet(t, tc.name), nil, w, tc.weights)
			if err != nil {
				t.Fatal(err)
			}
			in, err := npy.ReadFile(filepath.Join(fixtures, tc.name+".in.npy"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := ReadWeights(filepath.Join(fixtures, tc.name+".out.npz"))
			if err != nil {
				t.Fatal(err)
			}
			// The second run takes its buffers from the storage the
			// first recycled, poisoned with NaN: a layer that leaves a
			// value unwritten, or a buffer recycled while still read,
			// shows in the comparison.
			m.pool.Poison = true
			for run := range 2 {
				seen := 0
				_, err = m.Run(toTensor(t, in), func(o LayerOutput) error {
					ref, ok := want[o.Layer.Name]
					if !ok {
						t.Errorf("%s: no PyTorch output in the fixture", o.Layer.Name)
						return nil
					}
					seen++
					compare(t, fmt.Sprintf("run %d: %s", run, o.Layer.Name), o.Out, toTensor(t, ref))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if seen != len(want) {
					t.Errorf("compared %d layers, the fixture has %d", seen, len(want))
				}
			}
		})
	}
}

func compare(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	if !got.SameShape(want) {
		t.Errorf("%s: shape %s, PyTorch %s", name, got.Shape(), want.Shape())
		return
	}
	var scale float64
	for _, v := range want.Data {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	if d := tensor.MaxAbsDiff(got, want); d > relTol*math.Max(scale, 1e-6) || math.IsNaN(d) {
		t.Errorf("%s: max |diff| %.3g, over %.0e of the largest value %.3g", name, d, relTol, scale)
	}
}

// TestKindsCovered fails when shape knows a layer kind that no fixture
// network runs, so a new kind comes with a PyTorch comparison.
func TestKindsCovered(t *testing.T) {
	used := map[shape.Kind]bool{}
	for _, n := range []string{"miniresnet", "mixed", "blocks"} {
		for _, l := range loadNet(t, n).Layers {
			used[l.Kind] = true
		}
	}
	for _, k := range []shape.Kind{shape.Input, shape.Conv, shape.DWConv, shape.ConvT, shape.MaxPool,
		shape.AvgPool, shape.AdaptAvg, shape.AdaptMax, shape.GAP, shape.BatchNorm, shape.LRN,
		shape.ReLU, shape.ReLU6, shape.Tanh, shape.Sigmoid, shape.Dropout, shape.Flatten,
		shape.FC, shape.Add, shape.Identity, shape.Concat, shape.Mul, shape.Upsample, shape.Pad,
		shape.Softmax, shape.Linear, shape.SiLU, shape.GELU, shape.HardSwish, shape.HardSig,
		shape.LeakyReLU, shape.Mish, shape.LayerNorm, shape.GroupNorm} {
		if !used[k] {
			t.Errorf("no fixture network uses %s", k)
		}
	}
}

func TestDtypes(t *testing.T) {
	got, err := ReadWeights(filepath.Join(fixtures, "dtypes.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := ReadWeights(filepath.Join(fixtures, "dtypes.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"f16", "bf16", "f64", "f32"} {
		g, w := got[k], want[k]
		if g == nil || w == nil || !slices.Equal(g.Shape, w.Shape) {
			t.Fatalf("%s: got %v, want %v", k, g, w)
		}
		for i := range w.Data {
			// Both sides are the same float32 (numpy widened the halves
			// exactly), so they must be bit-equal.
			if math.Float32bits(g.Data[i]) != math.Float32bits(w.Data[i]) {
				t.Errorf("%s[%d] = %g, want %g", k, i, g.Data[i], w.Data[i])
			}
		}
	}
}

func TestWeightErrors(t *testing.T) {
	w, err := ReadWeights(filepath.Join(fixtures, "miniresnet.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	delete(w, "layer1.0.bn2.running_var")
	delete(w, "fc.bias")
	w["conv1.weight"] = &npy.Array{Shape: []int{8, 3, 5, 5}, Data: make([]float32, 8*3*25)}
	w["fc.extra"] = &npy.Array{Shape: []int{1}, Data: []float32{0}}
	_, err = Build(loadNet(t, "miniresnet"), nil, w, "w.safetensors")
	var we *WeightsError
	if !errors.As(err, &we) {
		t.Fatalf("got %v, want a *WeightsError", err)
	}
	msg := err.Error()
	for _, s := range []string{
		"w.safetensors: ",
		"2 missing: layer1.0.bn2.running_var (8), fc.bias (10)",
		"1 mis-shaped: conv1.weight is 8x3x5x5, want 8x3x3x3",
		"1 unexpected: fc.extra",
	} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q lacks %q", msg, s)
		}
	}
	if strings.Contains(msg, "num_batches_tracked") {
		t.Errorf("error %q names num_batches_tracked, which torch saves and the engine ignores", msg)
	}
	// A network walked at another input size wants another fc width.
	n, err := shape.ParseNet(strings.NewReader("input 4x4x1\nflatten\nhead: fc 2\n"), "tiny.net")
	if err != nil {
		t.Fatal(err)
	}
	w = Weights{"head.weight": {Shape: []int{2, 16}, Data: make([]float32, 32)}, "head.bias": {Shape: []int{2}, Data: make([]float32, 2)}}
	if _, err := Build(n, nil, w, "tiny.npz"); err != nil {
		t.Fatalf("at the written size: %v", err)
	}
	_, err = Build(n, &shape.Dims{H: 5, W: 5, C: 1}, w, "tiny.npz")
	if err == nil || !strings.Contains(err.Error(), "head.weight is 2x16, want 2x25") || !strings.Contains(err.Error(), "at input 5x5x1") {
		t.Errorf("got %v, want head.weight mis-shaped at input 5x5x1", err)
	}
}

func TestBadSafetensors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want string
	}{
		{"short", "abc", "shorter than"},
		{"huge header", "\xff\xff\xff\xff\x00\x00\x00\x00{}", "header length"},
		{"not json", "\x02\x00\x00\x00\x00\x00\x00\x00[}", "not a JSON object"},
		{"bad dtype", hdr(`{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`) + "12345678", `dtype "C64"`},
		{"outside", hdr(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`) + "1234", "outside"},
		{"size", hdr(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`) + "12345678", "want 12"},
		{"negative", hdr(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`), "negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeSafetensors([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func hdr(j string) string {
	n := len(j)
	return string([]byte{byte(n), byte(n >> 8), 0, 0, 0, 0, 0, 0}) + j
}

// TestInPlace: elementwise layers write over buffers nobody reads again,
// but never over the caller's input or a buffer a later layer reads.
func TestInPlace(t *testing.T) {
	n, err := shape.ParseNet(strings.NewReader(`input 1x4x1
a: relu
c: relu6 @a
keep: identity @a
d: add @c
`), "inplace.net")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(n, nil, Weights{}, "none")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := tensor.FromData(1, 1, 4, []float32{-1, 2, 7, -3})
	got := map[string][]float32{}
	out, err := m.Run(x, func(o LayerOutput) error {
		got[o.Layer.Name] = append([]float32(nil), o.Out.Data...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{-1, 2, 7, -3}; !equal(x.Data, want) {
		t.Errorf("input changed to %v", x.Data)
	}
	// d = keep + c = relu(x) + relu6(relu(x)): c must not write over a,
	// which keep (an alias) still passes to d; d may.
	if want := []float32{0, 4, 13, 0}; !equal(out.Data, want) {
		t.Errorf("output %v, want %v (a buffer was overwritten while still needed)", out.Data, want)
	}
	if want := []float32{0, 2, 7, 0}; !equal(got["a"], want) {
		t.Errorf("a = %v, want %v", got["a"], want)
	}
}

func equal(a, b []float32) bool {
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

// TestPresetsRun builds every shape preset with random weights, so a layer
// kind or an operand order the presets use but the engine cannot run
// shows here; the cheaper ones also run (at their written size) to a
// finite output of the walked shape. PyTorch agreement is the fixtures'
// job; this is the wiring.
func TestPresetsRun(t *testing.T) {
	for _, name := range shape.Presets() {
		t.Run(name, func(t *testing.T) {
			n, err := shape.Preset(name)
			if err != nil {
				t.Fatal(err)
			}
			res, err := shape.Walk(n, nil)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Build(n, nil, randomWeights(res), name)
			if err != nil {
				t.Fatal(err)
			}
			if res.MACs > 400e6 || testing.Short() {
				return
			}
			in := res.Input
			x := tensor.New(in.C, in.H, in.W)
			for i := range x.Data {
				x.Data[i] = float32(i%7) / 7
			}
			out, err := m.Run(x, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range out.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("output holds %g", v)
				}
			}
			// Again on recycled storage poisoned with NaN: the same bits.
			m.pool.Poison = true
			again, err := m.Run(x, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range again.Data {
				if math.Float32bits(v) != math.Float32bits(out.Data[i]) {
					t.Fatalf("second run (recycled buffers): value %d is %g, first run %g", i, v, out.Data[i])
				}
			}
		})
	}
}

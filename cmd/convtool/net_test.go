package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/forward"
	"github.com/convtool/convtool/internal/npy"
)

var (
	netTestdata = filepath.Join(repoTestdata, "net")
	fwdTestdata = filepath.Join(repoTestdata, "forward")
)

// TestNetGolden compares net run's text and JSON (no timings) byte for
// byte with testdata/net/*.golden (-update rewrites them).
func TestNetGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"digits-top3", []string{"net", "run", "digits", filepath.Join(repoTestdata, "digits", "seven.png"), "--top", "3"}},
		{"digits-print-weights", []string{"net", "run", "digits", "--print-weights"}},
		{"miniresnet-print-weights-json", []string{"net", "run", filepath.Join(fwdTestdata, "miniresnet.net"), "--print-weights", "--json"}},
		{"resnet18-print-weights", []string{"net", "run", "resnet18", "--print-weights"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden := filepath.Join(netTestdata, tc.name+".golden")
			if updateGolden() {
				if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if r.stdout != string(want) {
				t.Errorf("stdout differs from %s:\n%s", golden, r.stdout)
			}
		})
	}
}

func readNPY(t *testing.T, path string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// netCloseTo compares with PyTorch at 1e-4 of the largest value, the
// forward package's tolerance (float32 sums in another order).
func netCloseTo(t *testing.T, what string, got, want *npy.Array, tol float64) {
	t.Helper()
	if len(got.Data) != len(want.Data) {
		t.Fatalf("%s: %d values (%v), want %d (%v)", what, len(got.Data), got.Shape, len(want.Data), want.Shape)
	}
	var scale, worst float64
	for i := range want.Data {
		scale = max(scale, abs(float64(want.Data[i])))
		worst = max(worst, abs(float64(got.Data[i]-want.Data[i])))
	}
	if worst > tol*max(scale, 1) {
		t.Errorf("%s: max |diff| %g, over %g of %g", what, worst, tol, scale)
	}
}

func abs(v float64) float64 { return max(v, -v) }

// TestNetRunOutputAndMaps runs the mixed fixture network to an .npy and
// the mini ResNet with --maps, and compares with PyTorch.
func TestNetRunOutputAndMaps(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.npy")
	r := runCLI(t, nil, "net", "run", filepath.Join(fwdTestdata, "mixed.net"), "--weights", filepath.Join(fwdTestdata, "mixed.npz"),
		filepath.Join(fwdTestdata, "mixed.in.npy"), out, "-q")
	if r.code != 0 || r.stderr != "" || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	want, err := forward.ReadWeights(filepath.Join(fwdTestdata, "mixed.out.npz"))
	if err != nil {
		t.Fatal(err)
	}
	netCloseTo(t, "mixed fc", readNPY(t, out), want["fc"], 1e-4)

	maps := filepath.Join(dir, "maps")
	r = runCLI(t, nil, "net", "run", filepath.Join(fwdTestdata, "miniresnet.net"), "--weights", filepath.Join(fwdTestdata, "miniresnet.safetensors"),
		filepath.Join(fwdTestdata, "miniresnet.in.npy"), "--maps", maps, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc struct {
		Layers []struct {
			Layer string
			MS    *float64 `json:"ms"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Layers) != 25 || doc.Layers[3].MS == nil {
		t.Fatalf("--json: %v, %d layers, want 25 with ms: %s", err, len(doc.Layers), r.stdout)
	}
	raw, err := os.ReadFile(filepath.Join(maps, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Layer, NPY, PNG string
		Min, Max, Mean  float64
		Shape           struct{ C, H, W int }
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	want, err = forward.ReadWeights(filepath.Join(fwdTestdata, "miniresnet.out.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(index) != len(want) {
		t.Fatalf("index has %d layers, want %d", len(index), len(want))
	}
	for _, e := range index {
		if (e.PNG != "") != (e.Shape.H*e.Shape.W > 1) {
			t.Errorf("%s %v: png %q; want a mosaic exactly for maps larger than 1x1", e.Layer, e.Shape, e.PNG)
		}
		if e.PNG != "" {
			if _, err := os.Stat(filepath.Join(maps, e.PNG)); err != nil {
				t.Error(err)
			}
		}
		got := readNPY(t, filepath.Join(maps, e.NPY))
		netCloseTo(t, e.Layer, got, want[e.Layer], 1e-4)
		lo, hi := got.Data[0], got.Data[0]
		for _, v := range got.Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		if float64(lo) != e.Min || float64(hi) != e.Max || e.Shape.C*e.Shape.H*e.Shape.W != len(got.Data) {
			t.Errorf("%s: index says min %g max %g shape %v, the .npy has %g %g %d values", e.Layer, e.Min, e.Max, e.Shape, lo, hi, len(got.Data))
		}
	}
}

// TestNetRunPreprocess checks the preprocessing flags against
// torchvision's Resize(20), CenterCrop(15), ToTensor, Normalize through a
// network that passes its input through.
func TestNetRunPreprocess(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.npy")
	r := runCLI(t, nil, "net", "run", filepath.Join(netTestdata, "identity.net"), filepath.Join(repoTestdata, "transform", "src.png"), out,
		"--resize", "20", "--crop", "15", "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225", "-q")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// 1e-5: torch normalises in float32, the job in float64.
	netCloseTo(t, "preprocessed", readNPY(t, out), readNPY(t, filepath.Join(repoTestdata, "transform", "pipeline.npy")), 1e-5)
}

func TestNetRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.npz")
	w, err := os.ReadFile(filepath.Join(fwdTestdata, "dtypes.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, w, 0o644); err != nil {
		t.Fatal(err)
	}
	labels := filepath.Join(dir, "labels.txt")
	if err := os.WriteFile(labels, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "keep.npy")
	if err := os.WriteFile(keep, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	seven := filepath.Join(repoTestdata, "digits", "seven.png")
	mini := filepath.Join(fwdTestdata, "miniresnet.net")
	in := filepath.Join(fwdTestdata, "miniresnet.in.npy")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no weights", []string{"net", "run", mini, in}, 2, "needs 32 weight tensors: give --weights FILE"},
		{"wrong weights", []string{"net", "run", mini, "--weights", bad, in, keep}, 1, bad + ": weights do not fit the network at input 16x16x3: 32 missing: conv1.weight (8x3x3x3)"},
		{"no such weights", []string{"net", "run", mini, "--weights", filepath.Join(dir, "nope.safetensors"), in}, 1, "nope.safetensors"},
		{"not weights", []string{"net", "run", mini, "--weights", seven, in}, 1, seven + ": not a safetensors file"},
		{"bad preprocess", []string{"net", "run", "digits", seven, "--preprocess", "coco"}, 2, `--preprocess "coco"`},
		{"mean without std", []string{"net", "run", "digits", seven, "--mean", "0.5"}, 2, "--mean and --std go together"},
		{"labels count", []string{"net", "run", "digits", seven, keep, "--labels", labels}, 1, labels + ": 2 labels for the 10 outputs of fc2"},
		{"crop too big", []string{"net", "run", "digits", seven, "--crop", "9"}, 1, seven + ": centre crop 9x9 of a 8x8 image"},
		{"args", []string{"net", "run", "digits"}, 2, "takes NET IN [OUT]"},
		{"bad output ext", []string{"net", "run", "digits", seven, filepath.Join(dir, "o.xyz")}, 2, "o.xyz"},
		{"huge layer", []string{"net", "run", filepath.Join(netTestdata, "huge.net"), "--weights", bad, seven, "--max-pixels", "100000"}, 1, "layer up would be 800x800x1, over --max-pixels 100000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line containing %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(keep); string(b) != "precious" {
		t.Errorf("a failed run changed its output file: %q", b)
	}
}

// TestNetRunImagenetPreset: the preset is the explicit flags (which
// TestNetRunPreprocess checks against torchvision).
func TestNetRunImagenetPreset(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(repoTestdata, "transform", "src.png")
	id := filepath.Join(netTestdata, "identity.net")
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	for _, args := range [][]string{
		{"net", "run", id, src, a, "--preprocess", "imagenet", "-q"},
		{"net", "run", id, src, b, "--resize", "256", "--crop", "224", "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225", "-q"},
	} {
		if r := runCLI(t, nil, args...); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	x, y := readNPY(t, a), readNPY(t, b)
	if len(x.Shape) != 3 || x.Shape[0] != 3 || x.Shape[1] != 224 || x.Shape[2] != 224 {
		t.Fatalf("--preprocess imagenet gave shape %v, want 3x224x224", x.Shape)
	}
	netCloseTo(t, "imagenet preset", x, y, 0)
}

// TestNetRunTopSoftmax: --top takes a softmax layer's output as the
// probabilities rather than applying softmax twice.
func TestNetRunTopSoftmax(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.npy")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := npy.Write(f, &npy.Array{Shape: []int{3, 1, 1}, Data: []float32{0, 1, 2}}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	labels := filepath.Join(dir, "labels.txt")
	if err := os.WriteFile(labels, []byte("zero\none\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// softmax(0, 1, 2) = 0.0900, 0.2447, 0.6652; applied twice it would
	// be 0.2552, 0.2963, 0.4485.
	want := "1  two          0.6652\n2  one          0.2447\n"
	for _, net := range []string{"raw.net", "soft.net"} {
		text := "input 1x1x3\n"
		if net == "soft.net" {
			text += "softmax\n"
		} else {
			text += "identity\n"
		}
		p := filepath.Join(dir, net)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, nil, "net", "run", p, in, "--top", "2", "--labels", labels, "-q")
		if r.code != 0 || r.stdout != want {
			t.Errorf("%s: exit %d, stdout %q, want %q (%s)", net, r.code, r.stdout, want, r.stderr)
		}
	}
}

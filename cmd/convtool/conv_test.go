package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// readTensor loads any file convtool reads, failing the test on error.
func readTensor(t *testing.T, path string) *tensorio.Data {
	t.Helper()
	d, err := tensorio.Read(path, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// convCase is one line of testdata/conv/cases.json (written by
// testdata/conv/gen_fixtures.py from PyTorch, numpy and scipy).
type convCase struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Stride    [2]int `json:"stride"`
	Dil       [2]int `json:"dil"`
	Pad       [4]int `json:"pad"`
	PadMode   string `json:"padmode"`
	Edge      string `json:"edge"`
	Groups    int    `json:"groups"`
	Transpose bool   `json:"transpose"`
	OutPad    [2]int `json:"outpad"`
	Flip      bool   `json:"flip"`
	Bias      bool   `json:"bias"`
}

// args turns a fixture case into the conv command line a user would type,
// or ok=false when the case's padding has no flag form (asymmetric pads
// that only the library API takes).
func (c convCase) args(dir, out string, method string) (args []string, ok bool) {
	base := filepath.Join(dir, c.Name)
	args = []string{"conv", base + ".x.npy", out, "-q", "-k", base + ".k.npy",
		"--stride", fmt.Sprintf("%d,%d", c.Stride[0], c.Stride[1]),
		"--dilation", fmt.Sprintf("%d,%d", c.Dil[0], c.Dil[1]),
		"--edge", c.Edge, "--method", method}
	switch {
	case c.PadMode != "":
		args = append(args, "--padding", c.PadMode)
	case c.Pad[0] == c.Pad[1] && c.Pad[2] == c.Pad[3]:
		args = append(args, "--padding", fmt.Sprintf("%d,%d", c.Pad[0], c.Pad[2]))
	default:
		return nil, false
	}
	if c.Groups > 1 {
		args = append(args, "--groups", fmt.Sprint(c.Groups))
	}
	if c.Transpose {
		args = append(args, "--transpose", "--output-padding", fmt.Sprintf("%d,%d", c.OutPad[0], c.OutPad[1]))
	}
	if c.Flip {
		args = append(args, "--flip")
	}
	if c.Bias {
		args = append(args, "--bias", base+".b.npy")
	}
	return args, true
}

// TestConvCLIMatchesOracles runs every PyTorch/numpy/scipy fixture case
// through the command line — flag parsing, padding resolution, --flip,
// the engine and the .npy writer together — with each method.
// Tolerance: float32 accumulation against float64 references, 1e-4·(1+|ref|).
func TestConvCLIMatchesOracles(t *testing.T) {
	dir := filepath.Join(repoTestdata, "conv")
	raw, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []convCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, c := range cases {
		for _, method := range []string{"auto", "direct", "gemm", "separable", "fft"} {
			out := filepath.Join(t.TempDir(), "y.npy")
			args, ok := c.args(dir, out, method)
			if !ok {
				continue
			}
			t.Run(c.Name+"/"+method, func(t *testing.T) {
				r := runCLI(t, nil, args...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				got, want := readTensor(t, out).T, readTensor(t, filepath.Join(dir, c.Name+".y.npy")).T
				if !got.SameShape(want) {
					t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
				}
				for i, w := range want.Data {
					if d := math.Abs(float64(got.Data[i] - w)); d > 1e-4*(1+math.Abs(float64(w))) {
						t.Fatalf("value %d = %v, want %v", i, got.Data[i], w)
					}
				}
			})
			ran++
		}
	}
	if ran < 100 {
		t.Fatalf("only %d case×method runs: the fixture list shrank", ran)
	}
}

// maxDiff returns the largest |a-b| over the first n channels.
func maxDiff(a, b *tensor.Tensor, n int) float64 {
	var m float64
	for c := range n {
		pa, pb := a.Plane(c), b.Plane(c)
		for i := range pa {
			m = max(m, math.Abs(float64(pa[i])-float64(pb[i])))
		}
	}
	return m
}

// TestConvImagesMatchOracles checks the image paths — default replicate
// edges, --gray, --abs, --rescale, --alpha, 16-bit, a .mat kernel's scale
// and offset — against OpenCV, scipy.ndimage and libvips (see
// testdata/cli/gen_cli_fixtures.py). References are exact float64 values,
// our outputs are rounded to integer samples: a difference of at most 0.5
// plus float32 round-off (and 1 where a reference sits on a .5 boundary).
func TestConvImagesMatchOracles(t *testing.T) {
	dir := filepath.Join(repoTestdata, "cli")
	tests := []struct {
		name, in, ref string
		args          []string
		ext           string
		tol           float64
	}{
		{"gaussian replicate = cv2.filter2D", "rgb.png", "rgb_gaussian2.npy", []string{"-k", "gaussian:2"}, ".png", 0.51},
		{"float output keeps the exact value", "rgb.png", "rgb_gaussian2.npy", []string{"-k", "gaussian:2", "--edge", "nearest"}, ".npy", 1e-3},
		{"sobel-x on grey, abs = |cv2.Sobel|", "rgb.png", "grey_sobelx_abs.npy", []string{"-k", "sobel-x", "--gray", "--abs"}, ".npy", 1e-3},
		{"sobel-x rescaled to 0..255", "rgb.png", "grey_sobelx_rescale.npy", []string{"-k", "sobel-x", "--gray", "--rescale", "--format", "png"}, ".png", 0.51},
		{"alpha convolve = premultiplied scipy", "rgba.png", "rgba_box5_convolve.npy", []string{"-k", "box:5", "--alpha", "convolve"}, ".png", 0.51},
		{"alpha keep", "rgba.png", "rgba_box5_keep.npy", []string{"-k", "box:5", "--alpha", "keep"}, ".png", 0.51},
		{"16-bit range kept", "grey16.png", "grey16_box3.npy", []string{"-k", "box:3"}, ".png", 0.51},
		{".mat scale and offset = vips conv", "grey.png", "grey_vips_sobel_s4_o10.npy", []string{"-k", filepath.Join(dir, "sobel_s4_o10.mat")}, ".npy", 1e-3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out"+tc.ext)
			args := append([]string{"conv", filepath.Join(dir, tc.in), out, "-q"}, tc.args...)
			r := runCLI(t, nil, args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got, want := readTensor(t, out).T, readTensor(t, filepath.Join(dir, tc.ref)).T
			if !got.SameShape(want) {
				t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
			}
			if d := maxDiff(got, want, want.C); d > tc.tol {
				t.Errorf("max |convtool - oracle| = %.4f, tolerance %.4f", d, tc.tol)
			}
		})
	}
}

// TestConvSummary checks the summary line names what ran, and its JSON form.
func TestConvSummary(t *testing.T) {
	in := filepath.Join(repoTestdata, "cli", "grey.png")
	out := filepath.Join(t.TempDir(), "o.png")
	r := runCLI(t, nil, "conv", in, out, "-k", "sobel-y", "--flip")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"1x48x64", "sobel-y 3x3", "convolution (kernel flipped)", "edge replicate", "padding same (1,1,1,1)", "method "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("summary %q lacks %q", r.stderr, want)
		}
	}
	r = runCLI(t, nil, "conv", in, out, "-k", "2x2: 1,1,1,1", "--json", "--edge", "wrap", "--method", "direct")
	var js map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil {
		t.Fatalf("--json printed %q: %v", r.stdout, err)
	}
	if js["edge"] != "circular" || js["method"] != "direct" || js["padding"] != "same (0,1,0,1)" || js["command"] != "conv" {
		t.Errorf("JSON summary %v", js)
	}
	if r.stderr != "" {
		t.Errorf("--json should leave stderr quiet, got %q", r.stderr)
	}
}

// TestConvStdinStdout runs the pipeline form: PNG in on stdin, PNG out on
// stdout, with the same pixels as the file form.
func TestConvStdinStdout(t *testing.T) {
	dir := filepath.Join(repoTestdata, "cli")
	raw, err := os.ReadFile(filepath.Join(dir, "rgb.png"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, strings.NewReader(string(raw)), "conv", "-", "-", "-k", "box:3", "-q")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "\x89PNG") {
		t.Fatalf("stdout is not a PNG: %q…", r.stdout[:min(8, len(r.stdout))])
	}
	piped := filepath.Join(t.TempDir(), "piped.png")
	if err := os.WriteFile(piped, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file.png")
	if r := runCLI(t, nil, "conv", filepath.Join(dir, "rgb.png"), file, "-k", "box:3", "-q"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if d := tensor.MaxAbsDiff(readTensor(t, piped).T, readTensor(t, file).T); d != 0 {
		t.Errorf("pipe and file outputs differ by %v", d)
	}
}

// TestConvTransposeSame checks the documented rule that --transpose with
// 'same' padding makes the output exactly stride times the input.
func TestConvTransposeSame(t *testing.T) {
	in := filepath.Join(repoTestdata, "cli", "grey.png")
	for _, tc := range []struct{ k, s string }{{"box:3", "2"}, {"4x4: 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "2"}, {"box:5", "3"}, {"box:3", "1"}} {
		out := filepath.Join(t.TempDir(), "o.npy")
		r := runCLI(t, nil, "conv", in, out, "-q", "-k", tc.k, "--transpose", "--stride", tc.s)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc, r.code, r.stderr)
		}
		got := readTensor(t, out).T
		var s int
		fmt.Sscan(tc.s, &s)
		if got.H != 48*s || got.W != 64*s {
			t.Errorf("%v: output %dx%d, want %dx%d", tc, got.H, got.W, 48*s, 64*s)
		}
	}
}

// TestConvUsageErrors: a bad command line exits 2 with one line and writes
// nothing.
func TestConvUsageErrors(t *testing.T) {
	in := filepath.Join(repoTestdata, "cli", "grey.png")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no kernel", []string{"conv", in, "OUT"}, "needs a kernel"},
		{"bad edge", []string{"conv", in, "OUT", "-k", "box:3", "--edge", "bounce"}, "bounce"},
		{"bad method", []string{"conv", in, "OUT", "-k", "box:3", "--method", "magic"}, "magic"},
		{"zero stride", []string{"conv", in, "OUT", "-k", "box:3", "--stride", "0"}, "--stride"},
		{"bad padding", []string{"conv", in, "OUT", "-k", "box:3", "--padding", "lots"}, "--padding"},
		{"one argument", []string{"conv", in}, "2 arguments"},
		{"output padding without transpose", []string{"conv", in, "OUT", "-k", "box:3", "--output-padding", "1"}, "--transpose"},
		{"reflect with transpose", []string{"conv", in, "OUT", "-k", "box:3", "--transpose", "--edge", "reflect"}, "zero"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, a := range tc.args {
				if a == "OUT" {
					tc.args[i] = filepath.Join(dir, "out.png")
				}
			}
			r := runCLI(t, nil, tc.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, exitUsage, r.stderr)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q: want one line mentioning %q", r.stderr, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out.png")); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

// TestConvAlphaKeepFollowsColour: with --alpha keep and a kernel whose only
// 1 is at its anchor, a transparent pixel's
// alpha lands where its colour lands, whatever the padding, stride,
// dilation or --flip (the QA case: a dot moved by 'full' padding).
func TestConvAlphaKeepFollowsColour(t *testing.T) {
	dot := tensor.New(4, 6, 6)
	for y := range 6 {
		for x := range 6 {
			dot.Set(3, y, x, 255)
		}
	}
	dot.Set(0, 2, 2, 200)
	dot.Set(3, 2, 2, 0)
	in := filepath.Join(t.TempDir(), "dot.png")
	if err := tensorio.Write(in, &tensorio.Data{T: dot, Format: "png", Rank: 3, Depth: 8, Alpha: true}, tensorio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-k", "identity:3", "--padding", "full"},
		{"-k", "identity:3", "--padding", "valid"},
		{"-k", "identity:3", "--stride", "2"},
		{"-k", "identity:3", "--stride", "2", "--dilation", "2", "--padding", "valid"},
		{"-k", "2x2: 1,0,0,0", "--flip"}, // turned, the 1 sits at the turned centre (1,1)
		{"-k", "3x3+0+0: 1,0,0,0,0,0,0,0,0"},
	} {
		out := filepath.Join(t.TempDir(), "o.npy")
		r := runCLI(t, nil, append([]string{"conv", in, out, "-q"}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		got := readTensor(t, out).T
		for y := range got.H {
			for x := range got.W {
				red, alpha := got.At(0, y, x), got.At(3, y, x)
				if (red > 0) != (alpha == 0) {
					t.Errorf("%v: (%d,%d) red %v alpha %v: alpha did not follow the colour", args, y, x, red, alpha)
				}
			}
		}
	}
}

// TestConvProgressClearedBeforeSummary: on a terminal the bar (when drawn)
// is erased before the summary line, which must start a line of its own;
// conv and pool both draw one.
func TestConvProgressClearedBeforeSummary(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = 0 // draw at once
	in := filepath.Join(repoTestdata, "cli", "rgb.png")
	out := filepath.Join(t.TempDir(), "o.png")
	for _, c := range []struct {
		args    []string
		summary string
	}{
		{[]string{"conv", in, out, "-k", "box:3"}, "conv: input "},
		{[]string{"pool", in, out, "--size", "2"}, "pool: op "},
	} {
		var stdout, stderr strings.Builder
		code := run(c.args, &streams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr, ErrIsTerminal: true})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), c.args[0]+" [") {
			t.Fatalf("%s: no bar drawn on a terminal: %q", c.args[0], stderr.String())
		}
		last := stderr.String()
		if i := strings.LastIndex(last, "\r"); i >= 0 {
			last = last[i+1:]
		}
		if !strings.HasPrefix(last, c.summary) || !strings.HasSuffix(last, "\n") {
			t.Errorf("stderr ends %q: the summary should follow the erased bar on a clean line", last)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAlphaRuleByKernelKind runs the RGBA photo with a soft round mask
// (testdata/photo/gen_output.py) through a zero-sum and a smoothing kernel
// with the default --alpha auto, against OpenCV computations of the rule:
// sobel-x keeps alpha exactly and filters straight colour; box:5 weights
// colour by alpha and blurs alpha. Written to .npy the float results are
// compared at 1e-3 (float32 sums of the same products; box's division by
// a tiny blurred alpha at the mask's rim amplifies rounding, so the
// colour is compared where the blurred alpha is at least 1).
// Nothing opaque may come out transparent.
func TestAlphaRuleByKernelKind(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "output")
	in := filepath.Join(dir, "rgba.png")
	tests := []struct {
		kernel, ref, note string
	}{
		{"sobel-x", "sobelx_rgba.npy", "alpha kept (zero-sum kernel)"},
		{"box:5", "box5_rgba.npy", "alpha convolved (smoothing kernel: colour weighted by alpha)"},
	}
	src := readTensor(t, in).T
	for _, tc := range tests {
		t.Run(tc.kernel, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "o.npy")
			r := runCLI(t, nil, "conv", in, out, "-k", tc.kernel)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.note) {
				t.Errorf("summary %q lacks %q", r.stderr, tc.note)
			}
			got, want := readTensor(t, out).T, readTensor(t, filepath.Join(dir, tc.ref)).T
			if !got.SameShape(want) {
				t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
			}
			n := got.H * got.W
			ga, wa := got.Plane(3), want.Plane(3)
			var worst float64
			for i := 0; i < n; i++ {
				worst = max(worst, abs64(float64(ga[i])-float64(wa[i])))
				if src.Plane(3)[i] == 255 && ga[i] < 1 {
					t.Fatalf("opaque pixel %d came out transparent", i)
				}
				if wa[i] < 1 {
					continue
				}
				for c := 0; c < 3; c++ {
					worst = max(worst, abs64(float64(got.Plane(c)[i])-float64(want.Plane(c)[i])))
				}
			}
			if worst > 1e-3 {
				t.Errorf("max |convtool - OpenCV rule| = %g, tolerance 1e-3", worst)
			}
		})
	}
	// The alpha of a zero-sum kernel, written to PNG, is the input's.
	out := filepath.Join(t.TempDir(), "o.png")
	if r := runCLI(t, nil, "conv", in, out, "-q", "-k", "sobel-x"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if d := maxDiffPlane(readTensor(t, out).T.Plane(3), src.Plane(3)); d != 0 {
		t.Errorf("sobel-x changed alpha by up to %v", d)
	}
}

// TestAlphaConvolveRefusedForZeroSum: choosing --alpha convolve with a
// kernel that would empty alpha is a usage error, before any input is read.
func TestAlphaConvolveRefusedForZeroSum(t *testing.T) {
	in := filepath.Join(repoTestdata, "photo", "output", "rgba.png")
	out := filepath.Join(t.TempDir(), "o.png")
	tests := []struct {
		kernel, want string
	}{
		{"sobel-x", "--alpha convolve with sobel-x (sum 0) would make opaque pixels transparent (an opaque area's alpha convolves to 0); use --alpha keep, or the default auto"},
		{"-1 -1 -1; -1 1 -1; -1 -1 -1", "(sum -7) would make opaque pixels transparent (an opaque area's alpha convolves to below 0)"},
	}
	for _, tc := range tests {
		r := runCLI(t, strings.NewReader("not read"), "conv", in, out, "-k", tc.kernel, "--alpha", "convolve")
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tc.kernel, r.code, r.stderr, tc.want)
		}
	}
	// Explicitly chosen for a signed kernel whose sum is positive: allowed.
	if r := runCLI(t, nil, "conv", in, out, "-q", "-k", "sharpen", "--alpha", "convolve"); r.code != 0 {
		t.Errorf("sharpen --alpha convolve: exit %d %s", r.code, r.stderr)
	}
	r := runCLI(t, nil, "conv", "--help")
	if !strings.Contains(r.stdout, "zero-sum and signed kernels (sobel, laplacian, sharpen, emboss)") {
		t.Errorf("conv --help does not state the alpha rule")
	}
}

func abs64(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func maxDiffPlane(a, b []float32) float64 {
	var m float64
	for i := range a {
		m = max(m, abs64(float64(a[i])-float64(b[i])))
	}
	return m
}

// TestSummaryReportsTheFile: after --gray the summary still says what the
// file held (3 channels), and what --gray made of it.
func TestSummaryReportsTheFile(t *testing.T) {
	in := filepath.Join(repoTestdata, "images", "sample.png")
	out := filepath.Join(t.TempDir(), "o.png")
	r := runCLI(t, nil, "conv", in, out, "-k", "box:3", "--gray")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"input " + in + " 3x512x512", "read PNG 8-bit RGB", "gray 3 → 1 channels (Rec. 601 luma)", "output " + out + " 1x512x512"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("summary %q lacks %q", r.stderr, want)
		}
	}
}

// TestTransposeAlphaRefusedForSignedKernels: a transposed filter convolves
// alpha too, so a kernel that would empty it is refused (exit 1, one line,
// no output), and a smoothing one runs.
func TestTransposeAlphaRefusedForSignedKernels(t *testing.T) {
	in := filepath.Join(repoTestdata, "photo", "output", "rgba.png")
	out := filepath.Join(t.TempDir(), "o.png")
	r := runCLI(t, nil, "conv", in, out, "-k", "sobel-x", "--transpose", "--stride", "2")
	if r.code != 1 || !strings.Contains(r.stderr, "sobel-x (not a smoothing kernel) would make opaque pixels transparent") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an output was written")
	}
	if r := runCLI(t, nil, "conv", in, out, "-q", "-k", "box:2", "--transpose", "--stride", "2"); r.code != 0 {
		t.Errorf("box:2 --transpose: exit %d %s", r.code, r.stderr)
	}
}

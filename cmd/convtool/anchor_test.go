package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvenKernelAnchors checks that an even-sized kernel is anchored as
// the tool whose form it comes in, against that tool's own output
// (testdata/photo/gen_anchor.py): OpenCV's k/2 for built-ins, vips conv's
// k/2 for a .mat, ImageMagick's origin for its strings under -morphology
// Correlate (no flip) and Convolve (--flip). A kernel anchored one row or
// column away differs from the oracle by tens of levels on this crop
// (edges of a roof and the horizon), far above the tolerances.
//
// Tolerances: the float outputs (.npy, vips's csv) are float32 sums of
// the same products, 1e-3. The 8-bit ones are rounded by both sides:
// cv2.blur and ImageMagick round a value we compute in float32 to the same
// integer except where it sits within float error of .5, so 1 level.
func TestEvenKernelAnchors(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "anchor")
	specs := map[string]string{}
	b, err := os.ReadFile(filepath.Join(dir, "im_specs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		name, spec, _ := strings.Cut(line, "\t")
		specs[name] = spec
	}
	tests := []struct {
		name, in, ref, ext string
		args               []string
		tol                float64
	}{
		{"box:4 = cv2.blur (4,4)", "rgb.png", "box4.png", ".png", []string{"-k", "box:4"}, 1},
		{"gaussian:1.5:4 = cv2.sepFilter2D", "rgb.png", "gauss4.npy", ".npy", []string{"-k", "gaussian:1.5:4"}, 1e-3},
		{"3x2 .mat = vips conv", "grey.png", "vips_k32.csv", ".npy", []string{"-k", filepath.Join(dir, "k32.mat")}, 1e-3},
	}
	for _, name := range []string{"k32", "k32o", "k44"} {
		tests = append(tests,
			struct {
				name, in, ref, ext string
				args               []string
				tol                float64
			}{name + " = convert -morphology Correlate", "grey.png", "im_correlate_" + name + ".png", ".png", []string{"-k", specs[name]}, 1},
			struct {
				name, in, ref, ext string
				args               []string
				tol                float64
			}{name + " --flip = convert -morphology Convolve", "grey.png", "im_convolve_" + name + ".png", ".png", []string{"-k", specs[name], "--flip"}, 1})
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
			if got.C*got.H*got.W != want.C*want.H*want.W || got.H != want.H || got.W != want.W {
				t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
			}
			if d := maxDiff(got, want, want.C); d > tc.tol {
				t.Errorf("max |convtool - oracle| = %.4f, tolerance %.4f", d, tc.tol)
			}
		})
	}
}

// TestEvenKernelAnchorReported checks that kernel show, the summary and
// the run agree on the anchor, and that the summary's op says which
// ImageMagick method an ImageMagick string matches.
func TestEvenKernelAnchorReported(t *testing.T) {
	in := filepath.Join(repoTestdata, "photo", "anchor", "grey.png")
	out := filepath.Join(t.TempDir(), "o.png")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"kernel", "show", "box:4"}, []string{"origin      row 2, column 2 (even size: OpenCV's anchor k/2"}},
		{[]string{"kernel", "show", filepath.Join(repoTestdata, "photo", "anchor", "k32.mat")}, []string{"origin      row 1, column 1 (even size: libvips' anchor k/2"}},
		{[]string{"kernel", "show", "4x4: 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"}, []string{"origin      row 1, column 1 (even size: ImageMagick's origin (k-1)/2"}},
		{[]string{"conv", in, out, "-k", "box:4"}, []string{"padding same (2,1,2,1)", "anchor row 2, column 2 (even size: OpenCV's anchor k/2", "op correlation,"}},
		{[]string{"conv", in, out, "-k", "3x2: 1,2,3,4,5,6"}, []string{"op correlation (as ImageMagick -morphology Correlate; --flip for -morphology Convolve)", "padding same (0,1,1,1)"}},
		{[]string{"conv", in, out, "-k", "3x2: 1,2,3,4,5,6", "--flip"}, []string{"op convolution (kernel flipped, as ImageMagick -morphology Convolve)", "padding same (1,0,1,1)"}},
		{[]string{"kernel", "list"}, []string{"an even K is anchored at K/2, as OpenCV"}},
	}
	for _, tc := range tests {
		r := runCLI(t, nil, tc.args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout+r.stderr, w) {
				t.Errorf("%v: output\n%s%s\nlacks %q", tc.args, r.stdout, r.stderr, w)
			}
		}
	}
}

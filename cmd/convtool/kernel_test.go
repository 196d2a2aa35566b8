package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/kernelview"
)

var kernelTestdata = filepath.Join("..", "..", "testdata", "kernel")

// TestKernelGolden compares text and JSON output byte for byte with
// testdata/kernel/*.golden (go test ./cmd/convtool -run KernelGolden -update
// rewrites them).
func TestKernelGolden(t *testing.T) {
	files := filepath.Join(kernelTestdata, "files")
	tests := []struct {
		name string
		args []string
	}{
		{"list", []string{"kernel", "list"}},
		{"list_json", []string{"kernel", "list", "--json"}},
		{"show_sobel-x", []string{"kernel", "show", "sobel-x"}},
		{"show_sobel-x_json", []string{"kernel", "show", "sobel-x", "--json"}},
		{"show_gaussian1", []string{"kernel", "show", "gaussian:1"}},
		{"show_box3_json", []string{"kernel", "show", "--json", "box:3"}},
		{"show_laplacian", []string{"kernel", "show", "laplacian"}},
		{"show_motion5_45", []string{"kernel", "show", "motion:5:45"}},
		{"show_im_origin", []string{"kernel", "show", "3x2+2+1: 1,2,3,4,5,6"}},
		{"show_inline", []string{"kernel", "show", "1 2 1; 2 4 2; 1 2 1"}},
		{"show_mat", []string{"kernel", "show", filepath.Join(files, "k.mat")}},
		{"show_mat_json", []string{"kernel", "show", "--json", filepath.Join(files, "k.mat")}},
		{"show_bank", []string{"kernel", "show", filepath.Join(files, "bank.npy")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runArgs("", tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			golden := filepath.Join(kernelTestdata, tc.name+".golden")
			if updateGolden() {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", golden, out, want)
			}
		})
	}
}

// TestKernelErrors: a bad spec is one line on stderr naming it, exit 1;
// a bad command line is exit 2.
func TestKernelErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"kernel", "show", "gausian:2"}, 1, `kernel "gausian:2": unknown built-in "gausian" (did you mean gaussian?)`},
		{[]string{"kernel", "show", "identity:4"}, 1, `kernel "identity:4": size 4 must be odd`},
		{[]string{"kernel", "show", "gaussian:-1"}, 1, `kernel "gaussian:-1": sigma -1 must be positive`},
		{[]string{"kernel", "show", "1 2; 3"}, 1, `kernel "1 2; 3": ragged rows`},
		{[]string{"kernel", "show", "3x3: 1,2"}, 1, `kernel "3x3: 1,2": ImageMagick kernel 3x3 needs 9 values, got 2`},
		{[]string{"kernel", "show", "nope.npy"}, 1, `kernel "nope.npy": no such file`},
		{[]string{"kernel", "show", "1 nan"}, 1, `"nan" is not finite`},
		{[]string{"kernel", "show"}, 2, "takes 1 arguments"},
		{[]string{"kernel", "show", "box:3", "--cell", "0"}, 2, "--cell 0"},
		{[]string{"kernel", "show", "box:3", "--bogus"}, 2, "unknown flag"},
		{[]string{"kernel", "frob"}, 2, "unknown kernel subcommand"},
		{[]string{"kernel", "list", "x"}, 2, "takes 0 arguments"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runArgs("", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q: want one line containing %q", errOut, tc.want)
			}
		})
	}
}

// TestKernelPNG writes the picture through tensorio and reads it back.
func TestKernelPNG(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.png")
	_, errOut, code := runArgs("", "kernel", "show", "-q", "emboss", "--png", path, "--cell", "6")
	if strings.Contains(errOut, "not implemented") {
		t.Skip("tensorio cannot write yet")
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	k, _, _ := kernel.Parse("emboss")
	want := kernelview.Picture(k, 6)
	b := img.Bounds()
	if b.Dy() != want.H || b.Dx() != want.W {
		t.Fatalf("PNG %dx%d, want %dx%d", b.Dx(), b.Dy(), want.W, want.H)
	}
	for y := 0; y < want.H; y++ {
		for x := 0; x < want.W; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			got := [3]float32{float32(r >> 8), float32(g >> 8), float32(bl >> 8)}
			for c := 0; c < 3; c++ {
				if got[c] != want.At(c, y, x) {
					t.Fatalf("pixel (%d,%d) = %v, want channel %d = %v", x, y, got, c, want.At(c, y, x))
				}
			}
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
)

// TestKernelSave: `kernel show --save` writes exactly the kernel's values in
// every matrix format, and a .mat keeps a kernel's scale and offset.
func TestKernelSave(t *testing.T) {
	for _, tc := range []struct{ spec, ext string }{
		{"gaussian:1.5", ".npy"}, {"sobel-x", ".csv"}, {"motion:5:30", ".txt"}, {"log:1", ".mat"},
		{filepath.Join(repoTestdata, "cli", "sobel_s4_o10.mat"), ".mat"},
	} {
		want, _, err := kernel.Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "k"+tc.ext)
		if r := runCLI(t, nil, "kernel", "show", tc.spec, "--save", path, "-q"); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.spec, r.code, r.stderr)
		}
		got, _, err := kernel.Parse(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.H != want.H || got.W != want.W {
			t.Fatalf("%s: saved %dx%d, want %dx%d", tc.spec, got.H, got.W, want.H, want.W)
		}
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("%s%s: element %d = %v, want %v", tc.spec, tc.ext, i, got.Data[i], want.Data[i])
			}
		}
		if tc.ext == ".mat" && !want.HasScale {
			// A saved .mat always carries "scale offset" (1 0), for vips.
			want.Scale, want.Offset, want.HasScale = 1, 0, true
		}
		if got.HasScale != want.HasScale || want.HasScale && (got.Scale != want.Scale || got.Offset != want.Offset) {
			t.Errorf("%s: scale/offset %v %v %v, want %v %v %v", tc.spec, got.HasScale, got.Scale, got.Offset, want.HasScale, want.Scale, want.Offset)
		}
	}
	// A wrong extension is a usage error found before anything is
	// written: the picture asked for beside it must not appear either.
	dir := t.TempDir()
	for _, save := range []string{"k.png", "k.xyz", "nodir/k.npy"} {
		pic := filepath.Join(dir, "pic.png")
		r := runCLI(t, nil, "kernel", "show", "box:3", "--png", pic, "--save", filepath.Join(dir, save))
		want := exitUsage
		if save == "nodir/k.npy" {
			want = exitError // found only when writing: the picture is atomic, the save fails after it
		}
		if r.code != want {
			t.Errorf("--save %s: exit %d, want %d (%s)", save, r.code, want, r.stderr)
		}
		if _, err := os.Stat(pic); want == exitUsage && err == nil {
			t.Errorf("--save %s: the picture was written before the usage error", save)
		}
		os.Remove(pic)
	}
}

// TestKernelShowDilation: --dilation D shows k with D-1 zeros between taps,
// size k+(k-1)(D-1), the kernel a dilated convolution applies.
func TestKernelShowDilation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.npy")
	if r := runCLI(t, nil, "kernel", "show", "prewitt-y", "--dilation", "3,2", "--save", path, "-q"); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	src, _, _ := kernel.Parse("prewitt-y")
	got, _, err := kernel.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.H != 7 || got.W != 5 {
		t.Fatalf("dilated 3,2: %dx%d, want 7x5", got.H, got.W)
	}
	for y := range got.H {
		for x := range got.W {
			want := float32(0)
			if y%3 == 0 && x%2 == 0 {
				want = src.At(y/3, x/2)
			}
			if got.At(y, x) != want {
				t.Fatalf("(%d,%d) = %v, want %v", y, x, got.At(y, x), want)
			}
		}
	}
}

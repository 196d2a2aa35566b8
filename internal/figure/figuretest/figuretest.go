package figuretest

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// ComparePNG compares a picture with the golden PNG at path by decoded
// pixels (rewriting it first when update is set): a tolerance of 8/255 a
// sample absorbs rasteriser differences in anti-aliased text, and at most
// 0.5% of pixels may differ by more (a changed layout or colour moves far
// more).
func ComparePNG(t *testing.T, path string, got *image.RGBA, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, got); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != got.Bounds() {
		t.Fatalf("%s: picture is %v, golden %v (go test -update to accept)", path, got.Bounds(), want.Bounds())
	}
	bad, n := 0, 0
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := got.RGBAAt(x, y)
			wr, wg, wb, _ := want.At(x, y).RGBA()
			n++
			if absDiff(g.R, wr>>8) > 8 || absDiff(g.G, wg>>8) > 8 || absDiff(g.B, wb>>8) > 8 {
				bad++
			}
		}
	}
	if bad*200 > n {
		t.Errorf("%s: %d of %d pixels differ by more than 8/255 (go test -update to accept)", path, bad, n)
	}
}

func absDiff(a uint8, b uint32) int {
	d := int(a) - int(b)
	if d < 0 {
		return -d
	}
	return d
}

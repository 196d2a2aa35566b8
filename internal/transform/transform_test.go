package transform

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

const fixtures = "../../testdata/transform"

func load(t *testing.T, name string) *tensor.Tensor {
	t.Helper()
	if filepath.Ext(name) == ".png" {
		d, err := tensorio.Read(filepath.Join(fixtures, name), tensorio.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return d.T
	}
	a, err := npy.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	x, err := tensor.FromData(a.Shape[0], a.Shape[1], a.Shape[2], a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestResizeEqualsPIL: in PIL's fixed point the 8-bit result is exact.
func TestResizeEqualsPIL(t *testing.T) {
	src := load(t, "src.png")
	for _, s := range [][2]int{{20, 28}, {37, 17}, {80, 53}, {50, 100}, {9, 9}} {
		t.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(t *testing.T) {
			got, err := Resize(src, s[0], s[1], true)
			if err != nil {
				t.Fatal(err)
			}
			want := load(t, fmt.Sprintf("resize-%dx%d.npy", s[0], s[1]))
			if !got.SameShape(want) {
				t.Fatalf("shape %s, PIL %s", got.Shape(), want.Shape())
			}
			if d := tensor.MaxAbsDiff(got, want); d != 0 {
				t.Errorf("max |diff| %g from PIL, want 0", d)
			}
		})
	}
}

// TestPipeline runs torchvision's Resize(20), CenterCrop(15), ToTensor,
// Normalize(ImageNet). The tolerance, 1e-5, covers torch's float32
// subtract-then-divide against this float64 one (a few ulps of values up
// to ~2.6); a wrong crop offset or channel order moves values by ~0.1.
func TestPipeline(t *testing.T) {
	x := load(t, "src.png")
	oh, ow := ShorterSide(x.H, x.W, 20)
	if oh != 20 || ow != 28 {
		t.Fatalf("ShorterSide(37, 53, 20) = %d, %d, want 20, 28 (torchvision)", oh, ow)
	}
	x, err := Resize(x, oh, ow, true)
	if err != nil {
		t.Fatal(err)
	}
	if x, err = CenterCrop(x, 15, 15); err != nil {
		t.Fatal(err)
	}
	Scale(x, 1.0/255)
	if err := Normalize(x, []float64{0.485, 0.456, 0.406}, []float64{0.229, 0.224, 0.225}); err != nil {
		t.Fatal(err)
	}
	want := load(t, "pipeline.npy")
	if d := tensor.MaxAbsDiff(x, want); d > 1e-5 {
		t.Errorf("max |diff| %g from torchvision, want ≤ 1e-5", d)
	}
}

func TestErrors(t *testing.T) {
	x := tensor.New(3, 4, 4)
	if _, err := CenterCrop(x, 5, 4); err == nil {
		t.Error("a crop larger than the image was accepted")
	}
	if _, err := Resize(x, 0, 4, true); err == nil {
		t.Error("resize to zero rows was accepted")
	}
	if err := Normalize(x, []float64{0, 0}, []float64{1, 1}); err == nil {
		t.Error("two means for three channels were accepted")
	}
	if err := Normalize(x, []float64{0}, []float64{0}); err == nil {
		t.Error("std 0 was accepted")
	}
}

package levels

import (
	"math"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// The numeric paths are checked against OpenCV/scipy/vips through the conv
// command (cmd/convtool/conv_test.go); these cases pin the edge rules.
func TestEdgeRules(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name string
		in   []float32
		c    int // channels
		f    func(*tensor.Tensor)
		want []float32
	}{
		{"scale 0 means 1", []float32{2, 4}, 1, func(x *tensor.Tensor) { ScaleOffset(x, 1, 0, 1) }, []float32{3, 5}},
		{"scale then offset", []float32{2, 4}, 1, func(x *tensor.Tensor) { ScaleOffset(x, 1, 2, 10) }, []float32{11, 12}},
		{"offset spares alpha", []float32{2, 4}, 2, func(x *tensor.Tensor) { ScaleOffset(x, 1, 1, 10) }, []float32{12, 4}},
		{"abs", []float32{-2, 3}, 1, func(x *tensor.Tensor) { Abs(x, 1) }, []float32{2, 3}},
		{"rescale", []float32{-1, 0, 3}, 1, func(x *tensor.Tensor) { Rescale(x, 1, 0, 255) }, []float32{0, 63.75, 255}},
		{"rescale constant maps to lo", []float32{7, 7}, 1, func(x *tensor.Tensor) { Rescale(x, 1, 0, 255) }, []float32{0, 0}},
		{"rescale keeps NaN", []float32{0, nan, 2}, 1, func(x *tensor.Tensor) { Rescale(x, 1, 0, 1) }, []float32{0, nan, 1}},
		{"unpremultiply zero alpha is 0", []float32{10, 0}, 2, func(x *tensor.Tensor) { Unpremultiply(x, 255) }, []float32{0, 0}},
		{"premultiply round trip", []float32{200, 51}, 2, func(x *tensor.Tensor) { Premultiply(x, 255); Unpremultiply(x, 255) }, []float32{200, 51}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, _ := tensor.FromData(tc.c, 1, len(tc.in)/tc.c, append([]float32(nil), tc.in...))
			tc.f(x)
			want, _ := tensor.FromData(tc.c, 1, len(tc.in)/tc.c, tc.want)
			if d := tensor.MaxAbsDiff(x, want); d > 1e-4 {
				t.Errorf("got %v, want %v", x.Data, tc.want)
			}
		})
	}
}

func TestGray(t *testing.T) {
	rgba, _ := tensor.FromData(4, 1, 1, []float32{255, 0, 0, 128})
	g, err := Gray(rgba)
	if err != nil {
		t.Fatal(err)
	}
	if g.C != 2 || math.Abs(float64(g.Data[0])-0.299*255) > 1e-3 || g.Data[1] != 128 {
		t.Errorf("Gray(red, alpha 128) = %v", g.Data)
	}
	if _, err := Gray(tensor.New(5, 1, 1)); err == nil {
		t.Error("Gray accepted 5 channels")
	}
}

// TestGrayChannelsMatchesGray: the channel count the plan uses from a
// header (before any pixel) is the count Gray leaves after decoding.
func TestGrayChannelsMatchesGray(t *testing.T) {
	for c := 0; c <= 5; c++ {
		got, err := GrayChannels(c)
		if c == 0 {
			if err == nil {
				t.Errorf("GrayChannels(0) = %d, want an error", got)
			}
			continue
		}
		out, gerr := Gray(tensor.New(c, 2, 3))
		if (err == nil) != (gerr == nil) {
			t.Fatalf("%d channels: GrayChannels error %v, Gray error %v", c, err, gerr)
		}
		if err == nil && got != out.C {
			t.Errorf("%d channels: GrayChannels says %d, Gray leaves %d", c, got, out.C)
		}
	}
	if c, _ := GrayChannels(4); c != 2 {
		t.Errorf("RGBA under --gray: %d channels, want grey and alpha (2)", c)
	}
}

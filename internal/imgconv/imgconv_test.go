package imgconv

import (
	"math"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// The colour arithmetic is checked against scipy through the conv command
// (cmd/convtool/conv_test.go, testdata/cli); this pins where Keep takes
// alpha from when the geometry changes.
func TestKeepCarriesAlphaFromTheAnchor(t *testing.T) {
	in := tensor.New(2, 6, 7)
	for i := range in.Data {
		in.Data[i] = float32(i)
	}
	k, _, err := kernel.Parse("box:3")
	if err != nil {
		t.Fatal(err)
	}
	full := conv.Pad{Top: 2, Bottom: 2, Left: 2, Right: 2}
	same := conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
	tests := []struct {
		name   string
		pad    conv.Pad
		s, d   int
		ay, ax int // the anchor: the kernel element over the output pixel
	}{
		{"same", same, 1, 1, 1, 1},
		{"full", full, 1, 1, 1, 1},
		{"valid", conv.Pad{}, 1, 1, 1, 1},
		{"valid stride 2", conv.Pad{}, 2, 1, 1, 1},
		{"same stride 2", same, 2, 1, 1, 1},
		{"valid stride 2 dilation 2", conv.Pad{}, 2, 2, 1, 1},
		{"origin top-left", conv.Pad{Bottom: 2, Right: 2}, 1, 1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := conv.Params{StrideY: tc.s, StrideX: tc.s, DilY: tc.d, DilX: tc.d, Pad: tc.pad, Edge: conv.Replicate, Groups: 1}
			out, _, err := Filter(in, true, 255, k, tc.ay, tc.ax, p, conv.Direct, Keep)
			if err != nil {
				t.Fatal(err)
			}
			a := out.Plane(out.C - 1)
			for y := range out.H {
				for x := range out.W {
					// Output (y, x) sits over input (y·s − pad + anchor·d);
					// outside the input the replicate rule clamps.
					iy := min(max(y*tc.s-tc.pad.Top+tc.ay*tc.d, 0), in.H-1)
					ix := min(max(x*tc.s-tc.pad.Left+tc.ax*tc.d, 0), in.W-1)
					if want := in.At(1, iy, ix); a[y*out.W+x] != want {
						t.Fatalf("alpha(%d,%d) = %v, want input alpha(%d,%d) = %v", y, x, a[y*out.W+x], iy, ix, want)
					}
				}
			}
		})
	}
}

func TestConvolveDoesNotBleedTransparentColour(t *testing.T) {
	// Left half opaque grey 100, right half transparent red 255.
	in := tensor.New(2, 1, 8)
	for x := range 8 {
		if x < 4 {
			in.Set(0, 0, x, 100)
			in.Set(1, 0, x, 255)
		} else {
			in.Set(0, 0, x, 255)
		}
	}
	k, _, _ := kernel.Parse("3x1: 1,1,1") // ImageMagick: width x height
	k = k.Normalized()
	p := conv.Params{StrideY: 1, StrideX: 1, DilY: 1, DilX: 1, Pad: conv.Pad{Left: 1, Right: 1}, Edge: conv.Replicate, Groups: 1}
	for _, mode := range []Alpha{Keep, Convolve} {
		out, _, err := Filter(in, true, 255, k, 0, 1, p, conv.Direct, mode)
		if err != nil {
			t.Fatal(err)
		}
		edge := out.At(0, 0, 3)                                     // the last opaque pixel, next to transparent red
		if mode == Convolve && math.Abs(float64(edge)-100) > 1e-3 { // float32 division round-off
			t.Errorf("convolve: colour at the edge %v, want 100 (transparent red must not bleed)", edge)
		}
		if mode == Keep && math.Abs(float64(edge)-100) < 1 {
			t.Errorf("keep: colour at the edge %v; keep filters colour as it is, so red should show", edge)
		}
	}
}

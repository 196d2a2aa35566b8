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
	tests := []struct {
		name   string
		pad    conv.Pad
		s, d   int
		ay, ax int // input offset of the anchor for output (0,0)
	}{
		{"same", conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, 1, 1, 0, 0},
		{"valid stride 2", conv.Pad{}, 2, 1, 0, 0},
		{"same stride 2", conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, 2, 1, 0, 0},
		{"valid dilation 2", conv.Pad{}, 1, 2, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := conv.Params{StrideY: tc.s, StrideX: tc.s, DilY: tc.d, DilX: tc.d, Pad: tc.pad, Edge: conv.Replicate, Groups: 1}
			out, _, err := Filter(in, true, 255, k, p, conv.Direct, Keep)
			if err != nil {
				t.Fatal(err)
			}
			a := out.Plane(out.C - 1)
			for y := range out.H {
				for x := range out.W {
					// The anchor is the kernel element over the output pixel:
					// input (y·s − pad + anchor·d) with anchor = pad/d.
					iy := y*tc.s - tc.pad.Top + (tc.pad.Top/tc.d)*tc.d
					ix := x*tc.s - tc.pad.Left + (tc.pad.Left/tc.d)*tc.d
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
		out, _, err := Filter(in, true, 255, k, p, conv.Direct, mode)
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

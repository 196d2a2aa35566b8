package mosaic

import (
	"flag"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/figure/figuretest"
	"github.com/convtool/convtool/internal/tensor"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in testdata/mosaic")

const golden = "../../testdata/mosaic"

// known is a 5×6×7 tensor whose channel c holds +(c+1) at (c, c), −(c+1)/2
// at (5−c, 6−c), and small values elsewhere.
func known() *tensor.Tensor {
	t := tensor.New(5, 6, 7)
	for c := range t.C {
		for y := range t.H {
			for x := range t.W {
				t.Set(c, y, x, float32(c+1)*0.05*float32((x+y)%3-1))
			}
		}
		t.Set(c, c, c, float32(c+1))
		t.Set(c, 5-c, 6-c, -float32(c+1)/2)
	}
	return t
}

// cellColour reads the colour at the centre of sample (y, x) of tile r
// for an h×w channel.
func cellColour(m *image.RGBA, r image.Rectangle, h, w, y, x int) color.RGBA {
	px := r.Min.X + (2*x+1)*r.Dx()/(2*w)
	py := r.Min.Y + (2*y+1)*r.Dy()/(2*h)
	return m.RGBAAt(px, py)
}

func TestExtremesLandInTheirTileAndColour(t *testing.T) {
	x := known()
	for _, shared := range []bool{false, true} {
		pic, err := Draw(x, Options{Shared: shared})
		if err != nil {
			t.Fatal(err)
		}
		img := pic.Canvas.Image()
		m := float64(x.C) // the shared scale: the largest magnitude
		for c := range x.C {
			if !shared {
				m = float64(c + 1)
			}
			r := pic.Tiles[c]
			// The reddest and bluest cells of tile c must be channel c's
			// maximum and minimum, in the map's colours for +max and
			// −max/2 at that scale.
			var redY, redX, blueY, blueX, red, blue = -1, -1, -1, -1, -1, -1
			for y := range x.H {
				for xx := range x.W {
					col := cellColour(img, r, x.H, x.W, y, xx)
					if d := int(col.R) - int(col.B); d > red {
						red, redY, redX = d, y, xx
					}
					if d := int(col.B) - int(col.R); d > blue {
						blue, blueY, blueX = d, y, xx
					}
				}
			}
			if redY != c || redX != c {
				t.Errorf("shared=%v tile %d: reddest cell at (%d,%d), the maximum is at (%d,%d)", shared, c, redY, redX, c, c)
			}
			if blueY != 5-c || blueX != 6-c {
				t.Errorf("shared=%v tile %d: bluest cell at (%d,%d), the minimum is at (%d,%d)", shared, c, blueY, blueX, 5-c, 6-c)
			}
			want := figure.Diverging(m)
			if got, w := cellColour(img, r, x.H, x.W, c, c), want.At(float64(c+1)); got != w {
				t.Errorf("shared=%v tile %d: maximum drawn %v, the map gives %v", shared, c, got, w)
			}
			if got, w := cellColour(img, r, x.H, x.W, 5-c, 6-c), want.At(-float64(c+1)/2); got != w {
				t.Errorf("shared=%v tile %d: minimum drawn %v, the map gives %v", shared, c, got, w)
			}
			if !shared {
				// Scaled to itself, every channel's maximum is the map's top.
				if got := cellColour(img, r, x.H, x.W, c, c); got != want.Step(255) {
					t.Errorf("tile %d: its own maximum is %v, not the map's reddest %v", c, got, want.Step(255))
				}
			}
		}
	}
}

func TestDivergingMapIsBlueGreyRed(t *testing.T) {
	m := figure.Diverging(2)
	lo, mid, hi := m.At(-2), m.At(0), m.At(2)
	if !(lo.B > lo.R+60 && hi.R > hi.B+60) {
		t.Errorf("ends %v, %v: want blue then red", lo, hi)
	}
	if d := int(mid.R) - int(mid.B); d < -25 || d > 25 || mid.G < 180 {
		t.Errorf("zero is %v: want a light grey", mid)
	}
	if m.At(5) != hi || m.At(-5) != lo {
		t.Error("values beyond the range do not clamp to the end colours")
	}
	if m.At(math.NaN()) != figure.NaNColour {
		t.Error("NaN is not marked")
	}
}

func TestRefusesNothing(t *testing.T) {
	if _, err := Draw(tensor.New(0, 3, 3), Options{}); err == nil {
		t.Error("an empty tensor drew")
	}
}

// TestGolden compares the whole picture, labels and colour bar included,
// with a committed PNG (figuretest.ComparePNG says with what tolerance).
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{{"known", Options{Title: "known 5x6x7"}}, {"known_shared", Options{Shared: true, Columns: 5}}} {
		t.Run(tc.name, func(t *testing.T) {
			pic, err := Draw(known(), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			figuretest.ComparePNG(t, filepath.Join(golden, tc.name+".png"), pic.Canvas.Image(), *update)
		})
	}
}

// TestLabelsAndOutlines checks that an outline frames exactly the samples
// it names: the pixels just inside its edge are the frame's green, the
// samples inside and outside keep the map's colours.
func TestLabelsAndOutlines(t *testing.T) {
	x := tensor.New(2, 10, 10)
	in := image.Rect(2, 3, 8, 9) // columns 2..7, rows 3..8
	pic, err := Draw(x, Options{Labels: []string{"a", "b"}, Outlines: []image.Rectangle{{}, in}})
	if err != nil {
		t.Fatal(err)
	}
	img := pic.Canvas.Image()
	r := pic.Tiles[1]
	s := r.Dx() / 10 // pixels per sample (a whole upscale factor)
	green := func(c color.RGBA) bool { return c.G > 120 && c.R < 60 && c.B < 100 }
	// The frame's left edge runs along sample column 2's left side.
	if c := img.RGBAAt(r.Min.X+2*s, r.Min.Y+6*s); !green(c) {
		t.Errorf("no frame at the outline's left edge: %v", c)
	}
	if c := img.RGBAAt(r.Min.X+5*s, r.Min.Y+6*s); green(c) {
		t.Errorf("the frame covers the inside: %v", c)
	}
	// Tile 0 has no outline.
	r0 := pic.Tiles[0]
	if c := img.RGBAAt(r0.Min.X+2*s, r0.Min.Y+6*s); green(c) {
		t.Errorf("tile 0 was framed: %v", c)
	}
}

package figure

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// TestCellsAreExact checks that Cells paints each cell's colour on exactly
// the pixels nearest-neighbour scaling gives it, so tests can read values
// back from pictures.
func TestCellsAreExact(t *testing.T) {
	c, err := NewCanvas(40, 30)
	if err != nil {
		t.Fatal(err)
	}
	r := image.Rect(5, 5, 35, 25) // 30x20 pixels for 2x3 cells: 10x10 each
	cols := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}, {9, 9, 9, 255}, {99, 0, 0, 255}, {0, 99, 0, 255}}
	c.Cells(r, 2, 3, func(y, x int) color.RGBA { return cols[y*3+x] })
	img := c.Image()
	for py := r.Min.Y; py < r.Max.Y; py++ {
		for px := r.Min.X; px < r.Max.X; px++ {
			want := cols[(py-r.Min.Y)/10*3+(px-r.Min.X)/10]
			if got := img.RGBAAt(px, py); got != want {
				t.Fatalf("pixel (%d,%d) is %v, want %v", px, py, got, want)
			}
		}
	}
	if got := img.RGBAAt(2, 2); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("outside the cells: %v, want the white background", got)
	}
}

func TestTensorRoundTrip(t *testing.T) {
	x := tensor.New(3, 2, 2)
	for i := range x.Data {
		x.Data[i] = float32(i * 20)
	}
	back := FromImage(ToImage(x, 255))
	if d := tensor.MaxAbsDiff(x, back); d != 0 {
		t.Errorf("ToImage then FromImage changed values by %v", d)
	}
	grey := tensor.New(1, 1, 1)
	grey.Data[0] = 1000 // clamps
	if got := ToImage(grey, 255).RGBAAt(0, 0); got != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("an over-range grey sample drew %v", got)
	}
}

func TestRefusesHugeCanvas(t *testing.T) {
	if _, err := NewCanvas(MaxSide+1, 10); err == nil {
		t.Error("made a canvas wider than MaxSide")
	}
	if _, err := NewSVGCanvas(0, 10); err == nil {
		t.Error("made an empty SVG canvas")
	}
}

func TestSequentialMapRuns(t *testing.T) {
	m := Sequential(0, 10)
	lo, hi := m.At(0), m.At(10)
	lum := func(c color.RGBA) float64 { return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B) }
	if !(lum(lo) < 30 && lum(hi) > 225) {
		t.Errorf("sequential ends %v, %v: want black to white", lo, hi)
	}
	if m.At(math.NaN()) != NaNColour {
		t.Error("NaN not marked")
	}
}

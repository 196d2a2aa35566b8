package specplot

import (
	"flag"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/figure/figuretest"
	"github.com/convtool/convtool/internal/kernel"
)

var update = flag.Bool("update", false, "rewrite the golden pictures in testdata/specplot")

// TestBinsAndRings paints a 9x13 spectrum that is zero except for two
// bins and checks that each bin lands where its frequency is, in its
// colour, and that a ring of radius 3 crosses the axis 3 bins from the
// centre (row H/2, column W/2).
func TestBinsAndRings(t *testing.T) {
	h, w := 9, 13
	v := make([]float32, h*w)
	v[(h/2)*w+w/2] = 10    // DC: u = H/2, v = W/2
	v[(h/2-2)*w+w/2+5] = 5 // two bins up, five right
	pic, err := Draw(v, h, w, Options{Title: "bins", BarLabel: "x", Rings: []float64{3}})
	if err != nil {
		t.Fatal(err)
	}
	img := pic.Canvas.Image()
	d := pic.Data
	bin := func(u, vv int) (int, int) { // the centre pixel of bin (u, v)
		return d.Min.X + (2*vv+1)*d.Dx()/(2*w), d.Min.Y + (2*u+1)*d.Dy()/(2*h)
	}
	cm := figure.Sequential(0, 10)
	for _, c := range []struct {
		u, v int
		val  float64
	}{{h / 2, w / 2, 10}, {h/2 - 2, w/2 + 5, 5}, {0, 0, 0}, {h - 1, w - 1, 0}} {
		x, y := bin(c.u, c.v)
		if got, want := img.RGBAAt(x, y), cm.At(c.val); got != want {
			t.Errorf("bin (%d,%d) at pixel (%d,%d) is %v, want %v", c.u, c.v, x, y, got, want)
		}
	}
	// The ring crosses the horizontal axis at v − W/2 = ±3: between the
	// centres of bins W/2±3, on row H/2's centre line.
	x0, y0 := bin(h/2, w/2)
	px := float64(d.Dx()) / float64(w) // pixels per bin
	found := false
	for dx := int(3*px) - 3; dx <= int(3*px)+3; dx++ {
		if isOutline(img.RGBAAt(x0+dx, y0)) {
			found = true
		}
	}
	if !found {
		t.Errorf("no ring near 3 bins right of the centre")
	}
	if isOutline(img.RGBAAt(x0+int(1.5*px), y0)) {
		t.Errorf("ring drawn 1.5 bins from the centre")
	}
}

func isOutline(c color.RGBA) bool {
	o := OutlineColour
	d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	return d(c.R, o.R) < 60 && d(c.G, o.G) < 60 && d(c.B, o.B) < 60
}

func TestGolden(t *testing.T) {
	k := &kernel.Kernel{Name: "sobel-x", H: 3, W: 3, Data: []float32{-1, 0, 1, -2, 0, 2, -1, 0, 1}}
	// |H| of sobel-x on 16x16 bins: computed here from its definition so
	// the picture does not depend on internal/fft.
	n := 16
	v := make([]float32, n*n)
	var peak float32
	for u := range n {
		for vv := range n {
			fu, fv := float64(u-n/2)/float64(n), float64(vv-n/2)/float64(n)
			// [1 2 1]^T [-1 0 1]: |2+2cos(2πfu)| · |2 sin(2πfv)|
			g := float32(abs(2+2*cos(fu)) * abs(2*sin(fv)))
			v[u*n+vv] = g
			peak = max(peak, g)
		}
	}
	pic, err := Draw(v, n, n, Options{Title: "sobel-x |H|", BarLabel: "gain |H|", Contour: float64(peak) / 2, Kernel: k})
	if err != nil {
		t.Fatal(err)
	}
	figuretest.ComparePNG(t, filepath.Join("../../testdata/specplot", "sobel.png"), pic.Canvas.Image(), *update)
}

func abs(x float64) float64 { return math.Abs(x) }
func cos(f float64) float64 { return math.Cos(2 * math.Pi * f) }
func sin(f float64) float64 { return math.Sin(2 * math.Pi * f) }

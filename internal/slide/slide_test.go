package slide

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/gif"
	"math"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/figure/figuretest"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
)

var update = flag.Bool("update", false, "rewrite the golden frames in testdata/slide")

func readFixture(t *testing.T, path string) (*tensor.Tensor, []int) {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Shape
	h, w := s[len(s)-2], s[len(s)-1]
	x, err := tensor.FromData(len(a.Data)/(h*w), h, w, a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return x, a.Shape
}

type slideCase struct {
	name string
	x, y *tensor.Tensor
	k    *kernel.Kernel
	p    conv.Params
}

// cases are the notes' dilated 3x3 (rate 2) and transposed 2x2 -> 4x4
// examples, with PyTorch's outputs (testdata/explain/gen_explain.py,
// testdata/conv/gen_fixtures.py), and a strided, padded Sobel.
func cases(t *testing.T) []slideCase {
	dx, _ := readFixture(t, "../../testdata/explain/dilated.x.npy")
	dy, _ := readFixture(t, "../../testdata/explain/dilated.y.npy")
	dk, ks := readFixture(t, "../../testdata/explain/dilated.k.npy")
	dil := conv.NewParams()
	dil.DilY, dil.DilX = 2, 2
	tx, _ := readFixture(t, "../../testdata/conv/t_notes_2x2_k3.x.npy")
	ty, _ := readFixture(t, "../../testdata/conv/t_notes_2x2_k3.y.npy")
	tk, tks := readFixture(t, "../../testdata/conv/t_notes_2x2_k3.k.npy")
	tr := conv.NewParams()
	tr.Transpose = true
	sx := tensor.New(1, 5, 5)
	for i := range sx.Data {
		sx.Data[i] = float32(i + 1)
	}
	sobel := &kernel.Kernel{H: 3, W: 3, Data: []float32{1, 0, -1, 2, 0, -2, 1, 0, -1}}
	st := conv.NewParams()
	st.StrideY, st.StrideX, st.Pad = 2, 2, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
	return []slideCase{
		{"dilated", dx, dy, &kernel.Kernel{H: ks[0], W: ks[1], Data: dk.Data}, dil},
		{"transpose_notes", tx, ty, &kernel.Kernel{H: tks[len(tks)-2], W: tks[len(tks)-1], Data: tk.Data}, tr},
		// -8 at [1][1]: rows 2..4, columns 2..4 of the padded 1..25.
		{"strided", sx, nil, sobel, st},
	}
}

// TestOutputsMatchPyTorch checks the sums the frames show.
func TestOutputsMatchPyTorch(t *testing.T) {
	for _, tc := range cases(t) {
		if tc.y == nil {
			continue
		}
		s, err := New(tc.x, tc.k, tc.p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		// Integer data: the sums are exact.
		for i, v := range s.Output() {
			if math.Abs(float64(v-tc.y.Data[i])) > 1e-4 {
				t.Errorf("%s: output %d shows %v, PyTorch %v", tc.name, i, v, tc.y.Data[i])
			}
		}
		if s.Frames() != len(tc.y.Data)+1 {
			t.Errorf("%s: %d frames for %d outputs", tc.name, s.Frames(), len(tc.y.Data))
		}
	}
}

// at reads a cell's fill away from its centred text and its borders.
func at(img *image.RGBA, r image.Rectangle) color.RGBA {
	return img.RGBAAt(r.Min.X+5, r.Min.Y+5)
}

// TestFramesShadeTheWindow checks, frame by frame, that exactly the
// kernel's taps are shaded over the input (padding and inserted zeros in
// their own shades), and the output cells done, current and pending.
func TestFramesShadeTheWindow(t *testing.T) {
	for _, tc := range cases(t) {
		s, err := New(tc.x, tc.k, tc.p, Options{Title: tc.name})
		if err != nil {
			t.Fatal(err)
		}
		wk := s.walk
		for i := range s.Frames() {
			c, err := s.Frame(i)
			if err != nil {
				t.Fatal(err)
			}
			img := c.Image()
			oy, ox := i/wk.OutW, i%wk.OutW
			final := i == s.Frames()-1
			for y := range wk.Input.H {
				for x := range wk.Input.W {
					dy, dx := y-oy*wk.StrideY, x-ox*wk.StrideX
					isTap := !final && dy >= 0 && dx >= 0 && dy%wk.DilY == 0 && dx%wk.DilX == 0 &&
						dy/wk.DilY < wk.Kernel.H && dx/wk.DilX < wk.Kernel.W
					want := map[int]color.RGBA{conv.CellInput: InputFill, conv.CellPad: PadFill, conv.CellInserted: ZeroFill}[wk.Cell(y, x, s.h, s.w)]
					if isTap {
						want = TapFill
					}
					if got := at(img, s.CellRect(y, x)); got != want {
						t.Fatalf("%s frame %d: input cell (%d,%d) is %v, want %v", tc.name, i, y, x, got, want)
					}
				}
			}
			for j := range s.Output() {
				want := PendFill
				switch {
				case final || j < i:
					want = DoneFill
				case j == i:
					want = TapFill
				}
				if got := at(img, s.OutputRect(j/wk.OutW, j%wk.OutW)); got != want {
					t.Fatalf("%s frame %d: output cell %d is %v, want %v", tc.name, i, j, got, want)
				}
			}
		}
	}
}

// TestGoldenFrames compares one frame of each case, text included, with
// a committed picture.
func TestGoldenFrames(t *testing.T) {
	for _, tc := range cases(t) {
		s, err := New(tc.x, tc.k, tc.p, Options{Title: tc.name})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Frame(s.Frames() / 2)
		if err != nil {
			t.Fatal(err)
		}
		figuretest.ComparePNG(t, filepath.Join("../../testdata/slide", tc.name+".png"), c.Image(), *update)
	}
}

func TestGIFKeepsFillsExact(t *testing.T) {
	tc := cases(t)[2]
	s, err := New(tc.x, tc.k, tc.p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.GIF()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	back, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Image) != s.Frames() {
		t.Fatalf("%d frames decoded, %d drawn", len(back.Image), s.Frames())
	}
	// Frame 4 is output [1][1]: its current output cell keeps the tap
	// colour exactly through the palette.
	r := s.OutputRect(1, 1)
	if got := color.RGBAModel.Convert(back.Image[4].At(r.Min.X+5, r.Min.Y+5)); got != TapFill {
		t.Errorf("current output cell decodes as %v, want %v", got, TapFill)
	}
}

func TestRefusesLargeInputs(t *testing.T) {
	k := &kernel.Kernel{H: 3, W: 3, Data: make([]float32, 9)}
	if _, err := New(tensor.New(1, 41, 10), k, conv.NewParams(), Options{}); err == nil {
		t.Error("animated a 41-row input")
	}
	if _, err := New(tensor.New(1, 5, 5), k, conv.NewParams(), Options{Channel: 1}); err == nil {
		t.Error("animated a channel that is not there")
	}
}

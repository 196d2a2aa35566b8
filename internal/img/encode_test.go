package img

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// sampleTensor returns c channels of integer samples in 0..top; alpha (the
// last channel of 2 and 4) has some transparent and half-transparent
// pixels so encoders cannot treat it as opaque.
func sampleTensor(c, h, w int, top float64, seed uint64) *tensor.Tensor {
	r := rand.New(rand.NewPCG(seed, 1))
	t := tensor.New(c, h, w)
	for i := range t.Data {
		t.Data[i] = float32(math.Floor(r.Float64() * (top + 1)))
	}
	if c == 2 || c == 4 {
		a := t.Plane(c - 1)
		for i := range a {
			a[i] = float32([]float64{0, top, top, top / 2, 1}[i%5])
			a[i] = float32(math.Round(float64(a[i])))
		}
	}
	return t
}

// expand returns what a reader gives back for t written to a format that
// stores grey+alpha as RGBA (TIFF, BMP) or grey as RGB (BMP palette, GIF).
func expand(t *tensor.Tensor, to int) *tensor.Tensor {
	if t.C == to {
		return t
	}
	if t.C == 4 && to == 3 {
		return dropAlpha(t)
	}
	u := tensor.New(to, t.H, t.W)
	for c := 0; c < to; c++ {
		src := min(c, t.C-1)
		if c == 3 && t.C == 2 {
			src = 1
		} else if t.C == 2 && c < 3 {
			src = 0
		}
		copy(u.Plane(c), t.Plane(src))
	}
	return u
}

func TestEncodeRoundTrip(t *testing.T) {
	cases := []struct {
		format  string
		c       int
		depth   int
		readC   int     // channels read back
		readD   int     // depth read back
		maxDiff float64 // 0: lossless
	}{
		{"png", 1, 8, 1, 8, 0},
		{"png", 2, 8, 2, 8, 0},
		{"png", 3, 8, 3, 8, 0},
		{"png", 4, 8, 4, 8, 0},
		{"png", 1, 16, 1, 16, 0},
		{"png", 2, 16, 2, 16, 0},
		{"png", 3, 16, 3, 16, 0},
		{"png", 4, 16, 4, 16, 0},
		{"tiff", 1, 8, 1, 8, 0},
		{"tiff", 2, 8, 4, 8, 0},
		{"tiff", 3, 8, 3, 8, 0},
		{"tiff", 4, 8, 4, 8, 0},
		{"tiff", 1, 16, 1, 16, 0},
		{"tiff", 3, 16, 3, 16, 0},
		{"tiff", 4, 16, 4, 16, 0},
		{"bmp", 1, 8, 3, 8, 0},
		{"bmp", 3, 8, 3, 8, 0},
		{"bmp", 4, 8, 3, 8, 0}, // alpha dropped
		{"gif", 1, 8, 3, 8, 0},
		// JPEG is lossy: at quality 100 on noise, Go's encoder and decoder
		// agree with the input to within a few levels per sample.
		{"jpeg", 1, 8, 1, 8, 6},
	}
	for _, c := range cases {
		name := c.format + "_" + string(rune('0'+c.c)) + "ch_" + map[int]string{8: "8", 16: "16"}[c.depth]
		t.Run(name, func(t *testing.T) {
			top := float64(255)
			if c.depth == 16 {
				top = 65535
			}
			src := sampleTensor(c.c, 13, 17, top, uint64(c.c*100+c.depth))
			var buf bytes.Buffer
			if err := Encode(&buf, src, EncodeOptions{Format: c.format, Depth: c.depth, Quality: 100}); err != nil {
				t.Fatal(err)
			}
			im, err := Decode(buf.Bytes(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if im.Format != c.format || im.Depth != c.readD || im.T.C != c.readC {
				t.Fatalf("read back %s depth %d with %d channels, want %s %d %d", im.Format, im.Depth, im.T.C, c.format, c.readD, c.readC)
			}
			if d := tensor.MaxAbsDiff(im.T, expand(src, c.readC)); d > c.maxDiff {
				t.Fatalf("max |diff| %v, allowed %v", d, c.maxDiff)
			}
		})
	}
}

func TestEncodeJPEGColourAndGIFPalette(t *testing.T) {
	// A smooth colour image: JPEG at quality 95 stays close (4:2:0 chroma
	// of a smooth image loses little); GIF with few colours is exact.
	src := tensor.New(4, 16, 16)
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			src.Set(0, y, x, float32(x*16))
			src.Set(1, y, x, float32(y*16))
			src.Set(2, y, x, 128)
			src.Set(3, y, x, float32(map[bool]int{true: 255, false: 0}[x > 2]))
		}
	}
	var buf bytes.Buffer
	if err := Encode(&buf, src, EncodeOptions{Format: "jpeg", Quality: 95}); err != nil {
		t.Fatal(err)
	}
	im, err := Decode(buf.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if im.T.C != 3 {
		t.Fatalf("JPEG read back with %d channels, want 3 (alpha dropped)", im.T.C)
	}
	if d := tensor.MaxAbsDiff(im.T, dropAlpha(src)); d > 12 {
		t.Fatalf("JPEG max |diff| %v, allowed 12", d)
	}
	buf.Reset()
	if err := Encode(&buf, src, EncodeOptions{Format: "gif"}); err != nil {
		t.Fatal(err)
	}
	im, err = Decode(buf.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := src.Clone()
	for y := 0; y < 16; y++ {
		for x := 0; x <= 2; x++ { // transparent pixels come back as (0,0,0,0)
			for c := 0; c < 3; c++ {
				want.Set(c, y, x, 0)
			}
		}
	}
	if d := tensor.MaxAbsDiff(im.T, want); d != 0 {
		t.Fatalf("GIF with 256 colours or fewer is not exact: max |diff| %v", d)
	}
	// Many colours: dithered, but close on average.
	noise := sampleTensor(3, 32, 32, 255, 9)
	buf.Reset()
	if err := Encode(&buf, noise, EncodeOptions{Format: "gif"}); err != nil {
		t.Fatal(err)
	}
	if im, err = Decode(buf.Bytes(), 0); err != nil || im.T.C != 3 {
		t.Fatalf("dithered GIF: %v", err)
	}
}

func TestEncodeRoundsAndClamps(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	cases := []struct {
		name  string
		depth int
		in    []float32
		want  []float32 // as read back
		fmt   string
	}{
		{"8-bit", 8,
			[]float32{-3.5, -0.4, 0.4, 0.5, 1.5, 2.5, 254.49, 254.5, 255.5, 1e9, nan, inf, -inf, 100.2},
			[]float32{0, 0, 0, 1, 2, 3, 254, 255, 255, 255, 0, 255, 0, 100}, "png"},
		{"16-bit", 16,
			[]float32{-1, 0.5, 65534.5, 70000, nan, 1000.5},
			[]float32{0, 1, 65535, 65535, 0, 1001}, "png"},
		// BMP holds 8 bits: 16-bit samples are divided by 257 first.
		{"16-bit to bmp", 16,
			[]float32{0, 128, 129, 257 * 100, 65535, 70000},
			[]float32{0, 0, 1, 100, 255, 255}, "bmp"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, _ := tensor.FromData(1, 1, len(c.in), c.in)
			var buf bytes.Buffer
			if err := Encode(&buf, src, EncodeOptions{Format: c.fmt, Depth: c.depth}); err != nil {
				t.Fatal(err)
			}
			im, err := Decode(buf.Bytes(), 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range c.want {
				if im.T.Data[i] != w { // channel 0 (grey, or R of BMP's palette)
					t.Fatalf("sample %d: %v written as %v, want %v", i, c.in[i], im.T.Data[i], w)
				}
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name string
		t    *tensor.Tensor
		o    EncodeOptions
		want string
	}{
		{"5 channels", tensor.New(5, 2, 2), EncodeOptions{Format: "png"}, "cannot write 5 channels"},
		{"empty", tensor.New(1, 0, 2), EncodeOptions{Format: "png"}, "empty"},
		{"depth", tensor.New(1, 2, 2), EncodeOptions{Format: "png", Depth: 12}, "depth 12"},
		{"format", tensor.New(1, 2, 2), EncodeOptions{Format: "xyz"}, "unknown image format"},
		{"webp", tensor.New(1, 2, 2), EncodeOptions{Format: "webp"}, "writing WebP is not supported (convtool reads it)"},
		{"quality", tensor.New(1, 2, 2), EncodeOptions{Format: "jpeg", Quality: 101}, "quality"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Encode(&bytes.Buffer{}, c.t, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

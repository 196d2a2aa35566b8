package img

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// TestEncodePNGDecodesWithStdlib checks the parallel encoder against an
// independent decoder, the standard library's image/png, for every colour
// type and depth, on images large enough to span several filter bands and
// several deflate chunks (so the dictionary priming and sync flushes are
// exercised). The comparison is exact: PNG is lossless.
func TestEncodePNGDecodesWithStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, depth := range []int{8, 16} {
		for c := 1; c <= 4; c++ {
			top := float32(255)
			if depth == 16 {
				top = 65535
			}
			// 700x613: odd sizes; smooth plus noise so every filter wins somewhere.
			src := tensor.New(c, 613, 700)
			for ch := range c {
				p := src.Plane(ch)
				for i := range p {
					y, x := i/700, i%700
					v := float32((x*3+y*5+ch*40)%256)/255*top*0.8 + rng.Float32()*top*0.2
					p[i] = v
				}
			}
			var buf bytes.Buffer
			if err := encodePNG(&buf, src, depth, []int{0, 1, 6, 9}[c-1], nil); err != nil {
				t.Fatal(err)
			}
			m, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("%d ch %d-bit: image/png cannot decode: %v", c, depth, err)
			}
			checkDecoded(t, m, src, depth)
		}
	}
}

func checkDecoded(t *testing.T, m image.Image, src *tensor.Tensor, depth int) {
	t.Helper()
	top := 255.0
	if depth == 16 {
		top = 65535
	}
	for y := 0; y < src.H; y += 7 {
		for x := 0; x < src.W; x += 3 {
			var got [4]uint32
			switch im := m.(type) {
			case *image.Gray:
				got[0] = uint32(im.GrayAt(x, y).Y)
			case *image.Gray16:
				got[0] = uint32(im.Gray16At(x, y).Y)
			case *image.RGBA:
				p := im.RGBAAt(x, y)
				got = [4]uint32{uint32(p.R), uint32(p.G), uint32(p.B), uint32(p.A)}
			case *image.NRGBA:
				p := im.NRGBAAt(x, y)
				got = [4]uint32{uint32(p.R), uint32(p.G), uint32(p.B), uint32(p.A)}
			case *image.RGBA64:
				p := im.RGBA64At(x, y)
				got = [4]uint32{uint32(p.R), uint32(p.G), uint32(p.B), uint32(p.A)}
			case *image.NRGBA64:
				p := im.NRGBA64At(x, y)
				got = [4]uint32{uint32(p.R), uint32(p.G), uint32(p.B), uint32(p.A)}
			default:
				t.Fatalf("unexpected decoded type %T", m)
			}
			want := make([]uint32, src.C)
			for c := range src.C {
				want[c] = quantize(src.At(c, y, x), top)
			}
			var ok bool
			switch src.C {
			case 1:
				ok = got[0] == want[0]
			case 2: // grey+alpha decodes as NRGBA(64) with R=G=B
				ok = got[0] == want[0] && got[1] == want[0] && got[3] == want[1]
			case 3:
				ok = got[0] == want[0] && got[1] == want[1] && got[2] == want[2]
			case 4:
				ok = got == [4]uint32{want[0], want[1], want[2], want[3]}
			}
			if !ok {
				t.Fatalf("%d ch %d-bit (%d,%d): decoded %v, wrote %v", src.C, depth, x, y, got, want)
			}
		}
	}
}

func BenchmarkEncodePNG(b *testing.B) {
	src := tensor.New(3, 2048, 2048)
	for i := range src.Data {
		src.Data[i] = float32((i*7)%256) * 0.9
	}
	b.SetBytes(int64(len(src.Data)))
	for b.Loop() {
		if err := encodePNG(&bytes.Buffer{}, src, 8, DefaultPNGLevel, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAdler32Combine checks the band checksums' combination against the
// standard library's Adler-32 of the whole, at lengths around the modulus.
func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	data := make([]byte, 200000)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	for _, cut := range []int{0, 1, 5552, 65520, 65521, 65522, 131042, 199999, 200000} {
		a, b := data[:cut], data[cut:]
		got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), int64(len(b)))
		if want := adler32.Checksum(data); got != want {
			t.Errorf("cut %d: combined %08x, want %08x", cut, got, want)
		}
	}
}

// TestPNGWriterRowsEqualWhole: writing row by row gives the very bytes
// encodePNG gives for the whole tensor (the streamed and whole-image
// paths write identical files), for every level, and image/png decodes
// them exactly.
func TestPNGWriterRowsEqualWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for _, level := range []int{0, 1, 6, 9} {
		for c := 1; c <= 4; c++ {
			src := tensor.New(c, 301, 257)
			for i := range src.Data {
				src.Data[i] = float32(i%251) + rng.Float32()*4 - 2
			}
			var whole, rows bytes.Buffer
			if err := encodePNG(&whole, src, 8, level, nil); err != nil {
				t.Fatal(err)
			}
			e, err := NewPNGWriter(&rows, src.W, src.H, c, 8, level)
			if err != nil {
				t.Fatal(err)
			}
			row := make([]float32, c*src.W)
			for y := range src.H {
				for ch := range c {
					copy(row[ch*src.W:], src.Plane(ch)[y*src.W:(y+1)*src.W])
				}
				if err := e.WriteRow(row); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(whole.Bytes(), rows.Bytes()) {
				t.Errorf("level %d, %d channels: row-by-row bytes differ from the whole-image ones", level, c)
			}
			m, err := png.Decode(&rows)
			if err != nil {
				t.Fatalf("level %d: image/png: %v", level, err)
			}
			checkDecoded(t, m, src, 8)
		}
	}
	// Too few rows: Close refuses to finish the file.
	e, _ := NewPNGWriter(io.Discard, 4, 3, 1, 8, 6)
	e.WriteRow(make([]float32, 4))
	if err := e.Close(); err == nil {
		t.Error("Close after 1 row of 3: no error")
	}
}

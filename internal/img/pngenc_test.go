package img

import (
	"bytes"
	"image"
	"image/png"
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
			if err := encodePNG(&buf, src, depth); err != nil {
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
		if err := encodePNG(&bytes.Buffer{}, src, 8); err != nil {
			b.Fatal(err)
		}
	}
}

package img

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/npy"
)

const kinds = "../../testdata/images/kinds"

func readKind(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(kinds, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reference loads the (C,H,W) samples PIL or OpenCV decoded (gen_kinds.py).
func reference(t *testing.T, name string) *npy.Array {
	t.Helper()
	b := readKind(t, name+".npy")
	a, err := npy.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDecodeMatchesPILAndOpenCV(t *testing.T) {
	cases := []struct {
		file   string
		format string
		depth  int
		alpha  bool
		// maxDiff is the largest allowed |ours - reference| per sample;
		// meanDiff bounds the mean. Lossless formats must agree exactly.
		// JPEG chroma upsampling and colour conversion follow libjpeg
		// (jpegcolor.go), but image/jpeg's IDCT is not bit-exact with
		// libjpeg's islow, so JPEG gets a tolerance (measured: max 2,
		// mean 0.07 for rgb444 and rgb420).
		maxDiff, meanDiff float64
		// ignoreHidden skips colour where alpha is 0. No case needs it
		// now: Go's GIF decoder turns the transparent index into
		// (0,0,0,0), and gifhidden.go puts back the palette colour PIL
		// keeps under it.
		ignoreHidden bool
	}{
		{"grey8.png", "png", 8, false, 0, 0, false},
		// grey8_trns.png: PIL reads 1 channel, libvips 2; see TestTRNS.
		{"grey1.png", "png", 8, false, 0, 0, false},
		{"ga8.png", "png", 8, true, 0, 0, false},
		{"ga8_own.png", "png", 8, true, 0, 0, false},
		{"rgb8.png", "png", 8, false, 0, 0, false},
		{"rgba8.png", "png", 8, true, 0, 0, false},
		{"palette.png", "png", 8, false, 0, 0, false},
		{"palette_trns.png", "png", 8, true, 0, 0, false},
		{"grey16.png", "png", 16, false, 0, 0, false},
		{"ga16.png", "png", 16, true, 0, 0, false},
		{"rgb16.png", "png", 16, false, 0, 0, false},
		{"rgba16.png", "png", 16, true, 0, 0, false},
		{"grey.jpg", "jpeg", 8, false, 2, 0.5, false},
		{"rgb444.jpg", "jpeg", 8, false, 2, 0.1, false},
		{"rgb420.jpg", "jpeg", 8, false, 2, 0.1, false},
		{"opaque.gif", "gif", 8, false, 0, 0, false},
		{"trns.gif", "gif", 8, true, 0, 0, false},
		{"grey8.tif", "tiff", 8, false, 0, 0, false},
		{"rgb8.tif", "tiff", 8, false, 0, 0, false},
		{"rgba8.tif", "tiff", 8, true, 0, 0, false},
		{"grey16.tif", "tiff", 16, false, 0, 0, false},
		{"rgb16.tif", "tiff", 16, false, 0, 0, false},
		{"rgb.bmp", "bmp", 8, false, 0, 0, false},
		{"grey.bmp", "bmp", 8, false, 0, 0, false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			im, err := Decode(readKind(t, c.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			if im.Format != c.format || im.Depth != c.depth || im.Alpha != c.alpha {
				t.Errorf("format %s depth %d alpha %v, want %s %d %v", im.Format, im.Depth, im.Alpha, c.format, c.depth, c.alpha)
			}
			ref := reference(t, c.file)
			if got := []int{im.T.C, im.T.H, im.T.W}; len(ref.Shape) != 3 || got[0] != ref.Shape[0] || got[1] != ref.Shape[1] || got[2] != ref.Shape[2] {
				t.Fatalf("shape %v, reference %v", got, ref.Shape)
			}
			var maxd, sum float64
			n := ref.Shape[1] * ref.Shape[2]
			for i, v := range ref.Data {
				if c.ignoreHidden && ref.Data[(ref.Shape[0]-1)*n+i%n] == 0 {
					continue
				}
				d := math.Abs(float64(im.T.Data[i]) - float64(v))
				maxd = max(maxd, d)
				sum += d
			}
			mean := sum / float64(len(ref.Data))
			if maxd > c.maxDiff || mean > c.meanDiff {
				t.Fatalf("max |diff| %v (allowed %v), mean %v (allowed %v)", maxd, c.maxDiff, mean, c.meanDiff)
			}
		})
	}
}

// pngHeader builds the start of a PNG whose IHDR claims w×h: enough for
// DecodeConfig, nothing for the pixels.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 2
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func TestDecodeRefusesHugeHeader(t *testing.T) {
	_, err := Decode(pngHeader(100000, 100000), 268435456)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
	want := "image is 100000x100000 (10000000000 pixels), more than --max-pixels 268435456"
	if err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func TestDecodeBadInput(t *testing.T) {
	good := readKind(t, "rgb8.png")
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a PNG"},
		{"text", []byte("1 2 3\n"), "not a PNG"},
		{"truncated png", good[:len(good)/2], "PNG"},
		{"header only", pngHeader(4, 4), "cannot decode PNG"},
		{"truncated jpeg", readKind(t, "grey.jpg")[:200], "JPEG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.data, 0)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

package img

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/fuzzseed"
)

// fuzzMaxPixels keeps every accepted image small, so the fuzzer spends its
// time on headers and chunk structure rather than on big allocations.
const fuzzMaxPixels = 1 << 16

// FuzzDecode: whatever the bytes, Decode does not panic, refuses anything
// over the pixel limit, returns a one-line error or a well-formed image,
// and for PNG agrees with image/png wherever its own decoder answers.
func FuzzDecode(f *testing.F) {
	fuzzseed.Add(f, "img")
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := Decode(b, fuzzMaxPixels)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		x := im.T
		if x.C < 1 || x.C > 4 || x.H < 1 || x.W < 1 || len(x.Data) != x.C*x.H*x.W {
			t.Fatalf("tensor %dx%dx%d with %d values", x.C, x.H, x.W, len(x.Data))
		}
		if int64(x.H)*int64(x.W) > fuzzMaxPixels {
			t.Fatalf("%dx%d accepted over the %d-pixel limit", x.W, x.H, fuzzMaxPixels)
		}
		if im.Depth == 32 {
			if im.Format != "pfm" {
				t.Fatalf("depth 32 from %s", im.Format)
			}
			return // PFM floats are kept as they are, NaN and all
		}
		if im.Depth != 8 && im.Depth != 16 {
			t.Fatalf("depth %d", im.Depth)
		}
		hi := float32(255)
		if im.Depth == 16 {
			hi = 65535
		}
		for _, v := range x.Data {
			if !(v >= 0 && v <= hi) {
				t.Fatalf("sample %v outside 0..%v", v, hi)
			}
		}
		if !bytes.HasPrefix(b, []byte(pngSignature)) {
			return
		}
		own, err := decodePNG(b)
		if err != nil {
			return // left to image/png, which is what Decode returned
		}
		want, err := stdDecode(b)
		if err != nil {
			t.Fatalf("decodePNG accepted what image/png refuses: %v", err)
		}
		if d := sameImage(own, want); d != "" {
			t.Fatalf("decodePNG and image/png differ: %s", d)
		}
	})
}

// A header that claims more than the file's bytes can inflate to is
// refused before image/png would allocate it, within --max-pixels or not.
func TestDecodeRefusesLyingPNGHeader(t *testing.T) {
	for _, name := range []string{"lying_16000x16000.png", "lying_100000x100000.png"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", name))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Decode(b, 0)
		if err == nil || !strings.Contains(err.Error(), "more than the") {
			t.Errorf("%s: error %v, want a refusal naming the file's size", name, err)
		}
	}
}

// FuzzPNGReader: whatever the bytes, the row reader does not panic, errs
// in one line, keeps to the pixel limit it is given (past it, the inflate
// ratio), and whatever it decodes in full equals image/png's image.
func FuzzPNGReader(f *testing.F) {
	fuzzseed.Add(f, "img")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewPNGReader(bytes.NewReader(b), int64(len(b)), fuzzMaxPixels)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if int64(r.Width)*int64(r.Height) > 1<<22 {
			return // the ratio check lets it stream; not worth the fuzzer's time
		}
		got, err := streamDecode(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		want, err := stdDecode(b)
		if err != nil {
			t.Fatalf("the row reader decoded what image/png refuses: %v", err)
		}
		if d := sameImage(got, want); d != "" {
			t.Fatal(d)
		}
	})
}

// FuzzEXIF: whatever the EXIF bytes (a JPEG's APP1 or a PNG's eXIf is the
// file's to choose), reading the orientation and resetting it through
// go-exif does not panic, and a reset block reads back as orientation 1
// or is dropped.
func FuzzEXIF(f *testing.F) {
	for _, name := range []string{"rot6.jpg", "meta.webp"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "photo", "meta", name))
		if err != nil {
			f.Fatal(err)
		}
		m := readJPEGMeta(b)
		if name == "meta.webp" {
			m = readWebPMeta(b)
		}
		f.Add(m.EXIF)
	}
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := &Meta{EXIF: b}
		o := m.Orientation()
		if o < 0 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
		m.ResetOrientation()
		if len(m.EXIF) > 0 {
			if got := m.Orientation(); got != 1 && got != 0 {
				t.Fatalf("after reset: orientation %d", got)
			}
		}
	})
}

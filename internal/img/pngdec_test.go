package img

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// stdDecode is the path decodePNG replaces: image/png, then toTensor.
func stdDecode(data []byte) (*Image, error) {
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	t, depth, alpha := toTensor(m, pngColorType(data))
	return &Image{T: t, Format: "png", Depth: depth, Alpha: alpha}, nil
}

// streamDecode reads data through PNGReader, row by row, into a tensor.
func streamDecode(data []byte) (*Image, error) {
	r, err := NewPNGReader(bytes.NewReader(data), int64(len(data)), 0)
	if err != nil {
		return nil, err
	}
	t := tensor.New(r.Channels, r.Height, r.Width)
	row := make([]float32, r.Channels*r.Width)
	for y := range r.Height {
		if err := r.ReadRow(row); err != nil {
			return nil, err
		}
		for c := range r.Channels {
			copy(t.Plane(c)[y*r.Width:(y+1)*r.Width], row[c*r.Width:(c+1)*r.Width])
		}
	}
	return &Image{T: t, Format: "png", Depth: r.Depth, Alpha: r.Alpha, Meta: r.Meta()}, nil
}

// sameImage reports how got differs from want, or "".
func sameImage(got, want *Image) string {
	if got.Depth != want.Depth || got.Alpha != want.Alpha || got.Format != want.Format {
		return fmt.Sprintf("depth %d alpha %v format %s, want %d %v %s", got.Depth, got.Alpha, got.Format, want.Depth, want.Alpha, want.Format)
	}
	if !got.T.SameShape(want.T) {
		return fmt.Sprintf("shape %s, want %s", got.T.Shape(), want.T.Shape())
	}
	for i, v := range got.T.Data {
		if v != want.T.Data[i] {
			return fmt.Sprintf("sample %d = %v, want %v", i, v, want.T.Data[i])
		}
	}
	return ""
}

// checkPNG decodes data both ways and fails unless decodePNG gives exactly
// the standard result, or leaves the file to image/png. It reports whether
// decodePNG handled it.
func checkPNG(t *testing.T, name string, data []byte) bool {
	t.Helper()
	if _, _, _, err := CheckSize(data, 1<<20); errors.Is(err, ErrTooLarge) {
		// A damaged size: image/png would allocate it all. decodePNG
		// must see that the data cannot hold it.
		if _, err := decodePNG(data); !errors.Is(err, errPNGFallback) {
			t.Errorf("%s: decodePNG accepted a header larger than its data (%v)", name, err)
		}
		return false
	}
	want, werr := stdDecode(data)
	got, err := decodePNG(data)
	switch {
	case err != nil && !errors.Is(err, errPNGFallback):
		t.Errorf("%s: decodePNG error %v is not the fallback", name, err)
	case err == nil && werr != nil:
		t.Errorf("%s: decodePNG accepted a file image/png rejects (%v)", name, werr)
	case err == nil:
		if d := sameImage(got, want); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	// Whatever decodePNG does, Decode must agree with the standard path
	// (and both get a tRNS key's alpha channel from the chunks).
	if werr == nil {
		want = withPNGChunks(want, readPNGMeta(data))
	}
	// The row reader must decode what decodePNG decodes, identically (a
	// tRNS key's alpha and the metadata too), and refuse what image/png
	// refuses (it has no fallback to ask).
	sgot, serr := streamDecode(data)
	switch {
	case serr == nil && werr != nil:
		t.Errorf("%s: PNGReader accepted a file image/png rejects (%v)", name, werr)
	case err == nil && serr != nil && !strings.Contains(serr.Error(), "interlaced"):
		t.Errorf("%s: PNGReader: %v", name, serr)
	case serr == nil:
		if d := sameImage(sgot, want); d != "" {
			t.Errorf("%s: PNGReader: %s", name, d)
		}
		if !reflect.DeepEqual(sgot.Meta, want.Meta) {
			t.Errorf("%s: PNGReader's metadata %+v, Decode's %+v", name, sgot.Meta, want.Meta)
		}
	}
	im, derr := Decode(data, 0)
	if (derr == nil) != (werr == nil) {
		t.Errorf("%s: Decode error %v, image/png error %v", name, derr, werr)
	} else if derr == nil {
		if d := sameImage(im, want); d != "" {
			t.Errorf("%s: Decode: %s", name, d)
		}
	}
	return err == nil
}

func TestDecodePNGTestdata(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(path), ".png") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if checkPNG(t, path, data) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("decodePNG handled none of the PNGs under testdata")
	}
}

// pngFile builds a PNG from raw (unfiltered) rows, filtering row y with
// filters[y%len(filters)], with the extra chunks placed before IDAT and the
// zlib stream split into IDAT chunks of at most split bytes.
type pngFile struct {
	w, h, depth, ct int
	interlace       byte
	rows            [][]byte
	filters         []byte
	before          [][2]string // chunk type, data
	split           int
	level           int
}

func chunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(append([]byte(typ), data...)))
	b.Write(n[:])
}

func (f *pngFile) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(pngSignature)
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(f.w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(f.h))
	ihdr[8], ihdr[9], ihdr[12] = byte(f.depth), byte(f.ct), f.interlace
	chunk(&b, "IHDR", ihdr)
	for _, c := range f.before {
		chunk(&b, c[0], []byte(c[1]))
	}
	samples := [7]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[f.ct]
	bpp := max(1, samples*f.depth/8)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, f.level)
	prev := make([]byte, len(f.rows[0]))
	for y, cur := range f.rows {
		ft := f.filters[y%len(f.filters)]
		out := make([]byte, len(cur))
		for i := range cur {
			var a, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			var pred byte
			switch ft {
			case 1:
				pred = a
			case 2:
				pred = up
			case 3:
				pred = byte((int(a) + int(up)) / 2)
			case 4:
				pred = paeth(a, up, c)
			}
			out[i] = cur[i] - pred
		}
		zw.Write([]byte{ft})
		zw.Write(out)
		prev = cur
	}
	zw.Close()
	zd := z.Bytes()
	split := f.split
	if split <= 0 {
		split = len(zd) + 1
	}
	for len(zd) > 0 {
		n := min(split, len(zd))
		chunk(&b, "IDAT", zd[:n])
		zd = zd[n:]
	}
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

// randomPNG makes a file of the given format with random samples, every
// filter type and a few IDAT chunks.
func randomPNG(rng *rand.Rand, w, h, depth, ct int) *pngFile {
	samples := [7]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct]
	rowSize := (samples*depth*w + 7) / 8
	f := &pngFile{w: w, h: h, depth: depth, ct: ct, filters: []byte{0, 1, 2, 3, 4}, split: 97, level: rng.IntN(10)}
	for range h {
		r := make([]byte, rowSize)
		for i := range r {
			// Smooth-ish data so the predictors see both small and large
			// differences, and some wraparound.
			r[i] = byte(rng.IntN(256))
			if i > 0 && rng.IntN(2) == 0 {
				r[i] = r[i-1] + byte(rng.IntN(5))
			}
		}
		if depth < 8 || ct == 3 { // keep indices and grey levels in range
			if ct == 3 && depth == 8 {
				for i := range r {
					r[i] %= 200
				}
			}
		}
		f.rows = append(f.rows, r)
	}
	return f
}

func TestDecodePNGGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type format struct{ depth, ct int }
	formats := []format{
		{1, 0}, {2, 0}, {4, 0}, {8, 0}, {16, 0},
		{8, 2}, {16, 2},
		{1, 3}, {2, 3}, {4, 3}, {8, 3},
		{8, 4}, {16, 4},
		{8, 6}, {16, 6},
	}
	for _, fm := range formats {
		for _, w := range []int{1, 2, 3, 7, 13, 64} {
			h := 1 + rng.IntN(9)
			f := randomPNG(rng, w, h, fm.depth, fm.ct)
			if fm.ct == 3 {
				np := min(1<<fm.depth, 200)
				pal := make([]byte, 3*np)
				for i := range pal {
					pal[i] = byte(rng.IntN(256))
				}
				f.before = append(f.before, [2]string{"PLTE", string(pal)})
			}
			name := fmt.Sprintf("depth%d_ct%d_w%d", fm.depth, fm.ct, w)
			if !checkPNG(t, name, f.bytes()) {
				t.Errorf("%s: decodePNG left a plain file to image/png", name)
			}
		}
	}
}

func TestDecodePNGChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pal := func(n int) string { return strings.Repeat("\x10\x80\xf0", n) }
	tests := []struct {
		name   string
		ct     int
		before [][2]string
		handle bool // decodePNG decodes it rather than leaving it
	}{
		{"palette opaque", 3, [][2]string{{"PLTE", pal(200)}}, true},
		{"palette tRNS opaque", 3, [][2]string{{"PLTE", pal(200)}, {"tRNS", "\xff\xff"}}, true},
		{"palette tRNS translucent", 3, [][2]string{{"PLTE", pal(200)}, {"tRNS", "\xff\x80"}}, true},
		{"palette tRNS alpha", 3, [][2]string{{"PLTE", pal(200)}, {"tRNS", "\xff\x80\x00"}}, true},
		{"palette tRNS longer than PLTE", 3, [][2]string{{"PLTE", pal(2)}, {"tRNS", "\xff\xff\x40\x00"}}, true},
		{"palette short: indices past it", 3, [][2]string{{"PLTE", pal(3)}}, true},
		{"palette missing", 3, nil, false},
		{"grey tRNS key", 0, [][2]string{{"tRNS", "\x00\x10"}}, true},
		{"rgb tRNS key", 2, [][2]string{{"tRNS", "\x00\x10\x00\x20\x00\x30"}}, true},
		{"rgb PLTE ignored", 2, [][2]string{{"PLTE", pal(4)}}, true},
		{"rgba tRNS", 6, [][2]string{{"tRNS", "\x00\x10"}}, false},
		{"grey PLTE", 0, [][2]string{{"PLTE", pal(4)}}, false},
		{"unknown chunks", 2, [][2]string{{"tEXt", "a\x00b"}, {"zzZz", ""}}, true},
	}
	for _, tc := range tests {
		f := randomPNG(rng, 11, 5, 8, tc.ct)
		f.before = tc.before
		if got := checkPNG(t, tc.name, f.bytes()); got != tc.handle {
			t.Errorf("%s: handled %v, want %v", tc.name, got, tc.handle)
		}
	}
	// Interlaced files go to image/png.
	var b bytes.Buffer
	m := image.NewNRGBA(image.Rect(0, 0, 9, 9))
	png.Encode(&b, m)
	f := randomPNG(rng, 9, 9, 8, 2)
	f.interlace = 1
	if checkPNG(t, "interlaced", f.bytes()) {
		t.Error("decodePNG decoded an interlaced file")
	}
}

// TestDecodePNGEncoded runs image/png's own encoder output (adaptive
// filters, each compression level) and the house encoder's.
func TestDecodePNGEncoded(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	w, h := 37, 23
	imgs := map[string]image.Image{}
	rgba, nrgba, g16, gray := image.NewRGBA(image.Rect(0, 0, w, h)), image.NewNRGBA(image.Rect(0, 0, w, h)),
		image.NewGray16(image.Rect(0, 0, w, h)), image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(x*7 + y*3 + rng.IntN(20))
			rgba.Set(x, y, color.RGBA{v, v / 2, 255 - v, 255})
			nrgba.Set(x, y, color.NRGBA{v, 3 * v, v / 3, uint8(rng.IntN(256))})
			g16.Set(x, y, color.Gray16{uint16(v)*257 + uint16(rng.IntN(200))})
			gray.Set(x, y, color.Gray{v})
		}
	}
	imgs["rgb"], imgs["rgba"], imgs["gray16"], imgs["gray"] = rgba, nrgba, g16, gray
	for name, m := range imgs {
		for _, lvl := range []png.CompressionLevel{png.NoCompression, png.BestSpeed, png.DefaultCompression, png.BestCompression} {
			var b bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: lvl}).Encode(&b, m); err != nil {
				t.Fatal(err)
			}
			if !checkPNG(t, fmt.Sprintf("%s level %d", name, lvl), b.Bytes()) {
				t.Errorf("%s: left to image/png", name)
			}
		}
	}
}

// TestDecodePNGCorrupt cuts and damages valid files: every result must be
// an error or exactly the standard decoder's image, never a panic or a hang.
func TestDecodePNGCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var files [][]byte
	for _, ct := range []int{0, 2, 3, 6} {
		f := randomPNG(rng, 17, 9, 8, ct)
		if ct == 3 {
			f.before = [][2]string{{"PLTE", strings.Repeat("\x01\x02\x03", 256)}, {"tRNS", "\x00\x80"}}
		}
		files = append(files, f.bytes())
	}
	for fi, data := range files {
		for n := 0; n < len(data); n += 1 + n/16 {
			checkPNG(t, fmt.Sprintf("file %d cut at %d", fi, n), data[:n])
		}
		for range 300 {
			d := bytes.Clone(data)
			i := rng.IntN(len(d))
			d[i] ^= byte(1 + rng.IntN(255))
			checkPNG(t, fmt.Sprintf("file %d byte %d flipped", fi, i), d)
			fixCRCs(d)
			checkPNG(t, fmt.Sprintf("file %d byte %d flipped, CRCs fixed", fi, i), d)
		}
	}
}

// fixCRCs rewrites every chunk's CRC so that damage reaches the parser and
// the inflater instead of stopping at the checksum.
func fixCRCs(d []byte) {
	p := len(pngSignature)
	for p+12 <= len(d) {
		n := int(binary.BigEndian.Uint32(d[p:]))
		if n < 0 || n > len(d)-p-12 {
			return
		}
		binary.BigEndian.PutUint32(d[p+8+n:], crc32.ChecksumIEEE(d[p+4:p+8+n]))
		p += 12 + n
	}
}

func BenchmarkDecodePNG(b *testing.B) {
	for _, name := range []string{"stdlib", "streaming"} {
		b.Run(name, func(b *testing.B) {
			data := benchPNG(b)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var err error
				if name == "stdlib" {
					_, err = stdDecode(data)
				} else {
					_, err = decodePNG(data)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchPNG is testdata/images/sample.png scaled 4x (2048x2048 RGB).
func benchPNG(b *testing.B) []byte {
	data, err := os.ReadFile("../../testdata/images/sample.png")
	if err != nil {
		b.Skip(err)
	}
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	r := m.Bounds()
	big := image.NewRGBA(image.Rect(0, 0, 4*r.Dx(), 4*r.Dy()))
	for y := range big.Rect.Dy() {
		for x := range big.Rect.Dx() {
			big.Set(x, y, m.At(r.Min.X+x/4, r.Min.Y+y/4))
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, big); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

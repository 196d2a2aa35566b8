package img

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
)

const formatsDir = "../../testdata/photo/formats"

func readFormat(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(formatsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func formatRef(t *testing.T, name string) *npy.Array {
	t.Helper()
	b := readFormat(t, name+".npy")
	a, err := npy.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDecodeNetpbmPFMWebP compares the decoders with what PIL, OpenCV
// and libvips read from the same files (testdata/photo/gen_formats.py).
// Netpbm, PFM and lossless WebP must agree exactly. Lossy WebP is
// converted with libwebp's studio-range formulas (webp.go); the chroma
// upsampler's rounding differs from libwebp's by one now and then:
// measured max 2, mean 0.036 on this crop, bounded at 2 and 0.1. (With
// JPEG's full-range conversion the mean is 8.2: the bound catches it.)
func TestDecodeNetpbmPFMWebP(t *testing.T) {
	cases := []struct {
		file, format string
		depth        int
		alpha        bool
		max, mean    float64
	}{
		{"grey_p5.pgm", "pnm", 8, false, 0, 0},
		{"grey_p2.pgm", "pnm", 8, false, 0, 0},
		{"rgb_p6.ppm", "pnm", 8, false, 0, 0},
		{"rgb_p3.ppm", "pnm", 8, false, 0, 0},
		{"bw_p4.pbm", "pnm", 8, false, 0, 0},
		{"grey16.pgm", "pnm", 16, false, 0, 0},
		{"rgba.pam", "pam", 8, true, 0, 0},
		{"rgb.pfm", "pfm", 32, false, 0, 0},
		{"grey.pfm", "pfm", 32, false, 0, 0},
		{"rgb_lossless.webp", "webp", 8, false, 0, 0},
		{"rgba_lossless.webp", "webp", 8, true, 0, 0},
		{"rgb_q90.webp", "webp", 8, false, 2, 0.1},
		{"rgba_q90.webp", "webp", 8, true, 3, 0.1}, // measured max 3, mean 0.026
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			im, err := Decode(readFormat(t, tc.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			ref := formatRef(t, tc.file)
			if im.Format != tc.format || im.Depth != tc.depth || im.Alpha != tc.alpha {
				t.Errorf("format %s depth %d alpha %v, want %s %d %v", im.Format, im.Depth, im.Alpha, tc.format, tc.depth, tc.alpha)
			}
			if s := ref.Shape; im.T.C != s[0] || im.T.H != s[1] || im.T.W != s[2] {
				t.Fatalf("shape %s, reference %v", im.T.Shape(), s)
			}
			var mx, sum float64
			for i, v := range im.T.Data {
				d := math.Abs(float64(v) - float64(ref.Data[i]))
				mx = max(mx, d)
				sum += d
			}
			if mean := sum / float64(len(im.T.Data)); mx > tc.max || mean > tc.mean {
				t.Errorf("max |ours - reference| %.4g, mean %.4g; allowed %g, %g", mx, mean, tc.max, tc.mean)
			}
		})
	}
}

// TestEncodeNetpbmPFMRoundTrip writes each kind and reads it back: the
// exact samples for 8 and 16 bits and float32 bits for PFM, with the
// header a Netpbm reader expects (PIL's own P5/P6 header form, P7 with
// TUPLTYPE for alpha).
func TestEncodeNetpbmPFMRoundTrip(t *testing.T) {
	cases := []struct {
		file, format, header string
		depth                int
	}{
		{"grey_p5.pgm", "pnm", "P5\n64 48\n255\n", 8},
		{"rgb_p6.ppm", "pnm", "P6\n64 48\n255\n", 8},
		{"grey16.pgm", "pnm", "P5\n64 48\n65535\n", 16},
		{"rgba.pam", "pnm", "P7\nWIDTH 64\nHEIGHT 48\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", 8},
		{"rgb_p6.ppm", "pam", "P7\nWIDTH 64\nHEIGHT 48\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n", 8},
		{"rgb.pfm", "pfm", "PF\n64 48\n-1.0\n", 32},
		{"grey.pfm", "pfm", "Pf\n64 48\n-1.0\n", 32},
	}
	for _, tc := range cases {
		t.Run(tc.file+"→"+tc.format, func(t *testing.T) {
			in, err := Decode(readFormat(t, tc.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Encode(&buf, in.T, EncodeOptions{Format: tc.format, Depth: tc.depth}); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), tc.header) {
				t.Errorf("header %q, want %q", buf.String()[:min(buf.Len(), len(tc.header))], tc.header)
			}
			back, err := Decode(buf.Bytes(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !sameTensor(back.T, in.T) {
				t.Errorf("round trip changed the samples")
			}
		})
	}
	// The file PIL wrote and the one we write are the same bytes.
	in, _ := Decode(readFormat(t, "rgb_p6.ppm"), 0)
	var buf bytes.Buffer
	if err := Encode(&buf, in.T, EncodeOptions{Format: "pnm"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), readFormat(t, "rgb_p6.ppm")) {
		t.Errorf("our P6 differs from PIL's bytes")
	}
}

func sameTensor(a, b *tensor.Tensor) bool {
	if a.C != b.C || a.H != b.H || a.W != b.W {
		return false
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return false
		}
	}
	return true
}

// TestUnsupportedFormatsNamed checks that a file of a format convtool
// cannot read is named by its magic bytes, never parsed as another.
func TestUnsupportedFormatsNamed(t *testing.T) {
	cases := []struct {
		data, want string
	}{
		{"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "format not supported: HEIF/HEIC"},
		{"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1", "format not supported: AVIF"},
		{"8BPS\x00\x01\x00\x00\x00\x00\x00\x00", "format not supported: Photoshop PSD"},
		{"\x76\x2f\x31\x01\x02\x00\x00\x00", "format not supported: OpenEXR"},
		{"qoif\x00\x00\x00\x10\x00\x00\x00\x10\x04\x00", "format not supported: QOI"},
		{"\xff\x0a\xfa\x7f", "format not supported: JPEG XL"},
		{"\x00\x00\x00\x0cjP  \r\n\x87\n\x00\x00", "format not supported: JPEG 2000"},
		{"%PDF-1.7\n", "format not supported: PDF"},
		{"RIFF\x10\x00\x00\x00WAVEfmt ", "format not supported: WebP (RIFF container, not WEBP)"},
		{"RIFF\x10\x00\x00\x00WEBPVP8 \x00", "bad WebP header"},
		{"P5\n64 48\n", "bad Netpbm header: truncated header"},
		{"P5\n64 48\n255", "bad Netpbm header: no data after the header"},
		{"P5\n64 -3\n255\n", "bad Netpbm header"},
		{"P6\n2 2\n255\nabc", "truncated Netpbm: 3 of 12 bytes of samples"},
		// Refused before the 16384x16384 planes are allocated.
		{"P5\n16384 16384\n255\nab", "truncated Netpbm: 2 of 268435456 bytes of samples"},
		{"P2\n3 1\n255\n1 2", "truncated Netpbm: 3 of 5 bytes of samples"},
		{"PF\n16384 16384\n-1\n\x00\x00", "truncated PFM: 2 of 3221225472 bytes of samples"},
		{"Pf\n2 2\n0\n", "bad PFM header: PFM scale \"0\": want a non-zero number"},
		{"PF\n2 2\n-1\n\x00\x00", "truncated PFM: 2 of 48 bytes of samples"},
	}
	for _, tc := range cases {
		_, err := Decode([]byte(tc.data), 0)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.data[:min(12, len(tc.data))], err, tc.want)
		}
	}
}

// TestTRNS: a grey or RGB PNG's tRNS key colour becomes an alpha channel
// exactly as libvips reads it, at 8 and 16 bits; a palette PNG keeps the
// colours of its transparent entries, as PIL does
// (testdata/photo/gen_trns.py). Lossless: exact.
func TestTRNS(t *testing.T) {
	for _, name := range []string{"grey8_key.png", "rgb8_key.png", "grey16_key.png", "rgb16_key.png", "palette_trns.png"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("../../testdata/photo/trns", name))
			if err != nil {
				t.Fatal(err)
			}
			im, err := Decode(b, 0)
			if err != nil {
				t.Fatal(err)
			}
			rb, err := os.ReadFile(filepath.Join("../../testdata/photo/trns", name+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			ref, err := npy.Read(bytes.NewReader(rb), int64(len(rb)))
			if err != nil {
				t.Fatal(err)
			}
			if !im.Alpha || im.T.C != ref.Shape[0] {
				t.Fatalf("%d channels, alpha %v; libvips/PIL read %d with alpha", im.T.C, im.Alpha, ref.Shape[0])
			}
			for i, v := range ref.Data {
				if im.T.Data[i] != v {
					t.Fatalf("sample %d (channel %d) = %v, reference %v", i, i/(im.T.H*im.T.W), im.T.Data[i], v)
				}
			}
		})
	}
}

// TestEXIFLyingCountRefused: an entry claiming more bytes than the block
// holds (found by FuzzEXIF: this 60-byte block's Make string claims about
// a billion bytes, which took go-exif seconds) makes the block unreadable
// before go-exif sees it; a sound block reads.
func TestEXIFLyingCountRefused(t *testing.T) {
	lying := []byte("MM\x00*\x00\x00\x00\b\x00\x02\x01\x0f\x00\x02;\x00\x00\x0e\x00\x00\x00&\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00bonvto\xdfl tes\xad\x00")
	if exifSane(lying) {
		t.Errorf("a count reaching past the block passed the check")
	}
	if o := (&Meta{EXIF: lying}).Orientation(); o != 0 {
		t.Errorf("orientation %d from a lying block", o)
	}
	sound := []byte("MM\x00*\x00\x00\x00\b\x00\x02\x01\x0f\x00\x02\x00\x00\x00\x0e\x00\x00\x00&\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00convtool test\x00")
	if !exifSane(sound) {
		t.Errorf("a sound block failed the check")
	}
	if o := (&Meta{EXIF: sound}).Orientation(); o != 6 {
		t.Errorf("orientation %d, want 6", o)
	}
}

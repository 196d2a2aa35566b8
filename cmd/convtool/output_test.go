package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// TestAlphaFlattenedForFormatsWithout checks that RGBA written to a format
// without alpha is composited over --background as `vips flatten` does
// (testdata/photo/gen_output.py), not stripped to the colour hidden under
// it, and that the summary says so and reports 3 channels. Tolerance 1:
// vips rounds colour·α + bg·(1-α) computed in float, as we do, but its
// float and ours may land on either side of .5.
func TestAlphaFlattenedForFormatsWithout(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "output")
	in := filepath.Join(dir, "rgba.png")
	tests := []struct {
		out, ref string
		args     []string
		note     string
	}{
		{"o.bmp", "flat_black.png", nil, "flattened against --background 0 (black) (BMP holds no alpha)"},
		{"o.ppm", "flat_orange.png", []string{"--background", "255,128,0"}, "flattened against --background 255,128,0 (PNM holds no alpha)"},
		{"o.jpg", "flat_black.png", []string{"--quality", "100"}, "flattened against --background 0 (black) (JPEG holds no alpha)"},
	}
	for _, tc := range tests {
		t.Run(tc.out, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.out)
			r := runCLI(t, nil, append([]string{"conv", in, out, "-k", "identity"}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.note) || !strings.Contains(r.stderr, tc.out+" 3x96x128") {
				t.Errorf("summary %q lacks %q or 3 output channels", r.stderr, tc.note)
			}
			got, want := readTensor(t, out).T, readTensor(t, filepath.Join(dir, tc.ref)).T
			if got.C != 3 || !got.SameShape(want) {
				t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
			}
			if strings.HasSuffix(tc.out, ".jpg") {
				// JPEG's 4:2:0 chroma smears the roof's sharp colour edges
				// (max 46 at quality 100), so the mean is bounded: the colour
				// hidden under alpha 0 instead of black would give ~60.
				if d := meanDiff(got, want); d > 2 {
					t.Errorf("mean |convtool - vips flatten| = %v, tolerance 2", d)
				}
				return
			}
			if d := maxDiff(got, want, 3); d > 1 {
				t.Errorf("max |convtool - vips flatten| = %v, tolerance 1", d)
			}
		})
	}
	// PNG holds alpha: nothing is flattened.
	out := filepath.Join(t.TempDir(), "o.png")
	r := runCLI(t, nil, "conv", in, out, "-k", "identity")
	if r.code != 0 || strings.Contains(r.stderr, "flattened") || readTensor(t, out).T.C != 4 {
		t.Errorf("PNG output: exit %d, %q, want 4 channels kept", r.code, r.stderr)
	}
}

// jpegTables returns the DQT segments' table bytes of a JPEG, in order.
func jpegTables(t *testing.T, b []byte) []byte {
	t.Helper()
	var tables []byte
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			t.Fatalf("bad JPEG marker at %d", i)
		}
		m := b[i+1]
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xdb {
			tables = append(tables, b[i+4:i+2+n]...)
		}
		if m == 0xda {
			break
		}
		i += 2 + n
	}
	return tables
}

// TestJPEGQualityAsVips checks --quality against libvips: the same Q
// gives the same quantisation tables (libjpeg's scaling of the standard
// tables, which image/jpeg follows), and no --quality means vips's 75.
func TestJPEGQualityAsVips(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "output")
	in := filepath.Join(dir, "flat_black.png")
	for _, tc := range []struct {
		ref  string
		args []string
	}{{"q75.jpg", nil}, {"q90.jpg", []string{"--quality", "90"}}} {
		out := filepath.Join(t.TempDir(), "o.jpg")
		r := runCLI(t, nil, append([]string{"conv", in, out, "-q", "-k", "identity"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got, _ := os.ReadFile(out)
		want, _ := os.ReadFile(filepath.Join(dir, tc.ref))
		if g, w := jpegTables(t, got), jpegTables(t, want); !bytes.Equal(g, w) || len(g) == 0 {
			t.Errorf("%v: quantisation tables differ from vips's %s", tc.args, tc.ref)
		}
	}
}

// TestOutputFlagErrors is the golden list of the new usage errors.
func TestOutputFlagErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(repoTestdata, "photo", "output", "rgba.png")
	heic := filepath.Join(dir, "photo.heic")
	os.WriteFile(heic, []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00"), 0o644)
	fake := filepath.Join(dir, "photo.jpg")
	os.WriteFile(fake, []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"), 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"conv", in, filepath.Join(dir, "o.jpg"), "-k", "box:3", "--quality", "0"}, 2, `invalid argument "0" for "--quality" flag: "0": want a JPEG quality from 1 to 100 (as libvips' Q)`},
		{[]string{"conv", in, filepath.Join(dir, "o.jpg"), "-k", "box:3", "--quality", "101"}, 2, `"101": want a JPEG quality from 1 to 100`},
		{[]string{"conv", in, filepath.Join(dir, "o.jpg"), "-k", "box:3", "--background", "1,2"}, 2, `"1,2": want one value or R,G,B`},
		{[]string{"conv", in, filepath.Join(dir, "o.jpg"), "-k", "box:3", "--background", "300"}, 2, `"300": want numbers from 0 to 255`},
		{[]string{"conv", in, filepath.Join(dir, "o.webp"), "-k", "box:3"}, 2, "o.webp: writing WebP is not supported (convtool reads it): write .png, .jpg or another format"},
		{[]string{"conv", heic, filepath.Join(dir, "o.png"), "-k", "box:3"}, 1, "photo.heic: format not supported: HEIF/HEIC"},
		{[]string{"conv", fake, filepath.Join(dir, "o.png"), "-k", "box:3"}, 1, "photo.jpg: format not supported: WebP (RIFF container, not WEBP)"},
	}
	for _, tc := range tests {
		r := runCLI(t, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q on one line", tc.args[1:], r.code, r.stderr, tc.code, tc.want)
		}
	}
	// A HEIC on stdin, or under a name with no known extension, is named
	// by its magic bytes, never parsed as text.
	b, _ := os.ReadFile(heic)
	r := runCLI(t, bytes.NewReader(b), "conv", "-", filepath.Join(dir, "o.png"), "-k", "box:3")
	if r.code != 1 || !strings.Contains(r.stderr, "stdin: format not supported: HEIF/HEIC") {
		t.Errorf("HEIC on stdin: exit %d, %q", r.code, r.stderr)
	}
}

// TestReadNetpbmPFMWebPFromCLI reads the new formats through the command
// line, by extension and sniffed on stdin, and writes PFM both ways.
func TestReadNetpbmPFMWebPFromCLI(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "formats")
	for _, name := range []string{"rgb_p6.ppm", "grey16.pgm", "rgba.pam", "rgb.pfm", "rgba_lossless.webp"} {
		out := filepath.Join(t.TempDir(), "o.npy")
		r := runCLI(t, nil, "conv", filepath.Join(dir, name), out, "-q", "-k", "identity")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		got, want := readTensor(t, out).T, readTensor(t, filepath.Join(dir, name+".npy")).T
		if !got.SameShape(want) || maxDiff(got, want, want.C) != 0 {
			t.Errorf("%s: read through conv differs from the reference", name)
		}
		b, _ := os.ReadFile(filepath.Join(dir, name))
		r = runCLI(t, bytes.NewReader(b), "conv", "-", out, "-q", "-k", "identity")
		if r.code != 0 || maxDiff(readTensor(t, out).T, want, want.C) != 0 {
			t.Errorf("%s on stdin: exit %d %s", name, r.code, r.stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "o.pfm")
	r := runCLI(t, nil, "conv", filepath.Join(dir, "rgb.pfm"), out, "-q", "-k", "identity")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if maxDiff(readTensor(t, out).T, readTensor(t, filepath.Join(dir, "rgb.pfm.npy")).T, 3) != 0 {
		t.Errorf("PFM → PFM changed the float values")
	}
}

// meanDiff is the mean |a-b| over every sample.
func meanDiff(a, b *tensor.Tensor) float64 {
	var s float64
	for i, v := range a.Data {
		s += math.Abs(float64(v) - float64(b.Data[i]))
	}
	return s / float64(len(a.Data))
}

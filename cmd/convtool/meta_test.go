package main

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/img"
)

// metaFacts is testdata/photo/meta/facts.json: what PIL reads from the
// inputs (testdata/photo/gen_meta.py).
type metaFacts struct {
	Orientation int               `json:"orientation"`
	ICCLen      int               `json:"icc_len"`
	ICCHead     string            `json:"icc_head"`
	DPI         []float64         `json:"dpi"`
	XMP         string            `json:"xmp"`
	Gamma       uint32            `json:"gamma"`
	Text        map[string]string `json:"text"`
}

func loadMetaFacts(t *testing.T) map[string]metaFacts {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoTestdata, "photo", "meta", "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]metaFacts
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// checkMeta compares the metadata convtool wrote with what PIL read from
// the input: ICC bytes (length and head), XMP, the density to 0.01 dpi
// within half a pixel per metre, 0.0127 dpi (PNG stores integer pixels
// per metre: 300 dpi is 11811 ppm, 299.9994 dpi; 150 dpi 5906, 150.012),
// gamma and text exactly.
func checkMeta(t *testing.T, what string, m *img.Meta, f metaFacts, orientation int) {
	t.Helper()
	if m == nil {
		t.Fatalf("%s: no metadata written", what)
	}
	if got := m.Orientation(); got != orientation {
		t.Errorf("%s: orientation %d, want %d", what, got, orientation)
	}
	if len(m.ICC) != f.ICCLen || len(m.ICC) < 16 || hex.EncodeToString(m.ICC[:16]) != f.ICCHead {
		t.Errorf("%s: ICC profile of %d bytes, want PIL's %d", what, len(m.ICC), f.ICCLen)
	}
	if f.XMP != "" && string(m.XMP) != f.XMP {
		t.Errorf("%s: XMP %q, want %q", what, m.XMP, f.XMP)
	}
	if len(f.DPI) == 2 {
		if m.Phys == nil || m.Phys.Unit != 1 || math.Abs(float64(m.Phys.X)*0.0254-f.DPI[0]) > 0.0127 {
			t.Errorf("%s: density %+v, want %v dpi", what, m.Phys, f.DPI)
		}
	}
	if m.Gamma != f.Gamma {
		t.Errorf("%s: gamma %d, want %d", what, m.Gamma, f.Gamma)
	}
	for k, v := range f.Text {
		found := false
		for _, e := range m.Text {
			found = found || (e.Key == k && e.Value == v)
		}
		if !found {
			t.Errorf("%s: text %s=%q not kept (have %+v)", what, k, v, m.Text)
		}
	}
}

// TestMetadataKept: EXIF (with its orientation), ICC, XMP, density and PNG
// text/gamma go from input to output where the format holds them, from
// JPEG, PNG and WebP to JPEG and PNG, as vips keeps them; --strip drops
// them all.
func TestMetadataKept(t *testing.T) {
	facts := loadMetaFacts(t)
	dir := filepath.Join(repoTestdata, "photo", "meta")
	tests := []struct {
		in, out, kernel string
		orientation     int
	}{
		{"rot6.jpg", "o.jpg", "identity", 6},
		{"rot6.jpg", "o.png", "gaussian:1", 6},
		{"icc.png", "o.png", "box:3", 0},
		{"icc.png", "o.jpg", "sharpen", 0},
		{"meta.webp", "o.jpg", "identity", 6},
		{"meta.webp", "o.png", "box:3", 6},
	}
	// A JPEG's density (300 dpi; the TIFF encoder's own is 72) reaches a
	// TIFF's resolution tags.
	out := filepath.Join(t.TempDir(), "o.tif")
	if r := runCLI(t, nil, "conv", filepath.Join(dir, "rot6.jpg"), out, "-q", "-k", "identity"); r.code != 0 {
		t.Fatalf("rot6.jpg → o.tif: exit %d %s", r.code, r.stderr)
	}
	if m := readTensor(t, out).Meta; m == nil || m.Phys == nil || math.Abs(float64(m.Phys.X)*0.0254-facts["rot6.jpg"].DPI[0]) > 0.0127 {
		t.Errorf("rot6.jpg → o.tif: metadata %+v, want %v dpi", m, facts["rot6.jpg"].DPI)
	}
	// A TIFF's resolution carries over to PNG's pHYs, JPEG's JFIF and a
	// TIFF's own tags.
	for _, ext := range []string{".png", ".jpg", ".tif"} {
		out := filepath.Join(t.TempDir(), "o"+ext)
		r := runCLI(t, nil, "conv", filepath.Join(dir, "res.tif"), out, "-q", "-k", "identity")
		m := readTensor(t, out).Meta
		if r.code != 0 || m == nil || m.Phys == nil || math.Abs(float64(m.Phys.X)*0.0254-facts["res.tif"].DPI[0]) > 0.0127 {
			t.Errorf("res.tif → %s: exit %d, metadata %+v, want %v dpi", ext, r.code, m, facts["res.tif"].DPI)
		}
	}
	for _, tc := range tests {
		out := filepath.Join(t.TempDir(), tc.out)
		r := runCLI(t, nil, "conv", filepath.Join(dir, tc.in), out, "-k", tc.kernel)
		if r.code != 0 {
			t.Fatalf("%s → %s: exit %d: %s", tc.in, tc.out, r.code, r.stderr)
		}
		f := facts[tc.in]
		if strings.HasSuffix(tc.out, ".jpg") {
			f.Gamma, f.Text = 0, nil // JPEG has no place for PNG's gAMA and text
		}
		checkMeta(t, tc.in+" → "+tc.out, readTensor(t, out).Meta, f, tc.orientation)

		r = runCLI(t, nil, "conv", filepath.Join(dir, tc.in), out, "-k", tc.kernel, "--strip")
		if d := readTensor(t, out); r.code != 0 || d.Meta != nil {
			t.Errorf("%s → %s --strip: exit %d, metadata %+v left", tc.in, tc.out, r.code, d.Meta)
		}
		if !strings.Contains(r.stderr, "metadata stripped (--strip)") {
			t.Errorf("--strip: summary %q does not say so", r.stderr)
		}
	}
}

// TestAutorotate: --autorotate shows the EXIF-rotated photo upright as PIL's
// ImageOps.exif_transpose and vips autorot do, and resets the tag to 1.
// Tolerance: image/jpeg's IDCT is not libjpeg's: max 3 (measured 3 on
// this crop's roof edge), mean 0.2; turned the wrong way the photo differs
// by tens of levels on average.
func TestAutorotate(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "meta")
	out := filepath.Join(t.TempDir(), "o.png")
	r := runCLI(t, nil, "conv", filepath.Join(dir, "rot6.jpg"), out, "-k", "identity", "--autorotate")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "autorotate EXIF orientation 6 applied (64x48 upright), tag reset to 1") || !strings.Contains(r.stderr, "rot6.jpg 3x48x64") {
		t.Errorf("summary %q does not say what --autorotate did", r.stderr)
	}
	got := readTensor(t, out)
	for _, ref := range []string{"rot6_upright.npy", "rot6_vips.png"} {
		want := readTensor(t, filepath.Join(dir, ref)).T
		if !got.T.SameShape(want) {
			t.Fatalf("%s: shape %s, want %s", ref, got.T.Shape(), want.Shape())
		}
		if d, m := maxDiff(got.T, want, 3), meanDiff(got.T, want); d > 3 || m > 0.2 {
			t.Errorf("|convtool - %s|: max %v, mean %.3f; tolerance 3, 0.2", ref, d, m)
		}
	}
	facts := loadMetaFacts(t)["rot6.jpg"]
	checkMeta(t, "autorotated", got.Meta, facts, 1)
	// Without --autorotate the pixels stay as stored (64 wide) and the tag
	// keeps saying how to show them.
	r = runCLI(t, nil, "conv", filepath.Join(dir, "rot6.jpg"), out, "-q", "-k", "identity")
	if d := readTensor(t, out); r.code != 0 || d.T.W != 64 || d.Meta.Orientation() != 6 {
		t.Errorf("without --autorotate: exit %d, %dx%d, orientation %d", r.code, d.T.W, d.T.H, d.Meta.Orientation())
	}
}

// TestAutorotateEveryOrientation: orientations 1..8 from a PNG's eXIf,
// against PIL's ImageOps.exif_transpose, exactly (lossless).
func TestAutorotateEveryOrientation(t *testing.T) {
	dir := filepath.Join(repoTestdata, "photo", "meta")
	for o := 1; o <= 8; o++ {
		name := filepath.Join(dir, "orient"+string(rune('0'+o)))
		out := filepath.Join(t.TempDir(), "o.npy")
		r := runCLI(t, nil, "conv", name+".png", out, "-q", "-k", "identity", "--autorotate")
		if r.code != 0 {
			t.Fatalf("orientation %d: exit %d: %s", o, r.code, r.stderr)
		}
		got, want := readTensor(t, out).T, readTensor(t, name+".npy").T
		if !got.SameShape(want) || maxDiff(got, want, 3) != 0 {
			t.Errorf("orientation %d: %s differs from PIL's %s", o, got.Shape(), want.Shape())
		}
	}
}

package img

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestGIFPaletteAgainstVips encodes the sample photo as GIF and checks its
// mean error against libvips' and ImageMagick's GIFs of the same photo
// (testdata/photo/gen_gif.py): within 1.5× of vips's, the bound issue 12
// sets. The old fixed Plan 9 palette was several times worse.
func TestGIFPaletteAgainstVips(t *testing.T) {
	var ref struct {
		Vips        float64 `json:"vips"`
		ImageMagick float64 `json:"imagemagick"`
	}
	b, err := os.ReadFile("../../testdata/photo/gif_errors.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../testdata/images/sample.png")
	if err != nil {
		t.Fatal(err)
	}
	in, err := Decode(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, in.T, EncodeOptions{Format: "gif"}); err != nil {
		t.Fatal(err)
	}
	out, err := Decode(buf.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for i, v := range out.T.Data {
		sum += math.Abs(float64(v) - float64(in.T.Data[i]))
	}
	mean := sum / float64(len(in.T.Data))
	t.Logf("mean |GIF - original|: convtool %.3f, vips %.3f, ImageMagick %.3f", mean, ref.Vips, ref.ImageMagick)
	if mean > 1.5*ref.Vips {
		t.Errorf("mean error %.3f, more than 1.5× vips's %.3f", mean, ref.Vips)
	}
}

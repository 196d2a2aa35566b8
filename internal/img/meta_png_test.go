package img

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"reflect"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

func chunkBytes(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ...)
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func chunkTypes(b []byte) []string {
	var types []string // a run of IDAT chunks as one
	for p := len(pngSignature); p+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		if typ := string(b[p+4 : p+8]); typ != "IDAT" || types[len(types)-1] != "IDAT" {
			types = append(types, typ)
		}
		p += 12 + n
	}
	return types
}

// TestPNGChunksAfterPixels: text and eXIf after the pixel data are read
// (marked Meta.After) by Decode and by PNGReader alike and written back
// after the pixel data; the first eXIf counts; the kinds that must come
// before IDAT are ignored after it; and a streamed re-encode of the
// file gives Encode's bytes.
func TestPNGChunksAfterPixels(t *testing.T) {
	src := tensor.New(3, 5, 7)
	for i := range src.Data {
		src.Data[i] = float32(i * 7 % 256)
	}
	var plain bytes.Buffer
	if err := Encode(&plain, src, EncodeOptions{Format: "png", Depth: 8}); err != nil {
		t.Fatal(err)
	}
	p := plain.Bytes()
	at, end := len(pngSignature)+25, len(p)-12
	exifA := []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	exifB := []byte("MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00")
	var file []byte
	file = append(file, p[:at]...)
	file = append(file, chunkBytes("tEXt", []byte("Title\x00before"))...)
	file = append(file, chunkBytes("eXIf", exifA)...)
	file = append(file, p[at:end]...)
	file = append(file, chunkBytes("eXIf", exifB)...)                    // a second: ignored
	file = append(file, chunkBytes("gAMA", []byte{0, 0, 0xb1, 0x8f})...) // must precede IDAT: ignored
	file = append(file, chunkBytes("tEXt", []byte("date\x00after"))...)
	file = append(file, p[end:]...)

	want := &Meta{EXIF: exifA, Text: []TextEntry{{"Title", "before"}, {"date", "after"}}, After: PNGAfter{Text: 1}}
	im, err := Decode(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(im.Meta, want) {
		t.Errorf("Decode's Meta %+v, want %+v", im.Meta, want)
	}
	r, err := NewPNGReader(bytes.NewReader(file), int64(len(file)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if m := r.Meta(); !reflect.DeepEqual(m, &Meta{EXIF: exifA, Text: want.Text[:1]}) {
		t.Errorf("PNGReader's Meta before the rows %+v", m)
	}
	var out bytes.Buffer
	w, err := NewPNGWriter(&out, r.Width, r.Height, r.Channels, 8, DefaultPNGLevel)
	if err != nil {
		t.Fatal(err)
	}
	w.Meta = r.Meta
	row := make([]float32, r.Channels*r.Width)
	for range r.Height {
		if err := r.ReadRow(row); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRow(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if m := r.Meta(); !reflect.DeepEqual(m, want) {
		t.Errorf("PNGReader's Meta after the rows %+v, want %+v", m, want)
	}
	var whole bytes.Buffer
	if err := Encode(&whole, im.T, EncodeOptions{Format: "png", Depth: 8, Meta: im.Meta}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), whole.Bytes()) {
		t.Errorf("streamed re-encode (%d bytes) differs from Encode's (%d)", out.Len(), whole.Len())
	}
	got := chunkTypes(whole.Bytes())
	if w := []string{"IHDR", "eXIf", "iTXt", "IDAT", "iTXt", "IEND"}; !reflect.DeepEqual(got, w) {
		t.Errorf("chunks %v, want %v", got, w)
	}
}

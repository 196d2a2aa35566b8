package img

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/convtool/convtool/internal/tensor"
)

// PNG chunks besides the pixels: collected on decode into a Meta (and a
// tRNS key colour), emitted on encode after IHDR. Both work on the file's
// bytes, beside the pixel decoder and encoder, which they do not touch.

// maxMetaChunk bounds what a compressed metadata chunk may inflate to.
const maxMetaChunk = 16 << 20

// pngChunks holds what readPNGMeta (or PNGReader, chunk by chunk) found.
type pngChunks struct {
	meta   Meta
	ct     int
	depth  int
	key    []uint16 // tRNS key colour of a grey (1) or RGB (3) PNG
	hasKey bool
	idat   bool // the pixel data has been passed
}

// readPNGMeta walks the chunks of a PNG (bounds-checked, CRCs left to the
// pixel decoder) and collects metadata and a tRNS key colour. Damaged
// metadata is skipped, never an error: the pixels decide whether the file
// is readable.
func readPNGMeta(data []byte) *pngChunks {
	c := &pngChunks{ct: -1}
	if !bytes.HasPrefix(data, []byte(pngSignature)) {
		return c
	}
	p := data[len(pngSignature):]
	for len(p) >= 12 {
		n := binary.BigEndian.Uint32(p)
		if uint64(n) > uint64(len(p)-12) {
			break
		}
		typ, body := string(p[4:8]), p[8:8+n]
		p = p[12+n:]
		if typ == "IEND" {
			break
		}
		c.add(typ, body)
	}
	return c
}

// add takes one chunk, in file order; body is not kept (PNGReader reuses
// it). The rules are the same for a whole file and a stream, so that both
// read the same Meta:
//   - after the pixel data only text (tEXt, zTXt, iTXt) and eXIf are taken,
//     and marked in Meta.After (the other kinds must come before IDAT, and
//     libpng ignores them after it);
//   - the first eXIf and the first XMP count (the PNG specification allows
//     one), so what was read before the pixel data never changes after;
//   - a chunk longer than maxMetaChunk is skipped.
func (c *pngChunks) add(typ string, body []byte) {
	if typ == "IDAT" {
		c.idat = true
		return
	}
	if len(body) > maxMetaChunk {
		return
	}
	if c.idat && typ != "tEXt" && typ != "zTXt" && typ != "iTXt" && typ != "eXIf" {
		return
	}
	text := func(e TextEntry) {
		c.meta.Text = append(c.meta.Text, e)
		if c.idat {
			c.meta.After.Text++
		}
	}
	switch typ {
	case "IHDR":
		if len(body) == 13 {
			c.depth, c.ct = int(body[8]), int(body[9])
		}
	case "tRNS":
		switch {
		case c.ct == 0 && len(body) == 2:
			c.key, c.hasKey = []uint16{binary.BigEndian.Uint16(body)}, true
		case c.ct == 2 && len(body) == 6:
			c.key, c.hasKey = []uint16{binary.BigEndian.Uint16(body), binary.BigEndian.Uint16(body[2:]), binary.BigEndian.Uint16(body[4:])}, true
		}
	case "eXIf":
		if c.meta.EXIF == nil && len(body) > 0 {
			c.meta.EXIF = append([]byte(nil), body...)
			c.meta.After.EXIF = c.idat
		}
	case "iCCP":
		name, rest, ok := bytes.Cut(body, []byte{0})
		if ok && len(rest) > 1 && rest[0] == 0 {
			if prof, err := inflateCapped(rest[1:]); err == nil {
				c.meta.ICC, c.meta.ICCName = prof, string(name)
			}
		}
	case "gAMA":
		if len(body) == 4 {
			c.meta.Gamma = binary.BigEndian.Uint32(body)
		}
	case "sRGB":
		if len(body) == 1 {
			c.meta.SRGB = int(body[0]) + 1
		}
	case "pHYs":
		if len(body) == 9 {
			c.meta.Phys = &Phys{X: binary.BigEndian.Uint32(body), Y: binary.BigEndian.Uint32(body[4:]), Unit: body[8]}
		}
	case "tEXt":
		if k, v, ok := bytes.Cut(body, []byte{0}); ok {
			text(TextEntry{latin1(k), latin1(v)})
		}
	case "zTXt":
		if k, v, ok := bytes.Cut(body, []byte{0}); ok && len(v) > 1 && v[0] == 0 {
			if t, err := inflateCapped(v[1:]); err == nil {
				text(TextEntry{latin1(k), latin1(t)})
			}
		}
	case "iTXt":
		key, val, ok := parseITXt(body)
		switch {
		case !ok:
		case key == "XML:com.adobe.xmp":
			if c.meta.XMP == nil {
				c.meta.XMP = []byte(val)
				c.meta.After.XMP = c.idat
			}
		default:
			text(TextEntry{key, val})
		}
	}
}

// isMetaChunk reports whether add reads chunks of type typ (PNGReader
// reads their bodies; others it only checks).
func isMetaChunk(typ string) bool {
	switch typ {
	case "tRNS", "eXIf", "iCCP", "gAMA", "sRGB", "pHYs", "tEXt", "zTXt", "iTXt":
		return true
	}
	return false
}

func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// parseITXt reads keyword, compression flag and method, language tag,
// translated keyword, text (UTF-8).
func parseITXt(b []byte) (key, val string, ok bool) {
	k, rest, ok := bytes.Cut(b, []byte{0})
	if !ok || len(rest) < 2 {
		return "", "", false
	}
	compressed := rest[0] == 1
	rest = rest[2:]
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // language
		return "", "", false
	}
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // translated keyword
		return "", "", false
	}
	if compressed {
		t, err := inflateCapped(rest)
		if err != nil {
			return "", "", false
		}
		rest = t
	}
	return string(k), string(rest), true
}

func inflateCapped(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, maxMetaChunk+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxMetaChunk {
		return nil, io.ErrShortBuffer
	}
	return out, nil
}

// addKeyAlpha turns a grey or RGB PNG's tRNS key colour into an alpha
// channel, as libvips and ImageMagick read such a file: 0 where every
// sample equals the key, full scale elsewhere. t holds the samples as
// decoded (grey below 8 bits already scaled to 0..255, as is the key
// here).
func addKeyAlpha(t *tensor.Tensor, c *pngChunks, top float32) *tensor.Tensor {
	if !c.hasKey || len(c.key) != t.C {
		return t
	}
	key := c.keySamples()
	n := t.H * t.W
	out := tensor.New(t.C+1, t.H, t.W)
	copy(out.Data, t.Data)
	a := out.Plane(t.C)
	for i := 0; i < n; i++ {
		a[i] = top
		match := true
		for ch := range t.C {
			if t.Data[ch*n+i] != key[ch] {
				match = false
				break
			}
		}
		if match {
			a[i] = 0
		}
	}
	return out
}

// keySamples is the tRNS key colour as decoded samples (grey below 8
// bits scaled to 0..255, as the decoder scales it).
func (c *pngChunks) keySamples() []float32 {
	key := make([]float32, len(c.key))
	for i, k := range c.key {
		key[i] = float32(k)
		if c.depth < 8 {
			levels := 1<<c.depth - 1
			key[i] = float32((int(k) & levels) * (255 / levels))
		}
	}
	return key
}

// PNGChunks returns m as the PNG chunks a writer puts right after IHDR
// (length, type, data, CRC each): iCCP (or sRGB when there is no
// profile), gAMA, pHYs, eXIf, the XMP iTXt and the text chunks, but not
// those m.After marks as read after a PNG's pixel data (PNGTrailer).
func PNGChunks(m *Meta) []byte { return pngChunkBytes(m, false) }

// PNGTrailer returns the chunks of m that a PNG held after its pixel data
// (m.After: eXIf, the XMP iTXt, the last text chunks), which a writer puts
// there too, before IEND. A streaming writer knows them only once the
// input has been read to its end, after the last row: putting them back
// where they were lets it write the same bytes as a whole-image one.
func PNGTrailer(m *Meta) []byte { return pngChunkBytes(m, true) }

func pngChunkBytes(m *Meta, late bool) []byte {
	if m.Empty() {
		return nil
	}
	var extra bytes.Buffer
	put := func(typ string, body []byte) {
		var hdr [4]byte
		binary.BigEndian.PutUint32(hdr[:], uint32(len(body)))
		extra.Write(hdr[:])
		extra.WriteString(typ)
		extra.Write(body)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(body)
		binary.BigEndian.PutUint32(hdr[:], crc.Sum32())
		extra.Write(hdr[:])
	}
	putText := func(text []TextEntry) {
		for _, t := range text {
			if len(t.Key) == 0 || len(t.Key) > 79 {
				continue
			}
			put("iTXt", append([]byte(t.Key+"\x00\x00\x00\x00\x00"), t.Value...))
		}
	}
	if late {
		if m.After.EXIF {
			put("eXIf", m.EXIF)
		}
		if m.After.XMP {
			put("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), m.XMP...))
		}
		putText(m.Text[len(m.Text)-m.After.Text:])
		return extra.Bytes()
	}
	if len(m.ICC) > 0 {
		name := m.ICCName
		if name == "" || len(name) > 79 {
			name = "ICC profile"
		}
		var z bytes.Buffer
		z.WriteString(name)
		z.Write([]byte{0, 0})
		zw := zlib.NewWriter(&z)
		zw.Write(m.ICC)
		zw.Close()
		put("iCCP", z.Bytes())
	} else if m.SRGB != 0 {
		put("sRGB", []byte{byte(m.SRGB - 1)})
	}
	if m.Gamma != 0 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], m.Gamma)
		put("gAMA", b[:])
	}
	if m.Phys != nil && m.Phys.Unit <= 1 {
		var b [9]byte
		binary.BigEndian.PutUint32(b[:], m.Phys.X)
		binary.BigEndian.PutUint32(b[4:], m.Phys.Y)
		b[8] = m.Phys.Unit
		put("pHYs", b[:])
	}
	if len(m.EXIF) > 0 && !m.After.EXIF {
		put("eXIf", m.EXIF)
	}
	if len(m.XMP) > 0 && !m.After.XMP {
		put("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), m.XMP...))
	}
	putText(m.Text[:len(m.Text)-m.After.Text])
	return extra.Bytes()
}

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

// pngChunks holds what readPNGMeta found.
type pngChunks struct {
	meta   Meta
	ct     int
	depth  int
	key    []uint16 // tRNS key colour of a grey (1) or RGB (3) PNG
	hasKey bool
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
			c.meta.EXIF = append([]byte(nil), body...)
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
				c.meta.Text = append(c.meta.Text, TextEntry{latin1(k), latin1(v)})
			}
		case "zTXt":
			if k, v, ok := bytes.Cut(body, []byte{0}); ok && len(v) > 1 && v[0] == 0 {
				if t, err := inflateCapped(v[1:]); err == nil {
					c.meta.Text = append(c.meta.Text, TextEntry{latin1(k), latin1(t)})
				}
			}
		case "iTXt":
			key, val, ok := parseITXt(body)
			switch {
			case !ok:
			case key == "XML:com.adobe.xmp":
				c.meta.XMP = []byte(val)
			default:
				c.meta.Text = append(c.meta.Text, TextEntry{key, val})
			}
		case "IEND":
			return c
		}
	}
	return c
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
	key := make([]float32, len(c.key))
	for i, k := range c.key {
		key[i] = float32(k)
		if c.depth < 8 {
			levels := 1<<c.depth - 1
			key[i] = float32((int(k) & levels) * (255 / levels))
		}
	}
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

// pngWithMeta returns the PNG file png with m's chunks (PNGChunks)
// inserted after IHDR.
func pngWithMeta(png []byte, m *Meta) []byte {
	if m.Empty() || len(png) < len(pngSignature)+25 {
		return png
	}
	extra := PNGChunks(m)
	at := len(pngSignature) + 25 // signature, then IHDR's 12+13 bytes
	out := make([]byte, 0, len(png)+len(extra))
	out = append(out, png[:at]...)
	out = append(out, extra...)
	return append(out, png[at:]...)
}

// PNGChunks returns m as the PNG chunks a writer puts right after IHDR
// (length, type, data, CRC each): iCCP (or sRGB when there is no
// profile), gAMA, pHYs, eXIf, the XMP iTXt and the text chunks. A
// streaming PNG writer emits them as they are.
func PNGChunks(m *Meta) []byte {
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
	if len(m.EXIF) > 0 {
		put("eXIf", m.EXIF)
	}
	if len(m.XMP) > 0 {
		put("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), m.XMP...))
	}
	for _, t := range m.Text {
		if len(t.Key) == 0 || len(t.Key) > 79 {
			continue
		}
		put("iTXt", append([]byte(t.Key+"\x00\x00\x00\x00\x00"), t.Value...))
	}
	return extra.Bytes()
}

// PNGNeedsWhole reports whether the PNG whose first bytes are head carries
// what the row reader (PNGReader) does not pass on: a tRNS key colour,
// which Decode turns into an alpha channel, or metadata, which Decode
// keeps for the output. Such a file takes the whole-image path, so that
// both paths give the same result. Chunks past head are not seen.
func PNGNeedsWhole(head []byte) bool {
	c := readPNGMeta(head)
	return c.hasKey || !c.meta.Empty()
}

package img

import (
	"bytes"
	"encoding/binary"
	"sort"
)

// JPEG metadata: APP0 JFIF density, APP1 Exif and XMP, APP2 ICC_PROFILE
// (split over numbered segments), collected on decode from the segments
// before the scan and written back after SOI on encode.

const (
	exifHeader = "Exif\x00\x00"
	xmpHeader  = "http://ns.adobe.com/xap/1.0/\x00"
	iccHeader  = "ICC_PROFILE\x00"
	// maxSegment is the most a JPEG segment's body holds (its length
	// field counts itself).
	maxSegment = 65533
)

// readJPEGMeta walks the marker segments up to the first scan.
func readJPEGMeta(data []byte) *Meta {
	m := &Meta{}
	type iccPart struct {
		seq  int
		data []byte
	}
	var icc []iccPart
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return m
	}
	p := data[2:]
	for len(p) >= 4 {
		if p[0] != 0xff {
			break
		}
		marker := p[1]
		if marker == 0xff { // fill byte
			p = p[1:]
			continue
		}
		if marker == 0xda || marker == 0xd9 { // SOS, EOI: no metadata after
			break
		}
		n := int(binary.BigEndian.Uint16(p[2:]))
		if n < 2 || n+2 > len(p) {
			break
		}
		body := p[4 : 2+n]
		p = p[2+n:]
		switch {
		case marker == 0xe0 && bytes.HasPrefix(body, []byte("JFIF\x00")) && len(body) >= 14:
			unit := body[7]
			x, y := uint32(binary.BigEndian.Uint16(body[8:])), uint32(binary.BigEndian.Uint16(body[10:]))
			if unit == 1 || unit == 2 {
				m.Phys = jfifToPhys(unit, x, y)
			}
		case marker == 0xe1 && bytes.HasPrefix(body, []byte(exifHeader)):
			m.EXIF = append([]byte(nil), body[len(exifHeader):]...)
		case marker == 0xe1 && bytes.HasPrefix(body, []byte(xmpHeader)):
			m.XMP = append([]byte(nil), body[len(xmpHeader):]...)
		case marker == 0xe2 && bytes.HasPrefix(body, []byte(iccHeader)) && len(body) > len(iccHeader)+2:
			icc = append(icc, iccPart{int(body[len(iccHeader)]), body[len(iccHeader)+2:]})
		}
	}
	if len(icc) > 0 {
		sort.SliceStable(icc, func(a, b int) bool { return icc[a].seq < icc[b].seq })
		for _, part := range icc {
			m.ICC = append(m.ICC, part.data...)
		}
	}
	return m
}

// jfifToPhys converts a JFIF density (unit 1: per inch, 2: per cm) to
// PNG's pixels per metre.
func jfifToPhys(unit byte, x, y uint32) *Phys {
	f := 100.0
	if unit == 1 {
		f = 100 / 2.54
	}
	return &Phys{X: uint32(float64(x)*f + 0.5), Y: uint32(float64(y)*f + 0.5), Unit: 1}
}

// jpegWithMeta returns the JPEG file jpg with m's segments (JPEGSegments)
// inserted after SOI.
func jpegWithMeta(jpg []byte, m *Meta) []byte {
	if m.Empty() || len(jpg) < 2 {
		return jpg
	}
	seg := JPEGSegments(m)
	out := make([]byte, 0, len(jpg)+len(seg))
	out = append(out, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// JPEGSegments returns m as the marker segments a writer puts right after
// SOI: JFIF with the density (in dots per inch, as most tools write it),
// Exif, XMP and the ICC profile in as many APP2 segments as it needs. A
// part too big for one segment is left out.
func JPEGSegments(m *Meta) []byte {
	if m.Empty() {
		return nil
	}
	var seg bytes.Buffer
	put := func(marker byte, parts ...[]byte) bool {
		n := 2
		for _, p := range parts {
			n += len(p)
		}
		if n > maxSegment+2 {
			return false // too big for one segment: left out
		}
		seg.Write([]byte{0xff, marker, byte(n >> 8), byte(n)})
		for _, p := range parts {
			seg.Write(p)
		}
		return true
	}
	if m.Phys != nil && m.Phys.Unit == 1 {
		dpi := func(v uint32) uint16 { return uint16(min(float64(v)*0.0254+0.5, 65535)) }
		b := []byte("JFIF\x00\x01\x02\x01\x00\x00\x00\x00\x00\x00")
		binary.BigEndian.PutUint16(b[8:], dpi(m.Phys.X))
		binary.BigEndian.PutUint16(b[10:], dpi(m.Phys.Y))
		put(0xe0, b)
	}
	if len(m.EXIF) > 0 {
		put(0xe1, []byte(exifHeader), m.EXIF)
	}
	if len(m.XMP) > 0 {
		put(0xe1, []byte(xmpHeader), m.XMP)
	}
	if len(m.ICC) > 0 {
		const per = maxSegment - len(iccHeader) - 2
		count := (len(m.ICC) + per - 1) / per
		if count <= 255 {
			for i := 0; i < count; i++ {
				part := m.ICC[i*per : min((i+1)*per, len(m.ICC))]
				put(0xe2, []byte(iccHeader), []byte{byte(i + 1), byte(count)}, part)
			}
		}
	}
	return seg.Bytes()
}

// readWebPMeta collects the EXIF, ICCP and XMP chunks of a WebP's RIFF
// container (the extended VP8X form), whatever order they come in.
func readWebPMeta(data []byte) *Meta {
	m := &Meta{}
	if !isWebP(data) {
		return m
	}
	p := data[12:]
	for len(p) >= 8 {
		id := string(p[:4])
		n := int(binary.LittleEndian.Uint32(p[4:]))
		if n < 0 || n > len(p)-8 {
			break
		}
		body := p[8 : 8+n]
		switch id {
		case "EXIF":
			m.EXIF = append([]byte(nil), bytes.TrimPrefix(body, []byte(exifHeader))...)
		case "ICCP":
			m.ICC = append([]byte(nil), body...)
		case "XMP ":
			m.XMP = append([]byte(nil), body...)
		}
		p = p[8+n+n%2:] // chunks are padded to an even size
		if len(p) == 0 {
			break
		}
	}
	return m
}

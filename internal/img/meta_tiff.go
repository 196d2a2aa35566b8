package img

import (
	"encoding/binary"

	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// readTIFFMeta reads a TIFF's resolution (XResolution, YResolution,
// ResolutionUnit) and XMP (700) from its first IFD with go-exif: a TIFF
// file is laid out as an EXIF block is. What cannot be read is left out —
// the ICC profile among it (InterColorProfile, 34675, has the UNDEFINED
// type, whose bytes go-exif v3 does not return).
func readTIFFMeta(data []byte) *Meta {
	m := &Meta{}
	idx, err := exifIndex(data)
	if err != nil || idx.RootIfd == nil {
		return m
	}
	ifd := idx.RootIfd
	rational := func(id uint16) (float64, bool) {
		tags, err := ifd.FindTagWithId(id)
		if err != nil || len(tags) == 0 {
			return 0, false
		}
		v, err := tags[0].Value()
		if err != nil {
			return 0, false
		}
		r, ok := v.([]exifcommon.Rational)
		if !ok || len(r) == 0 || r[0].Denominator == 0 {
			return 0, false
		}
		return float64(r[0].Numerator) / float64(r[0].Denominator), true
	}
	bytesOf := func(id uint16) []byte {
		tags, err := ifd.FindTagWithId(id)
		if err != nil || len(tags) == 0 {
			return nil
		}
		b, err := tags[0].GetRawBytes()
		if err != nil {
			return nil
		}
		return append([]byte(nil), b...)
	}
	x, okx := rational(282)
	y, oky := rational(283)
	if okx && oky && x > 0 && y > 0 {
		unit := 2 // inch, TIFF's default
		if tags, err := ifd.FindTagWithId(296); err == nil && len(tags) > 0 {
			if v, err := tags[0].Value(); err == nil {
				if s, ok := v.([]uint16); ok && len(s) > 0 {
					unit = int(s[0])
				}
			}
		}
		switch unit {
		case 2:
			m.Phys = &Phys{X: uint32(x/0.0254 + 0.5), Y: uint32(y/0.0254 + 0.5), Unit: 1}
		case 3:
			m.Phys = &Phys{X: uint32(x*100 + 0.5), Y: uint32(y*100 + 0.5), Unit: 1}
		}
	}
	m.XMP = bytesOf(700)
	return m
}

// tiffWithResolution returns the TIFF tif (as golang.org/x/image/tiff
// writes it: one IFD whose XResolution and YResolution are 72/1 per inch)
// with the density of m in their place, in dots per inch to 1/1000.
// Nothing else of m has a place in that encoder's IFD.
func tiffWithResolution(tif []byte, m *Meta) []byte {
	if m == nil || m.Phys == nil || m.Phys.Unit != 1 || len(tif) < 8 {
		return tif
	}
	var order binary.ByteOrder
	switch string(tif[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return tif
	}
	out := append([]byte(nil), tif...)
	ifd := int(order.Uint32(out[4:]))
	if ifd+2 > len(out) {
		return tif
	}
	n := int(order.Uint16(out[ifd:]))
	for i := 0; i < n; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(out) {
			return tif
		}
		tag, typ := order.Uint16(out[e:]), order.Uint16(out[e+2:])
		if (tag != 282 && tag != 283) || typ != 5 {
			continue
		}
		v := int(order.Uint32(out[e+8:]))
		if v+8 > len(out) {
			return tif
		}
		ppm := m.Phys.X
		if tag == 283 {
			ppm = m.Phys.Y
		}
		order.PutUint32(out[v:], uint32(float64(ppm)*0.0254*1000+0.5))
		order.PutUint32(out[v+4:], 1000)
	}
	return out
}

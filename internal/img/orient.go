package img

import (
	"encoding/binary"
	"errors"
	"fmt"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"

	"github.com/convtool/convtool/internal/tensor"
)

// EXIF orientation, read and reset with github.com/dsoprea/go-exif, and
// applied to the pixels as libvips' autorot does.

// Orientation returns the EXIF Orientation (1..8) of m's IFD0, or 0 when
// there is no EXIF, no tag, or the EXIF cannot be parsed.
func (m *Meta) Orientation() int {
	if m == nil || len(m.EXIF) == 0 {
		return 0
	}
	v, err := exifOrientation(m.EXIF)
	if err != nil {
		return 0
	}
	return v
}

func exifIndex(raw []byte) (idx exif.IfdIndex, err error) {
	if !exifSane(raw) {
		return idx, errors.New("bad EXIF: an entry reaches past the block")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bad EXIF: %v", r)
		}
	}()
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		return idx, err
	}
	_, idx, err = exif.Collect(im, exif.NewTagIndex(), raw)
	return idx, err
}

func exifOrientation(raw []byte) (int, error) {
	idx, err := exifIndex(raw)
	if err != nil {
		return 0, err
	}
	tags, err := idx.RootIfd.FindTagWithName("Orientation")
	if err != nil || len(tags) == 0 {
		return 0, err
	}
	v, err := tags[0].Value()
	if err != nil {
		return 0, err
	}
	if s, ok := v.([]uint16); ok && len(s) > 0 && s[0] >= 1 && s[0] <= 8 {
		return int(s[0]), nil
	}
	return 0, fmt.Errorf("orientation %v", v)
}

// withOrientation returns raw with IFD0's Orientation set to o, rebuilt
// by go-exif's IFD builder.
func withOrientation(raw []byte, o uint16) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bad EXIF: %v", r)
		}
	}()
	idx, err := exifIndex(raw)
	if err != nil {
		return nil, err
	}
	root := exif.NewIfdBuilderFromExistingChain(idx.RootIfd)
	if err := root.SetStandardWithName("Orientation", []uint16{o}); err != nil {
		return nil, err
	}
	b, err := exif.NewIfdByteEncoder().EncodeToExif(root)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AutoRotate turns t so that it shows upright, as the EXIF orientation o
// says it should be shown (libvips autorot, PIL ImageOps.exif_transpose),
// and returns the new tensor. o outside 2..8 leaves t as it is.
func AutoRotate(t *tensor.Tensor, o int) *tensor.Tensor {
	if o < 2 || o > 8 {
		return t
	}
	h, w := t.H, t.W
	oh, ow := h, w
	if o >= 5 {
		oh, ow = w, h
	}
	out := tensor.New(t.C, oh, ow)
	for c := range t.C {
		src, dst := t.Plane(c), out.Plane(c)
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				var sy, sx int
				switch o {
				case 2: // mirrored horizontally
					sy, sx = y, w-1-x
				case 3: // turned 180°
					sy, sx = h-1-y, w-1-x
				case 4: // mirrored vertically
					sy, sx = h-1-y, x
				case 5: // transposed
					sy, sx = x, y
				case 6: // to be turned 90° clockwise
					sy, sx = h-1-x, y
				case 7: // transversed
					sy, sx = h-1-x, w-1-y
				case 8: // to be turned 90° anticlockwise
					sy, sx = x, w-1-y
				}
				dst[y*ow+x] = src[sy*w+sx]
			}
		}
	}
	return out
}

// ResetOrientation sets m's EXIF Orientation to 1 (after AutoRotate has
// applied it). EXIF that go-exif cannot rebuild is dropped rather than
// left saying the wrong orientation.
func (m *Meta) ResetOrientation() {
	if m == nil || len(m.EXIF) == 0 {
		return
	}
	b, err := withOrientation(m.EXIF, 1)
	if err != nil {
		m.EXIF = nil
		return
	}
	// EncodeToExif writes the TIFF header too: the block as stored.
	m.EXIF = b
}

// exifSane checks, before go-exif sees them, that the IFDs of a TIFF-
// structured block (IFD0, the chain after it and the Exif, GPS and
// Interop IFDs it points to) stay inside the block: every entry's count
// times its type's size must fit. go-exif trusts the counts, and a
// 60-byte block claiming a billion-byte string takes it seconds and
// gigabytes; such a block is treated as unreadable.
func exifSane(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	var order binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return false
	}
	size := [...]uint64{0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4}
	seen := map[uint32]bool{}
	todo := []uint32{order.Uint32(b[4:])}
	for len(todo) > 0 && len(seen) < 64 {
		off := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if off == 0 || seen[off] {
			continue
		}
		seen[off] = true
		if uint64(off)+2 > uint64(len(b)) {
			return false
		}
		n := uint64(order.Uint16(b[off:]))
		if uint64(off)+2+12*n+4 > uint64(len(b)) {
			return false
		}
		for i := uint64(0); i < n; i++ {
			e := b[uint64(off)+2+12*i:]
			tag, typ, count := order.Uint16(e), order.Uint16(e[2:]), uint64(order.Uint32(e[4:]))
			if int(typ) >= len(size) || size[typ] == 0 {
				continue // an unknown type: go-exif skips it
			}
			if bytes := count * size[typ]; bytes > 4 {
				if bytes > uint64(len(b)) || uint64(order.Uint32(e[8:]))+bytes > uint64(len(b)) {
					return false
				}
			}
			if tag == 0x8769 || tag == 0x8825 || tag == 0xa005 {
				todo = append(todo, order.Uint32(e[8:]))
			}
		}
		todo = append(todo, order.Uint32(b[uint64(off)+2+12*n:]))
	}
	return true
}

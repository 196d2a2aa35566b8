package img

import (
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

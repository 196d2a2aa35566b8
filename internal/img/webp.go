package img

import (
	"image"

	"github.com/convtool/convtool/internal/tensor"
)

// Lossy WebP (VP8) stores BT.601 studio-range YCbCr (Y 16..235), not
// JPEG's full range, which image.YCbCr's own conversion assumes. libwebp
// (PIL, libvips, OpenCV) converts with the fixed-point formulas of its
// dsp/yuv.h, copied here, after the same 9-3-3-1 "fancy" chroma
// upsampling libjpeg uses.

func webpClip8(v int32) float32 {
	const fix2, mask2 = 6, (256 << 6) - 1
	if v&^mask2 == 0 {
		return float32(v >> fix2)
	}
	if v < 0 {
		return 0
	}
	return 255
}

func mulHi(v, coeff int32) int32 { return (v * coeff) >> 8 }

// webpYUVToRGB is libwebp's VP8YuvToRgb.
func webpYUVToRGB(y, u, v uint8) (r, g, b float32) {
	yy, uu, vv := int32(y), int32(u), int32(v)
	return webpClip8(mulHi(yy, 19077) + mulHi(vv, 26149) - 14234),
		webpClip8(mulHi(yy, 19077) - mulHi(uu, 6419) - mulHi(vv, 13320) + 8708),
		webpClip8(mulHi(yy, 19077) + mulHi(uu, 33050) - 17685)
}

// webpToTensor converts what golang.org/x/image/webp returns for a lossy
// file: YCbCr, or NYCbCrA when it has an alpha plane (RGBA then).
func webpToTensor(m image.Image) (*tensor.Tensor, bool, bool) {
	switch m := m.(type) {
	case *image.YCbCr:
		return ycbcrToTensorWith(m, webpYUVToRGB), false, true
	case *image.NYCbCrA:
		rgb := ycbcrToTensorWith(&m.YCbCr, webpYUVToRGB)
		b := m.Rect
		w, h := b.Dx(), b.Dy()
		t := tensor.New(4, h, w)
		copy(t.Data, rgb.Data)
		a := t.Plane(3)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				a[y*w+x] = float32(m.A[m.AOffset(b.Min.X+x, b.Min.Y+y)])
			}
		}
		return t, true, true
	}
	return nil, false, false
}

package img

import (
	"image"

	"github.com/convtool/convtool/internal/tensor"
)

// This file turns the *image.YCbCr image/jpeg returns into RGB the way
// libjpeg(-turbo) does by default, which is what PIL, OpenCV and libvips
// return: subsampled chroma is interpolated ("fancy upsampling", jdsample.c)
// rather than replicated, and YCbCr becomes RGB through libjpeg's integer
// tables (jdcolor.c) rather than image/color's fixed point.
//
// Per subsampling ratio, as libjpeg-turbo chooses in jinit_upsampler:
//
//	4:4:4        chroma used as is
//	4:2:2 (h2v1) triangle filter across; replicated if the chroma plane is
//	             at most 2 samples wide (image width <= 4)
//	4:2:0 (h2v2) triangle filter across and down; replicated both ways if
//	             the chroma plane is at most 2 samples wide
//	4:4:0 (h1v2) triangle filter down
//	4:1:1, 4:1:0 replicated (libjpeg's int_upsample does the same)
//
// So every ratio image/jpeg produces follows libjpeg. What remains is the
// IDCT: image/jpeg's is not bit-exact with libjpeg's default (islow), so
// samples still differ by a level or two here and there.

// ycc holds libjpeg's YCbCr→RGB tables (jdcolor.c, build_ycc_rgb_table),
// indexed by the chroma sample. With x = sample - 128 and fix(c) = c·2^16
// rounded:
//
//	crR[cr] = (fix(1.40200)·x + 2^15) >> 16
//	cbB[cb] = (fix(1.77200)·x + 2^15) >> 16
//	crG[cr] = -fix(0.71414)·x
//	cbG[cb] = -fix(0.34414)·x + 2^15
//
// and R = Y + crR, G = Y + (cbG + crG) >> 16, B = Y + cbB, each clamped to
// 0..255. >> is an arithmetic (flooring) shift, as libjpeg's RIGHT_SHIFT.
var ycc = buildYCC()

type yccTables struct {
	crR, cbB, crG, cbG [256]int32
}

const (
	yccScaleBits = 16
	yccOneHalf   = 1 << (yccScaleBits - 1)
)

// yccFix is libjpeg's FIX(x): x in 16-bit fixed point, rounded.
func yccFix(x float64) int32 { return int32(x*(1<<yccScaleBits) + 0.5) }

func buildYCC() *yccTables {
	t := new(yccTables)
	for i := range 256 {
		x := int32(i - 128)
		t.crR[i] = (yccFix(1.40200)*x + yccOneHalf) >> yccScaleBits
		t.cbB[i] = (yccFix(1.77200)*x + yccOneHalf) >> yccScaleBits
		t.crG[i] = -yccFix(0.71414) * x
		t.cbG[i] = -yccFix(0.34414)*x + yccOneHalf
	}
	return t
}

// clamp8 limits a converted sample to 0..255 (libjpeg's range_limit).
func clamp8(v int32) float32 {
	return float32(min(max(v, 0), 255))
}

// yccToRGB converts one pixel as libjpeg's ycc_rgb_convert does.
func yccToRGB(y, cb, cr uint8) (r, g, b float32) {
	yy := int32(y)
	return clamp8(yy + ycc.crR[cr]),
		clamp8(yy + (ycc.cbG[cb]+ycc.crG[cr])>>yccScaleBits),
		clamp8(yy + ycc.cbB[cb])
}

// chromaFactors returns how many pixels one chroma sample covers across
// (1, 2 or 4) and down (1 or 2), or ok false for an unknown ratio.
func chromaFactors(r image.YCbCrSubsampleRatio) (hf, vf int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 1, 1, true
	case image.YCbCrSubsampleRatio422:
		return 2, 1, true
	case image.YCbCrSubsampleRatio420:
		return 2, 2, true
	case image.YCbCrSubsampleRatio440:
		return 1, 2, true
	case image.YCbCrSubsampleRatio411:
		return 4, 1, true
	case image.YCbCrSubsampleRatio410:
		return 4, 2, true
	}
	return 0, 0, false
}

// upsampler produces full-resolution rows of one chroma plane of an
// image w pixels wide, as libjpeg's upsampler for that ratio would.
type upsampler struct {
	pix            []uint8 // the plane; sample (cx, cy) at cy*stride+cx
	stride         int
	cw, ch         int // samples in the plane that belong to the image
	hf, vf         int
	fancyH, fancyV bool
	sums           []int32 // scratch: one interpolated chroma row
}

func newUpsampler(pix []uint8, stride, w, h, hf, vf int) *upsampler {
	u := &upsampler{pix: pix, stride: stride, hf: hf, vf: vf,
		cw: (w + hf - 1) / hf, ch: (h + vf - 1) / vf}
	switch {
	case hf == 2: // h2v1 and h2v2: fancy only when more than 2 samples wide
		u.fancyH = u.cw > 2
		u.fancyV = vf == 2 && u.fancyH
	case hf == 1 && vf == 2: // h1v2: always fancy
		u.fancyV = true
	}
	u.sums = make([]int32, u.cw)
	return u
}

// row writes the chroma of pixel row y (relative to the image) into dst,
// which is the image's width long.
//
// Down (h2v2, h1v2): output row y lies 1/4 of a sample from its chroma row
// cy = y/2, towards the row above when y is even and below when odd; the
// column sums are 3·near + far, the far row clamped to the plane, which is
// what libjpeg's context rows (the first and last row repeated) give.
//
// Across (h2v1, h2v2): output pixels 2i and 2i+1 take 3/4 of sample i and
// 1/4 of sample i-1 or i+1 respectively, the neighbour clamped to the plane.
// libjpeg writes the edge pixels as plain copies, which is the same value:
// (4a+bias)>>shift = a for the biases used. Rounding alternates so that
// halves do not always round up: h2v1 adds 1 (even) or 2 (odd) before >>2;
// h2v2, on the 16× sums, 8 (even) or 7 (odd) before >>4; h1v2 adds 1 (even
// row) or 2 (odd row) before >>2.
func (u *upsampler) row(dst []uint8, y int) {
	cy := y / u.vf
	near := u.pix[cy*u.stride : cy*u.stride+u.cw]
	if !u.fancyH && !u.fancyV {
		for x := range dst {
			dst[x] = near[x/u.hf]
		}
		return
	}
	s := u.sums
	shift, even, odd := int32(2), int32(1), int32(2) // h2v1
	if u.fancyV {
		fy := cy - 1
		if y%2 == 1 {
			fy = cy + 1
		}
		fy = min(max(fy, 0), u.ch-1)
		far := u.pix[fy*u.stride : fy*u.stride+u.cw]
		for i, v := range near {
			s[i] = 3*int32(v) + int32(far[i])
		}
		if !u.fancyH { // h1v2
			bias := int32(1)
			if y%2 == 1 {
				bias = 2
			}
			for x := range dst {
				dst[x] = uint8((s[x] + bias) >> 2)
			}
			return
		}
		shift, even, odd = 4, 8, 7 // h2v2
	} else {
		for i, v := range near {
			s[i] = int32(v)
		}
	}
	last := u.cw - 1
	for x := range dst {
		i := x / 2
		if x%2 == 0 {
			dst[x] = uint8((3*s[i] + s[max(i-1, 0)] + even) >> shift)
		} else {
			dst[x] = uint8((3*s[i] + s[min(i+1, last)] + odd) >> shift)
		}
	}
}

// ycbcrToTensor converts m to a (3, H, W) tensor of 0..255 samples as
// libjpeg would: chroma upsampled as described at the top of this file,
// then libjpeg's YCbCr→RGB tables.
//
// An image whose top-left pixel is not the first of its chroma block
// (only possible for a SubImage, never for image/jpeg's result) has no
// libjpeg equivalent; it, and an unknown ratio, gets the nearest chroma
// sample, with libjpeg's conversion.
func ycbcrToTensor(m *image.YCbCr) *tensor.Tensor {
	return ycbcrToTensorWith(m, yccToRGB)
}

// ycbcrToTensorWith is ycbcrToTensor with another YCbCr→RGB conversion
// (WebP's: webp.go).
func ycbcrToTensorWith(m *image.YCbCr, yccToRGB func(y, cb, cr uint8) (r, g, b float32)) *tensor.Tensor {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	t := tensor.New(3, h, w)
	if w == 0 || h == 0 {
		return t
	}
	r, g, bl := t.Plane(0), t.Plane(1), t.Plane(2)
	hf, vf, ok := chromaFactors(m.SubsampleRatio)
	if !ok || b.Min.X%hf != 0 || b.Min.Y%vf != 0 {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				i := y*w + x
				r[i], g[i], bl[i] = yccToRGB(m.Y[m.YOffset(b.Min.X+x, b.Min.Y+y)], m.Cb[ci], m.Cr[ci])
			}
		}
		return t
	}
	c0 := m.COffset(b.Min.X, b.Min.Y)
	ucb := newUpsampler(m.Cb[c0:], m.CStride, w, h, hf, vf)
	ucr := newUpsampler(m.Cr[c0:], m.CStride, w, h, hf, vf)
	cb, cr := make([]uint8, w), make([]uint8, w)
	for y := 0; y < h; y++ {
		ucb.row(cb, y)
		ucr.row(cr, y)
		yrow := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:w]
		o := y * w
		for x, yv := range yrow {
			r[o+x], g[o+x], bl[o+x] = yccToRGB(yv, cb[x], cr[x])
		}
	}
	return t
}

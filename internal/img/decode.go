package img

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // register decoders for image.Decode
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/convtool/convtool/internal/tensor"
)

// Image is a decoded image: its samples as a (C, H, W) tensor in the native
// range, and what is needed to write it back the same way.
type Image struct {
	T      *tensor.Tensor
	Format string // "png", "jpeg", "gif", "tiff", "bmp", "webp", "pnm" or "pfm"
	Depth  int    // bits per sample: 8 or 16 (32: float PFM, values as they are)
	Alpha  bool   // the last channel is alpha
	// Meta is the file's metadata (EXIF, ICC, XMP, PNG text…), or nil.
	Meta *Meta
}

// ErrTooLarge is wrapped by the error Decode returns for an image whose
// header claims more pixels than allowed.
var ErrTooLarge = errors.New("image too large")

type tooLargeError struct {
	w, h, max int64
	why       string // what else is wrong with it, if anything
}

func (e *tooLargeError) Error() string {
	s := fmt.Sprintf("image is %dx%d (%d pixels), more than --max-pixels %d", e.w, e.h, e.w*e.h, e.max)
	if e.why != "" {
		s += ", " + e.why
	}
	return s
}

// TooLarge returns the error (wrapping ErrTooLarge) for a w×h image over
// the limit max, with why saying what else makes it refused.
func TooLarge(w, h int, max int64, why string) error {
	return &tooLargeError{int64(w), int64(h), max, why}
}

func (e *tooLargeError) Unwrap() error { return ErrTooLarge }

// CheckSize reads only the header of data and returns its format and size,
// or an error wrapping ErrTooLarge if it has more than maxPixels pixels
// (maxPixels <= 0: no limit).
func CheckSize(data []byte, maxPixels int64) (format string, w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			if name := Unsupported(data); name != "" {
				return "", 0, 0, fmt.Errorf("format not supported: %s", name)
			}
			return "", 0, 0, errors.New("not a PNG, JPEG, GIF, TIFF, BMP, WebP, Netpbm (PBM/PGM/PPM/PAM) or PFM image")
		}
		return "", 0, 0, fmt.Errorf("bad %s header: %v", formatGuess(data), err)
	}
	if cfg.Width < 0 || cfg.Height < 0 {
		return "", 0, 0, fmt.Errorf("bad %s header: negative size", format)
	}
	if maxPixels > 0 && int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return "", 0, 0, &tooLargeError{int64(cfg.Width), int64(cfg.Height), maxPixels, ""}
	}
	return format, cfg.Width, cfg.Height, nil
}

func formatGuess(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		return "PNG"
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		return "JPEG"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "GIF"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "TIFF"
	case bytes.HasPrefix(data, []byte("BM")):
		return "BMP"
	case isWebP(data):
		return "WebP"
	}
	switch SniffImage(data) {
	case "pnm":
		return "Netpbm"
	case "pfm":
		return "PFM"
	}
	return "image"
}

// pngColorType returns the IHDR colour type of a PNG (0 grey, 2 RGB,
// 3 palette, 4 grey+alpha, 6 RGBA), or -1.
func pngColorType(data []byte) int {
	if len(data) < 26 || string(data[12:16]) != "IHDR" {
		return -1
	}
	return int(data[25])
}

// pngHolds refuses a PNG whose header claims more pixels than its bytes
// can hold: deflate expands at most 1032:1, so a file claiming more raw
// bits than that is truncated or lying. Without this image/png, to which
// decodePNG leaves damaged files, would allocate the whole claimed image
// (gigabytes, within --max-pixels) before finding the data missing.
func pngHolds(data []byte, w, h int) error {
	if len(data) < 26 {
		return nil // image/png reports the short header
	}
	depth, ct := int64(data[24]), pngColorType(data)
	samples := map[int]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct]
	need := float64(w) * float64(h) * float64(samples*depth) / 8 // no overflow
	if need > 1032*float64(len(data))+1024 {
		return fmt.Errorf("bad PNG: the header claims %dx%d, more than the %d bytes of the file can hold (truncated, or a lying header)", w, h, len(data))
	}
	return nil
}

// Decode decodes an image file held in data, refusing it before any pixel
// is allocated if it has more than maxPixels pixels (<= 0: no limit).
func Decode(data []byte, maxPixels int64) (*Image, error) {
	format, w, h, err := CheckSize(data, maxPixels)
	if err != nil {
		return nil, err
	}
	switch format {
	case "pnm":
		return decodePNM(data)
	case "pfm":
		return decodePFM(data)
	}
	if format == "png" {
		if err := pngHolds(data, w, h); err != nil {
			return nil, err
		}
		im, err := decodePNG(data)
		if err != nil {
			if im, err = decodeStd(data, format); err != nil {
				return nil, err
			}
		}
		return withPNGChunks(im, readPNGMeta(data)), nil
	}
	im, err := decodeStd(data, format)
	if err == nil && (format == "jpeg" || format == "tiff" || format == "webp") {
		var m *Meta
		switch format {
		case "jpeg":
			m = readJPEGMeta(data)
		case "tiff":
			m = readTIFFMeta(data)
		default:
			m = readWebPMeta(data)
		}
		if !m.Empty() {
			im.Meta = m
		}
	}
	return im, err
}

// withPNGChunks adds what a PNG's other chunks say to its pixels: a tRNS
// key colour becomes an alpha channel (as libvips reads it), and the
// metadata is kept.
func withPNGChunks(im *Image, c *pngChunks) *Image {
	if c.hasKey && !im.Alpha {
		top := float32(255)
		if im.Depth == 16 {
			top = 65535
		}
		im.T, im.Alpha = addKeyAlpha(im.T, c, top), true
	}
	if !c.meta.Empty() {
		im.Meta = &c.meta
	}
	return im
}

// decodeStd decodes with the standard library's (and x/image's) decoders.
func decodeStd(data []byte, format string) (*Image, error) {
	m, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot decode %s: %v", formatGuess(data), err)
	}
	if format == "gif" {
		restoreGIFHidden(m, data)
	}
	ct := -1
	if format == "png" {
		ct = pngColorType(data)
	}
	if format == "webp" {
		if t, alpha, ok := webpToTensor(m); ok {
			return &Image{T: t, Format: format, Depth: 8, Alpha: alpha}, nil
		}
	}
	t, depth, alpha := toTensor(m, ct)
	if format == "webp" && alpha && opaqueLast(t) {
		// Lossless WebP decodes as NRGBA even without alpha: RGB, as PIL.
		t, alpha = &tensor.Tensor{C: 3, H: t.H, W: t.W, Data: t.Data[:3*t.H*t.W]}, false
	}
	return &Image{T: t, Format: format, Depth: depth, Alpha: alpha}, nil
}

// toTensor converts a decoded image. pngCT is the PNG colour type (or -1),
// needed because Go's decoder returns grey+alpha as NRGBA.
func toTensor(m image.Image, pngCT int) (t *tensor.Tensor, depth int, alpha bool) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := m.(type) {
	case *image.Gray:
		t = tensor.New(1, h, w)
		d := t.Data
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			for x, v := range row {
				d[y*w+x] = float32(v)
			}
		}
		return t, 8, false
	case *image.Gray16:
		t = tensor.New(1, h, w)
		d := t.Data
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+2*w]
			for x := 0; x < w; x++ {
				d[y*w+x] = float32(binary.BigEndian.Uint16(row[2*x:]))
			}
		}
		return t, 16, false
	case *image.NRGBA:
		return interleaved(m.Pix, m.Stride, w, h, 1, pickNRGBA(pngCT), false), 8, pngCT == 4 || pngCT == 6 || pngCT < 0
	case *image.NRGBA64:
		return interleaved(m.Pix, m.Stride, w, h, 2, pickNRGBA(pngCT), false), 16, pngCT == 4 || pngCT == 6 || pngCT < 0
	case *image.RGBA:
		if m.Opaque() {
			return interleaved(m.Pix, m.Stride, w, h, 1, []int{0, 1, 2}, false), 8, false
		}
		return interleaved(m.Pix, m.Stride, w, h, 1, []int{0, 1, 2, 3}, true), 8, true
	case *image.RGBA64:
		if m.Opaque() {
			return interleaved(m.Pix, m.Stride, w, h, 2, []int{0, 1, 2}, false), 16, false
		}
		return interleaved(m.Pix, m.Stride, w, h, 2, []int{0, 1, 2, 3}, true), 16, true
	case *image.Paletted:
		return paletted(m, w, h)
	case *image.YCbCr:
		// As libjpeg (PIL, OpenCV, libvips) does it: jpegcolor.go.
		return ycbcrToTensor(m), 8, false
	case *image.CMYK:
		t = tensor.New(3, h, w)
		r, g, bl := t.Plane(0), t.Plane(1), t.Plane(2)
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				rr, gg, bb := color.CMYKToRGB(p[0], p[1], p[2], p[3])
				i := y*w + x
				r[i], g[i], bl[i] = float32(rr), float32(gg), float32(bb)
			}
		}
		return t, 8, false
	}
	// Anything else (not produced by the registered decoders today):
	// through the 16-bit straight-alpha model, kept at 8 bits.
	opaque := true
	if o, ok := m.(interface{ Opaque() bool }); ok {
		opaque = o.Opaque()
	}
	c := 4
	if opaque {
		c = 3
	}
	t = tensor.New(c, h, w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := color.NRGBA64Model.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
			i := y*w + x
			v := [4]uint16{n.R, n.G, n.B, n.A}
			for ch := 0; ch < c; ch++ {
				t.Data[ch*h*w+i] = float32((uint32(v[ch]) + 128) / 257)
			}
		}
	}
	return t, 8, !opaque
}

// pickNRGBA chooses the NRGBA samples that carry the PNG's channels.
func pickNRGBA(pngCT int) []int {
	switch pngCT {
	case 0: // grey with a tRNS key colour
		return []int{0}
	case 2: // RGB with a tRNS key colour
		return []int{0, 1, 2}
	case 4: // grey+alpha, decoded as NRGBA with R=G=B
		return []int{0, 3}
	}
	return []int{0, 1, 2, 3}
}

// interleaved copies the samples picked from 4-sample pixels of 1 or 2
// bytes (big-endian) into planes. premul undoes premultiplied alpha.
func interleaved(pix []byte, stride, w, h, bytesPer int, pick []int, premul bool) *tensor.Tensor {
	t := tensor.New(len(pick), h, w)
	n := w * h
	maxv := float64(255)
	if bytesPer == 2 {
		maxv = 65535
	}
	px := 4 * bytesPer
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+w*px]
		for x := 0; x < w; x++ {
			p := row[x*px : (x+1)*px]
			var a float64
			if premul {
				a = float64(sample(p, 3, bytesPer))
			}
			for c, s := range pick {
				v := sample(p, s, bytesPer)
				f := float32(v)
				if premul && s != 3 {
					if a == 0 {
						f = 0
					} else {
						f = float32(min(maxv, float64(int64(float64(v)*maxv/a+0.5))))
					}
				}
				t.Data[c*n+y*w+x] = f
			}
		}
	}
	return t
}

func sample(p []byte, s, bytesPer int) uint32 {
	if bytesPer == 1 {
		return uint32(p[s])
	}
	return uint32(p[2*s])<<8 | uint32(p[2*s+1])
}

// paletted expands a palette image to RGB, or RGBA when any palette entry
// is not opaque.
func paletted(m *image.Paletted, w, h int) (*tensor.Tensor, int, bool) {
	pal := make([]color.NRGBA, len(m.Palette))
	alpha := false
	for i, c := range m.Palette {
		pal[i] = color.NRGBAModel.Convert(c).(color.NRGBA)
		if pal[i].A != 255 {
			alpha = true
		}
	}
	c := 3
	if alpha {
		c = 4
	}
	t := tensor.New(c, h, w)
	n := w * h
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		for x, idx := range row {
			var p color.NRGBA // an index past the palette is black, as in PIL
			if int(idx) < len(pal) {
				p = pal[idx]
			}
			i := y*w + x
			t.Data[i], t.Data[n+i], t.Data[2*n+i] = float32(p.R), float32(p.G), float32(p.B)
			if alpha {
				t.Data[3*n+i] = float32(p.A)
			}
		}
	}
	return t, 8, alpha
}

// opaqueLast reports whether the last channel of an 8-bit t is all 255.
func opaqueLast(t *tensor.Tensor) bool {
	for _, v := range t.Plane(t.C - 1) {
		if v != 255 {
			return false
		}
	}
	return true
}

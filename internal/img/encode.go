package img

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"io"

	"github.com/disintegration/imaging"

	"github.com/convtool/convtool/internal/tensor"
)

// EncodeOptions control Encode.
type EncodeOptions struct {
	// Format is "png", "jpeg", "gif", "tiff", "bmp", "pnm" (PGM or PPM by
	// channels; PAM when there is alpha), "pam" or "pfm" (float32, values
	// as they are).
	Format string
	// Depth is 8 or 16 bits per sample (0 means 8). PNG and TIFF store 16
	// bits; JPEG, GIF and BMP cannot, so a 16-bit request to them is
	// written as 8 bits with every sample divided by 257 (0..65535 maps
	// onto 0..255).
	Depth int
	// Quality is the JPEG quality, 1..100 (0 means 75, libvips' default).
	Quality int
	// Meta is written where the format holds it: PNG (eXIf, iCCP, iTXt,
	// gAMA, sRGB, pHYs), JPEG (Exif, XMP, ICC_PROFILE, JFIF density) and
	// TIFF (the resolution only). Other formats drop it.
	Meta *Meta
	// PNGLevel is the PNG deflate level, as libvips's --compression: 1..9,
	// 0 for the default (DefaultPNGLevel, 6), or NoPNGCompression to store
	// the data uncompressed.
	PNGLevel int
}

// NoPNGCompression asks for deflate level 0 (stored blocks).
const NoPNGCompression = -1

// PNGLevel resolves EncodeOptions.PNGLevel to a deflate level 0..9.
func PNGLevel(l int) (int, error) {
	switch {
	case l == 0:
		return DefaultPNGLevel, nil
	case l == NoPNGCompression:
		return 0, nil
	case l >= 1 && l <= 9:
		return l, nil
	}
	return 0, fmt.Errorf("PNG compression %d: want 0..9", l)
}

// DefaultQuality is the JPEG quality when none is given: libvips'
// (jpegsave Q=75) and libjpeg's.
const DefaultQuality = 75

// Formats lists the image formats Encode writes.
var Formats = []string{"png", "jpeg", "gif", "tiff", "bmp", "pnm", "pam", "pfm"}

// quantize rounds v half away from zero and clamps it to 0..top; NaN is 0.
func quantize(v float32, top float64) uint32 {
	f := float64(v)
	if f != f || f <= 0 {
		return 0
	}
	if f >= top {
		return uint32(top)
	}
	// f+0.5 is exact in float64 for any float32 f, and truncation of a
	// positive number is its floor: math.Round(f) without its bit work.
	return uint32(f + 0.5)
}

// Encode writes t, with 1 (grey), 2 (grey, alpha), 3 (RGB) or 4 (RGBA)
// channels in the sample range of o.Depth, as an image file. JPEG and BMP
// drop alpha; TIFF stores grey+alpha as RGBA; GIF keeps pixels with alpha below half as transparent and the
// rest opaque, and uses an exact palette when the image has at most 256
// colours, else the Plan 9 palette with Floyd-Steinberg dithering.
func Encode(w io.Writer, t *tensor.Tensor, o EncodeOptions) error {
	if !o.Meta.Empty() && (o.Format == "jpeg" || o.Format == "tiff") {
		// The metadata segments go in after the file's first header,
		// around the pixel encoder's output (meta_jpeg.go, meta_tiff.go);
		// a PNG's chunks are PNGWriter's (its Meta).
		var buf bytes.Buffer
		m := o.Meta
		o.Meta = nil
		if err := Encode(&buf, t, o); err != nil {
			return err
		}
		b := buf.Bytes()
		switch o.Format {
		case "jpeg":
			b = jpegWithMeta(b, m)
		default:
			b = tiffWithResolution(b, m)
		}
		_, err := w.Write(b)
		return err
	}
	if t.C < 1 || t.C > 4 {
		return fmt.Errorf("cannot write %d channels as an image (want 1 grey, 2 grey+alpha, 3 RGB or 4 RGBA)", t.C)
	}
	if t.H < 1 || t.W < 1 {
		return fmt.Errorf("cannot write an empty %dx%d image", t.W, t.H)
	}
	if o.Format == "pfm" {
		return encodePFM(w, t)
	}
	depth := o.Depth
	if depth == 0 || depth == 32 {
		depth = 8
	}
	if depth != 8 && depth != 16 {
		return fmt.Errorf("image depth %d: want 8 or 16", depth)
	}
	var f imaging.Format
	switch o.Format {
	case "png":
		f = imaging.PNG
	case "jpeg":
		f = imaging.JPEG
	case "gif":
		f = imaging.GIF
	case "tiff":
		f = imaging.TIFF
	case "bmp":
		f = imaging.BMP
	case "pnm", "pam":
		return encodePNM(w, t, depth, o.Format == "pam")
	case "webp":
		return fmt.Errorf("writing WebP is not supported (convtool reads it): write .png, .jpg or another format")
	default:
		return fmt.Errorf("unknown image format %q", o.Format)
	}
	// Samples are read in the range of the requested depth; formats that
	// hold only 8 bits get them scaled down.
	div := 1.0
	if depth == 16 && f != imaging.PNG && f != imaging.TIFF {
		div, depth = 257, 8
	}
	top := float64(255)
	if depth == 16 {
		top = 65535
	}
	src := t
	if div != 1 {
		src = t.Clone()
		for i, v := range src.Data {
			src.Data[i] = float32(float64(v) / div)
		}
	}
	if f == imaging.PNG {
		level, err := PNGLevel(o.PNGLevel)
		if err != nil {
			return err
		}
		return encodePNG(w, src, depth, level, o.Meta)
	}
	if f == imaging.BMP {
		// x/image/bmp writes 32-bit BMPs whose alpha common readers
		// (x/image/bmp among them) ignore: write colour only, like JPEG.
		src = dropAlpha(src)
	}
	if f == imaging.JPEG {
		q := o.Quality
		if q == 0 {
			q = DefaultQuality
		}
		if q < 1 || q > 100 {
			return fmt.Errorf("JPEG quality %d: want 1..100", q)
		}
		return imaging.Encode(w, toImage(dropAlpha(src), 8, top), f, imaging.JPEGQuality(q))
	}
	m := toImage(src, depth, top)
	if f == imaging.GIF {
		m = toPaletted(m)
	}
	return imaging.Encode(w, m, f)
}

// dropAlpha returns the colour channels of t (a view, no copy).
func dropAlpha(t *tensor.Tensor) *tensor.Tensor {
	if t.C == 2 || t.C == 4 {
		c := t.C - 1
		return &tensor.Tensor{C: c, H: t.H, W: t.W, Data: t.Data[:c*t.H*t.W]}
	}
	return t
}

// toImage builds the 8-bit (or 16-bit) Go image for t: Gray for one
// channel, NRGBA for two (grey replicated into R, G and B) and four, and
// opaque RGBA for three.
func toImage(t *tensor.Tensor, depth int, top float64) image.Image {
	w, h, n := t.W, t.H, t.W*t.H
	r := image.Rect(0, 0, w, h)
	chanOf := [4]int{0, 1, 2, -1} // tensor channel feeding R, G, B, A
	switch t.C {
	case 2:
		chanOf = [4]int{0, 0, 0, 1}
	case 4:
		chanOf = [4]int{0, 1, 2, 3}
	}
	if t.C == 1 {
		if depth == 8 {
			m := image.NewGray(r)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					m.Pix[y*m.Stride+x] = uint8(quantize(t.Data[y*w+x], top))
				}
			}
			return m
		}
		m := image.NewGray16(r)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				binary.BigEndian.PutUint16(m.Pix[y*m.Stride+2*x:], uint16(quantize(t.Data[y*w+x], top)))
			}
		}
		return m
	}
	// Three channels go out as opaque RGBA: encoders write that as RGB
	// where the format has it (PNG, BMP) and readers see no alpha.
	var pix []byte
	var stride int
	var m image.Image
	switch {
	case depth == 8 && t.C == 3:
		im := image.NewRGBA(r)
		pix, stride, m = im.Pix, im.Stride, im
	case depth == 8:
		im := image.NewNRGBA(r)
		pix, stride, m = im.Pix, im.Stride, im
	case t.C == 3:
		im := image.NewRGBA64(r)
		pix, stride, m = im.Pix, im.Stride, im
	default:
		im := image.NewNRGBA64(r)
		pix, stride, m = im.Pix, im.Stride, im
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for s, c := range chanOf {
				v := uint32(top)
				if c >= 0 {
					v = quantize(t.Data[c*n+y*w+x], top)
				}
				if depth == 8 {
					pix[y*stride+4*x+s] = uint8(v)
				} else {
					binary.BigEndian.PutUint16(pix[y*stride+8*x+2*s:], uint16(v))
				}
			}
		}
	}
	return m
}

// toPaletted turns an 8-bit image from toImage into a GIF frame: exact when it has at
// most 256 colours (after alpha is cut at half), dithered otherwise.
func toPaletted(m image.Image) *image.Paletted {
	b := m.Bounds()
	gray, isGray := m.(*image.Gray)
	var pix []byte
	var stride int
	switch m := m.(type) {
	case *image.NRGBA:
		pix, stride = m.Pix, m.Stride
	case *image.RGBA: // opaque: straight and premultiplied agree
		pix, stride = m.Pix, m.Stride
	}
	at := func(x, y int) color.NRGBA {
		if isGray {
			v := gray.Pix[y*gray.Stride+x]
			return color.NRGBA{v, v, v, 255}
		}
		p := pix[y*stride+4*x:]
		if p[3] < 128 {
			return color.NRGBA{}
		}
		return color.NRGBA{p[0], p[1], p[2], 255}
	}
	index := map[color.NRGBA]uint8{}
	var pal color.Palette
	exact := true
	for y := 0; y < b.Dy() && exact; y++ {
		for x := 0; x < b.Dx(); x++ {
			c := at(x, y)
			if _, ok := index[c]; !ok {
				if len(pal) == 256 {
					exact = false
					break
				}
				index[c] = uint8(len(pal))
				pal = append(pal, c)
			}
		}
	}
	if exact {
		p := image.NewPaletted(b, pal)
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				p.Pix[y*p.Stride+x] = index[at(x, y)]
			}
		}
		return p
	}
	// Too many colours: a palette chosen from the image (quantize.go),
	// Floyd–Steinberg dithered, with a transparent entry if any pixel
	// needs one.
	transparent := false
	for y := 0; y < b.Dy() && !transparent; y++ {
		for x := 0; x < b.Dx(); x++ {
			if at(x, y).A == 0 {
				transparent = true
				break
			}
		}
	}
	return quantizeDither(&image.NRGBA{Pix: pix, Stride: stride, Rect: b}, transparent)
}

func writeChunk(w *bufio.Writer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	w.WriteString(kind)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}

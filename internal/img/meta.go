package img

// Meta is what an image file says besides its pixels that convtool keeps
// from input to output where the output format can hold it (and drops
// with --strip): EXIF (orientation among it), the ICC profile, XMP, and
// PNG's text, gamma, sRGB and physical pixel size. It is a plain value
// that travels with the image (tensorio.Data.Meta), so that every reader
// and writer, whole-file or streaming, can pass it on.
type Meta struct {
	// EXIF is the TIFF-structured EXIF block ("II*\x00…" or "MM\x00*…"),
	// as in a JPEG APP1 segment after "Exif\x00\x00" and in PNG's eXIf.
	EXIF []byte
	// ICC is the ICC profile, uncompressed.
	ICC []byte
	// ICCName is the profile name PNG's iCCP carries ("" → "ICC profile").
	ICCName string
	// XMP is the XMP packet (XML), from a JPEG APP1
	// "http://ns.adobe.com/xap/1.0/" segment or PNG's iTXt
	// "XML:com.adobe.xmp".
	XMP []byte
	// Text is PNG's tEXt, zTXt and iTXt text (other than XMP), in order.
	Text []TextEntry
	// Gamma is PNG's gAMA (gamma × 100000); 0 when absent.
	Gamma uint32
	// SRGB is PNG's sRGB rendering intent + 1; 0 when absent.
	SRGB int
	// Phys is the pixel size: PNG pHYs, or a JPEG's JFIF density.
	Phys *Phys
	// After marks what a PNG held after its pixel data, where PNG
	// allows text and eXIf: a PNG writer puts it back there (PNGTrailer).
	After PNGAfter
}

// PNGAfter marks the parts of a Meta read after a PNG's pixel data.
type PNGAfter struct {
	// Text is how many of the last Text entries came after it.
	Text int
	// EXIF and XMP say whether Meta.EXIF and Meta.XMP did.
	EXIF, XMP bool
}

// TextEntry is one PNG text chunk.
type TextEntry struct {
	Key, Value string
}

// Phys is the physical pixel density. Unit 1 is pixels per metre (PNG's
// only unit), 0 an aspect ratio only.
type Phys struct {
	X, Y uint32
	Unit byte
}

// Empty reports whether m holds nothing to write.
func (m *Meta) Empty() bool {
	return m == nil || (len(m.EXIF) == 0 && len(m.ICC) == 0 && len(m.XMP) == 0 &&
		len(m.Text) == 0 && m.Gamma == 0 && m.SRGB == 0 && m.Phys == nil)
}

// Kinds lists what m holds, for the summary: "EXIF", "ICC", "XMP",
// "text", "gAMA", "sRGB", "pHYs".
func (m *Meta) Kinds() []string {
	if m == nil {
		return nil
	}
	var k []string
	if len(m.EXIF) > 0 {
		k = append(k, "EXIF")
	}
	if len(m.ICC) > 0 {
		k = append(k, "ICC")
	}
	if len(m.XMP) > 0 {
		k = append(k, "XMP")
	}
	if len(m.Text) > 0 {
		k = append(k, "text")
	}
	if m.Gamma != 0 {
		k = append(k, "gAMA")
	}
	if m.SRGB != 0 {
		k = append(k, "sRGB")
	}
	if m.Phys != nil {
		k = append(k, "pHYs")
	}
	return k
}

package img

import "bytes"

// unsupportedMagic names formats convtool recognises by their first bytes
// but cannot read, so that such a file is refused as what it is ("format
// not supported: HEIF") rather than misread as another format.
var unsupportedMagic = []struct {
	name  string
	match func([]byte) bool
}{
	{"HEIF/HEIC", func(b []byte) bool { return isoBrand(b, "heic", "heix", "heif", "mif1", "msf1", "hevc") }},
	{"AVIF", func(b []byte) bool { return isoBrand(b, "avif", "avis") }},
	{"JPEG 2000", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")) || bytes.HasPrefix(b, []byte("\xff\x4f\xff\x51"))
	}},
	{"JPEG XL", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("\xff\x0a")) || bytes.HasPrefix(b, []byte("\x00\x00\x00\x0cJXL \r\n\x87\n"))
	}},
	{"Photoshop PSD", prefix("8BPS")},
	{"OpenEXR", prefix("\x76\x2f\x31\x01")},
	{"QOI", prefix("qoif")},
	{"FITS", prefix("SIMPLE  =")},
	{"Windows ICO", prefix("\x00\x00\x01\x00")},
	{"Radiance HDR", func(b []byte) bool {
		return bytes.HasPrefix(b, []byte("#?RADIANCE")) || bytes.HasPrefix(b, []byte("#?RGBE"))
	}},
	{"PDF", prefix("%PDF-")},
	{"SVG", func(b []byte) bool {
		head := b[:min(len(b), 512)]
		return bytes.Contains(head, []byte("<svg"))
	}},
	{"WebP (RIFF container, not WEBP)", func(b []byte) bool { return bytes.HasPrefix(b, []byte("RIFF")) && !isWebP(b) }},
	{"gzip-compressed data", prefix("\x1f\x8b")},
	{"zip archive", prefix("PK\x03\x04")},
}

func prefix(p string) func([]byte) bool {
	return func(b []byte) bool { return bytes.HasPrefix(b, []byte(p)) }
}

// isoBrand reports an ISO base media file (HEIF, AVIF) of one of brands.
func isoBrand(b []byte, brands ...string) bool {
	if len(b) < 12 || string(b[4:8]) != "ftyp" {
		return false
	}
	for _, br := range brands {
		if string(b[8:12]) == br {
			return true
		}
	}
	return false
}

func isWebP(b []byte) bool {
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// Unsupported returns the name of a format that data's first bytes show
// and that convtool cannot read, or "".
func Unsupported(data []byte) string {
	for _, m := range unsupportedMagic {
		if m.match(data) {
			return m.name
		}
	}
	return ""
}

// SniffImage names the image format of data from its first bytes ("png",
// "jpeg", "gif", "tiff", "bmp", "webp", "pnm", "pfm"), or "".
func SniffImage(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(data, []byte("BM")):
		return "bmp"
	case isWebP(data):
		return "webp"
	case len(data) >= 3 && data[0] == 'P' && (data[1] == 'F' || data[1] == 'f') && isSpace(data[2]):
		return "pfm"
	case len(data) >= 3 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7' && isSpace(data[2]):
		return "pnm"
	}
	return ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

package tensorio

import (
	"github.com/convtool/convtool/internal/levels"
)

// HoldsAlpha reports whether an image format can store an alpha channel.
// GIF keeps one transparent palette entry (pixels under half alpha), so
// it counts as holding alpha; JPEG, BMP, PGM/PPM and PFM do not.
func HoldsAlpha(format string) bool {
	switch normalize(format) {
	case "png", "tiff", "gif", "pam", "webp":
		return true
	}
	return false
}

// FlattenFor composites d's alpha over bg (see levels.Flatten; bg in the
// 8-bit range 0..255, scaled to 16-bit samples) when d is an image with
// alpha and format cannot hold alpha, as libvips does when saving such an
// image as JPEG. It reports whether it did; d is changed in place.
func FlattenFor(d *Data, format string, bg []float64) bool {
	if d == nil || d.T == nil || KindOf(format) != KindImage || HoldsAlpha(format) {
		return false
	}
	if !d.Alpha && d.T.C != 2 && d.T.C != 4 {
		return false
	}
	top := 255.0
	if d.Depth == 16 {
		top = 65535
	}
	scaled := make([]float64, len(bg))
	for i, v := range bg {
		scaled[i] = v * top / 255
	}
	d.T = levels.Flatten(d.T, top, scaled)
	d.Alpha = false
	d.Flattened = true
	return true
}

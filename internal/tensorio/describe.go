package tensorio

import (
	"fmt"
	"strings"
)

// Describe says in a few words what was read from an image file, for the
// summary: "PNG 8-bit RGBA", "JPEG 8-bit RGB, EXIF ICC",
// "PFM float32 grey". It is "" for matrices and .npy.
func Describe(d *Data) string {
	if d == nil || d.T == nil || d.Kind() != KindImage {
		return ""
	}
	name := strings.ToUpper(d.Format)
	switch d.Format {
	case "pnm":
		name = "Netpbm"
	case "webp":
		name = "WebP"
	}
	depth := fmt.Sprintf("%d-bit", d.Depth)
	if d.Depth == 32 {
		depth = "float32"
	}
	layout := map[int]string{1: "grey", 2: "grey+alpha", 3: "RGB", 4: "RGBA"}[d.T.C]
	if d.T.C == 2 && !d.Alpha {
		layout = "2 channels"
	}
	s := fmt.Sprintf("%s %s %s", name, depth, layout)
	if d.Meta != nil && !d.Meta.Empty() {
		s += ", " + strings.Join(d.Meta.Kinds(), " ")
	}
	return s
}

// MetaNote says what of d's metadata a write in format keeps, for the
// summary: "kept EXIF ICC", "kept ICC; text gAMA not held by JPEG", or
// "not held by BMP". It is "" when d has none or strip is set (the
// caller says "stripped").
func MetaNote(d *Data, format string, strip bool) string {
	if d == nil || d.Meta.Empty() || strip {
		return ""
	}
	held := map[string]map[string]bool{
		"png":  {"EXIF": true, "ICC": true, "XMP": true, "text": true, "gAMA": true, "sRGB": true, "pHYs": true},
		"jpeg": {"EXIF": true, "ICC": true, "XMP": true, "pHYs": true},
		"tiff": {"pHYs": true},
	}[normalize(format)]
	var kept, lost []string
	for _, k := range d.Meta.Kinds() {
		if held[k] {
			kept = append(kept, k)
		} else {
			lost = append(lost, k)
		}
	}
	name := strings.ToUpper(normalize(format))
	switch {
	case len(kept) == 0:
		return "not held by " + name
	case len(lost) == 0:
		return "kept " + strings.Join(kept, " ")
	}
	return fmt.Sprintf("kept %s; %s not held by %s", strings.Join(kept, " "), strings.Join(lost, " "), name)
}

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

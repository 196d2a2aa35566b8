package kernel

import "fmt"

// Form is the notation a kernel was written in. It decides where an
// even-sized kernel is anchored, because the tools that share a notation
// disagree about it and convtool follows the tool whose notation it is.
type Form int

const (
	// FormMatrix is an inline matrix, a .csv/.txt or a 2-D .npy: convtool's
	// own 'same' rule (TensorFlow's, PyTorch padding='same'): the smaller
	// half of the padding first, anchor ((H-1)/2, (W-1)/2).
	FormMatrix Form = iota
	// FormBuiltin is a named kernel (box:4): OpenCV's anchor (H/2, W/2),
	// as cv2.blur and cv2.filter2D with anchor (-1,-1).
	FormBuiltin
	// FormImageMagick is "WxH[+X+Y]: …": ImageMagick's origin, the given
	// +X+Y or ((W-1)/2, (H-1)/2).
	FormImageMagick
	// FormVips is a libvips .mat file: vips conv's anchor (H/2, W/2).
	FormVips
)

// String names the tool whose rule the form follows.
func (f Form) String() string {
	switch f {
	case FormBuiltin:
		return "OpenCV"
	case FormImageMagick:
		return "ImageMagick"
	case FormVips:
		return "libvips"
	}
	return "convtool"
}

// anchorByForm fixes the anchor of an even-sized kernel as the tool of
// its form does: a built-in or a .mat gets (H/2, W/2) — the larger half
// of the padding first — as an explicit origin. An odd side's centre is
// the same under every rule, and an origin already given is kept.
func (k *Kernel) anchorByForm() {
	if k.HasOrigin || (k.H%2 == 1 && k.W%2 == 1) {
		return
	}
	if k.Form == FormBuiltin || k.Form == FormVips {
		k.OriginY, k.OriginX, k.HasOrigin = k.H/2, k.W/2, true
	}
}

// OriginRule says in a few words where the anchor comes from, for
// `kernel show` and the summary: "centre", "given, +X+Y", "even size:
// OpenCV's k/2", "even size: libvips' k/2", "even size: ImageMagick's
// (w-1)/2" or "even size: the smaller half of the padding goes first".
func (k *Kernel) OriginRule() string {
	switch {
	case k.HasOrigin && k.OriginGiven:
		return fmt.Sprintf("given, +%d+%d", k.OriginX, k.OriginY)
	case k.H%2 == 1 && k.W%2 == 1 && !k.HasOrigin:
		return "centre"
	case k.Form == FormBuiltin:
		return "even size: OpenCV's anchor k/2, the larger half of the padding first"
	case k.Form == FormVips:
		return "even size: libvips' anchor k/2, the larger half of the padding first"
	case k.Form == FormImageMagick:
		return "even size: ImageMagick's origin (k-1)/2, the smaller half of the padding first"
	}
	return "even size: the smaller half of the padding goes first"
}

// Op names what applying k does, for the summary's "op": correlation, or
// with flipped true convolution (kernel turned by 180°). An ImageMagick
// string says which -morphology method it matches, since the same string
// correlates in -morphology Correlate and convolves in -morphology
// Convolve.
func (k *Kernel) Op(flipped bool) string {
	switch {
	case k.Form == FormImageMagick && flipped:
		return "convolution (kernel flipped, as ImageMagick -morphology Convolve)"
	case k.Form == FormImageMagick:
		return "correlation (as ImageMagick -morphology Correlate; --flip for -morphology Convolve)"
	case flipped:
		return "convolution (kernel flipped)"
	}
	return "correlation"
}

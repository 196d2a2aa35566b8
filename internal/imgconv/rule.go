package imgconv

import (
	"fmt"

	"github.com/convtool/convtool/internal/kernel"
)

// Auto picks Keep or Convolve by the kernel's kind (see Choose).
const Auto Alpha = -1

// ParseAlpha reads --alpha: auto, keep or convolve.
func ParseAlpha(s string) (Alpha, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "keep":
		return Keep, nil
	case "convolve":
		return Convolve, nil
	}
	return 0, fmt.Errorf("--alpha %q: want auto, keep or convolve", s)
}

// RuleHelp is the alpha rule as --help states it.
const RuleHelp = `Alpha (the last channel of grey+alpha and RGBA images), by kernel kind:
  smoothing kernels (no negative element, positive sum: box, gaussian,
  disk, motion)   weight colour by alpha and convolve alpha (premultiplied),
                  so transparent pixels do not bleed their colour;
  zero-sum and signed kernels (sobel, laplacian, sharpen, emboss)
                  keep alpha as it is (the input pixel under the anchor):
                  convolving alpha with them would make opaque pixels
                  transparent (sobel-x turns an opaque area's alpha to 0);
  single-element kernels (identity, a shift)
                  keep alpha too: the pixels move, their alpha with them.
--alpha keep|convolve overrides the rule; --alpha convolve with a kernel
whose sum is zero or negative is refused, for the reason above.`

// Choose applies the rule: mode as asked, or for Auto Convolve for a
// smoothing kernel (every element ≥ 0, sum > 0, more than one non-zero)
// and Keep otherwise. It
// refuses Convolve for a kernel whose sum is zero or negative, which
// would turn opaque pixels transparent. why says in a few words what was
// chosen and why, for the summary.
func Choose(mode Alpha, k *kernel.Kernel) (chosen Alpha, why string, err error) {
	smoothing := !k.HasNegative() && k.Sum() > 0
	switch {
	case mode == Convolve && (k.ZeroSum() || k.Sum() <= 0):
		to := "0"
		if !k.ZeroSum() {
			to = "below 0"
		}
		return 0, "", fmt.Errorf("--alpha convolve with %s (sum %s) would make opaque pixels transparent (an opaque area's alpha convolves to %s); use --alpha keep, or the default auto", k.Name, sumWord(k), to)
	case mode == Convolve:
		return Convolve, "convolved (--alpha convolve: colour weighted by alpha)", nil
	case mode == Keep:
		return Keep, "kept (--alpha keep)", nil
	case nonZero(k) == 1:
		// A shift (identity, or one element off centre): alpha moves with
		// the colour either way, and keeping leaves colour exact.
		return Keep, "kept (single-element kernel: pixels move, alpha with them)", nil
	case smoothing:
		return Convolve, "convolved (smoothing kernel: colour weighted by alpha)", nil
	case k.ZeroSum():
		return Keep, "kept (zero-sum kernel)", nil
	}
	return Keep, "kept (signed kernel)", nil
}

func sumWord(k *kernel.Kernel) string {
	if k.ZeroSum() {
		return "0"
	}
	return fmt.Sprintf("%.3g", k.Sum())
}

func nonZero(k *kernel.Kernel) int {
	n := 0
	for _, v := range k.Data {
		if v != 0 {
			n++
		}
	}
	return n
}

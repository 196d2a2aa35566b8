package shape

import "fmt"

// The sizes of one axis as plain integers, for the engines (conv calls
// these rather than keeping formulas of its own); ConvOut, TransposeOut and
// SamePad above are the same rules with the arithmetic written out. OutSize,
// TransposedOutSize, Extent and Padded are in checked.go: every size is
// computed there without overflow.

// FullPad is the padding on each side of a 'full' convolution, where every
// output sample overlaps the input by at least one tap: d(k−1), checked as
// Extent.
func FullPad(k, d int) (int, error) {
	e, err := Extent(k, d)
	return e - 1, err
}

// SamePadFlip is SamePad with the halves swapped when flip is set: a true
// convolution (kernel turned by 180°) puts the larger half first, so that
// it equals scipy.signal.convolve2d's mode 'same' for even kernels too.
func SamePadFlip(n, k, s, d int, flip bool) (before, after int, err error) {
	lo, hi, err := SamePad(n, k, s, d)
	if flip {
		return hi, lo, err
	}
	return lo, hi, err
}

// FlagPair parses a flag's value "N", "NH,NW" or "NHxNW" whose numbers
// must each be at least lo; the error names the flag (--stride "0": …).
// It is the one pair parser behind every command's pair flags.
func FlagPair(flag, s string, lo int) (Pair, error) {
	p, err := ParsePair(s)
	if err != nil || p.H < lo || p.W < lo {
		return Pair{}, fmt.Errorf("--%s %q: want whole numbers ≥ %d", flag, s, lo)
	}
	return p, nil
}

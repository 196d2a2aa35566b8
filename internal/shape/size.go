package shape

import "fmt"

// The sizes of one axis as plain integers, for the engines (conv calls
// these rather than keeping formulas of its own); ConvOut, TransposeOut and
// SamePad above are the same rules with the arithmetic written out.

// OutSize is an ordinary convolution's output length,
// floor((n + pLo + pHi − d(k−1) − 1)/s) + 1. A result ≤ 0 means the dilated
// kernel does not fit in the padded input.
func OutSize(n, k, s, d, pLo, pHi int) int {
	span := n + pLo + pHi - EffectiveKernel(k, d)
	if span < 0 {
		return 0
	}
	return span/s + 1
}

// TransposedOutSize is a transposed convolution's output length,
// (n − 1)·s − 2p + d(k−1) + op + 1 (PyTorch's conv_transpose2d).
func TransposedOutSize(n, k, s, d, p, op int) int {
	return (n-1)*s - 2*p + EffectiveKernel(k, d) + op
}

// FullPad is the padding on each side of a 'full' convolution, where every
// output sample overlaps the input by at least one tap: d(k−1).
func FullPad(k, d int) int { return EffectiveKernel(k, d) - 1 }

// SamePadFlip is SamePad with the halves swapped when flip is set: a true
// convolution (kernel turned by 180°) puts the larger half first, so that
// it equals scipy.signal.convolve2d's mode 'same' for even kernels too.
func SamePadFlip(n, k, s, d int, flip bool) (before, after int) {
	lo, hi := SamePad(n, k, s, d)
	if flip {
		return hi, lo
	}
	return lo, hi
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

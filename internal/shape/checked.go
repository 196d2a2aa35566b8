package shape

import (
	"fmt"
	"math"
)

// The size formulas of convolution and pooling, in checked integer
// arithmetic: every sum and product is tested for overflow, so a flag such
// as --dilation 9223372036854775807 or --padding 9223372036854775807 is an
// error naming the quantity that does not fit, never a wrapped-round size.
// ConvOut, PoolOut and TransposeOut (the Calc forms that show the work)
// and the conv and pool packages all compute sizes here; an impossible
// size is one error.

// SizeLimit is the largest size (of one axis, a padded axis, or a product
// of sizes such as samples or MACs) the checked functions return: int64's
// maximum. Anything that would pass it is an error, not a wrapped value.
const SizeLimit = math.MaxInt64

// CheckedAdd returns a + b, or false when the sum does not fit an int.
func CheckedAdd(a, b int) (int, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// CheckedMul returns a · b, or false when the product does not fit an int.
func CheckedMul(a, b int) (int, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		return 0, false
	}
	return p, true
}

// Product multiplies non-negative sizes (samples in a plane, MACs of a
// job), failing when a factor is negative or the product does not fit.
func Product(what string, xs ...int) (int, error) {
	v := 1
	for _, x := range xs {
		if x < 0 {
			return 0, fmt.Errorf("%s: negative factor %d", what, x)
		}
		var ok bool
		if v, ok = CheckedMul(v, x); !ok {
			return 0, fmt.Errorf("%s: %s does not fit in 64 bits", what, productText(xs))
		}
	}
	return v, nil
}

func productText(xs []int) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += "·"
		}
		s += fmt.Sprint(x)
	}
	return s
}

// checkAxis is the check every one-axis size starts with: kernel, stride
// and dilation in range (checkGeom) and an input of at least one sample.
func checkAxis(in, k, s, d int) error {
	if err := checkGeom(k, s, d); err != nil {
		return err
	}
	if in < 1 {
		return fmt.Errorf("input length %d: must be at least 1", in)
	}
	return nil
}

// Extent is a dilated kernel's extent d(k−1)+1, checked: k and d must be
// at least 1 and the extent must fit an int.
func Extent(k, d int) (int, error) {
	if err := checkGeom(k, 1, d); err != nil {
		return 0, err
	}
	e, ok := CheckedMul(d, k-1)
	if ok {
		e, ok = CheckedAdd(e, 1)
	}
	if !ok {
		return 0, fmt.Errorf("dilation %d with kernel %d: the dilated extent d·(k−1)+1 does not fit in 64 bits", d, k)
	}
	return e, nil
}

// Padded is in + lo + hi, checked: paddings are not negative and the
// padded length fits an int.
func Padded(in, lo, hi int) (int, error) {
	if lo < 0 || hi < 0 {
		return 0, fmt.Errorf("padding %d,%d: must not be negative", lo, hi)
	}
	s, ok := CheckedAdd(in, lo)
	if ok {
		s, ok = CheckedAdd(s, hi)
	}
	if !ok {
		return 0, fmt.Errorf("padding %d,%d on %d samples: the padded length does not fit in 64 bits", lo, hi, in)
	}
	return s, nil
}

// OutSize is an ordinary convolution's output length along one axis,
// floor((in + lo + hi − d(k−1) − 1)/s) + 1, checked. It fails when a
// parameter is out of range, a quantity overflows, or the dilated kernel
// is larger than the padded input (no output).
func OutSize(in, k, s, d, lo, hi int) (int, error) {
	if err := checkAxis(in, k, s, d); err != nil {
		return 0, err
	}
	ke, err := Extent(k, d)
	if err != nil {
		return 0, err
	}
	pin, err := Padded(in, lo, hi)
	if err != nil {
		return 0, err
	}
	if pin < ke {
		return 0, fmt.Errorf("kernel %d (dilated extent %d) is larger than the padded input %d", k, ke, pin)
	}
	return (pin-ke)/s + 1, nil
}

// TransposedOutSize is a transposed convolution's output length along one
// axis, (in − 1)·s − 2p + d(k−1) + op + 1 (PyTorch's conv_transpose2d),
// checked. The output padding op must be below the stride or the dilation,
// and the result at least 1.
func TransposedOutSize(in, k, s, d, p, op int) (int, error) {
	if err := checkAxis(in, k, s, d); err != nil {
		return 0, err
	}
	if p < 0 || op < 0 {
		return 0, fmt.Errorf("padding %d, output padding %d: must not be negative", p, op)
	}
	if op >= max(s, d) {
		return 0, fmt.Errorf("output padding %d must be smaller than the stride %d or the dilation %d", op, s, d)
	}
	ke, err := Extent(k, d)
	if err != nil {
		return 0, err
	}
	// (in−1)·s + ke + op − 2p, with the positive part checked before the
	// padding is taken off (2p itself may not fit).
	v, ok := CheckedMul(in-1, s)
	if ok {
		v, ok = CheckedAdd(v, ke)
	}
	if ok {
		v, ok = CheckedAdd(v, op)
	}
	if !ok {
		return 0, fmt.Errorf("stride %d, dilation %d, kernel %d on %d samples: the transposed output (in−1)·s + d(k−1) + op + 1 does not fit in 64 bits", s, d, k, in)
	}
	if p > (v-1)/2 { // v − 2p < 1
		return 0, fmt.Errorf("padding %d leaves no output: (%d−1)·%d − 2·%d + %d·(%d−1) + %d + 1 is not positive", p, in, s, p, d, k, op)
	}
	return v - 2*p, nil
}

// SamePadding is TensorFlow's SAME padding total along one axis,
// max((ceil(in/s)−1)·s + d(k−1)+1 − in, 0), checked.
func SamePadding(in, k, s, d int) (int, error) {
	if err := checkAxis(in, k, s, d); err != nil {
		return 0, err
	}
	ke, err := Extent(k, d)
	if err != nil {
		return 0, err
	}
	// ceil(in/s) without in+s−1 (which may overflow).
	out := in / s
	if in%s != 0 {
		out++
	}
	v, ok := CheckedMul(out-1, s)
	if ok {
		v, ok = CheckedAdd(v, ke)
	}
	if !ok {
		return 0, fmt.Errorf("stride %d, dilation %d, kernel %d on %d samples: the 'same' padding does not fit in 64 bits", s, d, k, in)
	}
	return max(v-in, 0), nil
}

// PoolSize is a pooling layer's output length along one axis with
// PyTorch's rule (see PoolOut), checked. It fails on padding above half
// the window, an overflow, or an output below 1.
func PoolSize(in, k, s, p, d int, ceil bool) (int, error) {
	if err := checkAxis(in, k, s, d); err != nil {
		return 0, err
	}
	if p < 0 {
		return 0, fmt.Errorf("padding %d: must not be negative", p)
	}
	if p > k/2 {
		return 0, fmt.Errorf("padding %d is more than half the window %d (at most %d, as in PyTorch)", p, k, k/2)
	}
	if !ceil {
		return OutSize(in, k, s, d, p, p)
	}
	ke, err := Extent(k, d)
	if err != nil {
		return 0, err
	}
	pin, err := Padded(in, p, p)
	if err != nil {
		return 0, err
	}
	num := pin - ke // both fit and are ≥ 0 and ≥ 1: no overflow
	out := floorDiv(num, s)
	if floorMod(num, s) != 0 {
		out++
	}
	out++
	if out >= 1 && (out-1) > (in+p-1)/s {
		// The last window would start at (out−1)·s ≥ in + p: dropped.
		out--
	}
	if out < 1 {
		return 0, fmt.Errorf("window %d (dilated extent %d) reaches past the padded input %d by a stride or more: no output", k, ke, pin)
	}
	return out, nil
}

package shape

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Calc is one computed quantity with the arithmetic that produced it.
type Calc struct {
	// Name is what was computed: "H'", "W'", "C'", "params", "MACs".
	Name string
	// Formula is the symbolic rule, e.g. "floor((H + 2p − k)/s) + 1".
	Formula string
	// Work is the rule with the numbers substituted, through to the value,
	// e.g. "floor((224 + 2·2 − 11)/4) + 1 = floor(217/4) + 1 = 55".
	Work  string
	Value int64
	// Note is an optional remark (PyTorch's ceil-mode rule, SAME padding).
	Note string
}

// String renders the calc as one line: "H' = formula = work".
func (c Calc) String() string {
	s := c.Name + " = " + c.Formula
	if c.Work != "" && c.Work != c.Formula {
		s += " = " + c.Work
	}
	if c.Note != "" {
		s += "  (" + c.Note + ")"
	}
	return s
}

// floorDiv rounds toward negative infinity, as PyTorch's div_rtn.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// floorMod is a − b·floorDiv(a, b), never negative for b > 0.
func floorMod(a, b int) int { return a - b*floorDiv(a, b) }

// SamePad returns TensorFlow's SAME padding for one axis: a total of
// max((ceil(in/s)−1)·s + d(k−1)+1 − in, 0), the smaller half first. It
// fails as SamePadding does.
func SamePad(in, k, s, d int) (lo, hi int, err error) {
	total, err := SamePadding(in, k, s, d)
	if err != nil {
		return 0, 0, err
	}
	return total / 2, total - total/2, nil
}

func checkGeom(k, s, d int) error {
	switch {
	case k < 1:
		return fmt.Errorf("kernel size %d: must be at least 1", k)
	case s < 1:
		return fmt.Errorf("stride %d: must be at least 1", s)
	case d < 1:
		return fmt.Errorf("dilation %d: must be at least 1", d)
	}
	return nil
}

// padTerm writes the padding part of a formula: "2p" for symmetric padding,
// "p_lo + p_hi" for asymmetric, and the matching numbers.
func padTerm(lo, hi int) (sym, num string) {
	if lo == hi {
		return "2p", "2·" + strconv.Itoa(lo)
	}
	return "p_lo + p_hi", strconv.Itoa(lo) + " + " + strconv.Itoa(hi)
}

// kernelTerm writes "k" or "d(k−1) − 1" with the numbers.
func kernelTerm(k, d int) (sym, num string) {
	if d == 1 {
		return "k", strconv.Itoa(k)
	}
	return "d(k−1) − 1", fmt.Sprintf("%d·(%d−1) − 1", d, k)
}

// ConvOut is a convolution's output size along one axis (axis names the
// result: "H'" or "W'"): floor((in + pLo + pHi − d(k−1) − 1)/s) + 1, the
// notes' floor((H + 2p − k)/s) + 1 extended with dilation. It fails when the
// dilated kernel is larger than the padded input.
func ConvOut(axis string, in, k, s, pLo, pHi, d int) (Calc, error) {
	if err := checkGeom(k, s, d); err != nil {
		return Calc{}, err
	}
	ke, err := Extent(k, d)
	if err != nil {
		return Calc{}, fmt.Errorf("%s: %w", axis, err)
	}
	pin, err := Padded(in, pLo, pHi)
	if err != nil {
		return Calc{}, fmt.Errorf("%s: %w", axis, err)
	}
	if pin < ke {
		return Calc{}, fmt.Errorf("%s: kernel %d (dilated extent %d) is larger than the padded input %d + %d + %d = %d",
			axis, k, ke, in, pLo, pHi, pin)
	}
	ps, pn := padTerm(pLo, pHi)
	ks, kn := kernelTerm(k, d)
	num := pin - ke
	out := num/s + 1
	sym := strings.TrimSuffix(axis, "'")
	c := Calc{
		Name:    axis,
		Formula: fmt.Sprintf("floor((%s + %s − %s)/s) + 1", sym, ps, ks),
		Work:    fmt.Sprintf("floor((%d + %s − %s)/%d) + 1 = floor(%d/%d) + 1 = %d", in, pn, kn, s, num, s, out),
		Value:   int64(out),
	}
	return c, nil
}

// PoolOut is a pooling layer's output size along one axis with PyTorch's
// rule: floor or, with ceil, ceil((in + 2p − d(k−1) − 1)/s) + 1, where in
// ceil mode the last window must start inside the input or the left
// padding (else it is dropped). Padding above half the kernel is refused,
// as PyTorch does. As in PyTorch the only size requirement is an output of
// at least one: in ceil mode a window larger than the padded input is
// accepted (it is clipped), while in floor mode it leaves no output.
func PoolOut(axis string, in, k, s, p, d int, ceil bool) (Calc, error) {
	if err := checkGeom(k, s, d); err != nil {
		return Calc{}, err
	}
	if p < 0 {
		return Calc{}, fmt.Errorf("padding %d: must not be negative", p)
	}
	if p > k/2 {
		return Calc{}, fmt.Errorf("%s: padding %d is more than half the window %d (at most %d, as in PyTorch)", axis, p, k, k/2)
	}
	if !ceil {
		c, err := ConvOut(axis, in, k, s, p, p, d)
		if err != nil {
			return Calc{}, err
		}
		return c, nil
	}
	ke, err := Extent(k, d)
	if err != nil {
		return Calc{}, fmt.Errorf("%s: %w", axis, err)
	}
	pin, err := Padded(in, p, p)
	if err != nil {
		return Calc{}, fmt.Errorf("%s: %w", axis, err)
	}
	num := pin - ke // both fit in an int and are positive: no overflow
	out := floorDiv(num, s) + 1
	if floorMod(num, s) != 0 {
		out++ // ceil without num+s−1, which may overflow
	}
	ks, kn := kernelTerm(k, d)
	sym := strings.TrimSuffix(axis, "'")
	c := Calc{
		Name:    axis,
		Formula: fmt.Sprintf("ceil((%s + 2p − %s)/s) + 1", sym, ks),
		Work:    fmt.Sprintf("ceil((%d + 2·%d − %s)/%d) + 1 = ceil(%d/%d) + 1 = %d", in, p, kn, s, num, s, out),
		Value:   int64(out),
	}
	if out >= 1 && out-1 > (in+p-1)/s { // (out−1)·s ≥ in + p, without the product
		c.Note = fmt.Sprintf("the last window would start at %d·%d = %d ≥ %s + p = %d, outside the input and left padding: dropped",
			out-1, s, (out-1)*s, sym, in+p)
		out--
		c.Work += fmt.Sprintf(" − 1 = %d", out)
		c.Value = int64(out)
	}
	if out < 1 {
		return Calc{}, fmt.Errorf("%s: output size %s = %d is less than 1: window %d (dilated extent %d) reaches past the padded input %d + 2·%d = %d by a stride or more",
			axis, c.Work[:strings.LastIndex(c.Work, " = ")], out, k, ke, in, p, pin)
	}
	if num < 0 {
		c.Note = fmt.Sprintf("window extent %d is larger than the padded input %d: ceil mode keeps the one clipped window, as PyTorch does", ke, pin)
	}
	return c, nil
}

// TransposeSamePad returns the padding p and output padding op that make a
// transposed convolution's output exactly s times its input along one
// axis: (H − 1)·s − 2p + d(k−1) + op + 1 = s·H  ⇔  2p − op = t with
// t = d(k−1) + 1 − s. If t is negative it returns p = 0 and op = −t (valid:
// −t = s − 1 − d(k−1) is below s); if t is odd, op = 1 and p = (t+1)/2,
// else p = t/2 and op = 0. It is the rule of `convtool conv --transpose
// --padding same`; an explicit output padding replaces op. With stride and
// dilation 1 and an even kernel, op = 1 is not a valid output padding
// (TransposeOut refuses it): no padding gives exactly s·H there.
func TransposeSamePad(k, s, d int) (p, op int, err error) {
	if err := checkGeom(k, s, d); err != nil {
		return 0, 0, err
	}
	ke, err := Extent(k, d)
	if err != nil {
		return 0, 0, err
	}
	t := ke - s // both positive: no overflow
	if t < 0 {
		return 0, -t, nil
	}
	if t%2 == 1 {
		return t/2 + 1, 1, nil
	}
	return t / 2, 0, nil
}

// transposeSameNote explains TransposeSamePad's choice for one axis.
func transposeSameNote(k, s, d int) string {
	p, op, _ := TransposeSamePad(k, s, d) // checked by the caller
	t := 2*p - op
	w := fmt.Sprintf("same: 2p − op = d(k−1) + 1 − s = %d·(%d−1) + 1 − %d = %d", d, k, s, t)
	switch {
	case t < 0:
		return w + fmt.Sprintf(" < 0: p = 0, op = −t = %d", op)
	case t%2 == 1:
		return w + fmt.Sprintf(", odd: p = (%d+1)/2 = %d, op = %d", t, p, op)
	}
	return w + fmt.Sprintf(", even: p = %d/2 = %d, op = 0", t, p)
}

// TransposeOut is a transposed convolution's output size along one axis,
// PyTorch's (in − 1)·s − 2p + d(k−1) + op + 1. The output padding op must be
// smaller than the stride or the dilation.
func TransposeOut(axis string, in, k, s, p, d, op int) (Calc, error) {
	if err := checkGeom(k, s, d); err != nil {
		return Calc{}, err
	}
	if p < 0 || op < 0 {
		return Calc{}, fmt.Errorf("padding %d, output padding %d: must not be negative", p, op)
	}
	out, err := TransposedOutSize(in, k, s, d, p, op)
	if err != nil {
		return Calc{}, fmt.Errorf("%s: %w", axis, err)
	}
	sym := strings.TrimSuffix(axis, "'")
	c := Calc{
		Name:    axis,
		Formula: fmt.Sprintf("(%s − 1)·s − 2p + d(k−1) + op + 1", sym),
		Work:    fmt.Sprintf("(%d − 1)·%d − 2·%d + %d·(%d−1) + %d + 1 = %d", in, s, p, d, k, op, out),
		Value:   int64(out),
	}
	return c, nil
}

// AdaptiveBin returns PyTorch's adaptive-pooling bin i of n over in
// samples: [floor(i·in/n), ceil((i+1)·in/n)).
func AdaptiveBin(i, in, n int) (start, end int) {
	return i * in / n, ((i+1)*in + n - 1) / n
}

// ConvParams counts a convolution's (or transposed convolution's)
// parameters: k_h·k_w·(C_in/g)·C_out weights plus C_out biases.
func ConvParams(cin, cout, kh, kw, groups int, bias bool) Calc {
	w := satMul(kh, kw, cin/groups, cout)
	c := Calc{Name: "params", Formula: "k_h·k_w·(C/g)·C'", Value: w}
	c.Work = fmt.Sprintf("%d·%d·(%d/%d)·%d", kh, kw, cin, groups, cout)
	if groups == 1 {
		c.Formula = "k_h·k_w·C·C'"
		c.Work = fmt.Sprintf("%d·%d·%d·%d", kh, kw, cin, cout)
	}
	if bias {
		c.Formula += " + C'"
		c.Work += fmt.Sprintf(" + %d", cout)
		c.Value = satAdd(c.Value, cout)
	}
	c.Work += " = " + Thousands(c.Value)
	return c
}

// ConvMACs counts a convolution's multiply-adds: every output value costs
// k_h·k_w·(C_in/g) of them.
func ConvMACs(outH, outW, cout, kh, kw, cin, groups int) Calc {
	v := satMul(outH, outW, cout, kh, kw, cin/groups)
	c := Calc{
		Name:    "MACs",
		Formula: "H'·W'·C'·k_h·k_w·(C/g)",
		Work:    fmt.Sprintf("%d·%d·%d·%d·%d·(%d/%d) = %s", outH, outW, cout, kh, kw, cin, groups, Thousands(v)),
		Value:   v,
	}
	if groups == 1 {
		c.Formula = "H'·W'·C'·k_h·k_w·C"
		c.Work = fmt.Sprintf("%d·%d·%d·%d·%d·%d = %s", outH, outW, cout, kh, kw, cin, Thousands(v))
	}
	return c
}

// TransposeMACs counts a transposed convolution's multiply-adds: every
// input value is scattered through k_h·k_w·(C_out/g) weights.
func TransposeMACs(inH, inW, cin, kh, kw, cout, groups int) Calc {
	v := satMul(inH, inW, cin, kh, kw, cout/groups)
	c := Calc{
		Name:    "MACs",
		Formula: "H·W·C·k_h·k_w·(C'/g)",
		Work:    fmt.Sprintf("%d·%d·%d·%d·%d·(%d/%d) = %s", inH, inW, cin, kh, kw, cout, groups, Thousands(v)),
		Value:   v,
	}
	if groups == 1 {
		c.Formula = "H·W·C·k_h·k_w·C'"
		c.Work = fmt.Sprintf("%d·%d·%d·%d·%d·%d = %s", inH, inW, cin, kh, kw, cout, Thousands(v))
	}
	return c
}

// FCParams counts a fully connected layer's parameters: in·out + out.
func FCParams(in, out int, bias bool) Calc {
	c := Calc{Name: "params", Formula: "N·N'", Work: fmt.Sprintf("%d·%d", in, out), Value: satMul(in, out)}
	if bias {
		c.Formula += " + N'"
		c.Work += fmt.Sprintf(" + %d", out)
		c.Value = satAdd(c.Value, out)
	}
	c.Work += " = " + Thousands(c.Value)
	return c
}

// FCMACs counts a fully connected layer's multiply-adds: in·out.
func FCMACs(in, out int) Calc {
	v := satMul(in, out)
	return Calc{Name: "MACs", Formula: "N·N'", Work: fmt.Sprintf("%d·%d = %s", in, out, Thousands(v)), Value: v}
}

// BNParams counts batch norm's parameters: a scale and a shift per channel.
func BNParams(c int) Calc {
	return Calc{Name: "params", Formula: "2·C", Work: fmt.Sprintf("2·%d = %d", c, 2*c), Value: int64(2 * c)}
}

// Uncovered reports how a strided window leaves input unseen along one
// axis, for an input of in samples padded by pLo and pHi: rem is
// (in + pLo + pHi − d(k−1) − 1) mod s, the trailing rows of the padded
// input no window reaches; lost is how many of those are input rather than
// padding; gaps counts, of every s consecutive rows, those no kernel tap
// ever lands on (stride larger than the kernel, or dilation in step with
// the stride).
func Uncovered(in, k, s, pLo, pHi, d int) (rem, lost, gaps int) {
	if s < 1 || k < 1 || d < 1 {
		return 0, 0, 0
	}
	ke, err := Extent(k, d)
	pin, perr := Padded(in, pLo, pHi)
	if err != nil || perr != nil || pin < ke {
		return 0, 0, 0
	}
	num := pin - ke
	if num < 0 {
		return 0, 0, 0
	}
	rem = num % s
	lost = max(rem-pHi, 0)
	// The taps j·d (j < k) land on multiples of gcd(d, s) modulo s, cycling
	// through s/gcd of them.
	g := gcd(d, s)
	gaps = s - min(k, s/g)
	return rem, lost, gaps
}

// Thousands formats n with comma separators: 61100840 → "61,100,840".
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Overflow is the value a count saturates at when it does not fit in 64
// bits; Apply refuses a layer whose parameters or MACs reach it.
const Overflow = math.MaxInt64

// satMul multiplies non-negative factors, saturating at Overflow instead of
// wrapping round to a negative count.
func satMul(xs ...int) int64 {
	v := uint64(1)
	for _, x := range xs {
		hi, lo := bits.Mul64(v, uint64(max(x, 0)))
		if hi != 0 || lo > Overflow {
			return Overflow
		}
		v = lo
	}
	return int64(v)
}

// satAdd adds a non-negative x to v, saturating at Overflow.
func satAdd(v int64, x int) int64 {
	if v > Overflow-int64(max(x, 0)) {
		return Overflow
	}
	return v + int64(max(x, 0))
}

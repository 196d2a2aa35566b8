package shape

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCheckedAgreesOnSmallSizes: where nothing overflows, the checked
// formulas are the textbook ones (written here in big-enough int
// arithmetic on small values).
func TestCheckedAgreesOnSmallSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		in, k, s, d := 1+r.IntN(40), 1+r.IntN(9), 1+r.IntN(6), 1+r.IntN(4)
		lo, hi, op := r.IntN(6), r.IntN(6), r.IntN(max(s, d))
		want := (in+lo+hi-d*(k-1)-1)/s + 1
		got, err := OutSize(in, k, s, d, lo, hi)
		if fits := in+lo+hi >= d*(k-1)+1; fits != (err == nil) || (fits && got != want) {
			t.Fatalf("OutSize(%d,%d,%d,%d,%d,%d) = %d, %v; want %d (fits %v)", in, k, s, d, lo, hi, got, err, want, fits)
		}
		wantT := (in-1)*s - 2*lo + d*(k-1) + op + 1
		gotT, err := TransposedOutSize(in, k, s, d, lo, op)
		if (wantT >= 1) != (err == nil) || (err == nil && gotT != wantT) {
			t.Fatalf("TransposedOutSize(%d,%d,%d,%d,%d,%d) = %d, %v; want %d", in, k, s, d, lo, op, gotT, err, wantT)
		}
		wantS := max(((in+s-1)/s-1)*s+d*(k-1)+1-in, 0)
		if gotS, err := SamePadding(in, k, s, d); err != nil || gotS != wantS {
			t.Fatalf("SamePadding(%d,%d,%d,%d) = %d, %v; want %d", in, k, s, d, gotS, err, wantS)
		}
		p := r.IntN(k/2 + 1)
		for _, ceil := range []bool{false, true} {
			c, cerr := PoolOut("H'", in, k, s, p, d, ceil)
			n, nerr := PoolSize(in, k, s, p, d, ceil)
			if (cerr == nil) != (nerr == nil) || (cerr == nil && int(c.Value) != n) {
				t.Fatalf("PoolSize(%d,%d,%d,%d,%d,%v) = %d, %v; PoolOut %d, %v", in, k, s, p, d, ceil, n, nerr, c.Value, cerr)
			}
		}
	}
}

// TestCheckedRefusesOverflow: every quantity that would pass int64 is an
// error naming it, never a wrapped size.
func TestCheckedRefusesOverflow(t *testing.T) {
	const m = math.MaxInt64
	for _, c := range []struct {
		name string
		f    func() (int, error)
		want string
	}{
		{"extent", func() (int, error) { return Extent(3, m) }, "dilated extent d·(k−1)+1 does not fit"},
		{"extent k", func() (int, error) { return Extent(m, 2) }, "dilated extent"},
		{"padded", func() (int, error) { return Padded(5, m, m) }, "padded length does not fit"},
		{"padded half", func() (int, error) { return Padded(5, m/2, m/2) }, "padded length does not fit"},
		{"conv padding", func() (int, error) { return OutSize(5, 3, 1, 1, m, m) }, "padded length"},
		{"conv dilation", func() (int, error) { return OutSize(5, 3, 1, m, 0, 0) }, "dilated extent"},
		{"conv dilation 2^62", func() (int, error) { return OutSize(5, 3, 1, 1<<62, 0, 0) }, "dilated extent"},
		{"same stride", func() (int, error) { return SamePadding(m, 3, m, 1) }, ""},
		{"same dilation", func() (int, error) { return SamePadding(5, 3, 1, m) }, "dilated extent"},
		{"transpose stride", func() (int, error) { return TransposedOutSize(5, 3, m, 1, 0, 0) }, "transposed output"},
		{"transpose padding", func() (int, error) { return TransposedOutSize(5, 3, 1, 1, m, 0) }, "leaves no output"},
		{"transpose output padding", func() (int, error) { return TransposedOutSize(2, 3, m, 1, 0, m-1) }, "does not fit"},
		{"pool dilation", func() (int, error) { return PoolSize(5, 3, 3, 0, m, false) }, "dilated extent"},
		{"pool ceil dilation", func() (int, error) { return PoolSize(5, 3, 3, 0, m, true) }, "dilated extent"},
		{"pool ceil padding", func() (int, error) { return PoolSize(m, 3, m, 1, 1, true) }, "padded length"},
		{"pool ceil stride", func() (int, error) { return PoolSize(m-2, 3, m, 1, 1, true) }, ""},
		{"product", func() (int, error) { return Product("samples", 1<<32, 1<<32) }, "does not fit in 64 bits"},
	} {
		n, err := c.f()
		if c.want == "" {
			if err != nil || n < 0 {
				t.Errorf("%s: %d, %v; want a non-negative size", c.name, n, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %d, %v; want an error with %q", c.name, n, err, c.want)
		}
	}
}

// TestUnseenAgreesWithBruteForce: unseen visits only the windows and taps
// that reach the input; on small sizes it lists what trying every tap of
// every window lists.
func TestUnseenAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		in, k, s, d, lo, out := 1+r.IntN(30), 1+r.IntN(6), 1+r.IntN(6), 1+r.IntN(4), r.IntN(12), r.IntN(30)
		seen := make([]bool, in)
		for o := 0; o < out; o++ {
			for j := 0; j < k; j++ {
				if x := o*s - lo + j*d; x >= 0 && x < in {
					seen[x] = true
				}
			}
		}
		var want []int
		for x, ok := range seen {
			if !ok {
				want = append(want, x)
			}
		}
		got := unseen(in, k, s, d, lo, out)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("unseen(%d,%d,%d,%d,%d,%d) = %v, want %v", in, k, s, d, lo, out, got, want)
		}
	}
	// Huge padding, kernel or output: answered at once.
	for _, c := range [][6]int{{5, 2, 5, 5, 1 << 58, 1 << 57}, {5, 1 << 40, 1, 1, 1 << 40, 1 << 41}, {5, 3, 1, 1, 1, math.MaxInt}} {
		unseen(c[0], c[1], c[2], c[3], c[4], c[5])
	}
}

package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// naiveDFT is the textbook O(n²) transform in float64, the oracle for
// lengths and lane counts the numpy fixtures do not cover.
func naiveDFT(x []complex128) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for k := range n {
		var s complex128
		for j, v := range x {
			s += v * cmplx.Rect(1, -2*math.Pi*float64(j*k%n)/float64(n))
		}
		out[k] = s
	}
	return out
}

// dftTol is the bound, relative to √n·max|x|, on the error of a float32
// transform: each output is a sum of n terms whose rounding errors (about
// 6e-8 per operation, log2 n operations deep) add like a random walk, so
// the error grows as ε·log2 n·√n·max|x|. With log2 n ≤ 12 here, 1e-5 is a
// factor of ten above that and far below what a wrong twiddle or index
// would give (an error of the order of the outputs themselves, √n·max|x|).
const dftTol = 1e-5

func TestRadixPlanAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 15, 16, 20, 25, 27, 30, 32, 45, 49, 60, 64, 77, 97, 100, 120, 128, 243, 256, 375, 1000, 1024, 1080, 2310} {
		for _, lanes := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("n%d_lanes%d", n, lanes), func(t *testing.T) {
				p := newRadixPlan(n)
				x := make([]complex64, n*lanes)
				for i := range x {
					x[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
				}
				in := append([]complex64(nil), x...)
				y := make([]complex64, len(x))
				res, _ := p.run(x, y, make([]complex64, p.tmpLen), lanes)
				for l := range lanes {
					seq := make([]complex128, n)
					for i := range seq {
						seq[i] = complex128(in[i*lanes+l])
					}
					want := naiveDFT(seq)
					var worst float64
					for k, w := range want {
						worst = max(worst, cmplx.Abs(complex128(res[k*lanes+l])-w))
					}
					if bound := dftTol * math.Sqrt(float64(n)) * math.Sqrt2; !(worst <= bound) {
						t.Errorf("lane %d: max error %g, bound %g", l, worst, bound)
					}
				}
			})
		}
	}
}

func TestRealRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 3, 5, 8, 9, 14, 15, 97, 128, 1000, 1001} {
		r := NewReal(n)
		x := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32()*2 - 1
		}
		spec := r.Forward(nil, x)
		// Against the naive transform of the same real sequence.
		seq := make([]complex128, n)
		for i, v := range x {
			seq[i] = complex(float64(v), 0)
		}
		want := naiveDFT(seq)
		for k, v := range spec {
			if d := cmplx.Abs(complex128(v) - want[k]); !(d <= dftTol*math.Sqrt(float64(n))) {
				t.Fatalf("n=%d: X[%d] = %v, want %v", n, k, v, want[k])
			}
		}
		back := r.Inverse(nil, spec)
		for i, v := range back {
			if d := math.Abs(float64(v)/float64(n) - float64(x[i])); !(d <= dftTol) {
				t.Fatalf("n=%d: round trip x[%d] = %g, want %g", n, i, float64(v)/float64(n), x[i])
			}
		}
	}
}

func TestFactors(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{1, "[]"}, {2, "[2]"}, {8, "[4 2]"}, {1080, "[4 2 3 3 3 5]"}, {97, "[97]"}, {2 * 49, "[2 7 7]"},
	} {
		if got := fmt.Sprint(factors(c.n)); got != c.want {
			t.Errorf("factors(%d) = %s, want %s", c.n, got, c.want)
		}
	}
}

func ExampleReal() {
	r := NewReal(4)
	spec := r.Forward(nil, []float32{1, 2, 3, 4})
	fmt.Println(spec)
	// The inverse is unnormalised: it returns n·x.
	fmt.Println(r.Inverse(nil, spec))
	// Output:
	// [(10+0i) (-2+2i) (-2+0i)]
	// [4 8 12 16]
}

package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"strings"
	"testing"
)

// eps32 is float32's unit round-off, 2^-24.
const eps32 = 0x1p-24

// fftBound is the constant C in the float32 transform's error bound
//
//	|X̃[k] − X[k]| ≤ C · ε · log2 N · max|X|,  ε = 2^-24,
//
// checked per coefficient against numpy's float64 result. Each of the
// log2 N levels of butterflies rounds every value by about ε of the
// values it combines, so an output's error is set by the largest values in
// play, not by its own size. For zero-mean data max|X| is a few times
// √N·rms(x), and this is the usual ε·log2 N·√N·max|x| estimate; with a
// large mean (the 0..255 image cases) the zero frequency, N·mean, is the
// largest value and the one every column-0 coefficient of a 2-D transform
// is rounded against (the row sums, W·mean each, all land in column 0).
// TestNumpyFixtures logs the worst ratio of each case: 0.05–0.53 for the
// lengths made of 2, 3 and 5, 0.79 for length 97, whose generic butterfly
// sums 97 terms in a row rather than log2 97 levels. C = 2 leaves a factor
// of 2.5 over the worst, while a wrong twiddle, index or sign makes an
// error of the order of the coefficients themselves, 10⁴ times the bound
// and more.
const fftBound = 2.0

// spectrumChecker accumulates the worst error ratio of a case.
type spectrumChecker struct {
	t     *testing.T
	bound float64 // ε·log2 N·max|X|
	peak  float64 // max|X|
	worst float64 // largest error / bound
	abs   float64 // largest error
}

func newSpectrumChecker(t *testing.T, n int, want []complex128) *spectrumChecker {
	var peak float64
	for _, v := range want {
		peak = max(peak, cmplx.Abs(v))
	}
	return &spectrumChecker{t: t, bound: eps32 * math.Log2(max(float64(n), 2)) * peak, peak: peak}
}

// check compares one coefficient and fails the test past the bound.
func (c *spectrumChecker) check(at string, got complex64, want complex128) {
	c.t.Helper()
	d := cmplx.Abs(complex128(got) - want)
	c.abs = max(c.abs, d)
	ratio := d / c.bound
	if ratio > c.worst || ratio != ratio {
		c.worst = ratio
	}
	if !(ratio <= fftBound) {
		c.t.Fatalf("%s = %v, want %v (error %.3g of ε·log2 N·max|X|)", at, got, want, ratio)
	}
}

// complexRef reads a (2, …) fixture of real and imaginary planes.
func complexRef(t *testing.T, name string) ([]complex128, []int) {
	a := readNPY(t, name)
	half := len(a.Data) / 2
	out := make([]complex128, half)
	for i := range out {
		out[i] = complex(float64(a.Data[i]), float64(a.Data[half+i]))
	}
	return out, a.Shape[1:]
}

// TestNumpyFixtures checks the 2-D real transform (Plan) against
// np.fft.rfft2 and, mirrored to the full plane, np.fft.fft2; the 1-D one
// (Real) against np.fft.rfft; and both inverses by the round trip; at
// every level of butterflies this build and CPU can run.
func TestNumpyFixtures(t *testing.T) {
	eachLevel(t, numpyFixtures)
}

func numpyFixtures(t *testing.T) {
	var worst float64
	for _, c := range cases(t, "rfft_cases.txt") {
		if strings.HasPrefix(c[0], "#") {
			continue
		}
		kind, name := c[0], c[1]
		t.Run(kind+"_"+name, func(t *testing.T) {
			var x []float32
			var h, w int
			if kind == "rfft" {
				x = readNPY(t, "rfft_"+name+"_x").Data
				h, w = 1, len(x)
			} else {
				a := readNPY(t, "rfft2_"+name+"_x")
				x, h, w = a.Data, a.Shape[0], a.Shape[1]
			}
			want, shape := complexRef(t, kind+"_"+name+"_ref")
			ck := newSpectrumChecker(t, len(x), want)
			nc := w/2 + 1
			switch kind {
			case "rfft":
				r := NewReal(w)
				got := r.Forward(nil, x)
				for k, v := range got {
					ck.check(fmt.Sprintf("X[%d]", k), v, want[k])
				}
				back := r.Inverse(nil, got)
				checkClose(t, scaled(back, 1/float64(w)), x)
			case "rfft2":
				p := NewPlan(h, w)
				if shape[0] != h || shape[1] != nc {
					t.Fatalf("reference shape %v, want %dx%d", shape, h, nc)
				}
				got := p.Forward(nil, x, h, w, w)
				for i, v := range got {
					ck.check(fmt.Sprintf("X[%d,%d]", i/nc, i%nc), v, want[i])
				}
				back := p.Inverse(nil, h, w, w, got, float32(1/float64(h*w)))
				checkClose(t, back, x)
			case "fft2":
				got := NewPlan(h, w).Forward(nil, x, h, w, w)
				for u := range h {
					for v := range w {
						var f complex64
						if v < nc {
							f = got[u*nc+v]
						} else { // the mirrored half: F[u,v] = conj F[−u,−v]
							f = got[((h-u)%h)*nc+w-v]
							f = complex(real(f), -imag(f))
						}
						ck.check(fmt.Sprintf("X[%d,%d]", u, v), f, want[u*w+v])
					}
				}
			}
			t.Logf("worst error %.3g of ε·log2 N·max|X| (max error %.3g, max|X| %.4g, relative %.2g)", ck.worst, ck.abs, ck.peak, ck.abs/ck.peak)
			worst = max(worst, ck.worst)
		})
	}
	t.Logf("worst error over all fixtures: %.3g of ε·log2 N·max|X| (C = %g)", worst, fftBound)
}

func scaled(x []float32, s float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float64(v) * s)
	}
	return out
}

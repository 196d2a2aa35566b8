package fft

import (
	"fmt"
	"math"
)

// radixPlan is the read-only part of a complex float32 transform of one
// length n: its factorisation into radix passes and their twiddles. It is
// shared by every goroutine; the buffers belong to the caller.
//
// The transform is Stockham's autosort decimation in frequency: each pass
// reads one buffer and writes the other, and the output comes out in
// natural order with no bit-reversal pass. With m = ns/r, pass (r, ns, s)
// computes, for p < m and q < s,
//
//	y[q + s·(r·p + k)] = w^(p·k) · Σ_j x[q + s·(p + j·m)] · ω_r^(j·k),  k < r
//
// where w = exp(−2πi/ns) and ω_r = exp(−2πi/r); ns shrinks by r and s grows
// by r from pass to pass. The innermost loop runs over q, a contiguous run
// of s values with the same twiddles: a batch of L independent transforms
// interleaved lane by lane (element i of lane l at i·L + l) is the same
// computation started at s = L, so the column pass of a 2-D transform runs
// down L columns at once with long, unit-stride inner loops and no
// transposition.
type radixPlan struct {
	n      int
	stages []stage
	tmpLen int // scratch values a generic-radix pass needs
}

// stage is one pass of a radixPlan.
type stage struct {
	r, ns int
	// tw holds w^(p·k) for p < ns/r and k = 1..r−1, p-major.
	tw []complex64
	// roots holds ω_r^t for t < r, for radices without a dedicated
	// butterfly.
	roots []complex64
}

// factors splits n into the radices the passes use: 4s first, then a 2,
// 3s, 5s and any other prime factors, which run a generic O(r²) butterfly
// (so any length works, lengths with large prime factors only slower).
func factors(n int) []int {
	var f []int
	for n%4 == 0 {
		f = append(f, 4)
		n /= 4
	}
	if n%2 == 0 {
		f = append(f, 2)
		n /= 2
	}
	for p := 3; p*p <= n; p += 2 {
		for n%p == 0 {
			f = append(f, p)
			n /= p
		}
	}
	if n > 1 {
		f = append(f, n)
	}
	return f
}

// expi returns exp(−2πi·num/den) rounded to complex64, computed in float64
// with the angle reduced first so that large tables stay accurate.
func expi(num, den int) complex64 {
	num %= den
	s, c := math.Sincos(-2 * math.Pi * float64(num) / float64(den))
	return complex(float32(c), float32(s))
}

func newRadixPlan(n int) *radixPlan {
	if n < 1 {
		panic(fmt.Sprintf("fft: bad length %d", n))
	}
	p := &radixPlan{n: n}
	ns := n
	for _, r := range factors(n) {
		m := ns / r
		st := stage{r: r, ns: ns, tw: make([]complex64, m*(r-1))}
		for q := range m {
			for k := 1; k < r; k++ {
				st.tw[q*(r-1)+k-1] = expi(q*k, ns)
			}
		}
		if r != 2 && r != 3 && r != 4 && r != 5 {
			st.roots = make([]complex64, r)
			for t := range r {
				st.roots[t] = expi(t, r)
			}
			p.tmpLen = max(p.tmpLen, r)
		}
		p.stages = append(p.stages, st)
		ns = m
	}
	return p
}

// run transforms lanes interleaved sequences of length n held in x
// (forward, unnormalised), using y (same length as x) as the other buffer
// and tmp (tmpLen values) for generic radices. It returns the buffer that
// holds the result and the other one, free for the caller's next step.
func (p *radixPlan) run(x, y, tmp []complex64, lanes int) (out, spare []complex64) {
	s := lanes
	for i := range p.stages {
		st := &p.stages[i]
		m := st.ns / st.r
		switch st.r {
		case 4:
			pass4(x, y, s, m, st.tw)
		case 2:
			pass2(x, y, s, m, st.tw)
		case 3:
			pass3(x, y, s, m, st.tw)
		case 5:
			pass5(x, y, s, m, st.tw)
		default:
			passGeneric(x, y, tmp, s, m, st.r, st.tw, st.roots)
		}
		x, y = y, x
		s *= st.r
	}
	return x, y
}

// mulNegI returns v·(−i).
func mulNegI(v complex64) complex64 { return complex(imag(v), -real(v)) }

// mulReal returns v·f: two multiplications, where v*complex(f, 0) costs four.
func mulReal(v complex64, f float32) complex64 { return complex(real(v)*f, imag(v)*f) }

func pass2Go(x, y []complex64, s, m int, tw []complex64) {
	for p := range m {
		w := tw[p]
		a0 := x[s*p : s*p+s]
		a1 := x[s*(p+m) : s*(p+m)+s]
		y0 := y[s*2*p : s*2*p+s]
		y1 := y[s*(2*p+1) : s*(2*p+1)+s]
		a1, y0, y1 = a1[:len(a0)], y0[:len(a0)], y1[:len(a0)]
		for q, u := range a0 {
			v := a1[q]
			y0[q] = u + v
			y1[q] = (u - v) * w
		}
	}
}

func pass4Go(x, y []complex64, s, m int, tw []complex64) {
	for p := range m {
		w1, w2, w3 := tw[3*p], tw[3*p+1], tw[3*p+2]
		a0 := x[s*p : s*p+s]
		a1 := x[s*(p+m) : s*(p+m)+s]
		a2 := x[s*(p+2*m) : s*(p+2*m)+s]
		a3 := x[s*(p+3*m) : s*(p+3*m)+s]
		o := y[s*4*p : s*4*p+4*s]
		y0, y1, y2, y3 := o[:s], o[s:2*s], o[2*s:3*s], o[3*s:4*s]
		a1, a2, a3 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)]
		y0, y1, y2, y3 = y0[:len(a0)], y1[:len(a0)], y2[:len(a0)], y3[:len(a0)]
		if p == 0 {
			for q, u0 := range a0 {
				u1, u2, u3 := a1[q], a2[q], a3[q]
				t0, t1 := u0+u2, u0-u2
				t2, t3 := u1+u3, mulNegI(u1-u3)
				y0[q] = t0 + t2
				y1[q] = t1 + t3
				y2[q] = t0 - t2
				y3[q] = t1 - t3
			}
			continue
		}
		for q, u0 := range a0 {
			u1, u2, u3 := a1[q], a2[q], a3[q]
			t0, t1 := u0+u2, u0-u2
			t2, t3 := u1+u3, mulNegI(u1-u3)
			y0[q] = t0 + t2
			y1[q] = (t1 + t3) * w1
			y2[q] = (t0 - t2) * w2
			y3[q] = (t1 - t3) * w3
		}
	}
}

// sin60 is sin(2π/3); the radix-3 butterfly needs ω_3 = −1/2 − i·sin60.
const sin60 = 0.86602540378443864676

func pass3Go(x, y []complex64, s, m int, tw []complex64) {
	for p := range m {
		w1, w2 := tw[2*p], tw[2*p+1]
		a0 := x[s*p : s*p+s]
		a1 := x[s*(p+m) : s*(p+m)+s]
		a2 := x[s*(p+2*m) : s*(p+2*m)+s]
		o := y[s*3*p : s*3*p+3*s]
		y0, y1, y2 := o[:s], o[s:2*s], o[2*s:3*s]
		a1, a2 = a1[:len(a0)], a2[:len(a0)]
		y0, y1, y2 = y0[:len(a0)], y1[:len(a0)], y2[:len(a0)]
		for q, u0 := range a0 {
			u1, u2 := a1[q], a2[q]
			t1 := u1 + u2
			t2 := u0 - mulReal(t1, 0.5)
			t3 := mulNegI(mulReal(u1-u2, sin60))
			y0[q] = u0 + t1
			y1[q] = (t2 + t3) * w1
			y2[q] = (t2 - t3) * w2
		}
	}
}

// The radix-5 constants: cos and sin of 2π/5 and 4π/5.
const (
	c5a = 0.30901699437494742410
	c5b = -0.80901699437494742410
	s5a = 0.95105651629515357212
	s5b = 0.58778525229247312917
)

func pass5Go(x, y []complex64, s, m int, tw []complex64) {
	for p := range m {
		w1, w2, w3, w4 := tw[4*p], tw[4*p+1], tw[4*p+2], tw[4*p+3]
		a0 := x[s*p : s*p+s]
		a1 := x[s*(p+m) : s*(p+m)+s]
		a2 := x[s*(p+2*m) : s*(p+2*m)+s]
		a3 := x[s*(p+3*m) : s*(p+3*m)+s]
		a4 := x[s*(p+4*m) : s*(p+4*m)+s]
		o := y[s*5*p : s*5*p+5*s]
		y0, y1, y2, y3, y4 := o[:s], o[s:2*s], o[2*s:3*s], o[3*s:4*s], o[4*s:5*s]
		a1, a2, a3, a4 = a1[:len(a0)], a2[:len(a0)], a3[:len(a0)], a4[:len(a0)]
		y0, y1, y2, y3, y4 = y0[:len(a0)], y1[:len(a0)], y2[:len(a0)], y3[:len(a0)], y4[:len(a0)]
		for q, u0 := range a0 {
			u1, u2, u3, u4 := a1[q], a2[q], a3[q], a4[q]
			s14, d14 := u1+u4, u1-u4
			s23, d23 := u2+u3, u2-u3
			r1 := u0 + mulReal(s14, c5a) + mulReal(s23, c5b)
			r2 := u0 + mulReal(s14, c5b) + mulReal(s23, c5a)
			i1 := mulNegI(mulReal(d14, s5a) + mulReal(d23, s5b))
			i2 := mulNegI(mulReal(d14, s5b) - mulReal(d23, s5a))
			y0[q] = u0 + s14 + s23
			y1[q] = (r1 + i1) * w1
			y2[q] = (r2 + i2) * w2
			y3[q] = (r2 - i2) * w3
			y4[q] = (r1 - i1) * w4
		}
	}
}

// passGeneric is the butterfly of any radix r, a direct r-point DFT:
// O(r²) per group, fine for the occasional large prime factor.
func passGeneric(x, y, tmp []complex64, s, m, r int, tw, roots []complex64) {
	tmp = tmp[:r]
	for p := range m {
		for q := range s {
			for j := range tmp {
				tmp[j] = x[q+s*(p+j*m)]
			}
			for k := range r {
				var sum complex64
				t := 0
				for _, a := range tmp {
					sum += a * roots[t]
					t += k
					if t >= r {
						t -= r
					}
				}
				if k > 0 {
					sum *= tw[p*(r-1)+k-1]
				}
				y[q+s*(r*p+k)] = sum
			}
		}
	}
}

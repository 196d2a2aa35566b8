//go:build amd64 && !purego

package fft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// asmTol bounds the difference between an assembly pass and the pure-Go
// one, per unit of radix: the inputs have modulus up to √2, so an output
// sums r values up to r·√2, and the two paths round differently only where
// the assembly fuses a multiply and an add (one rounding instead of two),
// a few ε = 6e-8 of that each: asmTol·r is 8ε·r·√2 and more. A wrong lane,
// twiddle or sign differs by the size of the values themselves.
const asmTol = 1e-6

// checkPass runs radix r's pass both ways on the same random data, with x
// and y starting off (values, not bytes) into their backing arrays so that
// the assembly also sees slices not aligned to 32 bytes.
func checkPass(t *testing.T, rng *rand.Rand, r, s, m, off int) {
	t.Helper()
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	n := r * m * s
	x := make([]complex64, n+off)[off:]
	for i := range x {
		x[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
	}
	// Twiddles on the unit circle, 1 for group 0 as in every real table
	// (pass4Go skips the multiplications there).
	tw := make([]complex64, m*(r-1))
	for i := r - 1; i < len(tw); i++ {
		tw[i] = expi(rng.IntN(1000), 1000)
	}
	for i := range r - 1 {
		tw[i] = 1
	}
	in := append([]complex64(nil), x...)
	got := make([]complex64, n+off)[off:]
	want := make([]complex64, n)
	fs := map[int][2]func(x, y []complex64, s, m int, tw []complex64){
		2: {pass2, pass2Go}, 3: {pass3, pass3Go}, 4: {pass4, pass4Go}, 5: {pass5, pass5Go},
	}[r]
	pass, ref := fs[0], fs[1]
	pass(x, got, s, m, tw)
	ref(in, want, s, m, tw)
	for i := range want {
		if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= asmTol*float64(r)) {
			t.Fatalf("r=%d s=%d m=%d off=%d: y[%d] = %v, pure Go %v", r, s, m, off, i, got[i], want[i])
		}
	}
}

func TestPassesAsmMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, r := range []int{2, 3, 4, 5} {
		for _, s := range []int{4, 8, 12, 20, 64, 100} {
			for _, m := range []int{1, 2, 3, 7} {
				for _, off := range []int{0, 1, 3} {
					t.Run(fmt.Sprintf("r%d_s%d_m%d_off%d", r, s, m, off), func(t *testing.T) {
						checkPass(t, rng, r, s, m, off)
					})
				}
			}
		}
	}
}

// TestTransformAsmMatchesGo runs whole transforms, where the assembly takes
// the passes whose runs are multiples of 4 and Go the rest, against the
// pure-Go transform.
func TestTransformAsmMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct{ n, lanes int }{{288, 8}, {96, 1}, {2160, 8}, {45, 4}, {1024, 3}, {1000, 8}, {1125, 8}, {4320, 8}} {
		p := newRadixPlan(c.n)
		x := make([]complex64, c.n*c.lanes)
		for i := range x {
			x[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
		}
		in := append([]complex64(nil), x...)
		got, _ := p.run(x, make([]complex64, len(x)), nil, c.lanes)
		useAVX2 = false
		want, _ := p.run(in, make([]complex64, len(x)), nil, c.lanes)
		useAVX2 = true
		tol := asmTol * math.Sqrt(float64(c.n)) * math.Log2(float64(c.n))
		for i := range want {
			if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= tol) {
				t.Fatalf("n=%d lanes=%d: X[%d] = %v, pure Go %v", c.n, c.lanes, i, got[i], want[i])
			}
		}
	}
}

// FuzzPasses compares the assembly and pure-Go passes on shapes the fuzzer
// picks: radix 2, 3, 4 or 5, runs s of any multiple of 4 up to 256, up to 64
// groups and an unaligned start.
func FuzzPasses(f *testing.F) {
	f.Add(uint8(4), uint8(2), uint8(3), uint8(1), uint64(1))
	f.Add(uint8(3), uint8(1), uint8(1), uint8(0), uint64(2))
	f.Add(uint8(2), uint8(25), uint8(9), uint8(3), uint64(3))
	f.Fuzz(func(t *testing.T, r, s4, m, off uint8, seed uint64) {
		rr := 2 + int(r)%4
		s := 4 * (1 + int(s4)%64)
		mm := 1 + int(m)%64
		checkPass(t, rand.New(rand.NewPCG(seed, 0)), rr, s, mm, int(off)%4)
	})
}

// TestMulConjAsmMatchesGo checks the spectrum product on lengths that are
// not multiples of 4 (the tail runs in Go) and unaligned slices.
func TestMulConjAsmMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{1, 3, 4, 5, 8, 13, 64, 101} {
		for _, off := range []int{0, 1, 3} {
			z := make([]complex64, n+off)[off:]
			w := make([]complex64, n+off)[off:]
			for i := range z {
				z[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
				w[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
			}
			want := append([]complex64(nil), z...)
			mulConjGo(want, w)
			mulConj(z, w)
			for i := range want {
				if d := math.Hypot(float64(real(z[i]-want[i])), float64(imag(z[i]-want[i]))); !(d <= asmTol) {
					t.Fatalf("n=%d off=%d: z[%d] = %v, pure Go %v", n, off, i, z[i], want[i])
				}
			}
		}
	}
}

// TestRealPostAsmMatchesGo compares the real transform's combination step
// in assembly (storeLanes) with the pure-Go store, lane by lane.
func TestRealPostAsmMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, n := range []int{2, 4, 6, 10, 16, 30, 288, 2048} {
		for _, lanes := range []int{4, 8, 12} {
			p := newRealPlan(n)
			res := make([]complex64, p.cn*lanes)
			for i := range res {
				res[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
			}
			got := make([][]complex64, lanes)
			for l := range got {
				got[l] = make([]complex64, p.nc)
			}
			p.storeLanes(got, res, make([]complex64, len(res)))
			for l := range lanes {
				want := make([]complex64, p.nc)
				p.store(want, res, lanes, l)
				for k := range want {
					if d := math.Hypot(float64(real(got[l][k]-want[k])), float64(imag(got[l][k]-want[k]))); !(d <= 4*asmTol) {
						t.Fatalf("n=%d lanes=%d: lane %d X[%d] = %v, pure Go %v", n, lanes, l, k, got[l][k], want[k])
					}
				}
			}
		}
	}
}

// TestRealPreAsmMatchesGo compares the inverse real transform's split step
// in assembly (loadSpecLanes) with the pure-Go loadSpec, lane by lane.
func TestRealPreAsmMatchesGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{2, 4, 6, 10, 16, 30, 288, 2048} {
		for _, lanes := range []int{4, 8, 12} {
			p := newRealPlan(n)
			spec := make([][]complex64, lanes)
			for l := range spec {
				spec[l] = make([]complex64, p.nc)
				for k := range spec[l] {
					spec[l][k] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
				}
			}
			got := make([]complex64, p.cn*lanes)
			p.loadSpecLanes(got, spec, make([]complex64, (p.cn+1)*lanes))
			want := make([]complex64, p.cn*lanes)
			for l, sp := range spec {
				p.loadSpec(want, lanes, l, sp)
			}
			for i := range want {
				if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= 4*asmTol) {
					t.Fatalf("n=%d lanes=%d: z[%d] = %v, pure Go %v", n, lanes, i, got[i], want[i])
				}
			}
		}
	}
}

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

// passFunc is one radix pass, Go, assembly or the dispatcher.
type passFunc func(x, y []complex64, s, m int, tw []complex64)

// asmPasses are the assembly passes of each level by radix (AVX-512 has
// no radix 2: AVX2 runs it), called directly so that a test knows which
// one ran, and width is the values
// per register, of which s must be a multiple.
var (
	asmPasses = map[level]map[int]passFunc{
		levelAVX2:   {2: pass2AVX2, 3: pass3AVX2, 4: pass4AVX2, 5: pass5AVX2},
		levelAVX512: {3: pass3AVX512, 4: pass4AVX512, 5: pass5AVX512},
	}
	width      = map[level]int{levelAVX2: 4, levelAVX512: 8}
	goPasses   = map[int]passFunc{2: pass2Go, 3: pass3Go, 4: pass4Go, 5: pass5Go}
	dispatched = map[int]passFunc{2: pass2, 3: pass3, 4: pass4, 5: pass5}
)

// asmLevels returns the assembly levels this CPU runs, best first.
func asmLevels() []level {
	ls := levels()
	return ls[:len(ls)-1]
}

// eachAsmLevel runs f as a subtest at every assembly level the CPU has,
// and skips where it has none.
func eachAsmLevel(t *testing.T, f func(t *testing.T, l level)) {
	if len(asmLevels()) == 0 {
		t.Skip("no AVX2+FMA on this CPU")
	}
	for _, l := range asmLevels() {
		t.Run(l.String(), func(t *testing.T) {
			defer setLevel(setLevel(l))
			f(t, l)
		})
	}
}

// checkPass runs pass (of radix r) and the pure-Go one on the same random
// data, with x and y starting off (values, not bytes) into their backing
// arrays so that the assembly also sees slices not aligned to its
// register size.
func checkPass(t *testing.T, rng *rand.Rand, pass passFunc, r, s, m, off int) {
	t.Helper()
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
	pass(x, got, s, m, tw)
	goPasses[r](in, want, s, m, tw)
	for i := range want {
		if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= asmTol*float64(r)) {
			t.Fatalf("r=%d s=%d m=%d off=%d: y[%d] = %v, pure Go %v", r, s, m, off, i, got[i], want[i])
		}
	}
}

// TestPassesAsmMatchGo calls each level's assembly passes directly on runs
// s of several multiples of its width.
func TestPassesAsmMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	eachAsmLevel(t, func(t *testing.T, l level) {
		for _, r := range []int{2, 3, 4, 5} {
			pass, ok := asmPasses[l][r]
			if !ok {
				continue
			}
			for _, k := range []int{1, 2, 3, 5, 16, 25} {
				s := k * width[l]
				for _, m := range []int{1, 2, 3, 7} {
					for _, off := range []int{0, 1, 3} {
						t.Run(fmt.Sprintf("r%d_s%d_m%d_off%d", r, s, m, off), func(t *testing.T) {
							checkPass(t, rng, pass, r, s, m, off)
						})
					}
				}
			}
		}
	})
}

// TestPassDispatch runs the dispatching passes at every level on runs that
// are and are not multiples of 4 and 8, where the dispatcher must fall
// back to a narrower kernel or to Go (a kernel given a run that is not a
// multiple of its width would run off its group's end or never stop).
func TestPassDispatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	eachLevel(t, func(t *testing.T) {
		for _, r := range []int{2, 3, 4, 5} {
			for _, s := range []int{1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 36, 100} {
				for _, m := range []int{1, 3} {
					t.Run(fmt.Sprintf("r%d_s%d_m%d", r, s, m), func(t *testing.T) {
						checkPass(t, rng, dispatched[r], r, s, m, 1)
					})
				}
			}
		}
	})
}

// TestTransformAsmMatchesGo runs whole transforms, where the assembly takes
// the passes whose runs are multiples of its width (AVX-512 leaving runs
// of 4 mod 8 to AVX2) and Go the rest, against the pure-Go transform.
func TestTransformAsmMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	eachAsmLevel(t, func(t *testing.T, l level) {
		for _, c := range []struct{ n, lanes int }{{288, 8}, {96, 1}, {2160, 8}, {45, 4}, {1024, 3}, {1000, 8}, {1125, 8}, {4320, 8}, {360, 12}, {250, 16}, {192, 2}} {
			p := newRadixPlan(c.n)
			x := make([]complex64, c.n*c.lanes)
			for i := range x {
				x[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
			}
			in := append([]complex64(nil), x...)
			got, _ := p.run(x, make([]complex64, len(x)), nil, c.lanes)
			setLevel(levelGo)
			want, _ := p.run(in, make([]complex64, len(x)), nil, c.lanes)
			setLevel(l)
			tol := asmTol * math.Sqrt(float64(c.n)) * math.Log2(float64(c.n))
			for i := range want {
				if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= tol) {
					t.Fatalf("n=%d lanes=%d: X[%d] = %v, pure Go %v", c.n, c.lanes, i, got[i], want[i])
				}
			}
		}
	})
}

// FuzzPasses compares the dispatching passes at every assembly level with
// the pure-Go ones on shapes the fuzzer picks: radix 2, 3, 4 or 5, runs s
// of any multiple of 4 up to 256 (so AVX-512 takes those of 8 and leaves
// the others to AVX2), up to 64 groups and an unaligned start.
func FuzzPasses(f *testing.F) {
	f.Add(uint8(4), uint8(2), uint8(3), uint8(1), uint64(1))
	f.Add(uint8(3), uint8(1), uint8(1), uint8(0), uint64(2))
	f.Add(uint8(2), uint8(25), uint8(9), uint8(3), uint64(3))
	f.Add(uint8(5), uint8(7), uint8(4), uint8(2), uint64(4))
	f.Fuzz(func(t *testing.T, r, s4, m, off uint8, seed uint64) {
		rr := 2 + int(r)%4
		s := 4 * (1 + int(s4)%64)
		mm := 1 + int(m)%64
		if len(asmLevels()) == 0 {
			t.Skip("no AVX2+FMA on this CPU")
		}
		for _, l := range asmLevels() {
			prev := setLevel(l)
			checkPass(t, rand.New(rand.NewPCG(seed, 0)), dispatched[rr], rr, s, mm, int(off)%4)
			setLevel(prev)
		}
	})
}

// TestMulConjAsmMatchesGo checks the spectrum product on lengths that are
// not multiples of 8 or 4 (the tails run in AVX2 and Go) and unaligned
// slices.
func TestMulConjAsmMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	eachAsmLevel(t, func(t *testing.T, l level) {
		for _, n := range []int{1, 3, 4, 5, 8, 12, 13, 15, 16, 64, 101} {
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
	})
}

// realLanes are the batch widths the real-transform steps are checked on:
// multiples of 8 go to AVX-512, the others to AVX2, 6 to Go.
var realLanes = []int{4, 6, 8, 12, 16}

// TestRealPostAsmMatchesGo compares the real transform's combination step
// in assembly (storeLanes) with the pure-Go store, lane by lane.
func TestRealPostAsmMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	eachAsmLevel(t, func(t *testing.T, l level) {
		for _, n := range []int{2, 4, 6, 10, 16, 30, 288, 2048} {
			for _, lanes := range realLanes {
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
	})
}

// TestRealPreAsmMatchesGo compares the inverse real transform's split step
// in assembly (loadSpecLanes) with the pure-Go loadSpec, lane by lane.
func TestRealPreAsmMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	eachAsmLevel(t, func(t *testing.T, l level) {
		for _, n := range []int{2, 4, 6, 10, 16, 30, 288, 2048} {
			for _, lanes := range realLanes {
				p := newRealPlan(n)
				spec := make([][]complex64, lanes)
				for l := range spec {
					spec[l] = make([]complex64, p.nc)
					for k := range spec[l] {
						spec[l][k] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
					}
				}
				got := make([]complex64, p.cn*lanes)
				p.loadSpecLanes(got, spec, make([]complex64, (p.cn+1)*lanes), false)
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
	})
}

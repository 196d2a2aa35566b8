package fft

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// moverLengths are the even real lengths the 8-lane movers are checked
// on: the smallest, ones whose half is odd, and a 2-D transform's width.
var moverLengths = []int{2, 4, 6, 10, 16, 30, 288, 2048}

// garbage fills z with values no mover writes, so that a position a mover
// forgets to write (or to zero) shows.
func garbage(z []complex64) {
	for i := range z {
		z[i] = complex(float32(math.NaN()), 1e30)
	}
}

// TestLoad8MatchesLoad compares load8 with the lane-by-lane load on rows
// of every parity and length up to n (the zero extension included): the
// same values must land in the same places, bit for bit (it only moves
// them).
func TestLoad8MatchesLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range moverLengths {
		p := newRealPlan(n)
		for _, sw := range []int{0, 1, 2, 3, n / 2, n/2 + 1, n - 1, n} {
			if sw > n || sw < 0 {
				continue
			}
			t.Run(fmt.Sprintf("n%d_sw%d", n, sw), func(t *testing.T) {
				var rows [8][]float32
				for l := range rows {
					rows[l] = make([]float32, sw)
					for i := range rows[l] {
						rows[l][i] = rng.Float32()*2 - 1
					}
				}
				got, want := make([]complex64, 8*p.cn), make([]complex64, 8*p.cn)
				garbage(got)
				garbage(want)
				p.load8(got, &rows)
				for l, r := range rows {
					p.load(want, 8, l, r)
				}
				for i := range want {
					if math.Float32bits(real(got[i])) != math.Float32bits(real(want[i])) || math.Float32bits(imag(got[i])) != math.Float32bits(imag(want[i])) {
						t.Fatalf("z[%d] (element %d, lane %d) = %v, load gives %v", i, i/8, i%8, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestStoreReal8MatchesStoreReal compares storeReal8 with the lane-by-lane
// storeReal on every kind of window: from an even or odd start, of even or
// odd length, up to the row's end. It only moves and scales, so the values
// must agree bit for bit, and nothing past the window may be written.
func TestStoreReal8MatchesStoreReal(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	const scale = 0.375
	for _, n := range moverLengths {
		p := newRealPlan(n)
		res := make([]complex64, 8*p.cn)
		for i := range res {
			res[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
		}
		for _, q0 := range []int{0, 1, 2, 3, n - 2, n - 1} {
			for _, on := range []int{1, 2, 3, n - q0 - 1, n - q0} {
				if q0 < 0 || on < 1 || q0+on > n {
					continue
				}
				var dst [8][]float32
				for l := range dst {
					dst[l] = make([]float32, on+1) // one past the window
					dst[l][on] = 42
					dst[l] = dst[l][:on]
				}
				p.storeReal8(&dst, res, q0, scale)
				row := make([]float32, n)
				for l, d := range dst {
					p.storeReal(row, res, 8, l, scale)
					for i, v := range d {
						if math.Float32bits(v) != math.Float32bits(row[q0+i]) {
							t.Fatalf("n=%d window %d+%d: lane %d value %d = %v, storeReal gives %v", n, q0, on, l, q0+i, v, row[q0+i])
						}
					}
					if d[:on+1][on] != 42 {
						t.Fatalf("n=%d window %d+%d: lane %d written past the window", n, q0, on, l)
					}
				}
			}
		}
	}
}

// TestLoadSpecLanesConjugated checks loadSpecLanes on the conjugated rows
// Plan.columns leaves after an inverse (the 8-lane gather8Conj and the
// lane-by-lane path at every level, batches of 8 and not) against loadSpec
// on the rows themselves. The tolerance is that of the assembly split
// step against Go (TestRealPreAsmMatchesGo's): a few float32 roundings of
// values up to about 4; a missed conjugation is off by twice the
// imaginary parts.
func TestLoadSpecLanesConjugated(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	eachLevel(t, func(t *testing.T) {
		for _, n := range append(moverLengths, 15) {
			for _, lanes := range []int{3, 4, 8, 16} {
				p := newRealPlan(n)
				spec, cj := make([][]complex64, lanes), make([][]complex64, lanes)
				for l := range spec {
					spec[l], cj[l] = make([]complex64, p.nc), make([]complex64, p.nc)
					for k := range spec[l] {
						v := complex(rng.Float32()*2-1, rng.Float32()*2-1)
						spec[l][k], cj[l][k] = v, complex(real(v), -imag(v))
					}
				}
				got, want := make([]complex64, p.cn*lanes), make([]complex64, p.cn*lanes)
				p.loadSpecLanes(got, cj, make([]complex64, (p.cn+1)*lanes), true)
				for l, sp := range spec {
					p.loadSpec(want, lanes, l, sp)
				}
				for i := range want {
					if d := math.Hypot(float64(real(got[i]-want[i])), float64(imag(got[i]-want[i]))); !(d <= 4e-6) {
						t.Fatalf("n=%d lanes=%d: z[%d] = %v, loadSpec gives %v", n, lanes, i, got[i], want[i])
					}
				}
			}
		}
	})
}

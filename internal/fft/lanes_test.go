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
// of every parity and length up to n (the zero extension included), at
// every level (AVX2's lanesIn8F does the multiples of 4 pairs): the same
// values must land in the same places, bit for bit (it only moves them).
func TestLoad8MatchesLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	eachLevel(t, func(t *testing.T) { testLoad8(t, rng) })
}

func testLoad8(t *testing.T, rng *rand.Rand) {
	for _, n := range moverLengths {
		p := newRealPlan(n)
		seen := map[int]bool{}
		for _, sw := range []int{0, 1, 2, 3, 9, n / 2, n/2 + 1, n - 1, n} {
			if sw > n || seen[sw] {
				continue
			}
			seen[sw] = true
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
// odd length, up to the row's end, at every level (AVX2's lanesOut8F
// does the multiples of 4 pairs). It only moves and scales, so the values
// must agree bit for bit, and nothing past the window may be written.
func TestStoreReal8MatchesStoreReal(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	eachLevel(t, func(t *testing.T) { testStoreReal8(t, rng) })
}

func testStoreReal8(t *testing.T, rng *rand.Rand) {
	const scale = 0.375
	for _, n := range moverLengths {
		p := newRealPlan(n)
		res := make([]complex64, 8*p.cn)
		for i := range res {
			res[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
		}
		for _, q0 := range []int{0, 1, 2, 3, n - 2, n - 1} {
			for _, on := range []int{1, 2, 3, 9, 10, n - q0 - 1, n - q0} {
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

// TestLanesIn8MatchesGo compares the gathers into the lane layout
// (lanesIn8, lanesIn8F: AVX2 where the level has it) with the plain Go
// loop at every level, for counts that are and are not multiples of the
// assembly's 4, rows a stride apart that is odd (unaligned) or not. They
// only move values (and flip signs), so bit for bit.
func TestLanesIn8MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	same := func(a, b complex64) bool {
		return math.Float32bits(real(a)) == math.Float32bits(real(b)) && math.Float32bits(imag(a)) == math.Float32bits(imag(b))
	}
	eachLevel(t, func(t *testing.T) {
		for _, n := range []int{1, 3, 4, 5, 8, 12, 13, 64, 1025} {
			for _, stride := range []int{n, n + 1, 2*n + 7} {
				for _, conjd := range []bool{false, true} {
					src := make([]complex64, 7*stride+n)
					for i := range src {
						src[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
					}
					rows := make([][]complex64, 8)
					for l := range rows {
						rows[l] = src[l*stride:][:n]
					}
					got := make([]complex64, 8*n)
					garbage(got)
					k0 := lanesIn8(got, rows, n, conjd)
					if k0 > n || k0%4 != 0 || (current == levelGo && k0 != 0) {
						t.Fatalf("n=%d: lanesIn8 did %d values", n, k0)
					}
					for k := range n {
						for l, r := range rows {
							want := r[k]
							if conjd {
								want = complex(real(want), -imag(want))
							}
							if k >= k0 {
								continue // the caller's Go loop
							}
							if !same(got[8*k+l], want) {
								t.Fatalf("n=%d stride=%d conj=%v: value %d of row %d = %v, want %v", n, stride, conjd, k, l, got[8*k+l], want)
							}
						}
					}
				}
				fsrc := make([]float32, 7*(2*stride+1)+2*n)
				for i := range fsrc {
					fsrc[i] = rng.Float32()*2 - 1
				}
				var frows [8][]float32
				for l := range frows {
					frows[l] = fsrc[l*(2*stride+1):][:2*n]
				}
				got := make([]complex64, 8*n)
				garbage(got)
				k0 := lanesIn8F(got, &frows, n)
				for k := range k0 {
					for l, r := range frows {
						if want := complex(r[2*k], r[2*k+1]); !same(got[8*k+l], want) {
							t.Fatalf("n=%d stride=%d: float pair %d of row %d = %v, want %v", n, 2*stride+1, k, l, got[8*k+l], want)
						}
					}
				}
			}
		}
	})
}

// TestLanesOut8MatchesGo compares the scatters out of the lane layout
// (lanesOut8, lanesOut8F: AVX2 where the level has it) with the plain Go
// loop at every level. The complex one only moves values, so bit for bit;
// the real one multiplies by ±scale, one rounding, the same in both.
func TestLanesOut8MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	eachLevel(t, func(t *testing.T) {
		for _, n := range []int{1, 3, 4, 5, 8, 13, 64, 1025} {
			src := make([]complex64, 8*n)
			for i := range src {
				src[i] = complex(rng.Float32()*2-1, rng.Float32()*2-1)
			}
			rows := make([][]complex64, 8)
			for l := range rows {
				rows[l] = make([]complex64, n)
				garbage(rows[l])
			}
			k0 := lanesOut8(rows, src, n)
			if k0 > n || k0%4 != 0 || (current == levelGo && k0 != 0) {
				t.Fatalf("n=%d: lanesOut8 did %d values", n, k0)
			}
			for k := range k0 {
				for l, r := range rows {
					if math.Float64bits(float64(real(r[k]))) != math.Float64bits(float64(real(src[8*k+l]))) || math.Float64bits(float64(imag(r[k]))) != math.Float64bits(float64(imag(src[8*k+l]))) {
						t.Fatalf("n=%d: value %d of row %d = %v, want %v", n, k, l, r[k], src[8*k+l])
					}
				}
			}
			const scale = 0.3
			var frows [8][]float32
			for l := range frows {
				frows[l] = make([]float32, 2*n)
			}
			k0 = lanesOut8F(&frows, src, n, scale)
			for k := range k0 {
				for l, r := range frows {
					v := src[8*k+l]
					if r[2*k] != real(v)*scale || r[2*k+1] != -imag(v)*scale {
						t.Fatalf("n=%d: pair %d of row %d = %v %v, want %v %v", n, k, l, r[2*k], r[2*k+1], real(v)*scale, -imag(v)*scale)
					}
				}
			}
		}
	})
}

package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTileOffs checks TileOffs at every level against a float64 product
// (K in two blocks, the second added),
// over step counts from 1 up, offsets that repeat, overlap, run
// backwards and end exactly at the end of b, and unaligned slices; and
// that the tile's row stride is honoured (values between rows untouched).
func TestTileOffs(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	eachLevel(t, func(l Level) {
		for _, k := range []int{1, 2, 3, 9, 17, 64, 147, 576} {
			for range 3 {
				checkTileOffs(t, rng, l, k, rng.IntN(5), rng.IntN(16))
			}
		}
	})
}

func checkTileOffs(t *testing.T, rng *rand.Rand, l Level, k, ldcExtra, off int) {
	t.Helper()
	g := Sgemm()
	blen := 50 + rng.IntN(400)
	b := randSlice(rng, blen+g.NR, off)
	offs := make([]int, k)
	for p := range offs {
		offs[p] = rng.IntN(blen + 1)
	}
	offs[rng.IntN(k)] = blen // a row that ends at b's last float
	a := randSlice(rng, k*g.MR, rng.IntN(16))
	ldc := g.NR + ldcExtra
	c := make([]float32, (g.MR-1)*ldc+g.NR)
	for i := range c {
		c[i] = -7 // untouched between rows; overwritten inside the tile
	}
	// Two blocks of K: the first stores, the second adds.
	all := NewOffsets(offs)
	split := k / 2
	if split == 0 {
		g.TileOffs(a, b, all, c, ldc, false)
	} else {
		g.TileOffs(a, b, all.Slice(0, split), c, ldc, false)
		g.TileOffs(a[split*g.MR:], b, all.Slice(split, k), c, ldc, true)
	}
	for i := range g.MR {
		for j := range g.NR {
			var ref, mag float64
			for p, o := range offs {
				v := float64(a[p*g.MR+i]) * float64(b[o+j])
				ref += v
				mag += math.Abs(v)
			}
			if got := c[i*ldc+j]; !within(got, ref, mag, k) {
				t.Fatalf("%s k=%d: c[%d][%d] = %v, float64 %v", l, k, i, j, got, ref)
			}
		}
		for j := g.NR; j < ldc && i < g.MR-1; j++ {
			if c[i*ldc+j] != -7 {
				t.Fatalf("%s k=%d: c[%d][%d] between rows written", l, k, i, j)
			}
		}
	}
}

// TestTileOffsRefusesShortB: an offset whose row would run past b panics
// before the assembly reads past it.
func TestTileOffsRefusesShortB(t *testing.T) {
	g := Sgemm()
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a row past the end of b")
		}
	}()
	b := make([]float32, 40)
	g.TileOffs(make([]float32, g.MR), b, NewOffsets([]int{0, 40 - g.NR + 1}).Slice(1, 2), make([]float32, g.MR*g.NR), g.NR, false)
}

// TestDeinterleave2: every level splits rows of every length around
// multiples of 16, from unaligned sources, into exactly the even and odd
// samples, writing nothing past n.
func TestDeinterleave2(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	eachLevel(t, func(l Level) {
		for n := range 70 {
			src := randSlice(rng, 2*n+1, rng.IntN(16))
			even, odd := make([]float32, n+1), make([]float32, n+1)
			even[n], odd[n] = -9, -9
			Deinterleave2(even, odd, src, n)
			for i := range n {
				if even[i] != src[2*i] || odd[i] != src[2*i+1] {
					t.Fatalf("%s n=%d: pair %d is (%v, %v), want (%v, %v)", l, n, i, even[i], odd[i], src[2*i], src[2*i+1])
				}
			}
			if even[n] != -9 || odd[n] != -9 {
				t.Fatalf("%s n=%d: wrote past n", l, n)
			}
		}
	})
}

// TestMaxRows: every level gives, for lengths around multiples of 16 and
// 1 to 12 rows from unaligned slices with some NaNs and signed zeros, the
// max of Go's builtin (NaN wherever any input is; a zero for zeros).
func TestMaxRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	eachLevel(t, func(l Level) {
		for n := range 70 {
			for _, nrows := range []int{1, 2, 3, 9, 12} {
				rows := make([][]float32, nrows)
				for r := range rows {
					rows[r] = randSlice(rng, n, rng.IntN(16))
					for x := range rows[r] {
						switch rng.IntN(40) {
						case 0:
							rows[r][x] = float32(math.NaN())
						case 1:
							rows[r][x] = float32(math.Copysign(0, -1))
						case 2:
							rows[r][x] = float32(math.Inf(-1))
						}
					}
				}
				d := make([]float32, n+1)
				d[n] = -7
				MaxRows(d[:n], rows)
				for x := range n {
					want := rows[0][x]
					for _, row := range rows[1:] {
						want = max(want, row[x])
					}
					got := d[x]
					if !(got == want || got != got && want != want) {
						t.Fatalf("%s n=%d rows=%d: d[%d] = %v, want %v", l, n, nrows, x, got, want)
					}
				}
				if d[n] != -7 {
					t.Fatalf("%s n=%d: wrote past n", l, n)
				}
			}
		}
	})
}

// benchMaxRows times MaxRows at level l on nine rows of n samples: one
// output row of a 3×3 max pool at stride 2 over a 2n-wide plane.
func benchMaxRows(b *testing.B, l Level, n int) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	rng := rand.New(rand.NewPCG(1, 1))
	rows := make([][]float32, 9)
	for r := range rows {
		rows[r] = randSlice(rng, n, 0)
	}
	d := make([]float32, n)
	for b.Loop() {
		MaxRows(d, rows)
	}
}

// MaxRows on the output row of BenchmarkMax3x3s2_1024 in internal/pool
// (511 samples: a partial block at every level).
func BenchmarkMaxRows511AVX512(b *testing.B)  { benchMaxRows(b, AVX512, 511) }
func BenchmarkMaxRows511AVX2(b *testing.B)    { benchMaxRows(b, AVX2, 511) }
func BenchmarkMaxRows511Generic(b *testing.B) { benchMaxRows(b, Generic, 511) }

// benchDeint2 times Deinterleave2 at level l on a row of 2n samples.
func benchDeint2(b *testing.B, l Level, n int) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	rng := rand.New(rand.NewPCG(1, 1))
	src, even, odd := randSlice(rng, 2*n, 0), make([]float32, n), make([]float32, n)
	for b.Loop() {
		Deinterleave2(even, odd, src, n)
	}
	b.SetBytes(int64(8 * n))
}

// Deinterleave2 on a 1024-sample row (max pooling's phase split at 1024²).
func BenchmarkDeint2_512AVX512(b *testing.B)  { benchDeint2(b, AVX512, 512) }
func BenchmarkDeint2_512AVX2(b *testing.B)    { benchDeint2(b, AVX2, 512) }
func BenchmarkDeint2_512Generic(b *testing.B) { benchDeint2(b, Generic, 512) }

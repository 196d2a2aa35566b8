package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// eachLevel runs f at every level this build and CPU support (on the
// project's machine: avx512, avx2 and generic; with -tags purego, generic
// only), restoring the detected level afterwards.
func eachLevel(t testing.TB, f func(l Level)) {
	t.Helper()
	for _, l := range Levels() {
		prev, err := SetLevel(l)
		if err != nil {
			t.Fatal(err)
		}
		f(l)
		SetLevel(prev)
	}
}

// randSlice returns n N(0,1) values starting off floats into a larger
// allocation, so the kernels see slices that are not 64-byte aligned.
func randSlice(rng *rand.Rand, n, off int) []float32 {
	s := make([]float32, n+off)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s[off:]
}

// within reports whether got matches the float64 sum ref whose terms'
// magnitudes add up to mag. Each of the terms float32 accumulation adds
// rounds by at most 2^-24 of a partial sum bounded by mag (γ_n ≤ n·u), so
// (terms+2)·2^-23·mag bounds the error of any summation order, fused or
// not; a wrong or missing tap is of the order of a whole term.
func within(got float32, ref, mag float64, terms int) bool {
	return math.Abs(float64(got)-ref) <= float64(terms+2)*0x1p-23*mag+1e-30
}

type gemmCase struct {
	k, ldbExtra, ldcExtra, offA, offB, offC int
	add                                     bool
}

// checkTile runs one micro-kernel tile at the current level against a
// float64 reference.
func checkTile(t *testing.T, rng *rand.Rand, gc gemmCase) {
	t.Helper()
	g := Sgemm()
	mr, nr := g.MR, g.NR
	ldb, ldc := nr+gc.ldbExtra, nr+gc.ldcExtra
	a := randSlice(rng, gc.k*mr, gc.offA)
	b := randSlice(rng, max(gc.k-1, 0)*ldb+nr, gc.offB)
	c := randSlice(rng, (mr-1)*ldc+nr, gc.offC)
	c0 := append([]float32(nil), c...)
	g.Tile(gc.k, a, b, ldb, c, ldc, gc.add)
	for i := range mr {
		for j := range nr {
			var ref, mag float64
			if gc.add {
				ref, mag = float64(c0[i*ldc+j]), math.Abs(float64(c0[i*ldc+j]))
			}
			for p := range gc.k {
				v := float64(a[p*mr+i]) * float64(b[p*ldb+j])
				ref += v
				mag += math.Abs(v)
			}
			if got := c[i*ldc+j]; !within(got, ref, mag, gc.k+1) {
				t.Fatalf("%s %+v: C[%d][%d] = %v, want %v", g.Level(), gc, i, j, got, ref)
			}
		}
		// Columns between tiles in a wider C are not the kernel's.
		for j := nr; j < ldc && i < mr-1; j++ {
			if c[i*ldc+j] != c0[i*ldc+j] {
				t.Fatalf("%s %+v: C[%d][%d] outside the tile changed", g.Level(), gc, i, j)
			}
		}
	}
}

func TestGemmTile(t *testing.T) {
	t.Logf("levels on this machine: %v", Levels())
	rng := rand.New(rand.NewPCG(3, 4))
	eachLevel(t, func(l Level) {
		for _, k := range []int{0, 1, 2, 3, 7, 16, 129, 300} {
			for _, add := range []bool{false, true} {
				gc := gemmCase{k: k, ldbExtra: rng.IntN(3) * 5, ldcExtra: rng.IntN(40), offA: rng.IntN(16),
					offB: rng.IntN(16), offC: rng.IntN(16), add: add}
				checkTile(t, rng, gc)
			}
		}
	})
}

// TestGemmLevelsAgree runs the same tiles through each level's kernel and
// the pure-Go twin at that level's tile size: they sum in the same order,
// so they differ only by the fused multiply-add's rounding.
func TestGemmLevelsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	eachLevel(t, func(l Level) {
		g := Sgemm()
		for _, k := range []int{1, 5, 64, 200} {
			ldb, ldc := g.NR+rng.IntN(7), g.NR+rng.IntN(9)
			a := randSlice(rng, k*g.MR, rng.IntN(8))
			b := randSlice(rng, (k-1)*ldb+g.NR, rng.IntN(8))
			c1 := randSlice(rng, (g.MR-1)*ldc+g.NR, rng.IntN(8))
			c2 := append([]float32(nil), c1...)
			g.Tile(k, a, b, ldb, c1, ldc, true)
			gemmGeneric(g.MR, g.NR, k, a, b, ldb, c2, ldc, true)
			for i := range c1 {
				if d := math.Abs(float64(c1[i] - c2[i])); d > 1e-4*(1+math.Abs(float64(c2[i]))) {
					t.Fatalf("%s k=%d: element %d: %v vs generic %v", l, k, i, c1[i], c2[i])
				}
			}
		}
	})
}

type rowsCase struct {
	nout, n, nrows, kw, dx, stepExtra, ldoExtra, off int
}

func (rc rowsCase) String() string { return fmt.Sprintf("%+v", struct{ rowsCase }{rc}) }

// checkRows runs ConvRows at the current level against a float64 sum.
func checkRows(t testing.TB, rng *rand.Rand, rc rowsCase) {
	t.Helper()
	ldo := rc.n + rc.ldoExtra
	step := rc.n + rc.stepExtra
	need := (rc.nout-1)*step + (rc.kw-1)*rc.dx + rc.n
	rows := make([][]float32, rc.nrows)
	for r := range rows {
		rows[r] = randSlice(rng, need+rng.IntN(3), rng.IntN(16))
	}
	k := randSlice(rng, rc.nrows*rc.kw, 0)
	out := randSlice(rng, (rc.nout-1)*ldo+rc.n+ldo, rc.off) // one row of margin
	before := append([]float32(nil), out...)
	ConvRows(out, ldo, rc.nout, rc.n, rows, k, rc.kw, rc.dx, step)
	for j := range rc.nout {
		for x := range rc.n {
			var ref, mag float64
			for r, row := range rows {
				for tp := range rc.kw {
					v := float64(k[r*rc.kw+tp]) * float64(row[j*step+x+tp*rc.dx])
					ref += v
					mag += math.Abs(v)
				}
			}
			if got := out[j*ldo+x]; !within(got, ref, mag, rc.nrows*rc.kw) {
				t.Fatalf("%s %v: out[%d][%d] = %v, want %v", Current(), rc, j, x, got, ref)
			}
		}
		// Samples between and after the rows must be untouched: the
		// masked tail writes nothing past n.
		for x := rc.n; x < ldo; x++ {
			if out[j*ldo+x] != before[j*ldo+x] {
				t.Fatalf("%s %v: out[%d][%d] past n was written", Current(), rc, j, x)
			}
		}
	}
}

func TestConvRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cases := []rowsCase{
		{nout: 1, n: 1, nrows: 1, kw: 1, dx: 1},
		{nout: 1, n: 7, nrows: 1, kw: 3, dx: 1},
		{nout: 3, n: 56, nrows: 3, kw: 3, dx: 1, stepExtra: 2, ldoExtra: 0},
		{nout: 2, n: 64, nrows: 2, kw: 5, dx: 2, stepExtra: 4, ldoExtra: 3},
		{nout: 4, n: 100, nrows: 9, kw: 1, dx: 1, stepExtra: 0, ldoExtra: 5},
		{nout: 1, n: 33, nrows: 70, kw: 3, dx: 1}, // more rows than the stack buffer
		{nout: 2, n: 31, nrows: 1, kw: 7, dx: 3, stepExtra: 9, ldoExtra: 1},
		{nout: 1, n: 4096 + 13, nrows: 5, kw: 5, dx: 1},
		{nout: 5, n: 17, nrows: 4, kw: 2, dx: 0, stepExtra: 1, ldoExtra: 2},
	}
	for range 40 {
		cases = append(cases, rowsCase{nout: 1 + rng.IntN(4), n: 1 + rng.IntN(200), nrows: 1 + rng.IntN(12),
			kw: 1 + rng.IntN(7), dx: 1 + rng.IntN(3), stepExtra: rng.IntN(10), ldoExtra: rng.IntN(20), off: rng.IntN(16)})
	}
	eachLevel(t, func(l Level) {
		for _, rc := range cases {
			checkRows(t, rng, rc)
		}
	})
}

// TestConvRowsNoRows: no rows means zero, whatever out held.
func TestConvRowsNoRows(t *testing.T) {
	eachLevel(t, func(l Level) {
		out := []float32{1, 2, 3, 4, 5}
		ConvRows(out, 2, 2, 2, nil, nil, 1, 1, 0)
		if want := []float32{0, 0, 0, 0, 5}; fmt.Sprint(out) != fmt.Sprint(want) {
			t.Errorf("%s: %v, want %v", l, out, want)
		}
	})
}

// TestBoundsPanic: a slice too short for the request panics in Go instead
// of letting the assembly read or write past it.
func TestBoundsPanic(t *testing.T) {
	eachLevel(t, func(l Level) {
		g := Sgemm()
		for name, f := range map[string]func(){
			"tile a": func() {
				g.Tile(4, make([]float32, 4*g.MR-1), make([]float32, 4*g.NR), g.NR, make([]float32, g.MR*g.NR), g.NR, false)
			},
			"tile b": func() {
				g.Tile(4, make([]float32, 4*g.MR), make([]float32, 4*g.NR-1), g.NR, make([]float32, g.MR*g.NR), g.NR, false)
			},
			"tile c": func() {
				g.Tile(4, make([]float32, 4*g.MR), make([]float32, 4*g.NR), g.NR, make([]float32, g.MR*g.NR-1), g.NR, false)
			},
			"rows": func() {
				ConvRows(make([]float32, 8), 8, 1, 8, [][]float32{make([]float32, 9)}, []float32{1, 2}, 2, 2, 0)
			},
			"out": func() {
				ConvRows(make([]float32, 15), 8, 2, 8, [][]float32{make([]float32, 20)}, []float32{1}, 1, 1, 8)
			},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s %s: no panic", l, name)
					}
				}()
				f()
			}()
		}
	})
}

func TestSetLevelRefusesMissing(t *testing.T) {
	if _, err := SetLevel(Level(99)); err == nil {
		t.Error("SetLevel(99) accepted")
	}
	if Current() != Detected() {
		t.Errorf("Current %s after a refused SetLevel, want %s", Current(), Detected())
	}
}

// FuzzKernels drives both kernels with shapes from the fuzzer at every
// level, against the float64 references above.
func FuzzKernels(f *testing.F) {
	f.Add(uint8(1), uint16(56), uint8(3), uint8(3), uint8(1), uint8(2), uint8(0), uint8(5), uint16(17))
	f.Add(uint8(3), uint16(100), uint8(1), uint8(5), uint8(2), uint8(0), uint8(3), uint8(1), uint16(300))
	f.Fuzz(func(t *testing.T, nout uint8, n uint16, nrows, kw, dx, stepExtra, ldoExtra, off uint8, k uint16) {
		rc := rowsCase{nout: 1 + int(nout%6), n: 1 + int(n%700), nrows: 1 + int(nrows%20), kw: 1 + int(kw%9),
			dx: int(dx % 4), stepExtra: int(stepExtra % 16), ldoExtra: int(ldoExtra % 16), off: int(off % 16)}
		gc := gemmCase{k: int(k % 600), ldbExtra: int(stepExtra % 16), ldcExtra: int(ldoExtra % 16),
			offA: int(off % 16), offB: int(nrows % 16), offC: int(kw % 16), add: dx%2 == 1}
		rng := rand.New(rand.NewPCG(uint64(n), uint64(k)))
		eachLevel(t, func(Level) {
			checkRows(t, rng, rc)
			checkTile(t, rng, gc)
			checkPlane3x3(t, rng, planeCase{1 + int(nout%13), rc.n, rc.stepExtra % 6, rc.ldoExtra, rc.off})
			checkTileOffs(t, rng, Current(), 1+int(k%600), rc.ldoExtra%5, rc.off)
		})
	})
}

func benchTile(b *testing.B, l Level) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	g := Sgemm()
	const k = 128
	rng := rand.New(rand.NewPCG(1, 1))
	a, bb, c := randSlice(rng, k*g.MR, 0), randSlice(rng, k*g.NR, 0), randSlice(rng, g.MR*g.NR, 0)
	for b.Loop() {
		g.Tile(k, a, bb, g.NR, c, g.NR, true)
	}
	b.ReportMetric(2*float64(k*g.MR*g.NR)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// Micro-kernels with data in L1 cache: the machine's ceiling.
func BenchmarkTileAVX512(b *testing.B)  { benchTile(b, AVX512) }
func BenchmarkTileAVX2(b *testing.B)    { benchTile(b, AVX2) }
func BenchmarkTileGeneric(b *testing.B) { benchTile(b, Generic) }

func benchRows(b *testing.B, l Level, n, nrows, kw int) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	rng := rand.New(rand.NewPCG(1, 1))
	rows := make([][]float32, nrows)
	for r := range rows {
		rows[r] = randSlice(rng, n+kw, 0)
	}
	k, out := randSlice(rng, nrows*kw, 0), make([]float32, n)
	for b.Loop() {
		ConvRows(out, n, 1, n, rows, k, kw, 1, 0)
	}
	b.ReportMetric(2*float64(n*nrows*kw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// A 5×5 filter row of a 4096-wide image and a 3×3 depthwise row at 56.
func BenchmarkRows5x5_4096_AVX512(b *testing.B)  { benchRows(b, AVX512, 4096, 5, 5) }
func BenchmarkRows5x5_4096_AVX2(b *testing.B)    { benchRows(b, AVX2, 4096, 5, 5) }
func BenchmarkRows5x5_4096_Generic(b *testing.B) { benchRows(b, Generic, 4096, 5, 5) }
func BenchmarkRows3x3_56_AVX512(b *testing.B)    { benchRows(b, AVX512, 56, 3, 3) }
func BenchmarkRows3x3_56_AVX2(b *testing.B)      { benchRows(b, AVX2, 56, 3, 3) }
func BenchmarkRows3x3_56_Generic(b *testing.B)   { benchRows(b, Generic, 56, 3, 3) }

// benchPlane times one whole plane of a depthwise layer: nout rows of n
// samples from a padded plane of pitch n+kw-1, as conv's direct method
// calls it.
func benchPlane(b *testing.B, l Level, n, kh, kw int) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	rng := rand.New(rand.NewPCG(1, 1))
	pitch := n + kw - 1
	plane := randSlice(rng, (n+kh-1)*pitch, 0)
	rows := make([][]float32, kh)
	for r := range rows {
		rows[r] = plane[r*pitch:]
	}
	k, out := randSlice(rng, kh*kw, 0), make([]float32, n*n)
	for b.Loop() {
		ConvRows(out, n, n, n, rows, k, kw, 1, pitch)
	}
	b.ReportMetric(2*float64(n*n*kh*kw)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// A 3×3 depthwise plane at 56² (MobileNet's and issue 10's layer).
func BenchmarkPlane3x3_56_AVX512(b *testing.B) { benchPlane(b, AVX512, 56, 3, 3) }
func BenchmarkPlane3x3_56_AVX2(b *testing.B)   { benchPlane(b, AVX2, 56, 3, 3) }

// TestConvRowsPlane3x3: three consecutive rows of one plane under a 3×3
// kernel (the depthwise case, which AVX-512 runs on its register-blocked
// kernel four output rows at a time and the rest on the general one)
// against a float64 sum, for row counts around multiples of four, widths
// around blocks of 64 and unaligned planes, at every level; and, since
// the blocked kernel claims convRows' FMA order, the same bits as the
// same rows passed as three separate copies (which the general kernel
// runs).
func TestConvRowsPlane3x3(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	cases := []planeCase{{4, 56, 2, 0, 0}, {5, 56, 2, 0, 1}, {7, 64, 2, 3, 0}, {8, 13, 5, 0, 3}, {9, 130, 2, 1, 7}, {1, 56, 2, 0, 0}, {4, 200, 0, 2, 5}}
	for range 20 {
		cases = append(cases, planeCase{1 + rng.IntN(13), 1 + rng.IntN(200), rng.IntN(6), rng.IntN(9), rng.IntN(16)})
	}
	eachLevel(t, func(Level) {
		for _, c := range cases {
			checkPlane3x3(t, rng, c)
		}
	})
}

type planeCase struct{ nout, n, pitchExtra, ldoExtra, off int }

// checkPlane3x3 runs ConvRows at the current level on three consecutive
// rows of one plane under a 3×3 kernel, against a float64 sum and, bit
// for bit, against the same rows passed as separate copies.
func checkPlane3x3(t testing.TB, rng *rand.Rand, c planeCase) {
	t.Helper()
	l := Current()
	pitch := c.n + 2 + c.pitchExtra
	plane := randSlice(rng, (c.nout+2)*pitch, c.off)
	rows := [][]float32{plane, plane[pitch:], plane[2*pitch:]}
	copies := make([][]float32, 3)
	for r := range copies {
		copies[r] = append([]float32(nil), rows[r]...)
	}
	k := randSlice(rng, 9, 0)
	ldo := c.n + c.ldoExtra
	out := randSlice(rng, c.nout*ldo+ldo, 0)
	before := append([]float32(nil), out...)
	ConvRows(out, ldo, c.nout, c.n, rows, k, 3, 1, pitch)
	sep := make([]float32, len(out))
	ConvRows(sep, ldo, c.nout, c.n, copies, k, 3, 1, pitch)
	for j := range c.nout {
		for x := range ldo {
			got := out[j*ldo+x]
			if x >= c.n {
				if got != before[j*ldo+x] {
					t.Fatalf("%s %+v: out[%d][%d] past n was written", l, c, j, x)
				}
				continue
			}
			var ref, mag float64
			for ky := range 3 {
				for kx := range 3 {
					v := float64(k[ky*3+kx]) * float64(plane[(j+ky)*pitch+x+kx])
					ref += v
					mag += math.Abs(v)
				}
			}
			if !within(got, ref, mag, 9) {
				t.Fatalf("%s %+v: out[%d][%d] = %v, want %v", l, c, j, x, got, ref)
			}
			if math.Float32bits(got) != math.Float32bits(sep[j*ldo+x]) {
				t.Fatalf("%s %+v: out[%d][%d] = %v from one plane, %v from copies", l, c, j, x, got, sep[j*ldo+x])
			}
		}
	}
}

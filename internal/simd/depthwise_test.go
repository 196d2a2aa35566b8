package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDepthwisePlane3x3 checks DepthwisePlane3x3 at every level over row
// counts around multiples of four, widths around blocks of 16 and 64, both
// paddings on each side, padding rows above and below and unaligned planes:
// against a float64 sum, and bit for bit against ConvRows on the padded
// copies (the same sums in the same order, which is what lets conv choose
// either path).
func TestDepthwisePlane3x3(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	eachLevel(t, func(l Level) {
		for _, n := range []int{1, 2, 15, 16, 17, 56, 63, 64, 65, 112, 127, 128, 129, 200} {
			for _, nout := range []int{1, 3, 4, 5, 8, 14} {
				for pads := range 4 {
					left, right := pads&1, pads>>1
					width := n + 2 - left - right
					if width < 1 {
						continue
					}
					testDepthwise(t, rng, l, n, nout, width, left)
				}
			}
		}
	})
}

func testDepthwise(t *testing.T, rng *rand.Rand, l Level, n, nout, width, left int) {
	t.Helper()
	// A plane of h rows; the output rows start y0 rows into it, y0 from
	// above the top to near the bottom, so padding rows come at either end.
	h := 1 + rng.IntN(nout+3)
	y0 := rng.IntN(h+3) - 2
	src := randSlice(rng, h*width, rng.IntN(16))
	k := randSlice(rng, 9, 0)
	ldo := n + rng.IntN(3)
	out := make([]float32, (nout-1)*ldo+n)
	for i := range out {
		out[i] = float32(math.NaN()) // every value must be written
	}
	DepthwisePlane3x3(out, ldo, nout, n, src, h, width, y0, left, k)

	// The padded copies, through ConvRows.
	row := func(y int) []float32 {
		if y < 0 || y >= h {
			return nil
		}
		return src[y*width : (y+1)*width]
	}
	pitch := n + 2
	pad := make([]float32, (nout+2)*pitch)
	for r := range nout + 2 {
		copy(pad[r*pitch+left:], row(y0+r))
	}
	want := make([]float32, len(out))
	ConvRows(want, ldo, nout, n, [][]float32{pad, pad[pitch:], pad[2*pitch:]}, k, 3, 1, pitch)
	for j := range nout {
		for x := range n {
			got := out[j*ldo+x]
			if math.Float32bits(got) != math.Float32bits(want[j*ldo+x]) {
				t.Fatalf("%s n=%d nout=%d h=%d y0=%d width=%d left=%d: out[%d][%d] = %v, ConvRows on padded rows %v",
					l, n, nout, h, y0, width, left, j, x, got, want[j*ldo+x])
			}
			var ref, mag float64
			for ky := range 3 {
				for kx := range 3 {
					c := x + kx - left
					if r := row(y0 + j + ky); r != nil && c >= 0 && c < width {
						p := float64(k[ky*3+kx]) * float64(r[c])
						ref += p
						mag += math.Abs(p)
					}
				}
			}
			if !within(got, ref, mag, 9) {
				t.Fatalf("%s n=%d nout=%d width=%d left=%d: out[%d][%d] = %v, float64 sum %v",
					l, n, nout, width, left, j, x, got, ref)
			}
		}
	}
}

// FuzzDepthwisePlane3x3 runs DepthwisePlane3x3 on fuzzed shapes at every
// level against ConvRows on the padded copies and a float64 sum.
func FuzzDepthwisePlane3x3(f *testing.F) {
	f.Add(uint16(56), uint8(4), uint8(3), uint64(1))
	f.Add(uint16(64), uint8(5), uint8(0), uint64(2))
	f.Add(uint16(1), uint8(1), uint8(2), uint64(3))
	f.Fuzz(func(t *testing.T, n16 uint16, nout8, pads uint8, seed uint64) {
		n, nout := 1+int(n16%300), 1+int(nout8%20)
		left, right := int(pads&1), int(pads>>1&1)
		width := n + 2 - left - right
		if width < 1 {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 9))
		eachLevel(t, func(l Level) { testDepthwise(t, rng, l, n, nout, width, left) })
	})
}

// benchDepthwise times one 56² plane of a 3×3 depthwise layer through
// DepthwisePlane3x3 at level l: read in place where the level has the
// kernel, padded into scratch for ConvRows otherwise (the padded path's
// row kernel alone is BenchmarkPlane3x3_56).
func benchDepthwise(b *testing.B, l Level) {
	prev, err := SetLevel(l)
	if err != nil {
		b.Skip(err)
	}
	defer SetLevel(prev)
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 56
	src, k, out := randSlice(rng, n*n, 0), randSlice(rng, 9, 0), make([]float32, n*n)
	for b.Loop() {
		DepthwisePlane3x3(out, n, n, n, src, n, n, -1, 1, k)
	}
	b.ReportMetric(2*float64(n*n*9)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkDepthwisePlane3x3_56_AVX512(b *testing.B)  { benchDepthwise(b, AVX512) }
func BenchmarkDepthwisePlane3x3_56_AVX2(b *testing.B)    { benchDepthwise(b, AVX2) }
func BenchmarkDepthwisePlane3x3_56_Generic(b *testing.B) { benchDepthwise(b, Generic) }

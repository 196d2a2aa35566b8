package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

func randomKernel(rng *rand.Rand, kh, kw int) *kernel.Kernel {
	k := &kernel.Kernel{Name: fmt.Sprintf("random%dx%d", kh, kw), H: kh, W: kw, Data: make([]float32, kh*kw)}
	for i := range k.Data {
		k.Data[i] = float32(rng.NormFloat64())
	}
	return k
}

// fftAgrees fails unless max|fft − direct| ≤ 1e-5 · Σ|k| · max|x|. The
// bound of any output is Σ|k|·max|x|; FFT round-off is relative to that
// scale (fftpack works in float64, so what remains is float32 rounding of
// the result), while direct's float32 sums lose about √(taps)·6e-8 of it:
// 1e-5 covers both for kernels up to 63×63 and still catches a shifted or
// mis-sampled output.
func fftAgrees(t *testing.T, in *tensor.Tensor, k *kernel.Kernel, p Params) {
	t.Helper()
	want, _, err := Filter(in, k, p, Direct)
	if err != nil {
		t.Fatal(err)
	}
	got, used, err := Filter(in, k, p, FFT)
	if err != nil {
		t.Fatal(err)
	}
	if used != FFT {
		t.Fatalf("ran %s, want fft", used)
	}
	if !got.SameShape(want) {
		t.Fatalf("fft shape %s, direct %s", got.Shape(), want.Shape())
	}
	var ksum float64
	for _, v := range k.Data {
		ksum += math.Abs(float64(v))
	}
	lo, hi := in.MinMax()
	scale := ksum * max(math.Abs(float64(lo)), math.Abs(float64(hi)))
	if d := tensor.MaxAbsDiff(got, want); !(d <= 1e-5*scale) {
		t.Errorf("max |fft-direct| = %g, tolerance 1e-5·%g", d, scale)
	}
}

func TestFilterFFTMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	type tc struct {
		c, h, w, kh, kw int
		sy, sx, dy, dx  int
		edge            Edge
		same            bool // pad 'same', else the explicit pad below
		pad             Pad
	}
	var cases []tc
	// Kernel sizes odd, even, non-square, up to 63×63, every edge rule.
	for i, ks := range [][2]int{{1, 1}, {3, 3}, {4, 4}, {2, 7}, {8, 3}, {15, 15}, {31, 31}, {16, 40}, {63, 63}} {
		edge := Edge(i % 5)
		cases = append(cases, tc{c: 2, h: 70, w: 90, kh: ks[0], kw: ks[1], sy: 1, sx: 1, dy: 1, dx: 1, edge: edge, same: true})
	}
	for e := Zero; e <= Symmetric; e++ {
		cases = append(cases,
			tc{c: 1, h: 45, w: 38, kh: 5, kw: 4, sy: 2, sx: 3, dy: 1, dx: 1, edge: e, same: true},
			tc{c: 3, h: 45, w: 38, kh: 3, kw: 3, sy: 1, sx: 2, dy: 3, dx: 2, edge: e, same: true},
			tc{c: 1, h: 33, w: 50, kh: 6, kw: 5, sy: 3, sx: 3, dy: 2, dx: 4, edge: e, pad: Pad{1, 4, 0, 7}},
		)
	}
	// No padding at all (valid), and a kernel as large as the input.
	cases = append(cases,
		tc{c: 1, h: 64, w: 64, kh: 9, kw: 9, sy: 1, sx: 1, dy: 1, dx: 1},
		tc{c: 1, h: 20, w: 17, kh: 20, kw: 17, sy: 1, sx: 1, dy: 1, dx: 1},
	)
	for _, c := range cases {
		name := fmt.Sprintf("%dx%dx%d_k%dx%d_s%d,%d_d%d,%d_%s", c.c, c.h, c.w, c.kh, c.kw, c.sy, c.sx, c.dy, c.dx, c.edge)
		t.Run(name, func(t *testing.T) {
			in := tensor.New(c.c, c.h, c.w)
			for i := range in.Data {
				in.Data[i] = float32(rng.Float64()*255 - 64)
			}
			p := NewParams()
			p.StrideY, p.StrideX, p.DilY, p.DilX, p.Edge = c.sy, c.sx, c.dy, c.dx, c.edge
			p.Pad = c.pad
			if c.same {
				p.Pad.Top, p.Pad.Bottom, _ = SamePad(c.h, c.kh, c.sy, c.dy, false)
				p.Pad.Left, p.Pad.Right, _ = SamePad(c.w, c.kw, c.sx, c.dx, false)
			}
			fftAgrees(t, in, randomKernel(rng, c.kh, c.kw), p)
		})
	}
}

// TestLayerFFTMatchesDirect covers the layer path, which runs one plane
// correlation per channel pair.
func TestLayerFFTMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := tensor.New(4, 30, 26)
	for i := range in.Data {
		in.Data[i] = float32(rng.NormFloat64())
	}
	w := &kernel.Bank{N0: 6, N1: 2, KH: 5, KW: 4, Data: make([]float32, 6*2*5*4)}
	for i := range w.Data {
		w.Data[i] = float32(rng.NormFloat64())
	}
	p := NewParams()
	p.Groups, p.StrideY, p.StrideX, p.Pad = 2, 2, 1, Pad{2, 2, 1, 2}
	want, _, err := Layer(in, w, nil, p, Direct)
	if err != nil {
		t.Fatal(err)
	}
	got, used, err := Layer(in, w, nil, p, FFT)
	if err != nil || used != FFT {
		t.Fatalf("ran %s: %v", used, err)
	}
	if d := tensor.MaxAbsDiff(got, want); !(d <= 1e-4) {
		t.Errorf("max |fft-direct| = %g", d)
	}
}

// TestChooseFFT checks auto's choice at the two ends of BenchmarkCrossover:
// a dense 127×127 kernel on a 1024×1024 image is cheaper by FFT, a 3×3 far
// cheaper direct. (With the SIMD row kernel, direct beat the float64 FFT
// even at 63×63 here: 25–30 ms against 105–115 at 31×31, 113–131 against
// 176–178 at 63×63, loaded AMD EPYC, go test -bench 'Crossover/k(31|63)'.)
func TestChooseFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := tensor.New(1, 1024, 1024)
	for _, c := range []struct {
		k    int
		want Method
	}{{127, FFT}, {3, Direct}} {
		k := randomKernel(rng, c.k, c.k)
		pr, err := prepare(in, samePad(1024, c.k), c.k, c.k)
		if err != nil {
			t.Fatal(err)
		}
		pr.outC, pr.inPerG, pr.groups = 1, 1, 1
		pr.w = k.Data
		_, _, rank1 := rankOne(k.H, k.W, k.Data)
		wl := pr.workload(true, rank1)
		if got := Choose(wl); got != c.want {
			t.Errorf("Choose(random %dx%d on 1024x1024) = %s, want %s (direct %.3g ns, fft %.3g ns)",
				c.k, c.k, got, c.want, Cost(wl, Direct), Cost(wl, FFT))
		}
	}
}

func samePad(n, k int) Params {
	p := NewParams()
	p.Pad.Top, p.Pad.Bottom, _ = SamePad(n, k, 1, 1, false)
	p.Pad.Left, p.Pad.Right, _ = SamePad(n, k, 1, 1, false)
	p.Edge = Replicate
	return p
}

// benchCrossover times a 'same' filter of a dense random k×k kernel on a
// 1×1024×1024 image by method m: the figures behind fftCost.
func benchCrossover(b *testing.B, k int, m Method) {
	rng := rand.New(rand.NewPCG(2, 3))
	in := tensor.New(1, 1024, 1024)
	for i := range in.Data {
		in.Data[i] = rng.Float32()
	}
	kk := randomKernel(rng, k, k)
	p := samePad(1024, k)
	b.SetBytes(int64(4 * in.Len()))
	for b.Loop() {
		if _, used, err := Filter(in, kk, p, m); err != nil || used != m {
			b.Fatalf("ran %s: %v", used, err)
		}
	}
}

func BenchmarkCrossover(b *testing.B) {
	for _, k := range []int{3, 5, 7, 9, 11, 15, 21, 31, 45, 63} {
		for _, m := range []Method{Direct, FFT} {
			b.Run(fmt.Sprintf("k%d/%s", k, m), func(b *testing.B) { benchCrossover(b, k, m) })
		}
	}
}

// TestFFTNonFiniteFallsBack: a NaN or Inf stays inside the windows that
// cover it (as in scipy and PyTorch), so a forced or chosen FFT — which
// would spread it over the whole plane — runs direct instead, and says so.
func TestFFTNonFiniteFallsBack(t *testing.T) {
	in := tensor.New(1, 9, 11)
	for i := range in.Data {
		in.Data[i] = float32(i % 7)
	}
	in.Set(0, 4, 5, float32(math.NaN()))
	in.Set(0, 0, 0, float32(math.Inf(1)))
	k, _, _ := kernel.Parse("box:3")
	p := NewParams()
	p.Pad = Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
	got, used, err := Filter(in, k, p, FFT)
	if err != nil {
		t.Fatal(err)
	}
	if used != Direct {
		t.Errorf("method %s, want direct for a non-finite input", used)
	}
	want, _, _ := Filter(in, k, p, Direct)
	if d := tensor.MaxAbsDiff(got, want); d != 0 {
		t.Errorf("differs from direct by %v", d)
	}
	nans := 0
	for _, v := range got.Data {
		if v != v {
			nans++
		}
	}
	if nans != 9 {
		t.Errorf("%d NaN outputs, want the 9 whose window covers the NaN", nans)
	}
}

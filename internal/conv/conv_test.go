package conv

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

const fixtures = "../../testdata/conv"

// readNpy reads a fixture with the project's npy reader.
func readNpy(t *testing.T, path string) (shape []int, data []float32) {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a.Shape, a.Data
}

func readTensor(t *testing.T, path string) *tensor.Tensor {
	shape, data := readNpy(t, path)
	for len(shape) < 3 {
		shape = append([]int{1}, shape...)
	}
	x, err := tensor.FromData(shape[0], shape[1], shape[2], data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fixtureCase mirrors one entry of cases.json (see gen_fixtures.py).
type fixtureCase struct {
	Name      string
	Kind      string
	Stride    [2]int
	Dil       [2]int
	Pad       [4]int
	Padmode   string
	Edge      string
	Groups    int
	Transpose bool
	Outpad    [2]int
	Flip      bool
	Bias      bool
}

func loadCases(t *testing.T) []fixtureCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []fixtureCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) < 50 {
		t.Fatalf("only %d fixture cases", len(cs))
	}
	return cs
}

// params builds Params for fc as the CLI would: padding words go through
// SamePad/FullPad with the flip flag.
func (fc fixtureCase) params(t *testing.T, x *tensor.Tensor, kh, kw int) Params {
	e, err := ParseEdge(fc.Edge)
	if err != nil {
		t.Fatal(err)
	}
	p := Params{StrideY: fc.Stride[0], StrideX: fc.Stride[1], DilY: fc.Dil[0], DilX: fc.Dil[1],
		Edge: e, Groups: fc.Groups, Transpose: fc.Transpose, OutPadY: fc.Outpad[0], OutPadX: fc.Outpad[1],
		Pad: Pad{fc.Pad[0], fc.Pad[1], fc.Pad[2], fc.Pad[3]}}
	switch fc.Padmode {
	case "same":
		p.Pad.Top, p.Pad.Bottom, _ = SamePad(x.H, kh, p.StrideY, p.DilY, fc.Flip)
		p.Pad.Left, p.Pad.Right, _ = SamePad(x.W, kw, p.StrideX, p.DilX, fc.Flip)
	case "full":
		py, _ := FullPad(kh, p.DilY)
		px, _ := FullPad(kw, p.DilX)
		p.Pad = Pad{py, py, px, px}
	case "valid":
		p.Pad = Pad{}
	}
	return p
}

// closeEnough reports the first element where got and want differ by more
// than 1e-4·(1+|want|). The references are float64 results rounded to
// float32; convtool accumulates in float32, whose rounding error grows with
// the number of terms (≤ ~250 here) times their magnitude (inputs and
// weights are N(0,1)): measured errors stay below 1e-5, so 1e-4 leaves
// room without letting a wrong tap (an error of order 1) through.
func closeEnough(got, want *tensor.Tensor) error {
	if !got.SameShape(want) {
		return fmt.Errorf("shape %s, want %s", got.Shape(), want.Shape())
	}
	for i, w := range want.Data {
		g := got.Data[i]
		if d := math.Abs(float64(g) - float64(w)); !(d <= 1e-4*(1+math.Abs(float64(w)))) {
			c, r := i/(want.H*want.W), i%(want.H*want.W)
			return fmt.Errorf("at (%d,%d,%d) got %v, want %v (|diff| %.3g)", c, r/want.W, r%want.W, g, w, d)
		}
	}
	return nil
}

// eachLevel runs f as a subtest at every SIMD level this build and CPU
// support (AVX-512, AVX2 and pure Go on the project's machine; pure Go
// alone with -tags purego), so every kernel meets the same oracles.
func eachLevel(t *testing.T, f func(t *testing.T)) {
	for _, l := range simd.Levels() {
		t.Run(l.String(), func(t *testing.T) {
			prev, err := simd.SetLevel(l)
			if err != nil {
				t.Fatal(err)
			}
			defer simd.SetLevel(prev)
			f(t)
		})
	}
}

// TestFixtures runs every oracle case through every method that applies,
// at every SIMD level.
func TestFixtures(t *testing.T) {
	eachLevel(t, testFixtures)
}

func testFixtures(t *testing.T) {
	for _, fc := range loadCases(t) {
		t.Run(fc.Name, func(t *testing.T) {
			base := filepath.Join(fixtures, fc.Name)
			x := readTensor(t, base+".x.npy")
			want := readTensor(t, base+".y.npy")
			kshape, kdata := readNpy(t, base+".k.npy")
			methods := []Method{Auto, Direct, Separable, GEMM, FFT}
			switch fc.Kind {
			case "filter":
				k := &kernel.Kernel{H: kshape[0], W: kshape[1], Data: kdata}
				if fc.Flip {
					k = k.Rotate180()
				}
				p := fc.params(t, x, k.H, k.W)
				_, _, rank1 := rankOne(k.H, k.W, k.Data)
				for _, m := range methods {
					got, used, err := Filter(x, k, p, m)
					if m == FFT && errors.Is(err, errFFTUnavailable) {
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", m, err)
					}
					if m == Separable && rank1 != (used == Separable) {
						t.Errorf("separable on a kernel with rank1=%v ran %s", rank1, used)
					}
					if err := closeEnough(got, want); err != nil {
						t.Errorf("%s (ran %s): %v", m, used, err)
					}
				}
			case "layer":
				w := &kernel.Bank{N0: kshape[0], N1: kshape[1], KH: kshape[2], KW: kshape[3], Data: kdata}
				var bias []float32
				if fc.Bias {
					_, bias = readNpy(t, base+".b.npy")
				}
				p := fc.params(t, x, w.KH, w.KW)
				for _, m := range methods {
					got, used, err := Layer(x, w, bias, p, m)
					if m == FFT && errors.Is(err, errFFTUnavailable) {
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", m, err)
					}
					if err := closeEnough(got, want); err != nil {
						t.Errorf("%s (ran %s): %v", m, used, err)
					}
					// Again as a network run calls it: output and scratch
					// from a pool whose recycled storage is NaN, so a
					// value the method fails to write shows.
					pp := p
					pp.Pool = &tensor.Pool{Poison: true}
					for range 2 {
						got, used, err = Layer(x, w, bias, pp, m)
						if err != nil {
							t.Fatalf("%s pooled: %v", m, err)
						}
						if err := closeEnough(got, want); err != nil {
							t.Errorf("%s pooled (ran %s): %v", m, used, err)
						}
						pp.Pool.Put(got)
					}
				}
			default:
				t.Fatalf("unknown kind %q", fc.Kind)
			}
		})
	}
}

// TestMethodsAgree runs random geometries (every edge rule, strides,
// dilations, uneven pads, transposed with output padding) through every
// method and compares them with direct. The fixtures pin direct to the
// oracles; this covers the combinations between them.
func TestMethodsAgree(t *testing.T) {
	eachLevel(t, testMethodsAgree)
}

func testMethodsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		c, h, w := 1+rng.IntN(3), 1+rng.IntN(12), 1+rng.IntN(12)
		kh, kw := 1+rng.IntN(5), 1+rng.IntN(5)
		p := NewParams()
		p.StrideY, p.StrideX, p.DilY, p.DilX = 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(3), 1+rng.IntN(2)
		if p.Transpose = rng.IntN(4) == 0; p.Transpose {
			p.Pad = Pad{Top: rng.IntN(3), Left: rng.IntN(3)}
			p.OutPadY, p.OutPadX = rng.IntN(max(p.StrideY, p.DilY)), rng.IntN(max(p.StrideX, p.DilX))
		} else {
			p.Pad = Pad{rng.IntN(6), rng.IntN(6), rng.IntN(6), rng.IntN(6)}
			p.Edge = Edge(rng.IntN(5))
		}
		in := tensor.New(c, h, w)
		for j := range in.Data {
			in.Data[j] = float32(rng.NormFloat64())
		}
		k := &kernel.Kernel{H: kh, W: kw, Data: make([]float32, kh*kw)}
		colv, rowv := make([]float32, kh), make([]float32, kw)
		for j := range colv {
			colv[j] = float32(rng.NormFloat64())
		}
		for j := range rowv {
			rowv[j] = float32(rng.NormFloat64())
		}
		for j := range k.Data {
			if i%2 == 0 { // rank 1, so separable runs
				k.Data[j] = colv[j/kw] * rowv[j%kw]
			} else {
				k.Data[j] = float32(rng.NormFloat64())
			}
		}
		want, _, err := Filter(in, k, p, Direct)
		if err != nil {
			continue // geometry that cannot work; TestErrors covers the messages
		}
		for _, m := range []Method{Separable, GEMM, FFT, Auto} {
			got, used, err := Filter(in, k, p, m)
			if m == FFT && errors.Is(err, errFFTUnavailable) {
				continue
			}
			if err != nil {
				t.Fatalf("case %d %s: %v", i, m, err)
			}
			if err := closeEnough(got, want); err != nil {
				t.Errorf("case %d (%dx%dx%d, k %dx%d, %+v) %s ran %s: %v", i, c, h, w, kh, kw, p, m, used, err)
			}
		}
	}
}

// TestProgressReportsEveryTask: Params.Progress hears done counts that end
// at the total, for each method that runs in bands.
func TestProgressReportsEveryTask(t *testing.T) {
	in := tensor.New(3, 300, 200)
	for i := range in.Data {
		in.Data[i] = float32(i % 13)
	}
	for _, spec := range []string{"gaussian:1", "laplacian"} {
		k, _, _ := kernel.Parse(spec)
		for _, m := range []Method{Direct, Separable, GEMM} {
			var mu sync.Mutex
			last, calls, total := 0, 0, 0
			p := NewParams()
			p.Pad = Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
			p.Progress = func(done, n int) {
				mu.Lock()
				defer mu.Unlock()
				calls++
				last = max(last, done)
				total = n
			}
			want, _, _ := Filter(in, k, NewParamsWith(p.Pad), m)
			got, used, err := Filter(in, k, p, m)
			if err != nil {
				t.Fatal(err)
			}
			if tensor.MaxAbsDiff(got, want) != 0 {
				t.Errorf("%s %s: a progress hook changed the result", spec, used)
			}
			if calls == 0 || last != total || calls != total {
				t.Errorf("%s %s: %d calls, last done %d of %d", spec, used, calls, last, total)
			}
		}
	}
}

// NewParamsWith is NewParams with the given padding.
func NewParamsWith(pad Pad) Params {
	p := NewParams()
	p.Pad = pad
	return p
}

// naiveLayer is an independent float64 reference for an ordinary layer
// with zero padding: the textbook six nested loops, nothing shared with
// the engine but the weight layout (PyTorch's).
func naiveLayer(in *tensor.Tensor, w []float32, outC, groups, kh, kw, s, pad int) (*tensor.Tensor, []float64) {
	inPerG, outPerG := in.C/groups, outC/groups
	ho, wo := (in.H+2*pad-kh)/s+1, (in.W+2*pad-kw)/s+1
	out := tensor.New(outC, ho, wo)
	mag := make([]float64, len(out.Data))
	for o := range outC {
		g := o / outPerG
		for y := range ho {
			for x := range wo {
				var sum, m float64
				for i := range inPerG {
					for ky := range kh {
						for kx := range kw {
							iy, ix := y*s+ky-pad, x*s+kx-pad
							if iy < 0 || iy >= in.H || ix < 0 || ix >= in.W {
								continue
							}
							v := float64(w[((o*inPerG+i)*kh+ky)*kw+kx]) * float64(in.At(g*inPerG+i, iy, ix))
							sum += v
							m += math.Abs(v)
						}
					}
				}
				out.Set(o, y, x, float32(sum))
				mag[(o*ho+y)*wo+x] = m
			}
		}
	}
	return out, mag
}

// TestLayerShapes runs layers shaped to reach every branch of the blocked
// GEMM (several K blocks, output channels and columns that are not
// multiples of any tile, groups, the in-place 1×1 path and its narrow
// last panel, strides) and of the direct row kernel (many input rows per
// output row, bands of rows) through each method at each SIMD level,
// against naiveLayer. Tolerance: float32 sums of up to 1200 terms with
// N(0,1) inputs; the error bound is (terms+2)·2^-23 of the sum of the
// terms' magnitudes, far below a wrong or missing term.
func TestLayerShapes(t *testing.T) {
	type shape struct{ cin, cout, h, w, k, s, p, g int }
	shapes := []shape{
		{64, 70, 9, 13, 3, 1, 1, 1},  // K = 576: five AVX-512 K blocks, 70 = 8·8+6
		{130, 13, 7, 11, 1, 1, 0, 1}, // in place, K = 130, N = 77
		{16, 40, 33, 35, 1, 1, 0, 1}, // in place, N = 1155: many chunks
		{6, 9, 17, 19, 1, 2, 0, 3},   // 1×1 stride 2: packed
		{3, 64, 31, 29, 7, 2, 3, 1},  // few input channels, stride 2
		{8, 8, 20, 70, 3, 1, 1, 8},   // depthwise, rows longer than one block
		{12, 24, 10, 10, 5, 1, 2, 4}, // groups with 3 inputs each
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, sh := range shapes {
		in := tensor.New(sh.cin, sh.h, sh.w)
		for i := range in.Data {
			in.Data[i] = float32(rng.NormFloat64())
		}
		bank := &kernel.Bank{N0: sh.cout, N1: sh.cin / sh.g, KH: sh.k, KW: sh.k,
			Data: make([]float32, sh.cout*sh.cin/sh.g*sh.k*sh.k)}
		for i := range bank.Data {
			bank.Data[i] = float32(rng.NormFloat64())
		}
		want, mag := naiveLayer(in, bank.Data, sh.cout, sh.g, sh.k, sh.k, sh.s, sh.p)
		terms := sh.cin / sh.g * sh.k * sh.k
		p := NewParams()
		p.StrideY, p.StrideX, p.Groups, p.Pad = sh.s, sh.s, sh.g, Pad{sh.p, sh.p, sh.p, sh.p}
		eachLevel(t, func(t *testing.T) {
			for _, m := range []Method{Direct, GEMM} {
				got, used, err := Layer(in, bank, nil, p, m)
				if err != nil {
					t.Fatal(err)
				}
				if !got.SameShape(want) {
					t.Fatalf("%+v %s: shape %s, want %s", sh, used, got.Shape(), want.Shape())
				}
				for i, v := range want.Data {
					if d := math.Abs(float64(got.Data[i] - v)); d > float64(terms+2)*0x1p-23*mag[i]+1e-6 {
						t.Fatalf("%+v %s: element %d = %v, want %v", sh, used, i, got.Data[i], v)
					}
				}
			}
		})
	}
}

// TestAccumulateMatchesDirectBits: one output row computed alone with
// accumulate, from the padded rows under it and its nonzero taps in
// row-major order, has the bits Filter's direct method gives that row for
// the whole plane (banded, two rows per kernel pass), at every SIMD level.
// Row-at-a-time callers (a streaming filter) rely on it.
func TestAccumulateMatchesDirectBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	in := tensor.New(1, 23, 131)
	for i := range in.Data {
		in.Data[i] = float32(rng.NormFloat64())
	}
	p := NewParams()
	p.Pad = Pad{1, 1, 2, 2}
	p.Edge = Reflect
	for _, sparse := range []bool{true, false} {
		// With zero weights direct passes taps one by one; without, whole
		// kernel rows: the bits must not change either way.
		k := &kernel.Kernel{H: 3, W: 5, Data: make([]float32, 15)}
		for i := range k.Data {
			if !sparse || i%4 != 1 {
				k.Data[i] = float32(rng.NormFloat64())
			}
		}
		testAccumulateBits(t, in, k, p)
	}
}

func testAccumulateBits(t *testing.T, in *tensor.Tensor, k *kernel.Kernel, p Params) {
	eachLevel(t, func(t *testing.T) {
		want, _, err := Filter(in, k, p, Direct)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := prepare(in, p, k.H, k.W)
		if err != nil {
			t.Fatal(err)
		}
		padded := pr.input()
		got := make([]float32, pr.wo)
		for oy := range pr.ho {
			var taps []tap
			for ky := range k.H {
				row := padded.Plane(0)[(oy+ky)*pr.wp:]
				for kx := range k.W {
					if kv := k.Data[ky*k.W+kx]; kv != 0 {
						taps = append(taps, tap{row[kx:], kv})
					}
				}
			}
			accumulate(got, taps, 1)
			for x, v := range got {
				if w := want.At(0, oy, x); math.Float32bits(v) != math.Float32bits(w) {
					t.Fatalf("row %d col %d: accumulate %v, Filter %v", oy, x, v, w)
				}
			}
		}
	})
}

package conv

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

func randBank(rng *rand.Rand, n0, n1, k int) *kernel.Bank {
	b := &kernel.Bank{N0: n0, N1: n1, KH: k, KW: k, Data: make([]float32, n0*n1*k*k)}
	for i := range b.Data {
		b.Data[i] = float32(rng.NormFloat64())
	}
	return b
}

func randInput(rng *rand.Rand, c, h, w int) *tensor.Tensor {
	x := tensor.New(c, h, w)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	return x
}

// TestLayerPlanReuse: one plan applied to inputs of different sizes gives,
// each time, what Layer gives for that input alone (Layer is checked
// against PyTorch in conv_test.go), for ordinary and transposed layers.
func TestLayerPlanReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name      string
		transpose bool
		groups    int
	}{{"conv", false, 1}, {"grouped", false, 2}, {"transposed", true, 1}, {"transposed grouped", true, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParams()
			p.StrideY, p.StrideX, p.Groups, p.Transpose = 2, 2, tc.groups, tc.transpose
			p.Pad = Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
			w := randBank(rng, 4, 6/tc.groups, 3)
			if tc.transpose {
				w = randBank(rng, 4, 3, 3)
			}
			bias := []float32{0.5, -1, 2, 0.25, 3, -0.5}[:4]
			if tc.transpose {
				bias = bias[:3*tc.groups]
			}
			inC := 6
			if tc.transpose {
				inC = 4
			}
			lp, err := NewLayerPlan(w, bias, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, hw := range [][2]int{{9, 7}, {5, 12}} {
				x := randInput(rng, inC, hw[0], hw[1])
				for _, m := range []Method{Direct, GEMM, Auto} {
					got, _, err := lp.Apply(x, p, m)
					if err != nil {
						t.Fatal(err)
					}
					want, _, err := Layer(x, w, bias, p, m)
					if err != nil {
						t.Fatal(err)
					}
					if d := tensor.MaxAbsDiff(got, want); d != 0 || !got.SameShape(want) {
						t.Errorf("%v %s: plan differs from Layer by %g", hw, m, d)
					}
				}
			}
		})
	}
}

// TestLayerPlanCountsTaps: auto's cost model sees the plan's nonzero
// weights (here one tap of nine: direct skips zeros), as Layer counted them
// on every call before plans.
func TestLayerPlanCountsTaps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	w := randBank(rng, 16, 16, 3)
	for i := range w.Data {
		if i%9 != 4 {
			w.Data[i] = 0
		}
	}
	p := NewParams()
	p.Pad = Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}
	var rep Report
	p.Report = &rep
	lp, err := NewLayerPlan(w, nil, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lp.Apply(randInput(rng, 16, 20, 20), p, Auto); err != nil {
		t.Fatal(err)
	}
	wl := Workload{C: 16, H: 22, W: 22, OutC: 16, InPerGroup: 16, KH: 3, KW: 3, Taps: 1, HO: 20, WO: 20, StrideY: 1, StrideX: 1}
	_, want := choose(wl)
	wl.Taps = 9
	_, dense := choose(wl)
	if want == dense {
		t.Fatalf("the cost model does not tell 1 tap from 9: %s", want)
	}
	if rep.Reason != want {
		t.Errorf("auto saw\n%s\nwant (1 tap of 9)\n%s", rep.Reason, want)
	}
}

func TestLayerPlanErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	w := randBank(rng, 4, 3, 3)
	p := NewParams()
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"short weights", func() error {
			_, err := NewLayerPlan(&kernel.Bank{N0: 4, N1: 3, KH: 3, KW: 3, Data: w.Data[:5]}, nil, p)
			return err
		}, "weights 4x3x3x3 hold 5 values"},
		{"bias", func() error { _, err := NewLayerPlan(w, []float32{1, 2}, p); return err }, "bias has 2 values for 4 output channels"},
		{"groups changed", func() error {
			lp, _ := NewLayerPlan(w, nil, p)
			q := p
			q.Groups = 2
			_, _, err := lp.Apply(randInput(rng, 6, 5, 5), q, Direct)
			return err
		}, "the plan was made for 1 groups"},
		{"channels", func() error {
			lp, _ := NewLayerPlan(w, nil, p)
			_, _, err := lp.Apply(randInput(rng, 5, 5, 5), p, Direct)
			return err
		}, "expect 3 input channels, the input has 5"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestPooledSameBits: a layer whose output and scratch come from a
// tensor.Pool (recycled storage, poisoned with NaN) gives the bits it gives
// with fresh zeroed storage, for every method, at every SIMD level, over
// random geometries (depthwise, grouped, strided, dilated, 1×1, small
// planes, transposed): every method writes every output value.
func TestPooledSameBits(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		pool := &tensor.Pool{Poison: true}
		for i := range 120 {
			g := []int{1, 1, 2, 4}[rng.IntN(4)]
			inC, outC := g*(1+rng.IntN(4)), g*(1+rng.IntN(12))
			if i%4 == 0 { // depthwise
				g = 1 + rng.IntN(6)
				inC, outC = g, g
			}
			k := []int{1, 3, 3, 5, 7}[rng.IntN(5)]
			h, w := 1+rng.IntN(40), 1+rng.IntN(80)
			p := NewParams()
			p.Groups = g
			p.StrideY, p.StrideX = 1+rng.IntN(2), 1+rng.IntN(2)
			if rng.IntN(4) == 0 {
				p.DilY, p.DilX = 2, 2
			}
			pd := rng.IntN(k/2 + 2)
			p.Pad = Pad{pd, pd, pd, rng.IntN(k/2 + 2)}
			bank := randBank(rng, outC, inC/g, k)
			if p.Transpose = i%7 == 3; p.Transpose {
				bank = randBank(rng, inC, outC/g, k)
				p.Pad = Pad{Top: rng.IntN(k), Left: rng.IntN(k)}
			}
			x := randInput(rng, inC, h, w)
			for _, m := range []Method{Direct, GEMM, Auto} {
				p.Pool = nil
				want, _, err := Layer(x, bank, nil, p, m)
				if err != nil {
					continue // a geometry that cannot work
				}
				p.Pool = pool
				for round := range 2 {
					got, used, err := Layer(x, bank, nil, p, m)
					if err != nil {
						t.Fatalf("case %d %s pooled: %v", i, m, err)
					}
					for j, v := range got.Data {
						if math.Float32bits(v) != math.Float32bits(want.Data[j]) {
							t.Fatalf("case %d (%dx%dx%d, %d→%d k%d g%d %+v) %s ran %s round %d: value %d is %v, unpooled %v",
								i, inC, h, w, inC, outC, k, g, p.Pad, m, used, round, j, v, want.Data[j])
						}
					}
					pool.Put(got)
				}
			}
		}
	})
}

// TestPrepack: Prepack packs the weights of a layer that gemm runs (and
// only then), and Apply then gives the bits it gives without Prepack.
func TestPrepack(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct {
		name string
		k, g int
		m    Method
	}{{"3x3 gemm", 3, 1, GEMM}, {"1x1 gemm", 1, 1, GEMM}, {"3x3 direct", 3, 1, Direct}, {"grouped auto", 3, 8, Auto}} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParams()
			p.Groups, p.Pad = tc.g, Pad{tc.k / 2, tc.k / 2, tc.k / 2, tc.k / 2}
			w := randBank(rng, 16, 8/tc.g, tc.k)
			x := randInput(rng, 8, 20, 24)
			lp, err := NewLayerPlan(w, nil, p)
			if err != nil {
				t.Fatal(err)
			}
			if err := lp.Prepack(x.C, x.H, x.W, p, tc.m); err != nil {
				t.Fatal(err)
			}
			packed := lp.packed != nil
			got, used, err := lp.Apply(x, p, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			// Packed ahead exactly when the layer runs on gemm (auto's
			// choice depends on the SIMD level's cost model).
			if packed != (used == GEMM) {
				t.Fatalf("packed after Prepack: %v, but Apply ran %s", packed, used)
			}
			want, _, err := Layer(x, w, nil, p, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range got.Data {
				if math.Float32bits(v) != math.Float32bits(want.Data[i]) {
					t.Fatalf("value %d: %v after Prepack, %v without", i, v, want.Data[i])
				}
			}
		})
	}
}

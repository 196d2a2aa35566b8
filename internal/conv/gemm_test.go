package conv

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// TestSmallPlaneMatchesColumnSplit runs random small-plane layers (groups,
// strides 1 and 2, 1×1 and 3×3 and 5×3, planes and channel counts that are
// not multiples of the tile) through gemm with gemmSmall and with the
// column-split loop it replaces for them. Both walk the same K blocks into
// the same micro-kernel tiles, so the outputs must be equal bit for bit;
// direct checks that both are right (closeEnough), so a bug common to both
// loops (the shared packing) fails too.
func TestSmallPlaneMatchesColumnSplit(t *testing.T) {
	// Enough workers that the column split would leave some idle: the
	// case gemmSmall is for, whatever this machine's core count.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	eachLevel(t, testSmallPlane)
}

func testSmallPlane(t *testing.T) {
	mr, nr := simd.Sgemm().MR, simd.Sgemm().NR
	rng := rand.New(rand.NewPCG(3, 4))
	hit := 0
	for i := range 60 {
		g := 1 + rng.IntN(2)
		inPerG := 1 + rng.IntN(40)
		outPerG := 4*mr + rng.IntN(3*mr+3)
		kh, kw := []int{1, 3, 5}[rng.IntN(3)], []int{1, 3}[rng.IntN(2)]
		s := 1 + rng.IntN(2)
		h, w := 1+rng.IntN(16), 1+rng.IntN(16)
		p := NewParams()
		p.Groups, p.StrideY, p.StrideX = g, s, s
		p.Pad = Pad{rng.IntN(kh), rng.IntN(kh), rng.IntN(kw), rng.IntN(kw)}
		in := tensor.New(g*inPerG, h, w)
		for j := range in.Data {
			in.Data[j] = float32(rng.NormFloat64())
		}
		bank := &kernel.Bank{N0: g * outPerG, N1: inPerG, KH: kh, KW: kw, Data: make([]float32, g*outPerG*inPerG*kh*kw)}
		for j := range bank.Data {
			bank.Data[j] = float32(rng.NormFloat64())
		}
		ho, err1 := OutSize(h, kh, s, 1, p.Pad.Top, p.Pad.Bottom)
		wo, err2 := OutSize(w, kw, s, 1, p.Pad.Left, p.Pad.Right)
		if err1 != nil || err2 != nil {
			continue
		}
		inPlace := kh == 1 && kw == 1 && s == 1 && p.Pad == Pad{}
		if inPlace || !smallPlane(ho*wo, outPerG, g, mr, nr) {
			continue
		}
		hit++
		small, _, err := Layer(in, bank, nil, p, GEMM)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		smallPlaneOff = true
		split, _, err := Layer(in, bank, nil, p, GEMM)
		smallPlaneOff = false
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want, _, err := Layer(in, bank, nil, p, Direct)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		shape := func() string {
			return in.Shape() + " → " + small.Shape()
		}
		if !slices.Equal(small.Data, split.Data) {
			t.Errorf("case %d (%s, k %dx%d s%d g%d): small-plane gemm differs from the column split", i, shape(), kh, kw, s, g)
		}
		if err := closeEnough(small, want); err != nil {
			t.Errorf("case %d (%s, k %dx%d s%d g%d): against direct: %v", i, shape(), kh, kw, s, g, err)
		}
	}
	if hit < 20 {
		t.Fatalf("only %d of the random shapes took the small-plane path", hit)
	}
}

package conv

import (
	"fmt"
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
	defer func(v bool) { implicitOff = v }(implicitOff)
	implicitOff = true // the packed loops are the subject here
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

// TestImplicitMatchesPacked runs random layers (groups, strides 1 to 3 on
// each axis, dilation, 1×1 to 7×7 kernels, uneven padding, every edge
// rule, transposed) through gemm's implicit path and its packed one.
// Both sum the same K blocks in the same order into the same micro-kernel,
// so the outputs must be equal bit for bit; direct checks that both are
// right, so a bug the two share (the weight packing) fails too.
func TestImplicitMatchesPacked(t *testing.T) {
	eachLevel(t, testImplicit)
}

func testImplicit(t *testing.T) {
	defer func(off, always bool) { implicitOff, implicitAlways = off, always }(implicitOff, implicitAlways)
	rng := rand.New(rand.NewPCG(5, 6))
	ran := 0
	for i := range 150 {
		g := 1 + rng.IntN(3)
		inPerG, outPerG := 1+rng.IntN(12), 1+rng.IntN(20)
		kh, kw := []int{1, 2, 3, 5, 7}[rng.IntN(5)], []int{1, 3, 4}[rng.IntN(3)]
		h, w := 1+rng.IntN(30), 1+rng.IntN(40)
		p := NewParams()
		p.Groups = g
		p.StrideY, p.StrideX = 1+rng.IntN(3), 1+rng.IntN(3)
		p.DilY, p.DilX = 1+rng.IntN(2), 1+rng.IntN(2)
		p.Pad = Pad{rng.IntN(kh + 1), rng.IntN(kh + 1), rng.IntN(kw + 1), rng.IntN(kw + 1)}
		p.Edge = Edge(rng.IntN(5))
		bank := randBank(rng, g*outPerG, inPerG, 1)
		bank.KH, bank.KW = kh, kw
		bank.Data = make([]float32, g*outPerG*inPerG*kh*kw)
		for j := range bank.Data {
			bank.Data[j] = float32(rng.NormFloat64())
		}
		if p.Transpose = i%6 == 5; p.Transpose {
			p.Edge, p.DilY, p.DilX = Zero, 1, 1
			p.Pad = Pad{Top: rng.IntN(kh), Left: rng.IntN(kw)}
			bank.N0, bank.N1 = g*inPerG, outPerG
		}
		in := randInput(rng, g*inPerG, h, w)
		want, _, err := Layer(in, bank, nil, p, Direct)
		if err != nil {
			continue // a geometry that cannot work
		}
		implicitOff, implicitAlways = true, false
		packed, _, err := Layer(in, bank, nil, p, GEMM)
		if err != nil {
			t.Fatalf("case %d packed: %v", i, err)
		}
		implicitOff, implicitAlways = false, true
		implicit, _, err := Layer(in, bank, nil, p, GEMM)
		if err != nil {
			t.Fatalf("case %d implicit: %v", i, err)
		}
		ran++
		desc := func() string {
			return fmt.Sprintf("case %d (%s → %s, k %dx%d, %+v)", i, in.Shape(), want.Shape(), kh, kw, p)
		}
		if !slices.Equal(implicit.Data, packed.Data) {
			t.Errorf("%s: implicit differs from packed", desc())
		}
		if err := closeEnough(implicit, want); err != nil {
			t.Errorf("%s: against direct: %v", desc(), err)
		}
	}
	if ran < 60 {
		t.Fatalf("only %d of the random layers could run", ran)
	}
}

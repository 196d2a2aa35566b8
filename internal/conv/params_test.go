package conv

import (
	"math"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

func TestParseEdge(t *testing.T) {
	tests := []struct {
		in   string
		want Edge
	}{
		{"zero", Zero}, {"constant", Zero}, {"BLACK", Zero},
		{"reflect", Reflect}, {"reflect101", Reflect},
		{"replicate", Replicate}, {"copy", Replicate}, {"clamp", Replicate}, {"edge", Replicate}, {"nearest", Replicate},
		{"circular", Circular}, {"wrap", Circular}, {"tile", Circular}, {"periodic", Circular},
		{"symmetric", Symmetric}, {"mirror", Symmetric},
	}
	for _, tc := range tests {
		got, err := ParseEdge(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseEdge(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if back, err := ParseEdge(got.String()); err != nil || back != got {
			t.Errorf("%v does not round-trip through String", got)
		}
	}
	if _, err := ParseEdge("reflect-101x"); err == nil {
		t.Error("ParseEdge accepted a bad name")
	}
}

func TestEdgeSource(t *testing.T) {
	// Padding [a b c d] by 6 on each side, as numpy.pad does it.
	tests := []struct {
		e    Edge
		want string
	}{
		{Zero, "......abcd......"},
		{Reflect, "abcdcbabcdcbabcd"},   // np.pad(list("abcd"), 6, "reflect")
		{Symmetric, "cddcbaabcddcbaab"}, // np.pad(list("abcd"), 6, "symmetric")
		{Circular, "cdabcdabcdabcdab"},  // np.pad(..., 6, 'wrap')
		{Replicate, "aaaaaaabcddddddd"}, // np.pad(..., 6, 'edge')
	}
	for _, tc := range tests {
		var b strings.Builder
		for i := -6; i < 10; i++ {
			if s := tc.e.source(i, 4); s < 0 {
				b.WriteByte('.')
			} else {
				b.WriteByte("abcd"[s])
			}
		}
		if b.String() != tc.want {
			t.Errorf("%s: %s, want %s", tc.e, b.String(), tc.want)
		}
	}
}

func TestSizes(t *testing.T) {
	tests := []struct {
		name                  string
		n, k, s, d            int
		flip                  bool
		before, after, outLen int
	}{
		{"odd k", 10, 3, 1, 1, false, 1, 1, 10},
		{"even k", 10, 4, 1, 1, false, 1, 2, 10},
		{"even k flipped", 10, 4, 1, 1, true, 2, 1, 10},
		{"stride 2", 9, 3, 2, 1, false, 1, 1, 5},
		{"stride 2 even n", 10, 3, 2, 1, false, 0, 1, 5},
		{"dilated", 7, 3, 1, 2, false, 2, 2, 7},
		{"stride above kernel", 10, 1, 4, 1, false, 0, 0, 3},
	}
	for _, tc := range tests {
		b, a, err := SamePad(tc.n, tc.k, tc.s, tc.d, tc.flip)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if b != tc.before || a != tc.after {
			t.Errorf("%s: SamePad = %d,%d, want %d,%d", tc.name, b, a, tc.before, tc.after)
		}
		if got, _ := OutSize(tc.n, tc.k, tc.s, tc.d, b, a); got != tc.outLen {
			t.Errorf("%s: OutSize = %d, want %d", tc.name, got, tc.outLen)
		}
	}
	if got, _ := FullPad(5, 2); got != 8 {
		t.Errorf("FullPad(5, 2) = %d, want 8", got)
	}
	// AlexNet's first layer (the notes): 224, k11, s4, p2 → 55.
	if got, _ := OutSize(224, 11, 4, 1, 2, 2); got != 55 {
		t.Errorf("AlexNet conv1: %d, want 55", got)
	}
	if got, err := OutSize(5, 7, 1, 1, 0, 0); err == nil {
		t.Errorf("OutSize of a kernel larger than the input = %d, want an error", got)
	}
	// The notes' transposed example: 2×2, k3, s1, p0 → 4×4.
	if got, _ := TransposedOutSize(2, 3, 1, 1, 0, 0); got != 4 {
		t.Errorf("TransposedOutSize = %d, want 4", got)
	}
	if got, _ := TransposedOutSize(4, 4, 2, 1, 1, 0); got != 8 {
		t.Errorf("TransposedOutSize k4 s2 p1 = %d, want 8", got)
	}
}

func TestErrors(t *testing.T) {
	k3 := &kernel.Kernel{H: 3, W: 3, Data: make([]float32, 9)}
	k7 := &kernel.Kernel{H: 7, W: 7, Data: make([]float32, 49)}
	in := tensor.New(2, 10, 10)
	p := NewParams()
	with := func(f func(*Params)) Params { q := p; f(&q); return q }
	filterTests := []struct {
		name string
		k    *kernel.Kernel
		p    Params
		m    Method
		want string
	}{
		{"zero stride", k3, with(func(q *Params) { q.StrideX = 0 }), Direct, "stride"},
		{"zero dilation", k3, with(func(q *Params) { q.DilY = 0 }), Direct, "dilation"},
		{"negative pad", k3, with(func(q *Params) { q.Pad.Left = -1 }), Direct, "negative padding"},
		{"dilated kernel too big", k7, with(func(q *Params) { q.DilY, q.DilX = 2, 2 }), Direct,
			"kernel 7x7 (dilated 13x13) is larger than the padded input 10x10"},
		{"kernel too big", &kernel.Kernel{H: 11, W: 3, Data: make([]float32, 33)}, p, Direct,
			"kernel 11x3 is larger than the padded input 10x10"},
		{"output padding without transpose", k3, with(func(q *Params) { q.OutPadY = 1 }), Direct, "output padding"},
		{"output padding too large", k3, with(func(q *Params) { q.Transpose, q.StrideY, q.OutPadY = true, 2, 2 }), Direct,
			"smaller than the stride"},
		{"transposed reflect", k3, with(func(q *Params) { q.Transpose, q.Edge = true, Reflect }), Direct, "zeros only"},
		{"transposed uneven pad", k3, with(func(q *Params) { q.Transpose, q.Pad = true, Pad{1, 2, 0, 0} }), Direct,
			"both sides alike"},
		{"transposed pad leaves nothing", k3, with(func(q *Params) { q.Transpose, q.Pad = true, Pad{Top: 7} }), Direct,
			"leaves no output"},
		{"bad method", k3, p, Method("winograd"), "unknown method"},
	}
	for _, tc := range filterTests {
		_, _, err := Filter(in, tc.k, tc.p, tc.m)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.name, err, tc.want)
		}
	}
	bank := func(n0, n1, kh, kw int) *kernel.Bank {
		return &kernel.Bank{N0: n0, N1: n1, KH: kh, KW: kw, Data: make([]float32, n0*n1*kh*kw)}
	}
	in4 := tensor.New(4, 6, 6)
	layerTests := []struct {
		name string
		w    *kernel.Bank
		bias []float32
		p    Params
		want string
	}{
		{"groups do not divide input", bank(6, 1, 3, 3), nil, with(func(q *Params) { q.Groups = 3 }), "do not divide the 4 input"},
		{"groups do not divide output", bank(3, 2, 3, 3), nil, with(func(q *Params) { q.Groups = 2 }), "do not divide the 3 output"},
		{"zero groups", bank(4, 4, 3, 3), nil, with(func(q *Params) { q.Groups = 0 }), "groups 0"},
		{"wrong in channels", bank(4, 3, 3, 3), nil, p, "expect 3 input channels"},
		{"wrong bias", bank(5, 4, 3, 3), []float32{1, 2}, p, "bias has 2 values for 5"},
		{"transposed wrong in", bank(3, 2, 3, 3), nil, with(func(q *Params) { q.Transpose = true }), "expect 3 input channels"},
		{"short data", &kernel.Bank{N0: 2, N1: 4, KH: 3, KW: 3, Data: make([]float32, 5)}, nil, p, "hold 5 values"},
	}
	for _, tc := range layerTests {
		_, _, err := Layer(in4, tc.w, tc.bias, tc.p, Direct)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestParseMethod(t *testing.T) {
	for _, s := range []string{"auto", "direct", "separable", "fft", "gemm", "GEMM", ""} {
		if _, err := ParseMethod(s); err != nil {
			t.Errorf("ParseMethod(%q): %v", s, err)
		}
	}
	if _, err := ParseMethod("fast"); err == nil {
		t.Error("ParseMethod accepted fast")
	}
}

// TestChooseNeverFails checks that auto picks a method that runs, over a
// spread of shapes, and that it matches what direct computes.
func TestChooseNeverFails(t *testing.T) {
	gauss := &kernel.Kernel{H: 5, W: 5, Data: make([]float32, 25)}
	g1 := []float32{1, 4, 6, 4, 1}
	for i := range 5 {
		for j := range 5 {
			gauss.Data[i*5+j] = g1[i] * g1[j] / 256
		}
	}
	rnd := &kernel.Kernel{H: 5, W: 5, Data: make([]float32, 25)}
	for i := range rnd.Data {
		rnd.Data[i] = float32(math.Sin(float64(i*7 + 1)))
	}
	for _, k := range []*kernel.Kernel{gauss, rnd} {
		for _, shape := range [][3]int{{1, 5, 5}, {3, 64, 48}, {1, 300, 7}} {
			in := tensor.New(shape[0], shape[1], shape[2])
			for i := range in.Data {
				in.Data[i] = float32(i % 13)
			}
			p := NewParams()
			p.Pad = Pad{2, 2, 2, 2}
			got, used, err := Filter(in, k, p, Auto)
			if err != nil || used == Auto {
				t.Fatalf("auto on %v: %v (ran %q)", shape, err, used)
			}
			want, _, _ := Filter(in, k, p, Direct)
			if err := closeEnough(got, want); err != nil {
				t.Errorf("auto (%s) on %v: %v", used, shape, err)
			}
		}
	}
	// A rank-1 kernel on a big image: the separable path should win.
	wl := Workload{C: 3, H: 2060, W: 2060, OutC: 3, InPerGroup: 1, KH: 13, KW: 13, Taps: 169, HO: 2048, WO: 2048,
		StrideY: 1, StrideX: 1, Filter: true, Rank1: true}
	if m := Choose(wl); m != Separable {
		t.Errorf("Choose(13x13 Gaussian on 3x2048x2048) = %s, want separable", m)
	}
	wl.Rank1 = false
	if m := Choose(wl); m == Separable || (m == FFT && math.IsInf(Cost(wl, FFT), 1)) {
		t.Errorf("Choose picked %s, which cannot run on a rank-2 kernel", m)
	}
}

// TestChooseMatchesBenchmarks checks the AVX-512 cost model against the
// winners measured at that level (the table in choose.go). Near-ties
// (within 10%) accept either method.
func TestChooseMatchesBenchmarks(t *testing.T) {
	filter := func(c, n, k int, rank1 bool) Workload {
		return Workload{C: c, H: n + k - 1, W: n + k - 1, OutC: c, InPerGroup: 1, KH: k, KW: k, Taps: k * k,
			HO: n, WO: n, StrideY: 1, StrideX: 1, Filter: true, Rank1: rank1}
	}
	layer := func(cin, cout, n, k, s, p, g int) Workload {
		ho, _ := OutSize(n, k, s, 1, p, p)
		return Workload{C: cin, H: n + 2*p, W: n + 2*p, OutC: cout, InPerGroup: cin / g, KH: k, KW: k, Taps: k * k,
			HO: ho, WO: ho, StrideY: s, StrideX: s}
	}
	tests := []struct {
		name string
		wl   Workload
		want []Method
	}{
		// The register-blocked 3×3 kernel made direct the faster here:
		// 1.3–1.7 cpu-ms against separable's 2.1 (BenchmarkFilter3x3_1x1024).
		{"3x3 gaussian 1x1024", filter(1, 1024, 3, true), []Method{Direct}},
		{"5x5 gaussian 1x1024", filter(1, 1024, 5, true), []Method{Direct, Separable}},
		{"13x13 gaussian 1x1024", filter(1, 1024, 13, true), []Method{Separable}},
		{"5x5 gaussian 3x2048", filter(3, 2048, 5, true), []Method{Direct, Separable}},
		{"13x13 gaussian 3x2048", filter(3, 2048, 13, true), []Method{Separable}},
		{"13x13 rank 2 3x2048", filter(3, 2048, 13, false), []Method{Direct}},
		{"resnet 3x3 layer 56", layer(64, 64, 56, 3, 1, 1, 1), []Method{GEMM}},
		{"resnet 3x3 layer 224", layer(64, 64, 224, 3, 1, 1, 1), []Method{GEMM}},
		{"pointwise 256 to 64", layer(256, 64, 56, 1, 1, 0, 1), []Method{GEMM}},
		{"pointwise 64 to 128", layer(64, 128, 56, 1, 1, 0, 1), []Method{GEMM}},
		{"3 to 64 7x7 stride 2", layer(3, 64, 224, 7, 2, 3, 1), []Method{GEMM}},
		{"alexnet conv1", layer(3, 96, 224, 11, 4, 2, 1), []Method{GEMM}},
		{"depthwise 256 at 56", layer(256, 256, 56, 3, 1, 1, 256), []Method{Direct}},
		{"depthwise 64 at 112", layer(64, 64, 112, 3, 1, 1, 64), []Method{Direct}},
		{"depthwise 5x5 3x4096", layer(3, 3, 4096, 5, 1, 2, 3), []Method{Direct}},
	}
	cm := costModels[simd.AVX512]
	for _, tc := range tests {
		got, why := chooseWith(tc.wl, simd.AVX512)
		ok := false
		for _, m := range tc.want {
			ok = ok || got == m
		}
		if !ok {
			t.Errorf("%s: chose %s, want one of %v (%s)", tc.name, got, tc.want, why)
		}
		if c := costAt(tc.wl, got, cm); !(c > 0) {
			t.Errorf("%s: cost %v", tc.name, c)
		}
	}
}

// TestReport: Params.Report hears the method that ran, why, and a compute
// time, for auto, for a method that applies and for one that does not.
func TestReport(t *testing.T) {
	in := tensor.New(4, 9, 10)
	for i := range in.Data {
		in.Data[i] = float32(i % 7)
	}
	w := &kernel.Bank{N0: 6, N1: 4, KH: 3, KW: 3, Data: make([]float32, 6*4*9)}
	for i := range w.Data {
		w.Data[i] = float32(i%5) - 2
	}
	for _, tc := range []struct {
		asked      Method
		wantReason string
	}{
		{Auto, "auto: cheapest by the " + simd.Current().String() + " cost model ("},
		{GEMM, ""},
		{Separable, "separable does not apply here, so direct ran"},
	} {
		var rep Report
		p := NewParams()
		p.Report = &rep
		_, used, err := Layer(in, w, nil, p, tc.asked)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Method != used || rep.Compute <= 0 {
			t.Errorf("%s: report %+v, ran %s", tc.asked, rep, used)
		}
		if !strings.HasPrefix(rep.Reason, tc.wantReason) || (tc.wantReason == "" && rep.Reason != "") {
			t.Errorf("%s: reason %q, want %q", tc.asked, rep.Reason, tc.wantReason)
		}
	}
}

package fft

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
)

// The fixtures come from numpy/scipy: testdata/fft/gen_fft.py.
const fixtures = "../../testdata/fft"

// relTol is the tolerance relative to the largest reference magnitude.
// The transforms run in float32: every butterfly level rounds by about
// ε = 6e-8 of the largest values in play, so the error of a transform is
// about ε·log2 N of the largest coefficient (numpy_test.go checks that
// bound coefficient by coefficient); spectra, filters and correlations
// inherit it, plus float32 rounding of inputs and stored references. The
// worst measured here is 6.6e-7 of max|ref| (log2 N ≤ 17). Small outputs
// next to large ones (a spectrum's tail beside its DC term, a
// correlation's cancellation) carry an error set by the largest value, not
// their own, hence a tolerance relative to max|ref| rather than per
// element; 1e-5 leaves a factor of 15 and still catches any wrong index,
// sign or scale.
const relTol = 1e-5

func readNPY(t testing.TB, name string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(fixtures, name+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// readTensor reads a 1-, 2- or 3-D fixture as a (C,H,W) tensor.
func readTensor(t testing.TB, name string) *tensor.Tensor {
	a := readNPY(t, name)
	s := append([]int{1, 1, 1}, a.Shape...)
	s = s[len(s)-3:]
	tt, err := tensor.FromData(s[0], s[1], s[2], a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

func cases(t testing.TB, file string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) > 0 {
			out = append(out, fs)
		}
	}
	return out
}

// checkClose fails if got and want differ by more than relTol·max|want|.
func checkClose(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values, want %d", len(got), len(want))
	}
	var peak, worst float64
	at := -1
	for i := range want {
		peak = max(peak, math.Abs(float64(want[i])))
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > worst || d != d {
			worst, at = d, i
		}
	}
	if !(worst <= relTol*max(peak, 1e-30)) {
		t.Errorf("max |got-want| = %g at %d (got %g, want %g), tolerance %g·%g", worst, at, got[at], want[at], relTol, peak)
	}
}

func TestGoodSize(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{-3, 1}, {0, 1}, {1, 1}, {2, 2}, {7, 8}, {11, 12}, {13, 15}, {17, 18},
		{97, 100}, {1000, 1000}, {1021, 1024}, {1025, 1080}, {2049, 2160},
	} {
		if got := GoodSize(c.n); got != c.want {
			t.Errorf("GoodSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

func TestSpectrum(t *testing.T) {
	for _, name := range []string{"13x17", "16x16", "12x9", "1x97", "31x1", "20x30"} {
		t.Run(name, func(t *testing.T) {
			x := readTensor(t, "spectrum_"+name+"_x")
			want := readTensor(t, "spectrum_"+name+"_ref")
			got := Spectrum(x)
			if !got.SameShape(want) {
				t.Fatalf("shape %s, want %s", got.Shape(), want.Shape())
			}
			checkClose(t, got.Data, want.Data)
		})
	}
}

func TestFilterApply(t *testing.T) {
	for _, c := range cases(t, "filter_cases.txt") {
		name, spec, shape := c[0], c[1], c[2]
		t.Run(name, func(t *testing.T) {
			f, err := ParseFilter(spec, shape)
			if err != nil {
				t.Fatal(err)
			}
			x := readTensor(t, "filter_"+name+"_x")
			want := readTensor(t, "filter_"+name+"_ref")
			got := f.Apply(x)
			checkClose(t, got.Data, want.Data)
		})
	}
}

func atoi(t testing.TB, s string) int {
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCorrelateFixtures checks the valid correlation against scipy's
// correlate2d, once with the tile size the cost model picks and once cut
// into small tiles, so that the overlap-save path is checked on every case.
func TestCorrelateFixtures(t *testing.T) {
	for _, c := range cases(t, "corr_cases.txt") {
		name := c[0]
		o := Options{StrideY: atoi(t, c[1]), StrideX: atoi(t, c[2]), DilationY: atoi(t, c[3]), DilationX: atoi(t, c[4])}
		x := readNPY(t, "corr_"+name+"_x")
		k := readNPY(t, "corr_"+name+"_k")
		want := readNPY(t, "corr_"+name+"_ref")
		for _, side := range []int{maxTileSide, 16} {
			t.Run(fmt.Sprintf("%s/tile%d", name, side), func(t *testing.T) {
				cr, err := newCorrelator(x.Shape[0], x.Shape[1], k.Data, k.Shape[0], k.Shape[1], o, side)
				if err != nil {
					t.Fatal(err)
				}
				oh, ow := cr.OutSize()
				if oh != want.Shape[0] || ow != want.Shape[1] {
					t.Fatalf("output %dx%d, want %v", oh, ow, want.Shape)
				}
				got := cr.Correlate(nil, x.Data)
				checkClose(t, got, want.Data)
			})
		}
	}
}

// direct is the textbook valid correlation, a second oracle for shapes the
// fixtures do not cover.
func direct(x []float32, h, w int, k []float32, kh, kw int, o Options) ([]float32, int, int) {
	o = o.norm()
	eh, ew := o.DilationY*(kh-1)+1, o.DilationX*(kw-1)+1
	oh, ow := (h-eh)/o.StrideY+1, (w-ew)/o.StrideX+1
	out := make([]float32, oh*ow)
	for y := range oh {
		for xx := range ow {
			var s float64
			for i := range kh {
				for j := range kw {
					s += float64(x[(y*o.StrideY+i*o.DilationY)*w+xx*o.StrideX+j*o.DilationX]) * float64(k[i*kw+j])
				}
			}
			out[y*ow+xx] = float32(s)
		}
	}
	return out, oh, ow
}

func TestCorrelateRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		h, w, kh, kw int
		o            Options
		side         int
	}{
		{70, 90, 5, 5, Options{}, maxTileSide},
		{70, 90, 5, 5, Options{}, 20},
		{70, 90, 6, 4, Options{StrideY: 3, StrideX: 2}, 24},
		{70, 90, 3, 3, Options{DilationY: 4, DilationX: 2, StrideY: 2, StrideX: 5}, 30},
		{64, 64, 64, 64, Options{}, maxTileSide},
		{5, 300, 2, 17, Options{StrideX: 7}, 40},
		{1, 1, 1, 1, Options{}, maxTileSide},
	} {
		t.Run(fmt.Sprintf("%dx%d_k%dx%d_%v_t%d", c.h, c.w, c.kh, c.kw, c.o, c.side), func(t *testing.T) {
			x := make([]float32, c.h*c.w)
			for i := range x {
				x[i] = rng.Float32()*2 - 1
			}
			k := make([]float32, c.kh*c.kw)
			for i := range k {
				k[i] = rng.Float32()
			}
			cr, err := newCorrelator(c.h, c.w, k, c.kh, c.kw, c.o, c.side)
			if err != nil {
				t.Fatal(err)
			}
			want, oh, ow := direct(x, c.h, c.w, k, c.kh, c.kw, c.o)
			if gh, gw := cr.OutSize(); gh != oh || gw != ow {
				t.Fatalf("output %dx%d, want %dx%d", gh, gw, oh, ow)
			}
			got := cr.Correlate(nil, x)
			checkClose(t, got, want)
			// A second plane through the same correlator reuses its buffers.
			got = cr.Correlate(got, x)
			checkClose(t, got, want)
		})
	}
}

func TestCorrelateErrors(t *testing.T) {
	k := make([]float32, 9)
	for _, c := range []struct {
		name   string
		h, w   int
		kh, kw int
		o      Options
	}{
		{"kernel larger", 2, 10, 3, 3, Options{}},
		{"dilated larger", 5, 5, 3, 3, Options{DilationX: 3}},
		{"negative stride", 10, 10, 3, 3, Options{StrideY: -1}},
		{"kernel length", 10, 10, 2, 2, Options{}},
	} {
		if _, err := NewCorrelator(c.h, c.w, k, c.kh, c.kw, c.o); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestCorrelateTensor(t *testing.T) {
	x := readNPY(t, "corr_40x37_k8x5_x")
	k := readNPY(t, "corr_40x37_k8x5_k")
	want := readNPY(t, "corr_40x37_k8x5_ref")
	// Three channels: the same plane scaled by 1, -2 and 0.5.
	in := tensor.New(3, 40, 37)
	for c, s := range []float32{1, -2, 0.5} {
		for i, v := range x.Data {
			in.Plane(c)[i] = v * s
		}
	}
	out, err := CorrelateTensor(in, k.Data, 8, 5, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for c, s := range []float32{1, -2, 0.5} {
		w := make([]float32, len(want.Data))
		for i, v := range want.Data {
			w[i] = v * s
		}
		checkClose(t, out.Plane(c), w)
	}
}

func TestKernelResponse(t *testing.T) {
	// A 3-tap box's response along one axis is |1 + 2cos ω|: at the
	// centre (ω = 0) 3, at ω = 2π/3 zero.
	k := &kernel.Kernel{H: 1, W: 3, Data: []float32{1, 1, 1}}
	r := KernelResponse(k, 1, 6)
	want := []float32{1, 0, 2, 3, 2, 0} // fftshift of |1+2cos(2πv/6)|, v = -3..2
	checkClose(t, r.Data, want)
	if r := KernelResponse(k, 1, 1); r.H != 1 || r.W != 3 {
		t.Errorf("size %dx%d, want raised to the kernel's 1x3", r.H, r.W)
	}
	// The response does not depend on where the kernel sits: compare with
	// the spectrum of the same kernel shifted inside the plane.
	k2 := &kernel.Kernel{H: 2, W: 2, Data: []float32{1, -2, 3, 0.5}}
	shifted := tensor.New(1, 9, 8)
	shifted.Set(0, 4, 5, 1)
	shifted.Set(0, 4, 6, -2)
	shifted.Set(0, 5, 5, 3)
	shifted.Set(0, 5, 6, 0.5)
	checkClose(t, KernelResponse(k2, 9, 8).Data, Spectrum(shifted).Data)
}

func TestParseFilter(t *testing.T) {
	for _, c := range []struct {
		spec, shape string
		want        string // String(), or "" for an error
	}{
		{"lowpass:5", "", "lowpass:5 ideal"},
		{"highpass:2.5", "gaussian", "highpass:2.5 gaussian"},
		{"bandpass:2:8", "butterworth", "bandpass:2:8 butterworth:2"},
		{"bandpass:2:8", "butterworth:4", "bandpass:2:8 butterworth:4"},
		{"lowpass:0", "ideal", "lowpass:0 ideal"},
		{"lowpass:0", "gaussian", ""},
		{"bandpass:8:2", "ideal", ""},
		{"bandpass:8", "ideal", ""},
		{"lowpass:x", "ideal", ""},
		{"lowpass:-1", "ideal", ""},
		{"notch:3", "ideal", ""},
		{"lowpass:3", "gaussian:2", ""},
		{"lowpass:3", "butterworth:0", ""},
		{"lowpass:3", "box", ""},
	} {
		f, err := ParseFilter(c.spec, c.shape)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseFilter(%q, %q) = %v, want an error", c.spec, c.shape, f)
		case c.want != "" && err != nil:
			t.Errorf("ParseFilter(%q, %q): %v", c.spec, c.shape, err)
		case c.want != "" && f.String() != c.want:
			t.Errorf("ParseFilter(%q, %q) = %q, want %q", c.spec, c.shape, f.String(), c.want)
		}
	}
}

func TestPlanRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range [][2]int{{1, 1}, {1, 7}, {7, 1}, {2, 2}, {13, 17}, {64, 80}, {97, 31}} {
		h, w := s[0], s[1]
		x := make([]float32, h*w)
		for i := range x {
			x[i] = rng.Float32()
		}
		p := NewPlan(h, w)
		spec := p.Forward(nil, x, h, w, w)
		got := p.Inverse(nil, h, w, w, spec, float32(1/float64(h*w)))
		checkClose(t, got, x)
	}
}

func ExampleCorrelate() {
	// A 1×5 ramp correlated with the difference kernel [-1 1].
	out, oh, ow, err := Correlate(nil, []float32{0, 1, 3, 6, 10}, 1, 5, []float32{-1, 1}, 1, 2, Options{})
	if err != nil {
		panic(err)
	}
	for i := range out {
		out[i] = float32(math.Round(float64(out[i])*1e4) / 1e4)
	}
	fmt.Println(oh, ow, out)
	// Output: 1 4 [1 2 3 4]
}

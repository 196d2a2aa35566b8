package signal

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

	"github.com/convtool/convtool/internal/npy"
)

// The fixtures come from np.convolve: testdata/signal/gen_signal.py.
const fixtures = "../../testdata/signal"

func readNPY(t testing.TB, name string) []float32 {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join(fixtures, name+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	return a.Data
}

// tolerance: direct sums in float64, so its error is float32 rounding of
// the output; the FFT runs in float32 (internal/fft), whose round-off is
// about ε·log2 N of the largest value in play (ε = 6e-8): the worst
// measured on these fixtures is 2e-7 of max|ref|. Outputs that cancel to
// near zero carry an error set by the signal's scale, not their own, so
// the bound is relative to max|ref|: 1e-5 is fifty times the worst seen
// and far below any indexing mistake.
const relTol = 1e-5

func checkClose(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values, want %d", len(got), len(want))
	}
	var peak, worst float64
	at := 0
	for _, w := range want {
		peak = max(peak, math.Abs(float64(w)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > worst || d != d {
			worst, at = d, i
		}
	}
	if !(worst <= relTol*max(peak, 1e-30)) {
		t.Errorf("max |got-want| = %g at %d (got %g, want %g), tolerance %g·%g", worst, at, got[at], want[at], relTol, peak)
	}
}

func TestConvolveFixtures(t *testing.T) {
	f, err := os.Open(filepath.Join(fixtures, "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		name := fs[0]
		a, v := readNPY(t, name+"_a"), readNPY(t, name+"_v")
		for _, mode := range []Mode{Full, Same, Valid} {
			want := readNPY(t, name+"_"+mode.String())
			for _, m := range []Method{Direct, FFT, Auto} {
				t.Run(fmt.Sprintf("%s/%s/%s", name, mode, m), func(t *testing.T) {
					if n := OutLen(len(a), len(v), mode); n != len(want) {
						t.Errorf("OutLen = %d, want %d", n, len(want))
					}
					got, used, err := Convolve(nil, a, v, mode, m)
					if err != nil {
						t.Fatal(err)
					}
					if m != Auto && used != m {
						t.Errorf("ran %s, want %s", used, m)
					}
					checkClose(t, got, want)
				})
			}
		}
	}
}

func TestConvolveErrors(t *testing.T) {
	one := []float32{1}
	for _, c := range []struct {
		name string
		dst  []float32
		a, v []float32
		mode Mode
		m    Method
	}{
		{"empty signal", nil, nil, one, Full, Direct},
		{"empty kernel", nil, one, []float32{}, Full, FFT},
		{"bad mode", nil, one, one, Mode(7), Direct},
		{"bad method", nil, one, one, Full, Method("gemm")},
		{"short dst", make([]float32, 2), one, one, Full, Direct},
	} {
		if _, _, err := Convolve(c.dst, c.a, c.v, c.mode, c.m); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestParse(t *testing.T) {
	for s, want := range map[string]Mode{"": Full, "full": Full, "SAME": Same, "valid": Valid} {
		if got, err := ParseMode(s); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseMode("circular"); err == nil {
		t.Error("ParseMode(circular): no error")
	}
	for s, want := range map[string]Method{"": Auto, "auto": Auto, "Direct": Direct, "fft": FFT} {
		if got, err := ParseMethod(s); err != nil || got != want {
			t.Errorf("ParseMethod(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseMethod("gemm"); err == nil {
		t.Error("ParseMethod(gemm): no error")
	}
}

// TestChoose checks auto against the ends of BenchmarkCrossover: short
// kernels go direct at any length, long kernels on long signals by FFT.
func TestChoose(t *testing.T) {
	for _, c := range []struct {
		n, m int
		want Method
	}{
		{100, 3, Direct}, {1 << 20, 3, Direct}, {1 << 20, 15, Direct}, {50, 50, Direct},
		{1 << 16, 1024, FFT}, {1 << 20, 4096, FFT}, {1024, 1 << 16, FFT},
	} {
		if got := Choose(c.n, c.m, Full); got != c.want {
			t.Errorf("Choose(%d, %d) = %s, want %s (direct %.3g ns, fft %.3g ns)", c.n, c.m, got, c.want,
				Cost(c.n, c.m, Full, Direct), Cost(c.n, c.m, Full, FFT))
		}
	}
}

func ExampleConvolve() {
	out, _, _ := Convolve(nil, []float32{1, 2, 3}, []float32{0, 1, 0.5}, Same, Direct)
	fmt.Println(out)
	// Output: [1 2.5 4]
}

func benchConvolve(b *testing.B, n, m int, method Method) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, v := make([]float32, n), make([]float32, m)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range v {
		v[i] = rng.Float32()
	}
	dst := make([]float32, OutLen(n, m, Full))
	b.SetBytes(int64(4 * n))
	for b.Loop() {
		Convolve(dst, a, v, Full, method)
	}
}

// BenchmarkCrossover times both methods over signal and kernel lengths:
// the figures behind Cost.
func BenchmarkCrossover(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 14, 1 << 18} {
		for _, m := range []int{3, 8, 16, 32, 64, 128, 256, 1024} {
			if m > n {
				continue
			}
			for _, method := range []Method{Direct, FFT} {
				b.Run("n"+strconv.Itoa(n)+"/m"+strconv.Itoa(m)+"/"+string(method), func(b *testing.B) { benchConvolve(b, n, m, method) })
			}
		}
	}
}

// TestNonFiniteStaysLocal: a NaN spoils only the outputs whose window
// covers it (as np.convolve), so FFT gives way to the direct sum.
func TestNonFiniteStaysLocal(t *testing.T) {
	a := make([]float32, 400)
	for i := range a {
		a[i] = float32(i % 7)
	}
	a[5] = float32(math.NaN())
	v := make([]float32, 150)
	for i := range v {
		v[i] = 1
	}
	y, used, err := Convolve(nil, a, v, Valid, FFT)
	if err != nil {
		t.Fatal(err)
	}
	nans := 0
	for _, x := range y {
		if x != x {
			nans++
		}
	}
	if used != Direct || nans != 6 {
		t.Errorf("method %s, %d NaN of %d outputs; want direct and 6", used, nans, len(y))
	}
}

package signal

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"

	"github.com/convtool/convtool/internal/fft"
)

// Mode is numpy.convolve's mode: which part of the full convolution is
// kept.
type Mode int

// Modes. With n = max(len(a), len(v)) and m = min(...):
const (
	// Full keeps all n+m−1 outputs, every overlap of the two.
	Full Mode = iota
	// Same keeps n outputs, the full result from index (m−1)/2 on: centred,
	// with the extra sample of an even kernel on the left, as numpy does.
	Same
	// Valid keeps the n−m+1 outputs where the two overlap completely.
	Valid
)

// ParseMode accepts full, same and valid ("" is full, numpy's default).
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "full":
		return Full, nil
	case "same":
		return Same, nil
	case "valid":
		return Valid, nil
	}
	return 0, fmt.Errorf("unknown mode %q (want full, same or valid)", s)
}

func (m Mode) String() string {
	switch m {
	case Full:
		return "full"
	case Same:
		return "same"
	case Valid:
		return "valid"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Method is how the convolution is computed.
type Method string

// The methods. Auto lets Choose pick.
const (
	Auto   Method = "auto"
	Direct Method = "direct"
	FFT    Method = "fft"
)

// ParseMethod accepts auto, direct and fft ("" is auto).
func ParseMethod(s string) (Method, error) {
	switch m := Method(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Auto, nil
	case Auto, Direct, FFT:
		return m, nil
	}
	return "", fmt.Errorf("unknown method %q (want auto, direct or fft)", s)
}

// span returns where the kept outputs start in the full convolution and
// how many there are, for lengths n ≥ m.
func span(n, m int, mode Mode) (start, length int) {
	switch mode {
	case Same:
		return (m - 1) / 2, n
	case Valid:
		return m - 1, n - m + 1
	}
	return 0, n + m - 1
}

// OutLen returns the output length of mode for signals of lengths la and
// lv (both ≥ 1).
func OutLen(la, lv int, mode Mode) int {
	_, l := span(max(la, lv), min(la, lv), mode)
	return l
}

// Cost model, nanoseconds on the shared 2-core development machine (AMD
// EPYC, Go 1.26, GOMAXPROCS 2), fitted to BenchmarkCrossover in
// signal_test.go (go test -run '^$' -bench Crossover -count 3 -benchtime
// 200ms ./internal/signal/; mode full; medians in ms). Direct, measured
// with the machine at load average 4–6:
//
//	signal n      kernel m:   3      16     32     64     128    256    1024
//	1024     direct        0.005  0.020  0.059  0.130  0.302  0.270  0.977
//	16384    direct        0.075  0.271  0.648  1.69   2.79   4.16   25.8
//	262144   direct        1.54   5.88   14.3   22.5   53.5   95.1   421
//
// FFT with internal/fft's float32 transform (lengths from fftLen), beside
// direct again, both at load average 12–15 (so 1.5–3× slower than above):
//
//	1024     fft           0.100  0.041  0.041  0.069  0.051  0.053  0.102
//	         direct        0.014  0.077  0.058  0.214  0.514  0.175  1.88
//	16384    fft           0.615  0.558  0.634  0.830  0.554  0.914  2.03
//	         direct        0.096  0.178  0.332  0.636  4.24   7.55   33.5
//	262144   fft           10.3   10.5   70*    22.8   11.8   34.7   17.9
//	         direct        0.812  9.29   32.8   34.6   126    183    518
//	(* an outlier of the shared machine)
//
// Direct is ≈1.5 ns per multiply-add (float64 sums, not vectorised); FFT is
// three real transforms of the padded length N at ≈1 ns per N·log2 N plus
// ≈2 ns per sample (with gonum's float64 fftpack it was 4 and 5 ns). The
// crossover is at m ≈ 16–64 (between 3 and 16 at n = 1024, 32 and 64 at
// n = 16384, about 16 at n = 262144); the model puts it at m ≈ 25–40.
// A call also pays a fixed cost (plans, twiddles, buffers) that the
// per-unit terms miss: n = 1024, m = 3 took 0.05–0.1 ms where they give
// 0.035, so nsFFTCall charges 20 µs, which keeps short signals direct.
const (
	nsDirectMAC = 1.5
	nsFFTUnit   = 1.0   // per N·log2 N of one real transform
	nsFFTSample = 2.0   // per padded sample: copies, product, output
	nsFFTCall   = 20000 // per call: plans, twiddles, buffers
)

// Cost estimates the time in nanoseconds of computing mode's outputs for
// lengths la and lv by method m (Auto: by the cheaper).
func Cost(la, lv int, mode Mode, m Method) float64 {
	n, k := max(la, lv), min(la, lv)
	_, l := span(n, k, mode)
	switch m {
	case Direct:
		// Outputs near the ends overlap fewer taps; l·k bounds the work.
		return float64(l) * float64(k) * nsDirectMAC
	case FFT:
		N := float64(fftLen(n + k - 1))
		return 3*N*math.Log2(max(N, 2))*nsFFTUnit + N*nsFFTSample + nsFFTCall
	}
	return min(Cost(la, lv, mode, Direct), Cost(la, lv, mode, FFT))
}

// Choose returns the cheaper method for lengths la and lv, preferring
// direct on ties.
func Choose(la, lv int, mode Mode) Method {
	if Cost(la, lv, mode, FFT) < Cost(la, lv, mode, Direct) {
		return FFT
	}
	return Direct
}

// Convolve computes numpy.convolve(a, v, mode) into dst (nil allocates;
// else it must have OutLen values) by method (Auto: Choose), and returns
// the result and the method used. Both signals must be non-empty.
func Convolve(dst, a, v []float32, mode Mode, method Method) ([]float32, Method, error) {
	if len(a) == 0 || len(v) == 0 {
		return nil, "", errors.New("signal: cannot convolve an empty signal")
	}
	if mode < Full || mode > Valid {
		return nil, "", fmt.Errorf("signal: unknown mode %d", int(mode))
	}
	if len(v) > len(a) {
		a, v = v, a // numpy swaps so that the kernel is the shorter one
	}
	start, l := span(len(a), len(v), mode)
	if dst == nil {
		dst = make([]float32, l)
	} else if len(dst) != l {
		return nil, "", fmt.Errorf("signal: destination has %d values for %d outputs", len(dst), l)
	}
	if method == "" || method == Auto {
		method = Choose(len(a), len(v), mode)
	}
	if method == FFT && (!finite(a) || !finite(v)) {
		// A transform spreads one NaN or Inf over every output; the
		// direct sum keeps it where numpy does.
		method = Direct
	}
	switch method {
	case Direct:
		direct(dst, a, v, start)
	case FFT:
		viaFFT(dst, a, v, start)
	default:
		return nil, "", fmt.Errorf("signal: unknown method %q", method)
	}
	return dst, method, nil
}

// direct computes full-convolution outputs start, start+1, … into dst,
// summing in float64, split across goroutines when there is enough work.
func direct(dst, a, v []float32, start int) {
	n, m := len(a), len(v)
	rng := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			j := start + i
			var s float64
			for t := max(0, j-m+1); t <= min(n-1, j); t++ {
				s += float64(a[t]) * float64(v[j-t])
			}
			dst[i] = float32(s)
		}
	}
	nw := runtime.GOMAXPROCS(0)
	if nw == 1 || len(dst)*m < 1<<18 {
		rng(0, len(dst))
		return
	}
	chunk := (len(dst) + nw - 1) / nw
	var wg sync.WaitGroup
	for lo := 0; lo < len(dst); lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			rng(lo, hi)
		}(lo, min(lo+chunk, len(dst)))
	}
	wg.Wait()
}

// viaFFT computes the same outputs by the convolution theorem: both signals
// zero-padded to a fast length of at least n+m−1, so that the circular
// convolution the transform computes is the linear one.
func viaFFT(dst, a, v []float32, start int) {
	N := fftLen(len(a) + len(v) - 1)
	t := fft.NewReal(N)
	fa, fv := t.Forward(nil, a), t.Forward(nil, v)
	for i := range fa {
		fa[i] *= fv[i]
	}
	buf := t.Inverse(nil, fa)
	scale := float32(1 / float64(N))
	for i := range dst {
		dst[i] = buf[start+i] * scale
	}
}

// fftLen returns the transform length for n outputs: a multiple of 8 whose
// other factors are 2, 3 and 5. The real transform runs a complex one of
// half the length, and a factor 4 there comes first, so that every later
// pass works on runs of 4 or more values, the width of the assembly
// butterflies; a length such as 16875 = 3³·5⁴ would run every pass in Go.
func fftLen(n int) int { return 8 * fft.GoodSize((n+7)/8) }

// finite reports whether x holds no NaN or infinity.
func finite(x []float32) bool {
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}

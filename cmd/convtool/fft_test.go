package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/tensorio"
)

// The fft fixtures come from numpy: testdata/fft/gen_fft.py.
const fftTestdata = "../../testdata/fft"

func TestFFTSpectrumAndFilter(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"spectrum", []string{"spectrum_12x9_x.npy"}, "spectrum_12x9_ref.npy"},
		{"spectrum prime", []string{"spectrum_13x17_x.npy"}, "spectrum_13x17_ref.npy"},
		{"filter", []string{"filter_band2_6_butter3_13x17_x.npy", "--filter", "bandpass:2:6", "--shape", "butterworth:3"}, "filter_band2_6_butter3_13x17_ref.npy"},
		{"filter ideal", []string{"filter_low5_ideal_32x27_x.npy", "--filter", "lowpass:5"}, "filter_low5_ideal_32x27_ref.npy"},
	} {
		out := filepath.Join(dir, "out.npy")
		args := append([]string{"fft", filepath.Join(fftTestdata, c.args[0]), out}, c.args[1:]...)
		if _, errOut, code := runArgs("", args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, errOut)
		}
		closeTo(t, readOut(t, out), readOut(t, filepath.Join(fftTestdata, c.want)))
	}
}

// TestFFTSpectrumImage checks the picture: log(1+|F|) scaled so that each
// channel's maximum is 255, rounded by the writer.
func TestFFTSpectrumImage(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.png")
	if _, errOut, code := runArgs("", "fft", filepath.Join(fftTestdata, "spectrum_20x30_x.npy"), out); code != 0 {
		t.Fatal(errOut)
	}
	ref := readOut(t, filepath.Join(fftTestdata, "spectrum_20x30_ref.npy"))
	d, err := tensorio.Read(out, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.T.C != 1 || d.T.H != 20 || d.T.W != 30 {
		t.Fatalf("picture is %s, want 1x20x30", d.T.Shape())
	}
	var peak float64
	for _, v := range ref {
		peak = max(peak, math.Log1p(float64(v)))
	}
	for i, v := range ref {
		want := math.Log1p(float64(v)) / peak * 255
		if math.Abs(float64(d.T.Data[i])-want) > 0.5+1e-3 {
			t.Fatalf("pixel %d = %g, want %.3f", i, d.T.Data[i], want)
		}
	}
}

func TestFFTErrors(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(fftTestdata, "spectrum_12x9_x.npy")
	out := filepath.Join(dir, "o.npy")
	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"shape alone", []string{"fft", x, out, "--shape", "gaussian"}, 2, "--filter"},
		{"bad filter", []string{"fft", x, out, "--filter", "notch:3"}, 2, "notch"},
		{"bad shape", []string{"fft", x, out, "--filter", "lowpass:3", "--shape", "box"}, 2, "box"},
		{"zero gaussian", []string{"fft", x, out, "--filter", "lowpass:0", "--shape", "gaussian"}, 2, "radius"},
		{"one arg", []string{"fft", x}, 2, "2 arguments"},
		{"missing", []string{"fft", filepath.Join(dir, "none.npy"), out}, 1, "none.npy"},
	} {
		_, errOut, code := runArgs("", c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d naming %q", c.name, code, errOut, c.code, c.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: wrote %s", c.name, out)
		}
	}
}

func TestKernelSpectrumWired(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.png")
	if _, errOut, code := runArgs("", "kernel", "show", "box:3", "--spectrum", out, "-q"); code != 0 {
		t.Fatal(errOut)
	}
	d, err := tensorio.Read(out, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A 3-tap box has |H| = |1+2cos ω| per axis: 9 at the centre (→ 255)
	// and zero at ω = 2π/3, which on 256 samples falls between bins.
	n := fft.ResponseSide
	if d.T.H != n || d.T.W != n || d.T.At(0, n/2, n/2) != 255 {
		t.Errorf("response %s, centre %g; want %dx%d with 255 at the centre", d.T.Shape(), d.T.At(0, n/2, n/2), n, n)
	}
}

// TestFFTOutputOptions: a highpass result is signed; --offset, --abs and
// --rescale apply to it as in conv. The oracle is numpy's filtered array
// (testdata/fft/gen_fft.py) with the option's definition applied to it;
// 1e-4·(1+|ref|) as closeTo.
func TestFFTOutputOptions(t *testing.T) {
	x := filepath.Join(fftTestdata, "filter_high3_gauss_32x27_x.npy")
	ref := readOut(t, filepath.Join(fftTestdata, "filter_high3_gauss_32x27_ref.npy"))
	lo, hi := ref[0], ref[0]
	for _, v := range ref {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo >= 0 {
		t.Fatalf("fixture not signed: min %v", lo)
	}
	tests := []struct {
		flag string
		want func(v float32) float32
		note string
	}{
		{"--offset=128", func(v float32) float32 { return v + 128 }, "offset 128"},
		{"--abs", func(v float32) float32 { return float32(math.Abs(float64(v))) }, "abs true"},
		{"--rescale", func(v float32) float32 { return (v - lo) / (hi - lo) }, "rescale min..max → 0..1"},
	}
	for _, tc := range tests {
		out := filepath.Join(t.TempDir(), "o.npy")
		_, errOut, code := runArgs("", "fft", x, out, "--filter", "highpass:3", "--shape", "gaussian", tc.flag)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.flag, code, errOut)
		}
		want := make([]float32, len(ref))
		for i, v := range ref {
			want[i] = tc.want(v)
		}
		closeTo(t, readOut(t, out), want)
		if !strings.Contains(errOut, tc.note) {
			t.Errorf("%s: summary %q lacks %q", tc.flag, errOut, tc.note)
		}
	}
	_, errOut, code := runArgs("", "fft", x, filepath.Join(t.TempDir(), "o.npy"), "--abs")
	if code != 2 || !strings.Contains(errOut, "--offset, --abs and --rescale apply to --filter only") {
		t.Errorf("--abs without --filter: exit %d, %q", code, errOut)
	}
}

// TestFFTAndPoolProgress: both draw a bar on a terminal (never in a pipe:
// the other tests run with ErrIsTerminal false and see none), erased
// before the summary.
func TestFFTAndPoolProgress(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = 0 // draw at once
	in := filepath.Join(repoTestdata, "cli", "rgb.png")
	for _, args := range [][]string{
		{"fft", in, filepath.Join(t.TempDir(), "o.png")},
		{"fft", in, filepath.Join(t.TempDir(), "o.png"), "--filter", "lowpass:8"},
		{"pool", in, filepath.Join(t.TempDir(), "o.png"), "--size", "2"},
	} {
		var stdout, stderr strings.Builder
		code := run(args, &streams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr, ErrIsTerminal: true})
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), args[0]+" [") {
			t.Errorf("%v: no bar drawn on a terminal: %q", args, stderr.String())
		}
		last := stderr.String()
		if i := strings.LastIndex(last, "\r"); i >= 0 {
			last = last[i+1:]
		}
		if !strings.HasPrefix(last, args[0]+": ") || !strings.HasSuffix(last, "\n") {
			t.Errorf("%v: stderr ends %q: the summary should follow the erased bar", args, last)
		}
	}
}

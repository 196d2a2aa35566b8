package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/tensorio"
)

// The signal fixtures come from np.convolve: testdata/signal/gen_signal.py.
const signalTestdata = "../../testdata/signal"

func readOut(t *testing.T, path string) []float32 {
	t.Helper()
	d, err := tensorio.Read(path, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.T.Data
}

// closeTo compares within 1e-5 of the largest expected magnitude (see
// internal/signal's tests for why relative to the peak).
func closeTo(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values %v, want %d %v", len(got), got, len(want), want)
	}
	var peak float64
	for _, w := range want {
		peak = max(peak, math.Abs(float64(w)))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); !(d <= 1e-5*peak) {
			t.Fatalf("value %d: got %g, want %g", i, got[i], want[i])
		}
	}
}

func TestSignalForms(t *testing.T) {
	dir := t.TempDir()
	for _, in := range []string{"cli_x.npy", "cli_x_row.npy", "cli_x_col.csv", "cli_x_row.txt"} {
		for _, mode := range []string{"full", "same", "valid"} {
			for _, method := range []string{"direct", "fft", "auto"} {
				for _, k := range []string{"1 2 1", "1,2,1"} {
					out := filepath.Join(dir, "y.npy")
					_, errOut, code := runArgs("", "signal", filepath.Join(signalTestdata, in), out, "-k", k, "--mode", mode, "--method", method)
					if code != 0 {
						t.Fatalf("%s %s %s: exit %d: %s", in, mode, method, code, errOut)
					}
					if !strings.Contains(errOut, "mode "+mode) {
						t.Errorf("summary %q does not name the mode", errOut)
					}
					closeTo(t, readOut(t, out), readOut(t, filepath.Join(signalTestdata, "cli_121_"+mode+".npy")))
				}
			}
		}
	}
}

func TestSignalOutputsAndStdio(t *testing.T) {
	dir := t.TempDir()
	want := readOut(t, filepath.Join(signalTestdata, "cli_121_full.npy"))
	// A kernel file, the kernel longer than the signal (numpy swaps), csv
	// output one value per line.
	kfile := filepath.Join(signalTestdata, "cli_x.npy")
	out := filepath.Join(dir, "y.csv")
	if _, errOut, code := runArgs("", "signal", filepath.Join(signalTestdata, "cli_x_row.txt"), out, "-k", "1 2 1", "-q"); code != 0 {
		t.Fatal(errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(b), "\n"); lines != len(want) {
		t.Errorf("csv has %d lines, want one value per line (%d):\n%s", lines, len(want), b)
	}
	closeTo(t, readOut(t, out), want)

	// stdin to stdout as text, kernel from a file and longer than the signal.
	stdout, errOut, code := runArgs("1\n2\n1\n", "signal", "-", "-", "-k", kfile, "--format", "txt", "-q")
	if code != 0 {
		t.Fatal(errOut)
	}
	var got []float32
	for _, f := range strings.Fields(stdout) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("%q: %v", stdout, err)
		}
		got = append(got, float32(v))
	}
	closeTo(t, got, want)
}

func TestSignalErrors(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(signalTestdata, "cli_x.npy")
	matrix := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(matrix, []byte("1,2\n3,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no kernel", []string{"signal", x, "y.npy"}, 2, "kernel"},
		{"bad mode", []string{"signal", x, "y.npy", "-k", "1", "--mode", "circular"}, 2, "circular"},
		{"bad method", []string{"signal", x, "y.npy", "-k", "1", "--method", "gemm"}, 2, "gemm"},
		{"both stdin", []string{"signal", "-", "y.npy", "-k", "-"}, 2, "stdin"},
		{"bad inline", []string{"signal", x, "y.npy", "-k", "1 x 1"}, 1, "neither a file"},
		{"matrix input", []string{"signal", matrix, "y.npy", "-k", "1"}, 1, "not a 1-D signal"},
		{"image output", []string{"signal", x, "y.png", "-k", "1"}, 2, "png"},
		{"missing input", []string{"signal", filepath.Join(dir, "none.npy"), "y.npy", "-k", "1"}, 1, "none.npy"},
	} {
		out := filepath.Join(dir, "y.npy")
		args := append([]string{}, c.args...)
		for i, a := range args {
			if a == "y.npy" || a == "y.png" {
				args[i] = filepath.Join(dir, a)
			}
		}
		_, errOut, code := runArgs("", args...)
		if code != c.code || !strings.Contains(errOut, c.msg) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want exit %d, one line naming %q", c.name, code, errOut, c.code, c.msg)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: wrote %s", c.name, out)
		}
	}
}

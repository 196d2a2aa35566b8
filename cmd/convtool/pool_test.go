package main

import (
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/tensorio"
)

// TestPoolFlags checks flag parsing and validation without running the work.
func TestPoolFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string // "" = accepted
		chk  func(*testing.T, *poolOptions)
	}{
		{"defaults", []string{"--size", "3"}, "", func(t *testing.T, o *poolOptions) {
			p := o.plan.Params
			if p.KH != 3 || p.SH != 3 || p.PH != 0 || p.DH != 1 || !p.CountIncludePad || p.Op.String() != "max" {
				t.Errorf("%+v", p)
			}
		}},
		{"pairs", []string{"--op", "mean", "--size", "3,2", "--stride", "2,1", "--padding", "1,0", "--count-include-pad=false"}, "", func(t *testing.T, o *poolOptions) {
			p := o.plan.Params
			if p.KH != 3 || p.KW != 2 || p.SH != 2 || p.SW != 1 || p.PH != 1 || p.PW != 0 || p.CountIncludePad || p.Op.String() != "avg" {
				t.Errorf("%+v", p)
			}
		}},
		{"adaptive", []string{"--adaptive", "6x4", "--op", "avg"}, "", func(t *testing.T, o *poolOptions) {
			if o.plan.Adaptive.H != 6 || o.plan.Adaptive.W != 4 {
				t.Errorf("%+v", o.plan.Adaptive)
			}
		}},
		{"no size", nil, "needs --size", nil},
		{"bad op", []string{"--op", "median", "--size", "2"}, `"median" is not one of`, nil},
		{"pad over half", []string{"--size", "3", "--padding", "2"}, "more than half the window", nil},
		{"dilated avg", []string{"--op", "avg", "--size", "2", "--dilation", "2"}, "max and min only", nil},
		{"cip with max", []string{"--size", "2", "--count-include-pad=false"}, "avg only", nil},
		{"global and size", []string{"--global", "--size", "2"}, "does not apply to --global", nil},
		{"global and adaptive", []string{"--global", "--adaptive", "2x2"}, "exclude each other", nil},
		{"bad adaptive", []string{"--adaptive", "0x2"}, "--adaptive", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *poolOptions
			io := &streams{In: strings.NewReader(""), Out: &strings.Builder{}, ErrOut: &strings.Builder{}}
			cmd := newCmdPoolWith(io, &globalOptions{}, func(o *poolOptions) error { got = o; return nil })
			cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
			cmd.SetArgs(append([]string{"in.npy", "out.npy"}, tt.args...))
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.chk(t, got)
		})
	}
}

// TestPoolImage pools an 8-bit grey PNG: avg results are rounded back to
// the image's depth, max keeps samples, the summary names what ran.
func TestPoolImage(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.png")
	img := image.NewGray(image.Rect(0, 0, 4, 2))
	for i, v := range []uint8{0, 1, 10, 20, 0, 0, 30, 255} {
		img.Pix[i] = v
	}
	poolWritePNG(t, in, img)

	tests := []struct {
		name string
		args []string
		want []float32
		sum  string
	}{
		// windows (0,1,0,0) → 0.25 → 0; (10,20,30,255) → 78.75 → 79
		{"avg", []string{"--op", "avg", "--size", "2"}, []float32{0, 79}, "pool: op avg, size 2, stride 2, padding 0, ceil false, count_include_pad true, input D/in.png 1x2x4, output D/avg.png 1x1x2"},
		{"max", []string{"--size", "2"}, []float32{1, 255}, "pool: op max, size 2, stride 2, padding 0, ceil false, input D/in.png 1x2x4, output D/max.png 1x1x2"},
		// sqrt(1) = 1; sqrt(100+400+900+65025) = 257.7 → clamped 255
		{"l2", []string{"--op", "l2", "--size", "2"}, []float32{1, 255}, "pool: op l2"},
		{"min global", []string{"--op", "min", "--global"}, []float32{0}, "pool: op min, mode global, input D/in.png 1x2x4, output D/min-global.png 1x1x1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".png")
			stdout, stderr, code := runArgs("", append([]string{"pool", in, out}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			// The summary names the files; D stands for the test's directory.
			if stdout != "" || !strings.HasPrefix(strings.ReplaceAll(stderr, dir, "D"), tt.sum) {
				t.Errorf("stdout %q stderr %q, want summary starting %q", stdout, stderr, tt.sum)
			}
			d, err := tensorio.Read(out, tensorio.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Depth != 8 || d.T.C != 1 || len(d.T.Data) != len(tt.want) {
				t.Fatalf("depth %d shape %s", d.Depth, d.T.Shape())
			}
			for i, w := range tt.want {
				if d.T.Data[i] != w {
					t.Errorf("pixel %d = %g, want %g", i, d.T.Data[i], w)
				}
			}
		})
	}
}

// TestPoolMatrixJSON pools a CSV matrix (float values kept) and prints the
// summary as JSON.
func TestPoolMatrixJSON(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "m.csv"), filepath.Join(dir, "o.npy")
	if err := os.WriteFile(in, []byte("1,2,3\n4,5,6\n7,8,9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runArgs("", "pool", in, out, "--op", "avg", "--size", "2", "--stride", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	wantOut := map[string]any{"file": out, "c": 1.0, "h": 2.0, "w": 2.0}
	if sum["command"] != "pool" || sum["op"] != "avg" || !reflect.DeepEqual(sum["output"], wantOut) {
		t.Errorf("summary %v", sum)
	}
	d, err := tensorio.Read(out, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{3, 4, 6, 7}
	for i, w := range want {
		if d.T.Data[i] != w {
			t.Errorf("value %d = %g, want %g", i, d.T.Data[i], w)
		}
	}
}

// TestPoolCeilWindowOverInput is QA's report: with --ceil PyTorch accepts a
// window larger than the input as long as the output is at least 1
// (x = arange(15) as 3×5, F.max_pool2d(x, 4, 2, ceil_mode=True) is
// [[13, 14]], F.avg_pool2d [[6.5, 8]]; with padding 1, count_include_pad
// decides whether the clipped window's padding counts).
func TestPoolCeilWindowOverInput(t *testing.T) {
	dir := t.TempDir()
	p35 := filepath.Join(dir, "p35.csv")
	if err := os.WriteFile(p35, []byte("0,1,2,3,4\n5,6,7,8,9\n10,11,12,13,14\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(one, []byte("5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		args []string
		h, w int
		want []float32
	}{
		{"max", p35, []string{"--size", "4", "--stride", "2", "--ceil"}, 1, 2, []float32{13, 14}},
		{"avg", p35, []string{"--op", "avg", "--size", "4", "--stride", "2", "--ceil"}, 1, 2, []float32{6.5, 8}},
		// torch: F.avg_pool2d(x, 4, 2, 1, ceil_mode=True) → 2×3 with window sums
		// 54 90 51 / 51 80 44. Counting padding, the divisor is the window
		// clipped to the padded 5×7 (rows −1..2 | 1..3, columns −1..2 | 1..4 |
		// 3..5): 16 16 12 / 12 12 9; without, the samples: 9 12 6 / 6 8 4.
		{"avg pad include", p35, []string{"--op", "avg", "--size", "4", "--stride", "2", "--padding", "1", "--ceil"}, 2, 3,
			[]float32{3.375, 5.625, 4.25, 4.25, 80.0 / 12, 44.0 / 9}},
		{"avg pad exclude", p35, []string{"--op", "avg", "--size", "4", "--stride", "2", "--padding", "1", "--ceil", "--count-include-pad=false"}, 2, 3,
			[]float32{6, 7.5, 8.5, 8.5, 10, 11}},
		{"1x1 k2", one, []string{"--op", "avg", "--size", "2", "--ceil"}, 1, 1, []float32{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name+".npy")
			_, stderr, code := runArgs("", append([]string{"pool", tt.in, out}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			d, err := tensorio.Read(out, tensorio.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if d.T.H != tt.h || d.T.W != tt.w {
				t.Fatalf("output %dx%d, want %dx%d", d.T.H, d.T.W, tt.h, tt.w)
			}
			for i, w := range tt.want {
				if math.Abs(float64(d.T.Data[i]-w)) > 1e-5 {
					t.Errorf("value %d = %g, want %g", i, d.T.Data[i], w)
				}
			}
		})
	}
	_, stderr, code := runArgs("", "pool", one, filepath.Join(dir, "no.npy"), "--size", "5", "--stride", "2", "--ceil")
	if code != 1 || !strings.Contains(stderr, "is less than 1") {
		t.Errorf("1x1 k5 s2 ceil: exit %d stderr %q", code, stderr)
	}
}

func TestPoolErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(in, []byte("1,2\n3,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.csv")
	_, stderr, code := runArgs("", "pool", in, out, "--size", "3")
	if code != 1 || !strings.Contains(stderr, in) || !strings.Contains(stderr, "larger than the padded input") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output written on error: %v", err)
	}
	_, stderr, code = runArgs("", "pool", in, out, "--size", "2", "--padding", "2")
	if code != 2 || !strings.Contains(stderr, "more than half the window") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}

func poolWritePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

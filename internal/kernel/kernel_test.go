package kernel

import (
	"math"
	"strings"
	"testing"
)

func TestParseInline(t *testing.T) {
	tests := []struct {
		name, spec string
		h, w       int
		data       []float32
	}{
		{"semicolons", "1 2 1; 2 4 2; 1 2 1", 3, 3, []float32{1, 2, 1, 2, 4, 2, 1, 2, 1}},
		{"commas", "1,2;3,4", 2, 2, []float32{1, 2, 3, 4}},
		{"newlines and trailing ;", "1 -2\n3.5, 4e-1;\n", 2, 2, []float32{1, -2, 3.5, 0.4}},
		{"one row", "-1 0 1", 1, 3, []float32{-1, 0, 1}},
		{"one column", "1;2;1", 3, 1, []float32{1, 2, 1}},
		{"scalar", "2", 1, 1, []float32{2}},
		{"ImageMagick", "3x1: 1, 0, -1", 1, 3, []float32{1, 0, -1}},
		{"ImageMagick square", " 2: 1 2 3 4", 2, 2, []float32{1, 2, 3, 4}},
		{"ImageMagick multi-line", "2x2:\n 1, 2,\n 3, 4\n", 2, 2, []float32{1, 2, 3, 4}},
		{"built-in case", "SOBEL-X", 3, 3, []float32{-1, 0, 1, -2, 0, 2, -1, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, b, err := Parse(tc.spec)
			if err != nil || b != nil {
				t.Fatalf("Parse(%q): %v", tc.spec, err)
			}
			if k.H != tc.h || k.W != tc.w {
				t.Fatalf("size %dx%d, want %dx%d", k.H, k.W, tc.h, tc.w)
			}
			for i := range tc.data {
				if k.Data[i] != tc.data[i] {
					t.Fatalf("data %v, want %v", k.Data, tc.data)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", "empty"},
		{"   ;  ; ", "empty kernel"},
		{"gausian:2", `did you mean gaussian`},
		{"sobel", "sobel-x, sobel-y"},
		{"frobnicate", "unknown built-in"},
		{"gaussian", "takes 1 to 2 parameters"},
		{"gaussian:0", "must be positive"},
		{"gaussian:-1", "must be positive"},
		{"gaussian:1:0", "at least 1"},
		{"gaussian:300", "over the limit of 1025"},
		{"gaussian:x", `"x" is not a number`},
		{"gaussian:nan", "not a number"},
		{"identity:4", "must be odd"},
		{"box:0", "at least 1"},
		{"box:2.5", "not an integer"},
		{"box:2001", "exceeds the limit of 1025"},
		{"box:3:3", "takes 1 parameters"},
		{"sobel-x:3", "takes 0 parameters"},
		{"log:0", "must be positive"},
		{"motion:0", "whole number"},
		{"motion:5:inf", "not finite"},
		{"disk:-1", "whole number"},
		{"disk:600", "over the limit"},
		{"1 2 3; 4 5", "ragged rows: row 2 has 2 values, row 1 has 3"},
		{"1 nan; 2 3", `"nan" is not finite`},
		{"1 inf", "not finite"},
		{"1e39", "overflows float32"},
		{"1 2 x", `"x" is not a number`},
		{"3x3: 1,2,3", "needs 9 values, got 3"},
		{"2x2+2+0: 1 2 3 4", "origin +2+0 lies outside"},
		{"0x3:", "at least 1x1"},
		{"2x2: 1 2; 3 4", "not supported"},
		{"missing.npy", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			k, b, err := Parse(tc.spec)
			if err == nil || k != nil || b != nil {
				t.Fatalf("Parse(%q) = %v, %v, %v; want an error", tc.spec, k, b, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if !strings.HasPrefix(msg, "kernel \"") || strings.Contains(msg, "\n") {
				t.Errorf("error %q is not one line naming the spec", msg)
			}
		})
	}
}

func TestNormalized(t *testing.T) {
	tests := []struct {
		spec string
		want []float32
	}{
		{"1 2 1", []float32{0.25, 0.5, 0.25}},
		{"-1 0 1", []float32{-1, 0, 1}}, // zero sum: unchanged
		{"2 -1", []float32{2, -1}},
		{"-1 -1", []float32{0.5, 0.5}},
	}
	for _, tc := range tests {
		k, _, err := Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		n := k.Normalized()
		for i, v := range tc.want {
			if n.Data[i] != v {
				t.Errorf("%s normalized = %v, want %v", tc.spec, n.Data, tc.want)
				break
			}
		}
		if &n.Data[0] == &k.Data[0] {
			t.Errorf("%s: Normalized shares storage with the original", tc.spec)
		}
	}
}

// TestSeparate checks the rank rule and that col ⊗ row rebuilds a rank-1
// kernel to within float32 rounding (1e-6 of the largest element).
func TestSeparate(t *testing.T) {
	tests := []struct {
		spec string
		rank int
	}{
		{"sobel-x", 1}, {"sobel-y", 1}, {"scharr-x", 1}, {"prewitt-y", 1},
		{"gaussian:1.5", 1}, {"gaussian:3", 1}, {"box:5", 1}, {"identity:3", 1},
		{"disk:0", 1}, {"motion:9", 1}, {"1 2; 2 4", 1},
		{"laplacian", 2}, {"sharpen", 2}, {"laplacian8", 2}, {"outline", 2},
		{"emboss", 3}, {"log:1", 2}, {"disk:3", 3}, {"0 0; 0 0", 0},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			k, _, err := Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			col, row, rank := k.Separate(DefaultRankTol)
			if rank != tc.rank {
				t.Fatalf("rank %d, want %d (σ = %v)", rank, tc.rank, k.SingularValues())
			}
			if rank != 1 {
				if col != nil || row != nil {
					t.Fatalf("rank %d but factors returned", rank)
				}
				return
			}
			if len(col) != k.H || len(row) != k.W {
				t.Fatalf("factor lengths %d, %d for %dx%d", len(col), len(row), k.H, k.W)
			}
			lo, hi := k.MinMax()
			scale := math.Max(math.Abs(float64(lo)), math.Abs(float64(hi)))
			for y := range col {
				for x := range row {
					d := math.Abs(float64(col[y])*float64(row[x]) - float64(k.At(y, x)))
					if d > 1e-6*scale {
						t.Fatalf("col⊗row differs by %g at (%d,%d)", d, y, x)
					}
				}
			}
		})
	}
	k, _, _ := Parse("sobel-x")
	col, row, _ := k.Separate(DefaultRankTol)
	if !(col[1] > col[0] && col[0] > 0 && row[2] > 0 && row[0] < 0) {
		t.Errorf("sobel-x factors %v, %v: want col ∝ [1 2 1], row ∝ [-1 0 1]", col, row)
	}
}

func TestDilated(t *testing.T) {
	k, _, _ := Parse("3x2+1+1: 1 2 3 4 5 6")
	d := k.Dilated(2, 3)
	want := []float32{
		1, 0, 0, 2, 0, 0, 3,
		0, 0, 0, 0, 0, 0, 0,
		4, 0, 0, 5, 0, 0, 6,
	}
	if d.H != 3 || d.W != 7 {
		t.Fatalf("size %dx%d, want 3x7", d.H, d.W)
	}
	for i := range want {
		if d.Data[i] != want[i] {
			t.Fatalf("data %v, want %v", d.Data, want)
		}
	}
	if y, x := d.Anchor(); y != 2 || x != 3 {
		t.Errorf("origin (%d,%d), want (2,3)", y, x)
	}
	if e := k.Dilated(1, 1); e.H != 2 || e.W != 3 || e.Data[5] != 6 {
		t.Errorf("dilation 1 changed the kernel: %+v", e)
	}
}

func TestTransposedAndRotate(t *testing.T) {
	x, _, _ := Parse("sobel-x")
	y, _, _ := Parse("sobel-y")
	tr := x.Transposed()
	for i := range y.Data {
		if tr.Data[i] != y.Data[i] {
			t.Fatalf("sobel-x transposed = %v, want sobel-y %v", tr.Data, y.Data)
		}
	}
	r := x.Rotate180()
	for i := range x.Data {
		if r.Data[i] != -x.Data[i] {
			t.Fatalf("sobel-x turned by 180° = %v, want its negative", r.Data)
		}
	}
}

func TestBuiltinsListed(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range Builtins() {
		if b.Description == "" || strings.Contains(b.Description, "\n") {
			t.Errorf("%s: description must be one line", b.Name)
		}
		if seen[b.Name] {
			t.Errorf("%s listed twice", b.Name)
		}
		seen[b.Name] = true
		spec := b.Name
		switch b.nreq {
		case 1:
			spec += ":3"
		}
		k, _, err := Parse(spec)
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if b.Name != "log" && !k.HasNegative() && !k.IsNormalized() && b.Name != "laplacian" {
			t.Errorf("%s: a non-negative built-in should sum to 1, sums to %g", spec, k.Sum())
		}
	}
	for _, n := range []string{"identity", "box", "gaussian", "sobel-x", "sobel-y", "scharr-x", "scharr-y",
		"prewitt-x", "prewitt-y", "laplacian", "laplacian8", "log", "sharpen", "emboss", "outline", "motion", "disk"} {
		if !seen[n] {
			t.Errorf("SPEC built-in %s missing", n)
		}
	}
}

// FuzzParse: Parse never panics, returns exactly one of kernel, bank and
// error, and a kernel it returns is well formed and finite.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"identity", "box:3", "gaussian:1.5", "gaussian:2:7", "log:1", "motion:7:30", "disk:2",
		"1 2 1; 2 4 2; 1 2 1", "1,2\n3,4", "3x3: 1,2,1,2,4,2,1,2,1", "3x3+0+2: 1 2 3 4 5 6 7 8 9",
		"2: 1 2 3 4", "1 2; 3", "nan", "1e39", "motion:1000:1e300", "gaussian:1e-300", "box:-3",
		"5x: 1", ":", ";;", "x", "-", "0x0:", "1 -0 +3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		k, b, err := Parse(spec)
		n := 0
		for _, ok := range []bool{k != nil, b != nil, err != nil} {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("Parse(%q) = %v, %v, %v: want exactly one non-nil", spec, k, b, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error is not one line: %q", err)
		}
		if k == nil {
			return
		}
		if k.H < 1 || k.W < 1 || k.H*k.W != len(k.Data) {
			t.Fatalf("Parse(%q): %dx%d with %d values", spec, k.H, k.W, len(k.Data))
		}
		for _, v := range k.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("Parse(%q): value %v", spec, v)
			}
		}
	})
}

// TestZeroSumUpToTruncation: derivative kernels and the truncated LoG are
// left as they are by Normalized; kernels with a real sum are divided.
func TestZeroSumUpToTruncation(t *testing.T) {
	for _, tc := range []struct {
		spec string
		zero bool
	}{{"sobel-x", true}, {"laplacian", true}, {"log:1.4", true}, {"outline", true}, {"sharpen", false}, {"emboss", false}, {"box:3", false}} {
		k, _, err := Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if k.ZeroSum() != tc.zero {
			t.Errorf("%s: ZeroSum %v, want %v (sum %g)", tc.spec, k.ZeroSum(), tc.zero, k.Sum())
		}
		n := k.Normalized()
		if tc.zero && n.Sum() != k.Sum() {
			t.Errorf("%s: Normalized changed a zero-sum kernel (sum %g -> %g)", tc.spec, k.Sum(), n.Sum())
		}
		if !tc.zero && math.Abs(n.Sum()-1) > 1e-6 {
			t.Errorf("%s: Normalized sum %g, want 1", tc.spec, n.Sum())
		}
	}
}

package pool

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// poolCase is one PyTorch result from testdata/pool/gen_pool.py.
type poolCase struct {
	Name     string    `json:"name"`
	Op       string    `json:"op"`
	Shape    []int     `json:"shape"`
	Input    []float32 `json:"input"`
	K        []int     `json:"k"`
	S        []int     `json:"s"`
	P        []int     `json:"p"`
	D        []int     `json:"d"`
	Ceil     bool      `json:"ceil"`
	CIP      bool      `json:"count_include_pad"`
	Out      []int     `json:"out"`
	Error    bool      `json:"error"`
	OutShape []int     `json:"out_shape"`
	Output   []float32 `json:"output"`
}

func loadCases(t *testing.T) []poolCase {
	t.Helper()
	b, err := os.ReadFile("../../testdata/pool/pool_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []poolCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) < 300 {
		t.Fatalf("only %d cases in the fixture", len(doc.Cases))
	}
	return doc.Cases
}

// tolerance: avg and l2 accumulate in float64 here and in float32 in
// PyTorch; the fixture prints 8 significant digits.
const tol = 2e-6

// TestAgainstPyTorch runs every fixture case: max/min/avg/l2 sliding
// windows over all flag combinations, ceil-mode edge cases, refused
// geometries, adaptive and global pooling.
func TestAgainstPyTorch(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			x, err := tensor.FromData(c.Shape[0], c.Shape[1], c.Shape[2], c.Input)
			if err != nil {
				t.Fatal(err)
			}
			var got *tensor.Tensor
			if kind, opName, ok := strings.Cut(c.Op, "-"); ok {
				op, err := ParseOp(opName)
				if err != nil {
					t.Fatal(err)
				}
				if kind == "global" {
					got, err = Global(x, op)
				} else {
					got, err = Adaptive(x, op, c.Out[0], c.Out[1])
				}
				if err != nil {
					t.Fatal(err)
				}
			} else {
				op, err := ParseOp(c.Op)
				if err != nil {
					t.Fatal(err)
				}
				p := Params{Op: op, KH: c.K[0], KW: c.K[1], SH: c.S[0], SW: c.S[1], PH: c.P[0], PW: c.P[1],
					DH: c.D[0], DW: c.D[1], Ceil: c.Ceil, CountIncludePad: c.CIP}
				got, err = Pool(x, p)
				if c.Error {
					if err == nil {
						t.Fatalf("PyTorch refuses this geometry, Pool gave %s", got.Shape())
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			want, err := tensor.FromData(c.OutShape[0], c.OutShape[1], c.OutShape[2], c.Output)
			if err != nil {
				t.Fatal(err)
			}
			if !got.SameShape(want) {
				t.Fatalf("shape %s, PyTorch %s", got.Shape(), want.Shape())
			}
			for i, w := range want.Data {
				if d := math.Abs(float64(got.Data[i]) - float64(w)); d > tol*max(1, math.Abs(float64(w))) {
					t.Fatalf("value %d: got %g, PyTorch %g (|diff| %g > %g relative)", i, got.Data[i], w, d, tol)
				}
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	x := tensor.New(1, 6, 6)
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"pad over half", Params{Op: Max, KH: 3, KW: 3, PH: 2, PW: 2}, "more than half the window"},
		{"dilated avg", Params{Op: Avg, KH: 2, KW: 2, DH: 2, DW: 2}, "dilation is only defined"},
		{"dilated l2", Params{Op: L2, KH: 2, KW: 2, DH: 2, DW: 1}, "dilation is only defined"},
		{"window too large", Params{Op: Avg, KH: 7, KW: 7}, "larger than the padded input"},
		{"zero window", Params{Op: Max, KH: 0, KW: 2}, "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Pool(x, tt.p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestNaN: max pooling propagates NaN, as PyTorch does.
func TestNaN(t *testing.T) {
	x, _ := tensor.FromData(1, 2, 2, []float32{1, float32(math.NaN()), 3, 4})
	y, err := Pool(x, Params{Op: Max, KH: 2, KW: 2})
	if err != nil {
		t.Fatal(err)
	}
	if v := y.Data[0]; v == v {
		t.Fatalf("max over a NaN = %g, want NaN", v)
	}
}

func ExamplePool() {
	x, _ := tensor.FromData(1, 4, 4, []float32{
		1, 2, 5, 6,
		3, 4, 7, 8,
		9, 10, 13, 14,
		11, 12, 15, 16,
	})
	y, _ := Pool(x, Params{Op: Max, KH: 2, KW: 2})
	fmt.Println(y.Shape(), y.Data)
	// Output:
	// 1x2x2 [4 8 12 16]
}

func BenchmarkMax3x3s2_1024(b *testing.B) {
	x := tensor.New(3, 1024, 1024)
	for i := range x.Data {
		x.Data[i] = float32(i % 251)
	}
	b.SetBytes(int64(len(x.Data) * 4))
	for b.Loop() {
		if _, err := Pool(x, Params{Op: Max, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMaxMatchesNaive compares max pooling (whose whole-window columns run
// tap by tap across the row) with the definition, every tap checked
// against the input's bounds, on random geometries with some NaNs: wide
// rows so that the whole-window run is long, and windows, strides,
// dilations, padding and ceil mode that leave clipped columns at both
// edges.
func TestMaxMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		h, w := 1+rng.IntN(12), 1+rng.IntN(60)
		p := Params{Op: Max, KH: 1 + rng.IntN(4), KW: 1 + rng.IntN(4), SH: 1 + rng.IntN(3), SW: 1 + rng.IntN(3),
			DH: 1 + rng.IntN(2), DW: 1 + rng.IntN(2), Ceil: rng.IntN(2) == 0}
		p.PH, p.PW = rng.IntN(p.KH/2+1), rng.IntN(p.KW/2+1)
		x := tensor.New(2, h, w)
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
			if rng.IntN(97) == 0 {
				x.Data[i] = float32(math.NaN())
			}
		}
		got, err := Pool(x, p)
		if err != nil {
			continue // a geometry PyTorch refuses; TestRefusals covers them
		}
		for c := range x.C {
			for oy := range got.H {
				for ox := range got.W {
					want, nan := float32(math.Inf(-1)), false
					for i := range p.KH {
						for j := range p.KW {
							y, xx := oy*p.SH-p.PH+i*p.DH, ox*p.SW-p.PW+j*p.DW
							if y < 0 || y >= h || xx < 0 || xx >= w {
								continue
							}
							v := x.Data[(c*h+y)*w+xx]
							nan = nan || v != v
							want = max(want, v)
						}
					}
					g := got.Data[(c*got.H+oy)*got.W+ox]
					if nan && g == g || !nan && g != want {
						t.Fatalf("case %d %dx%d %+v: output (%d,%d,%d) = %g, want %g", n, h, w, p, c, oy, ox, g, want)
					}
				}
			}
		}
	}
}

package conv

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/conv")

func explainCases() []struct {
	name string
	in   *tensor.Tensor
	k    *kernel.Kernel
	p    Params
} {
	seq := func(c, h, w int) *tensor.Tensor {
		x := tensor.New(c, h, w)
		for i := range x.Data {
			x.Data[i] = float32(i + 1)
		}
		return x
	}
	k3 := &kernel.Kernel{H: 3, W: 3, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}}
	lap := &kernel.Kernel{H: 3, W: 3, Data: []float32{0, 1, 0, 1, -4, 1, 0, 1, 0}}
	p := NewParams()
	same := p
	same.Pad = Pad{1, 1, 1, 1}
	same.Edge = Reflect
	strided := p
	strided.StrideY, strided.StrideX, strided.DilY, strided.DilX = 2, 2, 2, 1
	strided.Pad = Pad{1, 1, 1, 1}
	tr := p
	tr.Transpose = true
	tr2 := p
	tr2.Transpose, tr2.StrideY, tr2.StrideX, tr2.Pad, tr2.OutPadY, tr2.OutPadX = true, 2, 2, Pad{Top: 1, Left: 1}, 1, 1
	return []struct {
		name string
		in   *tensor.Tensor
		k    *kernel.Kernel
		p    Params
	}{
		{"explain_valid", seq(1, 4, 4), k3, p},
		{"explain_reflect_laplacian", seq(1, 3, 4), lap, same},
		{"explain_stride_dilation", seq(2, 5, 5), &kernel.Kernel{H: 2, W: 2, Data: []float32{1, -1, 0.5, 2}}, strided},
		// The notes' example: 2×2 input, 3×3 kernel, transposed stride 1
		// pad 0 → 4×4, seen as a 3×3 convolution of the 2×2 input padded
		// by two rings of zeros.
		{"explain_transpose_notes", seq(1, 2, 2), k3, tr},
		{"explain_transpose_s2_p1_op1", seq(1, 2, 2), k3, tr2},
	}
}

func TestExplainGolden(t *testing.T) {
	for _, tc := range explainCases() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Explain(&buf, tc.in, tc.k, tc.p); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(fixtures, tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("Explain output differs from %s (run go test -update to accept):\n%s", path, buf.String())
			}
		})
	}
}

// TestExplainSumsMatchFilter checks that the sums Explain prints, in order,
// are Filter's output.
func TestExplainSumsMatchFilter(t *testing.T) {
	sumRE := regexp.MustCompile(`(?m)^  sum = (\S+)$`)
	for _, tc := range explainCases() {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Explain(&buf, tc.in, tc.k, tc.p); err != nil {
				t.Fatal(err)
			}
			want, _, err := Filter(tc.in, tc.k, tc.p, Direct)
			if err != nil {
				t.Fatal(err)
			}
			sums := sumRE.FindAllStringSubmatch(buf.String(), -1)
			if len(sums) != len(want.Data) {
				t.Fatalf("printed %d sums for %d outputs", len(sums), len(want.Data))
			}
			for i, m := range sums {
				v, err := strconv.ParseFloat(m[1], 64)
				if err != nil {
					t.Fatal(err)
				}
				// Sums are printed with 6 significant digits.
				if w := float64(want.Data[i]); math.Abs(v-w) > 1e-5*(1+math.Abs(w)) {
					t.Errorf("sum %d printed %v, Filter gives %v", i, v, w)
				}
			}
		})
	}
}

func TestExplainRefusesLargeInputs(t *testing.T) {
	k := &kernel.Kernel{H: 3, W: 3, Data: make([]float32, 9)}
	if err := Explain(&bytes.Buffer{}, tensor.New(1, 21, 20), k, NewParams()); err == nil {
		t.Error("Explain accepted a 21x20 input")
	}
	if err := Explain(&bytes.Buffer{}, tensor.New(1, 20, 20), &kernel.Kernel{H: 10, W: 10, Data: make([]float32, 100)}, NewParams()); err == nil {
		t.Error("Explain accepted a 10x10 kernel")
	}
}

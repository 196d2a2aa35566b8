package pool

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
)

var update = flag.Bool("update", false, "rewrite the golden explanations in testdata/explain")

const notesDir = "../../testdata/explain"

func readFixture(t *testing.T, path string) *tensor.Tensor {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x, err := tensor.FromData(a.Shape[0], a.Shape[1], a.Shape[2], a.Data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestExplainNotesPools checks the pool explanations of the notes'
// examples against golden text, and every value they print against
// PyTorch's output (testdata/explain/gen_explain.py; 6 significant digits
// printed, hence 1e-5 relative).
func TestExplainNotesPools(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Params
	}{
		{"maxpool_ceil", Params{Op: Max, KH: 3, KW: 3, SH: 2, SW: 2, Ceil: true}},
		{"avgpool_p1_ceil_inc1", Params{Op: Avg, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Ceil: true, CountIncludePad: true}},
		{"avgpool_p1_ceil_inc0", Params{Op: Avg, KH: 3, KW: 3, SH: 2, SW: 2, PH: 1, PW: 1, Ceil: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := filepath.Join(notesDir, tc.name)
			x, y := readFixture(t, base+".x.npy"), readFixture(t, base+".y.npy")
			var buf bytes.Buffer
			if err := Explain(&buf, x, tc.p); err != nil {
				t.Fatal(err)
			}
			path := base + ".golden"
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
				t.Errorf("explanation differs from %s (go test -update to accept):\n%s", path, buf.String())
			}
			re := regexp.MustCompile(`(?m)^  (?:max = (\S+) at|sum = .* -> ([^;\s]+))`)
			ms := re.FindAllStringSubmatch(buf.String(), -1)
			if len(ms) != len(y.Data) {
				t.Fatalf("printed %d results for PyTorch's %d", len(ms), len(y.Data))
			}
			for i, m := range ms {
				v, err := strconv.ParseFloat(m[1]+m[2], 64)
				if err != nil {
					t.Fatal(err)
				}
				if w := float64(y.Data[i]); math.Abs(v-w) > 1e-5*(1+math.Abs(w)) {
					t.Errorf("output %d: printed %v, PyTorch %v", i, v, w)
				}
			}
			if tc.p.Ceil && !strings.Contains(buf.String(), "(partial: past the padded input") {
				t.Error("no partial ceil-mode window was pointed out")
			}
		})
	}
}

func TestExplainMaxPosition(t *testing.T) {
	x := tensor.New(1, 4, 4)
	x.Set(0, 1, 2, 9)
	x.Set(0, 3, 0, -1)
	var buf bytes.Buffer
	if err := Explain(&buf, x, Params{Op: Max, KH: 2, KW: 2}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "max = 9 at input row 1, column 2") {
		t.Errorf("the maximum's position is not named:\n%s", buf.String())
	}
	if err := Explain(&buf, tensor.New(1, 21, 20), Params{Op: Max, KH: 2, KW: 2}); err == nil {
		t.Error("explained a 420-sample input")
	}
}

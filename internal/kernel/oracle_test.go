package kernel

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// oracleFile is written by testdata/kernel/gen_kernels.py from OpenCV,
// scipy, numpy and ImageMagick.
var oracleFile = filepath.Join("..", "..", "testdata", "kernel", "oracle.json")

type oracleKernel struct {
	Spec   string    `json:"spec"`
	Oracle string    `json:"oracle"`
	H      int       `json:"h"`
	W      int       `json:"w"`
	Data   []float64 `json:"data"`
}

type oracleSVD struct {
	Spec   string    `json:"spec"`
	Matrix string    `json:"matrix"`
	S      []float64 `json:"s"`
}

func loadOracle(t *testing.T) (ks []oracleKernel, svd []oracleSVD) {
	t.Helper()
	b, err := os.ReadFile(oracleFile)
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Kernels []oracleKernel `json:"kernels"`
		SVD     []oracleSVD    `json:"svd"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Kernels) == 0 || len(o.SVD) == 0 {
		t.Fatalf("%s holds no cases", oracleFile)
	}
	return o.Kernels, o.SVD
}

// TestBuiltinsAgainstOracles compares every built-in with the kernel an
// independent implementation produced. The tolerance is 2e-7 absolute
// plus 1e-6 relative: the oracles compute in float64 and convtool stores
// float32, whose rounding is 6e-8 relative; anything larger is a wrong
// definition (a kernel off by one cell or a wrong sigma differs by ≥1e-3).
func TestBuiltinsAgainstOracles(t *testing.T) {
	ks, _ := loadOracle(t)
	seen := map[string]bool{}
	for _, o := range ks {
		t.Run(o.Spec+"/"+o.Oracle, func(t *testing.T) {
			k, b, err := Parse(o.Spec)
			if err != nil || b != nil {
				t.Fatalf("Parse: %v (bank %v)", err, b)
			}
			if k.H != o.H || k.W != o.W {
				t.Fatalf("size %dx%d, oracle %dx%d", k.H, k.W, o.H, o.W)
			}
			for i, want := range o.Data {
				got := float64(k.Data[i])
				if math.Abs(got-want) > 2e-7+1e-6*math.Abs(want) {
					t.Fatalf("element (%d,%d) = %.9g, oracle %.9g", i/k.W, i%k.W, got, want)
				}
			}
		})
		if k, _, err := Parse(o.Spec); err == nil {
			seen[k.Name] = true
		}
		head := o.Spec
		for i, c := range head {
			if c == ':' {
				head = head[:i]
				break
			}
		}
		seen[head] = true
	}
	for _, b := range Builtins() {
		if !seen[b.Name] {
			t.Errorf("built-in %s has no oracle case", b.Name)
		}
	}
}

// TestOrigin checks the ImageMagick origin against ImageMagick's own
// reading (the oracle gives the matrix; the origin is its "+X+Y").
func TestOrigin(t *testing.T) {
	tests := []struct {
		spec           string
		hasOrigin      bool
		anchorY, anchX int
	}{
		{"3x2+2+1: 1,2,3,4,5,6", true, 1, 2},
		{"4x2: 1 2 3 4 5 6 7 8", false, 0, 1}, // ImageMagick shows 4x2+1+0
		{"3: 1,2,3,4,5,6,7,8,9", false, 1, 1},
		{"1 2; 3 4", false, 0, 0},
		{"gaussian:1", false, 4, 4},
	}
	for _, tc := range tests {
		k, _, err := Parse(tc.spec)
		if err != nil {
			t.Fatalf("%s: %v", tc.spec, err)
		}
		y, x := k.Anchor()
		if k.HasOrigin != tc.hasOrigin || y != tc.anchorY || x != tc.anchX {
			t.Errorf("%s: origin %v at (%d,%d), want %v at (%d,%d)", tc.spec, k.HasOrigin, y, x, tc.hasOrigin, tc.anchorY, tc.anchX)
		}
	}
}

// TestSingularValues compares with numpy.linalg.svd in float64 on the
// float32 kernel: 1e-9 relative to σ_max covers LAPACK-vs-gonum rounding.
func TestSingularValues(t *testing.T) {
	_, cases := loadOracle(t)
	for _, c := range cases {
		spec := c.Spec
		if spec == "" {
			spec = c.Matrix
		}
		k, _, err := Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		s := k.SingularValues()
		if len(s) != len(c.S) {
			t.Fatalf("%s: %d singular values, numpy %d", spec, len(s), len(c.S))
		}
		for i := range s {
			if math.Abs(s[i]-c.S[i]) > 1e-9*c.S[0] {
				t.Errorf("%.40s: σ%d = %.12g, numpy %.12g", spec, i, s[i], c.S[i])
			}
		}
	}
}

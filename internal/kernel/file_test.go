package kernel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// filesDir holds kernels written by numpy (testdata/kernel/gen_files.py).
var filesDir = filepath.Join("..", "..", "testdata", "kernel", "files")

type fileExpect struct {
	Shape  []int     `json:"shape"`
	Data   []float32 `json:"data"`
	Scale  *float64  `json:"scale"`
	Offset *float64  `json:"offset"`
}

// TestParseFiles loads each file and compares with the values numpy wrote,
// exactly: they are float32 values (float64 ones rounded by numpy) that
// the loader must pass through unchanged.
func TestParseFiles(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(filesDir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]fileExpect
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			k, bank, err := Parse(filepath.Join(filesDir, name))
			if err != nil {
				t.Fatal(err)
			}
			var data []float32
			switch len(w.Shape) {
			case 2:
				if k == nil || k.H != w.Shape[0] || k.W != w.Shape[1] {
					t.Fatalf("got kernel %+v, bank %v; want %v", k, bank, w.Shape)
				}
				data = k.Data
				if (w.Scale != nil) != k.HasScale || (w.Scale != nil && (k.Scale != *w.Scale || k.Offset != *w.Offset)) {
					t.Errorf("scale %v %g %g, want %v", k.HasScale, k.Scale, k.Offset, w.Scale)
				}
			case 4:
				if bank == nil || bank.Shape() != "2x3x3x3" {
					t.Fatalf("got kernel %v, bank %v; want %v", k, bank, w.Shape)
				}
				data = bank.Data
				if got := bank.Kernel(1, 2).At(2, 1); got != w.Data[((1*3+2)*3+2)*3+1] {
					t.Errorf("bank slice (1,2) at (2,1) = %g", got)
				}
			}
			for i := range w.Data {
				if data[i] != w.Data[i] {
					t.Fatalf("value %d = %g, numpy %g", i, data[i], w.Data[i])
				}
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct{ name, want string }{
		{"k3d.npy", "must be 2-D (H, W) or 4-D"},
		{"k1d.npy", "this one is 1-D"},
		{"two_channels.txt", "2 blocks"},
		{"ragged.csv", ""},
		{"nan.csv", "not finite"},
		{"expect.json", "must be .npy, .csv, .txt or .mat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := filepath.Join(filesDir, tc.name)
			k, b, err := Parse(spec)
			if err == nil {
				t.Fatalf("Parse(%s) = %v, %v; want an error", spec, k, b)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, spec) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming %s and saying %q", msg, spec, tc.want)
			}
		})
	}
}

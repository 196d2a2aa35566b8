package equivar

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/pool"
	"github.com/convtool/convtool/internal/tensor"
)

const dir = "../../testdata/equivar"

func read(t *testing.T, path string) ([]int, []float32) {
	t.Helper()
	a, err := npy.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a.Shape, a.Data
}

// TestMatchesPyTorch compares every measurement with PyTorch's
// (testdata/equivar/gen_equivar.py): the interior exactly, the
// distances to 1e-4 (integer data: the sums are exact, the fixture is
// float64), the fraction of unchanged outputs exactly.
func TestMatchesPyTorch(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name, Kind            string
			K, S, D, P, Dy, Dx    int
			Interior              [4]int
			Unchanged, Invariance float64
			Exact                 bool
			Equivariance          *float64 `json:"equivariance"`
			EquivarianceAll       *float64 `json:"equivariance_all"`
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Cases) < 8 {
		t.Fatalf("%d cases", len(doc.Cases))
	}
	for _, c := range doc.Cases {
		t.Run(c.Name, func(t *testing.T) {
			s, data := read(t, filepath.Join(dir, c.Name+".x.npy"))
			x, err := tensor.FromData(s[0], s[1], s[2], data)
			if err != nil {
				t.Fatal(err)
			}
			w := Window{K: c.K, S: c.S, D: c.D, Pad: c.P}
			op := Op{Name: c.Kind, WY: w, WX: w}
			switch c.Kind {
			case "conv":
				ks, kd := read(t, filepath.Join(dir, c.Name+".k.npy"))
				k := &kernel.Kernel{H: ks[0], W: ks[1], Data: kd}
				p := conv.NewParams()
				p.StrideY, p.StrideX, p.DilY, p.DilX = c.S, c.S, c.D, c.D
				p.Pad = conv.Pad{Top: c.P, Bottom: c.P, Left: c.P, Right: c.P}
				op.Run = func(x *tensor.Tensor) (*tensor.Tensor, error) {
					y, _, err := conv.Filter(x, k, p, conv.Direct)
					return y, err
				}
			default:
				pp := pool.Params{Op: pool.Max, KH: c.K, KW: c.K, SH: c.S, SW: c.S, PH: c.P, PW: c.P, DH: c.D, DW: c.D, CountIncludePad: true}
				if c.Kind == "avg" {
					pp.Op = pool.Avg
				}
				op.Run = func(x *tensor.Tensor) (*tensor.Tensor, error) { return pool.Pool(x, pp) }
			}
			r, err := Measure(x, op, c.Dy, c.Dx)
			if err != nil {
				t.Fatal(err)
			}
			in := r.Interior
			if got := [4]int{in.Min.Y, in.Max.Y, in.Min.X, in.Max.X}; got != c.Interior {
				t.Errorf("interior %v, PyTorch's enumeration %v", got, c.Interior)
			}
			if r.Exact != c.Exact {
				t.Errorf("exact %v, want %v", r.Exact, c.Exact)
			}
			if r.Unchanged != c.Unchanged {
				t.Errorf("unchanged %v, PyTorch %v", r.Unchanged, c.Unchanged)
			}
			if math.Abs(r.Invariance-c.Invariance) > 1e-4 {
				t.Errorf("invariance %v, PyTorch %v", r.Invariance, c.Invariance)
			}
			if c.Exact {
				if r.Equivariance != 0 || *c.Equivariance != 0 {
					t.Errorf("equivariance over the interior %v (PyTorch %v): the notes' claim is that it is zero", r.Equivariance, *c.Equivariance)
				}
				if math.Abs(r.EquivarianceAll-*c.EquivarianceAll) > 1e-4 {
					t.Errorf("equivariance over the whole output %v, PyTorch %v", r.EquivarianceAll, *c.EquivarianceAll)
				}
			} else if !math.IsNaN(r.Equivariance) {
				t.Errorf("a shift the stride does not divide reported equivariance %v", r.Equivariance)
			}
		})
	}
}

func TestShift(t *testing.T) {
	x := tensor.New(1, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i + 1)
	}
	got := Shift(x, 1, -2)
	want := []float32{0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0}
	for i, v := range got.Data {
		if v != want[i] {
			t.Fatalf("Shift(1,-2) = %v, want %v", got.Data, want)
		}
	}
}

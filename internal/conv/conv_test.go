package conv

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

const fixtures = "../../testdata/conv"

// readNpy reads a little-endian float32 C-order .npy file, the only kind
// gen_fixtures.py writes. (A local reader keeps this package's tests free
// of the npy package's own correctness.)
func readNpy(t *testing.T, path string) (shape []int, data []float32) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var pre [8]byte
	if _, err := r.Read(pre[:]); err != nil || string(pre[:6]) != "\x93NUMPY" {
		t.Fatalf("%s: not an npy file", path)
	}
	var hlen int
	if pre[6] == 1 {
		var n uint16
		binary.Read(r, binary.LittleEndian, &n)
		hlen = int(n)
	} else {
		var n uint32
		binary.Read(r, binary.LittleEndian, &n)
		hlen = int(n)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	h := string(hdr)
	if !strings.Contains(h, "'descr': '<f4'") || !strings.Contains(h, "'fortran_order': False") {
		t.Fatalf("%s: want little-endian float32 C order, header %s", path, h)
	}
	m := regexp.MustCompile(`'shape': \(([^)]*)\)`).FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("%s: no shape in %s", path, h)
	}
	n := 1
	for _, s := range strings.Split(m[1], ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("%s: shape %s", path, m[1])
		}
		shape = append(shape, v)
		n *= v
	}
	data = make([]float32, n)
	if err := binary.Read(r, binary.LittleEndian, data); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return shape, data
}

func readTensor(t *testing.T, path string) *tensor.Tensor {
	shape, data := readNpy(t, path)
	for len(shape) < 3 {
		shape = append([]int{1}, shape...)
	}
	x, err := tensor.FromData(shape[0], shape[1], shape[2], data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fixtureCase mirrors one entry of cases.json (see gen_fixtures.py).
type fixtureCase struct {
	Name      string
	Kind      string
	Stride    [2]int
	Dil       [2]int
	Pad       [4]int
	Padmode   string
	Edge      string
	Groups    int
	Transpose bool
	Outpad    [2]int
	Flip      bool
	Bias      bool
}

func loadCases(t *testing.T) []fixtureCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []fixtureCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) < 50 {
		t.Fatalf("only %d fixture cases", len(cs))
	}
	return cs
}

// params builds Params for fc as the CLI would: padding words go through
// SamePad/FullPad with the flip flag.
func (fc fixtureCase) params(t *testing.T, x *tensor.Tensor, kh, kw int) Params {
	e, err := ParseEdge(fc.Edge)
	if err != nil {
		t.Fatal(err)
	}
	p := Params{StrideY: fc.Stride[0], StrideX: fc.Stride[1], DilY: fc.Dil[0], DilX: fc.Dil[1],
		Edge: e, Groups: fc.Groups, Transpose: fc.Transpose, OutPadY: fc.Outpad[0], OutPadX: fc.Outpad[1],
		Pad: Pad{fc.Pad[0], fc.Pad[1], fc.Pad[2], fc.Pad[3]}}
	switch fc.Padmode {
	case "same":
		p.Pad.Top, p.Pad.Bottom = SamePad(x.H, kh, p.StrideY, p.DilY, fc.Flip)
		p.Pad.Left, p.Pad.Right = SamePad(x.W, kw, p.StrideX, p.DilX, fc.Flip)
	case "full":
		py, px := FullPad(kh, p.DilY), FullPad(kw, p.DilX)
		p.Pad = Pad{py, py, px, px}
	case "valid":
		p.Pad = Pad{}
	}
	return p
}

// closeEnough reports the first element where got and want differ by more
// than 1e-4·(1+|want|). The references are float64 results rounded to
// float32; convtool accumulates in float32, whose rounding error grows with
// the number of terms (≤ ~250 here) times their magnitude (inputs and
// weights are N(0,1)): measured errors stay below 1e-5, so 1e-4 leaves
// room without letting a wrong tap (an error of order 1) through.
func closeEnough(got, want *tensor.Tensor) error {
	if !got.SameShape(want) {
		return fmt.Errorf("shape %s, want %s", got.Shape(), want.Shape())
	}
	for i, w := range want.Data {
		g := got.Data[i]
		if d := math.Abs(float64(g) - float64(w)); !(d <= 1e-4*(1+math.Abs(float64(w)))) {
			c, r := i/(want.H*want.W), i%(want.H*want.W)
			return fmt.Errorf("at (%d,%d,%d) got %v, want %v (|diff| %.3g)", c, r/want.W, r%want.W, g, w, d)
		}
	}
	return nil
}

// TestFixtures runs every oracle case through every method that applies.
func TestFixtures(t *testing.T) {
	for _, fc := range loadCases(t) {
		t.Run(fc.Name, func(t *testing.T) {
			base := filepath.Join(fixtures, fc.Name)
			x := readTensor(t, base+".x.npy")
			want := readTensor(t, base+".y.npy")
			kshape, kdata := readNpy(t, base+".k.npy")
			methods := []Method{Auto, Direct, Separable, GEMM}
			switch fc.Kind {
			case "filter":
				k := &kernel.Kernel{H: kshape[0], W: kshape[1], Data: kdata}
				if fc.Flip {
					k = k.Rotate180()
				}
				p := fc.params(t, x, k.H, k.W)
				_, _, rank1 := rankOne(k.H, k.W, k.Data)
				for _, m := range methods {
					got, used, err := Filter(x, k, p, m)
					if err != nil {
						t.Fatalf("%s: %v", m, err)
					}
					if m == Separable && rank1 != (used == Separable) {
						t.Errorf("separable on a kernel with rank1=%v ran %s", rank1, used)
					}
					if err := closeEnough(got, want); err != nil {
						t.Errorf("%s (ran %s): %v", m, used, err)
					}
				}
			case "layer":
				w := &kernel.Bank{N0: kshape[0], N1: kshape[1], KH: kshape[2], KW: kshape[3], Data: kdata}
				var bias []float32
				if fc.Bias {
					_, bias = readNpy(t, base+".b.npy")
				}
				p := fc.params(t, x, w.KH, w.KW)
				for _, m := range methods {
					got, used, err := Layer(x, w, bias, p, m)
					if err != nil {
						t.Fatalf("%s: %v", m, err)
					}
					if err := closeEnough(got, want); err != nil {
						t.Errorf("%s (ran %s): %v", m, used, err)
					}
				}
			default:
				t.Fatalf("unknown kind %q", fc.Kind)
			}
		})
	}
}

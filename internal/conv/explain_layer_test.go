package conv

import (
	"bufio"
	"bytes"
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

// notesDir holds the notes' examples computed by PyTorch
// (testdata/explain/gen_explain.py) and their golden explanations.
const notesDir = "../../testdata/explain"

// notesCase is one line of testdata/explain/cases.txt.
type notesCase struct {
	name, kind string
	p          Params
}

func loadNotesCases(t *testing.T) []notesCase {
	t.Helper()
	f, err := os.Open(filepath.Join(notesDir, "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []notesCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") || fields[1] == "pool" {
			continue
		}
		c := notesCase{name: fields[0], kind: fields[1], p: NewParams()}
		for _, kv := range fields[2:] {
			k, v, _ := strings.Cut(kv, "=")
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("cases.txt: %q", kv)
			}
			switch k {
			case "stride":
				c.p.StrideY, c.p.StrideX = n, n
			case "dil":
				c.p.DilY, c.p.DilX = n, n
			case "pad":
				c.p.Pad = Pad{n, n, n, n}
			case "groups":
				c.p.Groups = n
			}
		}
		out = append(out, c)
	}
	return out
}

// printedTotals reads, in order, the value of every output sample an
// explanation printed: "sum = V" lines for a 2-D kernel, "total … = V"
// and "output[…] …: … = V" lines for a layer.
func printedTotals(t *testing.T, text string, layer bool) []float64 {
	re := regexp.MustCompile(`(?m)^  sum = (\S+)$`)
	if layer {
		re = regexp.MustCompile(`(?m)^(?:  total = |output\[).* = (\S+)$`)
	}
	var vs []float64
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("unreadable value %q", m[1])
		}
		vs = append(vs, v)
	}
	return vs
}

// TestExplainNotesExamples checks the explanations of the notes' examples
// against golden text and every printed total against PyTorch's output
// (printed with 6 significant digits; the data are small integers, so the
// sums are exact and 1e-5 relative is only the printing's rounding).
func TestExplainNotesExamples(t *testing.T) {
	type run struct {
		name  string
		layer bool
		x, y  *tensor.Tensor
		k     *kernel.Kernel
		bank  *kernel.Bank
		bias  []float32
		p     Params
	}
	var runs []run
	for _, c := range loadNotesCases(t) {
		base := filepath.Join(notesDir, c.name)
		r := run{name: c.name, layer: c.kind == "layer", x: readTensor(t, base+".x.npy"), y: readTensor(t, base+".y.npy"), p: c.p}
		shape, data := readNpy(t, base+".k.npy")
		if r.layer {
			r.bank = &kernel.Bank{N0: shape[0], N1: shape[1], KH: shape[2], KW: shape[3], Data: data}
			if _, err := os.Stat(base + ".b.npy"); err == nil {
				_, r.bias = readNpy(t, base+".b.npy")
			}
		} else {
			r.k = &kernel.Kernel{H: shape[0], W: shape[1], Data: data}
		}
		runs = append(runs, r)
	}
	// The notes' transposed example as a layer: 2x2 input, 3x3 kernel,
	// stride 1, no padding -> 4x4 (PyTorch's conv_transpose2d fixture).
	tr := NewParams()
	tr.Transpose = true
	base := filepath.Join(fixtures, "t_notes_2x2_k3")
	ks, kd := readNpy(t, base+".k.npy")
	runs = append(runs, run{name: "transpose_notes_layer", layer: true, x: readTensor(t, base+".x.npy"), y: readTensor(t, base+".y.npy"),
		bank: &kernel.Bank{N0: ks[0], N1: ks[1], KH: ks[2], KW: ks[3], Data: kd}, p: tr})
	if len(runs) < 7 {
		t.Fatalf("only %d cases", len(runs))
	}

	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			var buf bytes.Buffer
			var err error
			if r.layer {
				err = ExplainLayer(&buf, r.x, r.bank, r.bias, r.p)
			} else {
				err = Explain(&buf, r.x, r.k, r.p)
			}
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(notesDir, r.name+".golden")
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
			got := printedTotals(t, buf.String(), r.layer)
			if len(got) != len(r.y.Data) {
				t.Fatalf("printed %d totals for PyTorch's %d outputs", len(got), len(r.y.Data))
			}
			for i, v := range got {
				if w := float64(r.y.Data[i]); math.Abs(v-w) > 1e-5*(1+math.Abs(w)) {
					t.Errorf("output %d: printed %v, PyTorch %v", i, v, w)
				}
			}
		})
	}
}

func TestExplainLayerKindsInWords(t *testing.T) {
	for _, tc := range []struct {
		inC, outC, g, k int
		want            string
	}{
		{3, 2, 1, 1, "1x1 convolution"},
		{4, 4, 2, 3, "grouped convolution: 2 groups"},
		{3, 6, 3, 3, "depthwise convolution: groups = input channels = 3"},
		{3, 8, 1, 3, "multi-channel convolution"},
	} {
		if got := layerKind(tc.inC, tc.outC, tc.g, tc.k, tc.k, false); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%+v: %q", tc, got)
		}
	}
}

func TestExplainLayerRefuses(t *testing.T) {
	b := &kernel.Bank{N0: 2, N1: 3, KH: 3, KW: 3, Data: make([]float32, 54)}
	p := NewParams()
	if err := ExplainLayer(&bytes.Buffer{}, tensor.New(3, 12, 12), b, nil, p); err == nil {
		t.Error("accepted a 432-sample input")
	}
	if err := ExplainLayer(&bytes.Buffer{}, tensor.New(2, 5, 5), b, nil, p); err == nil {
		t.Error("accepted 2 input channels for weights that want 3")
	}
	if err := ExplainLayer(&bytes.Buffer{}, tensor.New(3, 5, 5), b, []float32{1}, p); err == nil {
		t.Error("accepted one bias for two output channels")
	}
}

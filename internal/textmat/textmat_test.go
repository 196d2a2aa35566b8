package textmat

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/npy"
)

const dir = "../../testdata/io/text"

func load(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadNPY reads a (C,H,W) reference written by numpy (gen_text.py).
func loadNPY(t *testing.T, name string) *npy.Array {
	t.Helper()
	b := load(t, name)
	a, err := npy.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// equalExact compares bit for bit up to NaN: text written with enough
// digits for float32 parses to the same float32 in numpy and in Go.
func equalExact(t *testing.T, m *Matrix, want *npy.Array) {
	t.Helper()
	if got := []int{m.C, m.Rows, m.Cols}; len(want.Shape) != 3 || got[0] != want.Shape[0] || got[1] != want.Shape[1] || got[2] != want.Shape[2] {
		t.Fatalf("shape %v, numpy says %v", got, want.Shape)
	}
	for i, v := range want.Data {
		g := m.Data[i]
		if g != v && !(g != g && v != v) {
			t.Fatalf("value %d: got %v, numpy says %v", i, g, v)
		}
	}
}

func TestReadTextNumpyFiles(t *testing.T) {
	for _, name := range []string{"savetxt_default.txt", "savetxt_comma.csv", "savetxt_tab.txt", "one_row.csv", "one_col.txt", "blocks.txt"} {
		t.Run(name, func(t *testing.T) {
			m, err := ReadText(bytes.NewReader(load(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			equalExact(t, m, loadNPY(t, name+".expect.npy"))
		})
	}
}

func TestReadMatVipsFile(t *testing.T) {
	m, err := ReadMat(bytes.NewReader(load(t, "vips_written.mat")))
	if err != nil {
		t.Fatal(err)
	}
	if m.HasScale {
		t.Error("vips wrote no scale, but HasScale is set")
	}
	equalExact(t, m, loadNPY(t, "vips_written.mat.expect.npy"))
	m, err = ReadMat(bytes.NewReader(load(t, "golden_scale.mat")))
	if err != nil {
		t.Fatal(err)
	}
	if !m.HasScale || m.Scale != 16 || m.Offset != 128 {
		t.Errorf("scale %v offset %v has %v, want 16 128 true", m.Scale, m.Offset, m.HasScale)
	}
}

// golden returns channel c (or all, c < 0) of the values behind the golden
// files, as numpy wrote them.
func golden(t *testing.T, c int) *Matrix {
	a := loadNPY(t, "golden.npy")
	n := a.Shape[1] * a.Shape[2]
	m := &Matrix{C: a.Shape[0], Rows: a.Shape[1], Cols: a.Shape[2], Data: a.Data}
	if c >= 0 {
		m.C, m.Data = 1, a.Data[c*n:(c+1)*n]
	}
	return m
}

func TestWritersMatchNumpyAndVips(t *testing.T) {
	cases := []struct {
		file  string
		m     *Matrix
		write func(*bytes.Buffer, *Matrix) error
	}{
		{"golden_1.csv", golden(t, 0), func(b *bytes.Buffer, m *Matrix) error { return WriteText(b, m, ",") }},
		{"golden_1.txt", golden(t, 0), func(b *bytes.Buffer, m *Matrix) error { return WriteText(b, m, " ") }},
		{"golden_2.csv", golden(t, -1), func(b *bytes.Buffer, m *Matrix) error { return WriteText(b, m, ",") }},
		{"golden_plain.mat", golden(t, 1), func(b *bytes.Buffer, m *Matrix) error { return WriteMat(b, m) }},
		{"golden_scale.mat", func() *Matrix {
			m := golden(t, 1)
			m.Scale, m.Offset, m.HasScale = 16, 128, true
			return m
		}(), func(b *bytes.Buffer, m *Matrix) error { return WriteMat(b, m) }},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.write(&b, c.m); err != nil {
				t.Fatal(err)
			}
			if want := load(t, c.file); !bytes.Equal(b.Bytes(), want) {
				t.Fatalf("got\n%s\nwant (%s)\n%s", b.Bytes(), c.file, want)
			}
		})
	}
}

func TestRoundTripExact(t *testing.T) {
	// Values chosen to be hard to print: they need all 9 digits, are
	// subnormal, extreme or special.
	vals := []float32{0.1, 1.0 / 3, -2.7182817, 16777217, 1e-45, -3.4028235e38, 1.17549435e-38, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, 123456.79}
	m := &Matrix{C: 2, Rows: 2, Cols: 3, Data: vals}
	for _, sep := range []string{",", " ", "\t", ";"} {
		var b bytes.Buffer
		if err := WriteText(&b, m, sep); err != nil {
			t.Fatal(err)
		}
		got, err := ReadText(&b)
		if err != nil {
			t.Fatalf("sep %q: %v", sep, err)
		}
		if got.C != 2 || got.Rows != 2 || got.Cols != 3 {
			t.Fatalf("sep %q: shape %d×%d×%d", sep, got.C, got.Rows, got.Cols)
		}
		for i, v := range vals {
			if math.Float32bits(got.Data[i]) != math.Float32bits(v) && !(v != v && got.Data[i] != got.Data[i]) {
				t.Fatalf("sep %q: %v read back as %v", sep, v, got.Data[i])
			}
		}
	}
	one := &Matrix{C: 1, Rows: 2, Cols: 3, Data: vals[:6], Scale: 0.5, Offset: -1, HasScale: true}
	var b bytes.Buffer
	if err := WriteMat(&b, one); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMat(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Scale != 0.5 || got.Offset != -1 || !got.HasScale {
		t.Fatalf("scale/offset lost: %+v", got)
	}
	for i, v := range one.Data {
		if math.Float32bits(got.Data[i]) != math.Float32bits(v) {
			t.Fatalf("%v read back as %v", v, got.Data[i])
		}
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, text string
		mat        bool
		want       string
	}{
		{"empty", "", false, "no numbers"},
		{"only comments", "# a\n# b\n", false, "no numbers"},
		{"ragged", "1 2 3\n4 5 6\n7 8\n", false, "line 3: 2 values, but line 1 has 3"},
		{"word", "1 2\n3 x\n", false, `line 2: "x" is not a number`},
		{"empty field", "1,,2\n", false, "line 1: empty field"},
		{"blocks differ", "1 2\n3 4\n\n5 6\n", false, "block 2 has 1 rows, block 1 has 2"},
		{"mat empty", "", true, "empty matrix file"},
		{"mat header", "3\n1 2 3\n", true, "not 'width height"},
		{"mat size", "2.5 1\n1 2\n", true, "not a valid matrix size"},
		{"mat zero", "0 1\n", true, "not a valid matrix size"},
		{"mat short row", "3 2\n1 2 3\n4 5\n", true, "line 3: 2 values, but the header says width 3"},
		{"mat long row", "2 1\n1 2 3\n", true, "line 2: 3 values"},
		{"mat few rows", "2 2\n1 2\n", true, "1 rows, but the header says height 2"},
		{"mat many rows", "2 1\n1 2\n3 4\n", true, "line 3: more than the 1 rows"},
		{"mat scale", "2 1 x 0\n1 2\n", true, "scale"},
		{"mat huge", "100000 100000\n1\n", true, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.mat {
				_, err = ReadMat(strings.NewReader(c.text))
			} else {
				_, err = ReadText(strings.NewReader(c.text))
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestReadLenient(t *testing.T) {
	cases := []struct {
		name, text string
		mat        bool
		c, r, w    int
		data       []float32
	}{
		{"semicolons", "1;2\n3;4\n", false, 1, 2, 2, []float32{1, 2, 3, 4}},
		{"spaced commas and trailing comma", "1 , 2,\n3,\t4,\n", false, 1, 2, 2, []float32{1, 2, 3, 4}},
		{"comment between blocks does not split", "1 2\n# c\n3 4\n\n\n5 6\n7 8\n\n", false, 2, 2, 2, []float32{1, 2, 3, 4, 5, 6, 7, 8}},
		{"bom crlf", "\ufeff1 2\r\n", false, 1, 1, 2, []float32{1, 2}},
		{"numpy specials", "nan -inf inf NaN\n", false, 1, 1, 4, nil},
		{"mat like vips", "2.0 2 # size\r\n1\t2\r\n3 4 # row\r\n", true, 1, 2, 2, []float32{1, 2, 3, 4}},
		{"mat blank line", "2 2\n1 2\n\n3 4\n\n", true, 1, 2, 2, []float32{1, 2, 3, 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m *Matrix
			var err error
			if c.mat {
				m, err = ReadMat(strings.NewReader(c.text))
			} else {
				m, err = ReadText(strings.NewReader(c.text))
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.C != c.c || m.Rows != c.r || m.Cols != c.w {
				t.Fatalf("shape %d×%d×%d, want %d×%d×%d", m.C, m.Rows, m.Cols, c.c, c.r, c.w)
			}
			for i, v := range c.data {
				if m.Data[i] != v {
					t.Fatalf("data %v, want %v", m.Data, c.data)
				}
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMat(&b, &Matrix{C: 2, Rows: 1, Cols: 1, Data: []float32{1, 2}}); err == nil {
		t.Error("WriteMat accepted two channels")
	}
	if err := WriteText(&b, &Matrix{C: 1, Rows: 2, Cols: 2, Data: []float32{1}}, ","); err == nil {
		t.Error("WriteText accepted a short Data")
	}
}

package npy

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const dir = "../../testdata/io/npy"

type expectation struct {
	Shape  []int    `json:"shape"`
	Values []string `json:"values"`
}

// loadExpect reads what numpy said each fixture holds (gen_npy.py).
func loadExpect(t *testing.T) map[string]expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]expectation{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func values(t *testing.T, e expectation) []float32 {
	t.Helper()
	out := make([]float32, len(e.Values))
	for i, s := range e.Values {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("expect.json value %q: %v", s, err)
		}
		out[i] = float32(v) // exact: numpy printed a float32 value
	}
	return out
}

// sameBits compares exactly, NaN equal to NaN: conversion to float32 is
// exact or correctly rounded in both numpy and Go, so no tolerance.
func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return false
		}
	}
	return true
}

func readFile(t *testing.T, name string) (*Array, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestReadNumpyFiles(t *testing.T) {
	exp := loadExpect(t)
	names := []string{
		"f4_le.npy", "f4_be.npy", "f8_le.npy", "f8_be.npy", "f2_le.npy", "f2_be.npy",
		"i1.npy", "u1.npy", "i2.npy", "i2_be.npy", "u2.npy", "u2_be.npy",
		"i4.npy", "i4_be.npy", "u4.npy", "u4_be.npy", "i8.npy", "i8_be.npy",
		"u8.npy", "u8_be.npy", "b1.npy",
		"rank0.npy", "rank1.npy", "rank2.npy", "rank3.npy", "rank4.npy",
		"empty.npy", "v2.npy", "v3.npy",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			e, ok := exp[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			for _, sized := range []bool{true, false} {
				var a *Array
				var err error
				if sized {
					a, err = readFile(t, name)
				} else {
					b, _ := os.ReadFile(filepath.Join(dir, name))
					a, err = Read(bytes.NewReader(b), -1)
				}
				if err != nil {
					t.Fatalf("sized=%v: %v", sized, err)
				}
				if !slices.Equal(a.Shape, e.Shape) {
					t.Fatalf("shape %v, numpy says %v", a.Shape, e.Shape)
				}
				if want := values(t, e); !sameBits(a.Data, want) {
					t.Fatalf("values differ from numpy's:\n got %v\nwant %v", a.Data, want)
				}
			}
		})
	}
}

func TestWriteMatchesNumpySave(t *testing.T) {
	exp := loadExpect(t)
	for _, name := range []string{"write_1d.npy", "write_2d.npy", "write_3d.npy", "write_4d.npy", "rank0.npy", "rank1.npy", "empty.npy"} {
		t.Run(name, func(t *testing.T) {
			e := exp[name]
			var buf bytes.Buffer
			if err := Write(&buf, &Array{Shape: e.Shape, Data: values(t, e)}); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("Write output differs from numpy.save's\n got %q\nwant %q", buf.Bytes()[:min(buf.Len(), 128)], want[:min(len(want), 128)])
			}
		})
	}
}

func TestWriteRoundTripSpecials(t *testing.T) {
	a := &Array{Shape: []int{2, 3}, Data: []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32}}
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	if buf.Len()%64 != 24 || (buf.Len()-24)%64 != 0 {
		t.Fatalf("data does not start at a multiple of 64: file is %d bytes", buf.Len())
	}
	b, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			t.Fatalf("value %d: %v became %v", i, a.Data[i], b.Data[i])
		}
	}
	if err := Write(&buf, &Array{Shape: []int{2, 2}, Data: []float32{1}}); err == nil {
		t.Fatal("Write accepted a shape that does not match the data")
	}
}

// header builds a v1.0 file with the given dict and data bytes.
func header(dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(Magic)
	b.Write([]byte{1, 0, byte(len(dict)), byte(len(dict) >> 8)})
	b.WriteString(dict)
	b.Write(data)
	return b.Bytes()
}

func TestReadRejects(t *testing.T) {
	fortran, err := os.ReadFile(filepath.Join(dir, "fortran.npy"))
	if err != nil {
		t.Fatal(err)
	}
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
	cases := []struct {
		name string
		file []byte
		want string // substring of the error
	}{
		{"fortran", fortran, "fortran_order"},
		{"empty", nil, "too short"},
		{"magic", []byte("\x93NUMPZ\x01\x00\x00\x00"), "magic"},
		{"version", []byte("\x93NUMPY\x04\x00\x00\x00"), "version"},
		{"header longer than file", []byte("\x93NUMPY\x01\x00\xff\xff{}"), "larger than the file"},
		{"not a dict", header("'descr': '<f4'", nil), "not a dict"},
		{"bad descr", header("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", make([]byte, 16)), "unsupported dtype"},
		{"object dtype", header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", make([]byte, 16)), "unsupported dtype"},
		{"structured", header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", make([]byte, 16)), "structured"},
		{"missing shape", header("{'descr': '<f4', 'fortran_order': False, }", nil), "missing key"},
		{"bad shape", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", nil), "non-integer"},
		{"negative", header("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", nil), "non-integer"},
		{"unclosed", header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", nil), "malformed"},
		{"truncated data", header(ok, make([]byte, 7)), "needs 8 bytes"},
		{"huge claim", header("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", make([]byte, 100)), "needs 8000000000000 bytes"},
		{"overflow", header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", nil), "too many elements"},
		{"huge entry", header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", nil), "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.file), int64(len(c.file)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			// Unknown size: still refused (data runs out), still no panic.
			if _, err := Read(bytes.NewReader(c.file), -1); err == nil {
				t.Fatal("accepted with unknown size")
			}
		})
	}
}

// FuzzRead checks that no input makes Read panic or allocate beyond what
// the input can justify.
func FuzzRead(f *testing.F) {
	for _, n := range []string{"f4_le.npy", "u2_be.npy", "v3.npy", "rank0.npy"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), int64(len(b)))
		if err == nil && a.Len() != len(a.Data) {
			t.Fatalf("shape %v with %d values", a.Shape, len(a.Data))
		}
	})
}

package textmat

import (
	"bufio"
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/fuzzseed"
)

// wellFormed reports what is wrong with an accepted matrix, or "".
func wellFormed(m *Matrix) string {
	if m.C < 1 || m.Rows < 1 || m.Cols < 1 {
		return "empty shape"
	}
	if m.C*m.Rows*m.Cols != len(m.Data) {
		return "shape does not match the data"
	}
	return ""
}

// sameValues compares bit for bit (any NaN equals any NaN).
func sameValues(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i, v := range a {
		w := b[i]
		if math.Float32bits(v) != math.Float32bits(w) && !(v != v && w != w) {
			return false
		}
	}
	return true
}

// FuzzReadText: no panic, one-line errors, and whatever is accepted prints
// (CSV and whitespace) and reads back to the same matrix.
func FuzzReadText(f *testing.F) {
	fuzzseed.Add(f, "text")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadText(bytes.NewReader(b))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if s := wellFormed(m); s != "" {
			t.Fatalf("%dx%dx%d with %d values: %s", m.C, m.Rows, m.Cols, len(m.Data), s)
		}
		for _, sep := range []string{",", " "} {
			var buf bytes.Buffer
			if err := WriteText(&buf, m, sep); err != nil {
				t.Fatalf("WriteText(%q) of an accepted matrix: %v", sep, err)
			}
			back, err := ReadText(&buf)
			if err != nil {
				t.Fatalf("reading back (sep %q): %v", sep, err)
			}
			if back.C != m.C || back.Rows != m.Rows || back.Cols != m.Cols || !sameValues(back.Data, m.Data) {
				t.Fatalf("round trip (sep %q) changed %dx%dx%d to %dx%dx%d or the values", sep, m.C, m.Rows, m.Cols, back.C, back.Rows, back.Cols)
			}
		}
	})
}

// FuzzReadMat: no panic, one-line errors, no allocation beyond what the
// input justifies, and an accepted matrix writes and reads back the same.
func FuzzReadMat(f *testing.F) {
	fuzzseed.Add(f, "mat")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadMat(bytes.NewReader(b))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if s := wellFormed(m); s != "" {
			t.Fatalf("%dx%dx%d with %d values: %s", m.C, m.Rows, m.Cols, len(m.Data), s)
		}
		if m.C != 1 {
			t.Fatalf("a .mat file gave %d channels", m.C)
		}
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		if err := WriteMat(w, m); err != nil {
			t.Fatalf("WriteMat of an accepted matrix: %v", err)
		}
		w.Flush()
		back, err := ReadMat(&buf)
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		if back.Rows != m.Rows || back.Cols != m.Cols || back.HasScale != m.HasScale || !sameValues(back.Data, m.Data) {
			t.Fatalf("round trip changed %dx%d to %dx%d or the values", m.Rows, m.Cols, back.Rows, back.Cols)
		}
	})
}

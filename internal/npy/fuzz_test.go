package npy

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/fuzzseed"
)

// FuzzReadStream reads from a stream of unknown size (stdin): no panic, a
// one-line error, and memory that grows only with the bytes that arrived.
// Whatever is accepted writes back and reads again to the same array.
func FuzzReadStream(f *testing.F) {
	fuzzseed.Add(f, "npy")
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), -1)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if a.Len() != len(a.Data) {
			t.Fatalf("shape %v with %d values", a.Shape, len(a.Data))
		}
		if len(a.Data) > len(b) {
			t.Fatalf("%d values from %d bytes", len(a.Data), len(b))
		}
		// A sized read agrees with the streamed one.
		s, err := Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("streamed read accepted what a sized read refuses: %v", err)
		}
		if !same(a, s) {
			t.Fatalf("sized read %v differs from streamed %v", s.Shape, a.Shape)
		}
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatalf("Write of an accepted array: %v", err)
		}
		back, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("reading back what Write wrote: %v", err)
		}
		if !same(a, back) {
			t.Fatalf("round trip changed shape %v to %v or the values", a.Shape, back.Shape)
		}
	})
}

// same compares shapes and values bit for bit (any NaN equals any NaN).
func same(a, b *Array) bool {
	if len(a.Shape) != len(b.Shape) || len(a.Data) != len(b.Data) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	for i, v := range a.Data {
		w := b.Data[i]
		if math.Float32bits(v) != math.Float32bits(w) && !(v != v && w != w) {
			return false
		}
	}
	return true
}

package forward

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeSafetensors: any bytes either decode into arrays whose data
// fill their shapes, or give an error; never a panic or a huge allocation
// the file does not back.
func FuzzDecodeSafetensors(f *testing.F) {
	for _, name := range []string{"dtypes.safetensors", "miniresnet.safetensors"} {
		b, err := os.ReadFile(filepath.Join(fixtures, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(hdr(`{"a":{"dtype":"BF16","shape":[2,1],"data_offsets":[0,4]},"__metadata__":{"x":"y"}}`) + "abcd"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := DecodeSafetensors(b)
		if err != nil {
			return
		}
		for k, a := range w {
			n, err := elements(a.Shape)
			if err != nil || n != len(a.Data) {
				t.Fatalf("%s: shape %v with %d values", k, a.Shape, len(a.Data))
			}
		}
	})
}

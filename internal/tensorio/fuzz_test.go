package tensorio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/fuzzseed"
	"github.com/convtool/convtool/internal/tensor"
)

// FuzzReadStdin feeds bytes to Read as stdin, where the format is sniffed:
// no panic reaches the caller, an error is one line naming "stdin", and
// whatever is accepted can be written back in its own format and read
// again with the same shape.
func FuzzReadStdin(f *testing.F) {
	fuzzseed.Add(f, "npy", "text", "mat", "img")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Read("-", ReadOptions{MaxPixels: 1 << 16, Stdin: bytes.NewReader(b)})
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "stdin: ") {
				t.Fatalf("error is not one line naming stdin: %q", msg)
			}
			return
		}
		x := d.T
		if x.C < 0 || x.H < 0 || x.W < 0 || len(x.Data) != x.C*x.H*x.W {
			t.Fatalf("tensor %dx%dx%d with %d values", x.C, x.H, x.W, len(x.Data))
		}
		if d.Kind() == KindMat && x.C != 1 {
			t.Fatalf(".mat with %d channels", x.C)
		}
		var out bytes.Buffer
		if err := Write("-", d, WriteOptions{Stdout: &out}); err != nil {
			if d.Kind() == KindImage && x.C == 2 && d.Format != "png" && d.Format != "tiff" {
				return
			}
			if x.Len() == 0 {
				return
			}
			t.Fatalf("writing back %s %s: %v", d.Format, x.Shape(), err)
		}
		back, err := Read("-", ReadOptions{Stdin: &out})
		if err != nil {
			t.Fatalf("reading back %s %s: %v", d.Format, x.Shape(), err)
		}
		if !back.T.SameShape(x) {
			t.Fatalf("round trip through %s changed %s to %s", d.Format, x.Shape(), back.T.Shape())
		}
	})
}

// FuzzReadFile reads the bytes from a file named for each format, where
// the extension decides the parser and a regular file's size is known.
func FuzzReadFile(f *testing.F) {
	fuzzseed.Add(f, "npy", "text", "mat", "img")
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		for _, ext := range []string{".npy", ".csv", ".mat", ".png", ".dat"} {
			p := filepath.Join(dir, "in"+ext)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := Read(p, ReadOptions{MaxPixels: 1 << 16})
			if err != nil {
				msg := err.Error()
				if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, p+": ") {
					t.Fatalf("error is not one line naming %s: %q", p, msg)
				}
				continue
			}
			if x := d.T; len(x.Data) != x.C*x.H*x.W {
				t.Fatalf("%s: tensor %s with %d values", ext, x.Shape(), len(x.Data))
			}
		}
	})
}

// Writing through a symlink replaces the target and keeps the link;
// writing to a device (here /dev/null through a link) writes to it rather
// than renaming a regular file over the device node.
func TestWriteKeepsLinksAndDevices(t *testing.T) {
	dir := t.TempDir()
	d := &Data{T: &tensor.Tensor{C: 1, H: 1, W: 2, Data: []float32{1, 2}}, Format: "npy", Rank: 2}
	target := filepath.Join(dir, "target.npy")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ link, to string }{
		{filepath.Join(dir, "link.npy"), target},
		{filepath.Join(dir, "null.npy"), os.DevNull},
	} {
		if err := os.Symlink(c.to, c.link); err != nil {
			t.Skip("no symlinks here:", err)
		}
		if err := Write(c.link, d, WriteOptions{}); err != nil {
			t.Fatalf("%s: %v", c.link, err)
		}
		if st, err := os.Lstat(c.link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink (%v)", c.link, err)
		}
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Fatalf("%s was replaced (%v)", os.DevNull, err)
	}
	st, err := os.Stat(target)
	if err != nil || st.Size() <= 3 || st.Mode().Perm() != 0o600 {
		t.Errorf("target not rewritten in place with its mode: %v %v", st, err)
	}
}

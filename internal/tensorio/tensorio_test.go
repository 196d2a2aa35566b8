package tensorio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

const repo = "../../testdata"

func testTensor(c, h, w int, scale float32) *tensor.Tensor {
	t := tensor.New(c, h, w)
	for i := range t.Data {
		t.Data[i] = float32((i*37)%251) * scale
	}
	return t
}

func TestFormatOfAndKindOf(t *testing.T) {
	cases := []struct {
		path, format string
		kind         Kind
	}{
		{"a.png", "png", KindImage}, {"A.PNG", "png", KindImage}, {"x/y.jpg", "jpeg", KindImage},
		{"b.JPEG", "jpeg", KindImage}, {"c.gif", "gif", KindImage}, {"d.tif", "tiff", KindImage},
		{"e.tiff", "tiff", KindImage}, {"f.bmp", "bmp", KindImage}, {"g.npy", "npy", KindNPY},
		{"h.csv", "csv", KindText}, {"i.txt", "txt", KindText}, {"j.MAT", "mat", KindMat},
	}
	for _, c := range cases {
		f, err := FormatOf(c.path)
		if err != nil || f != c.format {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", c.path, f, err, c.format)
		}
		if k := KindOf(f); k != c.kind {
			t.Errorf("KindOf(%q) = %v, want %v", f, k, c.kind)
		}
	}
	for _, p := range []string{"a.heic", "noext", "-"} {
		if _, err := FormatOf(p); err == nil {
			t.Errorf("FormatOf(%q) accepted", p)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		file    string
		d       *Data
		o       WriteOptions
		rank    int
		maxDiff float64 // 0: exact
	}{
		{"r1.npy", &Data{T: testTensor(1, 1, 9, 0.37), Rank: 1}, WriteOptions{}, 1, 0},
		{"r2.npy", &Data{T: testTensor(1, 4, 5, -1.1), Rank: 2}, WriteOptions{}, 2, 0},
		{"r3.npy", &Data{T: testTensor(3, 4, 5, 1e-3), Rank: 3}, WriteOptions{}, 3, 0},
		{"r2grown.npy", &Data{T: testTensor(2, 4, 5, 1), Rank: 2}, WriteOptions{}, 3, 0},
		{"m.csv", &Data{T: testTensor(1, 4, 5, 0.1), Rank: 2}, WriteOptions{}, 2, 0},
		{"m.txt", &Data{T: testTensor(3, 4, 5, 1.0/3), Rank: 3}, WriteOptions{}, 3, 0},
		{"m.mat", &Data{T: testTensor(1, 3, 3, 0.7), Rank: 2, Scale: 9, Offset: 1, HasScale: true}, WriteOptions{}, 2, 0},
		{"g8.png", &Data{T: testTensor(1, 6, 7, 1)}, WriteOptions{}, 3, 0},
		{"rgb16.png", &Data{T: testTensor(3, 6, 7, 200), Depth: 16}, WriteOptions{}, 3, 0},
		{"rgba.png", &Data{T: testTensor(4, 6, 7, 1)}, WriteOptions{}, 3, 0},
		{"ga.png", &Data{T: testTensor(2, 6, 7, 1)}, WriteOptions{Depth: 16}, 3, 0},
		{"rgb.tif", &Data{T: testTensor(3, 6, 7, 1)}, WriteOptions{}, 3, 0},
		{"rgb.bmp", &Data{T: testTensor(3, 6, 7, 1)}, WriteOptions{}, 3, 0},
		{"g.gif", &Data{T: testTensor(3, 6, 7, 1)}, WriteOptions{}, 3, 0},
		// JPEG at quality 100 on an arbitrary pattern: lossy, within a few
		// levels once chroma subsampling is out of play (grey).
		{"g.jpg", &Data{T: testTensor(1, 8, 8, 1)}, WriteOptions{Quality: 100}, 3, 8},
		// Override by format: a .dat file written as npy.
		{"x.dat", &Data{T: testTensor(1, 2, 3, 1), Rank: 2}, WriteOptions{Format: "npy"}, 2, 0},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if err := Write(p, c.d, c.o); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, want 0644", st.Mode().Perm())
			}
			got, err := Read(p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Rank != c.rank {
				t.Errorf("rank %d, want %d", got.Rank, c.rank)
			}
			if d := tensor.MaxAbsDiff(got.T, c.d.T); d > c.maxDiff {
				t.Fatalf("max |diff| %v (allowed %v); shapes %s and %s", d, c.maxDiff, got.T.Shape(), c.d.T.Shape())
			}
			if c.d.HasScale && (got.Scale != c.d.Scale || got.Offset != c.d.Offset || !got.HasScale) {
				t.Errorf("scale/offset %v/%v, want %v/%v", got.Scale, got.Offset, c.d.Scale, c.d.Offset)
			}
			if c.o.Depth == 16 || c.d.Depth == 16 {
				if got.Depth != 16 {
					t.Errorf("depth %d, want 16", got.Depth)
				}
			}
		})
	}
}

func listTemps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".convtool-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFailedWriteLeavesDestination(t *testing.T) {
	dir := t.TempDir()
	old := []byte("precious old content")
	cases := []struct {
		file string
		d    *Data
		want string
	}{
		{"out.png", &Data{T: testTensor(5, 2, 2, 1)}, "cannot write 5 channels"},
		{"out.mat", &Data{T: testTensor(3, 2, 2, 1)}, "one channel"},
		{"out.jpg", &Data{T: testTensor(1, 0, 2, 1)}, "empty"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			if err := os.WriteFile(p, old, 0o600); err != nil {
				t.Fatal(err)
			}
			err := Write(p, c.d, WriteOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), p+": ") {
				t.Fatalf("error %v, want %q naming the file", err, c.want)
			}
			if b, _ := os.ReadFile(p); !bytes.Equal(b, old) {
				t.Fatalf("destination changed to %q", b)
			}
			if tmp := listTemps(t, dir); len(tmp) != 0 {
				t.Fatalf("temporary files left: %v", tmp)
			}
		})
	}
	// A directory that does not exist: nothing is created anywhere.
	p := filepath.Join(dir, "missing", "out.npy")
	if err := Write(p, &Data{T: testTensor(1, 2, 2, 1), Rank: 2}, WriteOptions{}); err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Fatalf("error %v, want one naming %s", err, p)
	}
	// Replacing a file keeps its mode.
	p = filepath.Join(dir, "keep.npy")
	os.WriteFile(p, old, 0o600)
	if err := Write(p, &Data{T: testTensor(1, 2, 2, 1), Rank: 2}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", st.Mode().Perm())
	}
}

func TestStdinSniffing(t *testing.T) {
	cases := []struct {
		file, format string
		kind         Kind
	}{
		{"images/kinds/rgb8.png", "png", KindImage},
		{"images/kinds/grey.jpg", "jpeg", KindImage},
		{"images/kinds/opaque.gif", "gif", KindImage},
		{"images/kinds/rgb8.tif", "tiff", KindImage},
		{"images/kinds/rgb.bmp", "bmp", KindImage},
		{"io/npy/rank3.npy", "npy", KindNPY},
		{"io/text/savetxt_comma.csv", "csv", KindText},
		{"io/text/savetxt_default.txt", "txt", KindText},
		{"io/text/blocks.txt", "txt", KindText},
		{"io/text/golden_scale.mat", "mat", KindMat},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(repo, c.file)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read("-", ReadOptions{Stdin: bytes.NewReader(b)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != c.format || got.Kind() != c.kind {
				t.Errorf("sniffed %s (kind %v), want %s (kind %v)", got.Format, got.Kind(), c.format, c.kind)
			}
			want, err := Read(p, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !same(got.T, want.T) {
				t.Fatalf("stdin and file differ")
			}
			// The same bytes under a name that says nothing are sniffed too.
			q := filepath.Join(t.TempDir(), "data.bin")
			os.WriteFile(q, b, 0o644)
			if got, err := Read(q, ReadOptions{}); err != nil || got.Format != c.format {
				t.Fatalf("unknown extension: %v, format %v", err, got)
			}
		})
	}
}

// hugePNG is a PNG signature and IHDR claiming 100000×100000 RGB pixels,
// and nothing else.
func hugePNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	binary.BigEndian.PutUint32(ihdr[8:], 100000)
	ihdr[12], ihdr[13] = 8, 2
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lie := "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
	lieFile := append([]byte("\x93NUMPY\x01\x00"), byte(len(lie)), 0)
	lieFile = append(append(lieFile, lie...), make([]byte, 30)...)
	rank4 := filepath.Join(repo, "io/npy/rank4.npy")
	rank0 := filepath.Join(repo, "io/npy/rank0.npy")
	cases := []struct {
		name, path string
		stdin      []byte
		want       string
	}{
		{"huge png", write("huge.png", hugePNG()), nil, "huge.png: image is 100000x100000 (10000000000 pixels), more than --max-pixels 268435456"},
		{"huge png stdin", "-", hugePNG(), "stdin: image is 100000x100000 (10000000000 pixels), more than --max-pixels 268435456"},
		{"missing", filepath.Join(dir, "nope.png"), nil, "nope.png: no such file or directory"},
		{"4-D", rank4, nil, "rank4.npy: 4-D array [2 3 3 3]: use it as a kernel (-k) not an input"},
		{"0-D", rank0, nil, "rank0.npy: 0-D array"},
		{"npy lies", write("lie.npy", lieFile), nil, "lie.npy: shape (1000000, 1000000) needs 8000000000000 bytes"},
		{"not png", write("fake.png", []byte("hello")), nil, "fake.png: not a PNG, JPEG, GIF, TIFF, BMP, WebP, Netpbm (PBM/PGM/PPM/PAM) or PFM image"},
		{"truncated png stdin", "-", hugePNG()[:20], "stdin: "},
		{"ragged stdin", "-", []byte("1 2\n3\n"), "stdin: line 2: 1 values"},
		{"empty stdin", "-", nil, "stdin: empty input"},
		{"bad text", write("m.csv", []byte("1,2\n3,x\n")), nil, `m.csv: line 2: "x" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(c.path, ReadOptions{MaxPixels: 268435456, Stdin: bytes.NewReader(c.stdin)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

// same reports exact equality, NaN equal to NaN and Inf to Inf.
func same(a, b *tensor.Tensor) bool {
	if !a.SameShape(b) {
		return false
	}
	for i, v := range a.Data {
		if w := b.Data[i]; v != w && !(v != v && w != w) {
			return false
		}
	}
	return true
}

type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("decoder bug") }

func TestReadRecoversPanic(t *testing.T) {
	_, err := Read("-", ReadOptions{Stdin: panicReader{}})
	if err == nil || !strings.HasPrefix(err.Error(), "stdin: ") || !strings.Contains(err.Error(), "decoder bug") {
		t.Fatalf("error %v, want one naming stdin and the panic", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriteStdout(t *testing.T) {
	d := &Data{T: testTensor(1, 3, 4, 1), Rank: 2, Format: "npy"}
	err := Write("-", d, WriteOptions{Stdout: failWriter{syscall.EPIPE}})
	if !errors.Is(err, syscall.EPIPE) || !strings.HasPrefix(err.Error(), "stdout: ") {
		t.Fatalf("error %v, want one wrapping EPIPE and naming stdout", err)
	}
	// Format: explicit, else the data's own.
	for _, c := range []struct{ format, sniffed string }{{"", "npy"}, {"png", "png"}, {"csv", "csv"}, {"txt", "txt"}} {
		var buf bytes.Buffer
		if err := Write("-", d, WriteOptions{Format: c.format, Stdout: &buf}); err != nil {
			t.Fatal(err)
		}
		if got := Sniff(buf.Bytes()); got != c.sniffed {
			t.Errorf("--format %q wrote %s", c.format, got)
		}
		back, err := Read("-", ReadOptions{Stdin: &buf})
		if err != nil {
			t.Fatal(err)
		}
		if tensor.MaxAbsDiff(back.T, d.T) != 0 {
			t.Errorf("--format %q: stdout round trip differs", c.format)
		}
	}
	if err := Write("-", d, WriteOptions{Format: "webp", Stdout: &bytes.Buffer{}}); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestNaNSurvivesNumericFormats(t *testing.T) {
	dir := t.TempDir()
	tt := tensor.New(1, 1, 3)
	tt.Data[0], tt.Data[1], tt.Data[2] = float32(math.NaN()), float32(math.Inf(-1)), 1.5
	for _, f := range []string{"a.npy", "a.csv", "a.txt", "a.mat"} {
		p := filepath.Join(dir, f)
		if err := Write(p, &Data{T: tt, Rank: 2}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := Read(p, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !same(got.T, tt) {
			t.Errorf("%s: %v read back as %v", f, tt.Data, got.T.Data)
		}
	}
}

// TestSampleImage guards the README's first command: the sample must stay
// a 512x512 8-bit RGB image.
func TestSampleImage(t *testing.T) {
	d, err := Read(filepath.Join(repo, "images/sample.png"), ReadOptions{MaxPixels: 1 << 28})
	if err != nil {
		t.Fatal(err)
	}
	if d.T.Shape() != "3x512x512" || d.Depth != 8 || d.Alpha || d.Format != "png" {
		t.Fatalf("sample is %s depth %d alpha %v %s", d.T.Shape(), d.Depth, d.Alpha, d.Format)
	}
}

package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// hostileDir holds the hostile inputs (testdata/hostile/gen.py).
var hostileDir = filepath.Join(repoTestdata, "hostile")

// sentinel is what an existing output holds before a failed run, and must
// still hold after it.
const sentinel = "an existing output that a failed run must leave alone\n"

var (
	bombOnce sync.Once
	bomb     []byte
)

// bombPNG is a complete, valid 20000x20000 1-bit PNG of 48 KB: 400 Mpx,
// over the default --max-pixels. Built here rather than committed because
// internal/img's tests decode every PNG under testdata.
func bombPNG() []byte {
	bombOnce.Do(func() { bomb = blankPNG(20000, 20000) })
	return bomb
}

// blankPNG is a valid, all-black w×h 1-bit grey PNG: a few KB for any
// size, so tests can hand convtool huge images cheaply.
func blankPNG(w, h int) []byte {
	{
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
		row := make([]byte, 1+w/8)
		for range h {
			zw.Write(row)
		}
		zw.Close()
		chunk := func(b *bytes.Buffer, typ string, data []byte) {
			binary.Write(b, binary.BigEndian, uint32(len(data)))
			b.WriteString(typ)
			b.Write(data)
			binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		}
		var b bytes.Buffer
		b.WriteString("\x89PNG\r\n\x1a\n")
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr, uint32(w))
		binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
		ihdr[8], ihdr[9] = 1, 0 // 1-bit grey
		chunk(&b, "IHDR", ihdr)
		chunk(&b, "IDAT", z.Bytes())
		chunk(&b, "IEND", nil)
		return b.Bytes()
	}
}

// hostileCase is one bad run: the files it starts from, its arguments (D
// stands for the case's directory), and what it must answer.
type hostileCase struct {
	name  string
	files map[string]string // name in D → file in testdata/hostile ("@bomb": bombPNG, "@cli/x": testdata/cli/x)
	args  []string
	out   string // the output path in D that must not appear, or must stay as it was
	code  int
	msg   string // the one stderr line, after "convtool: ", with D for the directory
}

// stdinFile is the files key whose file is fed on stdin, not put in D.
const stdinFile = "<stdin>"

func hostileCases() []hostileCase {
	grey := map[string]string{"in.png": "@cli/grey.png"}
	tiny := map[string]string{"in.npy": "tiny.npy"}
	f := func(name, src string) map[string]string { return map[string]string{name: src} }
	return []hostileCase{
		// Damaged and lying inputs.
		{"truncated PNG", f("in.png", "truncated.png"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: cannot decode PNG"},
		{"truncated JPEG", f("in.jpg", "truncated.jpg"), []string{"conv", "D/in.jpg", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.jpg: cannot decode JPEG"},
		{"zero-byte PNG", f("in.png", "empty.png"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: empty file"},
		{"text named .png", f("in.png", "garbage.png"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: not a PNG, JPEG, GIF, TIFF, BMP, WebP, Netpbm (PBM/PGM/PPM/PAM) or PFM image"},
		{"100000x100000 header", f("in.png", "lying_100000x100000.png"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: image is 100000x100000 (10000000000 pixels), more than --max-pixels 268435456"},
		{"header larger than its data", f("in.png", "lying_16000x16000.png"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: bad PNG: the header claims 16000x16000, more than the 62 bytes"},
		{"decompression bomb", f("in.png", "@bomb"), []string{"conv", "D/in.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/in.png: image is 20000x20000 (400000000 pixels), more than --max-pixels"},
		{"--max-pixels below a real image", grey, []string{"conv", "D/in.png", "D/out.png", "-k", "box:3", "--max-pixels", "10"}, "out.png", 1, "D/in.png: image is"},
		{"zero-byte .npy", f("in.npy", "empty.npy"), []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D/in.npy: not a .npy file: too short"},
		{"garbage .npy", f("in.npy", "garbage.npy"), []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D/in.npy: malformed .npy header"},
		{".npy claiming 10^12 floats", f("in.npy", "lying.npy"), []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D/in.npy: shape (1000000, 1000000) needs 4000000000000 bytes of data but the file holds 64"},
		{"truncated .npy", f("in.npy", "truncated.npy"), []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D/in.npy: shape (4, 4) needs 64 bytes"},
		{"0-D .npy", f("in.npy", "scalar.npy"), []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D/in.npy: 0-D array"},
		{"ragged CSV", f("in.csv", "ragged.csv"), []string{"conv", "D/in.csv", "D/out.csv", "-k", "box:3"}, "out.csv", 1, "D/in.csv: line 2: 2 values, but line 1 has 3 (ragged rows)"},
		{"empty CSV", f("in.csv", "empty.csv"), []string{"conv", "D/in.csv", "D/out.csv", "-k", "box:3"}, "out.csv", 1, "D/in.csv: no numbers found"},
		{".mat header larger than the file", f("in.mat", "lying.mat"), []string{"conv", "D/in.mat", "D/out.mat", "-k", "box:3"}, "out.mat", 1, "D/in.mat: line 1: 1000000×1000000 is too large"},
		{"missing input", nil, []string{"conv", "D/nope.png", "D/out.png", "-k", "box:3"}, "out.png", 1, "D/nope.png: no such file or directory"},
		{"a directory as INPUT", nil, []string{"conv", "D", "D/out.npy", "-k", "box:3"}, "out.npy", 1, "D: "},
		// Kernels.
		{"ragged kernel", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "1 2; 3"}, "out.npy", 1, `kernel "1 2; 3": ragged rows`},
		{"NaN kernel", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "nan 1"}, "out.npy", 1, `kernel "nan 1": value "nan" is not finite`},
		{"NaN kernel file", map[string]string{"in.npy": "tiny.npy", "k.csv": "nan_kernel.csv"}, []string{"conv", "D/in.npy", "D/out.npy", "-k", "D/k.csv"}, "out.npy", 1, `kernel "D/k.csv": value NaN at row 1, column 2 is not finite`},
		{"empty kernel", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", ""}, "out.npy", 2, "conv needs a kernel"},
		{"ImageMagick kernel short of values", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "3x3: 1,2"}, "out.npy", 1, `kernel "3x3: 1,2"`},
		{"absurd built-in size", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:100000"}, "out.npy", 1, `kernel "box:100000": size 100000 exceeds the limit`},
		// Impossible geometry.
		{"kernel larger than the padded input", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "valid"}, "out.npy", 1, "D/in.npy: kernel 3x3 is larger than the padded input 2x2"},
		{"zero stride", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--stride", "0"}, "out.npy", 2, `--stride "0": want whole numbers ≥ 1`},
		{"zero groups", tiny, []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--groups", "0"}, "out.npy", 2, "--groups must be at least 1"},
		{"pool window larger than the input", tiny, []string{"pool", "D/in.npy", "D/out.npy", "--size", "3", "--padding", "0"}, "out.npy", 1, "D/in.npy: "},
		{"pool of a truncated PNG", f("in.png", "truncated.png"), []string{"pool", "D/in.png", "D/out.png", "--size", "2"}, "out.png", 1, "D/in.png: cannot decode PNG"},
		{"fft of a lying .npy", f("in.npy", "lying.npy"), []string{"fft", "D/in.npy", "D/out.npy"}, "out.npy", 1, "D/in.npy: shape (1000000, 1000000) needs"},
		{"signal of a truncated .npy", f("in.npy", "truncated.npy"), []string{"signal", "D/in.npy", "D/out.npy", "-k", "1,2,1"}, "out.npy", 1, "D/in.npy: shape (4, 4) needs 64 bytes"},
		// Outputs that cannot be written.
		{"a directory as OUTPUT", tiny, []string{"conv", "D/in.npy", "D", "-k", "box:3"}, "", 1, "D: is a directory"},
		{"OUTPUT in a missing directory", tiny, []string{"conv", "D/in.npy", "D/no/such/dir/out.npy", "-k", "box:3"}, "", 1, "D/no/such/dir/out.npy: no such file or directory"},
		{"unknown OUTPUT extension", tiny, []string{"conv", "D/in.npy", "D/out.xyz", "-k", "box:3"}, "out.xyz", 2, `D/out.xyz: unknown extension ".xyz"`},
		{"four channels into .mat", map[string]string{"in.png": "@cli/rgba.png"}, []string{"conv", "D/in.png", "D/out.mat", "-k", "box:3"}, "out.mat", 1, "D/out.mat: a .mat file holds one channel, not 4"},
	}
}

// setUp makes a fresh directory holding c's files.
func (c hostileCase) setUp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range c.files {
		if name == stdinFile {
			continue
		}
		var b []byte
		var err error
		switch {
		case src == "@bomb":
			b = bombPNG()
		case strings.HasPrefix(src, "@cli/"):
			b, err = os.ReadFile(filepath.Join(repoTestdata, "cli", strings.TrimPrefix(src, "@cli/")))
		default:
			b, err = os.ReadFile(filepath.Join(hostileDir, src))
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// listDir names everything in dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// checkOneLine fails unless stderr is exactly "convtool: " + want… on one
// line, with no stack trace.
func checkOneLine(t *testing.T, stderr, dir, want string) {
	t.Helper()
	got := strings.ReplaceAll(stderr, dir, "D")
	if strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, "\n") {
		t.Errorf("stderr is not one line:\n%s", got)
	}
	if !strings.HasPrefix(got, "convtool: "+want) {
		t.Errorf("stderr %q, want it to start with %q", got, "convtool: "+want)
	}
	for _, bad := range []string{"goroutine", "panic", "runtime."} {
		if strings.Contains(got, bad) {
			t.Errorf("stderr has %q:\n%s", bad, got)
		}
	}
}

// TestHostileInputs runs every case twice: once with no output file (none
// may appear), once over an existing one (it must stay byte for byte as it
// was). Either way the directory holds nothing new: no temporary files.
func TestHostileInputs(t *testing.T) { runHostileCases(t, hostileCases()) }

// runHostileCases is TestHostileInputs' loop, shared with round two.
func runHostileCases(t *testing.T, cases []hostileCase) {
	for _, c := range cases {
		for _, existing := range []bool{false, true} {
			name := c.name
			if existing {
				if c.out == "" {
					continue
				}
				name += "/existing output"
			}
			t.Run(name, func(t *testing.T) {
				dir := c.setUp(t)
				if existing {
					if err := os.WriteFile(filepath.Join(dir, c.out), []byte(sentinel), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				before := listDir(t, dir)
				args := make([]string, len(c.args))
				for i, a := range c.args {
					if a == "D" || strings.HasPrefix(a, "D/") {
						a = dir + a[1:]
					}
					args[i] = a
				}
				var stdin io.Reader
				if src, ok := c.files[stdinFile]; ok {
					f, err := os.Open(filepath.Join(hostileDir, src))
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					stdin = f
				}
				r := runCLI(t, stdin, args...)
				if r.code != c.code {
					t.Errorf("exit %d, want %d", r.code, c.code)
				}
				checkOneLine(t, r.stderr, dir, c.msg)
				if r.stdout != "" {
					t.Errorf("stdout %q", r.stdout)
				}
				if after := listDir(t, dir); strings.Join(after, " ") != strings.Join(before, " ") {
					t.Errorf("directory holds %v, before the run %v", after, before)
				}
				if existing {
					b, err := os.ReadFile(filepath.Join(dir, c.out))
					if err != nil || string(b) != sentinel {
						t.Errorf("existing output changed: %q, %v", b, err)
					}
					if st, err := os.Stat(filepath.Join(dir, c.out)); err != nil || st.Mode().Perm() != 0o600 {
						t.Errorf("existing output's mode changed: %v", st.Mode())
					}
				}
			})
		}
	}
}

// TestHostileStdin: bad bytes on stdin are named "stdin".
func TestHostileStdin(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"truncated PNG", "truncated.png", "stdin: cannot decode PNG"},
		{"lying .npy", "lying.npy", "stdin: shape (1000000, 1000000) needs 4000000000000 bytes"},
		{"100000x100000 header", "lying_100000x100000.png", "stdin: image is 100000x100000"},
		{"nothing", "empty.png", "stdin: empty input"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(hostileDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			r := runCLI(t, bytes.NewReader(b), "conv", "-", "-", "-k", "box:3")
			if r.code != 1 || r.stdout != "" {
				t.Errorf("exit %d, stdout %q", r.code, r.stdout)
			}
			checkOneLine(t, r.stderr, "\x00", c.want)
		})
	}
}

// TestRefusedWithoutAllocating: a lying header is refused from the header
// alone, before any pixel or element is allocated — a few hundred KB of
// bookkeeping (flags, the command tree), not the gigabytes claimed.
func TestRefusedWithoutAllocating(t *testing.T) {
	for _, c := range []struct{ file, ext string }{
		{"lying_100000x100000.png", ".png"},
		{"lying_16000x16000.png", ".png"},
		{"lying.npy", ".npy"},
		{"lying.mat", ".mat"},
		{"@bomb", ".png"},
	} {
		t.Run(c.file, func(t *testing.T) {
			hc := hostileCase{files: map[string]string{"in" + c.ext: c.file}}
			dir := hc.setUp(t)
			in, out := filepath.Join(dir, "in"+c.ext), filepath.Join(dir, "out"+c.ext)
			runCLI(t, nil, "conv", in, out, "-k", "box:3") // warm up lazily built state
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			r := runCLI(t, nil, "conv", in, out, "-k", "box:3")
			runtime.ReadMemStats(&m1)
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			size, _ := os.Stat(in)
			if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 4<<20+2*uint64(size.Size()) {
				t.Errorf("refusing it allocated %d bytes", alloc)
			}
		})
	}
}

// epipeWriter is stdout after its reader went away (`| head -c 10`).
type epipeWriter struct{}

func (epipeWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestBrokenPipe: a reader that goes away ends the run quietly, whatever
// is being written to stdout: no message, status 1, nothing left behind —
// except when only the --json summary was going there: the output file was
// written, and the summary contract (Env.Print) keeps status 0.
// (In the real process a write to a closed stdout pipe raises SIGPIPE,
// which ends convtool silently as it ends cat: status 141 in the shell.)
func TestBrokenPipe(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(repoTestdata, "cli", "grey.png")
	for _, args := range [][]string{
		{"conv", in, "-", "-k", "box:3"},
		{"conv", in, "-", "-k", "box:3", "--format", "csv"},
		{"conv", in, filepath.Join(dir, "o.png"), "-k", "box:3", "--json"},
		{"pool", in, "-", "--size", "2"},
		{"fft", in, "-", "--format", "npy"},
	} {
		t.Run(strings.Join(args[3:], " "), func(t *testing.T) {
			var errOut bytes.Buffer
			code := run(args, &streams{In: strings.NewReader(""), Out: epipeWriter{}, ErrOut: &errOut})
			want := exitError
			if args[2] != "-" {
				want = exitOK
			}
			if code != want || errOut.Len() != 0 {
				t.Errorf("exit %d, stderr %q; want %d and nothing", code, errOut.String(), want)
			}
		})
	}
	if names := listDir(t, dir); len(names) > 1 {
		t.Errorf("left behind %v", names)
	}
}

// TestPipelines: "-" works for input and output of every command that
// takes files, the format sniffed on the way in and kept on the way out.
func TestPipelines(t *testing.T) {
	npy, err := os.ReadFile(filepath.Join(hostileDir, "tiny.npy"))
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile(filepath.Join(repoTestdata, "cli", "grey.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in    []byte
		args  []string
		magic string
	}{
		{npy, []string{"conv", "-", "-", "-k", "box:3"}, "\x93NUMPY"},
		{png, []string{"conv", "-", "-", "-k", "box:3"}, "\x89PNG"},
		{png, []string{"conv", "-", "-", "-k", "box:3", "--format", "npy"}, "\x93NUMPY"},
		{npy, []string{"pool", "-", "-", "--size", "2"}, "\x93NUMPY"},
		{png, []string{"fft", "-", "-"}, "\x89PNG"},
		{[]byte("1 2 3 4 5\n"), []string{"signal", "-", "-", "-k", "1,1"}, "1"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := runCLI(t, bytes.NewReader(c.in), c.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.HasPrefix(r.stdout, c.magic) {
				t.Errorf("stdout starts %q, want %q", r.stdout[:min(len(r.stdout), 8)], c.magic)
			}
		})
	}
}

// TestUnwritableDirectory: a directory the user may not write to. Root
// writes anywhere, so there the case is skipped.
func TestUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write to a read-only directory")
	}
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "conv", filepath.Join(hostileDir, "tiny.npy"), filepath.Join(ro, "out.npy"), "-k", "box:3")
	if r.code != 1 {
		t.Errorf("exit %d", r.code)
	}
	checkOneLine(t, r.stderr, dir, "D/ro/out.npy: permission denied")
	if names := listDir(t, ro); len(names) != 0 {
		t.Errorf("left %v", names)
	}
}

// TestImpossibleOutputSize: geometry that asks for an output of tens of
// gigabytes from a 2x2 input must be refused with one line, not end in the
// runtime's out-of-memory crash and stack trace.
func TestImpossibleOutputSize(t *testing.T) {
	for _, args := range [][]string{
		{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "100000"},
		{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--dilation", "100000"},
		{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--stride", "100000"},
		{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "full", "--dilation", "50000"},
		{"pool", "D/in.npy", "D/out.npy", "--adaptive", "100000x100000"},
	} {
		c := hostileCase{files: map[string]string{"in.npy": "tiny.npy"}}
		dir := c.setUp(t)
		for i, a := range args {
			args[i] = strings.Replace(a, "D/", dir+"/", 1)
		}
		r := runCLI(t, nil, args...)
		if r.code != 1 {
			t.Errorf("%v: exit %d", args, r.code)
		}
		checkOneLine(t, r.stderr, dir, "D/in.npy: ")
	}
}

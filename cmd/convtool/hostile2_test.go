package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/convtool/convtool/internal/tensorio"
)

// Round two of hostile input (issue 11): each numbered failure of the issue
// reproduced exactly, run like TestHostileInputs (with and without an
// existing output, which must stay as it was; nothing new in the
// directory).

// roundTwoCases are the failures that end in an error.
func roundTwoCases() []hostileCase {
	zero := map[string]string{"in.npy": "zero_channels.npy"}
	ramp := map[string]string{"in.npy": "ramp5.npy"}
	const maxInt = "9223372036854775807"
	const extent = "dilation 9223372036854775807 with kernel 3: the dilated extent d·(k−1)+1 does not fit in 64 bits"
	return []hostileCase{
		// 1. A zero-channel .npy: np.zeros((0,4,4),'f4').
		{name: "1 zero channels: conv", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv direct", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--method", "direct"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv gemm", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--method", "gemm"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv stdin", files: map[string]string{stdinFile: "zero_channels.npy"}, args: []string{"conv", "-", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "stdin: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: pool", files: zero, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "2"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: fft", files: zero, args: []string{"fft", "D/in.npy", "D/out.npy"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		// 2. Dilations whose extent d(k−1)+1 does not fit in 64 bits.
		{name: "2 conv dilation max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: " + extent},
		{name: "2 conv dilation 1,max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--dilation", "1," + maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: columns: " + extent},
		{name: "2 conv transpose dilation max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: " + extent},
		{name: "2 pool dilation 2^62", files: ramp, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "3", "--dilation", "4611686018427387904"}, out: "out.npy", code: 1, msg: "D/in.npy: 1x5x5: H': dilation 4611686018427387904 with kernel 3: the dilated extent d·(k−1)+1 does not fit in 64 bits"},
		// 3. Sizes that wrapped round into a plausible output.
		{name: "3 conv padding max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 9223372036854775807,9223372036854775807 on 5 samples: the padded length does not fit in 64 bits"},
		{name: "3 conv padding 2^62-1", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "4611686018427387903"}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 4611686018427387903,4611686018427387903 on 5 samples: the padded length does not fit in 64 bits"},
		{name: "3 conv padding 2^40", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "1099511627776"}, out: "out.npy", code: 1, msg: "D/in.npy: the padded input would be 2199023255557x2199023255557 (more samples a channel than fit in 64 bits), more than --max-pixels"},
		{name: "3 pool dilation max", files: ramp, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "3", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: 1x5x5: H': " + extent},
		{name: "3 conv transpose padding max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--padding", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 9223372036854775807 leaves no output"},
		{name: "3 conv transpose stride max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--stride", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: stride 9223372036854775807, dilation 1, kernel 3 on 5 samples: the transposed output"},
		{name: "3 shape dilation max", args: []string{"shape", "conv", "--input", "5x5x1", "-k", "3", "--dilation", maxInt}, code: 1, msg: "conv k3 d9223372036854775807 on 5x5x1 (HxWxC): H': " + extent},
		// 4. Non-finite parameters; finite numbers beyond float32 in data.
		{name: "4 --scale nan", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--scale", "nan"}, out: "out.npy", code: 2, msg: "--scale NaN: want a finite number"},
		{name: "4 --scale inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--scale", "inf"}, out: "out.npy", code: 2, msg: "--scale +Inf: want a finite number"},
		{name: "4 --offset nan", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--offset", "nan"}, out: "out.npy", code: 2, msg: "--offset NaN: want a finite number"},
		{name: "4 --offset -inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--offset", "-inf"}, out: "out.npy", code: 2, msg: "--offset -Inf: want a finite number"},
		{name: "4 .mat kernel with a NaN scale", files: map[string]string{"in.npy": "ramp5.npy", "k.mat": "nan_scale.mat"}, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "D/k.mat"}, out: "out.npy", code: 1, msg: `kernel "D/k.mat": line 1: scale "nan" is not a finite number`},
		{name: "4 .mat input with a NaN scale", files: map[string]string{"in.mat": "nan_scale.mat"}, args: []string{"conv", "D/in.mat", "D/out.mat", "-k", "box:3"}, out: "out.mat", code: 1, msg: `D/in.mat: line 1: scale "nan" is not a finite number`},
		{name: "4 CSV value 1e39", files: map[string]string{"in.csv": "huge.csv"}, args: []string{"conv", "D/in.csv", "D/out.csv", "-k", "box:3"}, out: "out.csv", code: 1, msg: "D/in.csv: line 1: 1e39 is beyond float32's range (±3.4e38)"},
		{name: "4 text value 1e400", files: map[string]string{"in.txt": "huge.txt"}, args: []string{"conv", "D/in.txt", "D/out.txt", "-k", "box:3"}, out: "out.txt", code: 1, msg: "D/in.txt: line 1: 1e400 is beyond float32's range (±3.4e38)"},
		{name: "4 text value 1e39 on stdin", files: map[string]string{stdinFile: "huge.csv"}, args: []string{"conv", "-", "D/out.csv", "-k", "box:3"}, out: "out.csv", code: 1, msg: "stdin: line 1: 1e39 is beyond float32's range"},
		{name: "4 float64 .npy value 1e300", files: map[string]string{"in.npy": "huge_f8.npy"}, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "D/in.npy: float64 value 1e+300 at element 2 is beyond float32's range (±3.4e38)"},
		{name: "4 signal values 1e39", files: map[string]string{"in.csv": "huge.csv"}, args: []string{"signal", "D/in.csv", "D/out.csv", "-k", "1,1"}, out: "out.csv", code: 1, msg: "D/in.csv: line 1: 1e39 is beyond"},
		{name: "4 kernel 1e39", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "1e39"}, out: "out.npy", code: 1, msg: `kernel "1e39": value "1e39" overflows float32`},
		{name: "4 built-in parameter inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "gaussian:inf"}, out: "out.npy", code: 1, msg: `kernel "gaussian:inf": parameter "inf" is not finite`},
		// 6. The output's format is decided from its name before any input
		// is read: no extension (or an unknown one) is a usage error unless
		// --format says.
		{name: "6 output without an extension", files: ramp, args: []string{"conv", "D/in.npy", "D/out", "-k", "box:3"}, out: "out", code: 2, msg: "D/out: no extension to tell the format: name it .png, .jpg, .gif, .tif, .bmp, .npy, .csv, .txt or .mat, or give --format"},
		{name: "6 no extension, before the input is read", args: []string{"conv", "D/missing.png", "D/out", "-k", "box:3"}, out: "out", code: 2, msg: "D/out: no extension to tell the format"},
		{name: "6 no extension, stdin untouched", files: map[string]string{stdinFile: "zero_channels.npy"}, args: []string{"conv", "-", "D/out", "-k", "box:3"}, out: "out", code: 2, msg: "D/out: no extension"},
		{name: "6 unknown extension", files: ramp, args: []string{"conv", "D/in.npy", "D/out.xyz", "-k", "box:3"}, out: "out.xyz", code: 2, msg: `D/out.xyz: unknown extension ".xyz"`},
		{name: "6 pool output without an extension", files: ramp, args: []string{"pool", "D/in.npy", "D/out", "--size", "2"}, out: "out", code: 2, msg: "D/out: no extension to tell the format"},
		{name: "6 fft output without an extension", files: ramp, args: []string{"fft", "D/in.npy", "D/out"}, out: "out", code: 2, msg: "D/out: no extension to tell the format"},
		{name: "6 signal output without an extension", files: map[string]string{"in.csv": "ragged.csv"}, args: []string{"signal", "D/in.csv", "D/out", "-k", "1,1"}, out: "out", code: 2, msg: "D/out: no extension to tell the format"},
		// 11. Batch mode checks the shared parameters once, before it
		// creates --out-dir.
		{name: "11 batch with a bad kernel", files: ramp, args: []string{"conv", "D/in.npy", "--out-dir", "D/outdir", "-k", "1,,2"}, code: 1, msg: `kernel "1,,2": empty value`},
		{name: "11 batch with a bad stride", files: ramp, args: []string{"conv", "D/in.npy", "--out-dir", "D/outdir", "-k", "box:3", "--stride", "0"}, code: 2, msg: `--stride "0": want whole numbers ≥ 1`},
		// 11. The inline kernel follows the CSV rule: no empty field.
		{name: "11 inline kernel 1,,2", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "1,,2"}, out: "out.npy", code: 1, msg: `kernel "1,,2": empty value in "1,,2"`},
		{name: "11 CSV row 1,,3", files: map[string]string{"in.npy": "ramp5.npy", "k.csv": "empty_field.csv"}, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "D/k.csv"}, out: "out.npy", code: 1, msg: `kernel "D/k.csv": line 1: empty field at column 5`},
	}
}

func TestHostileRoundTwo(t *testing.T) { runHostileCases(t, roundTwoCases()) }

// endless is an endless stream: prefix, then zeros (< /dev/zero).
type endless struct{ prefix []byte }

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.prefix)
	e.prefix = e.prefix[n:]
	clear(p[n:])
	return len(p), nil
}

// TestStdinBounded (issue 11, failure 9): stdin is read within a bound set
// by --max-pixels (8 bytes a pixel and 1 MiB), and bytes that are no
// format at all are refused from their first 64 KiB.
func TestStdinBounded(t *testing.T) {
	for _, c := range []struct {
		name   string
		prefix string
		args   []string
		want   string
	}{
		{"/dev/zero", "", []string{"conv", "-", "D/o.npy", "-k", "box:3"}, "stdin: not a PNG, JPEG, GIF, TIFF, BMP, .npy or text matrix (binary data)"},
		{"PNG magic then zeros", "\x89PNG\r\n\x1a\n", []string{"conv", "-", "D/o.npy", "-k", "box:3", "--max-pixels", "1000"}, "stdin: more than 1056576 bytes"},
		{"npy header then zeros", "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }" + strings.Repeat(" ", 51) + "\n", []string{"pool", "-", "D/o.npy", "--size", "2", "--max-pixels", "1000"}, "stdin: more than 1056576 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.Replace(a, "D/", dir+"/", 1)
			}
			r := runCLI(t, &endless{prefix: []byte(c.prefix)}, args...)
			if r.code != 1 {
				t.Errorf("exit %d", r.code)
			}
			checkOneLine(t, r.stderr, dir, c.want)
			if names := listDir(t, dir); len(names) != 0 {
				t.Errorf("left %v", names)
			}
		})
	}
	// Within the bound, a pipe reads as the file does.
	b, err := os.ReadFile(filepath.Join(hostileDir, "ramp5.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, bytes.NewReader(b), "conv", "-", "-", "-k", "box:3", "--padding", "valid", "--max-pixels", "25"); r.code != 0 {
		t.Errorf("a 5x5 .npy under --max-pixels 25: exit %d, %s", r.code, r.stderr)
	}
}

// TestSymlinkOutput (issue 11, failure 11): a symbolic link as OUTPUT is
// kept and written through, also when its target does not exist yet (the
// target is created, as the shell's > does); a loop of links is an error.
func TestSymlinkOutput(t *testing.T) {
	in := filepath.Join(hostileDir, "ramp5.npy")
	dir := t.TempDir()
	link := filepath.Join(dir, "link.npy")
	if err := os.Symlink("sub/target.npy", link); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, nil, "conv", in, link, "-k", "box:3"); r.code != 0 {
		t.Fatalf("dangling link: exit %d: %s", r.code, r.stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", st.Mode(), err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub", "target.npy")); err != nil || !bytes.HasPrefix(b, []byte("\x93NUMPY")) {
		t.Errorf("target not written: %v", err)
	}
	if names := listDir(t, filepath.Join(dir, "sub")); len(names) != 1 {
		t.Errorf("sub holds %v", names)
	}

	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	os.Symlink("b.npy", a)
	os.Symlink("a.npy", b)
	r := runCLI(t, nil, "conv", in, a, "-k", "box:3")
	if r.code != 1 {
		t.Errorf("link loop: exit %d", r.code)
	}
	checkOneLine(t, r.stderr, dir, "D/a.npy: too many levels of symbolic links")
	for _, p := range []string{a, b} {
		if st, err := os.Lstat(p); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s was replaced", p)
		}
	}
	if left := temporaries(t, dir); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

var _ io.Reader = (*endless)(nil)

// errWriter fails every write with err (stdout on a full disk).
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// TestSummaryContract (issue 11, failure 7): once the output is written,
// the exit status says so; a --json summary that cannot be written is one
// line on stderr, status 0, and the output is there.
func TestSummaryContract(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "o.png")
	in := filepath.Join(repoTestdata, "cli", "grey.png")
	for _, args := range [][]string{
		{"conv", in, out, "-k", "box:3", "--json"},
		{"pool", in, out, "--size", "2", "--json"},
		{"fft", in, out, "--json"},
	} {
		os.Remove(out)
		var errOut bytes.Buffer
		code := run(args, &streams{In: strings.NewReader(""), Out: errWriter{syscall.ENOSPC}, ErrOut: &errOut})
		if code != exitOK {
			t.Errorf("%s: exit %d, want 0 (the output was written)", args[0], code)
		}
		want := "convtool: " + out + " was written, but its summary was not: stdout: no space left on device\n"
		if errOut.String() != want {
			t.Errorf("%s: stderr %q, want %q", args[0], errOut.String(), want)
		}
		if _, err := os.Stat(out); err != nil {
			t.Errorf("%s: %v", args[0], err)
		}
	}
}

// temporaries lists the temporary outputs in dir.
func temporaries(t *testing.T, dir string) []string {
	var names []string
	for _, n := range listDir(t, dir) {
		if strings.HasPrefix(n, tensorio.TempPrefix) {
			names = append(names, n)
		}
	}
	return names
}

// writeRandomNPY writes a (c, h, w) float32 .npy of random values: text
// output of it takes long enough to be interrupted mid-write.
func writeRandomNPY(t *testing.T, path string, c, h, w int) {
	t.Helper()
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d, %d), }", c, h, w)
	hdr += strings.Repeat(" ", (64-(10+len(hdr)+1)%64)%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 4)
	for range c * h * w {
		binary.LittleEndian.PutUint32(buf, math.Float32bits(r.Float32()))
		b.Write(buf)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// allocDuring runs convtool with args and returns its result and the bytes
// allocated meanwhile (after a warm-up run of the same).
func allocDuring(t *testing.T, args ...string) (cliResult, uint64) {
	t.Helper()
	runCLI(t, nil, args...)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	r := runCLI(t, nil, args...)
	runtime.ReadMemStats(&m1)
	return r, m1.TotalAlloc - m0.TotalAlloc
}

// TestLimitsFromHeader (issue 11, failures 8 and 10): the padded and
// output planes and the work are checked from the header, before a pixel
// is decoded: refusing costs the file's bytes, not the gigabyte the
// pixels would take. A job over --max-macs is refused with its figure and
// runs when the flag allows it.
func TestLimitsFromHeader(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.png") // 16384x16384: exactly the default --max-pixels
	if err := os.WriteFile(big, blankPNG(16384, 16384), 0o644); err != nil {
		t.Fatal(err)
	}
	mid := filepath.Join(dir, "mid.png") // 4000x4000
	if err := os.WriteFile(mid, blankPNG(4000, 4000), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"8 padded input over --max-pixels", []string{"conv", big, out, "-k", "box:3"},
			big + ": the padded input would be 16386x16386 (268500996 samples a channel), more than --max-pixels 268435456"},
		{"10 work over --max-macs from the header", []string{"conv", mid, out, "-k", "box:301"},
			mid + ": the convolution would take 1,449,616,000,000 multiply-adds, more than --max-macs 1,000,000,000,000: give --max-macs 1449616000000 (or 0 for no limit) to run it"},
		{"10 pooling over --max-macs from the header", []string{"pool", big, out, "--size", "16384", "--stride", "1", "--padding", "8192"},
			big + ": the pooling would take 72,066,390,399,385,600 window reads, more than --max-macs 1,000,000,000,000: give --max-macs 72066390399385600 (or 0 for no limit) to run it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, alloc := allocDuring(t, c.args...)
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			checkOneLine(t, r.stderr, "\x00", c.want)
			if alloc > 8<<20 {
				t.Errorf("refusing it allocated %d bytes: the pixels were decoded", alloc)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was written", out)
			}
		})
	}
	// Within the limits, the header check lets the job through.
	if r := runCLI(t, nil, "conv", mid, out, "-k", "box:3", "--max-macs", "144000000", "-q"); r.code != 0 {
		t.Errorf("within --max-macs: exit %d: %s", r.code, r.stderr)
	}
}

// TestWorkBound (issue 11, failure 10): a 5x5 input with a 4097x4097
// kernel and --padding full, which ran for over five minutes, is refused
// at once with its figure; --max-macs admits a job it names.
func TestWorkBound(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(hostileDir, "ramp5.npy")
	k := filepath.Join(dir, "k.npy")
	writeRandomNPY(t, k, 1, 4097, 4097)
	// writeRandomNPY writes (1, 4097, 4097); a kernel is 2-D: rewrite the header.
	b, err := os.ReadFile(k)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("(1, 4097, 4097)"), []byte("(4097, 4097)   "), 1)
	if err := os.WriteFile(k, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.npy")
	r := runCLI(t, nil, "conv", in, out, "-k", k, "--padding", "full")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkOneLine(t, r.stderr, "\x00", in+": the convolution would take 282,300,382,429,209 multiply-adds, more than --max-macs 1,000,000,000,000: give --max-macs 282300382429209 (or 0 for no limit) to run it")

	// A small job over a small bound is refused, and runs once allowed.
	args := []string{"conv", in, out, "-k", "box:3", "--padding", "full", "-q"}
	r = runCLI(t, nil, append(args, "--max-macs", "440")...)
	checkOneLine(t, r.stderr, "\x00", in+": the convolution would take 441 multiply-adds, more than --max-macs 440: give --max-macs 441")
	if r = runCLI(t, nil, append(args, "--max-macs", "441")...); r.code != 0 {
		t.Errorf("--max-macs 441: exit %d: %s", r.code, r.stderr)
	}
	if r = runCLI(t, nil, append(args, "--max-macs", "0")...); r.code != 0 {
		t.Errorf("--max-macs 0: exit %d: %s", r.code, r.stderr)
	}
	// signal: the direct sum is bounded the same way.
	sig := filepath.Join(dir, "sig.csv")
	if err := os.WriteFile(sig, []byte("1\n2\n3\n4\n5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, nil, "signal", sig, filepath.Join(dir, "o.csv"), "-k", "1,2,1", "--method", "direct", "--max-macs", "14")
	checkOneLine(t, r.stderr, "\x00", sig+": the direct convolution would take 15 multiply-adds, more than --max-macs 14: give --max-macs 15 (or 0 for no limit), or --method fft")
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzCommands are the commands FuzzArgs drives (kernel is left out: it
// draws PNGs of any size asked).
var fuzzCommands = []string{"conv", "pool", "fft", "signal", "shape"}

// FuzzArgs drives the root command in-process with whole argument vectors
// (tab-separated after the command) on tiny inputs in a scratch directory:
// in.npy (5x5), in.png (64x48 grey), in.csv (3x3), sig.csv (a signal),
// k.csv (a 3x3 kernel). Whatever the arguments, convtool must not panic,
// must exit 0, 1 or 2, and a failure is one line on stderr. Paths cannot
// leave the scratch directory: arguments holding '/' or '..', and "--",
// are skipped; --max-pixels 4096 comes first so no run allocates much.
// (Batch mode, --out-dir, may list one failed file a line.)
func FuzzArgs(f *testing.F) {
	dir := f.TempDir()
	for name, src := range map[string]string{
		"in.npy": filepath.Join(hostileDir, "ramp5.npy"),
		"in.png": filepath.Join(repoTestdata, "cli", "grey.png"),
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for name, text := range map[string]string{
		"in.csv":  "1,2,3\n4,5,6\n7,8,9\n",
		"sig.csv": "1\n2\n3\n4\n5\n",
		"k.csv":   "0,1,0\n1,-4,1\n0,1,0\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for _, seed := range []struct {
		cmd  uint8
		args string
	}{
		{0, "in.npy\tout.npy\t-k\tbox:3"},
		{0, "in.png\tout.png\t-k\tsobel-x\t--abs\t--stride\t2,3"},
		{0, "in.npy\tout.csv\t-k\tk.csv\t--padding\tfull\t--flip"},
		{0, "in.npy\tout.npy\t-k\t1 2; 3 4\t--transpose\t--stride\t2\t--output-padding\t1"},
		{0, "in.csv\t-\t-k\t3x3: 1,2,1,2,4,2,1,2,1\t--dilation\t9223372036854775807"},
		{0, "in.npy\tout.npy\t-k\tbox:3\t--padding\t9223372036854775807"},
		{0, "in.npy\t--out-dir\tbatch\t-k\tbox:2"},
		{1, "in.npy\tout.npy\t--size\t3\t--dilation\t9223372036854775807"},
		{1, "in.png\tout.png\t--size\t2,3\t--ceil\t--padding\t1\t--op\tavg"},
		{1, "in.npy\tout.npy\t--adaptive\t3x2\t--op\tl2"},
		{2, "in.png\tout.png\t--filter\tlowpass:5\t--shape\tbutterworth:2"},
		{2, "in.npy\tout.npy"},
		{3, "sig.csv\tout.csv\t-k\t1,2,1\t--mode\tsame"},
		{3, "sig.csv\t-\t-k\t1,1\t--method\tfft"},
		{4, "conv\t--input\t224x224x3\t-k\t11\t--stride\t4\t--padding\t2\t--filters\t96"},
		{4, "pool\t--input\t5x5x1\t-k\t3\t--ceil\t--stride\t2"},
		{4, "transpose\t--input\t4x4x8\t-k\t4\t--stride\t2\t--padding\t1"},
		{4, "net\talexnet\t--json"},
		{0, "in.npy\tout.npy\t-k\tbox:3\t--explain-gif\tslide.gif"},
		{0, "in.npy\tout.png\t-k\t1 0; 0 -1\t--mosaic"},
		{0, "in.npy\t-\t-k\tbox:2\t--explain\t--transpose\t--stride\t2"},
		{1, "in.npy\t-\t--size\t2\t--explain\t--op\tavg"},
	} {
		f.Add(seed.cmd, seed.args)
	}
	f.Fuzz(func(t *testing.T, cmd uint8, line string) {
		// --max-pixels first, in one word: no flag before it can take it
		// as its value, and none after may replace it.
		args := []string{fuzzCommands[int(cmd)%len(fuzzCommands)], "--max-pixels=4096"}
		batch := false
		if line != "" {
			for _, a := range strings.Split(line, "\t") {
				if strings.Contains(a, "/") || strings.Contains(a, "..") || a == "--" || len(a) > 200 || strings.HasPrefix(a, "--max-pixels") {
					return
				}
				batch = batch || strings.HasPrefix(a, "--out-dir")
				args = append(args, a)
			}
		}
		// Relative paths resolve in the scratch directory. (os.Chdir, not
		// f.Chdir: the fuzzing workers would lose their own paths.)
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
		r := runCLI(t, nil, args...)
		switch r.code {
		case 0:
		case 1, 2:
			if batch && r.code == 1 {
				// Batch mode lists each failed file on a line of its own.
				for _, l := range strings.SplitAfter(strings.TrimSuffix(r.stderr, "\n"), "\n") {
					if !strings.HasPrefix(l, "convtool: ") && !strings.HasPrefix(l, "conv: ") {
						t.Fatalf("%q: batch stderr line %q", args, l)
					}
				}
				return
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "convtool: ") || !strings.HasSuffix(r.stderr, "\n") {
				t.Fatalf("%q: exit %d, stderr not one line: %q", args, r.code, r.stderr)
			}
		default:
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
	})
}

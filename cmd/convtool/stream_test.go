package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStreamAndWholeWriteSameBytes runs `conv` on every PNG kind (8/16-bit
// grey, grey+alpha, RGB, RGBA, palette with and without transparency, a
// 1-bit and a tRNS key file) twice, streamed and with --no-stream, and
// requires the same output bytes and a summary naming the path that ran
// (the tRNS key file takes the whole-image path both times: its key
// becomes an alpha channel there).
// The filters cover odd, even and anchored kernels, dense and separable,
// every edge mode, both alpha modes, --gray and a stride.
func TestStreamAndWholeWriteSameBytes(t *testing.T) {
	kinds, err := filepath.Glob(filepath.Join(repoTestdata, "images", "kinds", "*.png"))
	if err != nil || len(kinds) < 10 {
		t.Fatalf("PNG kinds: %v %v", kinds, err)
	}
	cases := [][]string{
		{"-k", "gaussian:1:5"},
		{"-k", "box:4", "--edge", "reflect"},
		{"-k", "3x3+0+0: 1,2,3,4,5,6,7,8,9", "--normalize", "--edge", "symmetric"},
		{"-k", "laplacian", "--edge", "zero", "--abs"},
		{"-k", "sobel-x", "--edge", "circular", "--padding", "valid", "--offset", "128"},
		{"-k", "gaussian:1:5", "--alpha", "convolve", "--gray"},
		{"-k", "box:3", "--stride", "2", "--flip", "--dilation", "2"},
		{"-k", "disk:6", "--method", "fft", "--edge", "reflect"},
	}
	dir := t.TempDir()
	n := 0
	for _, in := range kinds {
		for ci, c := range cases {
			s, w := filepath.Join(dir, "s.png"), filepath.Join(dir, "w.png")
			name := fmt.Sprintf("%s %v", filepath.Base(in), c)
			rs := runCLI(t, nil, append([]string{"conv", in, s}, c...)...)
			rw := runCLI(t, nil, append([]string{"conv", in, w, "--no-stream"}, c...)...)
			if rs.code != 0 || rw.code != 0 {
				t.Errorf("%s: exit %d (%s) and %d (%s)", name, rs.code, rs.stderr, rw.code, rw.stderr)
				continue
			}
			// A tRNS key colour becomes alpha on the whole-image path
			// only (img.PNGNeedsWhole), so such a file does not stream.
			wantPath := "path stream"
			if strings.Contains(in, "_trns.png") && !strings.Contains(in, "palette") {
				wantPath = "path whole"
			}
			if !strings.Contains(rs.stderr, wantPath) || !strings.Contains(rw.stderr, "path whole") {
				t.Errorf("%s: summaries %q and %q do not say stream and whole", name, rs.stderr, rw.stderr)
			}
			a, _ := os.ReadFile(s)
			b, _ := os.ReadFile(w)
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s (case %d): streamed output (%d bytes) differs from the whole-image one (%d bytes)", name, ci, len(a), len(b))
			}
			n++
		}
	}
	t.Logf("%d files compared", n)
}

// TestStreamNPYAndStdin: a one-channel .npy streams to .npy and to text
// with the whole-image path's bytes, and a PNG piped through two convs on
// stdin/stdout streams both times and ends as the file-to-file result.
func TestStreamNPYAndStdin(t *testing.T) {
	dir := t.TempDir()
	grey := filepath.Join(repoTestdata, "cli", "grey.png")
	npyIn := filepath.Join(dir, "in.npy")
	if r := runCLI(t, nil, "conv", grey, npyIn, "-k", "identity", "--no-stream"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, out := range []string{"o.npy", "o.txt", "o.csv"} {
		s, w := filepath.Join(dir, "s"+out), filepath.Join(dir, "w"+out)
		rs := runCLI(t, nil, "conv", npyIn, s, "-k", "sobel-y", "--edge", "reflect")
		rw := runCLI(t, nil, "conv", npyIn, w, "-k", "sobel-y", "--edge", "reflect", "--no-stream")
		if rs.code != 0 || rw.code != 0 || !strings.Contains(rs.stderr, "path stream") {
			t.Fatalf("%s: %s / %s", out, rs.stderr, rw.stderr)
		}
		a, _ := os.ReadFile(s)
		b, _ := os.ReadFile(w)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: streamed .npy input gives other bytes than the whole-image path", out)
		}
	}

	png, err := os.ReadFile(filepath.Join(repoTestdata, "cli", "rgb.png"))
	if err != nil {
		t.Fatal(err)
	}
	r1 := runCLI(t, bytes.NewReader(png), "conv", "-", "-", "-k", "gaussian:2")
	r2 := runCLI(t, strings.NewReader(r1.stdout), "conv", "-", "-", "-k", "sobel-x")
	if r1.code != 0 || r2.code != 0 || !strings.Contains(r1.stderr, "path stream") || !strings.Contains(r2.stderr, "path stream") {
		t.Fatalf("pipe: %q / %q", r1.stderr, r2.stderr)
	}
	mid, end := filepath.Join(dir, "mid.png"), filepath.Join(dir, "end.png")
	runCLI(t, nil, "conv", filepath.Join(repoTestdata, "cli", "rgb.png"), mid, "-k", "gaussian:2", "--no-stream")
	runCLI(t, nil, "conv", mid, end, "-k", "sobel-x", "--no-stream")
	want, _ := os.ReadFile(end)
	if r2.stdout != string(want) {
		t.Errorf("stdin → stdout → stdin gives %d bytes, file to file %d", len(r2.stdout), len(want))
	}
}

// TestStreamMultiChannelNPY: a (3, H, W) .npy file streams (its channels
// read by offset) to a (3, H, W) .npy file (written by offset) with the
// whole-image path's bytes.
func TestStreamMultiChannelNPY(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "rgb.npy")
	if r := runCLI(t, nil, "conv", filepath.Join(repoTestdata, "cli", "rgb.png"), in, "-k", "identity", "--no-stream"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	s, w := filepath.Join(dir, "s.npy"), filepath.Join(dir, "w.npy")
	rs := runCLI(t, nil, "conv", in, s, "-k", "gaussian:1:5", "--edge", "symmetric")
	rw := runCLI(t, nil, "conv", in, w, "-k", "gaussian:1:5", "--edge", "symmetric", "--no-stream")
	if rs.code != 0 || rw.code != 0 || !strings.Contains(rs.stderr, "path stream") {
		t.Fatalf("%q / %q", rs.stderr, rw.stderr)
	}
	a, _ := os.ReadFile(s)
	b, _ := os.ReadFile(w)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("3-channel .npy: streamed %d bytes differ from the whole-image %d", len(a), len(b))
	}
}

// TestStreamFailsCleanly: a PNG whose pixel data stops halfway gets past
// the header checks and fails while streaming (the row reader's "truncated";
// image/png would say "not enough pixel data"): one line naming the file,
// exit 1, no output and no temporary file left, an existing output
// untouched.
func TestStreamFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.png")
	if r := runCLI(t, nil, "conv", filepath.Join(repoTestdata, "images", "sample.png"), whole, "-k", "identity", "--compression", "0"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "cut.png")
	if err := os.WriteFile(in, b[:len(b)*3/5], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	if err := os.WriteFile(out, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "conv", in, out, "-k", "gaussian:1:5")
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "convtool: "+in+": cannot decode PNG: truncated") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != "keep me" {
		t.Errorf("existing output changed to %d bytes", len(got))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("directory holds %d entries, want whole.png, cut.png and out.png", len(entries))
	}
}

// TestStreamTextInput: a one-channel text file streams (checked and
// counted in a first pass) with the whole-image path's bytes; a ragged one
// gets the whole-image path's message.
func TestStreamTextInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	if r := runCLI(t, nil, "conv", filepath.Join(repoTestdata, "cli", "grey.png"), in, "-k", "identity", "--no-stream"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, out := range []string{"o.txt", "o.npy", "o.png"} {
		s, w := filepath.Join(dir, "s"+out), filepath.Join(dir, "w"+out)
		rs := runCLI(t, nil, "conv", in, s, "-k", "laplacian", "--edge", "replicate")
		rw := runCLI(t, nil, "conv", in, w, "-k", "laplacian", "--edge", "replicate", "--no-stream")
		if rs.code != 0 || rw.code != 0 || !strings.Contains(rs.stderr, "path stream") {
			t.Fatalf("%s: %q / %q", out, rs.stderr, rw.stderr)
		}
		a, _ := os.ReadFile(s)
		b, _ := os.ReadFile(w)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: streamed text input gives other bytes than the whole-image path", out)
		}
	}
	ragged := filepath.Join(dir, "ragged.txt")
	os.WriteFile(ragged, []byte("1 2 3\n4 5\n"), 0o644)
	r := runCLI(t, nil, "conv", ragged, filepath.Join(dir, "r.txt"), "-k", "box:3")
	if r.code != 1 || !strings.Contains(r.stderr, "line 2: 2 values, but line 1 has 3") {
		t.Errorf("ragged: exit %d, %q", r.code, r.stderr)
	}
}

package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStreamAndWholeWriteSameBytes runs `conv` on every PNG kind (8/16-bit
// grey, grey+alpha, RGB, RGBA, palette with and without transparency, a
// 1-bit and a tRNS key file) twice, streamed and with --no-stream, and
// requires the same output bytes and a summary naming the path that ran
// (the tRNS key file streams too: the row reader turns its key into
// alpha as the whole-image decoder does).
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
			if !strings.Contains(rs.stderr, "path stream") || !strings.Contains(rw.stderr, "path whole") {
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

// pngChunkTypes lists the chunk types of a PNG file in order.
func pngChunkTypes(t *testing.T, b []byte) []string {
	t.Helper()
	var types []string
	for p := 8; p+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		types = append(types, string(b[p+4:p+8]))
		p += 12 + n
	}
	return types
}

// pngChunk is one chunk's bytes: length, type, data, CRC.
func pngChunk(typ string, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	b = append(b, typ...)
	b = append(b, body...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// lateChunks returns a copy of png with sRGB put before its pixel data
// and an eXIf (from exifPNG's), a zTXt and an iTXt after them, where PNG
// allows text and eXIf.
func lateChunks(t *testing.T, png, exifPNG []byte) []byte {
	t.Helper()
	at := 8 + 25 // after IHDR
	end := len(png) - 12
	if string(png[end+4:end+8]) != "IEND" {
		t.Fatal("no IEND at the end")
	}
	var exif []byte
	for p := 8; p+12 <= len(exifPNG); {
		n := int(binary.BigEndian.Uint32(exifPNG[p:]))
		if string(exifPNG[p+4:p+8]) == "eXIf" {
			exif = exifPNG[p+8 : p+8+n]
		}
		p += 12 + n
	}
	if exif == nil {
		t.Fatal("no eXIf to copy")
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte("written after the pixels"))
	zw.Close()
	var out []byte
	out = append(out, png[:at]...)
	out = append(out, pngChunk("sRGB", []byte{0})...)
	out = append(out, png[at:end]...)
	out = append(out, pngChunk("eXIf", exif)...)
	out = append(out, pngChunk("zTXt", append([]byte("Comment\x00\x00"), z.Bytes()...))...)
	out = append(out, pngChunk("iTXt", []byte("Author\x00\x00\x00\x00\x00Zoë"))...)
	return append(out, png[end:]...)
}

// TestStreamMetadataSameBytes: PNGs as people have them — with pHYs (as
// vips writes every PNG), gAMA, sRGB, an ICC profile, text and eXIf
// before the pixel data, text and eXIf after it (as ImageMagick writes
// its dates), and tRNS key colours in 8- and 16-bit grey and RGB — stream
// (the summary says so), and give the whole-image path's bytes and
// summary: the same "read" and "metadata", the chunks in the same places
// (those after the pixel data stay after it), and --strip dropping them
// on both paths.
func TestStreamMetadataSameBytes(t *testing.T) {
	dir := t.TempDir()
	meta := filepath.Join(repoTestdata, "photo", "meta")
	vipsPNG, err := os.ReadFile(filepath.Join(meta, "vips.png"))
	if err != nil {
		t.Fatal(err)
	}
	orient, err := os.ReadFile(filepath.Join(meta, "orient6.png"))
	if err != nil {
		t.Fatal(err)
	}
	late := filepath.Join(dir, "late.png")
	if err := os.WriteFile(late, lateChunks(t, vipsPNG, orient), 0o644); err != nil {
		t.Fatal(err)
	}
	trns := filepath.Join(repoTestdata, "photo", "trns")
	tests := []struct {
		in string
		// read is the summary's "read", which must name the metadata.
		read string
		// trailer is the chunk types the output has after its pixel data.
		trailer []string
	}{
		{filepath.Join(meta, "vips.png"), "PNG 8-bit RGB, pHYs", nil},
		{filepath.Join(meta, "magick.png"), "PNG 8-bit RGB, text gAMA", []string{"iTXt", "iTXt"}},
		{filepath.Join(meta, "icc.png"), "PNG 8-bit RGB, ICC text gAMA pHYs", nil},
		{filepath.Join(meta, "orient6.png"), "PNG 8-bit RGB, EXIF", nil},
		{late, "PNG 8-bit RGB, EXIF text sRGB pHYs", []string{"eXIf", "iTXt", "iTXt"}},
		{filepath.Join(trns, "grey8_key.png"), "PNG 8-bit grey+alpha", nil},
		{filepath.Join(trns, "grey16_key.png"), "PNG 16-bit grey+alpha", nil},
		{filepath.Join(trns, "rgb8_key.png"), "PNG 8-bit RGBA", nil},
		{filepath.Join(trns, "rgb16_key.png"), "PNG 16-bit RGBA", nil},
	}
	cases := [][]string{
		{"-k", "gaussian:1:5"},
		{"-k", "sobel-x", "--offset", "128", "--edge", "reflect"},
		{"-k", "box:3", "--alpha", "convolve", "--strip"},
	}
	// Everything up to the path (the rest is the path and the time),
	// the output's name aside.
	head := func(s string) string {
		s, _, _ = strings.Cut(s, ", path ")
		return strings.Replace(s, string(filepath.Separator)+"s.png", string(filepath.Separator)+"w.png", 1)
	}
	for _, tc := range tests {
		for _, c := range cases {
			name := fmt.Sprintf("%s %v", filepath.Base(tc.in), c)
			s, w := filepath.Join(dir, "s.png"), filepath.Join(dir, "w.png")
			rs := runCLI(t, nil, append([]string{"conv", tc.in, s}, c...)...)
			rw := runCLI(t, nil, append([]string{"conv", tc.in, w, "--no-stream"}, c...)...)
			if rs.code != 0 || rw.code != 0 {
				t.Fatalf("%s: exit %d (%s) and %d (%s)", name, rs.code, rs.stderr, rw.code, rw.stderr)
			}
			if !strings.Contains(rs.stderr, "path stream") || !strings.Contains(rw.stderr, "path whole") {
				t.Errorf("%s: summaries %q and %q do not say stream and whole", name, rs.stderr, rw.stderr)
			}
			if head(rs.stderr) != head(rw.stderr) {
				t.Errorf("%s: summaries differ:\n stream %s\n whole  %s", name, rs.stderr, rw.stderr)
			}
			if !strings.Contains(rs.stderr, "read "+tc.read+",") {
				t.Errorf("%s: summary %q does not say read %q", name, rs.stderr, tc.read)
			}
			a, _ := os.ReadFile(s)
			b, _ := os.ReadFile(w)
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("%s: streamed output (%d bytes) differs from the whole-image one (%d bytes)", name, len(a), len(b))
				continue
			}
			types := pngChunkTypes(t, a)
			last := len(types) - 1
			for types[last-1] != "IDAT" {
				last--
			}
			trailer := types[last : len(types)-1]
			strip := slices.Contains(c, "--strip")
			switch {
			case strip && len(types) != 2+strings.Count(strings.Join(types, " "), "IDAT"):
				t.Errorf("%s: --strip wrote chunks %v", name, types)
			case strip && !strings.Contains(rs.stderr, "metadata stripped (--strip)") && strings.Contains(tc.read, ", "):
				t.Errorf("%s: summary %q does not say stripped", name, rs.stderr)
			case !strip && !slices.Equal(trailer, tc.trailer) && !(len(trailer) == 0 && tc.trailer == nil):
				t.Errorf("%s: chunks %v: after the pixel data %v, want %v", name, types, trailer, tc.trailer)
			}
		}
	}
}

// TestStreamAutorotate: --autorotate streams a PNG whose eXIf, before the
// pixel data, says upright; one to be turned, or one whose orientation is
// not known before its pixels, takes the whole image and the summary says
// why.
func TestStreamAutorotate(t *testing.T) {
	dir := t.TempDir()
	meta := filepath.Join(repoTestdata, "photo", "meta")
	tests := []struct{ in, path, why string }{
		{"orient1.png", "path stream", ""},
		{"orient6.png", "path whole", "path_why --autorotate: EXIF orientation 6 turns the whole image"},
		{"vips.png", "path whole", "path_why --autorotate: the PNG has no eXIf before its pixel data"},
	}
	for _, tc := range tests {
		s, w := filepath.Join(dir, "s.png"), filepath.Join(dir, "w.png")
		in := filepath.Join(meta, tc.in)
		rs := runCLI(t, nil, "conv", in, s, "-k", "gaussian:1", "--autorotate")
		rw := runCLI(t, nil, "conv", in, w, "-k", "gaussian:1", "--autorotate", "--no-stream")
		if rs.code != 0 || rw.code != 0 {
			t.Fatalf("%s: %s / %s", tc.in, rs.stderr, rw.stderr)
		}
		if !strings.Contains(rs.stderr, tc.path) || !strings.Contains(rs.stderr, tc.why) {
			t.Errorf("%s: summary %q, want %q and %q", tc.in, rs.stderr, tc.path, tc.why)
		}
		a, _ := os.ReadFile(s)
		b, _ := os.ReadFile(w)
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: --autorotate gives other bytes than --no-stream", tc.in)
		}
	}
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

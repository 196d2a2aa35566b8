package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var whyRE = regexp.MustCompile(`, why [^(,]*\([^)]*\)`)

// methodRE matches the method auto chose: it depends on the SIMD level the
// cost model was fitted for (a purego build picks differently), so the
// golden messages say only that a method was named.
var methodRE = regexp.MustCompile(`, method [a-z]+`)

// TestImageMessagesGolden keeps every message the image work added —
// refusals, usage errors and the summary's new facts — byte-exact in
// testdata/photo/messages.golden (go test ./cmd/convtool -update rewrites
// it). Temporary paths read as D, the repository's photo fixtures as P,
// and timings and the cost model's estimates are cut.
func TestImageMessagesGolden(t *testing.T) {
	dir := t.TempDir()
	photo := filepath.Join(repoTestdata, "photo")
	p := func(s string) string { return filepath.Join(photo, s) }
	d := func(s string) string { return filepath.Join(dir, s) }
	os.WriteFile(d("photo.heic"), []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00"), 0o644)
	os.WriteFile(d("wave.jpg"), []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"), 0o644)
	os.WriteFile(d("short.pgm"), []byte("P5\n4000 3000\n255\nab"), 0o644)
	rgba := p("output/rgba.png")
	cases := [][]string{
		{"conv", d("photo.heic"), d("o.png"), "-k", "box:3"},
		{"conv", d("wave.jpg"), d("o.png"), "-k", "box:3"},
		{"conv", d("short.pgm"), d("o.png"), "-k", "box:3"},
		{"conv", rgba, d("o.webp"), "-k", "box:3"},
		{"conv", rgba, d("o.pbm"), "-k", "box:3"},
		{"conv", p("formats/bw_p4.pbm"), d("o.pgm"), "-k", "box:2"},
		{"conv", rgba, d("o.jpg"), "-k", "box:3", "--quality", "0"},
		{"conv", rgba, d("o.jpg"), "-k", "box:3", "--background", "1,2"},
		{"conv", rgba, d("o.png"), "-k", "sobel-x", "--alpha", "convolve"},
		{"conv", rgba, d("o.png"), "-k", "sobel-x", "--transpose", "--stride", "2"},
		{"fft", rgba, d("o.png"), "--abs"},
		{"conv", rgba, d("o.jpg"), "-k", "sobel-x"},
		{"conv", rgba, d("o.ppm"), "-k", "box:4", "--background", "255,128,0"},
		{"conv", p("meta/rot6.jpg"), d("o.png"), "-k", "identity", "--autorotate", "--strip"},
		{"conv", p("meta/rot6.jpg"), d("o.png"), "-k", "identity"},
		{"conv", p("meta/icc.png"), d("o.jpg"), "-k", "identity"},
		{"conv", p("meta/rot6.jpg"), d("o.bmp"), "-k", "identity"},
		{"conv", p("anchor/grey.png"), d("o.png"), "-k", "3x2: 1,2,3,4,5,6", "--flip"},
		{"conv", p("anchor/grey.png"), d("o.png"), "-k", p("anchor/k32.mat")},
		{"conv", p("formats/rgb_p6.ppm"), d("o.pfm"), "-k", "box:3", "--gray"},
		{"fft", p("anchor/grey.png"), d("o.png"), "--filter", "highpass:8", "--offset", "128"},
	}
	var b strings.Builder
	for _, args := range cases {
		_, errOut, code := runArgs("", args...)
		line := strings.ReplaceAll(strings.ReplaceAll(errOut, dir, "D"), photo, "P")
		// The method's reason quotes the cost model's estimates for this
		// CPU: not part of these messages.
		line = whyRE.ReplaceAllString(line, "")
		line = methodRE.ReplaceAllString(line, ", method M")
		if i := strings.LastIndex(line, ", "); i >= 0 && strings.HasSuffix(line, " ms\n") {
			line = line[:i] + "\n"
		}
		cmd := strings.ReplaceAll(strings.ReplaceAll(strings.Join(args, " "), dir, "D"), photo, "P")
		fmt.Fprintf(&b, "$ convtool %s\nexit %d: %s", cmd, code, line)
	}
	golden := filepath.Join(photo, "messages.golden")
	if updateGolden() {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("messages differ from %s:\n--- got\n%s--- want\n%s", golden, b.String(), want)
	}
}

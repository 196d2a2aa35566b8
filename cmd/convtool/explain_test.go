package main

import (
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplainCommands checks that conv --explain takes 4-D layers and
// pool --explain prints the same text as the golden explanations of the
// notes' examples (testdata/explain, checked against PyTorch in
// internal/conv and internal/pool).
func TestExplainCommands(t *testing.T) {
	ex := filepath.Join(repoTestdata, "explain")
	dir := t.TempDir()
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"groups2", []string{"conv", filepath.Join(ex, "groups2.x.npy"), filepath.Join(dir, "g.npy"), "-k", filepath.Join(ex, "groups2.k.npy"),
			"--bias", filepath.Join(ex, "groups2.b.npy"), "--groups", "2", "--padding", "1", "--explain", "-q"}},
		{"depthwise", []string{"conv", filepath.Join(ex, "depthwise.x.npy"), filepath.Join(dir, "d.npy"), "-k", filepath.Join(ex, "depthwise.k.npy"),
			"--bias", filepath.Join(ex, "depthwise.b.npy"), "--groups", "3", "--padding", "same", "--explain", "-q"}},
		{"maxpool_ceil", []string{"pool", filepath.Join(ex, "maxpool_ceil.x.npy"), filepath.Join(dir, "p.npy"), "--size", "3", "--stride", "2", "--ceil", "--explain", "-q"}},
		{"avgpool_p1_ceil_inc0", []string{"pool", filepath.Join(ex, "avgpool_p1_ceil_inc0.x.npy"), filepath.Join(dir, "a.npy"), "--op", "avg", "--size", "3",
			"--stride", "2", "--padding", "1", "--ceil", "--count-include-pad=false", "--explain", "-q"}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			r := runCLI(t, nil, tc.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			want, err := os.ReadFile(filepath.Join(ex, tc.golden+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if r.stdout != string(want) {
				t.Errorf("stdout is not %s.golden:\n%s", tc.golden, r.stdout)
			}
		})
	}
	r := runCLI(t, nil, "pool", filepath.Join(ex, "maxpool_ceil.x.npy"), filepath.Join(dir, "q.npy"), "--global", "--explain")
	if r.code != 2 || !strings.Contains(r.stderr, "--explain") {
		t.Errorf("pool --global --explain: exit %d, %q", r.code, r.stderr)
	}
}

func TestExplainGIF(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(repoTestdata, "explain", "twice_a.x.npy") // 1x5x5
	out := filepath.Join(dir, "slide.gif")
	r := runCLI(t, nil, "conv", x, filepath.Join(dir, "y.npy"), "-k", "sobel-x", "--padding", "1", "--stride", "2", "--explain-gif", out, "-q")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3*3+1 {
		t.Errorf("%d frames, want one per output (3x3) and a last one", len(g.Image))
	}
	for _, args := range [][]string{
		{"conv", x, filepath.Join(dir, "a.npy"), "-k", "sobel-x", "--explain-gif", filepath.Join(dir, "a.png")},
		{"conv", filepath.Join(repoTestdata, "explain", "groups2.x.npy"), filepath.Join(dir, "b.npy"), "-k", filepath.Join(repoTestdata, "explain", "groups2.k.npy"),
			"--groups", "2", "--explain-gif", filepath.Join(dir, "b.gif")},
	} {
		r := runCLI(t, nil, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, %q; want a usage error", args, r.code, r.stderr)
		}
	}
	r = runCLI(t, nil, "conv", filepath.Join(repoTestdata, "images", "sample.png"), filepath.Join(dir, "c.png"), "-k", "box:3", "--explain-gif", filepath.Join(dir, "c.gif"))
	if r.code != 1 || !strings.Contains(r.stderr, "small inputs") {
		t.Errorf("a 512x512 animation: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.gif")); err == nil {
		t.Error("a refused animation left a file")
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMosaicOutputs checks when conv, pool and show draw a mosaic: asked
// for, or forced (with a notice) by channels an image cannot hold; and
// that a mosaic's picture is an RGB image larger than the tensor.
func TestMosaicOutputs(t *testing.T) {
	dir := t.TempDir()
	k8 := filepath.Join(repoTestdata, "conv", "l_alexnet_like.k.npy") // 8x3x11x11
	x3 := filepath.Join(repoTestdata, "conv", "l_alexnet_like.x.npy") // 3x23x23
	for _, tc := range []struct {
		name   string
		args   []string
		notice bool
		mosaic bool
	}{
		{"conv 8 channels to png: automatic", []string{"conv", x3, "OUT.png", "-k", k8}, true, true},
		{"conv 3 channels to png: an RGB image", []string{"conv", x3, "OUT.png", "-k", "box:3"}, false, false},
		{"conv 3 channels --mosaic", []string{"conv", x3, "OUT.png", "-k", "box:3", "--mosaic"}, false, true},
		{"pool 8 channels: automatic", []string{"pool", filepath.Join(repoTestdata, "conv", "l_alexnet_like.y.npy"), "OUT.png", "--size", "2"}, true, true},
		{"pool --mosaic", []string{"pool", x3, "OUT.png", "--size", "2", "--mosaic"}, false, true},
		{"show", []string{"show", x3, "OUT.png"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".png")
			args := append([]string(nil), tc.args...)
			for i, a := range args {
				if a == "OUT.png" {
					args[i] = out
				}
			}
			r := runCLI(t, nil, args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.Contains(r.stderr, "drew them as a mosaic"); got != tc.notice {
				t.Errorf("notice printed = %v, want %v:\n%s", got, tc.notice, r.stderr)
			}
			d := readTensor(t, out)
			isMosaic := d.T.W > 200 && d.T.C == 3
			if isMosaic != tc.mosaic {
				t.Errorf("wrote a %s picture; mosaic = %v, want %v", d.T.Shape(), isMosaic, tc.mosaic)
			}
		})
	}
}

func TestMosaicUsageErrors(t *testing.T) {
	dir := t.TempDir()
	x3 := filepath.Join(repoTestdata, "conv", "l_alexnet_like.x.npy")
	for _, args := range [][]string{
		{"conv", x3, filepath.Join(dir, "y.npy"), "-k", "box:3", "--mosaic"},
		{"pool", x3, filepath.Join(dir, "y.npy"), "--size", "2", "--mosaic"},
		{"show", x3, filepath.Join(dir, "y.npy")},
		{"show", x3, filepath.Join(dir, "y.png"), "--columns", "-1"},
	} {
		r := runCLI(t, nil, args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q: want one line and status 2", args, r.code, r.stderr)
		}
		if _, err := os.Stat(args[2]); err == nil {
			t.Errorf("%v wrote %s", args, args[2])
		}
	}
	r := runCLI(t, nil, "show", filepath.Join(repoTestdata, "hostile", "truncated.npy"), filepath.Join(dir, "z.png"))
	if r.code != 1 || !strings.Contains(r.stderr, "truncated.npy") {
		t.Errorf("a truncated .npy: exit %d, %q", r.code, r.stderr)
	}
}

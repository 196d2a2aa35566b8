package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShapeNetPictures(t *testing.T) {
	dir := t.TempDir()
	png, svg, rf := filepath.Join(dir, "net.png"), filepath.Join(dir, "net.svg"), filepath.Join(dir, "rf.png")
	for _, args := range [][]string{
		{"shape", "net", "resnet18", "--plot", png},
		{"shape", "net", "resnet18", "--plot", svg},
		{"shape", "net", "alexnet", "--rf", "3,4", "--layer", "conv5", "--image", filepath.Join(repoTestdata, "images", "sample.png"), rf},
	} {
		r := runCLI(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	if d := readTensor(t, png); d.T.W < 1000 {
		t.Errorf("the ResNet-18 plot is only %s", d.T.Shape())
	}
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "layer4.1.add") {
		t.Errorf("the SVG plot lacks its labels (%v)", err)
	}
	// The sample is 512x512: the network is walked at that size; conv5's
	// output 0 starts at −(2·1 + 2·8 + 3·1·16) = −66 (each padding times the
	// jump before it; internal/rfbox checks this against PyTorch), its jump is
	// 16 and its RF 163.
	r := runCLI(t, nil, "shape", "net", "alexnet", "--rf", "3,4", "--layer", "conv5", "--image", filepath.Join(repoTestdata, "images", "sample.png"), rf, "--json")
	if !strings.Contains(r.stdout, `"box":"rows -18..144, columns -2..160"`) || !strings.Contains(r.stdout, `"input":"512x512x3"`) {
		t.Errorf("rf summary: %s %s", r.stdout, r.stderr)
	}

	for _, args := range [][]string{
		{"shape", "net", "alexnet", "--plot", filepath.Join(dir, "x.npy")},
		{"shape", "net", "alexnet", "--rf", "1,1", filepath.Join(dir, "y.png")},
		{"shape", "net", "alexnet", "--layer", "conv1"},
		{"shape", "net", "alexnet", "--rf", "1,1", "--layer", "conv1", "--image", filepath.Join(repoTestdata, "images", "sample.png")},
	} {
		r := runCLI(t, nil, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, %q; want a usage error", args, r.code, r.stderr)
		}
	}
	r = runCLI(t, nil, "shape", "net", "alexnet", "--rf", "99,0", "--layer", "conv5", "--image", filepath.Join(repoTestdata, "images", "sample.png"), filepath.Join(dir, "z.png"))
	if r.code != 1 || !strings.Contains(r.stderr, "outside") {
		t.Errorf("a position outside the output: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "z.png")); err == nil {
		t.Error("a refused picture was written")
	}
}

// TestShapeNetPicturesAfterJoins: the U-Net's field through transposed
// convolutions and concatenations is drawn (the box is the walk's exact
// interval, checked against torch gradients in internal/rfbox), an output
// no input reaches is refused without a picture, and DenseNet-121 is
// drawn wrapped onto several lines.
func TestShapeNetPicturesAfterJoins(t *testing.T) {
	dir := t.TempDir()
	sample := filepath.Join(repoTestdata, "images", "sample.png")
	rf := filepath.Join(dir, "rf.png")
	r := runCLI(t, nil, "shape", "net", "unet-small", "--rf", "420,250", "--layer", "head", "--image", sample, rf, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"box":"rows 370..469, columns 202..301"`) {
		t.Errorf("unet-small --rf: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	net := filepath.Join(dir, "gaps.net")
	if err := os.WriteFile(net, []byte("input 8x8x1\nup: convT 1 k1 s2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.png")
	r = runCLI(t, nil, "shape", "net", net, "--rf", "1,2", "--layer", "up", "--image", sample, empty)
	if r.code != 1 || !strings.Contains(r.stderr, "no input reaches") {
		t.Errorf("an output no input reaches: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("a refused picture was written")
	}
	png := filepath.Join(dir, "densenet.png")
	if r := runCLI(t, nil, "shape", "net", "densenet121", "--plot", png); r.code != 0 {
		t.Fatalf("densenet121 --plot: exit %d: %s", r.code, r.stderr)
	}
	if d := readTensor(t, png); d.T.W > 2000 || d.T.H < 800 {
		t.Errorf("the DenseNet-121 plot is %s: want it wrapped (at most 2000 wide, several lines tall)", d.T.Shape())
	}
}

func TestSpectrumPlots(t *testing.T) {
	dir := t.TempDir()
	kp, fp := filepath.Join(dir, "k.png"), filepath.Join(dir, "f.png")
	if r := runCLI(t, nil, "kernel", "show", "sobel-x", "--plot", kp, "-q"); r.code != 0 {
		t.Fatalf("kernel show --plot: exit %d: %s", r.code, r.stderr)
	}
	r := runCLI(t, nil, "fft", filepath.Join(repoTestdata, "fft", "filter_low4_ideal_13x17_x.npy"), filepath.Join(dir, "y.npy"), "--filter", "lowpass:4", "--plot", fp, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"plot":"`+fp+`"`) {
		t.Fatalf("fft --plot: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	bp := filepath.Join(dir, "bank.png")
	if r := runCLI(t, nil, "kernel", "show", filepath.Join(repoTestdata, "gallery", "bank8.npy"), "--plot", bp, "-q"); r.code != 0 {
		t.Fatalf("kernel show BANK --plot: exit %d: %s", r.code, r.stderr)
	}
	for _, p := range []string{kp, fp, bp} {
		if d := readTensor(t, p); d.T.C != 3 || d.T.W < 400 {
			t.Errorf("%s: a %s picture", p, d.T.Shape())
		}
	}
	for _, args := range [][]string{
		{"kernel", "show", "sobel-x", "--plot", filepath.Join(dir, "k.npy")},
		{"fft", filepath.Join(repoTestdata, "fft", "spectrum_12x9_x.npy"), filepath.Join(dir, "z.npy"), "--plot", filepath.Join(dir, "z.csv")},
	} {
		if r := runCLI(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, %q", args, r.code, r.stderr)
		}
	}
}

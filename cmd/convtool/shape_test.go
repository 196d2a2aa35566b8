package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var shapeTestdata = filepath.Join("..", "..", "testdata", "shape")

// TestShapeGolden compares text and JSON output byte for byte with
// testdata/shape/*.golden (go test ./cmd/convtool -run ShapeGolden -update
// rewrites them).
func TestShapeGolden(t *testing.T) {
	nets := filepath.Join("..", "..", "testdata", "nets")
	tests := []struct {
		name string
		args []string
	}{
		{"conv-alexnet-conv1", []string{"shape", "conv", "--input", "224x224x3", "-k", "11", "--stride", "4", "--padding", "2", "--filters", "96"}},
		{"conv-alexnet-conv1-json", []string{"shape", "conv", "--input", "224x224x3", "-k", "11", "--stride", "4", "--padding", "2", "--filters", "96", "--json"}},
		{"conv-same-dilated-grouped", []string{"shape", "conv", "--input", "13x10x64", "-k", "3", "--stride", "2", "--padding", "same", "--dilation", "2", "--groups", "4", "--filters", "128", "--bias=false"}},
		{"conv-depthwise", []string{"shape", "conv", "--input", "112x112x32", "-k", "3", "--stride", "2", "--padding", "1", "--depthwise", "--bias=false"}},
		{"pool-ceil-drop", []string{"shape", "pool", "--input", "5x5x8", "-k", "2", "--padding", "1", "--ceil"}},
		{"pool-alexnet", []string{"shape", "pool", "--input", "55x55x96", "-k", "3", "--stride", "2"}},
		{"pool-ceil-window-over", []string{"shape", "pool", "--input", "3x5x1", "-k", "4", "--stride", "2", "--ceil"}},
		{"pool-ceil-1x1", []string{"shape", "pool", "--input", "1x1x4", "-k", "2", "--ceil"}},
		{"transpose-same", []string{"shape", "transpose", "--input", "16x16x64", "-k", "4", "--stride", "2", "--padding", "same", "--filters", "32"}},
		{"transpose-same-odd-json", []string{"shape", "transpose", "--input", "7x5x8", "-k", "3", "--stride", "2", "--padding", "same", "--json"}},
		{"transpose-same-op", []string{"shape", "transpose", "--input", "7x5x8", "-k", "3", "--stride", "2", "--padding", "same", "--output-padding", "0"}},
		{"transpose", []string{"shape", "transpose", "--input", "16x16x64", "-k", "4", "--stride", "2", "--padding", "1", "--filters", "32"}},
		{"transpose-json", []string{"shape", "transpose", "--input", "7x5x8", "-k", "3", "--stride", "2", "--output-padding", "1", "--json"}},
		{"net-alexnet", []string{"shape", "net", "alexnet"}},
		{"net-alexnet-json", []string{"shape", "net", "alexnet", "--json"}},
		{"net-resnet18", []string{"shape", "net", "resnet18"}},
		{"net-mobilenet-v1", []string{"shape", "net", "mobilenet-v1"}},
		{"net-mixed", []string{"shape", "net", filepath.Join(nets, "mixed.net")}},
		{"net-mixed-json", []string{"shape", "net", filepath.Join(nets, "mixed.net"), "--json"}},
		{"net-alexnet-2012-227", []string{"shape", "net", "alexnet-2012", "--input", "227x227x3"}},
		{"net-readme-example", []string{"shape", "net", filepath.Join(nets, "readme-example.net")}},
		{"net-list", []string{"shape", "net", "--list"}},
		{"net-layers", []string{"shape", "net", filepath.Join(nets, "layers.net")}},
		{"net-layers-json", []string{"shape", "net", filepath.Join(nets, "layers.net"), "--json"}},
		{"net-unet-small-batch", []string{"shape", "net", "unet-small", "--batch", "8", "--dtype", "float16"}},
		{"net-googlenet", []string{"shape", "net", "googlenet"}},
		{"conv-invert", []string{"shape", "conv", "--input", "224x224x3", "-k", "7", "--stride", "2", "--padding", "3", "--filters", "64", "--invert"}},
		{"conv-invert-same-json", []string{"shape", "conv", "--input", "13x10x64", "-k", "3", "--stride", "2", "--padding", "same", "--invert", "--json"}},
		{"conv-default-padding-note", []string{"shape", "conv", "--input", "32x32x3", "-k", "3"}},
		{"net-fit-vgg16", []string{"shape", "net", "vgg16", "--fit", "200..600"}},
		{"net-fit-alexnet-json", []string{"shape", "net", "alexnet", "--fit", "200..260", "--json"}},
		{"net-diff", []string{"shape", "net", "--diff", "resnet18", filepath.Join(shapeTestdata, "onnx", "mixed.onnx"), "--input", "64x64x8"}},
		{"net-print-onnx", []string{"shape", "net", filepath.Join(shapeTestdata, "onnx", "se-block.onnx"), "--print"}},
		{"net-onnx-se-block", []string{"shape", "net", filepath.Join(shapeTestdata, "onnx", "se-block.onnx")}},
		{"net-print-darknet", []string{"shape", "net", filepath.Join(shapeTestdata, "import", "yolov3-tiny.cfg"), "--print"}},
		{"net-yolov3-tiny", []string{"shape", "net", filepath.Join(shapeTestdata, "import", "yolov3-tiny.cfg")}},
		{"net-keras", []string{"shape", "net", filepath.Join(shapeTestdata, "import", "keras-functional.json")}},
		{"net-strided-transposed", []string{"shape", "net", "-", "--json"}},
		{"net-layout-warning-stdin", []string{"shape", "net", "-", "--input", "3x32x32"}},
		{"net-print-lenet5", []string{"shape", "net", "lenet5", "--print"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := ""
			switch {
			case strings.HasSuffix(tt.name, "stdin"):
				stdin = "input 16x16x1\nconv 8 k1\nrelu\n"
			case tt.name == "net-strided-transposed":
				// the case: RF 23 or 31 depending on the position
				stdin = "input 128x128x1\n" + strings.Repeat("conv 1 k3 s2 p1\n", 3) + strings.Repeat("convT 1 k4 s2 p1\n", 3)
			}
			out, errOut, code := runArgs(stdin, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.HasSuffix(tt.name, "json") && !json.Valid([]byte(out)) {
				t.Fatalf("not JSON: %s", out)
			}
			golden := filepath.Join(shapeTestdata, tt.name+".golden")
			if updateGolden() {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s:\n%s", golden, out)
			}
		})
	}
}

// TestShapeJSONContract checks the keys SPEC promises.
func TestShapeJSONContract(t *testing.T) {
	out, _, code := runArgs("", "shape", "conv", "--input", "224x224x3", "-k", "11", "--stride", "4", "--padding", "2", "--filters", "96", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var one struct {
		Input  map[string]int `json:"input"`
		Output map[string]int `json:"output"`
		Params int64          `json:"params"`
		MACs   int64          `json:"macs"`
	}
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Fatal(err)
	}
	if one.Input["h"] != 224 || one.Output["h"] != 55 || one.Output["w"] != 55 || one.Output["c"] != 96 || one.Params != 34944 || one.MACs != 105415200 {
		t.Errorf("one layer: %+v", one)
	}
	out, _, code = runArgs("", "shape", "net", filepath.Join("..", "..", "testdata", "nets", "mixed.net"), "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var net struct {
		Input  map[string]int `json:"input"`
		Layers []struct {
			Name   string          `json:"name"`
			Type   string          `json:"type"`
			Output map[string]int  `json:"output"`
			RF     json.RawMessage `json:"rf"`
			Jump   json.RawMessage `json:"jump"`
		} `json:"layers"`
		Total struct {
			Params int64 `json:"params"`
			MACs   int64 `json:"macs"`
		} `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &net); err != nil {
		t.Fatal(err)
	}
	if net.Input["w"] != 47 || net.Total.Params != 44842 {
		t.Errorf("net: input %v total %+v", net.Input, net.Total)
	}
	byName := map[string]string{}
	for _, l := range net.Layers {
		byName[l.Name] = string(l.RF) + " " + string(l.Jump)
	}
	// rf and jump are {h,w} objects even when square, so that
	// jq '.layers[]|select(.rf.h>50)' cannot pick a layer by accident.
	if got := byName["stem"]; got != `{"h":3,"w":3} {"h":2,"w":2}` {
		t.Errorf("stem rf/jump %s, want {h,w} objects", got)
	}
	if got := byName["asym"]; got != `{"h":47,"w":63} {"h":8,"w":16}` {
		t.Errorf("asym rf/jump %s, want {h,w} objects", got)
	}
}

func TestShapeErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.net")
	if err := os.WriteFile(bad, []byte("input 32x32x3\nconv 8 k3\n\nmaxpool k3 s2 q1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mismatch := filepath.Join(dir, "add.net")
	if err := os.WriteFile(mismatch, []byte("input 32x32x3\na: conv 8 k3 p1\nconv 16 k3 p1\nadd @a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad line", []string{"shape", "net", bad}, 1, bad + `:4: maxpool: unknown option "q1"`},
		{"add mismatch", []string{"shape", "net", mismatch}, 1, mismatch + ":4: add1 (add @a) on 32x32x16 (HxWxC): cannot add a's output 32x32x8 to 32x32x16: the shapes differ"},
		{"layout named", []string{"shape", "net", "vgg16", "--input", "3x224x224"}, 1, "(HxWxC): H': kernel 2 (dilated extent 2) is larger than the padded input 1 + 0 + 0 = 1 — input 3x224x224 is read as HxWxC (3 rows, 224 columns, 224 channels); it looks like CxHxW: did you mean 224x224x3?"},
		{"no such net", []string{"shape", "net", "nosuchnet"}, 1, "nosuchnet: neither a preset"},
		{"no input flag", []string{"shape", "conv", "-k", "3"}, 2, "--input HxWxC is required"},
		{"bad padding", []string{"shape", "conv", "--input", "8x8x1", "-k", "3", "--padding", "half"}, 2, "padding"},
		{"kernel too big", []string{"shape", "conv", "--input", "8x8x1", "-k", "9"}, 1, "larger than the padded input"},
		{"pool padding", []string{"shape", "pool", "--input", "8x8x1", "-k", "3", "--padding", "2"}, 1, "more than half the window"},
		{"groups", []string{"shape", "conv", "--input", "8x8x3", "-k", "3", "--groups", "2"}, 1, "2 groups must divide the 3 input"},
		{"output padding", []string{"shape", "transpose", "--input", "8x8x3", "-k", "3", "--output-padding", "1"}, 1, "output padding 1 must be smaller"},
		{"net args", []string{"shape", "net"}, 2, "takes 1 arguments"},
		{"diff args", []string{"shape", "net", "--diff", "resnet18"}, 2, "takes 2 arguments"},
		{"bad fit", []string{"shape", "net", "vgg16", "--fit", "600..200"}, 2, "--fit \"600..200\": want LO..HI"},
		{"bad batch", []string{"shape", "net", "vgg16", "--batch", "0"}, 2, "--batch 0"},
		{"bad dtype", []string{"shape", "net", "vgg16", "--dtype", "float8"}, 2, "dtype \"float8\""},
		{"unsupported onnx", []string{"shape", "net", filepath.Join(shapeTestdata, "onnx", "layers.onnx")}, 1, "unsupported ONNX operators: Concat along axis 0, InstanceNormalization"},
		{"invert pool", []string{"shape", "conv", "--input", "8x8x1", "-k", "2", "--stride", "1", "--padding", "same", "--invert"}, 1, "--invert: no transposed convolution"},
		{"pool floor window over", []string{"shape", "pool", "--input", "3x5x1", "-k", "4", "--stride", "2"}, 1, "kernel 4 (dilated extent 4) is larger than the padded input 3"},
		{"pool ceil no output", []string{"shape", "pool", "--input", "1x1x1", "-k", "5", "--stride", "2", "--ceil"}, 1, "= -1 is less than 1"},
		{"transpose same k2 s1", []string{"shape", "transpose", "--input", "8x8x3", "-k", "2", "--padding", "same"}, 1, "padding same needs output padding 1, but it must be smaller"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runArgs("", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d stderr %q, want exit %d containing %q", code, errOut, tt.code, tt.want)
			}
			if out != "" {
				t.Errorf("stdout %q on error", out)
			}
			if n := strings.Count(errOut, "\n"); n != 1 {
				t.Errorf("%d lines on stderr, want 1", n)
			}
		})
	}
}

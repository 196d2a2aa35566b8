package job

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// request is a conv request with the command line's defaults.
func request(kernel string, edit func(*ConvRequest)) ConvRequest {
	r := ConvRequest{Input: "in.npy", Output: "out.npy", Kernel: kernel, Stride: "1", Dilation: "1",
		Padding: "same", Groups: 1, Method: "auto", Alpha: "keep"}
	if edit != nil {
		edit(&r)
	}
	return r
}

// TestPlanResolve checks the decisions a plan makes before any pixel:
// the pads (worked out by hand from TensorFlow's and PyTorch's rules), the
// default edge, and the summary's description.
func TestPlanResolve(t *testing.T) {
	matrix := Header{C: 1, H: 10, W: 10, Format: "npy"}
	image := Header{C: 3, H: 10, W: 10, Image: true, Depth: 8, Format: "png"}
	tests := []struct {
		name   string
		r      ConvRequest
		in     Header
		pad    conv.Pad
		edge   string
		desc   string
		outPad [2]int
	}{
		{"odd same, matrix: zero", request("box:3", nil), matrix, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, "zero", "same (1,1,1,1)", [2]int{}},
		{"odd same, image: replicate", request("box:3", nil), image, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, "replicate", "same (1,1,1,1)", [2]int{}},
		// total 1: the smaller half (0) first; turned with the kernel under --flip.
		{"even same", request("1 2; 3 4", nil), matrix, conv.Pad{Bottom: 1, Right: 1}, "zero", "same (0,1,0,1)", [2]int{}},
		{"even same flipped", request("1 2; 3 4", func(r *ConvRequest) { r.Flip = true }), matrix, conv.Pad{Top: 1, Left: 1}, "zero", "same (1,0,1,0)", [2]int{}},
		// ImageMagick's +0+0 anchors the output at the top-left element.
		{"origin", request("3x3+0+0: 1,1,1,1,1,1,1,1,1", nil), matrix, conv.Pad{Bottom: 2, Right: 2}, "zero", "same (0,2,0,2)", [2]int{}},
		// full: d(k-1) = 2·2 on every side.
		{"full dilated", request("box:3", func(r *ConvRequest) { r.Padding, r.Dilation = "full", "2" }), matrix, conv.Pad{Top: 4, Bottom: 4, Left: 4, Right: 4}, "zero", "full (4,4,4,4)", [2]int{}},
		{"explicit pair", request("box:3", func(r *ConvRequest) { r.Padding = "2,0" }), matrix, conv.Pad{Top: 2, Bottom: 2}, "zero", "2,0 (2,2,0,0)", [2]int{}},
		{"given edge", request("box:3", func(r *ConvRequest) { r.Edge = "circular" }), image, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, "circular", "same (1,1,1,1)", [2]int{}},
		// k4 s2: 2p − op = 1·3 + 1 − 2 = 2, even: p = 1, op = 0.
		{"transpose same", request("box:4", func(r *ConvRequest) { r.Transpose, r.Stride = true, "2" }), image, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, "zero", "same (p=1,1 output_padding=0,0)", [2]int{}},
		// k3 s2: t = 1, odd: p = 1, op = 1.
		{"transpose same odd", request("box:3", func(r *ConvRequest) { r.Transpose, r.Stride = true, "2" }), matrix, conv.Pad{Top: 1, Bottom: 1, Left: 1, Right: 1}, "zero", "same (p=1,1 output_padding=1,1)", [2]int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanConv(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Resolve(tt.in, Limits{MaxPixels: 1 << 28}); err != nil {
				t.Fatal(err)
			}
			if p.Params.Pad != tt.pad || p.Params.Edge.String() != tt.edge || p.PadDesc != tt.desc {
				t.Errorf("pad %+v edge %s desc %q, want %+v %s %q", p.Params.Pad, p.Params.Edge, p.PadDesc, tt.pad, tt.edge, tt.desc)
			}
			if got := [2]int{p.Params.OutPadY, p.Params.OutPadX}; got != tt.outPad {
				t.Errorf("output padding %v, want %v", got, tt.outPad)
			}
			if p.Path != WholeImage {
				t.Errorf("path %s, want whole image", p.Path)
			}
		})
	}
}

// TestPlanKernel checks the kernel preparation: normalise, scale and
// offset, flip, in that order.
func TestPlanKernel(t *testing.T) {
	one := 0.0
	tests := []struct {
		name       string
		r          ConvRequest
		data       []float32
		normalized string
		scale      float64
	}{
		{"as given", request("1 2; 3 4", nil), []float32{1, 2, 3, 4}, "no", 1},
		{"flipped", request("1 2; 3 4", func(r *ConvRequest) { r.Flip = true }), []float32{4, 3, 2, 1}, "no", 1},
		{"normalized then flipped", request("1 1; 1 5", func(r *ConvRequest) { r.Normalize, r.Flip = true, true }), []float32{0.625, 0.125, 0.125, 0.125}, "yes", 1},
		{"zero-sum left alone", request("-1 1", func(r *ConvRequest) { r.Normalize = true }), []float32{-1, 1}, "no (zero-sum kernel left as it is)", 1},
		{"scale 0 means 1", request("1 2", func(r *ConvRequest) { r.Scale = &one }), []float32{1, 2}, "no", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanConv(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Kernel.Data, tt.data) || p.Normalized != tt.normalized || p.Scale != tt.scale {
				t.Errorf("kernel %v normalized %q scale %g, want %v %q %g", p.Kernel.Data, p.Normalized, p.Scale, tt.data, tt.normalized, tt.scale)
			}
		})
	}
}

// TestPlanRefuses: requests that cannot work are refused before any
// pixel, usage mistakes as UsageError.
func TestPlanRefuses(t *testing.T) {
	in := Header{C: 1, H: 4, W: 4, Format: "npy"}
	tests := []struct {
		name  string
		r     ConvRequest
		usage bool
		want  string
	}{
		{"zero stride", request("box:3", func(r *ConvRequest) { r.Stride = "0" }), true, `--stride "0": want whole numbers ≥ 1`},
		{"bad padding", request("box:3", func(r *ConvRequest) { r.Padding = "half" }), true, `--padding "half"`},
		{"groups on a filter", request("box:3", func(r *ConvRequest) { r.Groups = 2 }), true, "--groups applies to a 4-D layer"},
		{"bias on a filter", request("box:3", func(r *ConvRequest) { r.Bias = "1" }), true, "--bias applies to a 4-D layer"},
		{"transpose full", request("box:3", func(r *ConvRequest) { r.Transpose, r.Padding = true, "full" }), true, "--padding full does not apply to --transpose"},
		// k2 s1: t = 1, odd, op = 1, not below the stride 1.
		{"transpose same impossible", request("box:2", func(r *ConvRequest) { r.Transpose = true }), true, "no padding makes a 2x2 kernel's output"},
		{"huge padding", request("box:3", func(r *ConvRequest) { r.Padding = "100000" }), false, "in.npy: the padded input would be 200004x200004"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanConv(tt.r)
			if err == nil {
				err = p.Resolve(in, Limits{MaxPixels: 1 << 28})
			}
			var ue *UsageError
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.As(err, &ue) != tt.usage {
				t.Errorf("err = %v (usage %v), want %q (usage %v)", err, errors.As(err, &ue), tt.want, tt.usage)
			}
		})
	}
}

// TestRunConvResult runs a job end to end on buffers: a 3x3 box over a
// 3x3 ramp with zero padding, whose centre is the sum of all nine (36) and
// whose corner is 0+1+3+4 = 8; the result carries the summary with
// compute_ms in its JSON form.
func TestRunConvResult(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.npy"), filepath.Join(dir, "out.npy")
	ramp, _ := tensor.FromData(1, 3, 3, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8})
	if err := tensorio.Write(in, &tensorio.Data{T: ramp, Format: "npy", Rank: 2}, tensorio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := &Env{Stdout: &stdout, Stderr: &stderr, JSON: true}
	res, err := RunConv(request("1 1 1; 1 1 1; 1 1 1", func(r *ConvRequest) { r.Input, r.Output = in, out }), env)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tensorio.Read(out, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.T.At(0, 1, 1) != 36 || got.T.At(0, 0, 0) != 8 || got.Rank != 2 {
		t.Errorf("centre %g corner %g rank %d, want 36 8 2", got.T.At(0, 1, 1), got.T.At(0, 0, 0), got.Rank)
	}
	if err := res.Print(env); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"command", "time_ms", "compute_ms", "input", "output", "kernel", "padding", "edge", "method"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON summary %s lacks %q", stdout.String(), k)
		}
	}
	if doc["edge"] != "zero" || doc["padding"] != "same (1,1,1,1)" {
		t.Errorf("edge %v padding %v, want zero and same (1,1,1,1)", doc["edge"], doc["padding"])
	}
	// auto says why it chose: the cost model's estimates, its choice first.
	if why, _ := doc["why"].(string); !strings.HasPrefix(why, "auto: cheapest by the ") ||
		!strings.Contains(why, fmt.Sprintf("(%s ≈", doc["method"])) {
		t.Errorf("why %q for method %v", why, doc["method"])
	}
}

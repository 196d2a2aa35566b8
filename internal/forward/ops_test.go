package forward

import (
	"path/filepath"
	"testing"

	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// TestOpsAgainstPyTorch checks each operation function on its own against
// torch.nn.functional (ops.npz, from make_fixtures.py), at relTol of the
// result's largest value.
func TestOpsAgainstPyTorch(t *testing.T) {
	w, err := ReadWeights(filepath.Join(fixtures, "ops.npz"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(k string) *tensor.Tensor {
		a, ok := w[k]
		if !ok {
			t.Fatalf("ops.npz has no %q", k)
		}
		return toTensor(t, a)
	}
	x, y := get("x"), get("y")
	w6, b6, lw, lb := get("w6").Data, get("b6").Data, get("lw").Data, get("lb").Data
	act := func(f func(float32) float32) *tensor.Tensor {
		out, err := pointwise(f)(x, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	must := func(out *tensor.Tensor, err error) *tensor.Tensor {
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	flipped := tensor.New(x.C, x.H, x.W)
	for c := 0; c < x.C; c++ {
		copy(flipped.Plane(c), x.Plane(x.C-1-c))
	}
	for _, tc := range []struct {
		name string
		got  *tensor.Tensor
	}{
		{"silu", act(silu)}, {"gelu", act(gelu)}, {"hardswish", act(hardSwish)},
		{"hardsigmoid", act(hardSigmoid)}, {"leakyrelu", act(leakyReLU(0.01))}, {"mish", act(mish)},
		{"softmax", softmaxChannels(x, false)},
		{"concat", must(concat([]*tensor.Tensor{x, y}))},
		{"mul_full", must(mul(x, flipped, false))},
		{"mul_gate", must(mul(x, get("gate"), false))},
		{"mul_gate", must(mul(get("gate"), x, true))}, // the gate first, as "gate; se: mul @x" reads
		{"nearest2", upsample(x, 10, 14, 0.5, 0.5, false)},
		{"nearest_size", upsample(x, 8, 9, 5.0/8, 7.0/9, false)},
		{"nearest_1.5", upsample(x, 7, 10, 1/1.5, 1/1.5, false)},
		{"bilinear2", upsample(x, 10, 14, 0.5, 0.5, true)},
		{"bilinear_size", upsample(x, 3, 11, 5.0/3, 7.0/11, true)},
		{"pad", zeroPad(x, 3, 0, 1, 2)},
		{"linear", linearChannels(x, 4, lw, lb)},
		{"groupnorm", groupNorm(x, 3, w6, b6, 1e-5, false)},
		{"layernorm", layerNormChannels(x, w6, b6, 1e-5, false)},
		// The layers' constants, each far enough from the default to move
		// the result by more than the tolerance.
		{"leakyrelu_0.1", act(leakyReLU(0.1))},
		{"leakyrelu_-0.5", act(leakyReLU(-0.5))},
		{"gelu_tanh", act(geluTanh)},
		{"groupnorm_eps", groupNorm(x, 2, w6, b6, 4, false)},
		{"layernorm_eps", layerNormChannels(x, w6, b6, 3, false)},
		{"lrn_default", lrn(x, shape.DefaultLRN)},
		{"lrn_3", lrn(x, shape.LRNParams{Size: 3, Alpha: 0.05, Beta: 0.5, K: 1.5})},
		{"lrn_4", lrn(x, shape.LRNParams{Size: 4, Alpha: 0.02, Beta: 0.9, K: 1})},
		{"bilinear_aligned2", upsampleAligned(x, 10, 14)},
		{"bilinear_aligned_size", upsampleAligned(x, 3, 11)},
		{"bilinear_aligned_1", upsampleAligned(x, 1, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) { compare(t, tc.name, tc.got, get(tc.name)) })
	}
	if _, err := concat([]*tensor.Tensor{x, tensor.New(1, 2, 2)}); err == nil {
		t.Error("concat of different sizes was accepted")
	}
	if _, err := mul(x, tensor.New(2, 1, 1), false); err == nil {
		t.Error("mul by a gate of the wrong channel count was accepted")
	}
}

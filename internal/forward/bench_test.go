package forward

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// randomWeights returns pseudo-random weights for a walked network
// (running variances positive), for timing and smoke tests only.
func randomWeights(res *shape.NetResult) Weights {
	w := Weights{}
	seed := uint32(1)
	for _, p := range Params(res) {
		size := 1
		for _, d := range p.Shape {
			size *= d
		}
		a := &npy.Array{Shape: p.Shape, Data: make([]float32, size)}
		// A xorshift stream in [−0.05, 0.05): uniform is enough for a
		// smoke test and a timing, and cheap for VGG's 138 M weights.
		for i := range a.Data {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			a.Data[i] = float32(seed)/(1<<32)*0.1 - 0.05
			if strings.HasSuffix(p.Key, "running_var") {
				a.Data[i] = 1 + a.Data[i]*a.Data[i]
			}
		}
		w[p.Key] = a
	}
	return w
}

// randomModel builds a preset with random weights, for timing.
func randomModel(b *testing.B, preset string, m conv.Method) (*Model, *tensor.Tensor) {
	n, err := shape.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	res, err := shape.Walk(n, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	model, err := BuildWith(n, nil, randomWeights(res), preset, m)
	if err != nil {
		b.Fatal(err)
	}
	in := res.Input
	x := tensor.New(in.C, in.H, in.W)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	return model, x
}

func benchNet(b *testing.B, preset string, m conv.Method) {
	model, x := randomModel(b, preset, m)
	b.ResetTimer()
	for b.Loop() {
		if _, err := model.Run(x, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResNet18(b *testing.B)       { benchNet(b, "resnet18", conv.Auto) }
func BenchmarkResNet18GEMM(b *testing.B)   { benchNet(b, "resnet18", conv.GEMM) }
func BenchmarkResNet18Direct(b *testing.B) { benchNet(b, "resnet18", conv.Direct) }

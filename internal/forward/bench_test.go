package forward

import (
	"math/rand/v2"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// randomModel builds a preset with random weights (running variances
// positive), for timing only.
func randomModel(b *testing.B, preset string, m conv.Method) (*Model, *tensor.Tensor) {
	n, err := shape.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	res, err := shape.Walk(n, nil)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := Weights{}
	for _, p := range Params(res) {
		a := &npy.Array{Shape: p.Shape, Data: make([]float32, 1)}
		size := 1
		for _, d := range p.Shape {
			size *= d
		}
		a.Data = make([]float32, size)
		for i := range a.Data {
			a.Data[i] = float32(rng.NormFloat64() * 0.05)
			if len(p.Key) > 11 && p.Key[len(p.Key)-11:] == "running_var" {
				a.Data[i] = 1 + a.Data[i]*a.Data[i]
			}
		}
		w[p.Key] = a
	}
	model, err := BuildWith(n, nil, w, preset, m)
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

package conv

import (
	"fmt"
	"math"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

func gaussianKernel(n int) *kernel.Kernel {
	sigma := float64(n) / 6
	g := make([]float64, n)
	var s float64
	for i := range g {
		d := (float64(i) - float64(n-1)/2) / sigma
		g[i] = math.Exp(-d * d / 2)
		s += g[i]
	}
	k := &kernel.Kernel{Name: "gaussian", H: n, W: n, Data: make([]float32, n*n)}
	for i := range n {
		for j := range n {
			k.Data[i*n+j] = float32(g[i] * g[j] / (s * s))
		}
	}
	return k
}

func benchInput(c, h, w int) *tensor.Tensor {
	in := tensor.New(c, h, w)
	for i := range in.Data {
		in.Data[i] = float32(i*7919%256) / 255
	}
	return in
}

// benchFilter times a 'same' Gaussian filter (replicate edge) and reports
// GFLOP/s counted as 2·kh·kw per output sample: the direct method's work,
// so the figures of different methods compare as speed.
func benchFilter(b *testing.B, c, h, w, n int, m Method) {
	in, k := benchInput(c, h, w), gaussianKernel(n)
	p := NewParams()
	p.Pad.Top, p.Pad.Bottom, _ = SamePad(h, n, 1, 1, false)
	p.Pad.Left, p.Pad.Right, _ = SamePad(w, n, 1, 1, false)
	p.Edge = Replicate
	b.SetBytes(int64(4 * in.Len()))
	Filter(in, k, p, m) // warm: the first call faults in the heap it then reuses
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, used, err := Filter(in, k, p, m); err != nil || (m != Auto && used != m) {
			b.Fatalf("ran %s: %v", used, err)
		}
	}
	flops := 2 * float64(n*n) * float64(in.Len()) * float64(b.N)
	reportRates(b, flops, cpu0)
}

func BenchmarkFilter3x3_1x1024_Direct(b *testing.B)    { benchFilter(b, 1, 1024, 1024, 3, Direct) }
func BenchmarkFilter3x3_1x1024_Separable(b *testing.B) { benchFilter(b, 1, 1024, 1024, 3, Separable) }
func BenchmarkFilter3x3_1x1024_GEMM(b *testing.B)      { benchFilter(b, 1, 1024, 1024, 3, GEMM) }
func BenchmarkFilter5x5_1x1024_Direct(b *testing.B)    { benchFilter(b, 1, 1024, 1024, 5, Direct) }
func BenchmarkFilter5x5_1x1024_Separable(b *testing.B) { benchFilter(b, 1, 1024, 1024, 5, Separable) }
func BenchmarkFilter5x5_1x1024_GEMM(b *testing.B)      { benchFilter(b, 1, 1024, 1024, 5, GEMM) }
func BenchmarkFilter13x13_1x1024_Direct(b *testing.B)  { benchFilter(b, 1, 1024, 1024, 13, Direct) }
func BenchmarkFilter13x13_1x1024_Separable(b *testing.B) {
	benchFilter(b, 1, 1024, 1024, 13, Separable)
}
func BenchmarkFilter13x13_1x1024_GEMM(b *testing.B)    { benchFilter(b, 1, 1024, 1024, 13, GEMM) }
func BenchmarkFilter3x3_3x2048_Direct(b *testing.B)    { benchFilter(b, 3, 2048, 2048, 3, Direct) }
func BenchmarkFilter3x3_3x2048_Separable(b *testing.B) { benchFilter(b, 3, 2048, 2048, 3, Separable) }
func BenchmarkFilter3x3_3x2048_GEMM(b *testing.B)      { benchFilter(b, 3, 2048, 2048, 3, GEMM) }
func BenchmarkFilter5x5_3x2048_Direct(b *testing.B)    { benchFilter(b, 3, 2048, 2048, 5, Direct) }
func BenchmarkFilter5x5_3x2048_Separable(b *testing.B) { benchFilter(b, 3, 2048, 2048, 5, Separable) }
func BenchmarkFilter5x5_3x2048_GEMM(b *testing.B)      { benchFilter(b, 3, 2048, 2048, 5, GEMM) }
func BenchmarkFilter13x13_3x2048_Direct(b *testing.B)  { benchFilter(b, 3, 2048, 2048, 13, Direct) }
func BenchmarkFilter13x13_3x2048_Separable(b *testing.B) {
	benchFilter(b, 3, 2048, 2048, 13, Separable)
}
func BenchmarkFilter13x13_3x2048_GEMM(b *testing.B) { benchFilter(b, 3, 2048, 2048, 13, GEMM) }
func BenchmarkFilter5x5_3x2048_Auto(b *testing.B)   { benchFilter(b, 3, 2048, 2048, 5, Auto) }

// reportRates reports GFLOP/s of wall time and the CPU time per call
// (cpu-ms/op, all threads): on the shared development machine other
// processes' load stretches wall time, while CPU time tracks the work.
func reportRates(b *testing.B, flops, cpu0 float64) {
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
}

// benchLayer times a PyTorch-style layer and reports GFLOP/s as 2·MACs.
// It runs the layer as a network run does (internal/forward): weights
// prepared once in a LayerPlan, the output taken from a tensor.Pool and
// handed back when done with, as PyTorch's warm allocator hands its
// output tensor the block the previous call freed.
func benchLayer(b *testing.B, cin, cout, hw, k, s, p, g int, m Method) {
	in := benchInput(cin, hw, hw)
	w := &kernel.Bank{N0: cout, N1: cin / g, KH: k, KW: k, Data: make([]float32, cout*cin/g*k*k)}
	for i := range w.Data {
		// No weight is zero, as in torch_layers.py's torch.rand weights:
		// direct skips zero weights one tap at a time, which a trained
		// layer rarely asks of it.
		w.Data[i] = float32(i%17-8)/64 + 1.0/128
	}
	pr := NewParams()
	pr.StrideY, pr.StrideX, pr.Groups, pr.Pad = s, s, g, Pad{p, p, p, p}
	ho, _ := OutSize(hw, k, s, 1, p, p)
	b.SetBytes(int64(4 * in.Len()))
	pr.Pool = new(tensor.Pool)
	lp, err := NewLayerPlan(w, nil, pr)
	if err != nil {
		b.Fatal(err)
	}
	out, _, _ := lp.Apply(in, pr, m) // warm: the first call fills the pool
	pr.Pool.Put(out)
	cpu0 := cpuSeconds()
	for b.Loop() {
		out, used, err := lp.Apply(in, pr, m)
		if err != nil || (m != Auto && used != m) {
			b.Fatalf("ran %s: %v", used, err)
		}
		pr.Pool.Put(out)
	}
	flops := 2 * float64(cout*ho*ho) * float64(cin/g*k*k) * float64(b.N)
	reportRates(b, flops, cpu0)
}

// AlexNet conv1 (the notes' 224×224 version), a ResNet 3×3 block layer, a
// MobileNet depthwise layer and a 1×1 pointwise layer.
func BenchmarkLayerAlexNet1_Direct(b *testing.B)     { benchLayer(b, 3, 96, 224, 11, 4, 2, 1, Direct) }
func BenchmarkLayerAlexNet1_GEMM(b *testing.B)       { benchLayer(b, 3, 96, 224, 11, 4, 2, 1, GEMM) }
func BenchmarkLayerResNet3x3_Direct(b *testing.B)    { benchLayer(b, 64, 64, 56, 3, 1, 1, 1, Direct) }
func BenchmarkLayerResNet3x3_GEMM(b *testing.B)      { benchLayer(b, 64, 64, 56, 3, 1, 1, 1, GEMM) }
func BenchmarkLayerDepthwise3x3_Direct(b *testing.B) { benchLayer(b, 64, 64, 112, 3, 1, 1, 64, Direct) }
func BenchmarkLayerDepthwise3x3_GEMM(b *testing.B)   { benchLayer(b, 64, 64, 112, 3, 1, 1, 64, GEMM) }
func BenchmarkLayerPointwise_Direct(b *testing.B)    { benchLayer(b, 64, 128, 56, 1, 1, 0, 1, Direct) }
func BenchmarkLayerPointwise_GEMM(b *testing.B)      { benchLayer(b, 64, 128, 56, 1, 1, 0, 1, GEMM) }

// The whole-process benchmark's workload (bench/compare.sh): a 4096×4096
// RGB image.
func BenchmarkFilter3x3_3x4096_Direct(b *testing.B) { benchFilter(b, 3, 4096, 4096, 3, Direct) }
func BenchmarkFilter5x5_3x4096_Direct(b *testing.B) { benchFilter(b, 3, 4096, 4096, 5, Direct) }
func BenchmarkFilter5x5_3x4096_Separable(b *testing.B) {
	benchFilter(b, 3, 4096, 4096, 5, Separable)
}
func BenchmarkFilter5x5_3x4096_Auto(b *testing.B) { benchFilter(b, 3, 4096, 4096, 5, Auto) }

// targetLayers are issue 10's workloads, timed beside PyTorch by
// bench/torch_layers.py: (name, cin, cout, hw, k, stride, pad, groups).
var targetLayers = []struct {
	name                      string
	cin, cout, hw, k, s, p, g int
}{
	{"conv64_3x3_56", 64, 64, 56, 3, 1, 1, 1},
	{"conv64_3x3_224", 64, 64, 224, 3, 1, 1, 1},
	{"conv256to64_1x1_56", 256, 64, 56, 1, 1, 0, 1},
	{"conv3to64_7x7s2_224", 3, 64, 224, 7, 2, 3, 1},
	{"dw256_3x3_56", 256, 256, 56, 3, 1, 1, 256},
	{"dw3_5x5_4096", 3, 3, 4096, 5, 1, 2, 3},
}

// BenchmarkTarget runs each target layer with every method that suits it
// (go test -run '^$' -bench 'Target/.*/auto' ./internal/conv/).
func BenchmarkTarget(b *testing.B) {
	for _, tl := range targetLayers {
		for _, m := range []Method{Auto, Direct, GEMM, FFT} {
			if m == FFT && tl.k < 5 {
				continue
			}
			b.Run(tl.name+"/"+string(m), func(b *testing.B) {
				benchLayer(b, tl.cin, tl.cout, tl.hw, tl.k, tl.s, tl.p, tl.g, m)
			})
		}
	}
}

// resnetSmallPlanes are ResNet-18's layer3 and layer4 convolutions at 224²
// input: small output planes (14², 7²) and many channels, where the gemm's
// wide tile dimension (output positions) is mostly padding
// (go test -run '^$' -bench 'ResNetSmall' ./internal/conv/).
var resnetSmallPlanes = []struct {
	name                      string
	cin, cout, hw, k, s, p, g int
}{
	{"l3_256_3x3_14", 256, 256, 14, 3, 1, 1, 1},
	{"l3_128to256_3x3s2_28", 128, 256, 28, 3, 2, 1, 1},
	{"l3_128to256_1x1s2_28", 128, 256, 28, 1, 2, 0, 1},
	{"l4_512_3x3_7", 512, 512, 7, 3, 1, 1, 1},
	{"l4_256to512_3x3s2_14", 256, 512, 14, 3, 2, 1, 1},
	{"l4_256to512_1x1s2_14", 256, 512, 14, 1, 2, 0, 1},
}

// BenchmarkResNetSmall times the small-plane layers with gemm.
func BenchmarkResNetSmall(b *testing.B) {
	for _, tl := range resnetSmallPlanes {
		b.Run(tl.name, func(b *testing.B) {
			benchLayer(b, tl.cin, tl.cout, tl.hw, tl.k, tl.s, tl.p, tl.g, GEMM)
		})
	}
}

// BenchmarkDepthwisePaths times issue 10's depthwise layer on the padded
// copy and in place (go test -run '^$' -bench DepthwisePaths ./internal/conv/).
func BenchmarkDepthwisePaths(b *testing.B) {
	for _, off := range []bool{true, false} {
		name := map[bool]string{true: "copy", false: "inplace"}[off]
		b.Run(name, func(b *testing.B) {
			defer func(v bool) { inPlace3x3Off = v }(inPlace3x3Off)
			inPlace3x3Off = off
			benchLayer(b, 256, 256, 56, 3, 1, 1, 256, Direct)
		})
	}
}

// BenchmarkGemmPaths times gemm's implicit and packed paths on the target
// layers and ResNet-18's small planes
// (go test -run '^$' -bench GemmPaths ./internal/conv/).
func BenchmarkGemmPaths(b *testing.B) {
	layers := append([]struct {
		name                      string
		cin, cout, hw, k, s, p, g int
	}{}, resnetSmallPlanes...)
	for _, tl := range targetLayers {
		if tl.g == 1 {
			layers = append(layers, struct {
				name                      string
				cin, cout, hw, k, s, p, g int
			}{tl.name, tl.cin, tl.cout, tl.hw, tl.k, tl.s, tl.p, tl.g})
		}
	}
	for _, tl := range layers {
		for _, off := range []bool{true, false} {
			name := tl.name + map[bool]string{true: "/packed", false: "/implicit"}[off]
			b.Run(name, func(b *testing.B) {
				defer func(v bool) { implicitOff = v }(implicitOff)
				implicitOff = off
				benchLayer(b, tl.cin, tl.cout, tl.hw, tl.k, tl.s, tl.p, tl.g, GEMM)
			})
		}
	}
}

// BenchmarkImplicitKC times gemm's implicit path at several K block sizes
// (go test -run '^$' -bench ImplicitKC ./internal/conv/).
func BenchmarkImplicitKC(b *testing.B) {
	for _, kc := range []int{64, 128, 256, 1 << 20} {
		for _, tl := range []struct {
			name                      string
			cin, cout, hw, k, s, p, g int
		}{targetLayers[0], targetLayers[3], resnetSmallPlanes[0], resnetSmallPlanes[1]} {
			b.Run(fmt.Sprintf("%s/kc%d", tl.name, kc), func(b *testing.B) {
				defer func(v int) { implicitKC = v }(implicitKC)
				implicitKC = kc
				benchLayer(b, tl.cin, tl.cout, tl.hw, tl.k, tl.s, tl.p, tl.g, GEMM)
			})
		}
	}
}

// MobileNet-v2's strided depthwise layers (go test -run '^$' -bench
// StridedDepthwise ./internal/conv/).
func BenchmarkStridedDepthwise(b *testing.B) {
	for _, tl := range []struct {
		name        string
		c, hw, k, s int
	}{{"dw96_3x3s2_112", 96, 112, 3, 2}, {"dw144_3x3s2_56", 144, 56, 3, 2}, {"dw3_5x5s2_2048", 3, 2048, 5, 2}} {
		for _, m := range []Method{Auto, Direct, GEMM} {
			b.Run(tl.name+"/"+string(m), func(b *testing.B) {
				benchLayer(b, tl.c, tl.c, tl.hw, tl.k, tl.s, tl.k/2, tl.c, m)
			})
		}
	}
}

// BenchmarkDWScale times 3×3 depthwise layers of 16, 64 and 256 channels
// at 56², to compare one core with two (GOMAXPROCS=1 and 2): with a
// thread woken for every loop, two were no faster than one
// (go test -run '^$' -bench DWScale -cpu 1,2 ./internal/conv/).
func BenchmarkDWScale(b *testing.B) {
	for _, c := range []int{16, 64, 256} {
		b.Run(fmt.Sprintf("c%d", c), func(b *testing.B) { benchLayer(b, c, c, 56, 3, 1, 1, c, Direct) })
	}
}

// BenchmarkDWGroup times issue 10's depthwise layer with the in-place
// path's tasks taking 1, 4, 8 or 16 consecutive planes
// (go test -run '^$' -bench DWGroup -cpu 2 ./internal/conv/).
func BenchmarkDWGroup(b *testing.B) {
	for _, g := range []int{1, 4, 8, 16} {
		b.Run(fmt.Sprintf("g%d", g), func(b *testing.B) {
			defer func(v int) { dwGroup = v }(dwGroup)
			dwGroup = g
			benchLayer(b, 256, 256, 56, 3, 1, 1, 256, Direct)
		})
	}
}

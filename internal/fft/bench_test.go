package fft

import (
	"math"
	"testing"

	"github.com/convtool/convtool/internal/tensor"
)

// benchCorrelate times the valid correlation of an n×n plane with a k×k
// kernel, the Correlator (plan and kernel spectrum) built once, as for the
// channels of a tensor. conv's BenchmarkCrossover compares it with direct.
func benchCorrelate(b *testing.B, n, k int) {
	x := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i*7919%256) / 255
	}
	kk := make([]float32, k*k)
	for i := range kk {
		kk[i] = float32(i%7) - 3
	}
	c, err := NewCorrelator(n, n, kk, k, k, Options{})
	if err != nil {
		b.Fatal(err)
	}
	oh, ow := c.OutSize()
	dst := make([]float32, oh*ow)
	b.SetBytes(int64(4 * n * n))
	defer cpuTime(b)()
	for b.Loop() {
		c.Correlate(dst, x)
	}
}

func BenchmarkCorrelate1024_k3(b *testing.B)  { benchCorrelate(b, 1024, 3) }
func BenchmarkCorrelate1026_k3(b *testing.B)  { benchCorrelate(b, 1026, 3) }
func BenchmarkCorrelate1054_k31(b *testing.B) { benchCorrelate(b, 1054, 31) }
func BenchmarkCorrelate4096_k15(b *testing.B) { benchCorrelate(b, 4096, 15) }

func BenchmarkSpectrum512x3(b *testing.B) {
	t := tensor.New(3, 512, 512)
	for i := range t.Data {
		t.Data[i] = float32(i % 251)
	}
	b.SetBytes(int64(4 * t.Len()))
	defer cpuTime(b)()
	for b.Loop() {
		Spectrum(t)
	}
}

// benchForward times the 2-D real forward transform of an n×n plane (the
// plan and its buffers built once).
func benchForward(b *testing.B, n int) {
	x := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i*7919%256) / 255
	}
	p := NewPlan(n, n)
	spec := p.Forward(nil, x, n, n, n)
	b.SetBytes(int64(4 * n * n))
	stop := cpuTime(b)
	for b.Loop() {
		p.Forward(spec, x, n, n, n)
	}
	stop()
	// 2.5·N·log2 N flops, the usual count for a real transform.
	b.ReportMetric(2.5*float64(n*n)*math.Log2(float64(n*n))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkForward512(b *testing.B)  { benchForward(b, 512) }
func BenchmarkForward2048(b *testing.B) { benchForward(b, 2048) }
func BenchmarkForward2160(b *testing.B) { benchForward(b, 2160) }

// BenchmarkCorrelateTensor3x4096_k31 is `conv --method fft` on a 4096² RGB
// image with a dense 31×31 kernel, minus reading and writing: the three
// planes padded by 15 on every side ('same'), correlated with one
// Correlator (tiled overlap-save).
func BenchmarkCorrelateTensor3x4096_k31(b *testing.B) {
	const n, k = 4096 + 30, 31
	t := tensor.New(3, n, n)
	for i := range t.Data {
		t.Data[i] = float32(i*7919%256) / 255
	}
	kk := make([]float32, k*k)
	for i := range kk {
		kk[i] = float32(i%7) / 21
	}
	b.SetBytes(int64(4 * t.Len()))
	defer cpuTime(b)()
	for b.Loop() {
		if _, err := CorrelateTensor(t, kk, k, k, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

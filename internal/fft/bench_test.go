package fft

import (
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
	for b.Loop() {
		Spectrum(t)
	}
}

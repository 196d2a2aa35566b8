package fft

import (
	"fmt"
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

// BenchmarkKernels times each butterfly alone, at the level the binary
// runs (-level to pick a lower one), on the shapes the 2-D transforms give
// them: a batch of 8 columns of 2048 or 2160 values (16 or 17 thousand
// complex64, in L2), in a pass's first (s = 8, many groups) and last
// (one or few groups, long runs) position, and the real transform's
// combine and split steps on 8 rows of 2048.
func BenchmarkKernels(b *testing.B) {
	const lanes = 8
	fill := func(z []complex64) {
		for i := range z {
			z[i] = complex(float32(i%13)-6, float32(i%7)-3)
		}
	}
	for _, c := range []struct{ r, n int }{{4, 2048}, {2, 2048}, {3, 2160}, {5, 2160}} {
		for _, s := range []int{lanes, lanes * c.n / c.r} {
			m := c.n * lanes / (c.r * s)
			b.Run(fmt.Sprintf("pass%d_s%d_m%d", c.r, s, m), func(b *testing.B) {
				x, y := make([]complex64, c.n*lanes), make([]complex64, c.n*lanes)
				fill(x)
				tw := make([]complex64, m*(c.r-1))
				for i := range tw {
					tw[i] = expi(i, len(tw)+1)
				}
				f := map[int]func(x, y []complex64, s, m int, tw []complex64){2: pass2, 3: pass3, 4: pass4, 5: pass5}[c.r]
				b.SetBytes(int64(8 * len(x)))
				for b.Loop() {
					f(x, y, s, m, tw)
				}
			})
		}
	}
	const m = 1024
	b.Run("mulConj", func(b *testing.B) {
		z, w := make([]complex64, 2*m*lanes), make([]complex64, 2*m*lanes)
		fill(z)
		fill(w)
		b.SetBytes(int64(8 * len(z)))
		for b.Loop() {
			mulConj(z, w)
		}
	})
	p := newRealPlan(2 * m)
	b.Run("realPost", func(b *testing.B) {
		res, out := make([]complex64, m*lanes), make([]complex64, m*lanes)
		fill(res)
		b.SetBytes(int64(8 * len(res)))
		for b.Loop() {
			realPost(out, res, p.w, m, lanes)
		}
	})
	b.Run("realPre", func(b *testing.B) {
		if !hasRealPre(m, lanes) {
			b.Skip("no assembly split step at this level")
		}
		g, z := make([]complex64, (m+1)*lanes), make([]complex64, m*lanes)
		fill(g)
		b.SetBytes(int64(8 * len(z)))
		for b.Loop() {
			realPre(z, g, p.w, m, lanes)
		}
	})
}

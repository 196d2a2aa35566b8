package stream

import (
	"math/rand/v2"
	"testing"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/imgconv"
)

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) WriteRow([]float32) error { return nil }
func (discard) Close() error             { return nil }

// benchFilter filters a 3×n×n image with spec, streamed (from a tensor, to
// nowhere) or whole (imgconv.Filter, as the whole-image path runs it), so
// the cost of the window and the pipeline shows beside the engine's.
func benchFilter(b *testing.B, n int, spec string, streamed bool) {
	k := gaussian(&testing.T{}, spec)
	in := randomTensor(rand.New(rand.NewPCG(1, 1)), 3, n, n, 255)
	p := conv.NewParams()
	p.Edge = conv.Replicate
	t0, b0, _ := conv.SamePad(n, k.H, 1, 1, false)
	p.Pad = conv.Pad{Top: t0, Bottom: b0, Left: t0, Right: b0}
	b.SetBytes(int64(len(in.Data) * 4))
	for b.Loop() {
		if streamed {
			pl, err := NewPlan(3, n, n, Options{Kernel: k, Params: p})
			if err != nil {
				b.Fatal(err)
			}
			if err := pl.Run(&tensorSource{t: in}, discard{}); err != nil {
				b.Fatal(err)
			}
			continue
		}
		ay, ax := k.Anchor()
		if _, _, err := imgconv.Filter(in, false, 255, k, ay, ax, p, conv.Auto, imgconv.Keep); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStreamGauss5_2048(b *testing.B)    { benchFilter(b, 2048, "gaussian:1:5", true) }
func BenchmarkWholeGauss5_2048(b *testing.B)     { benchFilter(b, 2048, "gaussian:1:5", false) }
func BenchmarkStreamLaplacian_2048(b *testing.B) { benchFilter(b, 2048, "laplacian", true) }
func BenchmarkWholeLaplacian_2048(b *testing.B)  { benchFilter(b, 2048, "laplacian", false) }

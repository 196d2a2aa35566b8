package tensor

import (
	"math"
	"testing"
)

// TestPool: a nil pool allocates zeroed tensors; a pool hands back the
// storage it was given for the same length only, poisoned with NaN under
// Poison, and keeps no more than its bound.
func TestPool(t *testing.T) {
	var nilPool *Pool
	z := nilPool.Get(2, 3, 4)
	if z.Len() != 24 || z.Data[23] != 0 {
		t.Fatalf("nil pool: %v", z)
	}
	nilPool.Put(z) // ignored, no panic

	p := &Pool{}
	a := p.Get(1, 2, 8)
	a.Data[0] = 5
	p.Put(a)
	if got := p.Floats(15); got != nil {
		t.Fatalf("a length the pool does not hold: got %d floats", len(got))
	}
	b := p.Get(2, 1, 8) // same length, another shape
	if &b.Data[0] != &a.Data[0] || b.C != 2 || b.H != 1 || b.W != 8 {
		t.Fatalf("not the recycled storage, or the wrong shape: %+v", b)
	}
	if b.Data[0] != 5 {
		t.Fatalf("recycled storage changed without Poison: %v", b.Data[0])
	}
	if c := p.Get(1, 2, 8); &c.Data[0] == &a.Data[0] {
		t.Fatal("one storage handed out twice")
	}

	p.Poison = true
	p.Put(b)
	d := p.Get(16, 1, 1)
	for i, v := range d.Data {
		if !math.IsNaN(float64(v)) {
			t.Fatalf("Poison: value %d is %v", i, v)
		}
	}

	// Beyond the bound, Put lets storage go.
	defer func(v int) { poolMaxFloats = v }(poolMaxFloats)
	poolMaxFloats = 100
	q := &Pool{}
	q.PutFloats(make([]float32, poolMaxFloats))
	q.PutFloats(make([]float32, 8))
	if q.Floats(8) != nil {
		t.Fatal("kept storage past the bound")
	}
	if q.Floats(poolMaxFloats) == nil {
		t.Fatal("lost storage within the bound")
	}
}

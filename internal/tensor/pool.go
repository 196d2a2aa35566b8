package tensor

import (
	"math"
	"sync"
)

// Pool keeps the storage of tensors their owner is done with and hands it
// out again, as PyTorch's CPU allocator (glibc's heap behind it) does for a
// network's activations: a layer that runs again finds its output's pages
// already mapped and in cache, instead of a fresh zeroed allocation that
// faults in every page and that the garbage collector must later return.
//
// Storage is matched by exact length, which is what a network run asks for
// (every run needs the same sizes in the same order). A nil *Pool is valid
// and allocates like New. A Pool is safe for concurrent use.
type Pool struct {
	mu   sync.Mutex
	free map[int][][]float32
	held int // floats held in free

	// Poison makes Get fill recycled storage with NaN, so that a test can
	// show that a caller writes every value it was handed.
	Poison bool
}

// poolMaxFloats bounds what a Pool holds (256 MiB): beyond it, Put drops
// storage for the garbage collector. A variable so the test can lower it.
var poolMaxFloats = 1 << 26

// Get returns a (c, h, w) tensor whose values are unspecified: the caller
// must write every one before reading any. Use New for a zeroed tensor.
func (p *Pool) Get(c, h, w int) *Tensor {
	if p == nil {
		return New(c, h, w)
	}
	d := p.Floats(c * h * w)
	if d == nil {
		return New(c, h, w)
	}
	return &Tensor{C: c, H: h, W: w, Data: d}
}

// Floats returns recycled storage of exactly n floats with unspecified
// values (poisoned with NaN under Poison), or nil if the pool holds none of
// that length.
func (p *Pool) Floats(n int) []float32 {
	if p == nil || n <= 0 {
		return nil
	}
	p.mu.Lock()
	list := p.free[n]
	if len(list) == 0 {
		p.mu.Unlock()
		return nil
	}
	d := list[len(list)-1]
	list[len(list)-1] = nil
	p.free[n] = list[:len(list)-1]
	p.held -= n
	p.mu.Unlock()
	if p.Poison {
		for i := range d {
			d[i] = float32(math.NaN())
		}
	}
	return d
}

// Put hands t's storage back for a later Get. t must not be used after,
// and no other tensor may share its storage. A nil pool or tensor is
// ignored.
func (p *Pool) Put(t *Tensor) {
	if t != nil {
		p.PutFloats(t.Data)
	}
}

// PutFloats is Put for bare storage (scratch a computation made).
func (p *Pool) PutFloats(d []float32) {
	if p == nil || len(d) == 0 {
		return
	}
	d = d[:len(d):len(d)]
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held+len(d) > poolMaxFloats {
		return
	}
	if p.free == nil {
		p.free = make(map[int][][]float32)
	}
	p.free[len(d)] = append(p.free[len(d)], d)
	p.held += len(d)
}

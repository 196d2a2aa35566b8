// Package par runs loops of independent tasks on every core, on a team of
// worker goroutines that outlive the loop.
//
// A compute package that spawned goroutines for every parallel loop paid,
// on each loop, for waking an idle thread: on a virtual machine that is a
// hypervisor round trip, tens of microseconds, a large part of a small
// layer (a 56×56 depthwise layer computes in about 150 µs) and the reason
// two cores ran such a layer no faster than one. OpenMP, under PyTorch,
// keeps its threads spinning between parallel regions for the same reason
// (GOMP_SPINCOUNT). The team here does too, briefly: a helper that finds
// no new loop spins for Spin, yielding the processor now and then, and
// only then parks, so the loops of a network run or of a layer benchmark
// find their helpers awake, and an idle program sleeps.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Spin is how long an idle helper keeps looking for the next loop before
// it parks.
const Spin = 200 * time.Microsecond

// job is one loop: tasks 0…n-1 of f, handed out in order.
type job struct {
	n       int
	f       func(w, i int)
	next    atomic.Int64
	running atomic.Int32 // helpers inside work
}

// work runs tasks of j as worker w until none is left.
func (j *job) work(w int) {
	for {
		i := int(j.next.Add(1) - 1)
		if i >= j.n {
			return
		}
		j.f(w, i)
	}
}

// team is GOMAXPROCS-1 helpers plus the caller of For.
type team struct {
	mu      sync.Mutex // one loop on the team at a time
	size    int        // helpers
	gen     atomic.Uint64
	job     atomic.Pointer[job]
	parked  []atomic.Bool
	wake    []chan struct{}
	started bool
}

var t team

// For runs f(w, i) for every i in [0, n), each exactly once, on up to
// GOMAXPROCS goroutines, and returns when all have returned. w (0 ≤ w <
// GOMAXPROCS) names the worker, for per-worker scratch; the caller is
// worker 0. Tasks are handed out in order, so neighbouring tasks run close
// together in time. A For called while another runs (from a task, or from
// another goroutine) runs on goroutines of its own, as before the team.
func For(n int, f func(w, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	if !t.mu.TryLock() {
		spawn(n, workers, f)
		return
	}
	defer t.mu.Unlock()
	if !t.started {
		t.start(runtime.GOMAXPROCS(0) - 1)
	}
	if t.size != runtime.GOMAXPROCS(0)-1 {
		spawn(n, workers, f) // GOMAXPROCS changed since the team formed
		return
	}
	j := &job{n: n, f: f}
	t.job.Store(j)
	t.gen.Add(1)
	for h := range t.size {
		if t.parked[h].CompareAndSwap(true, false) {
			t.wake[h] <- struct{}{}
		}
	}
	j.work(0)
	// Every task is taken; wait for the helpers still running one. A
	// helper that joins from now on finds none and leaves at once.
	for spins := 0; j.running.Load() > 0; spins++ {
		if spins%64 == 63 {
			runtime.Gosched()
		}
	}
}

// start forms the team: helpers 1…size.
func (tm *team) start(size int) {
	tm.size, tm.started = size, true
	tm.parked = make([]atomic.Bool, size)
	tm.wake = make([]chan struct{}, size)
	for h := range size {
		tm.wake[h] = make(chan struct{}, 1)
		go tm.helper(h)
	}
}

// helper is team member h (worker h+1): it waits for each new loop,
// spinning for Spin and then parked, and works on it.
func (tm *team) helper(h int) {
	seen := tm.gen.Load()
	for {
		seen = tm.await(h, seen)
		j := tm.job.Load()
		j.running.Add(1)
		j.work(h + 1)
		j.running.Add(-1)
	}
}

// await returns the generation of the next loop after seen.
func (tm *team) await(h int, seen uint64) uint64 {
	deadline := time.Now().Add(Spin)
	for spins := 1; ; spins++ {
		if g := tm.gen.Load(); g != seen {
			return g
		}
		if spins%256 != 0 {
			continue
		}
		runtime.Gosched()
		if time.Now().Before(deadline) {
			continue
		}
		// Park: announce it, look once more (a loop posted in between
		// would not wake us), then sleep until For wakes us.
		tm.parked[h].Store(true)
		if g := tm.gen.Load(); g != seen {
			if !tm.parked[h].CompareAndSwap(true, false) {
				<-tm.wake[h] // For saw us parked and sent a wake: take it
			}
			return g
		}
		<-tm.wake[h]
		return tm.gen.Load()
	}
}

// spawn is For on goroutines started for this loop alone.
func spawn(n, workers int, f func(w, i int)) {
	j := &job{n: n, f: f}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { j.work(w) })
	}
	j.work(0)
	wg.Wait()
}

package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestForRunsEachTaskOnce: every index runs exactly once, on a worker
// index below GOMAXPROCS, for loop sizes around the worker count, loops
// back to back (helpers awake) and after the helpers have parked.
func TestForRunsEachTaskOnce(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for round := range 3 {
		for _, n := range []int{0, 1, 2, 3, 4, 5, 17, 1000} {
			counts := make([]atomic.Int32, n)
			var bad atomic.Int32
			For(n, func(w, i int) {
				if w < 0 || w >= 4 {
					bad.Add(1)
				}
				counts[i].Add(1)
			})
			for i := range counts {
				if c := counts[i].Load(); c != 1 {
					t.Fatalf("round %d n=%d: task %d ran %d times", round, n, i, c)
				}
			}
			if bad.Load() != 0 {
				t.Fatalf("round %d n=%d: a worker index out of range", round, n)
			}
		}
		time.Sleep(2 * Spin) // let the helpers park: the next round wakes them
	}
}

// TestForWaitsForEveryTask: For returns only after every task has
// returned, even the slow ones another worker took.
func TestForWaitsForEveryTask(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for range 50 {
		var done atomic.Int32
		For(8, func(_, i int) {
			if i%3 == 0 {
				runtime.Gosched()
			}
			done.Add(1)
		})
		if d := done.Load(); d != 8 {
			t.Fatalf("For returned with %d of 8 tasks done", d)
		}
	}
}

// TestForNestedAndConcurrent: a For inside a task, and Fors from several
// goroutines at once, each run all their tasks (on goroutines of their own
// when the team is busy) and return.
func TestForNestedAndConcurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	var total atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				For(6, func(_, _ int) {
					For(5, func(_, _ int) { total.Add(1) })
				})
			}
		})
	}
	wg.Wait()
	if got, want := total.Load(), int64(4*20*6*5); got != want {
		t.Fatalf("%d tasks ran, want %d", got, want)
	}
}

// TestForAfterGOMAXPROCSChange: worker indices stay below the current
// GOMAXPROCS when it changes after the team formed.
func TestForAfterGOMAXPROCSChange(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	For(10, func(int, int) {})
	for _, p := range []int{3, 1, 2} {
		runtime.GOMAXPROCS(p)
		var max atomic.Int32
		For(100, func(w, _ int) {
			for {
				m := max.Load()
				if int32(w) <= m || max.CompareAndSwap(m, int32(w)) {
					break
				}
			}
		})
		if int(max.Load()) >= p {
			t.Fatalf("GOMAXPROCS %d: worker %d", p, max.Load())
		}
	}
}

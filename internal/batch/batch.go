package batch

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
)

// Result is the outcome of one input.
type Result struct {
	Input string
	Err   error
}

// Options control Run.
type Options struct {
	// Workers is the number of inputs processed at once (< 1: one per
	// core, runtime.GOMAXPROCS).
	Workers int
	// Progress, when not nil, receives a one-line progress bar redrawn
	// with carriage returns as inputs finish, and a final newline. Pass
	// it only for a terminal.
	Progress io.Writer
}

// Run calls job for every input, at most o.Workers at a time, and returns
// the results in the order of inputs. A job that panics fails its input
// only: the panic becomes that input's error and the others go on.
func Run(inputs []string, o Options, job func(input string) error) []Result {
	workers := o.Workers
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(inputs))
	results := make([]Result, len(inputs))
	next := make(chan int)
	done := make(chan struct{}, len(inputs))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = Result{Input: inputs[i], Err: safe(job, inputs[i])}
				done <- struct{}{}
			}
		}()
	}
	bar := newBar(o.Progress, len(inputs))
	go func() {
		for i := range inputs {
			next <- i
		}
		close(next)
	}()
	for range inputs {
		<-done
		bar.step()
	}
	wg.Wait()
	bar.finish()
	return results
}

// Failed returns the results that carry an error.
func Failed(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Err != nil {
			out = append(out, r)
		}
	}
	return out
}

// safe runs job on input, turning a panic into an error.
func safe(job func(string) error, input string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error: %v", input, r)
		}
	}()
	return job(input)
}

// bar draws "[=====     ] 5/10 files" on one terminal line.
type bar struct {
	w        io.Writer
	n, total int
}

const barWidth = 30

func newBar(w io.Writer, total int) *bar {
	b := &bar{w: w, total: total}
	b.draw()
	return b
}

func (b *bar) step() {
	b.n++
	b.draw()
}

func (b *bar) draw() {
	if b.w == nil || b.total == 0 {
		return
	}
	filled := b.n * barWidth / b.total
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d files", strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), b.n, b.total)
}

func (b *bar) finish() {
	if b.w == nil || b.total == 0 {
		return
	}
	// Clear the bar so the report that follows starts on a clean line.
	fmt.Fprintf(b.w, "\r%s\r", strings.Repeat(" ", barWidth+2+len(fmt.Sprintf(" %d/%d files", b.total, b.total))))
}

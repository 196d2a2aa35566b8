package batch

import (
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/convtool/convtool/internal/progress"
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
	var bar *progress.Bar // nil: draws nothing
	if o.Progress != nil {
		bar = progress.NewCount(o.Progress, "", "files", 0)
		bar.Update(0, len(inputs))
	}
	go func() {
		for i := range inputs {
			next <- i
		}
		close(next)
	}()
	for n := range inputs {
		<-done
		bar.Update(n+1, len(inputs))
	}
	wg.Wait()
	bar.Finish()
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

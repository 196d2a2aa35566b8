package batch

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name    string
		inputs  []string
		workers int
		fail    map[string]bool // inputs whose job returns an error
		panics  map[string]bool // inputs whose job panics
	}{
		{name: "none", inputs: nil, workers: 4},
		{name: "one", inputs: []string{"a"}, workers: 0},
		{name: "all good", inputs: []string{"a", "b", "c", "d", "e", "f", "g"}, workers: 3},
		{name: "bad ones in the middle", inputs: []string{"a", "b", "c", "d", "e"}, workers: 2, fail: map[string]bool{"b": true, "d": true}},
		{name: "a panic fails only its input", inputs: []string{"a", "b", "c"}, workers: 1, panics: map[string]bool{"b": true}},
		{name: "more workers than inputs", inputs: []string{"a", "b"}, workers: 16, fail: map[string]bool{"a": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var running, peak, calls atomic.Int32
			res := Run(tc.inputs, Options{Workers: tc.workers}, func(in string) error {
				calls.Add(1)
				n := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				if tc.panics[in] {
					panic("boom")
				}
				if tc.fail[in] {
					return fmt.Errorf("%s: bad", in)
				}
				return nil
			})
			if int(calls.Load()) != len(tc.inputs) {
				t.Fatalf("job ran %d times for %d inputs", calls.Load(), len(tc.inputs))
			}
			if tc.workers > 0 && int(peak.Load()) > tc.workers {
				t.Errorf("%d jobs at once, want at most %d", peak.Load(), tc.workers)
			}
			if len(res) != len(tc.inputs) {
				t.Fatalf("%d results for %d inputs", len(res), len(tc.inputs))
			}
			for i, r := range res {
				if r.Input != tc.inputs[i] {
					t.Errorf("result %d is for %q, want %q (input order)", i, r.Input, tc.inputs[i])
				}
				bad := tc.fail[r.Input] || tc.panics[r.Input]
				if (r.Err != nil) != bad {
					t.Errorf("%s: error %v, want failure %v", r.Input, r.Err, bad)
				}
				if tc.panics[r.Input] && (r.Err == nil || !strings.Contains(r.Err.Error(), "boom") || !strings.HasPrefix(r.Err.Error(), r.Input+": ")) {
					t.Errorf("%s: panic reported as %v", r.Input, r.Err)
				}
			}
			if got, want := len(Failed(res)), len(tc.fail)+len(tc.panics); got != want {
				t.Errorf("Failed: %d, want %d", got, want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	inputs := []string{"a", "b", "c", "d"}
	var buf bytes.Buffer
	Run(inputs, Options{Workers: 2, Progress: &buf}, func(string) error { return errors.New("x") })
	out := buf.String()
	for _, want := range []string{"0/4 files", "4/4 files", "[" + strings.Repeat("=", 30 /* internal/progress's bar width */) + "]"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output %q lacks %q", out, want)
		}
	}
	if strings.Contains(out, "\n") {
		t.Errorf("progress bar printed a newline: %q", out)
	}
	if !strings.HasSuffix(out, "\r") {
		t.Errorf("progress bar not cleared at the end: %q", out)
	}
}

package summary

import (
	"bytes"
	"testing"
	"time"

	"github.com/convtool/convtool/internal/tensor"
)

// TestPrint checks the three ways a summary goes out: a line on stderr in
// the order keys were added (JSON-only keys left out), one sorted JSON
// object on stdout with command and time_ms, and nothing under -q — and
// that --json gives way to the line when the result itself is on stdout.
func TestPrint(t *testing.T) {
	s := New("pool").Add("op", "max").Data("input", "in.png", tensor.New(3, 4, 5)).Add("op", "avg").AddJSON("compute_ms", 1.5)
	tests := []struct {
		name        string
		o           Options
		out         string
		stdout, err string
	}{
		{"line", Options{}, "o.png", "", "pool: op avg, input in.png 3x4x5, 2.5 ms\n"},
		{"json", Options{JSON: true}, "o.png", `{"command":"pool","compute_ms":1.5,"input":{"file":"in.png","c":3,"h":4,"w":5},"op":"avg","time_ms":2.5}` + "\n", ""},
		{"json, result on stdout", Options{JSON: true}, "-", "", "pool: op avg, input in.png 3x4x5, 2.5 ms\n"},
		{"quiet", Options{Quiet: true}, "o.png", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			tt.o.Out, tt.o.ErrOut = &stdout, &stderr
			if err := s.Print(tt.o, tt.out, 2500*time.Microsecond); err != nil {
				t.Fatal(err)
			}
			if stdout.String() != tt.stdout || stderr.String() != tt.err {
				t.Errorf("stdout %q stderr %q, want %q %q", stdout.String(), stderr.String(), tt.stdout, tt.err)
			}
		})
	}
}

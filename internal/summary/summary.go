package summary

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/tensor"
)

// Facts is how an input or output appears in every summary: the file ("-"
// for stdin/stdout) and its shape, as text "in.png 3x512x512" and as JSON
// {"file":"in.png","c":3,"h":512,"w":512}.
type Facts struct {
	File string `json:"file"`
	C    int    `json:"c"`
	H    int    `json:"h"`
	W    int    `json:"w"`
}

func (d Facts) String() string { return fmt.Sprintf("%s %dx%dx%d", d.File, d.C, d.H, d.W) }

// FactsOf describes the tensor t stored at path.
func FactsOf(path string, t *tensor.Tensor) Facts {
	return Facts{File: path, C: t.C, H: t.H, W: t.W}
}

// Line is one command's summary: ordered key/value pairs, plus keys that
// only the JSON form carries (timings a script may want, which would
// clutter the line a person reads).
type Line struct {
	Command string
	keys    []string
	vals    map[string]any
	extra   map[string]any
}

// New starts the summary of command.
func New(command string) *Line {
	return &Line{Command: command, vals: map[string]any{}, extra: map[string]any{}}
}

// Data records an input or output (key "input" or "output") the same way
// for every command.
func (s *Line) Data(key, path string, t *tensor.Tensor) *Line {
	return s.Add(key, FactsOf(path, t))
}

// Add sets key to v, keeping the order in which keys were first added.
func (s *Line) Add(key string, v any) *Line {
	if _, ok := s.vals[key]; !ok {
		s.keys = append(s.keys, key)
	}
	s.vals[key] = v
	return s
}

// AddJSON sets a key that only the JSON form prints.
func (s *Line) AddJSON(key string, v any) *Line {
	s.extra[key] = v
	return s
}

// Get returns the value of key, if it was added.
func (s *Line) Get(key string) (any, bool) {
	v, ok := s.vals[key]
	return v, ok
}

// Options say where and how a summary is printed.
type Options struct {
	Out, ErrOut io.Writer
	// JSON prints the summary as one JSON object on Out, unless the
	// command's result itself goes to stdout.
	JSON bool
	// Quiet silences the line on ErrOut.
	Quiet bool
}

// Print writes the summary with elapsed as its time: as JSON on Out when
// o.JSON is set and outPath (the command's output) is not "-", else as one
// line on ErrOut unless o.Quiet. JSON keys come out sorted; "command" and
// "time_ms" are always there.
func (s *Line) Print(o Options, outPath string, elapsed time.Duration) error {
	ms := Millis(elapsed)
	if o.JSON && outPath != "-" {
		obj := make(map[string]any, len(s.vals)+len(s.extra)+2)
		for k, v := range s.extra {
			obj[k] = v
		}
		for k, v := range s.vals {
			obj[k] = v
		}
		obj["command"] = s.Command
		obj["time_ms"] = ms
		return JSON(o.Out, obj)
	}
	if o.Quiet {
		return nil
	}
	parts := make([]string, 0, len(s.keys)+1)
	for _, k := range s.keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, s.vals[k]))
	}
	parts = append(parts, fmt.Sprintf("%.1f ms", ms))
	_, err := fmt.Fprintf(o.ErrOut, "%s: %s\n", s.Command, strings.Join(parts, ", "))
	return err
}

// Millis is d in milliseconds with microsecond resolution, as every
// *_ms key prints it.
func Millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// JSON writes v as one line of JSON, as every --json document is written.
// A reader that went away shows as an error wrapping syscall.EPIPE.
func JSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// readData loads path ("-" reads the command's stdin) within the shared
// limits. Errors already name the file.
func readData(io *streams, g *globalOptions, path string) (*tensorio.Data, error) {
	return tensorio.Read(path, tensorio.ReadOptions{MaxPixels: g.MaxPixels, Stdin: io.In, Autorotate: g.Autorotate})
}

// writeData stores d at path ("-" writes to the command's stdout) as
// format (empty: by extension, else the input's own format). A reader that
// went away (`| head`) ends the run quietly.
func writeData(io *streams, path string, d *tensorio.Data, format string) error {
	err := tensorio.Write(path, d, tensorio.WriteOptions{Format: format, Stdout: io.Out})
	if errors.Is(err, syscall.EPIPE) {
		return errBrokenPipe
	}
	return err
}

// writeOutput is writeData for a command's result: the image output
// options (--quality, --background, --strip) apply, and alpha that the
// output format cannot hold is flattened first, so that the summary
// reports what was written. It returns a note for the summary's "alpha"
// ("" when nothing was flattened).
func writeOutput(io *streams, g *globalOptions, path string, d *tensorio.Data, format string) (string, error) {
	f, err := tensorio.OutputFormat(path, format, d.Format)
	note := ""
	if err == nil && tensorio.FlattenFor(d, f, g.Background) {
		note = fmt.Sprintf("flattened against --background %s (%s holds no alpha)", g.backgroundText(), strings.ToUpper(f))
	}
	err = tensorio.Write(path, d, tensorio.WriteOptions{Format: format, Stdout: io.Out, Quality: g.Quality, Background: g.Background, Strip: g.Strip})
	if errors.Is(err, syscall.EPIPE) {
		return note, errBrokenPipe
	}
	return note, err
}

// checkOutputPath refuses, before any work, an output whose extension names
// no format convtool writes (a path without an extension is written in the
// input's format, and --format overrides both).
func checkOutputPath(path, format string) error {
	if path == "-" || format != "" || filepath.Ext(path) == "" {
		return nil
	}
	f, err := tensorio.FormatOf(path)
	if err != nil {
		return usageErrorf("%s: %v (or give --format)", path, err)
	}
	if err := tensorio.CheckWritable(f); err != nil {
		return usageErrorf("%s: %v", path, err)
	}
	return nil
}

// summary is the one line a command reports on stderr (or as JSON on
// stdout with --json): ordered key/value pairs.
type summary struct {
	command string
	keys    []string
	vals    map[string]any
	start   time.Time
}

func newSummary(command string) *summary {
	return &summary{command: command, vals: map[string]any{}, start: time.Now()}
}

// dataFacts is how an input or output appears in every summary: the file
// ("-" for stdin/stdout) and its shape, as text "in.png 3x512x512" and as
// JSON {"file":"in.png","c":3,"h":512,"w":512}.
type dataFacts struct {
	File string `json:"file"`
	C    int    `json:"c"`
	H    int    `json:"h"`
	W    int    `json:"w"`
}

func (d dataFacts) String() string { return fmt.Sprintf("%s %dx%dx%d", d.File, d.C, d.H, d.W) }

// data records an input or output (key "input" or "output") the same way
// for every command.
func (s *summary) data(key, path string, t *tensor.Tensor) *summary {
	return s.add(key, dataFacts{File: path, C: t.C, H: t.H, W: t.W})
}

// add sets key to v, keeping the order in which keys were first added.
func (s *summary) add(key string, v any) *summary {
	if _, ok := s.vals[key]; !ok {
		s.keys = append(s.keys, key)
	}
	s.vals[key] = v
	return s
}

// print writes the summary: as JSON on stdout when --json is set and the
// result itself is not going to stdout, else as one line on stderr unless -q.
func (s *summary) print(io *streams, g *globalOptions, outPath string) error {
	ms := float64(time.Since(s.start).Microseconds()) / 1000
	if g.JSON && outPath != "-" {
		obj := make(map[string]any, len(s.vals)+2)
		for k, v := range s.vals {
			obj[k] = v
		}
		obj["command"] = s.command
		obj["time_ms"] = ms
		b, err := json.Marshal(obj) // map keys come out sorted: a stable document
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(io.Out, string(b))
		if errors.Is(err, syscall.EPIPE) {
			return errBrokenPipe
		}
		return err
	}
	if g.Quiet {
		return nil
	}
	parts := make([]string, 0, len(s.keys)+1)
	for _, k := range s.keys {
		parts = append(parts, fmt.Sprintf("%s %v", k, s.vals[k]))
	}
	parts = append(parts, fmt.Sprintf("%.1f ms", ms))
	fmt.Fprintf(io.ErrOut, "%s: %s\n", s.command, strings.Join(parts, ", "))
	return nil
}

// enumValue is a pflag.Value that accepts only the given words (and their
// aliases) and rejects anything else at parse time, so a typo is a usage
// error before any work is done.
type enumValue struct {
	target  *string
	allowed map[string]string // accepted word → canonical word
}

// newEnum binds target to a flag taking one of canon, or an alias given in
// aliases (alias → canonical). target's current value is the default.
func newEnum(target *string, canon []string, aliases map[string]string) *enumValue {
	m := map[string]string{}
	for _, c := range canon {
		m[c] = c
	}
	for a, c := range aliases {
		m[a] = c
	}
	return &enumValue{target: target, allowed: m}
}

func (e *enumValue) String() string { return *e.target }
func (e *enumValue) Type() string   { return "string" }
func (e *enumValue) Set(s string) error {
	c, ok := e.allowed[strings.ToLower(s)]
	if !ok {
		words := make([]string, 0, len(e.allowed))
		for w := range e.allowed {
			words = append(words, w)
		}
		sort.Strings(words)
		return fmt.Errorf("%q is not one of %s", s, strings.Join(words, ", "))
	}
	*e.target = c
	return nil
}

var _ pflag.Value = (*enumValue)(nil)

package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/convtool/convtool/internal/job"
)

// env is the job environment of one command run: its streams and the
// shared flags.
func (g *globalOptions) env(io *streams) *job.Env {
	return &job.Env{Stdin: io.In, Stdout: io.Out, Stderr: io.ErrOut, Terminal: io.ErrIsTerminal,
		ProgressDelay: progressDelay, Quiet: g.Quiet, JSON: g.JSON, MaxPixels: g.MaxPixels, MaxMACs: g.MaxMACs,
		Quality: g.Quality, Background: g.Background, Strip: g.Strip, Autorotate: g.Autorotate}
}

// progressDelay is how long work runs before its bar appears, so that
// quick runs stay silent (tests set it to 0 to see the bar).
var progressDelay = 500 * time.Millisecond

// formatFlag binds --format: one of the formats convtool writes.
func formatFlag(target *string) *enumValue {
	return newEnum(target, []string{"png", "npy", "csv", "txt", "mat", "jpeg", "gif", "tiff", "bmp", "pnm", "pam", "pfm"}, map[string]string{"jpg": "jpeg", "tif": "tiff", "pgm": "pnm", "ppm": "pnm"})
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

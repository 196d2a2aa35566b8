package job

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensorio"
)

// Env is where a job reads, writes and reports, and the limits every job
// shares: the process's streams for the command line, buffers in tests.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Terminal is true when Stderr is a terminal: only then is a progress
	// bar drawn.
	Terminal bool
	// ProgressDelay is how long work runs before its bar appears, so that
	// quick runs stay silent.
	ProgressDelay time.Duration
	// Quiet silences the summary line; JSON prints it as JSON on Stdout.
	Quiet, JSON bool
	// MaxPixels refuses images whose header claims more pixels, and
	// outputs or padded inputs with more samples a channel (0: no limit).
	// The streaming path holds rows, not images: there it bounds the
	// window (runConvStream).
	MaxPixels int64
	// PNGLevel is the compression of PNGs written (0: the default).
	PNGLevel int
}

// UsageError is a mistake in the request itself (a bad flag value, flags
// that exclude each other): the command line exits 2 for it.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a UsageError.
func Usagef(format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...)}
}

// Read loads path ("-" reads Stdin) within the shared limits. Errors
// already name the file.
func (e *Env) Read(path string) (*tensorio.Data, error) {
	return tensorio.Read(path, tensorio.ReadOptions{MaxPixels: e.MaxPixels, Stdin: e.Stdin})
}

// Write stores d at path ("-" writes to Stdout) as format (empty: by
// extension, else the data's own format). A reader that went away shows as
// an error wrapping syscall.EPIPE.
func (e *Env) Write(path string, d *tensorio.Data, format string) error {
	return tensorio.Write(path, d, tensorio.WriteOptions{Format: format, Stdout: e.Stdout, PNGLevel: e.PNGLevel})
}

// PrintJSON writes v as one JSON document on Stdout.
func (e *Env) PrintJSON(v any) error { return summary.JSON(e.Stdout, v) }

// Print reports s for a job that wrote outPath and began at start.
func (e *Env) Print(s *summary.Line, outPath string, start time.Time) error {
	return s.Print(summary.Options{Out: e.Stdout, ErrOut: e.Stderr, JSON: e.JSON, Quiet: e.Quiet}, outPath, time.Since(start))
}

// CheckOutputPath refuses, before any work, an output whose extension
// names no format convtool writes (a path without an extension is written
// in the input's format, and --format overrides both).
func CheckOutputPath(path, format string) error {
	if path == "-" || format != "" || filepath.Ext(path) == "" {
		return nil
	}
	if _, err := tensorio.FormatOf(path); err != nil {
		return Usagef("%s: %v (or give --format)", path, err)
	}
	return nil
}

// Result is what a job did: its summary and where the time went. Read,
// Compute and Write split the run (planning and post-processing are in
// none of them); the summary's time_ms is the whole run from Start.
type Result struct {
	Summary              *summary.Line
	Output               string
	Start                time.Time
	Read, Compute, Write time.Duration
}

// Print reports r: one line on stderr, or JSON on stdout with --json.
func (r *Result) Print(env *Env) error { return env.Print(r.Summary, r.Output, r.Start) }

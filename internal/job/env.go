package job

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
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
	MaxPixels int64
	// Image output: the JPEG quality (0: 75), what alpha is flattened
	// against for formats without it (0..255, none: black), and Strip to
	// write no metadata. Autorotate applies EXIF orientation on input.
	Quality           int
	Background        []float64
	Strip, Autorotate bool
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
	return tensorio.Read(path, tensorio.ReadOptions{MaxPixels: e.MaxPixels, Stdin: e.Stdin, Autorotate: e.Autorotate})
}

// Write stores d at path ("-" writes to Stdout) as format (empty: by
// extension, else the data's own format). A reader that went away shows as
// an error wrapping syscall.EPIPE.
func (e *Env) Write(path string, d *tensorio.Data, format string) error {
	return tensorio.Write(path, d, tensorio.WriteOptions{Format: format, Stdout: e.Stdout,
		Quality: e.Quality, Background: e.Background, Strip: e.Strip})
}

// Flatten composites d's alpha over Background when the output's format
// cannot hold alpha (JPEG, BMP, PGM/PPM, PFM), before it is written, and
// returns a note for the summary's "alpha" ("" when nothing was done), so
// that the summary reports what was written.
func (e *Env) Flatten(path, format string, d *tensorio.Data) string {
	f, err := tensorio.OutputFormat(path, format, d.Format)
	if err != nil || !tensorio.FlattenFor(d, f, e.Background) {
		return ""
	}
	bg := "0 (black)"
	if len(e.Background) > 0 {
		parts := make([]string, len(e.Background))
		for i, v := range e.Background {
			parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		bg = strings.Join(parts, ",")
	}
	return fmt.Sprintf("flattened against --background %s (%s holds no alpha)", bg, strings.ToUpper(f))
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
	f, err := tensorio.FormatOf(path)
	if err != nil {
		return Usagef("%s: %v (or give --format)", path, err)
	}
	if err := tensorio.CheckWritable(f); err != nil {
		return Usagef("%s: %v", path, err)
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

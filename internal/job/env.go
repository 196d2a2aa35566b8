package job

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

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
	// MaxMACs refuses a job whose work, known from its input's header, is
	// more multiply-adds (pool: window reads) than this (0: no limit).
	MaxMACs int64
	// Image output: the JPEG quality (0: 75), what alpha is flattened
	// against for formats without it (0..255, none: black), and Strip to
	// write no metadata. Autorotate applies EXIF orientation on input.
	Quality           int
	Background        []float64
	Strip, Autorotate bool
}

// DefaultMaxMACs is --max-macs' default, 10^12 multiply-adds: 2 to 8
// minutes of the direct method on a 2-core machine (0.11 ns a multiply-add
// in the cost model's fit, internal/conv/choose.go; 0.48 ns measured on a
// loaded AMD EPYC, README "Limits and hostile input"), and more than a
// 16384x16384 RGB scan filtered by a 31x31 kernel (7.7·10^11).
const DefaultMaxMACs = 1_000_000_000_000

// Limits are the bounds a plan checks before the pixels are decoded.
type Limits struct {
	MaxPixels, MaxMACs int64
}

// Limits returns the environment's bounds.
func (e *Env) Limits() Limits { return Limits{MaxPixels: e.MaxPixels, MaxMACs: e.MaxMACs} }

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
	return e.ReadChecked(path, nil)
}

// ReadChecked is Read with check applied to what the input's header says
// (its shape, for an image or a .npy), before any pixel is decoded: a
// plan's limits refuse a job from its header alone.
func (e *Env) ReadChecked(path string, check func(tensorio.Header) error) (*tensorio.Data, error) {
	d, err := tensorio.Read(path, tensorio.ReadOptions{MaxPixels: e.MaxPixels, Stdin: e.Stdin, Check: check, Autorotate: e.Autorotate})
	return d, err
}

// Write stores d at path ("-" writes to Stdout) as format (empty: by
// extension, else the data's own format). A reader that went away shows as
// an error wrapping syscall.EPIPE.
func (e *Env) Write(path string, d *tensorio.Data, format string) error {
	return tensorio.Write(path, d, tensorio.WriteOptions{Format: format, Stdout: e.Stdout,
		Quality: e.Quality, Background: e.Background, Strip: e.Strip, PNGLevel: e.PNGLevel})
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
//
// The summary contract: Print comes after the output was committed, so the
// exit status says the output was written. A summary that cannot be
// written (--json >/dev/full, stdout closed) is reported as one line on
// stderr and does not fail the job; a reader that went away (| head) is
// silent.
func (e *Env) Print(s *summary.Line, outPath string, start time.Time) error {
	err := s.Print(summary.Options{Out: e.Stdout, ErrOut: e.Stderr, JSON: e.JSON, Quiet: e.Quiet}, outPath, time.Since(start))
	e.summaryFailed(outPath, err)
	return nil
}

// summaryFailed reports a summary that could not be written after the
// output at outPath was: one line on stderr, unless the reader went away.
func (e *Env) summaryFailed(outPath string, err error) {
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err // "write /dev/stdout: …" says less than "stdout: …"
	}
	fmt.Fprintf(e.Stderr, "convtool: %s was written, but its summary was not: stdout: %v\n", outPath, err)
}

// CheckOutputPath decides the output's format from its name before any
// input is read: a file needs an extension naming a format convtool
// writes, unless --format names one; "-" and the streams that behave like
// it (/dev/stdout, /dev/full, /proc/self/fd/1, a FIFO: tensorio.IsStream)
// take --format or the input's own format. Anything else is a usage error.
func CheckOutputPath(path, format string) error {
	if path == "" || format != "" || tensorio.IsStream(path) {
		return nil // "": no output of its own (batch names each file's; shift writes none)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	if filepath.Ext(path) == "" {
		return Usagef("%s: no extension to tell the format: name it .png, .jpg, .gif, .tif, .bmp, .npy, .csv, .txt or .mat, or give --format", path)
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

// OneLine escapes the control characters (newlines above all) an error may
// carry from a file name or an argument, so that a message stays one line
// on stderr.
func OneLine(msg string) string {
	if !strings.ContainsFunc(msg, unicode.IsControl) {
		return msg
	}
	var b strings.Builder
	for _, r := range msg {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

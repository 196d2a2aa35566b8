package job

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/batch"
	"github.com/convtool/convtool/internal/summary"
)

// formatExt is the extension batch mode gives an output written with
// --format.
var formatExt = map[string]string{
	"png": ".png", "npy": ".npy", "csv": ".csv", "txt": ".txt", "mat": ".mat",
	"jpeg": ".jpg", "gif": ".gif", "tiff": ".tif", "bmp": ".bmp",
	"pnm": ".pnm", "pam": ".pam", "pfm": ".pfm",
}

// ConvBatch runs the convolution job r on every input (files, or quoted
// globs that it expands) into outDir with a worker per core, keeps going
// past the files that fail, lists them at the end (one line each on
// stderr) and fails if any did. The per-file summaries give way to one for
// the batch. r.Input and r.Output are set per file.
func ConvBatch(r ConvRequest, args []string, outDir string, env *Env) error {
	if r.Explain {
		return Usagef("--explain works on one input, not with --out-dir")
	}
	// The parameters every file shares (pairs, padding, kernel, bias) are
	// checked once, before the file system is touched: a bad kernel is one
	// line, not one a file, and creates no --out-dir.
	if _, err := PlanConv(r); err != nil {
		return err
	}
	inputs, err := expandInputs(args)
	if err != nil {
		return err
	}
	if st, err := os.Stat(outDir); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: %w", outDir, plainErr(err))
		}
		if err := os.MkdirAll(outDir, 0o755); err != nil {
			return fmt.Errorf("%s: %w", outDir, plainErr(err))
		}
	} else if !st.IsDir() {
		return fmt.Errorf("%s: --out-dir is not a directory", outDir)
	}
	outs, err := batchOutputs(inputs, outDir, r.Format)
	if err != nil {
		return err
	}
	start := time.Now()
	quiet := *env
	quiet.Quiet, quiet.JSON, quiet.Terminal = true, false, false
	opts := batch.Options{} // a worker per core
	if env.Terminal && !env.Quiet {
		opts.Progress = env.Stderr
	}
	results := batch.Run(inputs, opts, func(in string) error {
		fr := r
		fr.Input, fr.Output = in, outs[in]
		_, err := RunConv(fr, &quiet)
		return err
	})
	failed := batch.Failed(results)
	// A usage error is the same for every file: report it once, exit 2.
	for _, f := range failed {
		var ue *UsageError
		if errors.As(f.Err, &ue) {
			return f.Err
		}
	}
	for _, f := range failed {
		fmt.Fprintf(env.Stderr, "convtool: %s\n", OneLine(f.Err.Error()))
	}
	ms := summary.Millis(time.Since(start))
	if env.JSON {
		doc := batchJSON{Command: "conv", OutDir: outDir, Files: len(inputs), Written: len(inputs) - len(failed), Failed: []batchFailure{}, TimeMS: ms}
		for _, f := range failed {
			doc.Failed = append(doc.Failed, batchFailure{Input: f.Input, Error: f.Err.Error()})
		}
		// As Env.Print: the outputs are written; the summary's failure
		// does not change the exit status.
		env.summaryFailed(outDir, env.PrintJSON(doc))
	} else if !env.Quiet {
		fmt.Fprintf(env.Stderr, "conv: %d files, %d written to %s, %d failed, kernel %s, %.1f ms\n",
			len(inputs), len(inputs)-len(failed), OneLine(outDir), len(failed), OneLine(r.Kernel), ms)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d files failed", len(failed), len(inputs))
	}
	return nil
}

// batchJSON is the --json document of a batch run (keys in this order).
type batchJSON struct {
	Command string         `json:"command"`
	OutDir  string         `json:"out_dir"`
	Files   int            `json:"files"`
	Written int            `json:"written"`
	Failed  []batchFailure `json:"failed"`
	TimeMS  float64        `json:"time_ms"`
}

type batchFailure struct {
	Input string `json:"input"`
	Error string `json:"error"`
}

// expandInputs turns the INPUT arguments of batch mode into files: an
// argument that names a file is taken as it is, one with glob characters
// is expanded with filepath.Glob (for quoted patterns), in order, each file
// once.
func expandInputs(args []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	for _, a := range args {
		if a == "-" {
			return nil, Usagef("--out-dir reads files, not stdin (-)")
		}
		matches := []string{a}
		if _, err := os.Lstat(a); err != nil && strings.ContainsAny(a, "*?[") {
			m, gerr := filepath.Glob(a)
			if gerr != nil {
				return nil, Usagef("bad pattern %q: %v", a, gerr)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("%s: no file matches", a)
			}
			matches = m
		}
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				files = append(files, m)
			}
		}
	}
	return files, nil
}

// batchOutputs names each input's output in dir: the input's base name,
// its extension replaced when --format is given. Two inputs that would
// write the same output, or an output that is its own input, are refused
// before anything runs.
func batchOutputs(inputs []string, dir, format string) (map[string]string, error) {
	outs := make(map[string]string, len(inputs))
	from := map[string]string{}
	for _, in := range inputs {
		base := filepath.Base(in)
		if ext, ok := formatExt[format]; ok {
			base = strings.TrimSuffix(base, filepath.Ext(base)) + ext
		}
		out := filepath.Join(dir, base)
		if prev, ok := from[out]; ok {
			return nil, Usagef("%s and %s would both be written to %s", prev, in, out)
		}
		if sameFile(in, out) {
			return nil, Usagef("%s: --out-dir %s would overwrite the input", in, dir)
		}
		from[out] = in
		outs[in] = out
	}
	return outs, nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// plainErr drops the "op PATH:" prefix os adds, since callers name the
// path themselves.
func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package main

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// repoTestdata is the repository's testdata directory, seen from this
// package: tests read nothing outside the repository.
var repoTestdata = filepath.Join("..", "..", "testdata")

// cliResult is what one run of the command line produced.
type cliResult struct {
	stdout, stderr string
	code           int
}

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// updateGolden reports whether golden files are to be rewritten
// (go test ./cmd/convtool -update).
func updateGolden() bool { return *update }

// runArgs runs convtool with args on buffers, stdin as its standard input,
// and returns its stdout, stderr and exit status.
func runArgs(stdin string, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(args, &streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

// runCLI runs convtool with args on buffers, stdin as its standard input
// (nil: empty), and returns its output and exit status. It is the one
// entry point the command tests use, so they exercise flag parsing, the
// work and the exit-code mapping together.
func runCLI(t testing.TB, stdin io.Reader, args ...string) cliResult {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	code := run(args, &streams{In: stdin, Out: &out, ErrOut: &errOut})
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

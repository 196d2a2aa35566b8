// Command convtool convolves, pools and reasons about convolutions: image
// filters in shell pipelines and the arithmetic of convolutional networks.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/convtool/convtool/internal/job"
)

// Exit codes, documented in --help and the README.
const (
	exitOK    = 0
	exitError = 1 // bad input, impossible geometry, I/O failure
	exitUsage = 2 // bad flags or arguments
)

func main() {
	io := defaultStreams()
	guardStdStreams(io)
	handleSignals()
	os.Exit(run(os.Args[1:], io))
}

// run executes the command line and maps its error to an exit code in one
// place, printing exactly one line for it.
func run(args []string, io *streams) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	if errors.Is(err, syscall.EPIPE) {
		// stdout's reader went away (| head): end quietly, as cat does.
		return exitError
	}
	fmt.Fprintf(io.ErrOut, "convtool: %s\n", job.OneLine(err.Error()))
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

package main

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/convtool/convtool/internal/tensorio"
)

// endSignals end convtool early: each removes the temporary output being
// written (an existing output is never touched before the rename that
// replaces it whole) and then ends the process as the signal demands.
var endSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// handleSignals installs the handler for endSignals. On SIGINT, SIGTERM and
// SIGHUP the signal is raised again with its default action, so the
// parent sees the process killed by it (status 128+n in the shell: 130,
// 143, 129). SIGQUIT, whose default in Go is a goroutine dump, exits with
// 131 instead.
func handleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, endSignals...)
	go func() {
		sig := <-ch
		tensorio.RemoveTemporaries()
		n := int(sig.(syscall.Signal))
		if sig != syscall.SIGQUIT {
			signal.Reset(sig)
			raise(sig.(syscall.Signal))
		}
		os.Exit(128 + n)
	}()
}

// closedStream stands for a standard stream that was closed when convtool
// started (>&-, <&-): reads and writes fail, so "-" as OUTPUT is an error
// rather than bytes sent nowhere with exit 0.
type closedStream struct{}

var errClosed = errors.New("closed when convtool started")

func (closedStream) Read([]byte) (int, error)  { return 0, errClosed }
func (closedStream) Write([]byte) (int, error) { return 0, errClosed }

// guardStdStreams makes a standard stream that the caller closed
// (>&-, <&-) a closedStream in io. Go's runtime reopens a closed
// descriptor 0, 1 or 2 on /dev/null (read-write) before main runs, so
// that no file opened later lands on it; closedAtStart recognises that
// substitute.
func guardStdStreams(io *streams) {
	if closedAtStart(0) {
		io.In = closedStream{}
	}
	if closedAtStart(1) {
		io.Out = closedStream{}
	}
	if closedAtStart(2) {
		io.ErrOut = closedStream{}
	}
}

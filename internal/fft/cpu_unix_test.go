//go:build unix

package fft

import (
	"syscall"
	"testing"
)

// cpuTime reports, beside ns/op, the process's CPU time (user + system)
// per operation: on a machine shared with other jobs, wall time mostly
// measures the others, CPU time much less so.
func cpuTime(b *testing.B) func() {
	var r0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	return func() {
		var r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		ns := r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano()
		b.ReportMetric(float64(ns)/float64(b.N)/1e6, "cpu-ms/op")
	}
}

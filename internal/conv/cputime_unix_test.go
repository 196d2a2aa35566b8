//go:build unix

package conv

import "syscall"

// cpuSeconds is the process's user+system CPU time: on a shared machine
// it grows with the work done, where wall time also grows with the other
// processes' load.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

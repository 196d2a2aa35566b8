//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// raise sends sig to this process (its default action now restored) and
// waits for it to arrive: kill(2) to oneself may be delivered on another
// thread a moment later. The caller exits with 128+n if it never does.
func raise(sig syscall.Signal) {
	if syscall.Kill(os.Getpid(), sig) == nil {
		time.Sleep(2 * time.Second)
	}
}

// closedAtStart reports whether descriptor fd is the read-write /dev/null
// Go's runtime opens in place of a standard descriptor that was closed
// when the process started. A shell redirection (>/dev/null, </dev/null)
// opens /dev/null for writing or for reading only, never both.
func closedAtStart(fd int) bool {
	var st, null syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != null.Rdev {
		return false
	}
	fl, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	return errno == 0 && fl&syscall.O_ACCMODE == syscall.O_RDWR
}

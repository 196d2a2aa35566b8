//go:build !unix

package fft

import "testing"

// cpuTime reports nothing where getrusage does not exist.
func cpuTime(*testing.B) func() { return func() {} }

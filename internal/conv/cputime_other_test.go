//go:build !unix

package conv

// cpuSeconds is not measured here: benchmarks report 0 cpu-ms/op.
func cpuSeconds() float64 { return 0 }

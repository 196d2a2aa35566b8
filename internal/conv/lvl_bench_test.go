package conv

import (
	"flag"
	"os"
	"testing"

	"github.com/convtool/convtool/internal/simd"
)

// benchLevel runs the package's tests and benchmarks at another SIMD level
// than the CPU's best, to check the cost model of each level on one
// machine: go test -c ./internal/conv/, then conv.test -level generic
// -test.run '^$' -test.bench Target.
var benchLevel = flag.String("level", "", "run benchmarks at this SIMD level (avx512, avx2, generic)")

// TestMain applies -level before any test or benchmark runs.
func TestMain(m *testing.M) {
	flag.Parse()
	for _, l := range simd.Levels() {
		if l.String() == *benchLevel {
			simd.SetLevel(l)
		}
	}
	os.Exit(m.Run())
}

// Package fuzzseed feeds the readable seed corpus under the repository's
// testdata/fuzz/ to Go fuzz targets. What a fuzzer finds lands in the
// package's own testdata/fuzz/FuzzX, where go test replays it; the seeds
// here are the hand-made and generated files (testdata/fuzz/gen.sh).
package fuzzseed

import (
	"os"
	"path/filepath"
	"testing"
)

// Add adds every file under testdata/fuzz/DIR (for each of dirs) as a seed
// of f. It is called from a package two levels below the repository root
// (internal/PKG), as every parser package is.
func Add(f *testing.F, dirs ...string) {
	f.Helper()
	for _, d := range dirs {
		files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "fuzz", d, "*"))
		if err != nil || len(files) == 0 {
			f.Fatalf("no seeds in testdata/fuzz/%s", d)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

package fft

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// levelFlag runs the whole test binary at a lower level than the CPU's
// best, so that benchmarks can compare levels on one machine in
// alternated runs: go test -run '^$' -bench Forward ./internal/fft/ -level avx2
var levelFlag = flag.String("level", "", "run the butterflies at this level (go, avx2, avx512) instead of the best the CPU has")

func TestMain(m *testing.M) {
	flag.Parse()
	if *levelFlag != "" {
		ok := false
		for _, l := range levels() {
			if l.String() == *levelFlag {
				setLevel(l)
				ok = true
			}
		}
		if !ok {
			fmt.Fprintf(os.Stderr, "-level %s: not one of %v on this build and CPU\n", *levelFlag, levels())
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// eachLevel runs f as a subtest at every level of butterflies this build
// and CPU can run (pure Go everywhere; AVX2 and AVX-512 on amd64 where
// the CPU has them), restoring the level afterwards.
func eachLevel(t *testing.T, f func(t *testing.T)) {
	for _, l := range levels() {
		t.Run(l.String(), func(t *testing.T) {
			defer setLevel(setLevel(l))
			f(t)
		})
	}
}

func TestSetLevelRefusesMissing(t *testing.T) {
	before := current
	for _, l := range []level{levelGo - 1, detectLevel() + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("setLevel(%s) accepted on a build or CPU without it", l)
				}
			}()
			setLevel(l)
		}()
		if current != before {
			t.Fatalf("level %s after a refused setLevel, want %s", current, before)
		}
	}
	if ls := levels(); ls[0] != detectLevel() || ls[len(ls)-1] != levelGo {
		t.Errorf("levels() = %v, want %s down to go", ls, detectLevel())
	}
}

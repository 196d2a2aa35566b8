package fft

import "fmt"

// level is which version of the butterflies runs: the pure-Go passes, or
// the assembly ones (radix_amd64.s) with AVX2 and FMA or with AVX-512F.
type level int

const (
	levelGo level = iota
	levelAVX2
	levelAVX512
)

func (l level) String() string {
	switch l {
	case levelGo:
		return "go"
	case levelAVX2:
		return "avx2"
	case levelAVX512:
		return "avx512"
	}
	return fmt.Sprintf("level(%d)", int(l))
}

// current is the level the passes run at: the best the CPU and the build
// allow (detectLevel, decided once at start-up), unless a test chose a
// lower one with setLevel.
var current = detectLevel()

// levels returns every level this build can run on this CPU, best first.
func levels() []level {
	var ls []level
	for l := detectLevel(); l >= levelGo; l-- {
		ls = append(ls, l)
	}
	return ls
}

// setLevel makes the passes run at l and returns the previous level, so
// that tests can run every path the CPU has on the same inputs. It panics
// on a level the CPU or the build lacks. It is not safe while transforms
// run on other goroutines.
func setLevel(l level) level {
	if l < levelGo || l > detectLevel() {
		panic(fmt.Sprintf("fft: level %s is not available (build or CPU)", l))
	}
	prev := current
	current = l
	return prev
}

// Accelerated reports whether the transforms run assembly butterflies
// (AVX2 and FMA, or AVX-512) rather than the pure-Go ones, about 3.5 times
// slower.
func Accelerated() bool { return current > levelGo }

package conv

import (
	"fmt"
	"strings"
)

// Edge is the rule that fills padding outside the input.
type Edge int

const (
	// Zero pads with zeros (PyTorch 'zeros', numpy 'constant', scipy 'fill').
	Zero Edge = iota
	// Reflect mirrors about the edge sample, excluding it: dcb|abcd|cba
	// (PyTorch 'reflect', numpy 'reflect', OpenCV REFLECT_101,
	// scipy.ndimage 'mirror').
	Reflect
	// Replicate repeats the edge sample: aaa|abcd|ddd (PyTorch 'replicate',
	// numpy 'edge', OpenCV REPLICATE, scipy.ndimage 'nearest').
	Replicate
	// Circular wraps around: bcd|abcd|abc (PyTorch 'circular', numpy
	// 'wrap', scipy 'wrap').
	Circular
	// Symmetric mirrors including the edge sample: cba|abcd|dcb (numpy
	// 'symmetric', scipy.signal 'symm', OpenCV REFLECT, libvips and
	// ImageMagick 'mirror').
	Symmetric
)

var edgeNames = [...]string{Zero: "zero", Reflect: "reflect", Replicate: "replicate", Circular: "circular", Symmetric: "symmetric"}

var edgeAliases = map[string]Edge{
	"zero": Zero, "zeros": Zero, "constant": Zero, "black": Zero,
	"reflect": Reflect, "reflect101": Reflect,
	"replicate": Replicate, "copy": Replicate, "clamp": Replicate, "edge": Replicate, "nearest": Replicate,
	"circular": Circular, "wrap": Circular, "tile": Circular, "periodic": Circular,
	"symmetric": Symmetric, "mirror": Symmetric,
}

// ParseEdge accepts the canonical names (zero, reflect, replicate, circular,
// symmetric) and the aliases other tools use: constant|black = zero,
// reflect101 = reflect, mirror = symmetric, copy|clamp|edge|nearest =
// replicate, wrap|tile|periodic = circular. Case does not matter.
func ParseEdge(s string) (Edge, error) {
	if e, ok := edgeAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return e, nil
	}
	return 0, fmt.Errorf("unknown edge mode %q (want zero, reflect, replicate, circular or symmetric)", s)
}

// String returns the canonical name.
func (e Edge) String() string {
	if e >= 0 && int(e) < len(edgeNames) {
		return edgeNames[e]
	}
	return fmt.Sprintf("Edge(%d)", int(e))
}

// source maps coordinate i of the padded axis (relative to the input, so
// it may be negative or ≥ n) to the input sample that fills it, or -1 for
// a zero. Pads wider than the input keep applying the rule, as numpy.pad
// does: reflect and symmetric bounce back and forth (periodic with period
// 2(n-1) and 2n), circular wraps again. PyTorch refuses reflect pads ≥ n;
// convtool follows numpy instead so any padding works with any edge rule.
func (e Edge) source(i, n int) int {
	if i >= 0 && i < n {
		return i
	}
	switch e {
	case Replicate:
		return min(max(i, 0), n-1)
	case Circular:
		return mod(i, n)
	case Reflect:
		if n == 1 {
			return 0 // numpy pads a single sample by repeating it
		}
		m := mod(i, 2*(n-1))
		if m >= n {
			m = 2*(n-1) - m
		}
		return m
	case Symmetric:
		m := mod(i, 2*n)
		if m >= n {
			m = 2*n - 1 - m
		}
		return m
	}
	return -1
}

func mod(a, n int) int {
	m := a % n
	if m < 0 {
		m += n
	}
	return m
}

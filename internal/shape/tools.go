package shape

import (
	"fmt"
	"math"
	"strings"
)

// Invert returns the transposed convolution that maps l's output on an
// input of size in back to exactly in's rows, columns and channels: the
// same kernel, stride and dilation, padding p = the convolution's padding
// before, and the output padding that makes
// (H' − 1)·s − 2p + d(k−1) + op + 1 = H (with symmetric padding, the rows
// the stride dropped: (H + 2p − d(k−1) − 1) mod s), so that SAME padding
// is covered too. It also returns the transposed layer applied. It fails
// when no output padding below the stride or dilation gives H (SAME
// padding with more after than before by a stride or more).
func Invert(l Layer, in Dims) (Layer, *Result, error) {
	if l.Kind != Conv && l.Kind != DWConv {
		return Layer{}, nil, fmt.Errorf("--invert: only a convolution can be inverted, not %s", l.Kind)
	}
	r, err := Apply(l, in)
	if err != nil {
		return Layer{}, nil, err
	}
	g := r.Geom
	t := NewLayer(ConvT)
	t.Kernel, t.Stride, t.Dilation, t.Groups, t.Bias = g.Kernel, g.Stride, g.Dilation, 1, l.Bias
	if l.Kind == Conv {
		t.Groups = l.Groups
	} else {
		t.Groups = in.C
	}
	t.Filters = in.C
	// the padding nearest the convolution's first half whose output
	// padding is valid (0 ≤ op < max(s, d))
	axis := func(h, hOut, k, s, d, lo, hi int) (p, op int, ok bool) {
		for dp := 0; dp <= max(lo, hi); dp++ {
			for _, p := range []int{lo - dp, lo + dp} {
				op := h - ((hOut-1)*s - 2*p + d*(k-1) + 1)
				if p >= 0 && op >= 0 && op < max(s, d) {
					return p, op, true
				}
			}
		}
		return 0, 0, false
	}
	ph, oph, okH := axis(in.H, r.Out.H, g.Kernel.H, g.Stride.H, g.Dilation.H, g.PadLo.H, g.PadHi.H)
	pw, opw, okW := axis(in.W, r.Out.W, g.Kernel.W, g.Stride.W, g.Dilation.W, g.PadLo.W, g.PadHi.W)
	if !okH || !okW {
		return Layer{}, nil, fmt.Errorf("--invert: no transposed convolution with symmetric padding and an output padding below the stride restores %s", in)
	}
	t.Padding = Padding{Mode: PadExplicit, Pair: Pair{ph, pw}}
	t.OutPad, t.OutPadSet = Pair{oph, opw}, true
	back, err := Apply(t, r.Out)
	if err != nil {
		return Layer{}, nil, fmt.Errorf("--invert: %v", err)
	}
	if back.Out != in {
		return Layer{}, nil, fmt.Errorf("--invert: %s gives %s, not %s", t.Spec(false), back.Out, in)
	}
	return t, back, nil
}

// droppedRows counts the input rows at the end of an axis that the
// stride's pattern would reach if the input went on, but that no window
// does because the last one stops short: rows lost to an uneven size,
// not the in-between rows a stride larger than the kernel always skips.
func droppedRows(in, k, s, d, lo, out int) int {
	// Windows enough to reach past the end: out + (in+lo)/s + k·d + 1,
	// saturating (the sizes may be near 2^63).
	more := math.MaxInt
	if kd, ok := CheckedMul(k, d); ok {
		if v, ok := CheckedAdd(out, (in+lo)/max(s, 1)); ok {
			if v, ok = CheckedAdd(v, kd); ok {
				if v, ok = CheckedAdd(v, 1); ok {
					more = v
				}
			}
		}
	}
	return len(unseen(in, k, s, d, lo, out)) - len(unseen(in, k, s, d, lo, more))
}

// Fit reports the square input sizes lo … hi (rows = columns, the
// network's channels) for which the whole network walks, every add, mul
// and concat gets matching shapes, and no layer drops rows or columns at
// the end of its input. It returns the sizes that fit.
func Fit(n *Network, lo, hi int) []int {
	if len(n.Layers) == 0 || n.Layers[0].Kind != Input {
		return nil
	}
	var ok []int
	for size := lo; size <= hi; size++ {
		d := Dims{H: size, W: size, C: n.Layers[0].In.C}
		res, err := WalkWith(n, WalkOptions{Input: &d, ShapesOnly: true})
		if err != nil {
			continue
		}
		clean := true
		for _, l := range res.Layers {
			if l.Dropped > 0 {
				clean = false
				break
			}
		}
		if clean {
			ok = append(ok, size)
		}
	}
	return ok
}

// Ranges writes sorted sizes as runs: "224, 256–260, 288".
func Ranges(v []int) string {
	var parts []string
	for i := 0; i < len(v); {
		j := i
		for j+1 < len(v) && v[j+1] == v[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d–%d", v[i], v[j]))
		} else {
			parts = append(parts, fmt.Sprint(v[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// Diff compares two walked networks layer by layer: the layers are lined
// up by their kind and window options (a longest common subsequence, as
// diff lines up text), and every pair that differs in output, parameters, MACs
// or receptive field, and every layer only one network has, is written
// with - (A) and + (B), then the totals.
func Diff(a, b *NetResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s (input %s)\n+++ %s (input %s)\n", a.Name, a.Input, b.Name, b.Input)
	row := func(l LayerInfo) string {
		return fmt.Sprintf("%-20s %-28s %-12s %12s %16s  RF %s", l.Layer.Name, l.Layer.Spec(false), l.Out, Thousands(l.Params), Thousands(l.MACs), rfString(l.RFMin, l.RF))
	}
	// layers pair up by kind and window (kernel, stride, padding…), so a
	// convolution with other filters shows as changed, not as one removed
	// and one added
	key := func(l LayerInfo) string {
		return string(l.Layer.Kind) + " " + strings.Join(l.Layer.Options(), " ")
	}
	la, lb := a.Layers[1:], b.Layers[1:]
	// lcs[i][j]: the longest common run of la[i:] and lb[j:]
	lcs := make([][]int, len(la)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(lb)+1)
	}
	for i := len(la) - 1; i >= 0; i-- {
		for j := len(lb) - 1; j >= 0; j-- {
			if key(la[i]) == key(lb[j]) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	same := 0
	for i, j := 0, 0; i < len(la) || j < len(lb); {
		switch {
		case i < len(la) && j < len(lb) && key(la[i]) == key(lb[j]):
			x, y := la[i], lb[j]
			if x.Out == y.Out && x.Params == y.Params && x.MACs == y.MACs && x.RF == y.RF && x.RFMin == y.RFMin {
				same++
			} else {
				fmt.Fprintf(&sb, "@@ layer %d / %d\n- %s\n+ %s\n", i+1, j+1, row(x), row(y))
			}
			i, j = i+1, j+1
		case j < len(lb) && (i == len(la) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&sb, "@@ layer - / %d\n+ %s\n", j+1, row(lb[j]))
			j++
		default:
			fmt.Fprintf(&sb, "@@ layer %d / -\n- %s\n", i+1, row(la[i]))
			i++
		}
	}
	fmt.Fprintf(&sb, "%d layers alike\n", same)
	sign := func(v int64) string {
		if v >= 0 {
			return "+" + Thousands(v)
		}
		return Thousands(v)
	}
	fmt.Fprintf(&sb, "params %s → %s (%s), MACs %s → %s (%s)\n", Thousands(a.Params), Thousands(b.Params), sign(b.Params-a.Params),
		Thousands(a.MACs), Thousands(b.MACs), sign(b.MACs-a.MACs))
	return sb.String()
}

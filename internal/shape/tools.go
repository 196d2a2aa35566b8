package shape

import (
	"fmt"
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
	return len(unseen(in, k, s, d, lo, out)) - len(unseen(in, k, s, d, lo, out+(in+lo)/max(s, 1)+k*d+1))
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
		res, err := Walk(n, &d)
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

// Diff compares two walked networks layer by layer, in order, and writes
// the rows that differ in kind, output, parameters, MACs or receptive
// field, then the totals.
func Diff(a, b *NetResult) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s (input %s)\n+++ %s (input %s)\n", a.Name, a.Input, b.Name, b.Input)
	row := func(l LayerInfo) string {
		return fmt.Sprintf("%-20s %-28s %-12s %12s %16s  RF %s", l.Layer.Name, l.Layer.Spec(false), l.Out, Thousands(l.Params), Thousands(l.MACs), rfString(l.RFMin, l.RF))
	}
	same := 0
	for i := 1; i < max(len(a.Layers), len(b.Layers)); i++ {
		var la, lb *LayerInfo
		if i < len(a.Layers) {
			la = &a.Layers[i]
		}
		if i < len(b.Layers) {
			lb = &b.Layers[i]
		}
		if la != nil && lb != nil && la.Layer.Kind == lb.Layer.Kind && la.Out == lb.Out && la.Params == lb.Params &&
			la.MACs == lb.MACs && la.RF == lb.RF && la.RFMin == lb.RFMin {
			same++
			continue
		}
		fmt.Fprintf(&sb, "@@ layer %d\n", i)
		if la != nil {
			fmt.Fprintf(&sb, "- %s\n", row(*la))
		}
		if lb != nil {
			fmt.Fprintf(&sb, "+ %s\n", row(*lb))
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

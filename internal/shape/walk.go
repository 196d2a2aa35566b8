package shape

import (
	"fmt"
	"math"
)

// Geo is a per-axis real quantity: a receptive field or a jump, in input
// pixels. It is whole for every layer except after transposed convolutions
// (jump 1/s) and adaptive pooling over sizes that do not divide.
type Geo struct {
	H, W float64
}

// Square reports whether both axes agree.
func (g Geo) Square() bool { return g.H == g.W }

// String renders "5" for square geometry, else "5x7".
func (g Geo) String() string {
	if g.Square() {
		return fmtNum(g.H)
	}
	return fmtNum(g.H) + "x" + fmtNum(g.W)
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.4g", v)
}

// LayerInfo is one layer of a walked network.
type LayerInfo struct {
	*Result
	// RF is the receptive field: how many input rows and columns one output
	// value depends on (padding included, the input's borders ignored).
	RF Geo
	// Jump is the distance, in input pixels, between neighbouring output
	// values: the product of the strides so far.
	Jump Geo
	// flat is the spatial extent folded into channels by a flatten.
	flat Pair
}

// NetResult is a walked network with its totals.
type NetResult struct {
	Name   string
	Input  Dims
	Layers []LayerInfo
	Params int64
	MACs   int64
}

// Walk applies the network's layers in order (or from the layer an @name
// names), tracking the receptive field by the standard recurrence
// rf += (k−1)·d·jump, jump *= s. Through an add the receptive field is the
// larger of the two branches. A transposed convolution divides the jump by
// its stride and widens the field by the most input samples any output
// depends on, so after one the field is an upper bound. Global layers (gap,
// fc) act as one window over the whole map. The input layer's size can be
// overridden with in (nil: as written). Errors are *LineError.
func Walk(n *Network, in *Dims) (*NetResult, error) {
	if len(n.Layers) == 0 || n.Layers[0].Kind != Input {
		return nil, fmt.Errorf("%s: the network has no input layer", n.Name)
	}
	res := &NetResult{Name: n.Name}
	byName := map[string]int{}
	for i, l := range n.Layers {
		fail := func(err error) (*NetResult, error) {
			return nil, &LineError{File: n.Name, Line: l.Line, Msg: fmt.Sprintf("%s (%s): %v", l.Name, l.Spec(false), err)}
		}
		if l.Kind == Input && in != nil {
			l.In = *in
		}
		prev := LayerInfo{RF: Geo{1, 1}, Jump: Geo{1, 1}, flat: Square(1)}
		if i > 0 {
			prev = res.Layers[i-1]
			if l.From != "" {
				j, ok := byName[l.From]
				if !ok {
					return fail(fmt.Errorf("@%s: no earlier layer has that name", l.From))
				}
				prev = res.Layers[j]
			}
		}
		var inDims Dims
		if i > 0 {
			inDims = prev.Out
		}
		r, err := Apply(l, inDims)
		if err != nil {
			return fail(err)
		}
		info := LayerInfo{Result: r, RF: prev.RF, Jump: prev.Jump, flat: prev.flat}
		switch l.Kind {
		case Input:
			res.Input = r.Out
		case Conv, DWConv, MaxPool, AvgPool:
			g := r.Geom
			info.RF.H += float64((g.Kernel.H-1)*g.Dilation.H) * prev.Jump.H
			info.RF.W += float64((g.Kernel.W-1)*g.Dilation.W) * prev.Jump.W
			info.Jump.H *= float64(g.Stride.H)
			info.Jump.W *= float64(g.Stride.W)
		case ConvT:
			g := r.Geom
			info.RF.H += float64(transposeSpan(g.Kernel.H, g.Stride.H, g.Dilation.H)-1) * prev.Jump.H
			info.RF.W += float64(transposeSpan(g.Kernel.W, g.Stride.W, g.Dilation.W)-1) * prev.Jump.W
			info.Jump.H /= float64(g.Stride.H)
			info.Jump.W /= float64(g.Stride.W)
		case AdaptAvg, AdaptMax, GAP:
			info.RF.H += float64(maxBin(inDims.H, r.Out.H)-1) * prev.Jump.H
			info.RF.W += float64(maxBin(inDims.W, r.Out.W)-1) * prev.Jump.W
			info.Jump.H *= float64(inDims.H) / float64(r.Out.H)
			info.Jump.W *= float64(inDims.W) / float64(r.Out.W)
		case Flatten:
			info.flat = Pair{prev.flat.H * inDims.H, prev.flat.W * inDims.W}
		case FC:
			e := Pair{prev.flat.H * inDims.H, prev.flat.W * inDims.W}
			info.RF.H += float64(e.H-1) * prev.Jump.H
			info.RF.W += float64(e.W-1) * prev.Jump.W
			info.Jump.H *= float64(e.H)
			info.Jump.W *= float64(e.W)
			info.flat = Square(1)
		case Add:
			j, ok := byName[l.Ref]
			if !ok {
				return fail(fmt.Errorf("@%s: no earlier layer has that name", l.Ref))
			}
			other := res.Layers[j]
			if other.Out != inDims {
				return fail(fmt.Errorf("cannot add %s's output %s to %s: the shapes differ", l.Ref, other.Out, inDims))
			}
			info.RF = Geo{math.Max(info.RF.H, other.RF.H), math.Max(info.RF.W, other.RF.W)}
			info.Jump = Geo{math.Max(info.Jump.H, other.Jump.H), math.Max(info.Jump.W, other.Jump.W)}
		}
		byName[l.Name] = i
		res.Layers = append(res.Layers, info)
		res.Params += r.Params
		res.MACs += r.MACs
	}
	return res, nil
}

// transposeSpan is the largest number of input samples along one axis that
// a transposed convolution's output sample depends on: output o receives
// input i through tap j when o = i·s + j·d (− p), so for each output phase
// the taps with j·d ≡ phase (mod s) reach distinct inputs.
func transposeSpan(k, s, d int) int {
	// Tap j reaches input −floor(j·d/s) (relative) for the outputs whose
	// phase is j·d mod s; taps sharing a phase span the inputs between them.
	type span struct{ lo, hi int }
	byPhase := map[int]span{}
	best := 1
	for j := 0; j < k; j++ {
		ph, i := (j*d)%s, (j*d)/s
		sp, ok := byPhase[ph]
		if !ok {
			sp = span{i, i}
		}
		sp.lo, sp.hi = min(sp.lo, i), max(sp.hi, i)
		byPhase[ph] = sp
		best = max(best, sp.hi-sp.lo+1)
	}
	return best
}

// maxBin is the largest adaptive-pooling bin over in samples and n bins.
func maxBin(in, n int) int {
	best := 0
	for i := 0; i < n; i++ {
		s, e := AdaptiveBin(i, in, n)
		best = max(best, e-s)
	}
	return best
}

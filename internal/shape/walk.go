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

// LayerInfo is one layer of a walked network: what the layer does to its
// input (the embedded Result), the exact receptive-field geometry of its
// output, and its memory. It is the walk's per-layer record that the table,
// the JSON and drawings are made from.
type LayerInfo struct {
	*Result
	// Inputs names the layers this one reads, in order: its input (the
	// previous layer, or the one @name names) and, for add, mul and
	// concat, the other operands. Empty for the input layer.
	Inputs []string
	// RF is the largest receptive field over output positions: how many
	// input rows and columns one output value depends on (padding
	// included, the input's borders ignored). RFMin is the smallest; they
	// differ after transposed convolutions and upsampling.
	RF, RFMin Geo
	// Jump is the distance, in input pixels, between neighbouring output
	// values (the effective stride; fractional after upsampling).
	Jump Geo
	// GeomH and GeomW are the exact per-axis geometry: the input interval
	// every output position sees, its period, effective padding and
	// gridding holes (nil when the period grows past what is tracked).
	GeomH, GeomW *AxisGeometry
	// Mem is the layer's memory at the walk's batch size and data type.
	Mem Memory

	mapH, mapW *axisMap
}

// NetResult is a walked network with its totals.
type NetResult struct {
	Name   string
	Input  Dims
	Layers []LayerInfo
	Params int64
	MACs   int64
	// Batch and DType are what the memory figures assume (WalkOptions).
	Batch int
	DType DType
	// Mem is the whole network's memory (see Memory).
	Mem NetMemory
}

// WalkOptions are the walk's settings beyond the network itself.
type WalkOptions struct {
	// Input overrides the input layer's size (nil: as written).
	Input *Dims
	// Batch is the batch size the memory figures assume (0 means 1).
	Batch int
	// DType is the activations' and parameters' type (zero: float32).
	DType DType
	// ShapesOnly skips the receptive-field geometry (Fit walks hundreds
	// of sizes and needs only shapes and warnings).
	ShapesOnly bool
}

// Walk applies the network's layers in order (or from the layer an @name
// names) and computes each output's exact receptive-field geometry: per
// axis, the input interval every output position depends on, composed
// layer by layer as periodic maps (a window of k taps at stride s, or a
// transposed convolution's s output phases), so that after transposed
// convolutions and upsampling the smallest and largest fields are both
// known, and gridding holes of dilated stacks are counted. Add, mul and
// concat take the union of their operands' fields and warn when the
// operands' fields are not centred on the same input pixel. Global layers
// (gap, flatten, an fc that flattens) act as one window over the whole
// map. The input layer's size can be overridden with in (nil: as
// written). Errors are *LineError.
func Walk(n *Network, in *Dims) (*NetResult, error) {
	return WalkWith(n, WalkOptions{Input: in})
}

// WalkWith is Walk with memory settings.
func WalkWith(n *Network, opt WalkOptions) (*NetResult, error) {
	if len(n.Layers) == 0 || n.Layers[0].Kind != Input {
		return nil, fmt.Errorf("%s: the network has no input layer", n.Name)
	}
	if opt.Batch < 1 {
		opt.Batch = 1
	}
	if opt.DType.Bytes == 0 {
		opt.DType = Float32
	}
	res := &NetResult{Name: n.Name, Batch: opt.Batch, DType: opt.DType}
	byName := map[string]int{}
	for i, l := range n.Layers {
		var inDims Dims
		fail := func(err error) (*NetResult, error) {
			at := ""
			if i > 0 {
				at = fmt.Sprintf(" on %s (HxWxC)", inDims)
			}
			msg := fmt.Sprintf("%s (%s)%s: %v", l.Name, l.Spec(false), at, err)
			if w := LayoutWarning(res.Input); w != "" {
				msg += " — " + w
			}
			return nil, &LineError{File: n.Name, Line: l.Line, Msg: msg}
		}
		if l.Kind == Input && opt.Input != nil {
			l.In = *opt.Input
		}
		prev := LayerInfo{mapH: identityMap(), mapW: identityMap()}
		var inputs []string
		if i > 0 {
			j := i - 1
			if l.From != "" {
				var ok bool
				if j, ok = byName[l.From]; !ok {
					return fail(fmt.Errorf("@%s: no earlier layer has that name", l.From))
				}
			}
			prev = res.Layers[j]
			inDims = prev.Out
			inputs = append(inputs, prev.Layer.Name)
		}
		var others []LayerInfo
		refs := l.Refs
		if l.Ref != "" {
			refs = []string{l.Ref}
		}
		for _, ref := range refs {
			j, ok := byName[ref]
			if !ok {
				return fail(fmt.Errorf("@%s: no earlier layer has that name", ref))
			}
			others = append(others, res.Layers[j])
		}
		if l.Kind == Concat && len(l.Refs) > 1 {
			// concat @a @b …: exactly the named layers
			prev, others, inputs = others[0], others[1:], []string{others[0].Layer.Name}
			inDims = prev.Out
		}
		for _, o := range others {
			inputs = append(inputs, o.Layer.Name)
		}
		r, err := Apply(l, inDims)
		if err != nil {
			return fail(err)
		}
		info := LayerInfo{Result: r, Inputs: inputs}
		mh, mw, err := localMaps(r, inDims)
		if err != nil {
			return fail(err)
		}
		info.mapH, info.mapW = compose(mh, prev.mapH), compose(mw, prev.mapW)
		switch l.Kind {
		case Input:
			res.Input = r.Out
			if !opt.ShapesOnly {
				info.mapH, info.mapW = identityMap(), identityMap()
			}
			if w := LayoutWarning(r.Out); w != "" {
				info.Warnings = append(info.Warnings, w)
			}
		case Add, Mul, Concat:
			if err := joinOperands(&info, prev, others); err != nil {
				return fail(err)
			}
		}
		if !opt.ShapesOnly {
			info.setGeometry(prev)
		}
		byName[l.Name] = i
		res.Layers = append(res.Layers, info)
		res.Params = satAdd(res.Params, int(r.Params))
		res.MACs = satAdd(res.MACs, int(r.MACs))
	}
	res.warnGridding()
	res.memory()
	return res, nil
}

// localMaps returns a layer's own per-axis dependence of output on input.
func localMaps(r *Result, in Dims) (h, w *axisMap, err error) {
	l := r.Layer
	whole := func() (*axisMap, *axisMap) {
		return windowMap(in.H, in.H, 1, 0), windowMap(in.W, in.W, 1, 0)
	}
	switch l.Kind {
	case Conv, DWConv, MaxPool, AvgPool, Pad:
		g := r.Geom
		return windowMap(g.Kernel.H, g.Stride.H, g.Dilation.H, g.PadLo.H), windowMap(g.Kernel.W, g.Stride.W, g.Dilation.W, g.PadLo.W), nil
	case ConvT:
		g := r.Geom
		return transposeMap(g.Kernel.H, g.Stride.H, g.Dilation.H, g.PadLo.H), transposeMap(g.Kernel.W, g.Stride.W, g.Dilation.W, g.PadLo.W), nil
	case AdaptAvg, AdaptMax:
		return adaptiveMap(in.H, r.Out.H), adaptiveMap(in.W, r.Out.W), nil
	case GAP, Flatten:
		h, w = whole()
		return h, w, nil
	case FC:
		if in.H*in.W > 1 {
			h, w = whole()
			return h, w, nil
		}
	case Upsample:
		return upsampleMap(in.H, r.Out.H, l.Scale, l.Bilinear), upsampleMap(in.W, r.Out.W, l.Scale, l.Bilinear), nil
	}
	return identityMap(), identityMap(), nil
}

// adaptiveMap is PyTorch's adaptive pooling of in samples into n bins: a
// plain window when n divides in, else the bins listed.
func adaptiveMap(in, n int) *axisMap {
	if in%n == 0 {
		return windowMap(in/n, in/n, 1, 0)
	}
	sets := make([][]int, n)
	for i := range sets {
		s, e := AdaptiveBin(i, in, n)
		for x := s; x < e; x++ {
			sets[i] = append(sets[i], x)
		}
	}
	return listMap(in, sets)
}

// joinOperands checks an add, mul or concat's operand shapes, sets the
// output shape, takes the union of the fields and warns where they are
// not aligned.
func joinOperands(info *LayerInfo, first LayerInfo, others []LayerInfo) error {
	l := info.Layer
	out := first.Out
	for _, o := range others {
		switch l.Kind {
		case Add:
			if o.Out != out {
				return fmt.Errorf("cannot add %s's output %s to %s: the shapes differ", o.Layer.Name, o.Out, out)
			}
		case Mul:
			switch {
			case o.Out == out:
			case o.Out.H == 1 && o.Out.W == 1 && (o.Out.C == out.C || o.Out.C == 1):
			case out.H == 1 && out.W == 1 && (o.Out.C == out.C || out.C == 1):
				out = o.Out
			default:
				return fmt.Errorf("cannot multiply %s by %s's output %s: the shapes differ and neither is 1x1xC to broadcast", out, o.Layer.Name, o.Out)
			}
		case Concat:
			if o.Out.H != out.H || o.Out.W != out.W {
				return fmt.Errorf("cannot concatenate %s's output %s with %s: the rows and columns differ", o.Layer.Name, o.Out, out)
			}
			out.C += o.Out.C
		}
	}
	info.Out = out
	mh, mw := first.mapH, first.mapW
	for _, o := range others {
		oh, ow := o.mapH, o.mapW
		if l.Kind == Mul && (o.Out.H == 1 && o.Out.W == 1) != (first.Out.H == 1 && first.Out.W == 1) {
			// a 1x1 gate spread over every position
			if o.Out.H == 1 {
				oh, ow = broadcast(oh), broadcast(ow)
			} else {
				mh, mw = broadcast(mh), broadcast(mw)
			}
		} else {
			mh0, wh := misalignment(oh, mh)
			mw0, ww := misalignment(ow, mw)
			switch {
			case mh0 != 0 || mw0 != 0:
				info.Warnings = append(info.Warnings, fmt.Sprintf("@%s is misaligned with %s by %s input pixel(s): their fields are not centred on the same input pixel",
					o.Layer.Name, first.Layer.Name, Geo{mh0, mw0}))
			case wh != 0 || ww != 0:
				info.Notes = append(info.Notes, fmt.Sprintf("@%s and %s are centred on the same input pixel on average, but differ by up to %s pixel(s) from one output position to the next (upsampling copies one input to neighbouring outputs)",
					o.Layer.Name, first.Layer.Name, Geo{abs(wh), abs(ww)}))
			}
		}
		var okH, okW bool
		mh, okH = union(mh, oh)
		mw, okW = union(mw, ow)
		if !okH || !okW {
			info.Warnings = append(info.Warnings, fmt.Sprintf("@%s advances %s input pixels per output, %s %s: the operands drift apart across the map",
				o.Layer.Name, Geo{float64(o.mapH.Pin) / float64(o.mapH.Pout), float64(o.mapW.Pin) / float64(o.mapW.Pout)},
				first.Layer.Name, Geo{float64(first.mapH.Pin) / float64(first.mapH.Pout), float64(first.mapW.Pin) / float64(first.mapW.Pout)}))
		}
	}
	info.mapH, info.mapW = mh, mw
	return nil
}

// setGeometry fills RF, RFMin, Jump and the exact geometry from the maps,
// and warns where a dilated stack first leaves holes in the field.
func (info *LayerInfo) setGeometry(prev LayerInfo) {
	info.GeomH, info.GeomW = info.mapH.geometry(), info.mapW.geometry()
	if info.GeomH == nil || info.GeomW == nil {
		if prev.GeomH != nil {
			// said once, where the geometry is lost
			info.Notes = append(info.Notes, "receptive field not computed from here on: the geometry's period grew past "+fmt.Sprint(maxPeriod)+" positions")
		}
		info.GeomH, info.GeomW = nil, nil
		return
	}
	loH, hiH := info.GeomH.RFRange()
	loW, hiW := info.GeomW.RFRange()
	info.RF, info.RFMin = Geo{float64(hiH), float64(hiW)}, Geo{float64(loH), float64(loW)}
	info.Jump = Geo{info.GeomH.Jump, info.GeomW.Jump}
}

// warnGridding warns, at the end of each chain of layers whose fields
// have holes (the last such layer before one that fills them, or the
// network's end), how many of the field's rows and columns reach an
// output.
func (res *NetResult) warnGridding() {
	holes := func(l *LayerInfo) bool {
		return l.GeomH != nil && (l.GeomH.Holes() > 0 || l.GeomW.Holes() > 0)
	}
	for i := range res.Layers {
		l := &res.Layers[i]
		if !holes(l) {
			continue
		}
		end := true
		for j := i + 1; j < len(res.Layers) && end; j++ {
			for _, in := range res.Layers[j].Inputs {
				if in == l.Layer.Name && holes(&res.Layers[j]) {
					end = false
				}
			}
		}
		if !end {
			continue
		}
		seen := func(g *AxisGeometry) int {
			s := 0
			for _, iv := range g.Intervals {
				s = max(s, iv.Seen)
			}
			return s
		}
		l.Warnings = append(l.Warnings, fmt.Sprintf("gridding: of the %s input rows/columns in the field only %s reach an output (dilations in step leave holes)",
			l.RF, Geo{float64(seen(l.GeomH)), float64(seen(l.GeomW))}))
	}
}

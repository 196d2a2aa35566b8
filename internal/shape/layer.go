package shape

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Dims is a feature map's size: H rows, W columns, C channels.
type Dims struct {
	H, W, C int
}

// String renders d as "HxWxC", the notes' order.
func (d Dims) String() string { return fmt.Sprintf("%dx%dx%d", d.H, d.W, d.C) }

// ParseDims reads "HxWxC" (or "HxW", one channel).
func ParseDims(s string) (Dims, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "x")
	if len(parts) != 2 && len(parts) != 3 {
		return Dims{}, fmt.Errorf("%q: want HxWxC, e.g. 224x224x3", s)
	}
	v := make([]int, 3)
	v[2] = 1
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return Dims{}, fmt.Errorf("%q: want HxWxC with positive integers, e.g. 224x224x3", s)
		}
		v[i] = n
	}
	return Dims{H: v[0], W: v[1], C: v[2]}, nil
}

// LayoutWarning returns a warning when d looks like a channels-first size
// (CxHxW: a first dimension of at most 4 and the others at least 16) read
// as shape's HxWxC, else "".
func LayoutWarning(d Dims) string {
	if d.H > 4 || d.W < 16 || d.C < 16 {
		return ""
	}
	return fmt.Sprintf("input %s is read as HxWxC (%d rows, %d columns, %d channels); it looks like CxHxW: did you mean %dx%dx%d?",
		d, d.H, d.W, d.C, d.W, d.C, d.H)
}

// Pair is a per-axis integer setting (kernel, stride, dilation).
type Pair struct {
	H, W int
}

// Square returns the pair (n, n).
func Square(n int) Pair { return Pair{n, n} }

// String renders "3" for a square pair, else "3x5".
func (p Pair) String() string {
	if p.H == p.W {
		return strconv.Itoa(p.H)
	}
	return fmt.Sprintf("%dx%d", p.H, p.W)
}

// ParsePair reads "N", "NH,NW" or "NHxNW" of non-negative integers.
func ParsePair(s string) (Pair, error) {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == 'x' })
	if len(f) == 0 || len(f) > 2 || strings.HasSuffix(s, ",") || strings.HasPrefix(s, ",") {
		return Pair{}, fmt.Errorf("%q: want N or NH,NW", s)
	}
	var v [2]int
	for i, x := range f {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || n < 0 {
			return Pair{}, fmt.Errorf("%q: want N or NH,NW of non-negative integers", s)
		}
		v[i] = n
	}
	if len(f) == 1 {
		v[1] = v[0]
	}
	return Pair{v[0], v[1]}, nil
}

// PadMode says how padding is chosen.
type PadMode int

// Padding modes.
const (
	PadExplicit PadMode = iota // the given rows and columns on each side
	PadSame                    // TensorFlow's SAME: output ceil(in/s)
	PadValid                   // no padding
)

// Padding is a layer's padding setting.
type Padding struct {
	Mode PadMode
	Pair // PadExplicit only
}

// String renders "same", "valid", "2" or "1x2".
func (p Padding) String() string {
	switch p.Mode {
	case PadSame:
		return "same"
	case PadValid:
		return "valid"
	}
	return p.Pair.String()
}

// ParsePadding reads "P", "PH,PW", "same" or "valid".
func ParsePadding(s string) (Padding, error) {
	switch strings.ToLower(s) {
	case "same":
		return Padding{Mode: PadSame}, nil
	case "valid":
		return Padding{Mode: PadValid}, nil
	}
	p, err := ParsePair(s)
	if err != nil {
		return Padding{}, fmt.Errorf("padding %q: want P, PH,PW, same or valid", s)
	}
	return Padding{Mode: PadExplicit, Pair: p}, nil
}

// Kind is a layer type, spelled as in network files.
type Kind string

// Layer kinds.
const (
	Input     Kind = "input"
	Conv      Kind = "conv"
	DWConv    Kind = "dwconv" // depthwise: groups = C_in
	ConvT     Kind = "convT"  // transposed convolution
	MaxPool   Kind = "maxpool"
	AvgPool   Kind = "avgpool"
	AdaptAvg  Kind = "adaptiveavgpool"
	AdaptMax  Kind = "adaptivemaxpool"
	GAP       Kind = "gap" // global average pooling to 1x1
	BatchNorm Kind = "bn"
	LRN       Kind = "lrn" // local response normalisation (AlexNet 2012)
	ReLU      Kind = "relu"
	ReLU6     Kind = "relu6"
	Tanh      Kind = "tanh"
	Sigmoid   Kind = "sigmoid"
	Dropout   Kind = "dropout"
	Flatten   Kind = "flatten"
	FC        Kind = "fc"
	Add       Kind = "add" // residual: elementwise sum with a named layer
	Identity  Kind = "identity"
	Concat    Kind = "concat"   // channel concatenation of named layers
	Mul       Kind = "mul"      // elementwise product (squeeze-excitation gating), broadcasting 1x1
	Upsample  Kind = "upsample" // nearest or bilinear, by a scale or to a size
	Pad       Kind = "pad"      // zero padding, PyTorch's ZeroPad2d
	Softmax   Kind = "softmax"  // over channels
	Linear    Kind = "linear"   // nn.Linear on the channels at every position
	SiLU      Kind = "silu"
	GELU      Kind = "gelu"
	HardSwish Kind = "hardswish"
	HardSig   Kind = "hardsigmoid"
	LeakyReLU Kind = "leakyrelu"
	Mish      Kind = "mish"
	LayerNorm Kind = "layernorm" // over the channels at every position (ConvNeXt's LayerNorm2d)
	GroupNorm Kind = "groupnorm"
)

// Edges is a padding layer's rows and columns on each side.
type Edges struct {
	Left, Right, Top, Bottom int
}

// Layer is one layer as written in a network file or on the command line.
type Layer struct {
	Name string
	Kind Kind
	// Line is the line of the network file the layer came from (0: none).
	Line int
	// From names the layer whose output feeds this one ("" = the previous).
	From string
	// Ref is the other operand of an add or mul.
	Ref string
	// Refs are a concat's operands, in order; with one, the layer's input
	// comes first.
	Refs []string
	// Filters is the number of output channels (conv, convT, fc; dwconv:
	// a multiple of the input channels). 0 means "as many as the input".
	Filters  int
	Kernel   Pair
	Stride   Pair
	Padding  Padding
	Dilation Pair
	OutPad   Pair // transposed convolution's output padding
	// OutPadSet says OutPad was given (op0 included): with padding same it
	// replaces the output padding the same rule would pick.
	OutPadSet bool
	Groups    int
	Bias      bool
	Ceil      bool
	// Out is an adaptive pool's output size.
	Out Pair
	// In is the input layer's size.
	In Dims
	// Rate is a dropout probability (shape-neutral, kept for printing).
	Rate float64
	// Scale is an upsample's factor (0 when Out gives its size).
	Scale float64
	// Bilinear selects bilinear upsampling (align_corners=False); else nearest.
	Bilinear bool
	// Edges is a pad layer's padding.
	Edges Edges
	// AlignCorners selects a bilinear upsample's align_corners=True.
	AlignCorners bool
	// Slope is a leakyrelu's negative slope (PyTorch's 0.01; Darknet's
	// leaky is 0.1).
	Slope float64
	// Eps is the epsilon of bn, layernorm and groupnorm (PyTorch's 1e-5).
	Eps float64
	// LRN is a local response normalisation's constants.
	LRN LRNParams
	// Tanh selects gelu's tanh approximation (approximate='tanh').
	Tanh bool
}

// LRNParams are nn.LocalResponseNorm's size, alpha, beta and k: each value
// is divided by (k + alpha/size·Σ x²)^beta over size channels around it.
type LRNParams struct {
	Size           int
	Alpha, Beta, K float64
}

// Defaults of the parameterised layers. DefaultSlope and DefaultEps are
// PyTorch's; PyTorch's LocalResponseNorm has no default size, and lrn
// alone is AlexNet's (5, 1e-4, 0.75, 2), as the alexnet preset needs.
const (
	DefaultSlope = 0.01
	DefaultEps   = 1e-5
)

// DefaultLRN is lrn's constants when none are written: AlexNet's.
var DefaultLRN = LRNParams{Size: 5, Alpha: 1e-4, Beta: 0.75, K: 2}

// NewLayer returns a layer of kind k with PyTorch's defaults: stride 1
// (pooling: the window), no padding, dilation 1, one group, with bias,
// leakyrelu's slope 0.01, the norms' eps 1e-5 and lrn's DefaultLRN.
func NewLayer(k Kind) Layer {
	l := Layer{Kind: k, Kernel: Square(1), Stride: Pair{}, Dilation: Square(1), Groups: 1, Bias: true}
	switch k {
	case LeakyReLU:
		l.Slope = DefaultSlope
	case BatchNorm, LayerNorm, GroupNorm:
		l.Eps = DefaultEps
	case LRN:
		l.LRN = DefaultLRN
	}
	return l
}

// stride returns the stride, defaulting to 1 (convolution) or the window
// (pooling) when unset.
func (l *Layer) stride() Pair {
	s := l.Stride
	if s.H == 0 {
		s.H = 1
		if l.Kind == MaxPool || l.Kind == AvgPool {
			s.H = l.Kernel.H
		}
	}
	if s.W == 0 {
		s.W = 1
		if l.Kind == MaxPool || l.Kind == AvgPool {
			s.W = l.Kernel.W
		}
	}
	return s
}

// Geometry is a layer's sliding window as the receptive-field recurrence
// sees it.
type Geometry struct {
	Kernel, Stride, Dilation Pair
	PadLo, PadHi             Pair
}

// Result is what one layer does to its input.
type Result struct {
	Layer  Layer
	In     Dims
	Out    Dims
	Params int64
	MACs   int64
	// Calcs is the arithmetic behind Out, Params and MACs.
	Calcs []Calc
	// Warnings name input rows/columns that no window covers.
	Warnings []string
	// Notes are remarks that are not problems (an fc that flattens).
	Notes []string
	// Dropped counts the input rows plus columns at the end that no
	// window reaches because the last one stops short (see --fit).
	Dropped int
	// Geom is the window (nil for layers that keep the geometry).
	Geom *Geometry
}

// ErrShape marks a layer that cannot be applied to its input.
var ErrShape = errors.New("impossible shape")

// Apply computes the output of l on an input of size in, with the
// arithmetic that produced it. It is the one place the layer formulas are
// dispatched, shared by `shape conv|pool|transpose` and the network walker.
func Apply(l Layer, in Dims) (*Result, error) {
	r := &Result{Layer: l, In: in, Out: in}
	var err error
	switch l.Kind {
	case Input:
		r.Out = l.In
	case Conv, DWConv:
		err = r.conv()
	case ConvT:
		err = r.transpose()
	case MaxPool, AvgPool:
		err = r.pool()
	case AdaptAvg, AdaptMax:
		if l.Out.H < 1 || l.Out.W < 1 {
			return nil, fmt.Errorf("%s: output size %s must be positive", l.Kind, l.Out)
		}
		r.Out = Dims{H: l.Out.H, W: l.Out.W, C: in.C}
	case GAP:
		r.Out = Dims{H: 1, W: 1, C: in.C}
	case BatchNorm:
		c := BNParams(in.C)
		r.Params = c.Value
		r.Calcs = append(r.Calcs, c)
	case LayerNorm:
		c := BNParams(in.C)
		c.Note = "a scale and a shift per channel, normalised over the channels at each position"
		r.Params = c.Value
		r.Calcs = append(r.Calcs, c)
	case GroupNorm:
		if l.Groups < 1 || in.C%l.Groups != 0 {
			return nil, fmt.Errorf("groupnorm: %d groups must divide the %d channels", l.Groups, in.C)
		}
		c := BNParams(in.C)
		r.Params = c.Value
		r.Calcs = append(r.Calcs, c)
	case Flatten:
		r.Out = Dims{H: 1, W: 1, C: in.H * in.W * in.C}
	case FC:
		n := in.H * in.W * in.C
		if l.Filters < 1 {
			return nil, fmt.Errorf("fc: needs a number of outputs, e.g. fc 1000")
		}
		r.Out = Dims{H: 1, W: 1, C: l.Filters}
		p, m := FCParams(n, l.Filters, l.Bias), FCMACs(n, l.Filters)
		r.Params, r.MACs = p.Value, m.Value
		r.Calcs = append(r.Calcs, p, m)
		if in.H*in.W > 1 {
			lp := FCParams(in.C, l.Filters, l.Bias)
			r.Notes = append(r.Notes, fmt.Sprintf("fc flattens its %s input into %s values (%s params); linear %d would act on the %d channels at each position instead (%s params)",
				in, Thousands(int64(n)), Thousands(p.Value), l.Filters, in.C, Thousands(lp.Value)))
		}
	case Linear:
		if l.Filters < 1 {
			return nil, fmt.Errorf("linear: needs a number of outputs, e.g. linear 10")
		}
		r.Out = Dims{H: in.H, W: in.W, C: l.Filters}
		p := FCParams(in.C, l.Filters, l.Bias)
		p.Note = "on the channels, shared by every position"
		m := FCMACs(in.C, l.Filters)
		m.Formula = "H·W·C·C'"
		m.Value = satMul(in.H, in.W, in.C, l.Filters)
		m.Work = fmt.Sprintf("%d·%d·%d·%d = %s", in.H, in.W, in.C, l.Filters, Thousands(m.Value))
		r.Params, r.MACs = p.Value, m.Value
		r.Calcs = append(r.Calcs, p, m)
	case Upsample:
		err = r.upsample()
	case Pad:
		e := l.Edges
		r.Out = Dims{H: in.H + e.Top + e.Bottom, W: in.W + e.Left + e.Right, C: in.C}
		r.Geom = &Geometry{Kernel: Square(1), Stride: Square(1), Dilation: Square(1),
			PadLo: Pair{e.Top, e.Left}, PadHi: Pair{e.Bottom, e.Right}}
	case Add, Mul, Concat, ReLU, ReLU6, Tanh, Sigmoid, Dropout, LRN, Identity,
		Softmax, SiLU, GELU, HardSwish, HardSig, LeakyReLU, Mish:
	default:
		return nil, fmt.Errorf("unknown layer type %q", l.Kind)
	}
	if err != nil {
		return nil, err
	}
	if r.Params == Overflow || r.MACs == Overflow {
		return nil, fmt.Errorf("%s: the parameter or MAC count does not fit in 64 bits", l.Kind)
	}
	return r, nil
}

// upsample sizes an upsampling layer: floor(H·scale), as PyTorch's
// nn.Upsample(scale_factor=…), or the size given.
func (r *Result) upsample() error {
	l, in := r.Layer, r.In
	if l.Scale > 0 {
		h, w := int(math.Floor(float64(in.H)*l.Scale)), int(math.Floor(float64(in.W)*l.Scale))
		if h < 1 || w < 1 {
			return fmt.Errorf("upsample: scale %g of %dx%d leaves no output", l.Scale, in.H, in.W)
		}
		r.Out = Dims{H: h, W: w, C: in.C}
		r.Calcs = append(r.Calcs,
			Calc{Name: "H'", Formula: "floor(H·scale)", Work: fmt.Sprintf("floor(%d·%g) = %d", in.H, l.Scale, h), Value: int64(h)},
			Calc{Name: "W'", Formula: "floor(W·scale)", Work: fmt.Sprintf("floor(%d·%g) = %d", in.W, l.Scale, w), Value: int64(w)})
		return nil
	}
	if l.Out.H < 1 || l.Out.W < 1 {
		return fmt.Errorf("upsample: needs a scale or a size, e.g. upsample 2 or upsample 28x28")
	}
	r.Out = Dims{H: l.Out.H, W: l.Out.W, C: in.C}
	return nil
}

// pads resolves the layer's padding for input in.
func (r *Result) pads(k, s, d Pair) (lo, hi Pair, err error) {
	switch r.Layer.Padding.Mode {
	case PadSame:
		if lo.H, hi.H, err = SamePad(r.In.H, k.H, s.H, d.H); err != nil {
			return lo, hi, fmt.Errorf("H': %w", err)
		}
		if lo.W, hi.W, err = SamePad(r.In.W, k.W, s.W, d.W); err != nil {
			return lo, hi, fmt.Errorf("W': %w", err)
		}
	case PadExplicit:
		lo, hi = r.Layer.Padding.Pair, r.Layer.Padding.Pair
	}
	return lo, hi, nil
}

func (r *Result) conv() error {
	l, in := r.Layer, r.In
	k, s, d := l.Kernel, l.stride(), l.Dilation
	g, cout := l.Groups, l.Filters
	if l.Kind == DWConv {
		g = in.C
		if cout == 0 {
			cout = in.C
		}
		if cout%in.C != 0 {
			return fmt.Errorf("dwconv: %d filters is not a multiple of the %d input channels", cout, in.C)
		}
	}
	if cout == 0 {
		cout = in.C
	}
	if g < 1 || in.C%g != 0 || cout%g != 0 {
		return fmt.Errorf("%s: %d groups must divide the %d input and %d output channels", l.Kind, g, in.C, cout)
	}
	lo, hi, err := r.pads(k, s, d)
	if err != nil {
		return err
	}
	ch, err := ConvOut("H'", in.H, k.H, s.H, lo.H, hi.H, d.H)
	if err != nil {
		return err
	}
	cw, err := ConvOut("W'", in.W, k.W, s.W, lo.W, hi.W, d.W)
	if err != nil {
		return err
	}
	if l.Padding.Mode == PadSame {
		ch.Note = fmt.Sprintf("SAME padding %d+%d", lo.H, hi.H)
		cw.Note = fmt.Sprintf("SAME padding %d+%d", lo.W, hi.W)
	}
	r.Out = Dims{H: int(ch.Value), W: int(cw.Value), C: cout}
	cc := Calc{Name: "C'", Formula: "filters", Work: strconv.Itoa(cout), Value: int64(cout)}
	if l.Kind == DWConv {
		cc.Formula = "C·multiplier"
		cc.Work = fmt.Sprintf("%d·%d = %d", in.C, cout/in.C, cout)
	}
	p := ConvParams(in.C, cout, k.H, k.W, g, l.Bias)
	m := ConvMACs(r.Out.H, r.Out.W, cout, k.H, k.W, in.C, g)
	r.Params, r.MACs = p.Value, m.Value
	r.Calcs = append(r.Calcs, ch, cw, cc, p, m)
	r.Geom = &Geometry{Kernel: k, Stride: s, Dilation: d, PadLo: lo, PadHi: hi}
	r.warnUncovered()
	return nil
}

func (r *Result) transpose() error {
	l, in := r.Layer, r.In
	k, s, d, op := l.Kernel, l.stride(), l.Dilation, l.OutPad
	g, cout := l.Groups, l.Filters
	if cout == 0 {
		cout = in.C
	}
	if g < 1 || in.C%g != 0 || cout%g != 0 {
		return fmt.Errorf("convT: %d groups must divide the %d input and %d output channels", g, in.C, cout)
	}
	p := l.Padding.Pair
	switch l.Padding.Mode {
	case PadValid:
		p = Pair{}
	case PadSame:
		var sameOp Pair
		var err error
		if p.H, sameOp.H, err = TransposeSamePad(k.H, s.H, d.H); err != nil {
			return fmt.Errorf("convT: H': %w", err)
		}
		if p.W, sameOp.W, err = TransposeSamePad(k.W, s.W, d.W); err != nil {
			return fmt.Errorf("convT: W': %w", err)
		}
		if !l.OutPadSet {
			op = sameOp
			if op.H >= max(s.H, d.H) || op.W >= max(s.W, d.W) {
				return fmt.Errorf("convT: padding same needs output padding %s, but it must be smaller than the stride %s or the dilation %s: no padding makes the output exactly s times the input; give P (and op)",
					op, s, d)
			}
		}
	}
	ch, err := TransposeOut("H'", in.H, k.H, s.H, p.H, d.H, op.H)
	if err != nil {
		return err
	}
	cw, err := TransposeOut("W'", in.W, k.W, s.W, p.W, d.W, op.W)
	if err != nil {
		return err
	}
	if l.Padding.Mode == PadSame {
		ch.Note = transposeSameNote(k.H, s.H, d.H)
		cw.Note = transposeSameNote(k.W, s.W, d.W)
		if l.OutPadSet {
			ch.Note += fmt.Sprintf("; op %d given, used instead", op.H)
			cw.Note += fmt.Sprintf("; op %d given, used instead", op.W)
		}
	}
	r.Out = Dims{H: int(ch.Value), W: int(cw.Value), C: cout}
	cc := Calc{Name: "C'", Formula: "filters", Work: strconv.Itoa(cout), Value: int64(cout)}
	pc := ConvParams(cout, in.C, k.H, k.W, g, false) // weights (C_in, C_out/g, kh, kw)
	pc.Formula = "k_h·k_w·C·(C'/g)"
	pc.Work = fmt.Sprintf("%d·%d·%d·(%d/%d)", k.H, k.W, in.C, cout, g)
	if g == 1 {
		pc.Formula = "k_h·k_w·C·C'"
		pc.Work = fmt.Sprintf("%d·%d·%d·%d", k.H, k.W, in.C, cout)
	}
	if l.Bias {
		pc.Formula += " + C'"
		pc.Work += fmt.Sprintf(" + %d", cout)
		pc.Value = satAdd(pc.Value, cout)
	}
	pc.Work += " = " + Thousands(pc.Value)
	m := TransposeMACs(in.H, in.W, in.C, k.H, k.W, cout, g)
	r.Params, r.MACs = pc.Value, m.Value
	r.Calcs = append(r.Calcs, ch, cw, cc, pc, m)
	r.Geom = &Geometry{Kernel: k, Stride: s, Dilation: d, PadLo: p, PadHi: p}
	return nil
}

func (r *Result) pool() error {
	l, in := r.Layer, r.In
	k, s, d := l.Kernel, l.stride(), l.Dilation
	if l.Kind == AvgPool && (d.H != 1 || d.W != 1) {
		return fmt.Errorf("avgpool: dilation is only defined for max pooling (as in PyTorch)")
	}
	var ch, cw Calc
	lo, hi, err := r.pads(k, s, d)
	if err != nil {
		return err
	}
	if l.Padding.Mode == PadSame {
		if ch, err = ConvOut("H'", in.H, k.H, s.H, lo.H, hi.H, d.H); err != nil {
			return err
		}
		if cw, err = ConvOut("W'", in.W, k.W, s.W, lo.W, hi.W, d.W); err != nil {
			return err
		}
		ch.Note = fmt.Sprintf("SAME padding %d+%d", lo.H, hi.H)
		cw.Note = fmt.Sprintf("SAME padding %d+%d", lo.W, hi.W)
	} else {
		if ch, err = PoolOut("H'", in.H, k.H, s.H, lo.H, d.H, l.Ceil); err != nil {
			return err
		}
		if cw, err = PoolOut("W'", in.W, k.W, s.W, lo.W, d.W, l.Ceil); err != nil {
			return err
		}
	}
	r.Out = Dims{H: int(ch.Value), W: int(cw.Value), C: in.C}
	cc := Calc{Name: "C'", Formula: "C", Work: strconv.Itoa(in.C), Value: int64(in.C)}
	r.Calcs = append(r.Calcs, ch, cw, cc,
		Calc{Name: "params", Formula: "0"},
		Calc{Name: "MACs", Formula: "0", Note: "pooling compares or adds, it does not multiply-add weights"})
	r.Geom = &Geometry{Kernel: k, Stride: s, Dilation: d, PadLo: lo, PadHi: hi}
	if !l.Ceil {
		r.warnUncovered()
	}
	return nil
}

// warnUncovered adds one warning for the input rows (and one for the
// columns, or one for both when the axes agree) that no window reaches:
// how many of them, which, and why (a stride larger than the window's
// taps, or windows that stop short of the end). Padding that no window
// reaches is not a problem and is not mentioned.
func (r *Result) warnUncovered() {
	g := r.Geom
	type axis struct {
		rows       string
		in         int
		k, s, d    int
		lo, hi     int
		outSamples int
	}
	axes := []axis{
		{"rows", r.In.H, g.Kernel.H, g.Stride.H, g.Dilation.H, g.PadLo.H, g.PadHi.H, r.Out.H},
		{"columns", r.In.W, g.Kernel.W, g.Stride.W, g.Dilation.W, g.PadLo.W, g.PadHi.W, r.Out.W},
	}
	same := axes[0].in == axes[1].in && axes[0].k == axes[1].k && axes[0].s == axes[1].s &&
		axes[0].d == axes[1].d && axes[0].lo == axes[1].lo && axes[0].hi == axes[1].hi
	if same {
		axes = axes[:1]
		axes[0].rows = "rows and columns"
	}
	for _, a := range axes {
		missed := unseen(a.in, a.k, a.s, a.d, a.lo, a.outSamples)
		r.Dropped += droppedRows(a.in, a.k, a.s, a.d, a.lo, a.outSamples)
		if len(missed) == 0 {
			continue
		}
		var why []string
		rem, lost, gaps := Uncovered(a.in, a.k, a.s, a.lo, a.hi, a.d)
		if gaps > 0 {
			why = append(why, fmt.Sprintf("stride %d with kernel %d, dilation %d steps over %d of every %d", a.s, a.k, a.d, gaps, a.s))
		}
		if lost > 0 {
			_, pn := padTerm(a.lo, a.hi)
			_, kn := kernelTerm(a.k, a.d)
			why = append(why, fmt.Sprintf("(%d + %s − %s) mod %d = %d: the last windows stop %d short of the end", a.in, pn, kn, a.s, rem, rem))
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d of %d input %s are never seen (%s): %s",
			len(missed), a.in, a.rows, listPositions(missed), strings.Join(why, "; ")))
	}
}

// unseen lists the input positions (0 … in−1) that no tap of out windows
// of k taps, stride s, dilation d, starting at −lo reaches.
//
// Only the windows that overlap the input, and only their taps that land
// in it, are visited (a padding or kernel of 2^58 must not cost 2^58
// steps); past 2^24 steps the answer is "too long to list", as for inputs
// over 2^20.
func unseen(in, k, s, d, lo, out int) []int {
	if in > 1<<20 || in < 1 || k < 1 || s < 1 || d < 1 || lo < 0 {
		return nil // too long to list; the walk does no per-pixel work
	}
	ext, err := Extent(k, d)
	if err != nil {
		return nil
	}
	// Window o covers [o·s − lo, o·s − lo + ext − 1]; it overlaps [0, in)
	// for ceil((lo − ext + 1)/s) ≤ o ≤ floor((lo + in − 1)/s).
	if lo > math.MaxInt-in {
		return nil
	}
	o0 := 0
	if first := lo - ext + 1; first > 0 {
		o0 = first / s // ceil, without first+s−1
		if first%s != 0 {
			o0++
		}
	}
	o1 := min(out-1, (lo+in-1)/s)
	seen := make([]bool, in)
	steps := 0
	for o := o0; o <= o1; o++ {
		start := o*s - lo // ≥ −(ext−1), ≤ in−1
		j0 := 0
		if start < 0 {
			j0 = (-start + d - 1) / d
		}
		j1 := min(k, (in-1-start)/d+1)
		for j := j0; j < j1; j++ {
			seen[start+j*d] = true
		}
		if steps += j1 - j0 + 1; steps > 1<<24 {
			return nil
		}
	}
	var missed []int
	for x, ok := range seen {
		if !ok {
			missed = append(missed, x)
		}
	}
	return missed
}

// listPositions writes "7", "3, 7", "1, 3, …, 55".
func listPositions(p []int) string {
	if len(p) <= 3 {
		s := make([]string, len(p))
		for i, v := range p {
			s[i] = strconv.Itoa(v)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%d, %d, …, %d", p[0], p[1], p[len(p)-1])
}

package shape

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Network is a parsed network file: an input size and layers in order.
type Network struct {
	// Name is the preset name or the file path, for messages.
	Name   string
	Layers []Layer
}

// LineError is a problem with one line of a network file: bad syntax, or
// a layer that cannot apply to its input.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// kindWords maps every layer word of the file format to its kind.
var kindWords = map[string]Kind{
	"input": Input, "conv": Conv, "dwconv": DWConv, "convt": ConvT,
	"maxpool": MaxPool, "avgpool": AvgPool, "adaptiveavgpool": AdaptAvg,
	"adaptivemaxpool": AdaptMax, "gap": GAP, "bn": BatchNorm, "lrn": LRN,
	"relu": ReLU, "relu6": ReLU6, "tanh": Tanh, "sigmoid": Sigmoid,
	"dropout": Dropout, "flatten": Flatten, "fc": FC, "add": Add,
	"identity": Identity, "concat": Concat, "mul": Mul, "upsample": Upsample,
	"pad": Pad, "softmax": Softmax, "linear": Linear, "silu": SiLU, "swish": SiLU,
	"gelu": GELU, "hardswish": HardSwish, "hardsigmoid": HardSig,
	"leakyrelu": LeakyReLU, "mish": Mish, "layernorm": LayerNorm, "groupnorm": GroupNorm,
}

// kindList is the layer words for error messages.
const kindList = "conv, dwconv, convT, maxpool, avgpool, adaptiveavgpool, adaptivemaxpool, gap, bn, lrn, " +
	"relu, relu6, tanh, sigmoid, silu, gelu, hardswish, hardsigmoid, leakyrelu, mish, softmax, dropout, " +
	"layernorm, groupnorm, flatten, fc, linear, add, mul, concat, upsample, pad, identity"

// ParseNet reads a network file. The format is one layer a line:
//
//	# comment
//	input 224x224x3
//	conv1: conv 96 k11 s4 p2        # name: type [filters] [options]
//	relu
//	maxpool k3 s2
//	conv 256 k5 p2 g2
//	dwconv k3 s2 p1 nobias
//	convT 64 k4 s2 p1 op1
//	down: conv 128 k1 s2 @block_in  # @name: take input from a named layer
//	add @conv1                      # residual: sum with a named layer's output
//	adaptiveavgpool 6x6
//	flatten
//	fc 4096
//	dropout 0.5
//	gap
//
// Options: kN or kHxW (kernel), sN (stride; pooling defaults to the
// window), pN, pHxW, same or valid (padding, default 0), dN (dilation), gN
// (groups), opN (output padding), ceil, nobias or bias=false. Layers
// with constants take PyTorch's: leakyrelu SLOPE (default 0.01), lrn SIZE
// alpha=A beta=B k=K (default AlexNet's 5, 1e-4, 0.75, 2), eps=E on bn,
// layernorm and groupnorm (default 1e-5), gelu tanh (the tanh
// approximation), upsample … bilinear align_corners. For convT,
// same is TransposeSamePad's padding (output s times the input), its
// output padding unless op is given. Layers
// without a name are called after their type and position (conv1, relu3).
// Errors are *LineError ("file:line: problem").
func ParseNet(r io.Reader, file string) (*Network, error) {
	n := &Network{Name: file}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	named := map[string]int{}
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		f := strings.Fields(text)
		if len(f) == 0 {
			continue
		}
		l, err := parseLine(f)
		if err != nil {
			return nil, &LineError{File: file, Line: line, Msg: err.Error()}
		}
		l.Line = line
		if l.Name != "" {
			if prev, ok := named[l.Name]; ok {
				return nil, &LineError{File: file, Line: line, Msg: fmt.Sprintf("layer name %q already used on line %d", l.Name, prev)}
			}
			named[l.Name] = line
		}
		if (l.Kind == Input) != (len(n.Layers) == 0) {
			msg := "the first layer must be input HxWxC"
			if l.Kind == Input {
				msg = "input may appear only once, as the first layer"
			}
			return nil, &LineError{File: file, Line: line, Msg: msg}
		}
		for _, ref := range append([]string{l.From, l.Ref}, l.Refs...) {
			if ref == "" {
				continue
			}
			if _, ok := named[ref]; !ok && !isAutoNameBefore(n.Layers, ref) {
				return nil, &LineError{File: file, Line: line, Msg: fmt.Sprintf("@%s: no earlier layer has that name", ref)}
			}
		}
		n.Layers = append(n.Layers, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(n.Layers) == 0 {
		return nil, &LineError{File: file, Line: max(line, 1), Msg: "no layers: the file needs at least an input line"}
	}
	nameLayers(n.Layers, named)
	return n, nil
}

// autoName is the name of an unnamed layer: its type and its position
// among layers of that type.
func autoName(k Kind, count int) string { return strings.ToLower(string(k)) + strconv.Itoa(count) }

// isAutoNameBefore reports whether ref is the automatic name of one of
// layers (a reference to an unnamed earlier layer).
func isAutoNameBefore(layers []Layer, ref string) bool {
	count := map[Kind]int{}
	for _, l := range layers {
		count[l.Kind]++
		if l.Name == "" && (autoName(l.Kind, count[l.Kind]) == ref || l.Kind == Input && ref == "input") {
			return true
		}
	}
	return false
}

// nameLayers gives every unnamed layer its automatic name. Explicit names
// win: an automatic name that collides with one is not assigned twice.
func nameLayers(layers []Layer, named map[string]int) {
	count := map[Kind]int{}
	for i := range layers {
		count[layers[i].Kind]++
		if layers[i].Name == "" {
			name := autoName(layers[i].Kind, count[layers[i].Kind])
			if layers[i].Kind == Input {
				name = "input"
			}
			for _, taken := named[name]; taken; _, taken = named[name] {
				name += "_"
			}
			layers[i].Name = name
		}
	}
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r == '.' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// parseLine reads one non-empty line's fields.
func parseLine(f []string) (Layer, error) {
	name := ""
	if strings.HasSuffix(f[0], ":") {
		name = strings.TrimSuffix(f[0], ":")
		if !validName(name) {
			return Layer{}, fmt.Errorf("layer name %q: use letters, digits, _ . - (not starting with a digit)", name)
		}
		f = f[1:]
		if len(f) == 0 {
			return Layer{}, fmt.Errorf("layer %q has no type", name)
		}
	}
	kind, ok := kindWords[strings.ToLower(f[0])]
	if !ok {
		return Layer{}, fmt.Errorf("unknown layer type %q (want one of %s)", f[0], kindList)
	}
	l := NewLayer(kind)
	l.Name = name
	args := f[1:]
	var hasKernel, hasGroups bool
	for i, a := range args {
		al := strings.ToLower(a)
		if strings.HasPrefix(a, "@") {
			ref := a[1:]
			if !validName(ref) {
				return Layer{}, fmt.Errorf("%q: want @name of an earlier layer", a)
			}
			if (kind == Add || kind == Mul) && l.Ref == "" {
				l.Ref = ref
			} else if kind == Concat {
				l.Refs = append(l.Refs, ref)
			} else if l.From == "" {
				l.From = ref
			} else {
				return Layer{}, fmt.Errorf("%q: a layer takes at most one @source", a)
			}
			continue
		}
		if i == 0 && (kind == LeakyReLU || kind == LRN) && !strings.ContainsRune(a, '=') {
			if err := parseLeading(&l, a); err != nil {
				return Layer{}, err
			}
			continue
		}
		if i == 0 && a[0] >= '0' && a[0] <= '9' {
			switch kind {
			case Input:
				d, err := ParseDims(a)
				if err != nil {
					return Layer{}, err
				}
				l.In = d
				continue
			case Upsample:
				if strings.ContainsRune(a, 'x') {
					p, err := ParsePair(a)
					if err != nil || p.H < 1 || p.W < 1 {
						return Layer{}, fmt.Errorf("upsample: size %q: want HxW", a)
					}
					l.Out = p
					continue
				}
				v, err := strconv.ParseFloat(a, 64)
				if err != nil || !(v > 0) || v > 1e6 {
					return Layer{}, fmt.Errorf("upsample: scale %q: want a positive number (or a size HxW)", a)
				}
				l.Scale = v
				continue
			case Pad:
				e, err := parseEdges(a)
				if err != nil {
					return Layer{}, err
				}
				l.Edges = e
				continue
			case GroupNorm:
				n, err := strconv.Atoi(a)
				if err != nil || n < 1 {
					return Layer{}, fmt.Errorf("groupnorm: %q is not a positive number of groups", a)
				}
				l.Groups, hasGroups = n, true
				continue
			case Conv, DWConv, ConvT, FC, Linear:
				n, err := strconv.Atoi(a)
				if err != nil || n < 1 {
					return Layer{}, fmt.Errorf("%s: %q is not a positive number of filters", kind, a)
				}
				l.Filters = n
				continue
			case AdaptAvg, AdaptMax:
				p, err := ParsePair(a)
				if err != nil || p.H < 1 || p.W < 1 {
					return Layer{}, fmt.Errorf("%s: output size %q: want N or HxW", kind, a)
				}
				l.Out = p
				continue
			case Dropout:
				v, err := strconv.ParseFloat(a, 64)
				if err != nil || !(v >= 0 && v <= 1) { // NaN fails both
					return Layer{}, fmt.Errorf("dropout: rate %q: want a number in [0, 1]", a)
				}
				l.Rate = v
				continue
			}
		}
		if err := parseOption(&l, al, &hasKernel); err != nil {
			return Layer{}, fmt.Errorf("%s: %v", kind, err)
		}
	}
	switch kind {
	case Input:
		if l.In.H == 0 {
			return Layer{}, fmt.Errorf("input: want a size, e.g. input 224x224x3")
		}
	case Conv, ConvT:
		if !hasKernel {
			return Layer{}, fmt.Errorf("%s: needs a kernel size, e.g. k3", kind)
		}
	case DWConv, MaxPool, AvgPool:
		if !hasKernel {
			return Layer{}, fmt.Errorf("%s: needs a kernel size, e.g. k3", kind)
		}
	case FC, Linear:
		if l.Filters == 0 {
			return Layer{}, fmt.Errorf("%s: needs a number of outputs, e.g. %s 1000", kind, kind)
		}
	case Upsample:
		if l.Scale == 0 && l.Out.H == 0 {
			return Layer{}, fmt.Errorf("upsample: needs a scale or a size, e.g. upsample 2 or upsample 28x28")
		}
		if l.AlignCorners && !l.Bilinear {
			return Layer{}, fmt.Errorf("upsample: align_corners applies to bilinear only")
		}
	case Pad:
		if l.Edges == (Edges{}) {
			return Layer{}, fmt.Errorf("pad: needs the padding, e.g. pad 1, pad 1x2 (rows x columns) or pad 0,1,0,1 (left,right,top,bottom)")
		}
	case GroupNorm:
		if !hasGroups {
			return Layer{}, fmt.Errorf("groupnorm: needs a number of groups, e.g. groupnorm 32")
		}
	case Mul:
		if l.Ref == "" {
			return Layer{}, fmt.Errorf("mul: needs the layer to multiply by, e.g. mul @gate")
		}
	case Concat:
		if len(l.Refs) == 0 {
			return Layer{}, fmt.Errorf("concat: needs the layers to join, e.g. concat @a @b (one @a: this input, then a)")
		}
	case AdaptAvg, AdaptMax:
		if l.Out.H == 0 {
			return Layer{}, fmt.Errorf("%s: needs an output size, e.g. %s 6x6", kind, kind)
		}
	case Add:
		if l.Ref == "" {
			return Layer{}, fmt.Errorf("add: needs the layer to add, e.g. add @block1")
		}
	}
	return l, nil
}

// optionKinds lists which options each kind accepts.
func optionAllowed(k Kind, opt string) bool {
	switch opt {
	case "k", "s", "p":
		return k == Conv || k == DWConv || k == ConvT || k == MaxPool || k == AvgPool
	case "d":
		return k == Conv || k == DWConv || k == ConvT || k == MaxPool
	case "g":
		return k == Conv || k == ConvT
	case "op":
		return k == ConvT
	case "ceil":
		return k == MaxPool || k == AvgPool
	case "bias":
		return k == Conv || k == DWConv || k == ConvT || k == FC || k == Linear
	case "mode", "align_corners":
		return k == Upsample
	case "eps":
		return k == BatchNorm || k == LayerNorm || k == GroupNorm
	case "alpha", "beta", "lrnk":
		return k == LRN
	case "tanh":
		return k == GELU
	}
	return false
}

// parseLeading reads the number that may follow leakyrelu (its negative
// slope) or lrn (its size).
func parseLeading(l *Layer, a string) error {
	if l.Kind == LRN {
		n, err := strconv.Atoi(a)
		if err != nil || n < 1 {
			return fmt.Errorf("lrn: size %q: want a positive number of channels, e.g. lrn 5", a)
		}
		l.LRN.Size = n
		return nil
	}
	v, err := finiteFloat(a)
	if err != nil {
		return fmt.Errorf("leakyrelu: negative slope %q: want a number, e.g. leakyrelu 0.1", a)
	}
	l.Slope = v
	return nil
}

// finiteFloat parses a finite number.
func finiteFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return v, nil
}

// parseEdges reads a pad layer's "P", "PHxPW" (rows x columns, both
// sides) or "L,R,T,B" (PyTorch's ZeroPad2d order).
func parseEdges(a string) (Edges, error) {
	bad := fmt.Errorf("pad: %q: want P, PHxPW or left,right,top,bottom of non-negative integers", a)
	if f := strings.Split(a, ","); len(f) == 4 {
		var v [4]int
		for i, x := range f {
			n, err := strconv.Atoi(x)
			if err != nil || n < 0 {
				return Edges{}, bad
			}
			v[i] = n
		}
		return Edges{Left: v[0], Right: v[1], Top: v[2], Bottom: v[3]}, nil
	}
	p, err := ParsePair(a)
	if err != nil || strings.ContainsRune(a, ',') {
		return Edges{}, bad
	}
	return Edges{Left: p.W, Right: p.W, Top: p.H, Bottom: p.H}, nil
}

func parseOption(l *Layer, a string, hasKernel *bool) error {
	var opt, val string
	switch {
	case a == "ceil":
		opt = "ceil"
	case a == "nearest" || a == "bilinear":
		opt, val = "mode", a
	case a == "nobias" || a == "bias=false":
		opt, val = "bias", "false"
	case a == "bias" || a == "bias=true":
		opt, val = "bias", "true"
	case a == "tanh":
		opt = "tanh"
	case a == "align_corners":
		opt = "align_corners"
	case strings.HasPrefix(a, "eps="), strings.HasPrefix(a, "alpha="), strings.HasPrefix(a, "beta="):
		opt, val, _ = strings.Cut(a, "=")
	case l.Kind == LRN && strings.HasPrefix(a, "k="):
		opt, val = "lrnk", a[2:]
	case a == "same" || a == "valid":
		opt, val = "p", a
	case strings.HasPrefix(a, "op"):
		opt, val = "op", a[2:]
	case len(a) > 1 && strings.ContainsRune("ksdpg", rune(a[0])):
		opt, val = a[:1], strings.TrimPrefix(a[1:], "=")
	default:
		return fmt.Errorf("unknown option %q", a)
	}
	if !optionAllowed(l.Kind, opt) {
		return fmt.Errorf("option %q does not apply", a)
	}
	var err error
	switch opt {
	case "ceil":
		l.Ceil = true
	case "tanh":
		l.Tanh = true
	case "align_corners":
		l.AlignCorners = true
	case "eps":
		l.Eps, err = finiteFloat(val)
		if err == nil && l.Eps < 0 {
			err = fmt.Errorf("eps must not be negative")
		}
	case "alpha":
		l.LRN.Alpha, err = finiteFloat(val)
	case "beta":
		l.LRN.Beta, err = finiteFloat(val)
	case "lrnk":
		l.LRN.K, err = finiteFloat(val)
	case "mode":
		l.Bilinear = val == "bilinear"
	case "bias":
		l.Bias = val == "true"
	case "k":
		l.Kernel, err = positivePair(val)
		*hasKernel = true
	case "s":
		l.Stride, err = positivePair(val)
	case "d":
		l.Dilation, err = positivePair(val)
	case "op":
		l.OutPad, err = ParsePair(val)
		l.OutPadSet = true
	case "p":
		l.Padding, err = ParsePadding(val)
	case "g":
		var g int
		g, err = strconv.Atoi(val)
		if err == nil && g < 1 {
			err = fmt.Errorf("groups %d must be at least 1", g)
		}
		l.Groups = g
	}
	if err != nil {
		return fmt.Errorf("%q: %v", a, err)
	}
	return nil
}

func positivePair(s string) (Pair, error) {
	p, err := ParsePair(s)
	if err != nil {
		return p, err
	}
	if p.H < 1 || p.W < 1 {
		return p, fmt.Errorf("must be at least 1")
	}
	return p, nil
}

// Format writes n back in the file format, one layer a line; ParseNet of
// the result gives the same network.
func Format(w io.Writer, n *Network) error {
	for _, l := range n.Layers {
		if _, err := fmt.Fprintln(w, l.Spec(true)); err != nil {
			return err
		}
	}
	return nil
}

// Spec renders the layer as a network-file line (with its name if
// withName), or, without the name, as the table's short description.
func (l Layer) Spec(withName bool) string {
	var f []string
	if withName && l.Name != "" && l.Kind != Input {
		f = append(f, l.Name+":")
	}
	f = append(f, string(l.Kind))
	switch l.Kind {
	case Input:
		f = append(f, l.In.String())
	case Conv, DWConv, ConvT, FC, Linear:
		if l.Filters > 0 {
			f = append(f, strconv.Itoa(l.Filters))
		}
	case GroupNorm:
		f = append(f, strconv.Itoa(l.Groups))
	case Upsample:
		if l.Scale > 0 {
			f = append(f, strconv.FormatFloat(l.Scale, 'g', -1, 64))
		} else {
			f = append(f, fmt.Sprintf("%dx%d", l.Out.H, l.Out.W))
		}
	case Pad:
		e := l.Edges
		if e.Left == e.Right && e.Top == e.Bottom {
			f = append(f, fmt.Sprintf("%dx%d", e.Top, e.Left))
		} else {
			f = append(f, fmt.Sprintf("%d,%d,%d,%d", e.Left, e.Right, e.Top, e.Bottom))
		}
	case Concat:
		for _, r := range l.Refs {
			f = append(f, "@"+r)
		}
	case Mul:
		f = append(f, "@"+l.Ref)
	case AdaptAvg, AdaptMax:
		f = append(f, l.Out.String())
	case Dropout:
		if l.Rate > 0 {
			f = append(f, strconv.FormatFloat(l.Rate, 'g', -1, 64))
		}
	case Add:
		f = append(f, "@"+l.Ref)
	case LeakyReLU:
		if l.Slope != DefaultSlope {
			f = append(f, fmtFloat(l.Slope))
		}
	case LRN:
		if l.LRN != DefaultLRN {
			f = append(f, strconv.Itoa(l.LRN.Size), "alpha="+fmtFloat(l.LRN.Alpha),
				"beta="+fmtFloat(l.LRN.Beta), "k="+fmtFloat(l.LRN.K))
		}
	}
	f = append(f, l.Options()...)
	if l.From != "" {
		f = append(f, "@"+l.From)
	}
	return strings.Join(f, " ")
}

// Options renders the window options: "k3 s2 p1 d2 g2 op1 ceil nobias".
func (l Layer) Options() []string {
	var f []string
	if optionAllowed(l.Kind, "k") {
		f = append(f, "k"+l.Kernel.String())
		if l.Stride.H != 0 {
			f = append(f, "s"+l.Stride.String())
		}
		if l.Padding.Mode != PadExplicit {
			f = append(f, l.Padding.String())
		} else if l.Padding.H != 0 || l.Padding.W != 0 {
			f = append(f, "p"+l.Padding.String())
		}
	}
	if optionAllowed(l.Kind, "d") && (l.Dilation.H != 1 || l.Dilation.W != 1) {
		f = append(f, "d"+l.Dilation.String())
	}
	if optionAllowed(l.Kind, "g") && l.Groups != 1 {
		f = append(f, "g"+strconv.Itoa(l.Groups))
	}
	if l.OutPadSet || l.OutPad.H != 0 || l.OutPad.W != 0 {
		f = append(f, "op"+l.OutPad.String())
	}
	if l.Ceil {
		f = append(f, "ceil")
	}
	if l.Bilinear {
		f = append(f, "bilinear")
	}
	if l.AlignCorners {
		f = append(f, "align_corners")
	}
	if optionAllowed(l.Kind, "eps") && l.Eps != DefaultEps {
		f = append(f, "eps="+fmtFloat(l.Eps))
	}
	if l.Tanh {
		f = append(f, "tanh")
	}
	if optionAllowed(l.Kind, "bias") && !l.Bias {
		f = append(f, "nobias")
	}
	return f
}

// fmtFloat writes v in the fewest digits that read back as v, with a
// one-digit exponent as people write it (1e-6, not 1e-06).
func fmtFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	return strings.NewReplacer("e-0", "e-", "e+0", "e+").Replace(s)
}

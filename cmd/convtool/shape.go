package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/shape"
)

const shapeConventions = `Counting conventions: a MAC is one multiply-add per use of a weight (a
convolution output value costs k_h·k_w·C/g of them, a transposed convolution
scatters each input value through k_h·k_w·C'/g, a fully connected layer costs
N·N'). Biases, activations, batch norm, pooling and residual adds count no
MACs. Parameters are PyTorch's sum(p.numel()): weights and biases, batch norm
2·C (scale and shift; running statistics are buffers, not parameters).`

func newCmdShape(io *streams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shape",
		Short: "Output shapes, parameters, MACs and receptive fields of layers and networks",
		Long: `Compute what a layer or a whole network does to the shape of its input, and
show the arithmetic.

  convtool shape conv      --input 224x224x3 -k 11 --stride 4 --padding 2 --filters 96
  convtool shape pool      --input 55x55x96 -k 3 --stride 2
  convtool shape transpose --input 16x16x64 -k 4 --stride 2 --padding 1 --filters 32
  convtool shape net alexnet
  convtool shape net my.net --json

` + shapeConventions,
	}
	for _, k := range []shape.Kind{shape.Conv, shape.MaxPool, shape.ConvT} {
		cmd.AddCommand(newCmdShapeLayer(io, g, k, nil))
	}
	cmd.AddCommand(newCmdShapeNet(io, g, nil))
	return cmd
}

// shapeLayerOptions is everything `shape conv|pool|transpose` needs.
type shapeLayerOptions struct {
	IO   *streams
	G    *globalOptions
	Kind shape.Kind

	Input       string
	Kernel      string
	Stride      string
	Padding     string
	Dilation    string
	Groups      int
	Filters     int
	Bias        bool
	OutPadding  string
	Ceil        bool
	Depthwise   bool
	Invert      bool
	changedFlag func(string) bool

	// set by validate
	in    shape.Dims
	layer shape.Layer
}

func newCmdShapeLayer(io *streams, g *globalOptions, kind shape.Kind, runF func(*shapeLayerOptions) error) *cobra.Command {
	opts := &shapeLayerOptions{IO: io, G: g, Kind: kind, Bias: true, Padding: "0", Dilation: "1", Groups: 1, OutPadding: "0"}
	use, short, formula := "conv", "One convolution layer", "H' = floor((H + 2p − d(k−1) − 1)/s) + 1 (the notes' floor((H + 2p − k)/s) + 1 at d = 1)"
	switch kind {
	case shape.MaxPool:
		use, short = "pool", "One pooling layer (stride defaults to the window)"
		formula = "H' = floor((H + 2p − d(k−1) − 1)/s) + 1, or with --ceil ceil(…) + 1 unless\nthat last window would start at or beyond H + p (PyTorch's ceil_mode rule);\nlike PyTorch, --ceil accepts a window larger than the padded input if H' ≥ 1"
	case shape.ConvT:
		use, short = "transpose", "One transposed convolution layer"
		formula = "H' = (H − 1)·s − 2p + d(k−1) + op + 1 (PyTorch's ConvTranspose2d)"
	}
	cmd := &cobra.Command{
		Use:   use + " --input HxWxC -k K [flags]",
		Short: short + ": output size, parameters, MACs and the arithmetic",
		Long: short + `: print the output HxWxC, the parameters and MACs,
and the arithmetic that produced them with the numbers substituted:

  ` + formula + `

--padding same is TensorFlow's rule: a total of
max((ceil(H/s)−1)·s + d(k−1)+1 − H, 0), the smaller half first; for
transpose it is conv --transpose's rule, an output exactly s times the input:
2p − op = d(k−1) + 1 − s, p = op = 0 if that is negative, op = 1 and
p = (t+1)/2 if it is odd, else p = t/2 and op = 0 (--output-padding, if
given, replaces op). A warning names the input rows/columns that a stride
leaves unseen.

` + shapeConventions,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.changedFlag = cmd.Flags().Changed
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runShapeLayer(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Input, "input", "", "input size HxWxC, e.g. 224x224x3 (required)")
	f.StringVarP(&opts.Kernel, "kernel", "k", "", "kernel K or KH,KW (required)")
	f.StringVar(&opts.Stride, "stride", "", "stride S or SH,SW (default 1; pool: the window)")
	f.StringVar(&opts.Padding, "padding", "0", "padding P, PH,PW, same or valid")
	f.StringVar(&opts.Dilation, "dilation", "1", "dilation D or DH,DW")
	if kind != shape.MaxPool {
		f.IntVar(&opts.Groups, "groups", 1, "groups (must divide input and output channels)")
		f.IntVar(&opts.Filters, "filters", 0, "output channels (default: the input's)")
		f.BoolVar(&opts.Bias, "bias", true, "count a bias per output channel")
	}
	if kind == shape.Conv {
		f.BoolVar(&opts.Depthwise, "depthwise", false, "depthwise: groups = input channels")
		f.BoolVar(&opts.Invert, "invert", false, "also give the transposed convolution (k, s, p, output padding) that restores the input size exactly")
	}
	if kind == shape.ConvT {
		f.StringVar(&opts.OutPadding, "output-padding", "0", "output padding OP or OPH,OPW (smaller than stride or dilation)")
	}
	if kind == shape.MaxPool {
		f.BoolVar(&opts.Ceil, "ceil", false, "PyTorch's ceil_mode")
	}
	return cmd
}

func (o *shapeLayerOptions) validate() error {
	if o.Input == "" {
		return usageErrorf("--input HxWxC is required, e.g. --input 224x224x3")
	}
	in, err := shape.ParseDims(o.Input)
	if err != nil {
		return usageErrorf("--input: %v", err)
	}
	if o.Kernel == "" {
		return usageErrorf("-k/--kernel K is required")
	}
	l := shape.NewLayer(o.Kind)
	pairs := []struct {
		flag, val string
		dst       *shape.Pair
		min       int
	}{
		{"kernel", o.Kernel, &l.Kernel, 1}, {"stride", o.Stride, &l.Stride, 1},
		{"dilation", o.Dilation, &l.Dilation, 1}, {"output-padding", o.OutPadding, &l.OutPad, 0},
	}
	for _, p := range pairs {
		if p.val == "" {
			continue
		}
		v, err := shape.ParsePair(p.val)
		if err != nil || v.H < p.min || v.W < p.min {
			return usageErrorf("--%s %q: want N or NH,NW of integers ≥ %d", p.flag, p.val, p.min)
		}
		*p.dst = v
	}
	if l.Padding, err = shape.ParsePadding(o.Padding); err != nil {
		return usageErrorf("--%v", err)
	}
	if o.Filters < 0 {
		return usageErrorf("--filters %d: must be positive", o.Filters)
	}
	if o.Groups < 1 {
		return usageErrorf("--groups %d: must be at least 1", o.Groups)
	}
	if o.Depthwise {
		if o.changedFlag != nil && o.changedFlag("groups") {
			return usageErrorf("--depthwise sets the groups to the input channels; drop --groups")
		}
		l.Kind = shape.DWConv
	}
	l.Filters, l.Groups, l.Bias, l.Ceil = o.Filters, o.Groups, o.Bias, o.Ceil
	l.OutPadSet = o.Kind == shape.ConvT && o.changedFlag != nil && o.changedFlag("output-padding")
	if o.Kind == shape.MaxPool {
		l.Bias = false
	}
	o.in, o.layer = in, l
	return nil
}

// dimsJSON is {"h","w","c"}.
type dimsJSON struct {
	H int `json:"h"`
	W int `json:"w"`
	C int `json:"c"`
}

func toDimsJSON(d shape.Dims) dimsJSON { return dimsJSON{d.H, d.W, d.C} }

type calcJSON struct {
	Name    string `json:"name"`
	Formula string `json:"formula"`
	Work    string `json:"work"`
	Value   int64  `json:"value"`
	Note    string `json:"note,omitempty"`
}

type layerJSON struct {
	Layer      string     `json:"layer"`
	Input      dimsJSON   `json:"input"`
	Output     dimsJSON   `json:"output"`
	Params     int64      `json:"params"`
	MACs       int64      `json:"macs"`
	Arithmetic []calcJSON `json:"arithmetic"`
	Warnings   []string   `json:"warnings"`
	Inverse    string     `json:"inverse,omitempty"`
}

func runShapeLayer(o *shapeLayerOptions) error {
	if w := shape.LayoutWarning(o.in); w != "" && !o.G.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", w)
	}
	r, err := shape.Apply(o.layer, o.in)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", o.layer.Spec(false), o.in, err)
	}
	var inv *shape.Result
	if o.Invert {
		if _, inv, err = shape.Invert(o.layer, o.in); err != nil {
			return err
		}
	}
	if o.G.JSON {
		doc := layerJSON{Layer: o.layer.Spec(false), Input: toDimsJSON(r.In), Output: toDimsJSON(r.Out),
			Params: r.Params, MACs: r.MACs, Warnings: r.Warnings}
		if inv != nil {
			doc.Inverse = inv.Layer.Spec(false)
		}
		if doc.Warnings == nil {
			doc.Warnings = []string{}
		}
		for _, c := range r.Calcs {
			doc.Arithmetic = append(doc.Arithmetic, calcJSON(c))
		}
		return printJSONDoc(o.IO, doc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "layer   %s\n", o.layer.Spec(false))
	fmt.Fprintf(&b, "input   %s\n", r.In)
	fmt.Fprintf(&b, "output  %s\n", r.Out)
	fmt.Fprintf(&b, "params  %s\n", shape.Thousands(r.Params))
	fmt.Fprintf(&b, "MACs    %s\n\n", shape.Thousands(r.MACs))
	for _, c := range r.Calcs {
		fmt.Fprintln(&b, c)
	}
	if o.Kind != shape.MaxPool && (o.changedFlag == nil || !o.changedFlag("padding")) {
		fmt.Fprintf(&b, "note: padding 0 is shape's default (PyTorch's); convtool conv pads same by default\n")
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if inv != nil {
		fmt.Fprintf(&b, "\ninverse  %s  (%s → %s)\n", inv.Layer.Spec(false), r.Out, inv.Out)
		for _, c := range inv.Calcs[:2] {
			fmt.Fprintln(&b, c)
		}
	}
	_, err = fmt.Fprint(o.IO.Out, b.String())
	return err
}

// shapeNetOptions is everything `shape net` needs.
type shapeNetOptions struct {
	IO *streams
	G  *globalOptions

	Source string
	Input  string
	Print  bool
	List   bool
	Batch  int
	DType  string
	Fit    string
	Diff   bool
	Other  string

	in    *shape.Dims
	fitLo int
	fitHi int
	dtype shape.DType
}

func newCmdShapeNet(io *streams, g *globalOptions, runF func(*shapeNetOptions) error) *cobra.Command {
	opts := &shapeNetOptions{IO: io, G: g}
	cmd := &cobra.Command{
		Use:   "net NAME|FILE",
		Short: "A whole network: shapes, parameters, MACs, receptive field and jump per layer",
		Long: `Walk a network, a preset (` + strings.Join(shape.Presets(), ", ") + `) or a file,
and print a table: each layer's kernel/stride/padding, output HxWxC,
parameters, MACs, receptive field (RF: input rows/columns one output value
depends on, padding included) and jump (input pixels between neighbouring
outputs), then the totals, then a warning for every layer whose stride leaves
input rows or columns unseen.

RF is exact, borders ignored (Araujo et al., Distill 2019): per axis, the
input interval each output position depends on is composed layer by layer,
so after transposed convolutions or upsampling, where neighbouring outputs
see different amounts, RF prints the smallest and largest (23–31); gap,
flatten and an fc that flattens act as one window over the whole map; add,
mul and concat take the union of their operands and warn when the operands'
fields are not centred on the same input pixel (misaligned by N pixels);
dilated stacks that leave holes in the field warn how many rows reach an
output (gridding). --json gives every position class's interval.

Sizes are HxWxC (rows x columns x channels), not PyTorch's CxHxW: an input
such as 3x224x224 gets a warning. Padding defaults to 0, as in PyTorch;
convtool conv defaults to same.

Memory (decimal units, as torchinfo): each layer's activation at --batch and
--dtype, the parameters, the forward peak (activations alive at once, skip
tensors held until their add or concat), and a training estimate (params,
gradients, SGD momentum or Adam state, every output saved for backward);
torchinfo's "forward/backward pass size" (twice the outputs of layers with
parameters) is printed beside it for comparison. MACs and FLOPs (2·MACs)
are multiplied by --batch.

A network file is plain text, one layer a line, # comments:

  input 224x224x3
  conv1: conv 96 k11 s4 p2        # NAME: names a layer
  relu
  maxpool k3 s2                   # pooling stride defaults to the window
  conv 256 k5 p2 g2               # g: groups, d: dilation
  dwconv k3 s2 p1 nobias          # depthwise (groups = channels)
  convT 64 k4 s2 p1 op1           # transposed, op: output padding
  down: conv 128 k1 s2 @conv1     # @NAME: input from a named layer (@input: the input)
  add @conv1                      # residual add; shapes must match
  mul @gate                       # elementwise product; a 1x1xC gate broadcasts (SE)
  concat @a @b                    # channels of the named layers (one @a: this input, then a)
  upsample 2 bilinear             # scale (floor(H·s)) or size 28x28; nearest by default
  pad 1                           # zero padding: P, PHxPW or left,right,top,bottom
  bn
  layernorm                       # over channels at each position; groupnorm G
  adaptiveavgpool 6x6
  gap
  flatten
  fc 4096                         # flattens HxWxC first (a note says so)
  linear 10                       # nn.Linear on the channels at each position
  dropout 0.5

Kernels, strides, padding and dilation take N or HxW (k1x7); padding also
same or valid (convT same: the output is s times the input, as
conv --transpose --padding same); maxpool/avgpool take ceil. Also: lrn, relu6, tanh, sigmoid,
silu (swish), gelu, hardswish, hardsigmoid, leakyrelu, softmax, identity,
adaptivemaxpool. NAME|FILE may be - for standard input. Unnamed layers are called after their type and
position (conv1, relu3). Errors name file:line.

` + shapeConventions,
		Example: `  convtool shape net resnet18
  convtool shape net alexnet --input 227x227x3
  convtool shape net vgg16 --print > my.net
  convtool shape net my.net --json
  convtool shape net resnet18 --batch 32 --dtype float16
  cat my.net | convtool shape net -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.List {
				return exactArgs(0)(cmd, args)
			}
			if opts.Diff {
				return exactArgs(2, "A B")(cmd, args)
			}
			return exactArgs(1, "NAME|FILE")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) >= 1 {
				opts.Source = args[0]
			}
			if len(args) == 2 {
				opts.Other = args[1]
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runShapeNet(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Input, "input", "", "override the network's input size HxWxC")
	f.BoolVar(&opts.Print, "print", false, "print the network file (a preset's text, or an ONNX, Keras or Darknet model converted) instead of walking it")
	f.BoolVar(&opts.List, "list", false, "list the presets")
	f.IntVar(&opts.Batch, "batch", 1, "batch size: multiplies MACs, FLOPs and activation memory")
	f.StringVar(&opts.DType, "dtype", "float32", "element type for memory: float32, float16, bfloat16, float64, int8")
	f.StringVar(&opts.Fit, "fit", "", "LO..HI: list the square input sizes in that range for which every add/concat matches and no layer drops rows")
	f.BoolVar(&opts.Diff, "diff", false, "compare two networks A B layer by layer")
	return cmd
}

func (o *shapeNetOptions) validate() error {
	if o.Input != "" {
		d, err := shape.ParseDims(o.Input)
		if err != nil {
			return usageErrorf("--input: %v", err)
		}
		o.in = &d
	}
	if o.List && o.Print {
		return usageErrorf("--list and --print exclude each other")
	}
	if o.Batch < 1 {
		return usageErrorf("--batch %d: must be at least 1", o.Batch)
	}
	d, err := shape.ParseDType(o.DType)
	if err != nil {
		return usageErrorf("--%v", err)
	}
	o.dtype = d
	if o.Fit != "" {
		lo, hi, ok := strings.Cut(o.Fit, "..")
		var err1, err2 error
		o.fitLo, err1 = strconv.Atoi(lo)
		o.fitHi, err2 = strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || o.fitLo < 1 || o.fitHi < o.fitLo || o.fitHi-o.fitLo > 100000 {
			return usageErrorf("--fit %q: want LO..HI, e.g. 200..600 (at most 100000 sizes)", o.Fit)
		}
	}
	return nil
}

func runShapeNet(o *shapeNetOptions) error {
	if o.List {
		if o.G.JSON {
			return printJSONDoc(o.IO, shape.Presets())
		}
		_, err := fmt.Fprintln(o.IO.Out, strings.Join(shape.Presets(), "\n"))
		return err
	}
	n, text, err := shape.Load(o.Source, o.IO.In)
	if err != nil {
		return err
	}
	if o.Print {
		_, err := fmt.Fprint(o.IO.Out, text)
		return err
	}
	if o.Fit != "" {
		fits := shape.Fit(n, o.fitLo, o.fitHi)
		if o.G.JSON {
			return printJSONDoc(o.IO, map[string]any{"name": n.Name, "from": o.fitLo, "to": o.fitHi, "sizes": append([]int{}, fits...)})
		}
		_, err := fmt.Fprintf(o.IO.Out, "%s: %d of %d square input sizes in %d..%d fit (every add/concat matches, no rows dropped):\n%s\n",
			n.Name, len(fits), o.fitHi-o.fitLo+1, o.fitLo, o.fitHi, shape.Ranges(fits))
		return err
	}
	if o.Diff {
		m, _, err := shape.Load(o.Other, o.IO.In)
		if err != nil {
			return err
		}
		wopt := shape.WalkOptions{Input: o.in, Batch: o.Batch, DType: o.dtype}
		a, err := shape.WalkWith(n, wopt)
		if err != nil {
			return err
		}
		b, err := shape.WalkWith(m, wopt)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(o.IO.Out, shape.Diff(a, b))
		return err
	}
	res, err := shape.WalkWith(n, shape.WalkOptions{Input: o.in, Batch: o.Batch, DType: o.dtype})
	if err != nil {
		return err
	}
	if o.G.JSON {
		return printJSONDoc(o.IO, res.JSON())
	}
	_, err = fmt.Fprint(o.IO.Out, res.Table())
	return err
}

// printJSONDoc writes v as one JSON document on stdout.
func printJSONDoc(io *streams, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(io.Out, string(b))
	return err
}

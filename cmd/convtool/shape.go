package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
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
  convtool shape conv      --input 224x224x3 -k 7 --stride 2 --padding 3 --invert

` + shapeConventions,
	}
	for _, k := range []shape.Kind{shape.Conv, shape.MaxPool, shape.ConvT} {
		cmd.AddCommand(newCmdShapeLayer(io, g, k, nil))
	}
	cmd.AddCommand(newCmdShapeNet(io, g))
	return cmd
}

// shapeLayerOptions is everything `shape conv|pool|transpose` needs.
type shapeLayerOptions struct {
	Req job.ShapeLayerRequest

	// set once the flags are checked
	in    shape.Dims
	layer shape.Layer
}

func newCmdShapeLayer(io *streams, g *globalOptions, kind shape.Kind, runF func(*shapeLayerOptions) error) *cobra.Command {
	opts := &shapeLayerOptions{Req: job.ShapeLayerRequest{Kind: kind, Bias: true, Padding: "0", Dilation: "1", Groups: 1, OutPadding: "0"}}
	r := &opts.Req
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
leaves unseen, with their count.

Sizes are HxWxC (rows x columns x channels), not PyTorch's CxHxW: an input
such as 3x224x224 gets a warning. --padding defaults to 0, as in PyTorch;
convtool conv defaults to same.

` + shapeConventions,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Changed = cmd.Flags().Changed
			var err error
			if opts.in, opts.layer, err = r.Plan(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return job.ShapeLayer(opts.in, opts.layer, r.Invert, r.Changed("padding"), g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Input, "input", "", "input size HxWxC, e.g. 224x224x3 (required)")
	f.StringVarP(&r.Kernel, "kernel", "k", "", "kernel K or KH,KW (required)")
	f.StringVar(&r.Stride, "stride", "", "stride S or SH,SW (default 1; pool: the window)")
	f.StringVar(&r.Padding, "padding", "0", "padding P, PH,PW, same or valid")
	f.StringVar(&r.Dilation, "dilation", "1", "dilation D or DH,DW")
	if kind != shape.MaxPool {
		f.IntVar(&r.Groups, "groups", 1, "groups (must divide input and output channels)")
		f.IntVar(&r.Filters, "filters", 0, "output channels (default: the input's)")
		f.BoolVar(&r.Bias, "bias", true, "count a bias per output channel")
	}
	if kind == shape.Conv {
		f.BoolVar(&r.Depthwise, "depthwise", false, "depthwise: groups = input channels")
		f.BoolVar(&r.Invert, "invert", false, "also give the transposed convolution (k, s, p, output padding) that restores the input size exactly")
	}
	if kind == shape.ConvT {
		f.StringVar(&r.OutPadding, "output-padding", "0", "output padding OP or OPH,OPW (smaller than stride or dilation)")
	}
	if kind == shape.MaxPool {
		f.BoolVar(&r.Ceil, "ceil", false, "PyTorch's ceil_mode")
	}
	return cmd
}

const shapeNetLong = `
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
  upsample 2 bilinear             # scale (floor(H·s)) or size 28x28; nearest by default;
                                  # bilinear align_corners: align_corners=True
  pad 1                           # zero padding: P, PHxPW or left,right,top,bottom
  bn eps=1e-3                     # eps: bn, layernorm, groupnorm (default 1e-5)
  layernorm                       # over channels at each position; groupnorm G
  leakyrelu 0.1                   # negative slope (default 0.01; Darknet's leaky: 0.1)
  lrn 5 alpha=1e-4 beta=0.75 k=2  # size, alpha, beta, k (lrn alone: these, AlexNet's)
  gelu tanh                       # tanh approximation (default: exact erf)
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

` + shapeConventions

func newCmdShapeNet(io *streams, g *globalOptions) *cobra.Command {
	r := &job.ShapeNetRequest{}
	cmd := &cobra.Command{
		Use:   "net NAME|FILE|-",
		Short: "A whole network: shapes, parameters, MACs, receptive field and jump per layer",
		Long:  "Walk a network, a preset (" + strings.Join(shape.Presets(), ", ") + ") or a file," + shapeNetLong,
		Example: `  convtool shape net resnet18
  convtool shape net alexnet --input 227x227x3
  convtool shape net vgg16 --print > my.net
  convtool shape net my.net --json
  convtool shape net resnet18 --batch 32 --dtype float16
  convtool shape net model.onnx --print > model.net
  convtool shape net vgg16 --fit 200..600
  convtool shape net --diff resnet18 resnet50
  cat my.net | convtool shape net -

  convtool shape net resnet18 --plot resnet18.svg
  convtool shape net alexnet --rf 6,6 --layer conv5 --image photo.png rf.png`,
		Args: func(cmd *cobra.Command, args []string) error {
			if r.List {
				return exactArgs(0)(cmd, args)
			}
			if r.Diff {
				return exactArgs(2, "A B")(cmd, args)
			}
			if r.RF != "" {
				return exactArgs(2, "NAME|FILE", "PICTURE")(cmd, args)
			}
			return exactArgs(1, "NAME|FILE")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) >= 1 {
				r.Source = args[0]
			}
			if len(args) == 2 {
				if r.Diff {
					r.Other = args[1]
				} else {
					r.RFOut = args[1]
				}
			}
			r.BatchGiven = cmd.Flags().Changed("batch")
			return job.ShapeNet(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Input, "input", "", "override the network's input size HxWxC")
	f.BoolVar(&r.Print, "print", false, "print the network file (a preset's text, or an ONNX, Keras or Darknet model converted) instead of walking it")
	f.BoolVar(&r.List, "list", false, "list the presets")
	f.IntVar(&r.Batch, "batch", 1, "batch size: multiplies MACs, FLOPs and activation memory")
	f.StringVar(&r.DType, "dtype", "float32", "element type for memory: float32, float16, bfloat16, float64, int8")
	f.StringVar(&r.Fit, "fit", "", "LO..HI: list the square input sizes in that range for which every add/concat matches and no layer drops rows")
	f.BoolVar(&r.Diff, "diff", false, "compare two networks A B layer by layer")
	f.StringVar(&r.Plot, "plot", "", "also draw the network as boxes sized by H, W and C, with residual and branch edges, in `FILE` (.png or .svg)")
	f.StringVar(&r.RF, "rf", "", "draw the receptive field of output position `Y,X` of --layer on --image, written to the PICTURE argument")
	f.StringVar(&r.Layer, "layer", "", "the layer (name or row number) whose output position --rf names")
	f.StringVar(&r.Image, "image", "", "the input image --rf draws on; the network is walked at its size")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
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
}

func runShapeLayer(o *shapeLayerOptions) error {
	r, err := shape.Apply(o.layer, o.in)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", o.layer.Spec(false), o.in, err)
	}
	if o.G.JSON {
		doc := layerJSON{Layer: o.layer.Spec(false), Input: toDimsJSON(r.In), Output: toDimsJSON(r.Out),
			Params: r.Params, MACs: r.MACs, Warnings: r.Warnings}
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
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
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
	Plot   string // --plot FILE: the network drawn (.png, .svg)
	RF     string // --rf Y,X: with Layer, Image and a PICTURE argument
	Layer  string
	Image  string
	RFOut  string

	in *shape.Dims
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

RF follows the recurrence rf += (k−1)·d·jump, jump *= s; through an add it is
the larger branch; gap and fc act as one window over the whole map. After a
transposed convolution the jump is fractional (÷s) and RF an upper bound.

A network file is plain text, one layer a line, # comments:

  input 224x224x3
  conv1: conv 96 k11 s4 p2        # NAME: names a layer
  relu
  maxpool k3 s2                   # pooling stride defaults to the window
  conv 256 k5 p2 g2               # g: groups, d: dilation
  dwconv k3 s2 p1 nobias          # depthwise (groups = channels)
  convT 64 k4 s2 p1 op1           # transposed, op: output padding
  down: conv 128 k1 s2 @conv1     # @NAME: input from a named layer
  add @conv1                      # residual add; shapes must match
  bn
  adaptiveavgpool 6x6
  gap
  flatten
  fc 4096
  dropout 0.5

Kernels, strides, padding and dilation take N or HxW (k1x7); padding also
same or valid (convT same: the output is s times the input, as
conv --transpose --padding same); maxpool/avgpool take ceil. Also: lrn, relu6, tanh, sigmoid,
identity, adaptivemaxpool. Unnamed layers are called after their type and
position (conv1, relu3). Errors name file:line.

` + shapeConventions,
		Example: `  convtool shape net resnet18
  convtool shape net alexnet --input 227x227x3
  convtool shape net vgg16 --print > my.net
  convtool shape net my.net --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.List {
				return exactArgs(0)(cmd, args)
			}
			if opts.RF != "" {
				return exactArgs(2, "NAME|FILE", "PICTURE")(cmd, args)
			}
			return exactArgs(1, "NAME|FILE")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) >= 1 {
				opts.Source = args[0]
			}
			if len(args) == 2 {
				opts.RFOut = args[1]
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
	f.BoolVar(&opts.Print, "print", false, "print the network file (a preset's text) instead of walking it")
	f.BoolVar(&opts.List, "list", false, "list the presets")
	f.StringVar(&opts.Plot, "plot", "", "also draw the network as boxes sized by H, W and C, with residual and branch edges, in `FILE` (.png or .svg)")
	f.StringVar(&opts.RF, "rf", "", "draw the receptive field of output position `Y,X` of --layer on --image, written to the PICTURE argument")
	f.StringVar(&opts.Layer, "layer", "", "the layer (name or row number) whose output position --rf names")
	f.StringVar(&opts.Image, "image", "", "the input image --rf draws on; the network is walked at its size")
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
	return o.validatePictures()
}

// loadNetwork returns a preset by name, else parses the file.
func loadNetwork(src string) (*shape.Network, string, error) {
	if text, err := shape.PresetText(src); err == nil {
		n, err := shape.Preset(src)
		return n, text, err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, "", fmt.Errorf("%s: neither a preset (%s) nor a file", src, strings.Join(shape.Presets(), ", "))
		}
		return nil, "", err
	}
	n, err := shape.ParseNet(strings.NewReader(string(b)), src)
	return n, string(b), err
}

func runShapeNet(o *shapeNetOptions) error {
	if o.List {
		if o.G.JSON {
			return printJSONDoc(o.IO, shape.Presets())
		}
		_, err := fmt.Fprintln(o.IO.Out, strings.Join(shape.Presets(), "\n"))
		return err
	}
	n, text, err := loadNetwork(o.Source)
	if err != nil {
		return err
	}
	if o.Print {
		_, err := fmt.Fprint(o.IO.Out, text)
		return err
	}
	if o.RF != "" {
		return runShapeRF(o, n)
	}
	res, err := shape.Walk(n, o.in)
	if err != nil {
		return err
	}
	if o.Plot != "" {
		if err := writeNetPlot(o.IO, o.Plot, res); err != nil {
			return err
		}
	}
	if o.G.JSON {
		return printJSONDoc(o.IO, netToJSON(res))
	}
	_, err = fmt.Fprint(o.IO.Out, netTable(res))
	return err
}

type netLayerJSON struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Spec     string   `json:"spec"`
	Output   dimsJSON `json:"output"`
	Params   int64    `json:"params"`
	MACs     int64    `json:"macs"`
	RF       any      `json:"rf"`
	Jump     any      `json:"jump"`
	Warnings []string `json:"warnings,omitempty"`
}

type netJSON struct {
	Name   string         `json:"name"`
	Input  dimsJSON       `json:"input"`
	Layers []netLayerJSON `json:"layers"`
	Total  struct {
		Params int64 `json:"params"`
		MACs   int64 `json:"macs"`
	} `json:"total"`
}

// geoJSON is an integer (or a number, when fractional) for square
// geometry, else {"h","w"}.
func geoJSON(g shape.Geo) any {
	num := func(v float64) any {
		if v == math.Trunc(v) {
			return int64(v)
		}
		return v
	}
	if g.Square() {
		return num(g.H)
	}
	return map[string]any{"h": num(g.H), "w": num(g.W)}
}

func netToJSON(r *shape.NetResult) netJSON {
	doc := netJSON{Name: r.Name, Input: toDimsJSON(r.Input)}
	for _, l := range r.Layers[1:] {
		doc.Layers = append(doc.Layers, netLayerJSON{
			Name: l.Layer.Name, Type: string(l.Layer.Kind), Spec: l.Layer.Spec(false),
			Output: toDimsJSON(l.Out), Params: l.Params, MACs: l.MACs,
			RF: geoJSON(l.RF), Jump: geoJSON(l.Jump), Warnings: l.Warnings,
		})
	}
	doc.Total.Params, doc.Total.MACs = r.Params, r.MACs
	return doc
}

// netTable renders the walked network as an aligned table, the totals and
// the warnings.
func netTable(r *shape.NetResult) string {
	head := []string{"#", "layer", "type", "kernel/stride/pad", "output", "params", "MACs", "RF", "jump"}
	right := []bool{true, false, false, false, false, true, true, true, true}
	rows := [][]string{head}
	for i, l := range r.Layers {
		typ := string(l.Layer.Kind)
		switch l.Layer.Kind {
		case shape.Conv, shape.DWConv, shape.ConvT, shape.FC:
			if l.Out.C != 0 {
				typ += fmt.Sprintf(" %d", l.Out.C)
			}
		case shape.Add:
			typ += " @" + l.Layer.Ref
		case shape.AdaptAvg, shape.AdaptMax:
			typ += " " + l.Layer.Out.String()
		}
		geom := strings.Join(l.Layer.Options(), " ")
		if l.Layer.From != "" {
			geom = strings.TrimSpace(geom + " @" + l.Layer.From)
		}
		params, macs := shape.Thousands(l.Params), shape.Thousands(l.MACs)
		if l.Layer.Kind == shape.Input {
			params, macs = "", ""
		}
		rows = append(rows, []string{fmt.Sprint(i), l.Layer.Name, typ, geom, l.Out.String(), params, macs, l.RF.String(), l.Jump.String()})
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for j, c := range row {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: input %s\n\n", r.Name, r.Input)
	for _, row := range rows {
		var line strings.Builder
		for j, c := range row {
			pad := strings.Repeat(" ", width[j]-len([]rune(c)))
			if j > 0 {
				line.WriteString("  ")
			}
			if right[j] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	fmt.Fprintf(&b, "\ntotal: %s params, %s MACs\n", shape.Thousands(r.Params), shape.Thousands(r.MACs))
	var warns []string
	for _, l := range r.Layers {
		for _, w := range l.Warnings {
			warns = append(warns, fmt.Sprintf("warning: %s: %s", l.Layer.Name, w))
		}
	}
	if len(warns) > 0 {
		b.WriteString("\n" + strings.Join(warns, "\n") + "\n")
	}
	return b.String()
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

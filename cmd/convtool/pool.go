package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/pool"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// poolOptions is everything `pool` needs.
type poolOptions struct {
	IO *streams
	G  *globalOptions

	Input, Output string
	Op            string
	Size          string
	Stride        string
	Padding       string
	Dilation      string
	Ceil          bool
	IncludePad    bool
	Global        bool
	Adaptive      string
	Format        string

	// set by validate
	op       pool.Op
	params   pool.Params
	adaptive shape.Pair
	changed  func(string) bool
}

func newCmdPool(io *streams, g *globalOptions) *cobra.Command {
	return newCmdPoolWith(io, g, nil)
}

// newCmdPoolWith lets tests check flag parsing without running the work.
func newCmdPoolWith(io *streams, g *globalOptions, runF func(*poolOptions) error) *cobra.Command {
	opts := &poolOptions{IO: io, G: g, Op: "max", IncludePad: true}
	cmd := &cobra.Command{
		Use:   "pool INPUT OUTPUT",
		Short: "Pool an image, matrix or tensor with sliding, adaptive or global windows",
		Long: `Pool every channel of INPUT with PyTorch's semantics and write OUTPUT.

  --op max     largest value (F.max_pool2d); padding never wins
  --op avg     mean (F.avg_pool2d); with --count-include-pad (the default, as in
               PyTorch) the divisor is the window clipped to the padded input,
               with --count-include-pad=false only the input samples it covers
  --op min     smallest value, −max_pool2d(−x)
  --op l2      sqrt(Σ x²) over the window. Unlike torch's lp_pool2d this accepts
               --padding (padding adds 0) and, with --ceil, sums a partial
               window rather than rescaling it by k²/covered

Output size per axis: floor((H + 2p − d(k−1) − 1)/s) + 1, or with --ceil
ceil(…) + 1 unless that last window would start at or beyond H + p (PyTorch's
rule: it must start inside the input or the left padding). As in PyTorch
the output must be at least 1: with --ceil a window larger than the padded
input still gives one clipped window. Padding more than half the window is
refused, as PyTorch does. --dilation is for max and min.

--adaptive HxW uses PyTorch's bins: output i covers input rows
[floor(i·H/out), ceil((i+1)·H/out)). --global is --adaptive 1x1.

Images are written back at their own depth; avg, l2 and adaptive results are
rounded and clamped to the sample range. .npy keeps float32.`,
		Example: `  convtool pool in.png out.png --size 2
  convtool pool in.npy out.npy --op avg --size 3 --stride 2 --padding 1 --ceil
  convtool pool feat.npy g.npy --global --op avg`,
		Args: exactArgs(2, "INPUT", "OUTPUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input, opts.Output = args[0], args[1]
			opts.changed = cmd.Flags().Changed
			if err := opts.validate(); err != nil {
				return err
			}
			if err := checkOutputPath(opts.Output, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runPool(opts)
		},
	}
	f := cmd.Flags()
	f.Var(newEnum(&opts.Op, []string{"max", "avg", "min", "l2"}, map[string]string{"mean": "avg", "average": "avg", "maximum": "max", "minimum": "min"}), "op", "reduction: max, avg, min or l2")
	f.StringVar(&opts.Size, "size", "", "window K or KH,KW")
	f.StringVar(&opts.Stride, "stride", "", "stride S or SH,SW (default: the window)")
	f.StringVar(&opts.Padding, "padding", "0", "padding P or PH,PW on each side, at most half the window")
	f.StringVar(&opts.Dilation, "dilation", "1", "dilation D or DH,DW (max and min only)")
	f.BoolVar(&opts.Ceil, "ceil", false, "PyTorch's ceil_mode: keep a partial last window")
	f.BoolVar(&opts.IncludePad, "count-include-pad", true, "avg: count padding in the divisor (PyTorch's default)")
	f.BoolVar(&opts.Global, "global", false, "reduce each channel to one value (adaptive 1x1)")
	f.StringVar(&opts.Adaptive, "adaptive", "", "adaptive pooling to HxW output with PyTorch's bins")
	f.StringVar(&opts.Format, "format", "", "output format for - (png, npy, csv, txt, …); default: the input's")
	return cmd
}

// validate checks the flags against each other and parses them.
func (o *poolOptions) validate() error {
	op, err := pool.ParseOp(o.Op)
	if err != nil {
		return usageErrorf("--op: %v", err)
	}
	o.op = op
	changed := o.changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	windowFlags := []string{"size", "stride", "padding", "dilation", "ceil", "count-include-pad"}
	if o.Global || o.Adaptive != "" {
		if o.Global && o.Adaptive != "" {
			return usageErrorf("--global and --adaptive exclude each other (--global is --adaptive 1x1)")
		}
		for _, name := range windowFlags {
			if changed(name) {
				return usageErrorf("--%s does not apply to --global or --adaptive pooling", name)
			}
		}
		o.adaptive = shape.Square(1)
		if o.Adaptive != "" {
			p, err := shape.ParsePair(o.Adaptive)
			if err != nil || p.H < 1 || p.W < 1 {
				return usageErrorf("--adaptive %q: want HxW of positive integers, e.g. 6x6", o.Adaptive)
			}
			o.adaptive = p
		}
		return nil
	}
	if o.Size == "" {
		return usageErrorf("pool needs --size K (or --global, or --adaptive HxW)")
	}
	k, err := shape.ParsePair(o.Size)
	if err != nil || k.H < 1 || k.W < 1 {
		return usageErrorf("--size %q: want K or KH,KW of positive integers", o.Size)
	}
	s := k
	if o.Stride != "" {
		if s, err = shape.ParsePair(o.Stride); err != nil || s.H < 1 || s.W < 1 {
			return usageErrorf("--stride %q: want S or SH,SW of positive integers", o.Stride)
		}
	}
	p, err := shape.ParsePair(o.Padding)
	if err != nil {
		return usageErrorf("--padding %q: want P or PH,PW", o.Padding)
	}
	d, err := shape.ParsePair(o.Dilation)
	if err != nil || d.H < 1 || d.W < 1 {
		return usageErrorf("--dilation %q: want D or DH,DW of positive integers", o.Dilation)
	}
	if (d.H != 1 || d.W != 1) && (op == pool.Avg || op == pool.L2) {
		return usageErrorf("--dilation applies to --op max and min only (as in PyTorch)")
	}
	if changed("count-include-pad") && op != pool.Avg {
		return usageErrorf("--count-include-pad applies to --op avg only")
	}
	if p.H > k.H/2 || p.W > k.W/2 {
		return usageErrorf("--padding %s is more than half the window %s (at most %d,%d, as in PyTorch)", p, k, k.H/2, k.W/2)
	}
	o.params = pool.Params{Op: op, KH: k.H, KW: k.W, SH: s.H, SW: s.W, PH: p.H, PW: p.W, DH: d.H, DW: d.W,
		Ceil: o.Ceil, CountIncludePad: o.IncludePad}
	return nil
}

func runPool(o *poolOptions) error {
	in, err := readData(o.IO, o.G, o.Input)
	if err != nil {
		return err
	}
	sum := newSummary("pool").add("op", o.op.String())
	var out *tensor.Tensor
	if o.Global || o.Adaptive != "" {
		// Adaptive bins may overlap, so the output can outgrow the input:
		// bound it like an image before allocating.
		if ah, aw := int64(o.adaptive.H), int64(o.adaptive.W); o.G.MaxPixels > 0 && ah > o.G.MaxPixels/aw {
			return fmt.Errorf("%s: --adaptive %dx%d is %d samples a channel, more than --max-pixels %d", o.Input, ah, aw, ah*aw, o.G.MaxPixels)
		}
		out, err = pool.Adaptive(in.T, o.op, o.adaptive.H, o.adaptive.W)
		mode := "adaptive " + fmt.Sprintf("%dx%d", o.adaptive.H, o.adaptive.W)
		if o.Global {
			mode = "global"
		}
		sum.add("mode", mode)
	} else {
		p := o.params
		var bar *progress.Bar // nil (silent) unless stderr is a terminal
		if o.IO.ErrIsTerminal && !o.G.Quiet {
			bar = progress.New(o.IO.ErrOut, "pool", progressDelay)
			p.Progress = bar.Update
		}
		out, err = pool.Pool(in.T, p)
		bar.Finish()
		sum.add("size", shape.Pair{H: p.KH, W: p.KW}.String()).
			add("stride", shape.Pair{H: p.SH, W: p.SW}.String()).
			add("padding", shape.Pair{H: p.PH, W: p.PW}.String())
		if p.DH != 1 || p.DW != 1 {
			sum.add("dilation", shape.Pair{H: p.DH, W: p.DW}.String())
		}
		sum.add("ceil", p.Ceil)
		if p.Op == pool.Avg {
			sum.add("count_include_pad", p.CountIncludePad)
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %s: %w", o.Input, in.T.Shape(), err)
	}
	res := *in
	res.T = out
	flattened, err := writeOutput(o.IO, o.G, o.Output, &res, o.Format)
	if err != nil {
		return err
	}
	if flattened != "" {
		sum.add("alpha", flattened)
	}
	sum.data("input", o.Input, in.T).data("output", o.Output, res.T)
	return sum.print(o.IO, o.G, o.Output)
}

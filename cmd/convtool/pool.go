package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

// poolOptions is everything `pool` needs.
type poolOptions struct {
	Req job.PoolRequest
	// plan is set once the flags are checked.
	plan *job.PoolPlan
}

func newCmdPool(io *streams, g *globalOptions) *cobra.Command {
	return newCmdPoolWith(io, g, nil)
}

// newCmdPoolWith lets tests check flag parsing without running the work.
func newCmdPoolWith(io *streams, g *globalOptions, runF func(*poolOptions) error) *cobra.Command {
	opts := &poolOptions{Req: job.PoolRequest{Op: "max", IncludePad: true}}
	r := &opts.Req
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
			r.Input, r.Output, r.Changed = args[0], args[1], cmd.Flags().Changed
			var err error
			if opts.plan, err = job.PlanPool(*r); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return job.Pool(opts.plan, g.env(io))
		},
	}
	f := cmd.Flags()
	f.Var(newEnum(&r.Op, []string{"max", "avg", "min", "l2"}, map[string]string{"mean": "avg", "average": "avg", "maximum": "max", "minimum": "min"}), "op", "reduction: max, avg, min or l2")
	f.StringVar(&r.Size, "size", "", "window K or KH,KW")
	f.StringVar(&r.Stride, "stride", "", "stride S or SH,SW (default: the window)")
	f.StringVar(&r.Padding, "padding", "0", "padding P or PH,PW on each side, at most half the window")
	f.StringVar(&r.Dilation, "dilation", "1", "dilation D or DH,DW (max and min only)")
	f.BoolVar(&r.Ceil, "ceil", false, "PyTorch's ceil_mode: keep a partial last window")
	f.BoolVar(&r.IncludePad, "count-include-pad", true, "avg: count padding in the divisor (PyTorch's default)")
	f.BoolVar(&r.Global, "global", false, "reduce each channel to one value (adaptive 1x1)")
	f.StringVar(&r.Adaptive, "adaptive", "", "adaptive pooling to HxW output with PyTorch's bins")
	f.StringVar(&r.Format, "format", "", "output format for - (png, npy, csv, txt, …); default: the input's")
	f.BoolVar(&r.Explain, "explain", false, "print every window and what it took: the max and where, or the sum and the divisor with and without padding (small inputs)")
	f.BoolVar(&r.Mosaic, "mosaic", false, "draw the output channels as a labelled mosaic in the image OUTPUT (automatic when an image cannot hold them)")
	return cmd
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

func newCmdShift(io *streams, g *globalOptions) *cobra.Command {
	r := &job.ShiftRequest{}
	cmd := &cobra.Command{
		Use:   "shift INPUT [PICTURE]",
		Short: "Measure shift equivariance of a convolution and shift invariance of a pooling",
		Long: `Shift INPUT by --by DY,DX (zeros move in), run one operator — a convolution
(-k SPEC, with --stride, --padding, --dilation, --edge as conv takes them) or
a pooling (--pool max|avg|min --size K, with --stride and --padding) — on the
input and on the shifted input, and report, over the interior (the outputs
whose windows see neither the border, the padding nor the zeros shifted in):

  equivariance  max |f(shift x) − shift(f x)|, the output shifted by the
                input shift over the stride: zero for a convolution (the
                notes' 3.2.2), when the stride divides the shift
  invariance    the share of outputs that do not change at all, f(shift x)
                = f(x), and the largest change: a max pool keeps many of its
                outputs under a shift smaller than its window

PICTURE, if given, shows channel 0 of f(x), f(shift x) and the differences,
the interior framed.

` + exitCodesHelp,
		Example: `  convtool shift photo.png diff.png --by 3,5 -k sobel-x
  convtool shift photo.png pool.png --by 1,1 --pool max --size 2
  convtool shift x.npy --by 4,0 -k w.npy --stride 2 --padding 1 --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 && len(args) != 2 {
				return usageErrorf("shift takes INPUT and, optionally, PICTURE; got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Input = args[0]
			if len(args) == 2 {
				r.Picture = args[1]
			}
			if err := r.Validate(); err != nil {
				return err
			}
			return job.Shift(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.By, "by", "1,1", "the shift DY,DX in samples (positive: down and right)")
	f.StringVarP(&r.Kernel, "kernel", "k", "", "a convolution: kernel SPEC as conv takes it")
	f.StringVar(&r.Pool, "pool", "", "a pooling instead: max, avg or min")
	f.StringVar(&r.Size, "size", "", "the pooling window K or KH,KW")
	f.StringVar(&r.Stride, "stride", "", "stride S or SY,SX (default 1; pool: the window)")
	f.StringVar(&r.Padding, "padding", "", "padding (default: conv same, pool 0)")
	f.StringVar(&r.Dilation, "dilation", "", "dilation D or DY,DX (default 1)")
	f.Var(edgeFlag{&r.Edge}, "edge", "the convolution's edge mode, as conv takes it")
	return cmd
}

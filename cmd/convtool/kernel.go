package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

const kernelSpecHelp = `A kernel SPEC is, tried in this order:
  a built-in name with parameters after colons   gaussian:1.5   box:5   motion:9:30
  ImageMagick's form, origin at column X, row Y  "3x3: 1,2,1,2,4,2,1,2,1"   "3x1+0+0: 1,-1,0"   "3: …" (3x3)
  a file by extension                            k.npy (2-D; 4-D is a layer's weights)   k.csv   k.txt   k.mat
  an inline matrix, rows by ';' or newline       "1 2 1; 2 4 2; 1 2 1"
Every kernel is a correlation kernel (OpenCV's filter2D, PyTorch): sobel-x is
positive where intensity grows to the right. Built-in sizes are capped at 1025.

An even-sized kernel is anchored as the tool whose form it comes in:
  a built-in (box:4, gaussian:1:4)   OpenCV's anchor k/2 (cv2.blur, filter2D)
  a .mat file                        libvips' anchor k/2 (vips conv)
  ImageMagick's "WxH: …"             ImageMagick's origin (w-1)/2, or its +X+Y
  an inline matrix, .csv/.txt, .npy  'same' padding, the smaller half first
ImageMagick's string is applied as -morphology Correlate applies it; its
-morphology Convolve turns the kernel (and origin) by 180°: add --flip for that.`

// newCmdKernel groups the kernel subcommands.
func newCmdKernel(io *streams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kernel",
		Short: "List, print and draw convolution kernels",
		Long:  "List the built-in kernels, or print and draw one kernel.\n\n" + kernelSpecHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown kernel subcommand %q (want list or show)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("kernel needs a subcommand: list or show")
		},
	}
	cmd.AddCommand(newCmdKernelList(io, g), newCmdKernelShow(io, g))
	return cmd
}

func newCmdKernelList(io *streams, g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in kernels and their parameters",
		Long:  "List the built-in kernels: name, parameters and a one-line description.\nWith --json, an array of {name, params, description}.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return job.KernelList(g.env(io))
		},
	}
}

func newCmdKernelShow(io *streams, g *globalOptions) *cobra.Command {
	r := &job.KernelShowRequest{}
	cmd := &cobra.Command{
		Use:   "show SPEC",
		Short: "Print a kernel's matrix, sum, origin and separability; draw it as PNG",
		Long: `Print a kernel: its matrix, size, origin (the element over the output
pixel), sum, whether it is normalized (sums to 1), range, rank and — when the
rank is 1 — the column and row factors of a separable filter (k = column ⊗
row; the factors are scaled for reading: integers when the kernel is, else a
column summing to 1). --json prints all of it as one JSON document on stdout.

--png FILE draws the kernel: one square of --cell pixels per element, thin
grey grid lines, a diverging map for signed kernels (blue negative, white
zero, red positive, scaled by the largest magnitude) and grey for
non-negative ones (black 0, white the largest). The cell shrinks so the
picture stays within 4096 pixels a side. A 4-D bank is drawn as a grid of
its slices (rows: first axis, columns: second), on one colour scale.

--plot FILE draws a labelled figure: the kernel on a diverging map with a
colour bar, beside its frequency response |H| on 64x64 bins (or 4 times the
kernel) with axes in bins from the centre, a colour bar and the half-gain
outline dashed; for a 4-D bank, a mosaic of its slices on one colour scale
with a colour bar. --spectrum writes the bare response as data.

` + kernelSpecHelp,
		Args: exactArgs(1, "SPEC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Spec = args[0]
			if err := r.Validate(); err != nil {
				return err
			}
			return job.KernelShow(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.PNG, "png", "", "draw the kernel as a PNG `FILE`")
	f.IntVar(&r.Cell, "cell", 32, "side of one element in the picture, in pixels")
	f.StringVar(&r.Spectrum, "spectrum", "", "draw the kernel's frequency response as a PNG `FILE`")
	f.StringVar(&r.Dilation, "dilation", "", "show the kernel dilated: D-1 zeros between taps (D or DY,DX); size k+(k-1)(D-1)")
	f.StringVar(&r.Plot, "plot", "", "draw a labelled figure to `FILE`: the kernel with a colour bar beside its frequency response with axes (bins), colour bar and half-gain outline")
	f.StringVar(&r.Save, "save", "", "write the kernel's values to `FILE` (.npy, .csv, .txt, or .mat for vips conv)")
	return cmd
}

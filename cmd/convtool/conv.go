package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/imgconv"
	"github.com/convtool/convtool/internal/job"
)

// convOptions holds everything `convtool conv` needs; flags bind into the
// job's request.
type convOptions struct {
	req job.ConvRequest
	// OutDir is batch mode: 1+ inputs, outputs named after them here.
	OutDir        string
	scale, offset float64
	compression   int
}

const convLong = `Convolve INPUT with a kernel and write OUTPUT ("-" for stdin/stdout).

Without --flip this is cross-correlation, as in PyTorch and every deep-learning
framework; --flip turns the kernel by 180° (true convolution, as in signal
processing and scipy.signal.convolve2d), and 'same' padding then puts the
larger half first, so --flip --padding same|full|valid --edge zero|circular|
symmetric equals scipy.signal.convolve2d(mode=same|full|valid,
boundary=fill|wrap|symm), even for even-sized kernels.

A 2-D kernel filters every channel on its own. A 4-D .npy kernel of shape
(C_out, C_in/groups, kH, kW) is a convolution layer with PyTorch's semantics
(--groups, --bias); with --transpose its shape is (C_in, C_out/groups, kH, kW)
and the output size is (H-1)*s - 2p + d*(k-1) + output_padding + 1.

Padding: same (default; TensorFlow's rule: a total of
max((ceil(H/s)-1)*s + d*(k-1)+1 - H, 0), smaller half first), valid, full
(d*(k-1) on every side), P, or PY,PX. With --transpose, P is PyTorch's
padding, and 'same' picks the p (and output padding, if none is given) that
make the output exactly s times the input. An even-sized kernel is anchored
as the tool of its form: a built-in (box:4) or a .mat at k/2 (OpenCV,
libvips), an ImageMagick string at its origin (see convtool kernel --help).

Edge modes (what lies outside the input), with the names other tools use:
  zero       constant, black       (default for .npy, text and .mat)
  reflect    reflect101            excludes the edge sample: d c b | a b c d | c b a
                                   (OpenCV REFLECT_101, numpy reflect, scipy.ndimage mirror)
  symmetric  mirror                repeats the edge sample: c b a | a b c d | d c b
                                   (numpy symmetric, scipy symm, libvips/ImageMagick mirror)
  replicate  copy, clamp, edge, nearest   a a a | a b c d | d d d (default for images)
  circular   wrap, tile, periodic  b c d | a b c d | a b c

Output values: out = sum(k*x)/scale + offset (libvips' rule; a .mat kernel's
header supplies scale and offset; scale 0 means 1), then --abs, then
--rescale (min..max mapped onto the output's full sample range for an image,
0..1 otherwise). Images are then rounded and clamped to their sample range
(0..255 or 0..65535); .npy keeps signed results as they are. Nothing is
normalised unless --normalize is given.

` + imgconv.RuleHelp + `
The summary's "alpha" says which ran. Writing alpha to a format without it
(JPEG, BMP, PGM/PPM, PFM) flattens it against --background (default black,
as libvips). --gray converts colour to grey first (Rec. 601 luma, as PIL
and OpenCV).

Streaming: a 2-D kernel on a non-interlaced PNG or a C-order .npy (files
or "-"), or a one-channel text file, written to PNG, .npy or one-channel
text (files or "-") runs row by row: decoding, filtering and encoding
overlap on all cores, and memory is set by the width and the kernel's
height, not the image's height. The output bytes are those of the
whole-image path, which everything else takes (JPEG and other formats,
interlaced PNG, .mat, text on stdin, --rescale, --transpose, --explain,
4-D layers, the gemm method, fft on .npy or text or with a vertical
stride, a circular edge with padding above); a large kernel on an image
streams by fft band by band (the window is a tile, up to ~2048 rows);
the summary's "path" says which ran, and --no-stream forces the whole image.
--max-pixels bounds what is held: the whole image on that path; on the
streaming path the window of rows, plus a PNG larger than --max-pixels must
not inflate more than 100:1 (a decompression bomb). On stdout a streamed
result goes out as it is made: an input found damaged halfway leaves a
truncated stream and exit status 1.

--compression 0-9 is the PNG compression on libvips's scale (default 6, as
vips pngsave): 0 stores, 1-6 run Go's fastest deflate (with per-row
filters, smaller than vips's default output), 7-9 trade time for size.

Batch: with --out-dir DIR, conv takes one or more INPUTs (files, or globs
quoted so that convtool expands them) and writes each to DIR under the
input's name (extension from --format if given), a worker per core, with a
progress bar when stderr is a terminal. A file that fails is reported at
the end, one line each, and the others are still written; the exit status
is then 1.

` + exitCodesHelp

const convExample = `  convtool conv photo.png blur.png -k gaussian:2
  convtool conv photo.png edges.png -k sobel-x --abs
  convtool conv x.npy y.npy -k weights.npy --bias b.npy --stride 2 --padding 1
  convtool conv x.npy - -k "1 2 1; 2 4 2; 1 2 1" --normalize --flip --padding full
  cat in.png | convtool conv - - -k box:5 > out.png
  convtool conv 'in/*.png' --out-dir out/ -k gaussian:2`

func newCmdConv(io *streams, g *globalOptions) *cobra.Command {
	o := &convOptions{}
	r := &o.req
	cmd := &cobra.Command{
		Use:     "conv INPUT OUTPUT | conv INPUT... --out-dir DIR",
		Short:   "2-D convolution of an image, matrix or tensor",
		Long:    convLong,
		Example: convExample,
		Args: func(cmd *cobra.Command, args []string) error {
			if o.OutDir != "" {
				if len(args) == 0 {
					return usageErrorf("conv --out-dir needs at least one INPUT")
				}
				return nil
			}
			return exactArgs(2, "INPUT", "OUTPUT")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("scale") {
				r.Scale = &o.scale
			}
			if cmd.Flags().Changed("offset") {
				r.Offset = &o.offset
			}
			if o.compression < 0 || o.compression > 9 {
				return usageErrorf("--compression %d: want 0..9", o.compression)
			}
			r.PNGLevel = o.compression
			if o.compression == 0 {
				r.PNGLevel = img.NoPNGCompression
			}
			if o.OutDir == "" {
				r.Input, r.Output = args[0], args[1]
			}
			if err := r.Validate(); err != nil {
				return err
			}
			if o.OutDir != "" {
				if r.ExplainGIF != "" || r.Explain {
					return usageErrorf("--explain and --explain-gif take one INPUT, not --out-dir")
				}
				return job.ConvBatch(*r, args, o.OutDir, g.env(io))
			}
			return job.Conv(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVarP(&r.Kernel, "kernel", "k", "", "kernel: built-in (convtool kernel list), inline \"1 2 1; 2 4 2; 1 2 1\", ImageMagick \"3x3: …\", or a .npy/.csv/.txt/.mat file")
	f.StringVar(&r.Stride, "stride", "1", "stride S or SY,SX")
	f.StringVar(&r.Dilation, "dilation", "1", "dilation D or DY,DX")
	f.StringVar(&r.Padding, "padding", "same", "padding: same, valid, full, P or PY,PX")
	f.StringVar(&r.OutputPadding, "output-padding", "", "output padding for --transpose: P or PY,PX (default 0)")
	f.IntVar(&r.Groups, "groups", 1, "groups of a 4-D kernel (C_in and C_out must divide by it)")
	f.StringVar(&r.Bias, "bias", "", "bias per output channel: a .npy file or V[,V…]")
	f.Var(edgeFlag{&r.Edge}, "edge", "edge mode: zero|reflect|replicate|circular|symmetric (aliases above; default zero for matrices, replicate for images)")
	f.BoolVar(&r.Flip, "flip", false, "true convolution: turn the kernel by 180° (default: cross-correlation)")
	f.BoolVar(&r.Transpose, "transpose", false, "transposed convolution (PyTorch conv_transpose2d)")
	r.Method = "auto"
	f.Var(newEnum(&r.Method, []string{"auto", "direct", "separable", "fft", "gemm"}, nil), "method", "auto|direct|separable|fft|gemm")
	f.BoolVar(&r.Normalize, "normalize", false, "divide the kernel by its sum (a zero-sum kernel is left as it is)")
	f.Float64Var(&o.scale, "scale", 1, "divide the result by S (libvips' scale; 0 means 1)")
	f.Float64Var(&o.offset, "offset", 0, "add O to the result after scaling")
	f.BoolVar(&r.Abs, "abs", false, "take the absolute value of the result")
	f.BoolVar(&r.Rescale, "rescale", false, "map the result's min..max onto the output range")
	r.Alpha = "auto"
	f.Var(newEnum(&r.Alpha, []string{"auto", "keep", "convolve"}, nil), "alpha", "auto|keep|convolve: an image's alpha channel; auto convolves it (colour weighted by alpha) for smoothing kernels and keeps it for zero-sum and signed ones (see above)")
	f.BoolVar(&r.Gray, "gray", false, "convert a colour image to one grey channel first")
	f.BoolVar(&r.Explain, "explain", false, "print the padded input, every window, its products and sum; for a 4-D layer the per-input-channel sums, bias and total (small inputs)")
	f.StringVar(&r.ExplainGIF, "explain-gif", "", "draw the window sliding over the padded (or zero-inserted) input, the output filling in, as an animated GIF `FILE` (2-D kernel, first channel, small inputs)")
	f.BoolVar(&r.Mosaic, "mosaic", false, "draw the output channels as a labelled mosaic in the image OUTPUT (automatic when an image cannot hold them)")
	f.Var(formatFlag(&r.Format), "format", "output format (default: by extension; for \"-\" the input's kind)")
	f.IntVar(&o.compression, "compression", img.DefaultPNGLevel, "PNG compression 0-9, as vips pngsave --compression (0: none; 1-6 are Go's fastest deflate, already smaller than vips at 6; 7-9 smaller and slower)")
	f.BoolVar(&r.NoStream, "no-stream", false, "hold the whole image in memory even where it could stream (the same output bytes; for comparison)")
	f.StringVar(&o.OutDir, "out-dir", "", "batch mode: convolve every INPUT (files or quoted globs) into DIR, named as the input (extension from --format if given), a worker per core; failures are listed at the end and exit 1")
	return cmd
}

// edgeFlag is --edge: conv.ParseEdge decides which words (and aliases) are
// accepted, so the command and the library share one table; the flag
// stores the canonical name ("" until given: the default depends on the
// input's kind).
type edgeFlag struct{ name *string }

func (f edgeFlag) String() string { return *f.name }
func (f edgeFlag) Type() string   { return "string" }
func (f edgeFlag) Set(s string) error {
	e, err := conv.ParseEdge(s)
	if err != nil {
		return err
	}
	*f.name = e.String()
	return nil
}

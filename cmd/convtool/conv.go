package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/imgconv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// convOptions holds everything `convtool conv` needs; flags bind into it.
type convOptions struct {
	io *streams
	g  *globalOptions

	Input, Output string
	Kernel        string
	Stride        string
	Dilation      string
	Padding       string
	OutputPadding string
	Groups        int
	Bias          string
	Edge          string
	Flip          bool
	Transpose     bool
	Method        string
	Normalize     bool
	Scale         float64
	Offset        float64
	scaleSet      bool
	offsetSet     bool
	Abs           bool
	Rescale       bool
	Alpha         string
	Gray          bool
	Explain       bool
	Format        string
	OutDir        string // batch mode: 1+ inputs, outputs named after them here
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

Batch: with --out-dir DIR, conv takes one or more INPUTs (files, or globs
quoted so that convtool expands them) and writes each to DIR under the
input's name (extension from --format if given), a worker per core, with a
progress bar when stderr is a terminal. A file that fails is reported at
the end, one line each, and the others are still written; the exit status
is then 1.

` + exitCodesHelp

func newCmdConv(io *streams, g *globalOptions) *cobra.Command {
	o := &convOptions{io: io, g: g}
	cmd := &cobra.Command{
		Use:   "conv INPUT OUTPUT | conv INPUT... --out-dir DIR",
		Short: "2-D convolution of an image, matrix or tensor",
		Long:  convLong,
		Example: `  convtool conv photo.png blur.png -k gaussian:2
  convtool conv photo.png edges.png -k sobel-x --abs
  convtool conv x.npy y.npy -k weights.npy --bias b.npy --stride 2 --padding 1
  convtool conv x.npy - -k "1 2 1; 2 4 2; 1 2 1" --normalize --flip --padding full
  cat in.png | convtool conv - - -k box:5 > out.png
  convtool conv 'in/*.png' --out-dir out/ -k gaussian:2`,
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
			o.scaleSet = cmd.Flags().Changed("scale")
			o.offsetSet = cmd.Flags().Changed("offset")
			if o.OutDir != "" {
				if err := o.validate(); err != nil {
					return err
				}
				return runConvBatch(o, args)
			}
			o.Input, o.Output = args[0], args[1]
			if err := o.validate(); err != nil {
				return err
			}
			return runConv(o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Kernel, "kernel", "k", "", "kernel: built-in (convtool kernel list), inline \"1 2 1; 2 4 2; 1 2 1\", ImageMagick \"3x3: …\", or a .npy/.csv/.txt/.mat file")
	f.StringVar(&o.Stride, "stride", "1", "stride S or SY,SX")
	f.StringVar(&o.Dilation, "dilation", "1", "dilation D or DY,DX")
	f.StringVar(&o.Padding, "padding", "same", "padding: same, valid, full, P or PY,PX")
	f.StringVar(&o.OutputPadding, "output-padding", "", "output padding for --transpose: P or PY,PX (default 0)")
	f.IntVar(&o.Groups, "groups", 1, "groups of a 4-D kernel (C_in and C_out must divide by it)")
	f.StringVar(&o.Bias, "bias", "", "bias per output channel: a .npy file or V[,V…]")
	o.Edge = ""
	f.Var(edgeFlag{&o.Edge}, "edge", "edge mode: zero|reflect|replicate|circular|symmetric (aliases above; default zero for matrices, replicate for images)")
	f.BoolVar(&o.Flip, "flip", false, "true convolution: turn the kernel by 180° (default: cross-correlation)")
	f.BoolVar(&o.Transpose, "transpose", false, "transposed convolution (PyTorch conv_transpose2d)")
	o.Method = "auto"
	f.Var(newEnum(&o.Method, []string{"auto", "direct", "separable", "fft", "gemm"}, nil), "method", "auto|direct|separable|fft|gemm")
	f.BoolVar(&o.Normalize, "normalize", false, "divide the kernel by its sum (a zero-sum kernel is left as it is)")
	f.Float64Var(&o.Scale, "scale", 1, "divide the result by S (libvips' scale; 0 means 1)")
	f.Float64Var(&o.Offset, "offset", 0, "add O to the result after scaling")
	f.BoolVar(&o.Abs, "abs", false, "take the absolute value of the result")
	f.BoolVar(&o.Rescale, "rescale", false, "map the result's min..max onto the output range")
	o.Alpha = "auto"
	f.Var(newEnum(&o.Alpha, []string{"auto", "keep", "convolve"}, nil), "alpha", "auto|keep|convolve: an image's alpha channel; auto convolves it (colour weighted by alpha) for smoothing kernels and keeps it for zero-sum and signed ones (see above)")
	f.BoolVar(&o.Gray, "gray", false, "convert a colour image to one grey channel first")
	f.BoolVar(&o.Explain, "explain", false, "print the padded input, every window, its products and sum (small inputs)")
	o.Format = ""
	f.Var(newEnum(&o.Format, []string{"png", "npy", "csv", "txt", "mat", "jpeg", "gif", "tiff", "bmp", "pnm", "pam", "pfm"}, map[string]string{"jpg": "jpeg", "tif": "tiff", "pgm": "pnm", "ppm": "pnm"}), "format", "output format (default: by extension; for \"-\" the input's kind)")
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

func (o *convOptions) validate() error {
	if o.Kernel == "" {
		return usageErrorf("conv needs a kernel: -k SPEC (see convtool kernel list)")
	}
	if o.Groups < 1 {
		return usageErrorf("--groups must be at least 1, got %d", o.Groups)
	}
	if o.OutputPadding != "" && !o.Transpose {
		return usageErrorf("--output-padding only applies with --transpose")
	}
	if o.Transpose && o.Edge != "" && o.Edge != "zero" {
		return usageErrorf("--transpose supports only --edge zero (as PyTorch's conv_transpose2d)")
	}
	return checkOutputPath(o.Output, o.Format)
}

// progressDelay is how long a convolution runs before its bar appears, so
// that quick runs stay silent (tests set it to 0 to see the bar).
var progressDelay = 500 * time.Millisecond

// validateKernel checks the flags that depend only on whether the kernel is
// a 2-D filter or a 4-D layer, before the input is read (a piped stdin is
// not consumed, and a batch fails once, not per file).
func (o *convOptions) validateKernel(k *kernel.Kernel, is2D bool) error {
	const layer = "a 4-D layer kernel (.npy of shape C_out×C_in/groups×kH×kW)"
	switch {
	case is2D && o.Groups > 1:
		return usageErrorf("--groups applies to %s; a 2-D kernel already filters each channel on its own", layer)
	case is2D && o.Bias != "":
		return usageErrorf("--bias applies to %s", layer)
	case !is2D && o.Normalize:
		return usageErrorf("--normalize applies to 2-D kernels, not to the 4-D layer %s", o.Kernel)
	case !is2D && o.Explain:
		return usageErrorf("--explain works with a 2-D kernel")
	}
	if k != nil && !o.Transpose {
		asked, err := imgconv.ParseAlpha(o.Alpha)
		if err == nil {
			_, _, err = imgconv.Choose(asked, k)
		}
		if err != nil {
			return usageErrorf("%v", err)
		}
	}
	return nil
}

// pair parses "N" or "A,B" as (A, B), each at least lo.
func pair(flag, s string, lo int) (int, int, error) {
	parts := strings.Split(s, ",")
	if len(parts) > 2 {
		return 0, 0, usageErrorf("--%s %q: want N or NY,NX", flag, s)
	}
	v := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < lo {
			return 0, 0, usageErrorf("--%s %q: want whole numbers ≥ %d", flag, s, lo)
		}
		v[i] = n
	}
	if len(v) == 1 {
		return v[0], v[0], nil
	}
	return v[0], v[1], nil
}

func runConv(o *convOptions) error {
	p := conv.Params{Groups: o.Groups}
	var err error
	if p.StrideY, p.StrideX, err = pair("stride", o.Stride, 1); err != nil {
		return err
	}
	if p.DilY, p.DilX, err = pair("dilation", o.Dilation, 1); err != nil {
		return err
	}
	if o.OutputPadding != "" {
		if p.OutPadY, p.OutPadX, err = pair("output-padding", o.OutputPadding, 0); err != nil {
			return err
		}
	}

	// The kernel first: a bad spec should not consume a piped input.
	k2, bank, err := kernel.Parse(o.Kernel)
	if err != nil {
		return err
	}
	if err := o.validateKernel(k2, k2 != nil); err != nil {
		return err
	}
	in, err := readData(o.io, o.g, o.Input)
	if err != nil {
		return err
	}
	// The summary reports the file as read, before --gray.
	s := newSummary("conv")
	s.data("input", o.Input, in.T)
	if desc := tensorio.Describe(in); desc != "" {
		s.add("read", desc)
	}
	if in.Rotated != 0 {
		s.add("autorotate", fmt.Sprintf("EXIF orientation %d applied, tag reset to 1", in.Rotated))
	}
	if o.g.Strip && in.Meta != nil {
		s.add("metadata", "stripped (--strip)")
	}
	if o.Gray {
		c := in.T.C
		if in.T, err = toGray(in); err != nil {
			return fmt.Errorf("%s: %w", o.Input, err)
		}
		s.add("gray", fmt.Sprintf("%d → %d channels (Rec. 601 luma)", c, in.T.C))
	}

	// Kernel: normalise, then scale and offset, then flip.
	scale, offset := 1.0, 0.0
	var kname string
	var kh, kw int
	normalized := "no"
	if k2 != nil {
		if o.Normalize {
			if k2.ZeroSum() {
				normalized = "no (zero-sum kernel left as it is)"
			} else {
				k2, normalized = k2.Normalized(), "yes"
			}
		}
		if k2.HasScale {
			scale, offset = k2.Scale, k2.Offset
		}
		if o.Flip {
			k2 = k2.Rotate180()
		}
		kname, kh, kw = k2.Name, k2.H, k2.W
	} else {
		if o.Flip {
			bank = bank.Rotate180()
		}
		kname, kh, kw = bank.Name, bank.KH, bank.KW
	}
	if o.scaleSet {
		scale = o.Scale
	}
	if o.offsetSet {
		offset = o.Offset
	}
	if scale == 0 {
		scale = 1
	}

	// Edge: zero for matrices, replicate for images, unless given.
	edgeName := o.Edge
	if edgeName == "" {
		edgeName = "zero"
		if in.Kind == tensorio.KindImage && !o.Transpose {
			edgeName = "replicate"
		}
	}
	if p.Edge, err = conv.ParseEdge(edgeName); err != nil {
		return usageErrorf("--edge: %v", err)
	}

	// Padding.
	var originY, originX = -1, -1
	if k2 != nil && k2.HasOrigin {
		originY, originX = k2.OriginY, k2.OriginX
	}
	padDesc, err := resolvePadding(o, &p, in.T.H, in.T.W, kh, kw, originY, originX)
	if err != nil {
		return err
	}
	if err := checkWorkSize(in.T.H, in.T.W, kh, kw, p, o.g.MaxPixels); err != nil {
		return fmt.Errorf("%s: %w", o.Input, err)
	}

	var bias []float32
	if o.Bias != "" {
		if bias, err = parseBias(o.io, o.g, o.Bias); err != nil {
			return err
		}
	}
	method := conv.Method(o.Method)

	if o.Explain {
		// With the result on stdout, the explanation goes to stderr.
		w := o.io.Out
		if o.Output == "-" {
			w = o.io.ErrOut
		}
		if err := conv.Explain(w, in.T, k2, p); err != nil {
			return fmt.Errorf("%s: %w", o.Input, err)
		}
	}

	var bar *progress.Bar // nil (silent) unless stderr is a terminal
	if o.io.ErrIsTerminal && !o.g.Quiet {
		bar = progress.New(o.io.ErrOut, "conv", progressDelay)
		p.Progress = bar.Update
	}
	var out *tensor.Tensor
	var used conv.Method
	if k2 != nil {
		out, used, err = filterImage(in, k2, o.Flip, p, method, o.Alpha)
	} else {
		out, used, err = conv.Layer(in.T, bank, bias, p, method)
	}
	bar.Finish() // erased before anything else reaches stderr
	if err != nil {
		return fmt.Errorf("%s: %w", o.Input, err)
	}

	colour := out.C
	if in.Alpha && k2 != nil {
		colour = out.C - 1
	}
	applyPost(out, colour, scale, offset, o.Abs, o.Rescale, outRange(in, o))

	od := &tensorio.Data{T: out, Kind: in.Kind, Format: in.Format, Rank: in.Rank, Depth: in.Depth, Alpha: in.Alpha && k2 != nil, Meta: in.Meta}
	if k2 == nil && in.Rank < 3 && out.C > 1 {
		od.Rank = 3
	}
	flattened, err := writeOutput(o.io, o.g, o.Output, od, o.Format)
	if err != nil {
		return err
	}
	out = od.T

	op := "correlation"
	if o.Flip {
		op = "convolution (kernel flipped)"
	}
	if k2 != nil {
		op = k2.Op(o.Flip)
	}
	if o.Transpose {
		op = "transposed " + op
	}
	s.data("output", o.Output, out)
	if strings.ContainsAny(kname, " ,;") {
		kname = strconv.Quote(kname)
	}
	kshape := fmt.Sprintf("%dx%d", kh, kw)
	if bank != nil {
		kshape = bank.Shape()
	}
	s.add("kernel", kname+" "+kshape)
	s.add("op", op)
	if k2 != nil && k2.HasOrigin {
		s.add("anchor", fmt.Sprintf("row %d, column %d (%s)", k2.OriginY, k2.OriginX, k2.OriginRule()))
	}
	s.add("padding", padDesc)
	s.add("edge", p.Edge.String())
	if p.StrideY != 1 || p.StrideX != 1 {
		s.add("stride", fmt.Sprintf("%d,%d", p.StrideY, p.StrideX))
	}
	if p.DilY != 1 || p.DilX != 1 {
		s.add("dilation", fmt.Sprintf("%d,%d", p.DilY, p.DilX))
	}
	if bank != nil && p.Groups != 1 {
		s.add("groups", p.Groups)
	}
	alphaNote := ""
	if k2 != nil && in.Alpha && !o.Transpose {
		asked, _ := imgconv.ParseAlpha(o.Alpha)
		_, alphaNote, _ = imgconv.Choose(asked, k2)
	}
	if flattened != "" {
		alphaNote = strings.TrimPrefix(alphaNote+", then "+flattened, ", then ")
	}
	if alphaNote != "" {
		s.add("alpha", alphaNote)
	}
	s.add("normalized", normalized)
	if scale != 1 || offset != 0 {
		s.add("scale", scale).add("offset", offset)
	}
	if method != conv.Auto && used != method {
		s.add("method", fmt.Sprintf("%s (%s does not apply: %s)", used, method, whyNot(method, k2, in.T)))
	} else {
		s.add("method", string(used))
	}
	return s.print(o.io, o.g, o.Output)
}

// resolvePadding turns --padding into per-side pads (or PyTorch's p for
// --transpose) and returns a description for the summary.
func resolvePadding(o *convOptions, p *conv.Params, h, w, kh, kw, originY, originX int) (string, error) {
	if o.Transpose {
		p.Transpose = true
		var py, px int
		switch o.Padding {
		case "valid":
		case "same":
			var opy, opx int
			py, opy = shape.TransposeSamePad(kh, p.StrideY, p.DilY)
			px, opx = shape.TransposeSamePad(kw, p.StrideX, p.DilX)
			if o.OutputPadding == "" {
				if opy >= max(p.StrideY, p.DilY) || opx >= max(p.StrideX, p.DilX) {
					return "", usageErrorf("--transpose --padding same: no padding makes a %dx%d kernel's output exactly the stride times the input here (it would take an output padding of %d,%d, which must be smaller than the stride or dilation); give --padding P", kh, kw, opy, opx)
				}
				p.OutPadY, p.OutPadX = opy, opx
			}
		case "full":
			return "", usageErrorf("--padding full does not apply to --transpose (its output is already the full one): use P or same")
		default:
			var err error
			if py, px, err = pair("padding", o.Padding, 0); err != nil {
				return "", err
			}
		}
		if p.OutPadY >= max(p.StrideY, p.DilY) || p.OutPadX >= max(p.StrideX, p.DilX) {
			return "", usageErrorf("--output-padding %d,%d must be smaller than the stride or the dilation (as PyTorch)", p.OutPadY, p.OutPadX)
		}
		p.Pad = conv.Pad{Top: py, Bottom: py, Left: px, Right: px}
		return fmt.Sprintf("%s (p=%d,%d output_padding=%d,%d)", o.Padding, py, px, p.OutPadY, p.OutPadX), nil
	}
	switch o.Padding {
	case "same":
		t, b := conv.SamePad(h, kh, p.StrideY, p.DilY, o.Flip)
		l, r := conv.SamePad(w, kw, p.StrideX, p.DilX, o.Flip)
		if originY >= 0 {
			// An explicit anchor (ImageMagick's +X+Y) places the output
			// pixel under that kernel element.
			t, b = originY*p.DilY, (kh-1-originY)*p.DilY
			l, r = originX*p.DilX, (kw-1-originX)*p.DilX
		}
		p.Pad = conv.Pad{Top: t, Bottom: b, Left: l, Right: r}
	case "valid":
	case "full":
		fy, fx := conv.FullPad(kh, p.DilY), conv.FullPad(kw, p.DilX)
		p.Pad = conv.Pad{Top: fy, Bottom: fy, Left: fx, Right: fx}
	default:
		py, px, err := pair("padding", o.Padding, 0)
		if err != nil {
			return "", err
		}
		p.Pad = conv.Pad{Top: py, Bottom: py, Left: px, Right: px}
	}
	return fmt.Sprintf("%s (%d,%d,%d,%d)", o.Padding, p.Pad.Top, p.Pad.Bottom, p.Pad.Left, p.Pad.Right), nil
}

// checkWorkSize refuses, before anything is allocated, a geometry whose
// padded input or output plane would hold more than maxPixels samples
// (--max-pixels): a padding or dilation of 100000 on a small input would
// otherwise ask for gigabytes. Sizes that cannot work at all (an output
// of zero rows) are left to the engine's clearer message.
func checkWorkSize(h, w, kh, kw int, p conv.Params, maxPixels int64) error {
	if maxPixels <= 0 {
		return nil
	}
	var ho, wo, hp, wp int64
	if p.Transpose {
		ho = int64(conv.TransposedOutSize(h, kh, p.StrideY, p.DilY, p.Pad.Top, p.OutPadY))
		wo = int64(conv.TransposedOutSize(w, kw, p.StrideX, p.DilX, p.Pad.Left, p.OutPadX))
		// The zero-inserted input an ordinary convolution then reads.
		hp, wp = ho+int64(p.DilY)*int64(kh-1), wo+int64(p.DilX)*int64(kw-1)
	} else {
		hp = int64(h) + int64(p.Pad.Top) + int64(p.Pad.Bottom)
		wp = int64(w) + int64(p.Pad.Left) + int64(p.Pad.Right)
		ho = int64(conv.OutSize(h, kh, p.StrideY, p.DilY, p.Pad.Top, p.Pad.Bottom))
		wo = int64(conv.OutSize(w, kw, p.StrideX, p.DilX, p.Pad.Left, p.Pad.Right))
	}
	for _, s := range []struct {
		what string
		h, w int64
	}{{"padded input", hp, wp}, {"output", ho, wo}} {
		if s.h > 0 && s.w > 0 && (s.h > maxPixels/s.w) {
			return fmt.Errorf("the %s would be %dx%d (%d samples a channel), more than --max-pixels %d", s.what, s.h, s.w, s.h*s.w, maxPixels)
		}
	}
	return nil
}

// parseBias reads "--bias" as a list of numbers or a .npy file.
func parseBias(io *streams, g *globalOptions, spec string) ([]float32, error) {
	if strings.HasSuffix(strings.ToLower(spec), ".npy") {
		d, err := readData(io, g, spec)
		if err != nil {
			return nil, err
		}
		return d.T.Data, nil
	}
	var out []float32
	for _, f := range strings.Split(spec, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, usageErrorf("--bias %q: want a .npy file or finite numbers V[,V…]", spec)
		}
		out = append(out, float32(v))
	}
	return out, nil
}

// filterImage applies a 2-D kernel to every channel, honouring alpha for
// images. A transposed filter has no anchor to carry alpha from, so there
// alpha goes through the same transposed convolution as colour.
func filterImage(in *tensorio.Data, k *kernel.Kernel, flipped bool, p conv.Params, m conv.Method, alpha string) (*tensor.Tensor, conv.Method, error) {
	if p.Transpose {
		return conv.Filter(in.T, k, p, m)
	}
	asked, err := imgconv.ParseAlpha(alpha)
	if err != nil {
		return nil, "", err
	}
	mode, _, err := imgconv.Choose(asked, k)
	if err != nil {
		return nil, "", err
	}
	ay, ax := k.Anchor()
	if flipped && !k.HasOrigin {
		// The centre of the kernel as written, turned with it: for an
		// even size the larger half now comes first.
		ay, ax = k.H-1-ay, k.W-1-ax
	}
	return imgconv.Filter(in.T, in.Alpha, sampleMax(in.Depth), k, ay, ax, p, m, mode)
}

// sampleMax is the largest sample of an image of the given depth.
func sampleMax(depth int) float64 {
	if depth == 16 {
		return 65535
	}
	return 255
}

// outRange is the range --rescale maps onto: the output image's sample
// range, or 0..1 for numeric outputs.
func outRange(in *tensorio.Data, o *convOptions) float64 {
	format, err := tensorio.OutputFormat(o.Output, o.Format, in.Format)
	if err != nil {
		format = in.Format // the writer reports the bad extension
	}
	if tensorio.KindOf(format) != tensorio.KindImage {
		return 1
	}
	if in.Kind == tensorio.KindImage {
		return sampleMax(in.Depth)
	}
	return 255
}

// applyPost applies scale/offset, --abs and --rescale to the first n
// channels (alpha, if any, is left alone).
func applyPost(t *tensor.Tensor, n int, scale, offset float64, abs, rescale bool, hi float64) {
	levels.ScaleOffset(t, n, scale, offset)
	if abs {
		levels.Abs(t, n)
	}
	if rescale {
		levels.Rescale(t, n, 0, hi)
	}
}

// toGray converts a colour image to grey (keeping alpha).
func toGray(d *tensorio.Data) (*tensor.Tensor, error) {
	return levels.Gray(d.T)
}

// whyNot says why a requested method gave way to another.
func whyNot(m conv.Method, k *kernel.Kernel, in *tensor.Tensor) string {
	switch {
	case m == conv.Separable && k == nil:
		return "a layer is not one 2-D kernel"
	case m == conv.Separable:
		// conv's own test: every element within 1e-6 of the largest of
		// col⊗row. kernel show's SVD rank may call a nearly separable
		// kernel rank 1; the engine does not run it as one.
		return "the kernel is not rank 1 to within 1e-6 of its largest element"
	case m == conv.FFT:
		return "the input holds NaN or Inf"
	}
	return "not available here"
}

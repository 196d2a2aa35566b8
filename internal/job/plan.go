package job

import (
	"fmt"
	"math"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/imgconv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// Path says how a plan's pixels flow through memory.
type Path int

const (
	// WholeImage reads the whole input, convolves it, writes the whole
	// output: every kernel, edge and method.
	WholeImage Path = iota
	// Stream reads, convolves and writes a band of rows at a time
	// (internal/stream), in memory bounded by the width and the kernel:
	// runConvStream chooses it from the input's header.
	Stream
)

// String is the summary's "path": "stream" or "whole".
func (p Path) String() string {
	if p == Stream {
		return "stream"
	}
	return "whole"
}

// Header is what a plan needs to know of its input before the pixels: what
// an image header or a .npy header says.
type Header struct {
	C, H, W int
	// Image is true for image formats (PNG, JPEG, …), whose default edge
	// is replicate.
	Image bool
	// Depth is bits per image sample (8 or 16); Alpha marks an image's
	// last channel as alpha; Format is the input's format name.
	Depth  int
	Alpha  bool
	Format string
}

// HeaderOf describes loaded data as a plan's input.
func HeaderOf(d *tensorio.Data) Header {
	return Header{C: d.T.C, H: d.T.H, W: d.T.W, Image: d.Kind() == tensorio.KindImage,
		Depth: d.Depth, Alpha: d.Alpha, Format: d.Format}
}

// ConvPlan is a convolution with every decision made: the kernel prepared
// (normalised, then flipped), scale and offset settled, stride and dilation
// parsed, and after Resolve the edge, the padding, the path and the limits.
type ConvPlan struct {
	Req ConvRequest
	// Kernel is the prepared 2-D filter, or nil for a 4-D layer in Bank.
	Kernel *kernel.Kernel
	Bank   *kernel.Bank
	// Params is the geometry; Edge and Pad are set by Resolve.
	Params conv.Params
	Method conv.Method
	Bias   []float32
	// Scale and Offset are applied after the convolution (libvips' rule).
	Scale, Offset float64
	// Normalized says what --normalize did, for the summary.
	Normalized string
	// Path is how the pixels flow; Resolve sets it. PathWhy says why an
	// input that could stream took the whole image (--autorotate).
	Path    Path
	PathWhy string
	// PadDesc describes the padding for the summary; Resolve sets it.
	PadDesc string

	// Alpha is what happens to an image's alpha (imgconv.Choose), and
	// AlphaWhy says why, for the summary.
	Alpha    imgconv.Alpha
	AlphaWhy string

	pad       padSpec
	report    conv.Report     // what Compute ran and why, for the summary
	layer     *conv.LayerPlan // Bank and Bias bound once, for repeated Computes
	rescaleHi float64         // the top --rescale maps onto
	read      fileFacts
}

// fileFacts is what was read from the input file, before --gray and
// before the work, for the summary.
type fileFacts struct {
	shape *tensor.Tensor // the tensor as read (its shape only is used)
	desc  string         // tensorio.Describe
	meta  bool           // the file carried metadata
	// rotated is the EXIF orientation --autorotate applied (0: none).
	rotated int
}

// padSpec is --padding parsed: a word or explicit pads.
type padSpec struct {
	word   string // same, valid, full, or "" for explicit
	py, px int
}

// PlanConv makes every decision that does not need the input: it parses
// the pairs and the kernel, checks the flags that depend on the kernel's
// kind, prepares the kernel and reads the bias.
func PlanConv(r ConvRequest) (*ConvPlan, error) {
	p := &ConvPlan{Req: r, Params: conv.Params{Groups: r.Groups, Transpose: r.Transpose}, Method: conv.Method(r.Method), Path: WholeImage}
	var err error
	pp := &p.Params
	if pp.StrideY, pp.StrideX, err = pair("stride", r.Stride, 1); err != nil {
		return nil, err
	}
	if pp.DilY, pp.DilX, err = pair("dilation", r.Dilation, 1); err != nil {
		return nil, err
	}
	// Parameters are finite (data may hold NaN and ±Inf): a NaN scale
	// would turn every output sample into NaN, black or white.
	for _, f := range []struct {
		name string
		v    *float64
	}{{"scale", r.Scale}, {"offset", r.Offset}} {
		if f.v != nil && (math.IsNaN(*f.v) || math.IsInf(*f.v, 0)) {
			return nil, Usagef("--%s %v: want a finite number", f.name, *f.v)
		}
	}
	if r.OutputPadding != "" {
		if pp.OutPadY, pp.OutPadX, err = pair("output-padding", r.OutputPadding, 0); err != nil {
			return nil, err
		}
	}
	if p.Kernel, p.Bank, err = kernel.Parse(r.Kernel); err != nil {
		return nil, err
	}
	if err := r.checkKernelKind(p.Kernel != nil); err != nil {
		return nil, err
	}
	if p.Kernel != nil && !r.Transpose {
		// The alpha rule by kernel kind; an explicit --alpha convolve that
		// would empty alpha is refused before the input is read.
		asked, err := imgconv.ParseAlpha(r.Alpha)
		if err == nil {
			p.Alpha, p.AlphaWhy, err = imgconv.Choose(asked, p.Kernel)
		}
		if err != nil {
			return nil, Usagef("%v", err)
		}
	}
	p.prepareKernel()
	switch r.Padding {
	case "same", "valid", "full":
		p.pad.word = r.Padding
	default:
		if p.pad.py, p.pad.px, err = pair("padding", r.Padding, 0); err != nil {
			return nil, err
		}
	}
	if r.Bias != "" {
		if p.Bias, err = parseBias(r.Bias); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkKernelKind checks the flags that depend only on whether the kernel
// is a 2-D filter or a 4-D layer.
func (r *ConvRequest) checkKernelKind(is2D bool) error {
	const layer = "a 4-D layer kernel (.npy of shape C_out×C_in/groups×kH×kW)"
	switch {
	case is2D && r.Groups > 1:
		return Usagef("--groups applies to %s; a 2-D kernel already filters each channel on its own", layer)
	case is2D && r.Bias != "":
		return Usagef("--bias applies to %s", layer)
	case !is2D && r.Normalize:
		return Usagef("--normalize applies to 2-D kernels, not to the 4-D layer %s", r.Kernel)
	case !is2D && r.ExplainGIF != "":
		return Usagef("--explain-gif draws a 2-D kernel sliding over one channel; for %s use --explain", layer)
	}
	return nil
}

// prepareKernel normalises, then takes scale and offset, then flips.
func (p *ConvPlan) prepareKernel() {
	r := &p.Req
	p.Scale, p.Offset, p.Normalized = 1, 0, "no"
	if k := p.Kernel; k != nil {
		if r.Normalize {
			if k.ZeroSum() {
				p.Normalized = "no (zero-sum kernel left as it is)"
			} else {
				k, p.Normalized = k.Normalized(), "yes"
			}
		}
		if k.HasScale {
			p.Scale, p.Offset = k.Scale, k.Offset
		}
		if r.Flip {
			k = k.Rotate180() // the origin, if any, turns with it
		}
		p.Kernel = k
	} else if r.Flip {
		p.Bank = p.Bank.Rotate180()
	}
	if r.Scale != nil {
		p.Scale = *r.Scale
	}
	if r.Offset != nil {
		p.Offset = *r.Offset
	}
	if p.Scale == 0 {
		p.Scale = 1
	}
}

// kernelSize is the prepared kernel's rows and columns.
func (p *ConvPlan) kernelSize() (int, int) {
	if p.Kernel != nil {
		return p.Kernel.H, p.Kernel.W
	}
	return p.Bank.KH, p.Bank.KW
}

// Resolve makes the decisions that need the input's size and kind but not
// its pixels: the edge (zero for matrices, replicate for images, unless
// given), the padding, the path, the --rescale range, and the limit on the
// padded input and output (maxPixels samples a channel; 0: none).
func (p *ConvPlan) Resolve(in Header, lim Limits) error {
	r := &p.Req
	edgeName := r.Edge
	if edgeName == "" {
		edgeName = "zero"
		if in.Image && !r.Transpose {
			edgeName = "replicate"
		}
	}
	var err error
	if p.Params.Edge, err = conv.ParseEdge(edgeName); err != nil {
		return Usagef("--edge: %v", err)
	}
	if err := p.resolvePadding(in.H, in.W); err != nil {
		return err
	}
	if err := p.checkWorkSize(in.H, in.W, lim.MaxPixels); err != nil {
		return fmt.Errorf("%s: %w", r.Input, err)
	}
	if err := p.checkWork(in, lim.MaxMACs); err != nil {
		return fmt.Errorf("%s: %w", r.Input, err)
	}
	p.rescaleHi = rescaleTop(in, r.Output, r.Format)
	p.Path = WholeImage
	return nil
}

// resolvePadding turns --padding into per-side pads (or PyTorch's p for
// --transpose) and a description for the summary.
func (p *ConvPlan) resolvePadding(h, w int) error {
	r, pp := &p.Req, &p.Params
	kh, kw := p.kernelSize()
	py, px := p.pad.py, p.pad.px
	if r.Transpose {
		switch p.pad.word {
		case "valid":
		case "same":
			var opy, opx int
			var err error
			if py, opy, err = shape.TransposeSamePad(kh, pp.StrideY, pp.DilY); err != nil {
				return fmt.Errorf("%s: rows: %w", r.Input, err)
			}
			if px, opx, err = shape.TransposeSamePad(kw, pp.StrideX, pp.DilX); err != nil {
				return fmt.Errorf("%s: columns: %w", r.Input, err)
			}
			if r.OutputPadding == "" {
				if opy >= max(pp.StrideY, pp.DilY) || opx >= max(pp.StrideX, pp.DilX) {
					return Usagef("--transpose --padding same: no padding makes a %dx%d kernel's output exactly the stride times the input here (it would take an output padding of %d,%d, which must be smaller than the stride or dilation); give --padding P", kh, kw, opy, opx)
				}
				pp.OutPadY, pp.OutPadX = opy, opx
			}
		case "full":
			return Usagef("--padding full does not apply to --transpose (its output is already the full one): use P or same")
		}
		if pp.OutPadY >= max(pp.StrideY, pp.DilY) || pp.OutPadX >= max(pp.StrideX, pp.DilX) {
			return Usagef("--output-padding %d,%d must be smaller than the stride or the dilation (as PyTorch)", pp.OutPadY, pp.OutPadX)
		}
		pp.Pad = conv.Pad{Top: py, Bottom: py, Left: px, Right: px}
		p.PadDesc = fmt.Sprintf("%s (p=%d,%d output_padding=%d,%d)", r.Padding, py, px, pp.OutPadY, pp.OutPadX)
		return nil
	}
	switch p.pad.word {
	case "same":
		t, b, err := shape.SamePadFlip(h, kh, pp.StrideY, pp.DilY, r.Flip)
		if err != nil {
			return fmt.Errorf("%s: rows: %w", r.Input, err)
		}
		l, rt, err := shape.SamePadFlip(w, kw, pp.StrideX, pp.DilX, r.Flip)
		if err != nil {
			return fmt.Errorf("%s: columns: %w", r.Input, err)
		}
		if k := p.Kernel; k != nil && k.HasOrigin {
			oy, ox := k.OriginY, k.OriginX
			// An explicit anchor (ImageMagick's +X+Y) places the output
			// pixel under that kernel element.
			t, b = oy*pp.DilY, (kh-1-oy)*pp.DilY
			l, rt = ox*pp.DilX, (kw-1-ox)*pp.DilX
		}
		pp.Pad = conv.Pad{Top: t, Bottom: b, Left: l, Right: rt}
	case "valid":
	case "full":
		fy, err := shape.FullPad(kh, pp.DilY)
		if err != nil {
			return fmt.Errorf("%s: rows: %w", r.Input, err)
		}
		fx, err := shape.FullPad(kw, pp.DilX)
		if err != nil {
			return fmt.Errorf("%s: columns: %w", r.Input, err)
		}
		pp.Pad = conv.Pad{Top: fy, Bottom: fy, Left: fx, Right: fx}
	default:
		pp.Pad = conv.Pad{Top: py, Bottom: py, Left: px, Right: px}
	}
	p.PadDesc = fmt.Sprintf("%s (%d,%d,%d,%d)", r.Padding, pp.Pad.Top, pp.Pad.Bottom, pp.Pad.Left, pp.Pad.Right)
	return nil
}

// checkWorkSize refuses, before anything is allocated, a geometry that
// cannot work (a kernel larger than the padded input, a size that does not
// fit in 64 bits: shape's checked arithmetic) or whose padded input or
// output plane would hold more than maxPixels samples (--max-pixels): a
// padding or dilation of 100000 on a small input would otherwise ask for
// gigabytes.
func (p *ConvPlan) checkWorkSize(h, w int, maxPixels int64) error {
	pp := &p.Params
	kh, kw := p.kernelSize()
	var ho, wo, hp, wp int
	var err error
	if pp.Transpose {
		if ho, err = shape.TransposedOutSize(h, kh, pp.StrideY, pp.DilY, pp.Pad.Top, pp.OutPadY); err != nil {
			return fmt.Errorf("rows: %w", err)
		}
		if wo, err = shape.TransposedOutSize(w, kw, pp.StrideX, pp.DilX, pp.Pad.Left, pp.OutPadX); err != nil {
			return fmt.Errorf("columns: %w", err)
		}
		// The zero-inserted input an ordinary convolution then reads.
		fy, _ := shape.FullPad(kh, pp.DilY)
		fx, _ := shape.FullPad(kw, pp.DilX)
		if hp, err = shape.Padded(ho, fy, 0); err != nil {
			return fmt.Errorf("rows: the zero-inserted input, the output %d plus d·(k−1) = %d, does not fit in 64 bits", ho, fy)
		}
		if wp, err = shape.Padded(wo, fx, 0); err != nil {
			return fmt.Errorf("columns: the zero-inserted input, the output %d plus d·(k−1) = %d, does not fit in 64 bits", wo, fx)
		}
	} else {
		if hp, err = shape.Padded(h, pp.Pad.Top, pp.Pad.Bottom); err != nil {
			return fmt.Errorf("rows: %w", err)
		}
		if wp, err = shape.Padded(w, pp.Pad.Left, pp.Pad.Right); err != nil {
			return fmt.Errorf("columns: %w", err)
		}
		// A kernel larger than the padded input is left to the engine's
		// message, which names both sizes.
		ho, _ = shape.OutSize(h, kh, pp.StrideY, pp.DilY, pp.Pad.Top, pp.Pad.Bottom)
		wo, _ = shape.OutSize(w, kw, pp.StrideX, pp.DilX, pp.Pad.Left, pp.Pad.Right)
	}
	if maxPixels <= 0 {
		return nil
	}
	for _, s := range []struct {
		what string
		h, w int
	}{{"padded input", hp, wp}, {"output", ho, wo}} {
		if s.h > 0 && s.w > 0 && int64(s.h) > maxPixels/int64(s.w) {
			n, err := shape.Product("samples", s.h, s.w)
			count := fmt.Sprintf("%d samples a channel", n)
			if err != nil {
				count = "more samples a channel than fit in 64 bits"
			}
			return fmt.Errorf("the %s would be %dx%d (%s), more than --max-pixels %d", s.what, s.h, s.w, count, maxPixels)
		}
	}
	return nil
}

// MACs is the work of the planned convolution on in, in multiply-adds of
// the direct method (the figure shape conv reports): H'·W'·C'·kh·kw·(C/g),
// or for a transposed one H·W·C·kh·kw·(C'/g), saturating at
// shape.Overflow. A 2-D filter acts on each channel alone (C' = C, g = C).
func (p *ConvPlan) MACs(in Header) int64 {
	pp := &p.Params
	kh, kw := p.kernelSize()
	cin, cout, g := in.C, in.C, in.C
	if p.Bank != nil {
		g = pp.Groups
		if pp.Transpose {
			cout = p.Bank.N1 * g
		} else {
			cout = p.Bank.N0
		}
	}
	g = max(g, 1)
	if pp.Transpose {
		return shape.TransposeMACs(in.H, in.W, cin, kh, kw, cout, g).Value
	}
	ho, err1 := shape.OutSize(in.H, kh, pp.StrideY, pp.DilY, pp.Pad.Top, pp.Pad.Bottom)
	wo, err2 := shape.OutSize(in.W, kw, pp.StrideX, pp.DilX, pp.Pad.Left, pp.Pad.Right)
	if err1 != nil || err2 != nil {
		return 0 // no output: the engine says why
	}
	return shape.ConvMACs(ho, wo, cout, kh, kw, cin, g).Value
}

// checkWork refuses a job of more than maxMACs multiply-adds (0: no
// limit), naming the figure and the flag that allows it.
func (p *ConvPlan) checkWork(in Header, maxMACs int64) error {
	if maxMACs <= 0 {
		return nil
	}
	if n := p.MACs(in); n > maxMACs {
		figure := shape.Thousands(n)
		if n == shape.Overflow {
			figure = "more than 2^63"
		}
		return fmt.Errorf("the convolution would take %s multiply-adds, more than --max-macs %s: give --max-macs %d (or 0 for no limit) to run it", figure, shape.Thousands(maxMACs), n)
	}
	return nil
}

// rescaleTop is the range --rescale maps onto: the output image's sample
// range, or 0..1 for numeric outputs.
func rescaleTop(in Header, output, format string) float64 {
	f, err := tensorio.OutputFormat(output, format, in.Format)
	if err != nil {
		f = in.Format // the writer reports the bad extension
	}
	if tensorio.KindOf(f) != tensorio.KindImage {
		return 1
	}
	if in.Image {
		return levels.SampleMax(in.Depth)
	}
	return 255
}

// Compute convolves in as planned, telling bar (which may be nil) how far
// it got; the bar is erased before Compute returns. It returns the raw
// result and the method that ran.
func (p *ConvPlan) Compute(in *tensorio.Data, bar *progress.Bar) (*tensor.Tensor, conv.Method, error) {
	pp := p.Params
	pp.Report = &p.report
	if bar != nil {
		pp.Progress = bar.Update
	}
	defer bar.Finish() // erased before anything else reaches stderr
	if p.Kernel == nil {
		if p.layer == nil {
			lp, err := conv.NewLayerPlan(p.Bank, p.Bias, pp)
			if err != nil {
				return nil, "", err
			}
			p.layer = lp
		}
		return p.layer.Apply(in.T, pp, p.Method)
	}
	if pp.Transpose {
		// A transposed filter has no anchor to carry alpha from: alpha
		// goes through the same transposed convolution as colour, which
		// only a smoothing kernel does without emptying it.
		if in.Alpha {
			if mode, _, _ := imgconv.Choose(imgconv.Auto, p.Kernel); mode != imgconv.Convolve {
				return nil, p.Method, fmt.Errorf("--transpose carries alpha through the transposed convolution, and %s (not a smoothing kernel) would make opaque pixels transparent: remove the alpha channel first, or use a kernel with no negative element", p.Kernel.Name)
			}
		}
		return conv.Filter(in.T, p.Kernel, pp, p.Method)
	}
	mode := p.Alpha
	k := p.Kernel
	ay, ax := k.Anchor()
	if p.Req.Flip && !k.HasOrigin {
		// The centre of the kernel as written, turned with it: for an even
		// size the larger half now comes first.
		ay, ax = k.H-1-ay, k.W-1-ax
	}
	return imgconv.Filter(in.T, in.Alpha, levels.SampleMax(in.Depth), k, ay, ax, pp, p.Method, mode)
}

// Post applies scale and offset, --abs and --rescale to the colour
// channels of out and returns it as data to write in the input's form.
func (p *ConvPlan) Post(out *tensor.Tensor, in *tensorio.Data) *tensorio.Data {
	alpha := in.Alpha && p.Kernel != nil
	colour := out.C
	if alpha {
		colour = out.C - 1
	}
	levels.Post(out, colour, p.Scale, p.Offset, p.Req.Abs, p.Req.Rescale, p.rescaleHi)
	od := &tensorio.Data{T: out, Format: in.Format, Rank: in.Rank, Depth: in.Depth, Alpha: alpha, Meta: in.Meta}
	if p.Kernel == nil && in.Rank < 3 && out.C > 1 {
		od.Rank = 3
	}
	return od
}

// Summary is the run's report: shapes, kernel, operation, padding, edge,
// the geometry that differs from the default, and the method that ran.
func (p *ConvPlan) Summary(in *tensorio.Data, out *tensor.Tensor, used conv.Method) *summary.Line {
	r, pp := &p.Req, &p.Params
	op := "correlation"
	if r.Flip {
		op = "convolution (kernel flipped)"
	}
	if p.Kernel != nil {
		op = p.Kernel.Op(r.Flip)
	}
	if r.Transpose {
		op = "transposed " + op
	}
	read := p.read.shape
	if read == nil {
		read = in.T
	}
	// The input as the file held it, before --gray.
	s := summary.New("conv").Data("input", r.Input, read)
	if p.read.desc != "" {
		s.Add("read", p.read.desc)
	}
	if p.read.rotated != 0 {
		s.Add("autorotate", fmt.Sprintf("EXIF orientation %d applied (%dx%d upright), tag reset to 1", p.read.rotated, in.T.H, in.T.W))
	}
	if r.Gray && read.C != in.T.C {
		s.Add("gray", fmt.Sprintf("%d → %d channels (Rec. 601 luma)", read.C, in.T.C))
	}
	s.Data("output", r.Output, out)
	s.Add("kernel", p.kernelLabel()).Add("op", op)
	if k := p.Kernel; k != nil && k.HasOrigin {
		s.Add("anchor", fmt.Sprintf("row %d, column %d (%s)", k.OriginY, k.OriginX, k.OriginRule()))
	}
	s.Add("padding", p.PadDesc).Add("edge", pp.Edge.String())
	if in.Alpha && p.Kernel != nil && !r.Transpose {
		s.Add("alpha", p.AlphaWhy)
	}
	if pp.StrideY != 1 || pp.StrideX != 1 {
		s.Add("stride", fmt.Sprintf("%d,%d", pp.StrideY, pp.StrideX))
	}
	if pp.DilY != 1 || pp.DilX != 1 {
		s.Add("dilation", fmt.Sprintf("%d,%d", pp.DilY, pp.DilX))
	}
	if p.Bank != nil && pp.Groups != 1 {
		s.Add("groups", pp.Groups)
	}
	s.Add("normalized", p.Normalized)
	if p.Scale != 1 || p.Offset != 0 {
		s.Add("scale", p.Scale).Add("offset", p.Offset)
	}
	if p.Method != conv.Auto && used != p.Method {
		s.Add("method", fmt.Sprintf("%s (%s does not apply: %s)", used, p.Method, conv.WhyNot(p.Method, p.Kernel == nil)))
	} else {
		s.Add("method", string(used))
		if p.report.Reason != "" {
			s.Add("why", p.report.Reason)
		}
	}
	return s
}

package job

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// ConvRequest is what the user asked of `convtool conv`, as plain values:
// the flags' words, not yet checked against each other or the input.
type ConvRequest struct {
	Input, Output string
	// Kernel is a kernel SPEC: built-in, inline, ImageMagick or a file.
	Kernel string
	// Stride, Dilation: "N" or "NY,NX". Padding: same, valid, full, P or
	// PY,PX. OutputPadding: "" or P or PY,PX (transposed only).
	Stride, Dilation, Padding, OutputPadding string
	Groups                                   int
	// Bias is a .npy file or V[,V…], for a 4-D layer kernel.
	Bias string
	// Edge is a conv.ParseEdge word; "" picks zero for matrices and
	// replicate for images.
	Edge            string
	Flip, Transpose bool
	Method          string
	Normalize       bool
	// Scale and Offset, when not nil, replace the kernel's own (a .mat
	// header's) or the defaults 1 and 0.
	Scale, Offset *float64
	Abs, Rescale  bool
	// Alpha is keep or convolve.
	Alpha   string
	Gray    bool
	Explain bool
	// ExplainGIF, if set, is where the sliding-window animation goes.
	ExplainGIF string
	// Mosaic draws the output channels as a mosaic in the image Output
	// (automatic when an image cannot hold them).
	Mosaic bool
	// Format overrides the output's format ("" : by extension).
	Format string
	// PNGLevel is a PNG output's compression (img.EncodeOptions.PNGLevel:
	// 1..9, 0 for the default 6, img.NoPNGCompression for none).
	PNGLevel int
	// NoStream holds the whole image even where it could stream (the same
	// output bytes; for comparison and measurement).
	NoStream bool
}

// Validate checks the request's words against each other, before any
// kernel or file is read.
func (r *ConvRequest) Validate() error {
	if r.Kernel == "" {
		return Usagef("conv needs a kernel: -k SPEC (see convtool kernel list)")
	}
	if r.Groups < 1 {
		return Usagef("--groups must be at least 1, got %d", r.Groups)
	}
	if r.OutputPadding != "" && !r.Transpose {
		return Usagef("--output-padding only applies with --transpose")
	}
	if r.Transpose && r.Edge != "" && r.Edge != "zero" {
		return Usagef("--transpose supports only --edge zero (as PyTorch's conv_transpose2d)")
	}
	if r.ExplainGIF != "" && (r.ExplainGIF == "-" || !strings.EqualFold(filepath.Ext(r.ExplainGIF), ".gif")) {
		return Usagef("--explain-gif %q: want a .gif file (one input, not stdout)", r.ExplainGIF)
	}
	if r.Mosaic && r.Output != "" {
		if err := CheckPicturePath(r.Output, r.Format); err != nil {
			return Usagef("--mosaic draws a picture: %v", err)
		}
	}
	return CheckOutputPath(r.Output, r.Format)
}

// Conv runs one convolution job and prints its summary.
func Conv(r ConvRequest, env *Env) error {
	res, err := RunConv(r, env)
	if err != nil {
		return err
	}
	return res.Print(env)
}

// RunConv is the convolution job: read → plan → compute → post → write.
// The input-independent half of the plan is made before the input is read
// (a bad kernel does not consume a piped stdin), the rest from the input's
// size and kind before any arithmetic.
func RunConv(r ConvRequest, env *Env) (*Result, error) {
	res := &Result{Output: r.Output, Start: time.Now()}
	p, err := PlanConv(r)
	if err != nil {
		return nil, err
	}
	if r.Input == "-" {
		env.peekableStdin()
	}
	// The streaming path reads only the header first, Resolves from it
	// and, when the input, the filter and the output allow, runs band by
	// band (Path == Stream); otherwise nothing has been read and the whole
	// image is.
	if done, err := runConvStream(r, p, env, res); done {
		if err != nil {
			return nil, err
		}
		return res, nil
	}
	t0 := time.Now()
	// The limits (padded and output planes, the work) are checked from the
	// header, before the pixels are decoded; again below from the data.
	in, err := env.ReadChecked(r.Input, func(h tensorio.Header) error {
		hd := Header{C: h.C, H: h.H, W: h.W, Image: h.Image, Format: h.Format}
		if r.Gray {
			if c, err := levels.GrayChannels(h.C); err == nil {
				hd.C = c // grey, or grey and alpha; levels.Gray refuses the rest below
			}
		}
		return p.Resolve(hd, env.Limits())
	})
	if err != nil {
		return nil, err
	}
	res.Read = time.Since(t0)
	p.read = fileFacts{shape: in.T, desc: tensorio.Describe(in), meta: in.Meta != nil, rotated: in.Rotated}
	if in.Rotated >= 5 {
		// The file holds the picture on its side: report it as stored.
		p.read.shape = &tensor.Tensor{C: in.T.C, H: in.T.W, W: in.T.H}
	}
	if r.Gray {
		if in.T, err = levels.Gray(in.T); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Input, err)
		}
	}
	if err := p.Resolve(HeaderOf(in), env.Limits()); err != nil {
		return nil, err
	}
	if r.Explain {
		// With the result on stdout, the explanation goes to stderr.
		w := env.Stdout
		if r.Output == "-" {
			w = env.Stderr
		}
		explain := func() error { return conv.Explain(w, in.T, p.Kernel, p.Params) }
		if p.Kernel == nil {
			explain = func() error { return conv.ExplainLayer(w, in.T, p.Bank, p.Bias, p.Params) }
		}
		if err := explain(); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Input, err)
		}
	}
	if r.ExplainGIF != "" {
		if err := env.writeSlide(r.ExplainGIF, in.T, p.Kernel, p.Params, p.slideTitle()); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Input, err)
		}
	}
	t0 = time.Now()
	out, used, err := p.Compute(in, progressBar(env, "conv"))
	res.Compute = time.Since(t0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.Input, err)
	}
	od := p.Post(out, in)
	flattened := env.Flatten(r.Output, r.Format, od)
	t0 = time.Now()
	title := fmt.Sprintf("conv %s: %s -> %s (CxHxW)", filepath.Base(p.kernelName()), in.T.Shape(), out.Shape())
	wenv := *env
	wenv.PNGLevel = r.PNGLevel
	drew, err := wenv.writeResult("conv", r.Output, r.Format, od, r.Mosaic, title)
	if err != nil {
		return nil, err
	}
	res.Write = time.Since(t0)
	res.Summary = p.Summary(in, od.T, used)
	if flattened != "" {
		if a, ok := res.Summary.Get("alpha"); ok {
			flattened = fmt.Sprint(a) + ", then " + flattened
		}
		res.Summary.Add("alpha", flattened)
	}
	if f, err := tensorio.OutputFormat(r.Output, r.Format, od.Format); err == nil {
		p.addMetaNote(res, env, f, od)
	}
	p.addPath(res)
	if drew {
		res.Summary.Add("picture", "mosaic")
	}
	res.Summary.AddJSON("compute_ms", summary.Millis(res.Compute))
	return res, nil
}

// addMetaNote adds the summary's "metadata": what of the input's a write
// of od in format keeps, or that --strip dropped it (both paths).
func (p *ConvPlan) addMetaNote(res *Result, env *Env, format string, od *tensorio.Data) {
	if env.Strip && p.read.meta {
		res.Summary.Add("metadata", "stripped (--strip)")
	} else if note := tensorio.MetaNote(od, format, env.Strip); note != "" {
		res.Summary.Add("metadata", note)
	}
}

// addPath adds the summary's "path", and why a request that streams
// otherwise took the whole image.
func (p *ConvPlan) addPath(res *Result) {
	res.Summary.Add("path", p.Path.String())
	if p.Path == WholeImage && p.PathWhy != "" {
		res.Summary.Add("path_why", p.PathWhy)
	}
}

// progressBar is a bar for long work when stderr is a terminal, else nil
// (a nil bar draws nothing).
func progressBar(env *Env, label string) *progress.Bar {
	if !env.Terminal || env.Quiet {
		return nil
	}
	return progress.New(env.Stderr, label, env.ProgressDelay)
}

// pair parses a pair flag into (y, x), as a usage error.
func pair(flag, s string, lo int) (int, int, error) {
	p, err := shape.FlagPair(flag, s, lo)
	if err != nil {
		return 0, 0, &UsageError{Msg: err.Error()}
	}
	return p.H, p.W, nil
}

// parseBias reads --bias as a list of numbers or a .npy file.
func parseBias(spec string) ([]float32, error) {
	if strings.HasSuffix(strings.ToLower(spec), ".npy") {
		d, err := tensorio.Read(spec, tensorio.ReadOptions{})
		if err != nil {
			return nil, err
		}
		for i, v := range d.T.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: bias value %v at element %d is not finite", spec, v, i)
			}
		}
		return d.T.Data, nil
	}
	var out []float32
	for _, f := range strings.Split(spec, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, Usagef("--bias %q: want a .npy file or finite numbers V[,V…]", spec)
		}
		out = append(out, float32(v))
	}
	return out, nil
}

// kernelName is the kernel's (or the bank's) name.
func (p *ConvPlan) kernelName() string {
	if p.Bank != nil {
		return p.Bank.Name
	}
	return p.Kernel.Name
}

// slideTitle heads every frame of --explain-gif.
func (p *ConvPlan) slideTitle() string {
	k, q := p.Kernel, p.Params
	if q.Transpose {
		return fmt.Sprintf("transposed %s %dx%d: p %d,%d, stride %d,%d, dilation %d,%d", filepath.Base(k.Name), k.H, k.W,
			q.Pad.Top, q.Pad.Left, q.StrideY, q.StrideX, q.DilY, q.DilX)
	}
	return fmt.Sprintf("%s %dx%d: padding %d,%d,%d,%d (%s), stride %d,%d, dilation %d,%d", filepath.Base(k.Name), k.H, k.W,
		q.Pad.Top, q.Pad.Bottom, q.Pad.Left, q.Pad.Right, q.Edge, q.StrideY, q.StrideX, q.DilY, q.DilX)
}

// kernelLabel is how the summary names the kernel: its name (quoted when
// it holds separators) and shape.
func (p *ConvPlan) kernelLabel() string {
	name, shp := "", ""
	if p.Bank != nil {
		name, shp = p.Bank.Name, p.Bank.Shape()
	} else {
		name, shp = p.Kernel.Name, fmt.Sprintf("%dx%d", p.Kernel.H, p.Kernel.W)
	}
	if strings.ContainsAny(name, " ,;") {
		name = strconv.Quote(name)
	}
	return name + " " + shp
}

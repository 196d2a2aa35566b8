package job

import (
	"bufio"
	"errors"
	"fmt"
	"time"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/imgconv"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/stream"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// streamable reports whether the request allows the streaming path: one
// 2-D kernel (checked by the caller), nothing that needs the whole result
// (--rescale's range, a mosaic) or the whole input (--explain,
// --explain-gif, a transposed convolution's zero-inserted input).
func (r *ConvRequest) streamable() bool {
	return !r.NoStream && !r.Transpose && !r.Rescale && !r.Explain && r.ExplainGIF == "" && !r.Mosaic
}

// peekableStdin makes env.Stdin one that can be looked at without being
// consumed, so that an input the streaming path declines is still whole
// for the whole-image path.
func (e *Env) peekableStdin() {
	if _, ok := e.Stdin.(tensorio.Peeker); !ok && e.Stdin != nil {
		e.Stdin = bufio.NewReaderSize(e.Stdin, 1<<20)
	}
}

// runConvStream runs the plan row by row (internal/stream) when the
// input, the filter and the output allow it, and reports whether it did.
// When it returns false nothing has been consumed or written and the
// whole-image path runs instead; the output bytes are the same either way.
//
// Limits: --max-pixels bounds what the whole-image path holds; the
// streaming path holds a window of rows, so it refuses only a window
// larger than --max-pixels, a PNG past --max-pixels that inflates more
// than img.MaxInflate:1 (a decompression bomb), a padding or dilation that
// makes the planes larger than --max-pixels (for an input past it: twice
// the input), and work past --max-macs.
func runConvStream(r ConvRequest, p *ConvPlan, env *Env, res *Result) (bool, error) {
	if p.Kernel == nil || !r.streamable() {
		return false, nil
	}
	t0 := time.Now()
	rr, err := tensorio.OpenRows(r.Input, tensorio.ReadOptions{Stdin: env.Stdin, MaxPixels: env.MaxPixels})
	if errors.Is(err, tensorio.ErrNotRows) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	defer rr.Close()
	// --autorotate turns the picture by its EXIF orientation, which needs
	// the whole image. A PNG's eXIf may follow its pixel data, where the
	// rows would be filtered before it is seen: stream only when it came
	// first and says upright.
	if env.Autorotate && rr.Kind == tensorio.KindImage {
		m := rr.Meta()
		switch o := m.Orientation(); {
		case o > 1:
			p.PathWhy = fmt.Sprintf("--autorotate: EXIF orientation %d turns the whole image", o)
			return false, nil
		case m == nil || len(m.EXIF) == 0:
			p.PathWhy = "--autorotate: the PNG has no eXIf before its pixel data, so its orientation is known only at its end"
			return false, nil
		}
	}
	h := Header{C: rr.C, H: rr.H, W: rr.W, Image: rr.Kind == tensorio.KindImage, Depth: rr.Depth, Alpha: rr.Alpha, Format: rr.Format}
	if r.Gray {
		if c, err := levels.GrayChannels(h.C); err == nil {
			h.C = c // grey, or grey and alpha
		}
	}
	// An input within --max-pixels keeps the whole-image path's limits on
	// its padded and output planes; one past it (which only streaming can
	// take) may grow by padding to twice its own size.
	limit := env.MaxPixels
	if n := int64(rr.H) * int64(rr.W); limit > 0 && n > limit {
		limit = 2 * n
	}
	if err := p.Resolve(h, Limits{MaxPixels: limit, MaxMACs: env.MaxMACs}); err != nil {
		return true, err
	}
	k, pp := p.Kernel, p.Params
	// Image samples are finite, so a large kernel streams by FFT too.
	opts := stream.Options{Kernel: k, Params: pp, Method: p.Method, Gray: r.Gray,
		Scale: p.Scale, Offset: p.Offset, Abs: r.Abs, MaxWindow: env.MaxPixels,
		Finite: rr.Kind == tensorio.KindImage}
	if rr.Alpha {
		opts.Alpha, opts.MaxAlpha = stream.KeepAlpha, levels.SampleMax(rr.Depth)
		if p.Alpha == imgconv.Convolve { // the rule by kernel kind (PlanConv)
			opts.Alpha = stream.ConvolveAlpha
		}
	}
	opts.AnchorY, opts.AnchorX = p.anchor()
	plan, err := stream.NewPlan(rr.C, rr.H, rr.W, opts)
	if errors.Is(err, stream.ErrWhole) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("%s: %w", r.Input, err)
	}
	spec := tensorio.RowSpec{C: plan.OC, H: plan.HO, W: plan.WO, Format: rr.Format, Rank: rr.Rank, Depth: rr.Depth}
	if !env.Strip {
		spec.Meta = rr.Meta
	}
	w, err := tensorio.CreateRows(r.Output, spec,
		tensorio.WriteOptions{Format: r.Format, Stdout: env.Stdout, PNGLevel: r.PNGLevel})
	if errors.Is(err, tensorio.ErrNotRows) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	p.Path = Stream
	bar := progressBar(env, "conv")
	if bar != nil {
		plan.SetProgress(bar.Update)
	}
	err = plan.Run(rr, w)
	bar.Finish() // erased before anything else reaches stderr
	if err == nil {
		err = w.Close()
	} else {
		w.Abort()
	}
	if err != nil {
		return true, err
	}
	// Reading, filtering and writing overlap: the time is all compute.
	res.Compute = time.Since(t0)
	p.report = conv.Report{Method: plan.Method, Reason: plan.Reason, Compute: res.Compute}
	// The file as read (before --gray), and the input as filtered: the
	// metadata is all read now, text after the pixel data too.
	meta := rr.Meta()
	p.read = fileFacts{shape: &tensor.Tensor{C: rr.C, H: rr.H, W: rr.W},
		desc: tensorio.Describe(&tensorio.Data{T: &tensor.Tensor{C: rr.C, H: rr.H, W: rr.W}, Format: rr.Format, Depth: rr.Depth, Alpha: rr.Alpha, Meta: meta}),
		meta: meta != nil}
	in := &tensorio.Data{T: &tensor.Tensor{C: plan.OC, H: rr.H, W: rr.W}, Format: rr.Format, Depth: rr.Depth, Alpha: rr.Alpha, Meta: meta}
	out := &tensor.Tensor{C: plan.OC, H: plan.HO, W: plan.WO}
	res.Summary = p.Summary(in, out, plan.Method)
	if f, err := tensorio.OutputFormat(r.Output, r.Format, rr.Format); err == nil {
		p.addMetaNote(res, env, f, &tensorio.Data{T: out, Format: rr.Format, Meta: meta})
	}
	p.addPath(res)
	res.Summary.AddJSON("compute_ms", summary.Millis(res.Compute))
	return true, nil
}

// anchor is the kernel element over the output pixel, which --alpha keep
// carries alpha from: the centre as written, turned with the kernel under
// --flip (for an even size the larger half then comes first), or
// ImageMagick's +X+Y.
func (p *ConvPlan) anchor() (int, int) {
	k := p.Kernel
	ay, ax := k.Anchor()
	if p.Req.Flip && !k.HasOrigin {
		ay, ax = k.H-1-ay, k.W-1-ax
	}
	return ay, ax
}

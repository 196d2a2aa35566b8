package main

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/stream"
	"github.com/convtool/convtool/internal/tensorio"
)

// canStream reports whether the flags allow the streaming path: one 2-D
// kernel, no global step (--rescale needs the whole result's range), no
// transposed convolution, no --explain.
func (o *convOptions) canStream() bool {
	return !o.NoStream && !o.Transpose && !o.Rescale && !o.Explain && o.OutDir == ""
}

// pngLevel is --compression as img.EncodeOptions.PNGLevel wants it.
func (o *convOptions) pngLevel() int {
	if o.Compression == 0 {
		return img.NoPNGCompression
	}
	return o.Compression
}

// runConvStream runs the job row by row (internal/stream) when the input,
// the filter and the output allow it, and reports whether it did: when it
// returns false nothing has been consumed or written and the whole-image
// path runs instead. The output bytes are the same either way.
func runConvStream(o *convOptions, p conv.Params, kf kernelFacts) (bool, error) {
	r, err := tensorio.OpenRows(o.Input, tensorio.ReadOptions{Stdin: o.io.In, MaxPixels: o.g.MaxPixels})
	if errors.Is(err, tensorio.ErrNotRows) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	defer r.Close()
	s := newSummary("conv")
	if p.Edge, err = o.edge(r.Kind); err != nil {
		return true, err
	}
	k := kf.k2
	originY, originX := -1, -1
	if k.HasOrigin {
		originY, originX = k.OriginY, k.OriginX
	}
	padDesc, err := resolvePadding(o, &p, r.H, r.W, k.H, k.W, originY, originX)
	if err != nil {
		return true, err
	}
	// --max-pixels bounds memory, which rows do not hold; but a padding or
	// dilation that makes the work far larger than the input is refused
	// as on the whole-image path.
	limit := o.g.MaxPixels
	if limit > 0 {
		limit = max(limit, 2*int64(r.H)*int64(r.W))
	}
	if err := checkWorkSize(r.H, r.W, k.H, k.W, p, limit); err != nil {
		return true, fmt.Errorf("%s: %w", o.Input, err)
	}
	opts := stream.Options{Kernel: k, Params: p, Method: conv.Method(o.Method), Gray: o.Gray,
		Scale: kf.scale, Offset: kf.offset, Abs: o.Abs, MaxWindow: o.g.MaxPixels}
	if r.Alpha {
		opts.Alpha, opts.MaxAlpha = stream.KeepAlpha, sampleMax(r.Depth)
		if o.Alpha == "convolve" {
			opts.Alpha = stream.ConvolveAlpha
		}
	}
	// The anchor alpha is carried from, as filterImage finds it.
	opts.AnchorY, opts.AnchorX = k.Anchor()
	if o.Flip && !k.HasOrigin {
		opts.AnchorY, opts.AnchorX = k.H-1-opts.AnchorY, k.W-1-opts.AnchorX
	}
	plan, err := stream.NewPlan(r.C, r.H, r.W, opts)
	if errors.Is(err, stream.ErrWhole) {
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("%s: %w", o.Input, err)
	}
	w, err := tensorio.CreateRows(o.Output,
		tensorio.RowSpec{C: plan.OC, H: plan.HO, W: plan.WO, Format: r.Format, Rank: r.Rank, Depth: r.Depth},
		tensorio.WriteOptions{Format: o.Format, Stdout: o.io.Out, PNGLevel: o.pngLevel()})
	if errors.Is(err, tensorio.ErrNotRows) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	var bar *progress.Bar // nil (silent) unless stderr is a terminal
	if o.io.ErrIsTerminal && !o.g.Quiet {
		bar = progress.New(o.io.ErrOut, "conv", progressDelay)
		plan.SetProgress(bar.Update)
	}
	err = plan.Run(r, w)
	bar.Finish() // erased before anything else reaches stderr
	if err != nil {
		w.Abort()
		if errors.Is(err, syscall.EPIPE) {
			return true, errBrokenPipe
		}
		return true, err
	}
	if err := w.Close(); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			return true, errBrokenPipe
		}
		return true, err
	}
	s.add("input", dataFacts{File: o.Input, C: r.C, H: r.H, W: r.W})
	if o.Gray {
		s.vals["input"] = dataFacts{File: o.Input, C: plan.OC, H: r.H, W: r.W}
	}
	s.add("output", dataFacts{File: o.Output, C: plan.OC, H: plan.HO, W: plan.WO})
	s.add("path", "stream")
	o.describe(s, kf, p, padDesc, conv.Method(o.Method), plan.Method, func() string { return whyNot(conv.Method(o.Method), k, nil) })
	return true, s.print(o.io, o.g, o.Output)
}

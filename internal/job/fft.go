package job

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// FFTRequest is what the user asked of `convtool fft`.
type FFTRequest struct {
	Input, Output string
	// Filter is lowpass:R, highpass:R or bandpass:R1:R2, or "" for the
	// spectrum; Shape is its profile.
	Filter, Shape string
	// ShapeSet says --shape was given (it needs --filter).
	ShapeSet bool
	Format   string
	// Plot, if set, is where the input's spectrum is drawn with frequency
	// axes, a colour bar and the filter's radii.
	Plot string
	// With a filter, the signed result is post-processed as conv's:
	// Offset (when not nil) added, then Abs, then Rescale (min..max onto
	// the output's sample range, 0..1 for numbers).
	Offset       *float64
	Abs, Rescale bool
}

// PlanFFT parses the filter, if any: nil means the spectrum is wanted.
func PlanFFT(r FFTRequest) (*fft.Filter, error) {
	if r.Plot != "" {
		if err := CheckPicturePath(r.Plot, ""); err != nil {
			return nil, Usagef("--plot: %v", err)
		}
	}
	if r.Filter == "" {
		if r.ShapeSet {
			return nil, Usagef("--shape applies to --filter only")
		}
		if r.Offset != nil || r.Abs || r.Rescale {
			return nil, Usagef("--offset, --abs and --rescale apply to --filter only (the spectrum is a magnitude, already scaled for images)")
		}
		return nil, CheckOutputPath(r.Output, r.Format)
	}
	f, err := fft.ParseFilter(r.Filter, r.Shape)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	return &f, CheckOutputPath(r.Output, r.Format)
}

// FFT writes the input's centred magnitude spectrum (log-scaled for an
// image) or, with filter, the input filtered in the frequency domain, and
// prints the summary.
func FFT(r FFTRequest, filter *fft.Filter, env *Env) error {
	start := time.Now()
	in, err := env.Read(r.Input)
	if err != nil {
		return err
	}
	format, err := tensorio.OutputFormat(r.Output, r.Format, in.Format)
	if err != nil {
		return Usagef("%v", err)
	}
	// Alpha is coverage, not signal: it is neither transformed nor filtered.
	colour := in.T
	if in.Alpha && in.T.C > 1 {
		colour, _ = tensor.FromData(in.T.C-1, in.T.H, in.T.W, in.T.Data[:(in.T.C-1)*in.T.H*in.T.W])
	}
	sum := summary.New("fft")
	if r.Plot != "" {
		if err := env.writeSpectrumPlot(r.Plot, colour, filter, filepath.Base(r.Input)); err != nil {
			return err
		}
		sum.Add("plot", r.Plot)
	}
	res := *in
	bar := progressBar(env, "fft")
	var tell func(done, total int)
	if bar != nil {
		tell = bar.Update
	}
	if filter != nil {
		out := filter.ApplyProgress(colour, tell)
		bar.Finish()
		hi := 1.0
		if tensorio.KindOf(format) == tensorio.KindImage {
			hi = levels.SampleMax(in.Depth)
		}
		offset := 0.0
		if r.Offset != nil {
			offset = *r.Offset
			sum.Add("offset", offset)
		}
		levels.Post(out, out.C, 1, offset, r.Abs, r.Rescale, hi)
		if r.Abs {
			sum.Add("abs", true)
		}
		if r.Rescale {
			sum.Add("rescale", fmt.Sprintf("min..max → 0..%g", hi))
		}
		if colour != in.T {
			full := in.T.Clone()
			copy(full.Data, out.Data)
			out = full
		}
		res.T = out
		sum.Add("filter", filter.String())
	} else {
		mag := fft.SpectrumProgress(colour, tell)
		bar.Finish()
		res.T, res.Alpha = mag, false
		if tensorio.KindOf(format) == tensorio.KindImage {
			top := levels.SampleMax(in.Depth)
			fft.LogScale(mag, top)
			sum.Add("spectrum", fmt.Sprintf("log(1+|F|), max→%g", top))
		} else {
			sum.Add("spectrum", "|F|")
		}
	}
	flattened := env.Flatten(r.Output, r.Format, &res)
	if err := env.Write(r.Output, &res, r.Format); err != nil {
		return err
	}
	if flattened != "" {
		sum.Add("alpha", flattened)
	}
	sum.Data("input", r.Input, in.T).Data("output", r.Output, res.T)
	if desc := tensorio.Describe(in); desc != "" {
		sum.Add("read", desc)
	}
	return env.Print(sum, r.Output, start)
}

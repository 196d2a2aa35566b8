package main

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/progress"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// fftOptions is everything `fft` needs.
type fftOptions struct {
	IO *streams
	G  *globalOptions

	Input, Output string
	Filter        string
	Shape         string
	Format        string
	Offset        float64
	Abs, Rescale  bool
	offsetSet     bool

	filter *fft.Filter // set by validate when --filter is given
}

func newCmdFFT(io *streams, g *globalOptions) *cobra.Command {
	return newCmdFFTWith(io, g, nil)
}

// newCmdFFTWith lets tests check flag parsing without running the work.
func newCmdFFTWith(io *streams, g *globalOptions, runF func(*fftOptions) error) *cobra.Command {
	opts := &fftOptions{IO: io, G: g}
	cmd := &cobra.Command{
		Use:   "fft INPUT OUTPUT",
		Short: "Show the centred magnitude spectrum, or filter in the frequency domain",
		Long: `Without --filter, write the centred magnitude spectrum |fftshift(fft2(x))| of
every channel of INPUT (numpy's np.abs(np.fft.fftshift(np.fft.fft2(x)))), at the
input's exact size: the zero frequency sits at row H/2, column W/2 (integer
halves). To .npy (or .csv, .txt, .mat) it is the raw magnitude in float32; to an
image it is log(1+|F|), scaled per channel so that its maximum is the top of the
sample range (255, or 65535 for a 16-bit input). An alpha channel is left out.

With --filter, write INPUT filtered in the frequency domain instead (the
convolution theorem: multiplying the spectrum is convolving the image), in the
same form as the input; images are rounded and clamped to their sample range,
alpha passes through untouched. D is a frequency's distance from the centre of
the shifted spectrum, sqrt((u−H/2)² + (v−W/2)²), in frequency bins:

  --filter lowpass:R       keep low frequencies (blur)
  --filter highpass:R      1 − lowpass: keep edges and detail
  --filter bandpass:R1:R2  keep R1 ≤ D ≤ R2

  --shape ideal            lowpass gain 1 where D ≤ R, else 0 (rings)
  --shape gaussian         exp(−D²/2R²)
  --shape butterworth[:N]  1/(1 + (D/R)^(2N)), order N (default 2)

A smooth bandpass is lowpass(R2) · highpass(R1). The gain is applied to the
spectrum at the exact size (no padding: the image is treated as periodic) and
the real part of the inverse transform is kept. A highpass or bandpass result
is signed (it has no DC term): as with conv, --offset O adds O (128 shows it
as mid-grey), --abs takes |x|, --rescale maps min..max onto the output's
sample range; otherwise an image clamps negative values to 0.`,
		Example: `  convtool fft photo.png spectrum.png
  convtool fft matrix.npy magnitude.npy
  convtool fft photo.png blurred.png --filter lowpass:30 --shape gaussian
  convtool fft photo.png edges.png --filter highpass:10 --shape butterworth:4`,
		Args: exactArgs(2, "INPUT", "OUTPUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input, opts.Output = args[0], args[1]
			opts.offsetSet = cmd.Flags().Changed("offset")
			if err := opts.validate(cmd.Flags().Changed("shape")); err != nil {
				return err
			}
			if err := checkOutputPath(opts.Output, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runFFT(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Filter, "filter", "", "lowpass:R, highpass:R or bandpass:R1:R2 (radii in frequency bins)")
	f.StringVar(&opts.Shape, "shape", "ideal", "filter profile: ideal, gaussian or butterworth[:N]")
	f.StringVar(&opts.Format, "format", "", "output format for - (png, npy, csv, txt, …); default: the input's")
	f.Float64Var(&opts.Offset, "offset", 0, "with --filter: add O to the result (128: a signed highpass as mid-grey)")
	f.BoolVar(&opts.Abs, "abs", false, "with --filter: take the absolute value of the result")
	f.BoolVar(&opts.Rescale, "rescale", false, "with --filter: map the result's min..max onto the output range")
	return cmd
}

// validate parses --filter and --shape.
func (o *fftOptions) validate(shapeChanged bool) error {
	if o.Filter == "" {
		if shapeChanged {
			return usageErrorf("--shape applies to --filter only")
		}
		if o.offsetSet || o.Abs || o.Rescale {
			return usageErrorf("--offset, --abs and --rescale apply to --filter only (the spectrum is a magnitude, already scaled for images)")
		}
		return nil
	}
	f, err := fft.ParseFilter(o.Filter, o.Shape)
	if err != nil {
		return usageErrorf("%v", err)
	}
	o.filter = &f
	return nil
}

func runFFT(o *fftOptions) error {
	in, err := readData(o.IO, o.G, o.Input)
	if err != nil {
		return err
	}
	format, err := tensorio.OutputFormat(o.Output, o.Format, in.Format)
	if err != nil {
		return usageErrorf("%v", err)
	}
	toImage := tensorio.KindOf(format) == tensorio.KindImage

	// Alpha is coverage, not signal: it is neither transformed nor filtered.
	colour := in.T
	if in.Alpha && in.T.C > 1 {
		colour, _ = tensor.FromData(in.T.C-1, in.T.H, in.T.W, in.T.Data[:(in.T.C-1)*in.T.H*in.T.W])
	}
	sum := newSummary("fft")
	res := *in
	var bar *progress.Bar // nil (silent) unless stderr is a terminal
	var tell func(done, total int)
	if o.IO.ErrIsTerminal && !o.G.Quiet {
		bar = progress.New(o.IO.ErrOut, "fft", progressDelay)
		tell = bar.Update
	}
	if o.filter != nil {
		out := o.filter.ApplyProgress(colour, tell)
		bar.Finish()
		hi := 1.0
		if toImage {
			hi = 255
			if in.Depth == 16 {
				hi = 65535
			}
		}
		applyPost(out, out.C, 1, o.Offset, o.Abs, o.Rescale, hi)
		if o.offsetSet {
			sum.add("offset", o.Offset)
		}
		if o.Abs {
			sum.add("abs", true)
		}
		if o.Rescale {
			sum.add("rescale", fmt.Sprintf("min..max → 0..%g", hi))
		}
		if colour != in.T {
			full := in.T.Clone()
			copy(full.Data, out.Data)
			out = full
		}
		res.T = out
		sum.add("filter", o.filter.String())
	} else {
		mag := fft.SpectrumProgress(colour, tell)
		bar.Finish()
		res.T, res.Alpha = mag, false
		if toImage {
			top := 255.0
			if in.Depth == 16 {
				top = 65535
			}
			logScale(mag, top)
			sum.add("spectrum", fmt.Sprintf("log(1+|F|), max→%g", top))
		} else {
			sum.add("spectrum", "|F|")
		}
	}
	flattened, err := writeOutput(o.IO, o.G, o.Output, &res, o.Format)
	if err != nil {
		return err
	}
	if flattened != "" {
		sum.add("alpha", flattened)
	}
	sum.data("input", o.Input, in.T).data("output", o.Output, res.T)
	return sum.print(o.IO, o.G, o.Output)
}

// logScale replaces every value v of t by log(1+v), scaled per channel so
// that the channel's largest value becomes top (an all-zero channel stays
// zero). The logarithm makes the spectrum's tail visible beside its DC term,
// which is larger by orders of magnitude.
func logScale(t *tensor.Tensor, top float64) {
	for c := range t.C {
		pl := t.Plane(c)
		var peak float64
		for _, v := range pl {
			peak = max(peak, math.Log1p(float64(v)))
		}
		s := 0.0
		if peak > 0 {
			s = top / peak
		}
		for i, v := range pl {
			pl[i] = float32(math.Log1p(float64(v)) * s)
		}
	}
}

// kernelResponseSide is the smallest side of `kernel show --spectrum`'s
// picture: large enough to show a 3×3 kernel's response smoothly.
const kernelResponseSide = 256

// writeKernelResponse draws k's centred frequency response |H| (linear:
// it is the gain each frequency gets) to path as an 8-bit image scaled so
// that the largest gain is 255, on a square of max(256, 4·kernel) samples, fine enough to read.
func writeKernelResponse(io *streams, k *kernel.Kernel, path string) error {
	n := max(kernelResponseSide, 4*max(k.H, k.W))
	r := fft.KernelResponse(k, n, n)
	_, peak := r.MinMax()
	if peak > 0 {
		for i, v := range r.Data {
			r.Data[i] = v / peak * 255
		}
	}
	format, err := tensorio.FormatOf(path)
	if err != nil || tensorio.KindOf(format) != tensorio.KindImage {
		format = "png"
	}
	d := &tensorio.Data{T: r, Kind: tensorio.KindImage, Format: format, Rank: 3, Depth: 8}
	return writeData(io, path, d, format)
}

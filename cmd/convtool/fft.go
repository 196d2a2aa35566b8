package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/job"
)

// fftOptions is everything `fft` needs.
type fftOptions struct {
	Req job.FFTRequest

	filter *fft.Filter // set once the flags are checked, when --filter is given
	offset float64     // --offset, copied into Req.Offset when given
}

func newCmdFFT(io *streams, g *globalOptions) *cobra.Command {
	return newCmdFFTWith(io, g, nil)
}

// newCmdFFTWith lets tests check flag parsing without running the work.
func newCmdFFTWith(io *streams, g *globalOptions, runF func(*fftOptions) error) *cobra.Command {
	opts := &fftOptions{}
	r := &opts.Req
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
			r.Input, r.Output, r.ShapeSet = args[0], args[1], cmd.Flags().Changed("shape")
			if cmd.Flags().Changed("offset") {
				r.Offset = &opts.offset
			}
			var err error
			if opts.filter, err = job.PlanFFT(*r); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return job.FFT(*r, opts.filter, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Filter, "filter", "", "lowpass:R, highpass:R or bandpass:R1:R2 (radii in frequency bins)")
	f.StringVar(&r.Shape, "shape", "ideal", "filter profile: ideal, gaussian or butterworth[:N]")
	f.StringVar(&r.Format, "format", "", "output format for - (png, npy, csv, txt, …); default: the input's")
	f.Float64Var(&opts.offset, "offset", 0, "with --filter: add O to the result (128: a signed highpass as mid-grey)")
	f.BoolVar(&r.Abs, "abs", false, "with --filter: take the absolute value of the result")
	f.BoolVar(&r.Rescale, "rescale", false, "with --filter: map the result's min..max onto the output range")
	f.StringVar(&r.Plot, "plot", "", "also draw the input's spectrum log(1+|F|) (mean over colour channels) with frequency axes, a colour bar and the filter's radii, to `FILE`")
	return cmd
}

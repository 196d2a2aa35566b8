package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

// signalOptions is everything `signal` needs.
type signalOptions struct {
	Req  job.SignalRequest
	plan *job.SignalPlan // set once the flags are checked
}

func newCmdSignal(io *streams, g *globalOptions) *cobra.Command {
	return newCmdSignalWith(io, g, nil)
}

// newCmdSignalWith lets tests check flag parsing without running the work.
func newCmdSignalWith(io *streams, g *globalOptions, runF func(*signalOptions) error) *cobra.Command {
	opts := &signalOptions{Req: job.SignalRequest{Mode: "full", Method: "auto"}}
	r := &opts.Req
	cmd := &cobra.Command{
		Use:   "signal INPUT OUTPUT -k KERNEL",
		Short: "Convolve a 1-D signal, as numpy.convolve does",
		Long: `Convolve the 1-D signal INPUT with KERNEL and write OUTPUT, with the semantics
of numpy.convolve(input, kernel, mode): true convolution (the kernel is
reversed), and when the kernel is longer than the signal the two swap roles,
as numpy swaps them. With n the longer length and m the shorter:

  --mode full   n+m−1 values: every overlap (numpy's default)
  --mode same   n values, centred: full[(m−1)/2 : (m−1)/2+n]
  --mode valid  n−m+1 values where the two overlap completely

INPUT and a KERNEL file may be a 1-D .npy (or a 2-D one with one row or one
column), a CSV or text file of one row or one column, or - for stdin (one of
the two at most). KERNEL may also be given inline: "1 2 1" or "1,2,1".

OUTPUT: .npy gets a 1-D float32 array; .csv, .txt (and .mat) get one value per
line. For - the format is --format, else the input's.

--method direct sums products (in float64); --method fft multiplies spectra
(real FFT of a fast size ≥ n+m−1); auto picks the faster by a cost model
measured on this code: direct for short kernels at any length, fft once the
kernel is long (m ≳ 100 measured, whatever the signal's length). Both agree to float32
precision.`,
		Example: `  convtool signal x.npy y.npy -k "1 2 1" --mode same
  convtool signal samples.csv smooth.csv -k box.npy --method fft
  seq 10 | convtool signal - - -k "1,-1" --mode valid --format txt`,
		Args: exactArgs(2, "INPUT", "OUTPUT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Input, r.Output = args[0], args[1]
			var err error
			if opts.plan, err = job.PlanSignal(*r); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return job.Signal(opts.plan, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVarP(&r.Kernel, "kernel", "k", "", `kernel: a file (.npy, .csv, .txt), - for stdin, or inline "1 2 1" / "1,2,1"`)
	f.Var(newEnum(&r.Mode, []string{"full", "same", "valid"}, nil), "mode", "full, same or valid, as numpy.convolve")
	f.Var(newEnum(&r.Method, []string{"auto", "direct", "fft"}, nil), "method", "auto, direct or fft")
	f.StringVar(&r.Format, "format", "", "output format for - (npy, csv, txt); default: the input's")
	return cmd
}

package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/signal"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// signalOptions is everything `signal` needs.
type signalOptions struct {
	IO *streams
	G  *globalOptions

	Input, Output string
	Kernel        string
	Mode          string
	Method        string
	Format        string

	mode   signal.Mode
	method signal.Method
}

func newCmdSignal(io *streams, g *globalOptions) *cobra.Command {
	return newCmdSignalWith(io, g, nil)
}

// newCmdSignalWith lets tests check flag parsing without running the work.
func newCmdSignalWith(io *streams, g *globalOptions, runF func(*signalOptions) error) *cobra.Command {
	opts := &signalOptions{IO: io, G: g, Mode: "full", Method: "auto"}
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
			opts.Input, opts.Output = args[0], args[1]
			if err := opts.validate(); err != nil {
				return err
			}
			if err := checkOutputPath(opts.Output, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runSignal(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Kernel, "kernel", "k", "", `kernel: a file (.npy, .csv, .txt), - for stdin, or inline "1 2 1" / "1,2,1"`)
	f.Var(newEnum(&opts.Mode, []string{"full", "same", "valid"}, nil), "mode", "full, same or valid, as numpy.convolve")
	f.Var(newEnum(&opts.Method, []string{"auto", "direct", "fft"}, nil), "method", "auto, direct or fft")
	f.StringVar(&opts.Format, "format", "", "output format for - (npy, csv, txt); default: the input's")
	return cmd
}

// validate checks the flags against each other and parses them.
func (o *signalOptions) validate() error {
	if o.Kernel == "" {
		return usageErrorf("signal needs a kernel: -k \"1 2 1\" or -k FILE")
	}
	if o.Kernel == "-" && o.Input == "-" {
		return usageErrorf("the signal and the kernel cannot both come from stdin")
	}
	var err error
	if o.mode, err = signal.ParseMode(o.Mode); err != nil {
		return usageErrorf("--mode: %v", err)
	}
	if o.method, err = signal.ParseMethod(o.Method); err != nil {
		return usageErrorf("--method: %v", err)
	}
	return nil
}

func runSignal(o *signalOptions) error {
	x, in, err := readSignal(o.IO, o.G, o.Input)
	if err != nil {
		return err
	}
	k, kname, err := readKernelSignal(o.IO, o.G, o.Kernel)
	if err != nil {
		return err
	}
	format, err := tensorio.OutputFormat(o.Output, o.Format, in.Format)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if tensorio.KindOf(format) == tensorio.KindImage {
		return usageErrorf("%s: a signal is written as .npy, .csv or .txt, not %s", o.Output, format)
	}

	y, used, err := signal.Convolve(nil, x, k, o.mode, o.method)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Input, err)
	}
	out := &tensorio.Data{Kind: tensorio.KindOf(format), Format: format}
	if out.Kind == tensorio.KindNPY {
		out.T, out.Rank = &tensor.Tensor{C: 1, H: 1, W: len(y), Data: y}, 1
	} else {
		out.T, out.Rank = &tensor.Tensor{C: 1, H: len(y), W: 1, Data: y}, 2 // one value per line
	}
	if err := writeData(o.IO, o.Output, out, format); err != nil {
		return err
	}
	return newSummary("signal").
		data("input", o.Input, tensor1D(x)).add("kernel", kname).add("mode", o.mode.String()).
		add("method", string(used)).data("output", o.Output, tensor1D(y)).
		print(o.IO, o.G, o.Output)
}

// readSignal loads path as a 1-D signal: a 1-D .npy, or any single row or
// single column of one channel.
func readSignal(io *streams, g *globalOptions, path string) ([]float32, *tensorio.Data, error) {
	d, err := readData(io, g, path)
	if err != nil {
		return nil, nil, err
	}
	t := d.T
	if t.C != 1 || (t.H != 1 && t.W != 1) {
		name := path
		if path == "-" {
			name = "stdin"
		}
		return nil, nil, fmt.Errorf("%s: a %s tensor is not a 1-D signal (want a 1-D .npy, one row or one column)", name, t.Shape())
	}
	if len(t.Data) == 0 {
		return nil, nil, fmt.Errorf("%s: the signal is empty", path)
	}
	return t.Data, d, nil
}

// readKernelSignal loads the kernel: an existing file or -, else an
// inline list of numbers separated by spaces or commas. It returns the
// kernel and how the summary names it.
func readKernelSignal(io *streams, g *globalOptions, spec string) ([]float32, string, error) {
	if spec != "-" {
		if _, statErr := os.Stat(spec); statErr != nil {
			if k, ok := parseInlineSignal(spec); ok {
				return k, fmt.Sprintf("%q (%d taps)", spec, len(k)), nil
			}
			return nil, "", fmt.Errorf("kernel %q is neither a file nor a list of numbers such as \"1 2 1\"", spec)
		}
	}
	k, _, err := readSignal(io, g, spec)
	if err != nil {
		return nil, "", err
	}
	return k, fmt.Sprintf("%s (%d taps)", spec, len(k)), nil
}

// parseInlineSignal reads "1 2 1", "1,2,1" or "1, 2, 1".
func parseInlineSignal(s string) ([]float32, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return nil, false
	}
	k := make([]float32, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		k[i] = float32(v)
	}
	return k, true
}

// tensor1D views a signal as the (1, 1, N) tensor convtool's summaries and
// writers speak.
func tensor1D(x []float32) *tensor.Tensor { return &tensor.Tensor{C: 1, H: 1, W: len(x), Data: x} }

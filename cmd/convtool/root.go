package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

// streams is the command's I/O: tests pass buffers, main passes the process's.
type streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// ErrIsTerminal is true when stderr is a terminal: only then may a
	// progress bar be drawn.
	ErrIsTerminal bool
}

func defaultStreams() *streams {
	return &streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, ErrIsTerminal: isTerminal(os.Stderr)}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// usageError marks an error in the command line itself: exit status 2.
// The jobs return the same type for requests that cannot work.
type usageError = job.UsageError

// usageErrorf returns a usageError.
var usageErrorf = job.Usagef

// globalOptions are the flags every command shares.
type globalOptions struct {
	Quiet     bool
	JSON      bool
	MaxPixels int64
	MaxMACs   int64
	// Image output: JPEG quality, the background alpha is flattened
	// against where the format has no alpha.
	Quality    int
	Background []float64
	// Metadata: --strip drops it on output, --autorotate applies the EXIF
	// orientation on input.
	Strip, Autorotate bool
}

// defaultMaxPixels admits a 16k×16k scan (268 Mpx) and refuses headers
// claiming more, before any pixel is decoded.
const defaultMaxPixels = 1 << 28

const exitCodesHelp = `Exit status: 0 success; 1 bad input, impossible geometry or an I/O failure
(one line on stderr names the file and the problem, and no output file is
written); 2 a usage error (unknown flag, bad flag value, wrong arguments).
A reader that goes away (| head) ends convtool silently, as it ends cat:
by SIGPIPE, status 141 in the shell. On SIGINT, SIGTERM or SIGHUP the
temporary output is removed and convtool dies by the signal (130, 143, 129);
SIGQUIT exits 131. Once the output is written the status is 0, even if the
summary cannot be (that is one line on stderr).

Limits and hostile input: every size is computed in checked 64-bit
arithmetic (a size that does not fit is an error, exit 1); --max-pixels
bounds image headers, padded inputs and outputs, --max-macs the work
(multiply-adds), both checked from the header before any pixel is decoded;
stdin is read within 8 bytes a --max-pixels pixel plus 1 MiB. Parameters
(--scale, --offset, bias, kernels, a .mat header) must be finite; data may
hold NaN and inf, but a finite number beyond float32 (1e39) is refused. A
file OUTPUT needs an extension or --format; -, /dev/stdout and other devices
take --format or the input's format. New outputs honour the umask; a
dangling symlink is written through. See the README, "Limits and hostile
input".`

func newRootCmd(io *streams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "convtool",
		Short: "Convolve, pool and reason about convolutions",
		Long: `convtool convolves images and matrices (conv), pools them (pool), computes
the shapes, parameters, MACs and receptive fields of layers and networks
(shape), shows spectra and filters in the frequency domain (fft), convolves
1-D signals (signal) and prints and draws kernels (kernel).

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	pf := root.PersistentFlags()
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "do not print the one-line summary on stderr")
	pf.BoolVar(&g.JSON, "json", false, "print the summary (or result) as JSON on stdout")
	pf.Int64Var(&g.MaxPixels, "max-pixels", defaultMaxPixels, "refuse images whose header claims more pixels than this, and outputs or padded inputs with more samples a channel (default 2^28: a 16384x16384 scan); conv's streaming path holds rows, so there it bounds the window and the inflate ratio of larger PNGs (see conv --help)")
	pf.Int64Var(&g.MaxMACs, "max-macs", job.DefaultMaxMACs, "refuse a conv, pool or direct signal whose work, known from the input's header, is more multiply-adds (pool: window reads) than this; 0: no limit (default 10^12: minutes of direct convolution on 2 cores; see the README)")
	pf.Var(&qualityFlag{&g.Quality}, "quality", "JPEG quality 1..100, as libvips' Q")
	pf.Var(&backgroundFlag{&g.Background}, "background", "R,G,B or V (0..255): what alpha is flattened against when the output format has none (JPEG, BMP, PGM/PPM, PFM); default 0, black, as libvips")
	pf.BoolVar(&g.Strip, "strip", false, "write no metadata (EXIF, ICC profile, XMP, PNG text/gAMA/sRGB/pHYs), which is otherwise kept where the output format holds it (vips --strip, convert -strip)")
	pf.BoolVar(&g.Autorotate, "autorotate", false, "turn an image upright by its EXIF orientation before the work, and reset the tag to 1 (vips autorot); conv then streams a PNG only when an eXIf before its pixel data says it is upright")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{Msg: err.Error()}
	})
	root.AddCommand(
		newCmdConv(io, g),
		newCmdKernel(io, g),
		newCmdPool(io, g),
		newCmdShape(io, g),
		newCmdNet(io, g),
		newCmdFFT(io, g),
		newCmdSignal(io, g),
		newCmdShow(io, g),
		newCmdShift(io, g),
	)
	return root
}

// exactArgs is cobra.ExactArgs with a usage error, so that main exits 2.
func exactArgs(n int, names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %d arguments (%s), got %d", cmd.CommandPath(), n, strings.Join(names, " "), len(args))
		}
		return nil
	}
}

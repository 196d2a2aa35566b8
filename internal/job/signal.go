package job

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/signal"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// SignalRequest is what the user asked of `convtool signal`.
type SignalRequest struct {
	Input, Output string
	// Kernel is a file, "-", or numbers inline ("1 2 1", "1,2,1").
	Kernel       string
	Mode, Method string
	Format       string
}

// SignalPlan is a 1-D convolution with its words parsed.
type SignalPlan struct {
	Req    SignalRequest
	Mode   signal.Mode
	Method signal.Method
}

// PlanSignal checks the request and parses its mode and method.
func PlanSignal(r SignalRequest) (*SignalPlan, error) {
	if r.Kernel == "" {
		return nil, Usagef("signal needs a kernel: -k \"1 2 1\" or -k FILE")
	}
	if r.Kernel == "-" && r.Input == "-" {
		return nil, Usagef("the signal and the kernel cannot both come from stdin")
	}
	p := &SignalPlan{Req: r}
	var err error
	if p.Mode, err = signal.ParseMode(r.Mode); err != nil {
		return nil, Usagef("--mode: %v", err)
	}
	if p.Method, err = signal.ParseMethod(r.Method); err != nil {
		return nil, Usagef("--method: %v", err)
	}
	return p, CheckOutputPath(r.Output, r.Format)
}

// Signal runs the 1-D convolution job and prints its summary.
func Signal(p *SignalPlan, env *Env) error {
	r := p.Req
	start := time.Now()
	x, in, err := readSignal(env, r.Input)
	if err != nil {
		return err
	}
	k, kname, err := readKernelSignal(env, r.Kernel)
	if err != nil {
		return err
	}
	format, err := tensorio.OutputFormat(r.Output, r.Format, in.Format)
	if err != nil {
		return Usagef("%v", err)
	}
	if tensorio.KindOf(format) == tensorio.KindImage {
		return Usagef("%s: a signal is written as .npy, .csv or .txt, not %s", r.Output, format)
	}
	if m := p.Method; m == signal.Direct || (m == signal.Auto && signal.Choose(len(x), len(k), p.Mode) == signal.Direct) {
		// The direct sum costs len(x)·len(k) multiply-adds at most (fft,
		// which auto picks for long signals, N log N).
		if n := shape.ConvMACs(len(x), len(k), 1, 1, 1, 1, 1).Value; env.MaxMACs > 0 && n > env.MaxMACs {
			return fmt.Errorf("%s: the direct convolution would take %s multiply-adds, more than --max-macs %s: give --max-macs %d (or 0 for no limit), or --method fft", r.Input, shape.Thousands(n), shape.Thousands(env.MaxMACs), n)
		}
	}
	y, used, err := signal.Convolve(nil, x, k, p.Mode, p.Method)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Input, err)
	}
	out := &tensorio.Data{Format: format}
	if out.Kind() == tensorio.KindNPY {
		out.T, out.Rank = tensor1D(y), 1
	} else {
		out.T, out.Rank = &tensor.Tensor{C: 1, H: len(y), W: 1, Data: y}, 2 // one value per line
	}
	if err := env.Write(r.Output, out, format); err != nil {
		return err
	}
	sum := summary.New("signal").
		Data("input", r.Input, tensor1D(x)).Add("kernel", kname).Add("mode", p.Mode.String()).
		Add("method", string(used)).Data("output", r.Output, tensor1D(y))
	return env.Print(sum, r.Output, start)
}

// readSignal loads path as a 1-D signal: a 1-D .npy, or any single row or
// single column of one channel.
func readSignal(env *Env, path string) ([]float32, *tensorio.Data, error) {
	d, err := env.Read(path)
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

// readKernelSignal loads the kernel: an existing file or -, else an inline
// list of numbers separated by spaces or commas. It returns the kernel and
// how the summary names it.
func readKernelSignal(env *Env, spec string) ([]float32, string, error) {
	if spec != "-" {
		if _, statErr := os.Stat(spec); statErr != nil {
			if k, ok := parseInlineSignal(spec); ok {
				return k, fmt.Sprintf("%q (%d taps)", spec, len(k)), nil
			}
			return nil, "", fmt.Errorf("kernel %q is neither a file nor a list of numbers such as \"1 2 1\"", spec)
		}
	}
	k, _, err := readSignal(env, spec)
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

// tensor1D views a signal as the (1, 1, N) tensor summaries and writers
// speak.
func tensor1D(x []float32) *tensor.Tensor { return &tensor.Tensor{C: 1, H: 1, W: len(x), Data: x} }

package job

import (
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/equivar"
	"github.com/convtool/convtool/internal/mosaic"
	"github.com/convtool/convtool/internal/pool"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// ShiftRequest is what the user asked of `convtool shift`: measure how a
// convolution (Kernel) or a pooling (Pool) responds to a shifted input.
type ShiftRequest struct {
	Input, Picture string
	// By is the shift "DY,DX" (or "D").
	By string
	// Kernel, Stride, Padding, Dilation, Edge: a convolution, as conv
	// takes them.
	Kernel, Stride, Padding, Dilation, Edge string
	// Pool is max, avg or min (instead of a kernel), with Size; Stride
	// and Padding apply to it too.
	Pool, Size string
}

// Validate checks the request before the input is read.
func (r *ShiftRequest) Validate() error {
	if (r.Kernel == "") == (r.Pool == "") {
		return Usagef("shift measures one operator: give -k SPEC (a convolution) or --pool max|avg|min --size K")
	}
	if r.Pool != "" && r.Size == "" {
		return Usagef("--pool needs --size K")
	}
	if r.Kernel != "" && r.Size != "" {
		return Usagef("--size goes with --pool; a kernel has its own size")
	}
	if _, _, err := parseShift(r.By); err != nil {
		return err
	}
	if r.Picture != "" {
		return CheckPicturePath(r.Picture, "")
	}
	return nil
}

// Shift runs the measurement, prints its report (text, or JSON with
// --json) and draws the picture.
func Shift(r ShiftRequest, env *Env) error {
	start := time.Now()
	dy, dx, err := parseShift(r.By)
	if err != nil {
		return err
	}
	in, err := env.Read(r.Input)
	if err != nil {
		return err
	}
	if abs(dy) >= in.T.H || abs(dx) >= in.T.W {
		return Usagef("--by %d,%d: the shift moves the whole %dx%d input out of view", dy, dx, in.T.H, in.T.W)
	}
	op, desc, err := shiftOp(r, in)
	if err != nil {
		return err
	}
	rep, err := equivar.Measure(in.T, op, dy, dx)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Input, err)
	}
	if r.Picture != "" {
		if err := env.writeShiftPicture(r.Picture, rep, desc); err != nil {
			return err
		}
	}
	s := summary.New("shift").Data("input", r.Input, in.T).Add("op", desc).Add("by", fmt.Sprintf("%d,%d", dy, dx)).
		Add("interior", fmt.Sprintf("%dx%d", rep.Interior.Dy(), rep.Interior.Dx())).Add("unchanged", sig(rep.Unchanged)).
		Add("invariance", sig(rep.Invariance))
	if rep.Exact {
		s.Add("equivariance", sig(rep.Equivariance)).Add("equivariance_all", sig(rep.EquivarianceAll))
	}
	if env.JSON {
		return env.Print(s, r.Picture, start)
	}
	if err := writeShiftReport(env.Stdout, rep, desc); err != nil {
		return err
	}
	return env.Print(s, r.Picture, start)
}

func abs(v int) int { return max(v, -v) }

// sig rounds v to 6 significant digits for the summary (the distances
// come from float32 sums).
func sig(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64)
	return r
}

// parseShift reads --by "D" or "DY,DX", signed: positive moves the
// content down and right.
func parseShift(s string) (int, int, error) {
	parts := strings.Split(s, ",")
	if len(parts) > 2 {
		return 0, 0, Usagef("--by %q: want D or DY,DX (whole numbers, negative moves up or left)", s)
	}
	var v [2]int
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < math.MinInt32 || n > math.MaxInt32 {
			return 0, 0, Usagef("--by %q: want D or DY,DX (whole numbers, negative moves up or left)", s)
		}
		v[i] = n
	}
	if len(parts) == 1 {
		v[1] = v[0]
	}
	return v[0], v[1], nil
}

// shiftOp builds the operator: a convolution planned as conv plans it, or
// a pooling as pool does.
func shiftOp(r ShiftRequest, in *tensorio.Data) (equivar.Op, string, error) {
	if r.Pool != "" {
		pr := PoolRequest{Op: r.Pool, Size: r.Size, Stride: r.Stride, Padding: r.Padding, Dilation: r.Dilation, IncludePad: true}
		if pr.Padding == "" {
			pr.Padding = "0"
		}
		pl, err := PlanPool(pr)
		if err != nil {
			return equivar.Op{}, "", err
		}
		p := pl.Params
		desc := fmt.Sprintf("%s pool %dx%d, stride %d,%d, padding %d,%d", p.Op, p.KH, p.KW, p.SH, p.SW, p.PH, p.PW)
		return equivar.Op{Name: desc, Run: func(x *tensor.Tensor) (*tensor.Tensor, error) { return pool.Pool(x, p) },
			WY: equivar.Window{K: p.KH, S: p.SH, D: max(p.DH, 1), Pad: p.PH},
			WX: equivar.Window{K: p.KW, S: p.SW, D: max(p.DW, 1), Pad: p.PW}}, desc, nil
	}
	cr := ConvRequest{Input: r.Input, Kernel: r.Kernel, Stride: r.Stride, Dilation: r.Dilation, Padding: r.Padding,
		Edge: r.Edge, Groups: 1, Method: "direct", Alpha: "keep"}
	for _, f := range []*string{&cr.Stride, &cr.Dilation} {
		if *f == "" {
			*f = "1"
		}
	}
	if cr.Padding == "" {
		cr.Padding = "same"
	}
	p, err := PlanConv(cr)
	if err != nil {
		return equivar.Op{}, "", err
	}
	if err := p.Resolve(HeaderOf(in), Limits{}); err != nil {
		return equivar.Op{}, "", err
	}
	kh, kw := p.kernelSize()
	q := p.Params
	desc := fmt.Sprintf("conv %s, stride %d,%d, padding %s, dilation %d,%d, edge %s", p.kernelLabel(), q.StrideY, q.StrideX, p.PadDesc, q.DilY, q.DilX, q.Edge)
	run := func(x *tensor.Tensor) (*tensor.Tensor, error) {
		d := *in
		d.T = x
		out, _, err := p.Compute(&d, nil)
		return out, err
	}
	return equivar.Op{Name: desc, Run: run,
		WY: equivar.Window{K: kh, S: q.StrideY, D: q.DilY, Pad: q.Pad.Top},
		WX: equivar.Window{K: kw, S: q.StrideX, D: q.DilX, Pad: q.Pad.Left}}, desc, nil
}

// writeShiftReport prints what was measured, in the notes' words.
func writeShiftReport(w io.Writer, r *equivar.Report, desc string) error {
	in := r.Interior
	fmt.Fprintf(w, "shift %d,%d through %s\n", r.DY, r.DX, desc)
	fmt.Fprintf(w, "interior: output rows %d..%d, columns %d..%d of %dx%d (windows clear of the border, the padding and the zeros shifted in)\n",
		in.Min.Y, in.Max.Y-1, in.Min.X, in.Max.X-1, r.Fx.H, r.Fx.W)
	if r.Exact {
		fmt.Fprintf(w, "equivariance: max |f(shift x) - shift(f x)| = %.6g in the interior (output shift %d,%d), %.6g over the whole output\n",
			r.Equivariance, r.OutDY, r.OutDX, r.EquivarianceAll)
	} else {
		fmt.Fprintf(w, "equivariance: not defined: the stride does not divide the shift, so the output cannot be a shifted copy\n")
	}
	_, err := fmt.Fprintf(w, "invariance: f(shift x) = f(x) at %.1f%% of interior outputs; max |f(shift x) - f(x)| = %.6g\n",
		100*r.Unchanged, r.Invariance)
	return err
}

// writeShiftPicture draws channel 0 of f(x), f(shift x) and the two
// differences, the interior framed.
func (e *Env) writeShiftPicture(path string, r *equivar.Report, desc string) error {
	h, w := r.Fx.H, r.Fx.W
	n := h * w
	panels := []*tensor.Tensor{r.Fx, r.Fshift}
	labels := []string{"f(x)", "f(shift x)"}
	if r.EqDiff != nil {
		panels, labels = append(panels, r.EqDiff), append(labels, "f(shift x) - shift(f x)")
	}
	panels, labels = append(panels, r.InvDiff), append(labels, "f(shift x) - f(x)")
	t := tensor.New(len(panels), h, w)
	outlines := make([]image.Rectangle, len(panels))
	for i, p := range panels {
		copy(t.Data[i*n:(i+1)*n], p.Plane(0))
		if i >= 2 {
			outlines[i] = r.Interior
		}
	}
	title := fmt.Sprintf("shift %d,%d: %s (channel 0; interior framed)", r.DY, r.DX, desc)
	return e.writeMosaic(path, "", t, mosaic.Options{Title: title, Columns: len(panels), Labels: labels, Outlines: outlines})
}

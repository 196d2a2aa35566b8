package job

import (
	"fmt"
	"time"

	"github.com/convtool/convtool/internal/pool"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// PoolRequest is what the user asked of `convtool pool`.
type PoolRequest struct {
	Input, Output string
	// Op is max, avg, min or l2 (or an alias pool.ParseOp accepts).
	Op string
	// Size, Stride, Padding, Dilation: "N" or "NH,NW"; Stride "" is the
	// window.
	Size, Stride, Padding, Dilation string
	Ceil, IncludePad                bool
	// Global is adaptive 1x1; Adaptive is "HxW" or "".
	Global   bool
	Adaptive string
	Format   string
	// Explain prints every window and what it took; Mosaic draws the
	// output channels as a mosaic in the image Output (automatic when an
	// image cannot hold them).
	Explain, Mosaic bool
	// Changed reports whether a flag was given (nil: none was), for the
	// flags that exclude each other.
	Changed func(flag string) bool
}

// PoolPlan is a pooling with its flags parsed and checked.
type PoolPlan struct {
	Req PoolRequest
	Op  pool.Op
	// Params is the sliding window, when Adaptive is zero.
	Params pool.Params
	// Adaptive is the output size of adaptive (or global: 1x1) pooling.
	Adaptive shape.Pair
}

// PlanPool checks the flags against each other and parses them.
func PlanPool(r PoolRequest) (*PoolPlan, error) {
	op, err := pool.ParseOp(r.Op)
	if err != nil {
		return nil, Usagef("--op: %v", err)
	}
	pl := &PoolPlan{Req: r, Op: op}
	changed := r.Changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	if r.Global || r.Adaptive != "" {
		if r.Global && r.Adaptive != "" {
			return nil, Usagef("--global and --adaptive exclude each other (--global is --adaptive 1x1)")
		}
		if r.Explain {
			return nil, Usagef("--explain shows sliding windows, not --global or --adaptive bins")
		}
		for _, name := range []string{"size", "stride", "padding", "dilation", "ceil", "count-include-pad"} {
			if changed(name) {
				return nil, Usagef("--%s does not apply to --global or --adaptive pooling", name)
			}
		}
		pl.Adaptive = shape.Square(1)
		if r.Adaptive != "" {
			p, err := shape.ParsePair(r.Adaptive)
			if err != nil || p.H < 1 || p.W < 1 {
				return nil, Usagef("--adaptive %q: want HxW of positive integers, e.g. 6x6", r.Adaptive)
			}
			pl.Adaptive = p
		}
		return pl, r.checkOutput()
	}
	if r.Size == "" {
		return nil, Usagef("pool needs --size K (or --global, or --adaptive HxW)")
	}
	var k, s, p, d [2]int
	for _, f := range []struct {
		flag, val string
		dst       *[2]int
		lo        int
	}{{"size", r.Size, &k, 1}, {"stride", r.Stride, &s, 1}, {"padding", r.Padding, &p, 0}, {"dilation", r.Dilation, &d, 1}} {
		if f.val == "" { // the stride defaults to the window, the rest to lo
			*f.dst = [2]int{f.lo, f.lo}
			if f.flag == "stride" {
				*f.dst = k
			}
			continue
		}
		if f.dst[0], f.dst[1], err = pair(f.flag, f.val, f.lo); err != nil {
			return nil, err
		}
	}
	if (d[0] != 1 || d[1] != 1) && (op == pool.Avg || op == pool.L2) {
		return nil, Usagef("--dilation applies to --op max and min only (as in PyTorch)")
	}
	if changed("count-include-pad") && op != pool.Avg {
		return nil, Usagef("--count-include-pad applies to --op avg only")
	}
	if p[0] > k[0]/2 || p[1] > k[1]/2 {
		return nil, Usagef("--padding %s is more than half the window %s (at most %d,%d, as in PyTorch)",
			shape.Pair{H: p[0], W: p[1]}, shape.Pair{H: k[0], W: k[1]}, k[0]/2, k[1]/2)
	}
	pl.Params = pool.Params{Op: op, KH: k[0], KW: k[1], SH: s[0], SW: s[1], PH: p[0], PW: p[1], DH: d[0], DW: d[1],
		Ceil: r.Ceil, CountIncludePad: r.IncludePad}
	return pl, r.checkOutput()
}

// checkOutput checks the output path, and that --mosaic names a picture.
func (r *PoolRequest) checkOutput() error {
	if err := CheckOutputPath(r.Output, r.Format); err != nil {
		return err
	}
	if r.Mosaic {
		if err := CheckPicturePath(r.Output, r.Format); err != nil {
			return Usagef("--mosaic draws a picture: %v", err)
		}
	}
	return nil
}

// Pool runs the pooling job and prints its summary.
func Pool(pl *PoolPlan, env *Env) error {
	r := pl.Req
	res := &Result{Output: r.Output, Start: time.Now()}
	// The work is bounded from the header, before the pixels are decoded.
	in, err := env.ReadChecked(r.Input, func(h tensorio.Header) error {
		return pl.checkWork(Header{C: h.C, H: h.H, W: h.W}, env.MaxMACs)
	})
	if err != nil {
		return err
	}
	if err := pl.checkWork(HeaderOf(in), env.MaxMACs); err != nil {
		return err
	}
	res.Read = time.Since(res.Start)
	sum := summary.New("pool").Add("op", pl.Op.String())
	var out *tensor.Tensor
	t0 := time.Now()
	if pl.Adaptive.H > 0 {
		// Adaptive bins may overlap, so the output can outgrow the input:
		// bound it like an image before allocating.
		if ah, aw := int64(pl.Adaptive.H), int64(pl.Adaptive.W); env.MaxPixels > 0 && ah > env.MaxPixels/aw {
			return fmt.Errorf("%s: --adaptive %dx%d is %d samples a channel, more than --max-pixels %d", r.Input, ah, aw, ah*aw, env.MaxPixels)
		}
		out, err = pool.Adaptive(in.T, pl.Op, pl.Adaptive.H, pl.Adaptive.W)
		mode := fmt.Sprintf("adaptive %dx%d", pl.Adaptive.H, pl.Adaptive.W)
		if r.Global {
			mode = "global"
		}
		sum.Add("mode", mode)
	} else {
		p := pl.Params
		if r.Explain {
			// With the result on stdout, the explanation goes to stderr.
			w := env.Stdout
			if r.Output == "-" {
				w = env.Stderr
			}
			if err := pool.Explain(w, in.T, p); err != nil {
				return fmt.Errorf("%s: %s: %w", r.Input, in.T.Shape(), err)
			}
		}
		bar := progressBar(env, "pool")
		if bar != nil {
			p.Progress = bar.Update
		}
		out, err = pool.Pool(in.T, p)
		bar.Finish() // erased before anything else reaches stderr
		sum.Add("size", shape.Pair{H: p.KH, W: p.KW}.String()).
			Add("stride", shape.Pair{H: p.SH, W: p.SW}.String()).
			Add("padding", shape.Pair{H: p.PH, W: p.PW}.String())
		if p.DH != 1 || p.DW != 1 {
			sum.Add("dilation", shape.Pair{H: p.DH, W: p.DW}.String())
		}
		sum.Add("ceil", p.Ceil)
		if p.Op == pool.Avg {
			sum.Add("count_include_pad", p.CountIncludePad)
		}
	}
	res.Compute = time.Since(t0)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", r.Input, in.T.Shape(), err)
	}
	od := *in
	od.T = out
	flattened := env.Flatten(r.Output, r.Format, &od)
	title := fmt.Sprintf("pool %s: %s -> %s (CxHxW)", pl.Op, in.T.Shape(), out.Shape())
	drew, err := env.writeResult("pool", r.Output, r.Format, &od, r.Mosaic, title)
	if err != nil {
		return err
	}
	res.Summary = sum.Data("input", r.Input, in.T).Data("output", r.Output, od.T)
	if desc := tensorio.Describe(in); desc != "" {
		res.Summary.Add("read", desc)
	}
	if flattened != "" {
		res.Summary.Add("alpha", flattened)
	}
	if drew {
		res.Summary.Add("picture", "mosaic")
	}
	return res.Print(env)
}

// Work is the pooling's cost on in: one read per window tap that lands in
// the input, C·H'·W'·min(kh, H)·min(kw, W) at most, saturating at
// shape.Overflow (0 for adaptive pooling, whose bins tile the input, and
// for a geometry with no output, which the pool package refuses).
func (pl *PoolPlan) Work(in Header) int64 {
	if pl.Adaptive.H > 0 {
		return 0
	}
	p := pl.Params
	sh, sw, dh, dw := p.SH, p.SW, max(p.DH, 1), max(p.DW, 1)
	if sh == 0 {
		sh = p.KH // the stride defaults to the window
	}
	if sw == 0 {
		sw = p.KW
	}
	oh, errH := shape.PoolSize(in.H, p.KH, sh, p.PH, dh, p.Ceil)
	ow, errW := shape.PoolSize(in.W, p.KW, sw, p.PW, dw, p.Ceil)
	if errH != nil || errW != nil {
		return 0
	}
	return shape.ConvMACs(oh, ow, in.C, min(p.KH, in.H), min(p.KW, in.W), 1, 1).Value
}

// checkWork refuses a pooling of more than maxMACs window reads (0: no
// limit), naming the figure and the flag that allows it.
func (pl *PoolPlan) checkWork(in Header, maxMACs int64) error {
	if n := pl.Work(in); maxMACs > 0 && n > maxMACs {
		return fmt.Errorf("%s: the pooling would take %s window reads, more than --max-macs %s: give --max-macs %d (or 0 for no limit) to run it", pl.Req.Input, shape.Thousands(n), shape.Thousands(maxMACs), n)
	}
	return nil
}

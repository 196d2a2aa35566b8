package pool

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// explainMaxSamples bounds the input Explain accepts: beyond it the
// printout stops being readable.
const explainMaxSamples = 400

// Cell marks in an explained window.
const (
	padMark  = "pad" // padding: −∞ for max, +∞ for min, 0 for avg and l2
	pastMark = "--"  // past the padded input: only ceil mode's last windows
)

// Explain writes, for a learner, how Pool(x, p) computes its result: the
// output-size arithmetic, then for every output sample its window (input
// values, padding marked "pad", cells past the padded input — ceil mode's
// partial windows — marked "--") and what the window gave: the maximum
// (or minimum) and where it is, or the sum and the divisor with and
// without padding. It refuses inputs of more than 400 samples.
func Explain(w io.Writer, x *tensor.Tensor, p Params) error {
	if x == nil {
		return fmt.Errorf("explain: nil input")
	}
	if n := x.Len(); n > explainMaxSamples {
		return fmt.Errorf("explain is for small inputs: %s has %d samples, at most %d", x.Shape(), n, explainMaxSamples)
	}
	out, err := Pool(x, p)
	if err != nil {
		return err
	}
	p = p.normalize()
	bw := bufio.NewWriter(w)
	mode := "floor mode"
	if p.Ceil {
		mode = "ceil mode"
	}
	fmt.Fprintf(bw, "input %s, %s pool %dx%d, stride %d,%d, padding %d,%d, dilation %d,%d, %s -> output %s\n",
		x.Shape(), p.Op, p.KH, p.KW, p.SH, p.SW, p.PH, p.PW, p.DH, p.DW, mode, out.Shape())
	for _, a := range []struct {
		name          string
		n, k, s, q, d int
	}{{"H'", x.H, p.KH, p.SH, p.PH, p.DH}, {"W'", x.W, p.KW, p.SW, p.PW, p.DW}} {
		c, err := shape.PoolOut(a.name, a.n, a.k, a.s, a.q, a.d, p.Ceil)
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "  %s = %s = %s\n", a.name, c.Formula, c.Work)
		if c.Note != "" {
			fmt.Fprintf(bw, "    (%s)\n", c.Note)
		}
	}
	switch p.Op {
	case Max:
		fmt.Fprintf(bw, "max: the largest value in the window; padding counts as -inf (never taken)\n")
	case Min:
		fmt.Fprintf(bw, "min: the smallest value in the window; padding counts as +inf (never taken)\n")
	case Avg:
		if p.CountIncludePad {
			fmt.Fprintf(bw, "avg: the window's sum divided by the window clipped to the padded input\n(count_include_pad: padding counts as zeros in the divisor, PyTorch's default)\n")
		} else {
			fmt.Fprintf(bw, "avg: the window's sum divided by the number of input samples it covers\n(count_include_pad=false: padding is left out of the divisor)\n")
		}
	case L2:
		fmt.Fprintf(bw, "l2: sqrt of the sum of squares over the window; padding adds 0\n")
	}
	if p.PH > 0 || p.PW > 0 {
		fmt.Fprintf(bw, "rows and columns are counted in the input: padding is row -1, -2, … and H, H+1, …\n")
	}
	if p.Ceil {
		fmt.Fprintf(bw, "cells marked %s lie past the padded input: ceil mode keeps such partial last windows\n", pastMark)
	}

	for c := range x.C {
		src := x.Plane(c)
		fmt.Fprintf(bw, "\nchannel %d: input %dx%d", c, x.H, x.W)
		if p.PH > 0 || p.PW > 0 {
			fmt.Fprintf(bw, " with padding %d,%d marked %s", p.PH, p.PW, padMark)
		}
		fmt.Fprintln(bw, ":")
		hp, wp := x.H+2*p.PH, x.W+2*p.PW
		cells := make([]string, hp*wp)
		for y := range hp {
			for xx := range wp {
				cells[y*wp+xx] = cellText(src, x.H, x.W, y-p.PH, xx-p.PW, p)
			}
		}
		writeCells(bw, "  ", hp, wp, cells)
		res := out.Plane(c)
		for oy := range out.H {
			for ox := range out.W {
				y0, x0 := oy*p.SH-p.PH, ox*p.SW-p.PW
				explainWindow(bw, src, x.H, x.W, c, oy, ox, y0, x0, p, res[oy*out.W+ox])
			}
		}
		fmt.Fprintf(bw, "\nchannel %d: output %dx%d:\n", c, out.H, out.W)
		cells = make([]string, out.H*out.W)
		for i, v := range res {
			cells[i] = num(float64(v))
		}
		writeCells(bw, "  ", out.H, out.W, cells)
	}
	return bw.Flush()
}

// cellText is what a cell at input coordinates (y, x) shows.
func cellText(src []float32, h, w, y, x int, p Params) string {
	switch {
	case y >= h+p.PH || x >= w+p.PW:
		return pastMark
	case y < 0 || x < 0 || y >= h || x >= w:
		return padMark
	}
	return num(float64(src[y*w+x]))
}

// explainWindow prints one output sample's window and what it took.
func explainWindow(bw *bufio.Writer, src []float32, h, w, c, oy, ox, y0, x0 int, p Params, got float32) {
	fmt.Fprintf(bw, "\noutput[%d][%d][%d]: window rows %s, columns %s", c, oy, ox, shape.Taps(y0, p.DH, p.KH), shape.Taps(x0, p.DW, p.KW))
	lastY, lastX := y0+(p.KH-1)*p.DH, x0+(p.KW-1)*p.DW
	if lastY >= h+p.PH || lastX >= w+p.PW {
		fmt.Fprintf(bw, " (partial: past the padded input %dx%d)", h+2*p.PH, w+2*p.PW)
	}
	fmt.Fprintln(bw)
	cells := make([]string, p.KH*p.KW)
	var sum, sumSq float64
	n, bestY, bestX := 0, -1, -1
	var best float64
	for i := range p.KH {
		for j := range p.KW {
			y, x := y0+i*p.DH, x0+j*p.DW
			cells[i*p.KW+j] = cellText(src, h, w, y, x, p)
			if y < 0 || x < 0 || y >= h || x >= w {
				continue
			}
			v := float64(src[y*w+x])
			n++
			sum += v
			sumSq += v * v
			if bestY < 0 || (p.Op == Max && v > best) || (p.Op == Min && v < best) {
				best, bestY, bestX = v, y, x
			}
		}
	}
	writeCells(bw, "  ", p.KH, p.KW, cells)
	switch p.Op {
	case Max, Min:
		fmt.Fprintf(bw, "  %s = %s at input row %d, column %d\n", p.Op, num(float64(got)), bestY, bestX)
	case L2:
		fmt.Fprintf(bw, "  sum of squares = %s over %d input samples; sqrt = %s\n", num(sumSq), n, num(float64(got)))
	case Avg:
		// The divisors as window() counts them.
		yEnd, xEnd := min(y0+p.KH, h+p.PH), min(x0+p.KW, w+p.PW)
		withPad := (yEnd - y0) * (xEnd - x0)
		div, other, otherWhat := withPad, n, "without padding (count_include_pad=false)"
		what := "the window clipped to the padded input"
		if !p.CountIncludePad {
			div, other, otherWhat = n, withPad, "with padding (count_include_pad)"
			what = "the input samples covered"
		}
		fmt.Fprintf(bw, "  sum = %s; divisor %d (%s) -> %s", num(sum), div, what, num(float64(got)))
		if other != div {
			fmt.Fprintf(bw, "; %s it would be %s/%d = %s", otherWhat, num(sum), other, num(sum/float64(other)))
		}
		fmt.Fprintln(bw)
	}
}

// num formats v with 6 significant digits (-0 as 0).
func num(v float64) string {
	if v == 0 {
		return "0"
	}
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(float64(float32(v)), 'g', 6, 32)
}

// writeCells writes an h×w grid of right-aligned cells.
func writeCells(w io.Writer, indent string, h, wd int, cells []string) {
	width := 1
	for _, c := range cells {
		width = max(width, len(c))
	}
	for y := range h {
		var b strings.Builder
		b.WriteString(indent)
		for x := range wd {
			if x > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%*s", width, cells[y*wd+x])
		}
		fmt.Fprintln(w, b.String())
	}
}

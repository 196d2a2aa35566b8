package conv

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// Explain limits: beyond these the printout stops being readable.
const (
	explainMaxSamples = 400 // C·H·W of the input
	explainMaxTaps    = 81  // kernel elements (9×9)
)

// Explain writes, for a learner, how Filter(in, k, p, ·) computes its
// result: the kernel, the padded input (for a transposed convolution, the
// zero-inserted and padded input that the equivalent ordinary convolution
// sees, and the kernel turned by 180°), then for every output sample the
// window under the kernel, the element-wise products and their sum, and
// finally the output. It refuses inputs of more than 400 samples and
// kernels of more than 81 elements.
func Explain(w io.Writer, in *tensor.Tensor, k *kernel.Kernel, p Params) error {
	if in == nil || k == nil {
		return fmt.Errorf("explain: nil input or kernel")
	}
	if n := in.Len(); n > explainMaxSamples {
		return fmt.Errorf("explain is for small inputs: %s has %d samples, at most %d", in.Shape(), n, explainMaxSamples)
	}
	if k.H*k.W > explainMaxTaps {
		return fmt.Errorf("explain is for small kernels: %dx%d has more than %d elements", k.H, k.W, explainMaxTaps)
	}
	pr, err := prepare(in, p, k.H, k.W)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	kk := k
	fmt.Fprintf(bw, "input %s, kernel %dx%d, stride %d,%d, dilation %d,%d -> output %dx%dx%d\n",
		in.Shape(), k.H, k.W, p.StrideY, p.StrideX, p.DilY, p.DilX, in.C, pr.ho, pr.wo)
	fmt.Fprintf(bw, "\nkernel %dx%d (applied as cross-correlation: it is not flipped here):\n", k.H, k.W)
	writeMatrix(bw, "  ", k.H, k.W, k.Data)
	if p.Transpose {
		kk = k.Rotate180()
		ey, ex := p.DilY*(k.H-1)-p.Pad.Top, p.DilX*(k.W-1)-p.Pad.Left
		fmt.Fprintf(bw, "\ntransposed convolution as an ordinary one (stride 1, dilation %d,%d):\n", p.DilY, p.DilX)
		fmt.Fprintf(bw, "  insert stride-1 = %d,%d zeros between input samples;\n", p.StrideY-1, p.StrideX-1)
		fmt.Fprintf(bw, "  pad d(k-1)-p = %d rows, %d columns of zeros on each side (negative: crop)", ey, ex)
		if p.OutPadY > 0 || p.OutPadX > 0 {
			fmt.Fprintf(bw, ",\n  plus output padding %d rows at the bottom, %d columns at the right", p.OutPadY, p.OutPadX)
		}
		fmt.Fprintf(bw, ";\n  turn the kernel by 180 degrees:\n")
		writeMatrix(bw, "  ", kk.H, kk.W, kk.Data)
	} else {
		pd := p.Pad
		fmt.Fprintf(bw, "\npadding top %d, bottom %d, left %d, right %d, filled by the %s edge rule\n",
			pd.Top, pd.Bottom, pd.Left, pd.Right, p.Edge)
	}
	ip := pr.input()
	for c := range in.C {
		what := "padded input"
		if p.Transpose {
			what = "zero-inserted and padded input"
		}
		fmt.Fprintf(bw, "\nchannel %d: %s %dx%d:\n", c, what, ip.H, ip.W)
		writeMatrix(bw, "  ", ip.H, ip.W, ip.Plane(c))
		src := ip.Plane(c)
		out := make([]float32, pr.ho*pr.wo)
		win := make([]float32, k.H*k.W)
		prod := make([]float32, k.H*k.W)
		for oy := range pr.ho {
			for ox := range pr.wo {
				y0, x0 := oy*pr.sy, ox*pr.sx
				var sum float64
				for ky := range k.H {
					for kx := range k.W {
						v := src[(y0+ky*pr.dy)*ip.W+x0+kx*pr.dx]
						i := ky*k.W + kx
						win[i] = v
						prod[i] = v * kk.Data[i]
						sum += float64(v) * float64(kk.Data[i])
					}
				}
				out[oy*pr.wo+ox] = float32(sum)
				fmt.Fprintf(bw, "\noutput[%d][%d][%d]: window rows %s, columns %s\n", c, oy, ox,
					shape.Taps(y0, pr.dy, k.H), shape.Taps(x0, pr.dx, k.W))
				wl, pl := matrixLines(k.H, k.W, win), matrixLines(k.H, k.W, prod)
				ww := max(len(wl[0]), len("window"))
				fmt.Fprintf(bw, "  %-*s    %s\n", ww, "window", "window x kernel")
				for i := range wl {
					sep := "   "
					if i == k.H/2 {
						sep = " ->"
					}
					fmt.Fprintf(bw, "  %-*s%s %s\n", ww, wl[i], sep, pl[i])
				}
				fmt.Fprintf(bw, "  sum = %s\n", num(float32(sum)))
			}
		}
		fmt.Fprintf(bw, "\nchannel %d: output %dx%d:\n", c, pr.ho, pr.wo)
		writeMatrix(bw, "  ", pr.ho, pr.wo, out)
	}
	return bw.Flush()
}

// num formats v with 6 significant digits; -0 prints as 0, which is what a
// reader expects of 0 times a negative weight.
func num(v float32) string {
	if v == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(v), 'g', 6, 32)
}

// matrixLines formats an h×w matrix with right-aligned columns of one width.
func matrixLines(h, w int, data []float32) []string {
	cells := make([]string, len(data))
	width := 1
	for i, v := range data {
		cells[i] = num(v)
		width = max(width, len(cells[i]))
	}
	lines := make([]string, h)
	for y := range h {
		var b strings.Builder
		for x := range w {
			if x > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%*s", width, cells[y*w+x])
		}
		lines[y] = b.String()
	}
	return lines
}

func writeMatrix(w io.Writer, indent string, h, wd int, data []float32) {
	for _, l := range matrixLines(h, wd, data) {
		fmt.Fprintf(w, "%s%s\n", indent, l)
	}
}

// ExplainLayer writes, for a learner, how Layer(in, b, bias, p, ·)
// computes its result: what kind of layer it is (ordinary, 1×1, grouped,
// depthwise, transposed) in its own words, which input channels each
// group sees, the padded (or zero-inserted) input channels, each output
// channel's kernel slices, then for every output channel the first window
// in full — per input channel the window, its products with the slice and
// their sum — the bias and the total, and for every other position one
// line of per-input-channel sums, bias and total. It refuses inputs or
// outputs of more than 400 samples and kernels of more than 81 elements
// a slice.
func ExplainLayer(w io.Writer, in *tensor.Tensor, b *kernel.Bank, bias []float32, p Params) error {
	if in == nil || b == nil {
		return fmt.Errorf("explain: nil input or weights")
	}
	if n := in.Len(); n > explainMaxSamples {
		return fmt.Errorf("explain is for small inputs: %s has %d samples, at most %d", in.Shape(), n, explainMaxSamples)
	}
	if b.KH*b.KW > explainMaxTaps {
		return fmt.Errorf("explain is for small kernels: %dx%d has more than %d elements", b.KH, b.KW, explainMaxTaps)
	}
	// Layer validates every shape and gives the output the sums must add to.
	want, _, err := Layer(in, b, bias, p, Direct)
	if err != nil {
		return err
	}
	if n := want.Len(); n > explainMaxSamples {
		return fmt.Errorf("explain is for small layers: the output %s has %d samples, at most %d", want.Shape(), n, explainMaxSamples)
	}
	pr, err := prepare(in, p, b.KH, b.KW)
	if err != nil {
		return err
	}
	g := p.Groups
	outC, inPerG := want.C, in.C/g
	outPerG := outC / g
	kh, kw := b.KH, b.KW
	ksz := kh * kw
	wts := b.Data // (outC, inPerG, kh, kw), as correlated
	if p.Transpose {
		wts = transposedWeights(b, g)
	}
	slice := func(o, i int) []float32 { return wts[(o*inPerG+i)*ksz:][:ksz] }

	bw := bufio.NewWriter(w)
	layout := "C_out x C_in/groups x kH x kW"
	if p.Transpose {
		layout = "C_in x C_out/groups x kH x kW"
	}
	fmt.Fprintf(bw, "input %s, weights %s (%s), groups %d, stride %d,%d, dilation %d,%d -> output %s\n",
		in.Shape(), b.Shape(), layout, g, p.StrideY, p.StrideX, p.DilY, p.DilX, want.Shape())
	nb := 0
	if bias != nil {
		nb = outC
	}
	fmt.Fprintf(bw, "parameters: %d weights (%d x %d x %d x %d) + %d biases = %d\n",
		len(b.Data), b.N0, b.N1, kh, kw, nb, len(b.Data)+nb)
	fmt.Fprintf(bw, "\n%s\n", layerKind(in.C, outC, g, kh, kw, p.Transpose))
	if g > 1 {
		fmt.Fprintf(bw, "\ngroups (each sees only its own input channels):\n")
		for gi := range g {
			fmt.Fprintf(bw, "  group %d: input channels %s -> output channels %s\n", gi,
				shape.Taps(gi*inPerG, 1, inPerG), shape.Taps(gi*outPerG, 1, outPerG))
		}
	}
	if p.Transpose {
		ey, ex := p.DilY*(kh-1)-p.Pad.Top, p.DilX*(kw-1)-p.Pad.Left
		fmt.Fprintf(bw, "\ntransposed convolution as an ordinary one (stride 1, dilation %d,%d):\n", p.DilY, p.DilX)
		fmt.Fprintf(bw, "  insert stride-1 = %d,%d zeros between input samples;\n", p.StrideY-1, p.StrideX-1)
		fmt.Fprintf(bw, "  pad d(k-1)-p = %d rows, %d columns of zeros on each side (negative: crop)", ey, ex)
		if p.OutPadY > 0 || p.OutPadX > 0 {
			fmt.Fprintf(bw, ",\n  plus output padding %d rows at the bottom, %d columns at the right", p.OutPadY, p.OutPadX)
		}
		fmt.Fprintf(bw, ";\n  every kernel slice turned by 180 degrees (shown turned below)\n")
	} else {
		pd := p.Pad
		fmt.Fprintf(bw, "\npadding top %d, bottom %d, left %d, right %d, filled by the %s edge rule\n",
			pd.Top, pd.Bottom, pd.Left, pd.Right, p.Edge)
	}
	ip := pr.input()
	what := "padded input"
	if p.Transpose {
		what = "zero-inserted and padded input"
	}
	for c := range in.C {
		fmt.Fprintf(bw, "\ninput channel %d: %s %dx%d:\n", c, what, ip.H, ip.W)
		writeMatrix(bw, "  ", ip.H, ip.W, ip.Plane(c))
	}

	win := make([]float32, ksz)
	prod := make([]float32, ksz)
	sums := make([]float64, inPerG)
	for o := range outC {
		gi := o / outPerG
		fmt.Fprintf(bw, "\noutput channel %d", o)
		if g > 1 {
			fmt.Fprintf(bw, " (group %d: input channels %s)", gi, shape.Taps(gi*inPerG, 1, inPerG))
		}
		fmt.Fprintf(bw, ": kernel %dx%dx%d", inPerG, kh, kw)
		if bias != nil {
			fmt.Fprintf(bw, ", bias %s", num(bias[o]))
		}
		fmt.Fprintln(bw)
		for i := range inPerG {
			fmt.Fprintf(bw, "  slice for input channel %d:\n", gi*inPerG+i)
			writeMatrix(bw, "    ", kh, kw, slice(o, i))
		}
		for oy := range pr.ho {
			for ox := range pr.wo {
				y0, x0 := oy*pr.sy, ox*pr.sx
				first := oy == 0 && ox == 0
				var total float64
				for i := range inPerG {
					c := gi*inPerG + i
					src, k := ip.Plane(c), slice(o, i)
					var s float64
					for ky := range kh {
						for kx := range kw {
							v := src[(y0+ky*pr.dy)*ip.W+x0+kx*pr.dx]
							j := ky*kw + kx
							win[j], prod[j] = v, v*k[j]
							s += float64(v) * float64(k[j])
						}
					}
					sums[i] = s
					total += s
					if first {
						if i == 0 {
							fmt.Fprintf(bw, "\noutput[%d][%d][%d]: window rows %s, columns %s of each input channel\n", o, oy, ox,
								shape.Taps(y0, pr.dy, kh), shape.Taps(x0, pr.dx, kw))
						}
						wl, pl := matrixLines(kh, kw, win), matrixLines(kh, kw, prod)
						ww := max(len(wl[0]), len("window"))
						fmt.Fprintf(bw, "  input channel %d:\n  %-*s    %s\n", c, ww, "window", "window x slice")
						for r := range wl {
							sep := "   "
							if r == kh/2 {
								sep = " ->"
							}
							fmt.Fprintf(bw, "  %-*s%s %s\n", ww, wl[r], sep, pl[r])
						}
						fmt.Fprintf(bw, "  sum = %s\n", num(float32(s)))
					}
				}
				var bv float32
				if bias != nil {
					bv = bias[o]
				}
				total += float64(bv)
				terms := make([]string, 0, inPerG+1)
				for i, s := range sums {
					terms = append(terms, fmt.Sprintf("%s (in %d)", num(float32(s)), gi*inPerG+i))
				}
				if bias != nil {
					terms = append(terms, fmt.Sprintf("%s (bias)", num(bv)))
				}
				if first {
					fmt.Fprintf(bw, "  total = %s = %s\n", signedSum(terms), num(float32(total)))
					if pr.ho*pr.wo > 1 {
						fmt.Fprintf(bw, "\nthe same windows and slices at every other position, sums only:\n")
					}
				} else {
					fmt.Fprintf(bw, "output[%d][%d][%d] rows %s, columns %s: %s = %s\n", o, oy, ox,
						shape.Taps(y0, pr.dy, kh), shape.Taps(x0, pr.dx, kw), signedSum(terms), num(float32(total)))
				}
			}
		}
	}
	for o := range outC {
		fmt.Fprintf(bw, "\noutput channel %d %dx%d:\n", o, want.H, want.W)
		writeMatrix(bw, "  ", want.H, want.W, want.Plane(o))
	}
	return bw.Flush()
}

// layerKind says in words what kind of layer this is and what each output
// sample sums.
func layerKind(inC, outC, g, kh, kw int, transpose bool) string {
	inPerG, outPerG := inC/g, outC/g
	var s string
	switch {
	case g == inC && g > 1:
		s = fmt.Sprintf("depthwise convolution: groups = input channels = %d, so each input channel is\n"+
			"filtered on its own by %d %dx%d kernel(s) and no output sees another channel;\n"+
			"a 1x1 convolution usually follows to mix the channels (together: a\n"+
			"depthwise-separable convolution).", g, outPerG, kh, kw)
	case g > 1:
		s = fmt.Sprintf("grouped convolution: %d groups; the %d input channels split into groups of %d,\n"+
			"each group is convolved on its own by %d filters of %dx%dx%d, and the groups'\n"+
			"outputs are stacked: %d times fewer weights than one %d-channel convolution.",
			g, inC, inPerG, outPerG, inPerG, kh, kw, g, inC)
	case kh == 1 && kw == 1:
		s = fmt.Sprintf("1x1 convolution: each output sample is a weighted sum of the %d input values at\n"+
			"the same position, plus a bias: a linear map of the channels at every pixel,\n"+
			"turning %d channels into %d without looking at neighbours.", inC, inC, outC)
	default:
		s = fmt.Sprintf("multi-channel convolution: each of the %d output channels has its own %dx%dx%d\n"+
			"kernel, one %dx%d slice per input channel; an output sample is the sum over\n"+
			"input channels of window x slice, plus that output channel's bias.", outC, inC, kh, kw, kh, kw)
	}
	if transpose {
		s = "transposed " + s
	}
	return s
}

// signedSum joins terms with " + ", writing "a - 3 (…)" rather than
// "a + -3 (…)".
func signedSum(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		switch {
		case i == 0:
			b.WriteString(t)
		case strings.HasPrefix(t, "-"):
			b.WriteString(" - " + t[1:])
		default:
			b.WriteString(" + " + t)
		}
	}
	return b.String()
}

// Walk is the geometry of Filter(in, k, p, ·) as Explain tells it, for
// pictures of the window sliding: the input as the window sees it (padded
// by the edge rule, or zero-inserted and padded for a transposed
// convolution), the kernel as it is correlated (turned by 180° for a
// transposed one), and how the window moves.
type Walk struct {
	// Input is the padded (or zero-inserted) input.
	Input *tensor.Tensor
	// Kernel is what is correlated with Input.
	Kernel *kernel.Kernel
	// The window's top-left tap for output (oy, ox) is Input (oy·StrideY,
	// ox·StrideX); its taps are DilY rows and DilX columns apart.
	StrideY, StrideX, DilY, DilX int
	// OutH, OutW is the output size.
	OutH, OutW int
	// Input sample (y, x) of the original lies at Input (OrigY + y·StepY,
	// OrigX + x·StepX); every other cell is padding or an inserted zero.
	OrigY, OrigX, StepY, StepX int
	// Transposed is set for a transposed convolution.
	Transposed bool
}

// NewWalk returns the geometry of Filter(in, k, p, ·).
func NewWalk(in *tensor.Tensor, k *kernel.Kernel, p Params) (*Walk, error) {
	if in == nil || k == nil {
		return nil, fmt.Errorf("walk: nil input or kernel")
	}
	pr, err := prepare(in, p, k.H, k.W)
	if err != nil {
		return nil, err
	}
	w := &Walk{Input: pr.input(), Kernel: k, StrideY: pr.sy, StrideX: pr.sx, DilY: pr.dy, DilX: pr.dx,
		OutH: pr.ho, OutW: pr.wo, OrigY: p.Pad.Top, OrigX: p.Pad.Left, StepY: 1, StepX: 1}
	if p.Transpose {
		w.Kernel = k.Rotate180()
		w.OrigY, w.OrigX = p.DilY*(k.H-1)-p.Pad.Top, p.DilX*(k.W-1)-p.Pad.Left
		w.StepY, w.StepX = p.StrideY, p.StrideX
		w.Transposed = true
	}
	return w, nil
}

// Cell kinds of a Walk's input.
const (
	CellInput    = iota // a sample of the original input
	CellPad             // padding (filled by the edge rule, or zeros)
	CellInserted        // a zero inserted between samples (transposed)
)

// Cell says what cell (y, x) of w.Input is, for an original input of
// h×wd samples.
func (w *Walk) Cell(y, x, h, wd int) int {
	dy, dx := y-w.OrigY, x-w.OrigX
	if dy < 0 || dx < 0 || dy > (h-1)*w.StepY || dx > (wd-1)*w.StepX {
		return CellPad
	}
	if dy%w.StepY != 0 || dx%w.StepX != 0 {
		return CellInserted
	}
	return CellInput
}

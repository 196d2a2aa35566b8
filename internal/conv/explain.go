package conv

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/kernel"
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
					span(y0, pr.dy, k.H), span(x0, pr.dx, k.W))
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

// span names the rows (or columns) a window covers: "2..4", or "0,2,4"
// when dilation leaves gaps.
func span(start, d, k int) string {
	if d == 1 {
		if k == 1 {
			return strconv.Itoa(start)
		}
		return fmt.Sprintf("%d..%d", start, start+k-1)
	}
	parts := make([]string, k)
	for i := range parts {
		parts[i] = strconv.Itoa(start + i*d)
	}
	return strings.Join(parts, ",")
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

package conv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/convtool/convtool/internal/shape"
)

// Pad is the number of samples added on each side of the input.
type Pad struct{ Top, Bottom, Left, Right int }

// Params describes the geometry of one convolution.
type Params struct {
	// StrideY, StrideX is the step between output samples (≥ 1).
	StrideY, StrideX int
	// DilY, DilX spreads the kernel taps DilY rows and DilX columns apart
	// (≥ 1; 1 is an ordinary kernel).
	DilY, DilX int
	// Pad is the explicit padding. For Transpose only Top (PyTorch's p for
	// rows) and Left (p for columns) count; Bottom and Right must be zero or
	// equal to them, as conv_transpose2d pads both sides alike.
	Pad Pad
	// Edge fills the padding. Transposed convolution takes only Zero.
	Edge Edge
	// Groups splits the channels of a Layer (≥ 1; C_in is depthwise).
	// Filter ignores it: a 2-D kernel already acts on each channel alone.
	Groups int
	// Transpose selects conv_transpose2d semantics.
	Transpose bool
	// OutPadY, OutPadX is the transposed output padding: extra rows and
	// columns at the bottom and right (each < stride or < dilation).
	OutPadY, OutPadX int
	// Progress, if set, is told how many of the run's tasks (bands of
	// output rows) are done, from whichever goroutine finished one. It is
	// not part of the geometry; a progress bar hangs on it.
	Progress func(done, total int)
}

// NewParams returns stride 1, dilation 1, no padding, zero edge, one group.
func NewParams() Params { return Params{StrideY: 1, StrideX: 1, DilY: 1, DilX: 1, Groups: 1} }

// Method names a way of computing the convolution.
type Method string

// The methods. Auto lets Choose pick one.
const (
	Auto      Method = "auto"
	Direct    Method = "direct"
	Separable Method = "separable"
	FFT       Method = "fft"
	GEMM      Method = "gemm"
)

// ParseMethod accepts auto, direct, separable, fft and gemm ("" is auto).
func ParseMethod(s string) (Method, error) {
	switch m := Method(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return Auto, nil
	case Auto, Direct, Separable, FFT, GEMM:
		return m, nil
	}
	return "", fmt.Errorf("unknown method %q (want auto, direct, separable, fft or gemm)", s)
}

// SamePad returns TensorFlow's 'same' padding for one axis of n samples, a
// kernel of k taps, stride s and dilation d, the smaller half before; with
// flip (true convolution) the larger half goes before. The rule lives in
// package shape (SamePadFlip); these names keep the engine's callers short.
func SamePad(n, k, s, d int, flip bool) (before, after int) {
	return shape.SamePadFlip(n, k, s, d, flip)
}

// FullPad is shape.FullPad: d*(k-1) on each side.
func FullPad(k, d int) int { return shape.FullPad(k, d) }

// OutSize is shape.OutSize, the output length of an ordinary convolution.
// A result ≤ 0 means the dilated kernel does not fit.
func OutSize(n, k, s, d, padBefore, padAfter int) int {
	return shape.OutSize(n, k, s, d, padBefore, padAfter)
}

// TransposedOutSize is shape.TransposedOutSize, (n-1)s - 2p + d(k-1) +
// outPad + 1 (PyTorch's conv_transpose2d).
func TransposedOutSize(n, k, s, d, p, outPad int) int {
	return shape.TransposedOutSize(n, k, s, d, p, outPad)
}

// errFFTUnavailable is what the fft seam returns until it is filled.
var errFFTUnavailable = errors.New("the fft method is not available in this build")

// check validates p for an input of h×w samples and a kh×kw kernel and
// returns the output size.
func (p Params) check(h, w, kh, kw int) (ho, wo int, err error) {
	if p.StrideY < 1 || p.StrideX < 1 {
		return 0, 0, fmt.Errorf("stride %d,%d: must be at least 1", p.StrideY, p.StrideX)
	}
	if p.DilY < 1 || p.DilX < 1 {
		return 0, 0, fmt.Errorf("dilation %d,%d: must be at least 1", p.DilY, p.DilX)
	}
	if kh < 1 || kw < 1 {
		return 0, 0, fmt.Errorf("kernel %dx%d is empty", kh, kw)
	}
	if h < 1 || w < 1 {
		return 0, 0, fmt.Errorf("input %dx%d is empty", h, w)
	}
	if p.Edge < Zero || p.Edge > Symmetric {
		return 0, 0, fmt.Errorf("unknown edge mode %d", int(p.Edge))
	}
	pd := p.Pad
	if p.Transpose {
		if p.Edge != Zero {
			return 0, 0, fmt.Errorf("transposed convolution pads with zeros only, not %s", p.Edge)
		}
		if pd.Top < 0 || pd.Left < 0 {
			return 0, 0, fmt.Errorf("negative padding %d,%d", pd.Top, pd.Left)
		}
		if (pd.Bottom != 0 && pd.Bottom != pd.Top) || (pd.Right != 0 && pd.Right != pd.Left) {
			return 0, 0, fmt.Errorf("transposed convolution pads both sides alike: got top %d bottom %d left %d right %d", pd.Top, pd.Bottom, pd.Left, pd.Right)
		}
		if p.OutPadY < 0 || p.OutPadX < 0 {
			return 0, 0, fmt.Errorf("negative output padding %d,%d", p.OutPadY, p.OutPadX)
		}
		if p.OutPadY >= max(p.StrideY, p.DilY) || p.OutPadX >= max(p.StrideX, p.DilX) {
			return 0, 0, fmt.Errorf("output padding %d,%d must be smaller than the stride or the dilation", p.OutPadY, p.OutPadX)
		}
		ho = TransposedOutSize(h, kh, p.StrideY, p.DilY, pd.Top, p.OutPadY)
		wo = TransposedOutSize(w, kw, p.StrideX, p.DilX, pd.Left, p.OutPadX)
		if ho < 1 || wo < 1 {
			return 0, 0, fmt.Errorf("padding %d,%d leaves no output: transposed output would be %dx%d", pd.Top, pd.Left, ho, wo)
		}
		return ho, wo, nil
	}
	if p.OutPadY != 0 || p.OutPadX != 0 {
		return 0, 0, errors.New("output padding applies to transposed convolution only")
	}
	if pd.Top < 0 || pd.Bottom < 0 || pd.Left < 0 || pd.Right < 0 {
		return 0, 0, fmt.Errorf("negative padding (top %d bottom %d left %d right %d)", pd.Top, pd.Bottom, pd.Left, pd.Right)
	}
	ho = OutSize(h, kh, p.StrideY, p.DilY, pd.Top, pd.Bottom)
	wo = OutSize(w, kw, p.StrideX, p.DilX, pd.Left, pd.Right)
	if ho < 1 || wo < 1 {
		ek := fmt.Sprintf("kernel %dx%d", kh, kw)
		if p.DilY > 1 || p.DilX > 1 {
			ek += fmt.Sprintf(" (dilated %dx%d)", p.DilY*(kh-1)+1, p.DilX*(kw-1)+1)
		}
		return 0, 0, fmt.Errorf("%s is larger than the padded input %dx%d", ek, h+pd.Top+pd.Bottom, w+pd.Left+pd.Right)
	}
	return ho, wo, nil
}

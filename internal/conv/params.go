package conv

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
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
	// Report, if set, is filled in by Filter and Layer: which method ran,
	// why, and how long the arithmetic took. Like Progress it is not part
	// of the geometry.
	Report *Report
	// Pool, if set, supplies the output tensor (and padding scratch, which
	// goes back to it when the call ends) from storage a network run has
	// finished with, as PyTorch's allocator does; the caller Puts the
	// output back when done with it. Nil allocates afresh.
	Pool *tensor.Pool
}

// Report says how a Filter or Layer call ran, for a summary.
type Report struct {
	// Method is the method that ran.
	Method Method
	// Reason says why: for auto, the cost model's estimates of every
	// method that could run (cheapest first); for a requested method that
	// could not run, what ran instead.
	Reason string
	// Compute is the time the method took, from the input tensor to the
	// output tensor: padding, arithmetic and the output's allocation, no
	// reading, writing or post-processing (the bias of a layer included).
	Compute time.Duration
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
// kernel of k taps, stride s and dilation d: a total of
// max((ceil(n/s)-1)*s + d*(k-1)+1 - n, 0), the smaller half before. With
// flip (true convolution) the larger half goes before, so that a rotated
// kernel padded this way equals scipy.signal.convolve2d's mode 'same' for
// even kernels too. The arithmetic is shape.SamePadding's (checked): a
// parameter out of range or a size that does not fit is an error.
func SamePad(n, k, s, d int, flip bool) (before, after int, err error) {
	return shape.SamePadFlip(n, k, s, d, flip)
}

// FullPad is shape.FullPad: d*(k-1) on each side, checked.
func FullPad(k, d int) (int, error) { return shape.FullPad(k, d) }

// OutSize returns floor((n+pb+pa-d(k-1)-1)/s)+1, the output length of an
// ordinary convolution (shape.OutSize): an error when the dilated kernel
// does not fit the padded input or a size overflows.
func OutSize(n, k, s, d, padBefore, padAfter int) (int, error) {
	return shape.OutSize(n, k, s, d, padBefore, padAfter)
}

// TransposedOutSize returns (n-1)s - 2p + d(k-1) + outPad + 1, the output
// length of a transposed convolution (PyTorch's conv_transpose2d), as
// shape.TransposedOutSize: an error when it is below 1 or overflows.
func TransposedOutSize(n, k, s, d, p, outPad int) (int, error) {
	return shape.TransposedOutSize(n, k, s, d, p, outPad)
}

// errFFTUnavailable is what the fft seam returns until it is filled.
var errFFTUnavailable = errors.New("the fft method is not available in this build")

// check validates p for an input of c×h×w samples and a kh×kw kernel and
// returns the output size. Every size is computed in shape's checked
// arithmetic, so no parameter, however large, wraps round into a plausible
// size; the planes the engine will allocate must fit in 64 bits too.
func (p Params) check(c, h, w, kh, kw int) (ho, wo int, err error) {
	if p.StrideY < 1 || p.StrideX < 1 {
		return 0, 0, fmt.Errorf("stride %d,%d: must be at least 1", p.StrideY, p.StrideX)
	}
	if p.DilY < 1 || p.DilX < 1 {
		return 0, 0, fmt.Errorf("dilation %d,%d: must be at least 1", p.DilY, p.DilX)
	}
	if kh < 1 || kw < 1 {
		return 0, 0, fmt.Errorf("kernel %dx%d is empty", kh, kw)
	}
	if c < 1 || h < 1 || w < 1 {
		return 0, 0, fmt.Errorf("input %dx%dx%d is empty", c, h, w)
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
		if ho, err = TransposedOutSize(h, kh, p.StrideY, p.DilY, pd.Top, p.OutPadY); err != nil {
			return 0, 0, fmt.Errorf("rows: %w", err)
		}
		if wo, err = TransposedOutSize(w, kw, p.StrideX, p.DilX, pd.Left, p.OutPadX); err != nil {
			return 0, 0, fmt.Errorf("columns: %w", err)
		}
		// The zero-inserted input the ordinary convolution reads is the
		// output plus the dilated kernel's extent less one.
		eh, _ := shape.Extent(kh, p.DilY)
		ew, _ := shape.Extent(kw, p.DilX)
		zh, zerr := shape.Padded(ho, eh-1, 0)
		zw, werr := shape.Padded(wo, ew-1, 0)
		if zerr != nil || werr != nil {
			return 0, 0, fmt.Errorf("the zero-inserted input of the transposed convolution does not fit in 64 bits")
		}
		if _, err := shape.Product("the zero-inserted input", c, zh, zw); err != nil {
			return 0, 0, err
		}
		return ho, wo, nil
	}
	if p.OutPadY != 0 || p.OutPadX != 0 {
		return 0, 0, errors.New("output padding applies to transposed convolution only")
	}
	if pd.Top < 0 || pd.Bottom < 0 || pd.Left < 0 || pd.Right < 0 {
		return 0, 0, fmt.Errorf("negative padding (top %d bottom %d left %d right %d)", pd.Top, pd.Bottom, pd.Left, pd.Right)
	}
	eh, err := shape.Extent(kh, p.DilY)
	if err != nil {
		return 0, 0, fmt.Errorf("rows: %w", err)
	}
	ew, err := shape.Extent(kw, p.DilX)
	if err != nil {
		return 0, 0, fmt.Errorf("columns: %w", err)
	}
	hp, err := shape.Padded(h, pd.Top, pd.Bottom)
	if err != nil {
		return 0, 0, fmt.Errorf("rows: %w", err)
	}
	wp, err := shape.Padded(w, pd.Left, pd.Right)
	if err != nil {
		return 0, 0, fmt.Errorf("columns: %w", err)
	}
	if hp < eh || wp < ew {
		ek := fmt.Sprintf("kernel %dx%d", kh, kw)
		if p.DilY > 1 || p.DilX > 1 {
			ek += fmt.Sprintf(" (dilated %dx%d)", eh, ew)
		}
		return 0, 0, fmt.Errorf("%s is larger than the padded input %dx%d", ek, hp, wp)
	}
	if _, err := shape.Product("the padded input", c, hp, wp); err != nil {
		return 0, 0, err
	}
	ho, _ = OutSize(h, kh, p.StrideY, p.DilY, pd.Top, pd.Bottom)
	wo, _ = OutSize(w, kw, p.StrideX, p.DilX, pd.Left, pd.Right)
	return ho, wo, nil
}

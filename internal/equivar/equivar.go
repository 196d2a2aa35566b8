package equivar

import (
	"fmt"
	"image"
	"math"

	"github.com/convtool/convtool/internal/tensor"
)

// Shift returns x moved by (dy, dx): out[y][x] = x[y−dy][x−dx], zero
// where that falls outside x.
func Shift(x *tensor.Tensor, dy, dx int) *tensor.Tensor {
	out := tensor.New(x.C, x.H, x.W)
	for c := range x.C {
		src, dst := x.Plane(c), out.Plane(c)
		for y := max(0, dy); y < min(x.H, x.H+dy); y++ {
			sy := y - dy
			x0, x1 := max(0, dx), min(x.W, x.W+dx)
			copy(dst[y*x.W+x0:y*x.W+x1], src[sy*x.W+x0-dx:sy*x.W+x1-dx])
		}
	}
	return out
}

// Window is an operator's sliding-window geometry along one axis: output
// o reads input rows o·S − Pad + i·D for i in 0..K−1.
type Window struct{ K, S, D, Pad int }

// Op is the operator measured: a convolution or a pooling, run on a whole
// tensor, and its window on each axis.
type Op struct {
	Name   string
	Run    func(*tensor.Tensor) (*tensor.Tensor, error)
	WY, WX Window
}

// Report is what Measure found.
type Report struct {
	DY, DX int
	// OutDY, OutDX is the output shift, the input shift divided by the
	// stride; Exact is false when the stride does not divide the shift
	// (the output then cannot be a shifted copy).
	OutDY, OutDX int
	Exact        bool
	// Interior is the region of output samples whose windows, in f(x) and
	// in f(shift(x)), see only input samples — no padding, no border, no
	// zeros shifted in. Empty when the shift or the window is too large.
	Interior image.Rectangle
	// Equivariance is max |f(shift x) − shift(f x)| over the interior
	// (NaN unless Exact), and EquivarianceAll the same over the whole
	// output, borders included.
	Equivariance, EquivarianceAll float64
	// Unchanged is the fraction of interior outputs where f(shift x)
	// equals f(x) to within Tol (invariance); Invariance is max
	// |f(shift x) − f(x)| over the interior.
	Unchanged, Invariance float64
	// Tol is the tolerance of "equal": 1e-6 of the output's largest
	// magnitude, the rounding of float32 sums.
	Tol float64
	// Fx, Fshift are f(x) and f(shift x); EqDiff is f(shift x) −
	// shift(f x) (nil unless Exact) and InvDiff f(shift x) − f(x).
	Fx, Fshift, EqDiff, InvDiff *tensor.Tensor
}

// Measure runs op on x and on x shifted by (dy, dx).
func Measure(x *tensor.Tensor, op Op, dy, dx int) (*Report, error) {
	fx, err := op.Run(x)
	if err != nil {
		return nil, err
	}
	fs, err := op.Run(Shift(x, dy, dx))
	if err != nil {
		return nil, err
	}
	if !fx.SameShape(fs) {
		return nil, fmt.Errorf("%s gave %s and %s for inputs of one shape", op.Name, fx.Shape(), fs.Shape())
	}
	r := &Report{DY: dy, DX: dx, Fx: fx, Fshift: fs}
	r.Exact = dy%op.WY.S == 0 && dx%op.WX.S == 0
	r.OutDY, r.OutDX = dy/op.WY.S, dx/op.WX.S
	y0, y1 := interior(x.H, fx.H, dy, op.WY)
	x0, x1 := interior(x.W, fx.W, dx, op.WX)
	if y0 < y1 && x0 < x1 {
		r.Interior = image.Rect(x0, y0, x1, y1)
	}
	lo, hi := fx.MinMax()
	r.Tol = 1e-6 * math.Max(math.Max(math.Abs(float64(lo)), math.Abs(float64(hi))), 1e-30)

	r.InvDiff = diff(fs, fx)
	inside := func(y, xx int) bool { return image.Pt(xx, y).In(r.Interior) }
	var same, n int
	for c := range fs.C {
		pl := r.InvDiff.Plane(c)
		for y := range fs.H {
			for xx := range fs.W {
				if !inside(y, xx) {
					continue
				}
				d := math.Abs(float64(pl[y*fs.W+xx]))
				n++
				if d <= r.Tol {
					same++
				}
				r.Invariance = math.Max(r.Invariance, d)
			}
		}
	}
	if n > 0 {
		r.Unchanged = float64(same) / float64(n)
	}
	r.Equivariance, r.EquivarianceAll = math.NaN(), math.NaN()
	if r.Exact {
		r.EqDiff = diff(fs, Shift(fx, r.OutDY, r.OutDX))
		r.Equivariance, r.EquivarianceAll = 0, 0
		for c := range fs.C {
			pl := r.EqDiff.Plane(c)
			for y := range fs.H {
				for xx := range fs.W {
					d := math.Abs(float64(pl[y*fs.W+xx]))
					r.EquivarianceAll = math.Max(r.EquivarianceAll, d)
					if inside(y, xx) {
						r.Equivariance = math.Max(r.Equivariance, d)
					}
				}
			}
		}
	}
	return r, nil
}

func diff(a, b *tensor.Tensor) *tensor.Tensor {
	d := tensor.New(a.C, a.H, a.W)
	for i := range d.Data {
		d.Data[i] = a.Data[i] - b.Data[i]
	}
	return d
}

// interior returns the outputs [lo, hi) along one axis whose windows read
// only input samples that are real in both x and x shifted by s: rows in
// [max(0, s), n + min(0, s)). For such an output o, the window of output
// o − s/S in f(x) reads those rows minus s, which are real too.
func interior(n, outN, s int, w Window) (lo, hi int) {
	first, last := max(0, s), n+min(0, s)-1 // the usable input rows
	span := (w.K - 1) * w.D
	// o·S − Pad ≥ first and o·S − Pad + span ≤ last.
	lo = ceilDiv(first+w.Pad, w.S)
	hi = floorDiv(last-span+w.Pad, w.S) + 1
	lo, hi = max(lo, 0), min(hi, outN)
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func ceilDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

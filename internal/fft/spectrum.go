package fft

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// Spectrum returns the centred magnitude spectrum |fftshift(fft2(x))| of
// every channel of t, at t's exact size (numpy's np.abs(np.fft.fftshift(
// np.fft.fft2(x)))): the zero frequency lands at (H/2, W/2), integer halves.
// Sizes with large prime factors are exact too, only slower (the generic
// butterfly is O(n·p) per line for a prime factor p).
func Spectrum(t *tensor.Tensor) *tensor.Tensor { return SpectrumProgress(t, nil) }

// SpectrumProgress is Spectrum telling progress, if not nil, how many of
// the channels are done.
func SpectrumProgress(t *tensor.Tensor, progress func(done, total int)) *tensor.Tensor {
	out := tensor.New(t.C, t.H, t.W)
	if t.Len() == 0 {
		return out
	}
	p := NewPlan(t.H, t.W)
	spec := make([]complex64, p.SpectrumLen())
	for c := range t.C {
		p.Forward(spec, t.Plane(c), t.H, t.W, t.W)
		shiftedMagnitude(out.Plane(c), spec, t.H, t.W)
		if progress != nil {
			progress(c+1, t.C)
		}
	}
	return out
}

// shiftedMagnitude expands a half spectrum to the full H×W magnitude with
// the zero frequency moved to (H/2, W/2). The missing half mirrors the kept
// one: |F[u, v]| = |F[-u, -v]| for real input.
func shiftedMagnitude(dst []float32, spec []complex64, h, w int) {
	nc := w/2 + 1
	for u := range h {
		su := (u + h/2) % h
		mu := (h - u) % h
		out := dst[su*w : (su+1)*w]
		sv := w / 2 // where frequency v lands: (v + w/2) mod w
		for v := range w {
			var f complex64
			if v < nc {
				f = spec[u*nc+v]
			} else {
				f = spec[mu*nc+w-v]
			}
			// float32 parts squared in float64 neither overflow nor lose
			// precision, so Hypot's scaling is not needed.
			re, im := float64(real(f)), float64(imag(f))
			out[sv] = float32(math.Sqrt(re*re + im*im))
			if sv++; sv == w {
				sv = 0
			}
		}
	}
}

// KernelResponse returns the centred magnitude of k's frequency response:
// the spectrum of k zero-padded to h×w, one channel. A size smaller than
// the kernel is raised to the kernel's. Where the kernel sits in the padded
// plane changes only the phase, so the magnitude is that of any placement.
func KernelResponse(k *kernel.Kernel, h, w int) *tensor.Tensor {
	h, w = max(h, k.H, 1), max(w, k.W, 1)
	t := tensor.New(1, h, w)
	for y := range k.H {
		copy(t.Data[y*w:y*w+k.W], k.Data[y*k.W:(y+1)*k.W])
	}
	return Spectrum(t)
}

// Band is which frequencies a Filter passes.
type Band int

// Bands.
const (
	Lowpass Band = iota
	Highpass
	Bandpass
)

// Shape is the profile of a Filter's transition.
type Shape int

// Shapes.
const (
	Ideal Shape = iota
	Gaussian
	Butterworth
)

// Filter is a radially symmetric frequency-domain filter. D is the distance
// of a frequency from the centre of the shifted spectrum,
// sqrt((u−H/2)² + (v−W/2)²) with integer halves. The lowpass gains are
//
//	ideal        1 if D ≤ R, else 0
//	gaussian     exp(−D²/2R²)
//	butterworth  1 / (1 + (D/R)^(2N))
//
// Highpass is 1 − lowpass. Bandpass keeps R1 ≤ D ≤ R2 when ideal; for the
// smooth shapes it is the product lowpass(R2) · highpass(R1).
type Filter struct {
	Band  Band
	Shape Shape
	// R1 is the radius of lowpass and highpass and the inner radius of
	// bandpass; R2 is bandpass's outer radius.
	R1, R2 float64
	// Order is the Butterworth order N (default 2).
	Order int
}

// ParseFilter reads a filter from its two flags: spec
// lowpass:R|highpass:R|bandpass:R1:R2 and shape
// ideal|gaussian|butterworth[:N] (empty means ideal).
func ParseFilter(spec, shape string) (Filter, error) {
	var f Filter
	parts := strings.Split(strings.ToLower(strings.TrimSpace(spec)), ":")
	want := 2
	switch parts[0] {
	case "lowpass", "low":
		f.Band = Lowpass
	case "highpass", "high":
		f.Band = Highpass
	case "bandpass", "band":
		f.Band, want = Bandpass, 3
	default:
		return f, fmt.Errorf("filter %q: want lowpass:R, highpass:R or bandpass:R1:R2", spec)
	}
	if len(parts) != want {
		return f, fmt.Errorf("filter %q: %s takes %d radius(es)", spec, parts[0], want-1)
	}
	var r [2]float64
	for i, s := range parts[1:] {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return f, fmt.Errorf("filter %q: radius %q is not a number >= 0", spec, s)
		}
		r[i] = v
	}
	f.R1, f.R2 = r[0], r[1]
	if f.Band == Bandpass && f.R2 < f.R1 {
		return f, fmt.Errorf("filter %q: inner radius %g exceeds outer radius %g", spec, f.R1, f.R2)
	}

	sp := strings.Split(strings.ToLower(strings.TrimSpace(shape)), ":")
	switch sp[0] {
	case "", "ideal":
		f.Shape = Ideal
	case "gaussian", "gauss":
		f.Shape = Gaussian
	case "butterworth", "butter":
		f.Shape, f.Order = Butterworth, 2
	default:
		return f, fmt.Errorf("shape %q: want ideal, gaussian or butterworth[:N]", shape)
	}
	if len(sp) > 2 || (len(sp) == 2 && f.Shape != Butterworth) {
		return f, fmt.Errorf("shape %q: only butterworth takes a parameter (its order)", shape)
	}
	if len(sp) == 2 {
		n, err := strconv.Atoi(sp[1])
		if err != nil || n < 1 {
			return f, fmt.Errorf("shape %q: order %q is not a positive integer", shape, sp[1])
		}
		f.Order = n
	}
	if f.Shape != Ideal && (f.R1 == 0 || (f.Band == Bandpass && f.R2 == 0)) {
		return f, fmt.Errorf("filter %q: a %s filter needs a radius > 0", spec, sp[0])
	}
	return f, nil
}

// String returns the filter in flag form, e.g. "bandpass:4:16 butterworth:2".
func (f Filter) String() string {
	band := [...]string{"lowpass", "highpass", "bandpass"}[f.Band]
	r := strconv.FormatFloat(f.R1, 'g', -1, 64)
	if f.Band == Bandpass {
		r += ":" + strconv.FormatFloat(f.R2, 'g', -1, 64)
	}
	shape := [...]string{"ideal", "gaussian", "butterworth"}[f.Shape]
	if f.Shape == Butterworth {
		shape += ":" + strconv.Itoa(f.order())
	}
	return band + ":" + r + " " + shape
}

func (f Filter) order() int {
	if f.Order < 1 {
		return 2
	}
	return f.Order
}

// low is the lowpass gain at distance d for radius r.
func (f Filter) low(d, r float64) float64 {
	switch f.Shape {
	case Gaussian:
		return math.Exp(-d * d / (2 * r * r))
	case Butterworth:
		return 1 / (1 + math.Pow(d/r, 2*float64(f.order())))
	default:
		if d <= r {
			return 1
		}
		return 0
	}
}

// Gain returns the filter's gain at distance d from the centre.
func (f Filter) Gain(d float64) float64 {
	switch f.Band {
	case Highpass:
		return 1 - f.low(d, f.R1)
	case Bandpass:
		if f.Shape == Ideal {
			if f.R1 <= d && d <= f.R2 {
				return 1
			}
			return 0
		}
		return f.low(d, f.R2) * (1 - f.low(d, f.R1))
	default:
		return f.low(d, f.R1)
	}
}

// Apply filters every channel of t in the frequency domain at its exact
// size: the gain is applied to fft2(x) and the real part of the inverse
// transform is kept (numpy's np.real(np.fft.ifft2(np.fft.fft2(x) · G))).
// The gain depends only on |frequency|, so it is symmetric and the result
// of the half-spectrum computation is that real part exactly.
func (f Filter) Apply(t *tensor.Tensor) *tensor.Tensor { return f.ApplyProgress(t, nil) }

// ApplyProgress is Apply telling progress, if not nil, how many of its
// steps (three a channel: forward rows, columns, inverse) are done.
func (f Filter) ApplyProgress(t *tensor.Tensor, progress func(done, total int)) *tensor.Tensor {
	step := func(int) {}
	if progress != nil {
		step = func(d int) { progress(d, 3*t.C) }
	}
	out := tensor.New(t.C, t.H, t.W)
	if t.Len() == 0 {
		return out
	}
	h, w := t.H, t.W
	p := NewPlan(h, w)
	nc := p.HalfWidth()
	scale := 1 / float64(h*w)
	gain := make([]complex64, p.SpectrumLen())
	for u := range h {
		du := float64((u+h/2)%h - h/2)
		for v := range nc {
			dv := float64((v+w/2)%w - w/2)
			gain[u*nc+v] = complex(float32(f.Gain(math.Hypot(du, dv))*scale), 0)
		}
	}
	gain = p.blocked(gain)
	spec := make([]complex64, p.workLen())
	for c := range t.C {
		p.rowsForward(p.parallel, spec, p.ncPad, t.Plane(c), h, w, w)
		step(3*c + 1)
		p.columns(p.parallel, spec, p.ncPad, gain, true, true)
		step(3*c + 2)
		dst := out.Plane(c)
		p.rowsInverse(p.parallel, spec, p.ncPad, 0, 1, h, 1, rowSink{to: func(y int) []float32 {
			return dst[y*w : (y+1)*w]
		}})
		step(3*c + 3)
	}
	return out
}

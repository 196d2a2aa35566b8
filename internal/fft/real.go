package fft

import "fmt"

// realPlan is the read-only part of a real transform of length n, which
// keeps the nc = n/2+1 coefficients that real input does not repeat.
//
// An even length runs as a complex transform of half the length: the
// samples are paired, z[k] = x[2k] + i·x[2k+1], so Z = DFT_{n/2}(z) holds
// the spectra of the even and odd samples at once and one pass of
// twiddles (w^k = exp(−2πik/n)) separates and combines them:
//
//	E[k] = (Z[k] + conj Z[n/2−k]) / 2,  O[k] = (Z[k] − conj Z[n/2−k]) / 2i
//	X[k] = E[k] + w^k·O[k],             k = 0..n/2
//
// The inverse runs the same steps backwards. An odd length, which has no
// pairs, runs a complex transform of the whole length with zero imaginary
// parts. Inverses are computed as conj(DFT(conj X)), so only forward passes
// exist; the conjugations fuse with the loads and stores around them.
type realPlan struct {
	n, nc int
	cn    int        // complex length: n/2 if n is even, else n
	half  *radixPlan // the complex transform of length cn
	w     []complex64
}

func newRealPlan(n int) *realPlan {
	if n < 1 {
		panic(fmt.Sprintf("fft: bad length %d", n))
	}
	p := &realPlan{n: n, nc: n/2 + 1, cn: n}
	if n%2 == 0 {
		p.cn = n / 2
		p.w = make([]complex64, p.cn+1)
		for k := range p.w {
			p.w[k] = expi(k, n)
		}
	}
	p.half = newRadixPlan(p.cn)
	return p
}

// load puts the real sequence row (at most n values, zero-extended) into
// lane l of the lanes-wide work buffer z.
func (p *realPlan) load(z []complex64, lanes, l int, row []float32) {
	if p.n%2 != 0 {
		for k, v := range row {
			z[k*lanes+l] = complex(v, 0)
		}
		for k := len(row); k < p.n; k++ {
			z[k*lanes+l] = 0
		}
		return
	}
	pairs := len(row) / 2
	for k := range pairs {
		z[k*lanes+l] = complex(row[2*k], row[2*k+1])
	}
	k := pairs
	if len(row)%2 != 0 {
		z[k*lanes+l] = complex(row[len(row)-1], 0)
		k++
	}
	for ; k < p.cn; k++ {
		z[k*lanes+l] = 0
	}
}

// store writes lane l of the transformed buffer res as nc coefficients
// into dst.
func (p *realPlan) store(dst, res []complex64, lanes, l int) {
	dst = dst[:p.nc]
	if p.n%2 != 0 {
		for k := range dst {
			dst[k] = res[k*lanes+l]
		}
		return
	}
	m := p.cn
	z0 := res[l]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[m] = complex(real(z0)-imag(z0), 0)
	w := p.w[:m]
	for k := 1; k < m; k++ {
		a, b := res[k*lanes+l], res[(m-k)*lanes+l]
		b = complex(real(b), -imag(b))
		e := a + b          // 2·E[k]
		o := mulNegI(a - b) // 2·O[k]
		dst[k] = mulReal(e+o*w[k], 0.5)
	}
}

// storeLanes writes every lane of res as for store, into dst[l] for lane
// l, with the combination step in assembly where there is one (realPost,
// which uses spare, a buffer as long as res).
func (p *realPlan) storeLanes(dst [][]complex64, res, spare []complex64) {
	lanes, m := len(dst), p.cn
	if p.n%2 != 0 || !realPost(spare, res, p.w, m, lanes) {
		for l, d := range dst {
			p.store(d, res, lanes, l)
		}
		return
	}
	if lanes == 8 {
		storeLanes8(dst, spare, m)
	}
	for l, d := range dst {
		d = d[:p.nc]
		z0 := res[l]
		d[0] = complex(real(z0)+imag(z0), 0)
		d[m] = complex(real(z0)-imag(z0), 0)
		if lanes == 8 {
			continue
		}
		for k := 1; k < m; k++ {
			d[k] = spare[k*lanes+l]
		}
	}
}

// loadSpec puts the conjugate of the half-length complex sequence whose
// transform yields the real inverse of spec (nc coefficients) into lane l
// of z. The imaginary parts of spec[0] (and spec[n/2] for even n) are
// ignored, as for any real inverse transform.
func (p *realPlan) loadSpec(z []complex64, lanes, l int, spec []complex64) {
	spec = spec[:p.nc]
	if p.n%2 != 0 {
		for k, v := range spec {
			z[k*lanes+l] = complex(real(v), -imag(v))
		}
		for k := p.nc; k < p.n; k++ {
			z[k*lanes+l] = spec[p.n-k]
		}
		z[l] = complex(real(spec[0]), 0)
		return
	}
	m := p.cn
	w := p.w[:m+1]
	for k := range m {
		a, b := spec[k], spec[m-k]
		if k == 0 {
			a, b = complex(real(a), 0), complex(real(b), 0)
		}
		b = complex(real(b), -imag(b))
		e := a + b
		wk := w[k]
		o := (a - b) * complex(real(wk), -imag(wk))
		// Z = E + i·O; store conj Z.
		zr, zi := real(e)-imag(o), imag(e)+real(o)
		z[k*lanes+l] = complex(zr, -zi)
	}
}

// loadSpecLanes is loadSpec for every lane, spec[l] being lane l's nc
// coefficients, with the split step in assembly where there is one
// (realPre, which needs g: (n/2+1)·lanes values to gather the spectra in
// the lane layout). If conjd, spec holds the conjugates of the
// coefficients (as Plan.columns leaves them after an inverse), conjugated
// back on the way in; spec may then be overwritten.
func (p *realPlan) loadSpecLanes(z []complex64, spec [][]complex64, g []complex64, conjd bool) {
	lanes, m := len(spec), p.cn
	if p.n%2 != 0 || !hasRealPre(m, lanes) {
		for l, sp := range spec {
			if conjd {
				conj(sp[:p.nc])
			}
			p.loadSpec(z, lanes, l, sp)
		}
		return
	}
	g = g[:(m+1)*lanes]
	switch {
	case lanes == 8 && conjd:
		gather8Conj(g, spec)
	case lanes == 8:
		gather8(g, spec)
	}
	for l, sp := range spec {
		sp = sp[:m+1]
		if lanes != 8 {
			for k, v := range sp {
				if conjd {
					v = complex(real(v), -imag(v))
				}
				g[k*lanes+l] = v
			}
		}
		// k = 0 here, as loadSpec does it: only real parts count.
		a, b := real(sp[0]), real(sp[m])
		z[l] = complex(a+b, -(a - b))
	}
	realPre(z, g, p.w, m, lanes)
}

// storeReal writes lane l of res, the transform of what loadSpec loaded,
// as n real values times scale into row.
func (p *realPlan) storeReal(row []float32, res []complex64, lanes, l int, scale float32) {
	row = row[:p.n]
	if p.n%2 != 0 {
		for k := range row {
			row[k] = real(res[k*lanes+l]) * scale
		}
		return
	}
	for k := range p.cn {
		v := res[k*lanes+l]
		row[2*k] = real(v) * scale
		row[2*k+1] = -imag(v) * scale
	}
}

// Real computes unnormalised discrete Fourier transforms of real float32
// sequences of one length n: Forward keeps the n/2+1 coefficients real
// input does not repeat, and Inverse(Forward(x)) is n·x (numpy's rfft and
// irfft without irfft's 1/n). Any n ≥ 1 works; products of 2, 3 and 5
// (GoodSize) are fastest, large prime factors cost O(n·p).
//
// A Real owns its work buffers: it is not safe for concurrent use.
type Real struct {
	p     *realPlan
	z, zs []complex64
	tmp   []complex64
}

// NewReal returns a transform of length n. It panics if n < 1.
func NewReal(n int) *Real {
	p := newRealPlan(n)
	return &Real{
		p:   p,
		z:   make([]complex64, p.cn),
		zs:  make([]complex64, p.cn),
		tmp: make([]complex64, p.half.tmpLen),
	}
}

// Forward computes the n/2+1 coefficients of src, zero-extended to n
// values, into dst (nil allocates) and returns dst. It panics if src is
// longer than n or dst does not hold n/2+1 values.
func (r *Real) Forward(dst []complex64, src []float32) []complex64 {
	if len(src) > r.p.n {
		panic(fmt.Sprintf("fft: %d values for a length-%d transform", len(src), r.p.n))
	}
	if dst == nil {
		dst = make([]complex64, r.p.nc)
	} else if len(dst) != r.p.nc {
		panic("fft: coefficient slice length mismatch")
	}
	r.p.load(r.z, 1, 0, src)
	res, _ := r.p.half.run(r.z, r.zs, r.tmp, 1)
	r.p.store(dst, res, 1, 0)
	return dst
}

// Inverse computes the n real values whose coefficients are src (n/2+1
// of them), times n, into dst (nil allocates) and returns dst. The
// imaginary parts of the zero and (for even n) Nyquist coefficients are
// ignored.
func (r *Real) Inverse(dst []float32, src []complex64) []float32 {
	if len(src) != r.p.nc {
		panic("fft: coefficient slice length mismatch")
	}
	if dst == nil {
		dst = make([]float32, r.p.n)
	} else if len(dst) != r.p.n {
		panic("fft: sequence length mismatch")
	}
	r.p.loadSpec(r.z, 1, 0, src)
	res, _ := r.p.half.run(r.z, r.zs, r.tmp, 1)
	r.p.storeReal(dst, res, 1, 0, 1)
	return dst
}

package conv

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// Filter applies one 2-D kernel to every channel on its own, as an image
// filter does. It computes cross-correlation (out[y][x] = Σ k[i][j] ·
// in[y·s+i·d][x·s+j·d] over the padded input); callers pass k.Rotate180()
// for true convolution. With p.Transpose each channel goes through
// conv_transpose2d with k. It returns the method actually used: Auto
// resolved by Choose, and Separable falls back to Direct when k is not
// rank 1.
func Filter(in *tensor.Tensor, k *kernel.Kernel, p Params, m Method) (*tensor.Tensor, Method, error) {
	if in == nil || k == nil {
		return nil, "", errors.New("conv: nil input or kernel")
	}
	if len(k.Data) != k.H*k.W {
		return nil, "", fmt.Errorf("kernel %dx%d holds %d values", k.H, k.W, len(k.Data))
	}
	pr, err := prepare(in, p, k.H, k.W)
	if err != nil {
		return nil, "", err
	}
	kk := k
	if p.Transpose {
		kk = k.Rotate180()
	}
	pr.outC, pr.inPerG, pr.groups = in.C, 1, in.C
	pr.w = make([]float32, in.C*len(kk.Data))
	for c := range in.C {
		copy(pr.w[c*len(kk.Data):], kk.Data)
	}
	col, row, rank1 := rankOne(kk.H, kk.W, kk.Data)
	rep := newReport(p.Report)
	asked := m
	if m == "" || m == Auto {
		m, rep.Reason = choose(pr.workload(true, rank1))
		rep.chosen = m
	}
	m = finiteOnlyFFT(m, in)
	defer pr.release()
	var out *tensor.Tensor
	switch m {
	case Direct:
		out = direct(pr)
	case Separable:
		if !rank1 {
			out, m = direct(pr), Direct
			break
		}
		out = separable(pr, col, row)
	case GEMM:
		out = gemm(pr)
	case FFT:
		if out, err = filterFFT(pr.input(), kk, pr.fftParams()); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", fmt.Errorf("unknown method %q", m)
	}
	rep.done(asked, m)
	return out, m, nil
}

// report times one call and fills in Params.Report, if any, when done.
type report struct {
	*Report
	start  time.Time
	chosen Method // auto's choice, before a non-finite input turns FFT into Direct
}

func newReport(r *Report) *report {
	if r == nil {
		r = new(Report)
	}
	*r = Report{}
	return &report{Report: r, start: time.Now()}
}

// done records what ran: m, asked for as asked.
func (r *report) done(asked, m Method) {
	r.Compute = time.Since(r.start)
	r.Method = m
	switch {
	case asked != "" && asked != Auto && asked != m:
		r.Reason = fmt.Sprintf("%s does not apply here, so %s ran", asked, m)
	case r.chosen != "" && r.chosen != m:
		r.Reason += fmt.Sprintf("; %s ran instead: the input holds NaN or Inf", m)
	}
}

// Layer applies a convolution layer with PyTorch's semantics. For an
// ordinary convolution w is (C_out, C_in/groups, kH, kW) as in F.conv2d;
// with p.Transpose it is (C_in, C_out/groups, kH, kW) as in
// F.conv_transpose2d, Pad.Top/Left are its padding p, and only Edge Zero is
// allowed. bias is nil or one value per output channel. Separable is not a
// layer method and falls back to Direct; FFT runs one 2-D correlation per
// (output, input) channel pair. A caller that runs the same weights again
// (a network, a batch) makes a LayerPlan once instead.
func Layer(in *tensor.Tensor, w *kernel.Bank, bias []float32, p Params, m Method) (*tensor.Tensor, Method, error) {
	lp, err := NewLayerPlan(w, bias, p)
	if err != nil {
		return nil, "", err
	}
	return lp.Apply(in, p, m)
}

// LayerPlan is a convolution layer's weights made ready once, to run many
// times: checked, a transposed layer's turned into the ordinary
// convolution's, and their nonzero count taken (the cost model reads it for
// auto, and counting is a pass over every weight: about a tenth of a
// ResNet-18 forward when done on every call). The plan keeps w's data and
// bias without copying them; they must not change while it is in use.
type LayerPlan struct {
	w          []float32 // (outC, inPerG, kh, kw): the ordinary convolution's
	bias       []float32
	n0, n1     int
	kh, kw     int
	outC       int
	groups     int
	transposed bool
	nonzero    int

	// packed caches gemm's packed weights (packWeights) for the
	// micro-kernel height it was packed for: weights packed once per
	// layer, not once per call.
	mu       sync.Mutex
	packed   []float32
	packedMR int
	packedK  int
}

// packedWeights returns the plan's weights packed for gemm, packing them
// on first use (and again if the micro-kernel changed).
func (lp *LayerPlan) packedWeights(groups, outPerG, K, mr int) []float32 {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if lp.packed == nil || lp.packedMR != mr || lp.packedK != K {
		lp.packed, lp.packedMR, lp.packedK = packWeights(lp.w, groups, outPerG, K, mr), mr, K
	}
	return lp.packed
}

// NewLayerPlan checks w and bias against the groups and direction in p
// (the rest of p may differ per call) and prepares them as Layer would.
func NewLayerPlan(w *kernel.Bank, bias []float32, p Params) (*LayerPlan, error) {
	if w == nil {
		return nil, errors.New("conv: nil weights")
	}
	if len(w.Data) != w.N0*w.N1*w.KH*w.KW || w.N0 < 1 || w.N1 < 1 {
		return nil, fmt.Errorf("weights %dx%dx%dx%d hold %d values", w.N0, w.N1, w.KH, w.KW, len(w.Data))
	}
	g := p.Groups
	if g < 1 {
		return nil, fmt.Errorf("groups %d: must be at least 1", g)
	}
	lp := &LayerPlan{bias: bias, n0: w.N0, n1: w.N1, kh: w.KH, kw: w.KW, groups: g, transposed: p.Transpose}
	if p.Transpose {
		if w.N0%g != 0 {
			return nil, fmt.Errorf("groups %d do not divide the %d input channels", g, w.N0)
		}
		lp.outC, lp.w = w.N1*g, transposedWeights(w, g)
	} else {
		if w.N0%g != 0 {
			return nil, fmt.Errorf("groups %d do not divide the %d output channels", g, w.N0)
		}
		lp.outC, lp.w = w.N0, w.Data
	}
	if bias != nil && len(bias) != lp.outC {
		return nil, fmt.Errorf("bias has %d values for %d output channels", len(bias), lp.outC)
	}
	for _, v := range lp.w {
		if v != 0 {
			lp.nonzero++
		}
	}
	return lp, nil
}

// Prepack packs the plan's weights for the gemm micro-kernel now, if
// Apply on a c×h×w input with p and m would run gemm on them, so that the
// first Apply does not pay for it: a network packs its layers' weights as
// it loads them (forward.Build), as it would otherwise do on its first
// run. A transposed plan, or another method, needs nothing.
func (lp *LayerPlan) Prepack(c, h, w int, p Params, m Method) error {
	if lp.transposed || c%lp.groups != 0 {
		return nil
	}
	pr, err := prepare(&tensor.Tensor{C: c, H: h, W: w}, p, lp.kh, lp.kw) // the shape alone: no data is read
	if err != nil {
		return err
	}
	pr.outC, pr.inPerG, pr.groups = lp.outC, c/lp.groups, lp.groups
	pr.w, pr.nonzero, pr.plan = lp.w, lp.nonzero, lp
	if m == "" || m == Auto {
		m, _ = choose(pr.workload(false, false))
	}
	kern := simd.Sgemm()
	if m == GEMM && pr.gemmPacksA(kern) {
		pr.packedA(lp.outC/lp.groups, pr.inPerG*lp.kh*lp.kw, kern.MR)
	}
	return nil
}

// Apply runs the layer on in with the geometry, report and progress in p,
// whose Groups and Transpose must be the plan's. It returns the method
// that ran, as Layer does.
func (lp *LayerPlan) Apply(in *tensor.Tensor, p Params, m Method) (*tensor.Tensor, Method, error) {
	if in == nil {
		return nil, "", errors.New("conv: nil input")
	}
	g := lp.groups
	if p.Groups != g || p.Transpose != lp.transposed {
		return nil, "", fmt.Errorf("conv: the plan was made for %d groups (transposed %v), not %d (%v)", g, lp.transposed, p.Groups, p.Transpose)
	}
	if in.C%g != 0 {
		return nil, "", fmt.Errorf("groups %d do not divide the %d input channels", g, in.C)
	}
	if lp.transposed {
		if lp.n0 != in.C {
			return nil, "", fmt.Errorf("transposed weights %dx%dx%dx%d expect %d input channels, the input has %d", lp.n0, lp.n1, lp.kh, lp.kw, lp.n0, in.C)
		}
	} else if lp.n1*g != in.C {
		return nil, "", fmt.Errorf("weights %dx%dx%dx%d with %d groups expect %d input channels, the input has %d", lp.n0, lp.n1, lp.kh, lp.kw, g, lp.n1*g, in.C)
	}
	pr, err := prepare(in, p, lp.kh, lp.kw)
	if err != nil {
		return nil, "", err
	}
	pr.outC, pr.inPerG, pr.groups = lp.outC, in.C/g, g
	pr.w, pr.nonzero, pr.plan = lp.w, lp.nonzero, lp
	rep := newReport(p.Report)
	asked := m
	if m == "" || m == Auto {
		m, rep.Reason = choose(pr.workload(false, false))
		rep.chosen = m
	}
	m = finiteOnlyFFT(m, in)
	defer pr.release()
	var out *tensor.Tensor
	switch m {
	case Direct, Separable:
		out, m = direct(pr), Direct
	case GEMM:
		out = gemm(pr)
	case FFT:
		if out, err = layerFFT(pr); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", fmt.Errorf("unknown method %q", m)
	}
	if lp.bias != nil {
		for o, b := range lp.bias {
			for i, pl := 0, out.Plane(o); i < len(pl); i++ {
				pl[i] += b
			}
		}
	}
	rep.done(asked, m)
	return out, m, nil
}

// prepare validates p and builds the padded input that every method
// correlates. A transposed convolution becomes the ordinary one the notes
// describe: s-1 zeros between input samples, d(k-1)-p zeros around (a crop
// when p is larger), output padding at the bottom and right, stride 1, and
// the kernel turned by 180° (done by the callers).
func prepare(in *tensor.Tensor, p Params, kh, kw int) (*problem, error) {
	ho, wo, err := p.check(in.C, in.H, in.W, kh, kw)
	if err != nil {
		return nil, err
	}
	pr := &problem{kh: kh, kw: kw, dy: p.DilY, dx: p.DilX, ho: ho, wo: wo, progress: p.Progress, nonzero: -1, pool: p.Pool}
	if p.Transpose {
		ey, ex := p.DilY*(kh-1)-p.Pad.Top, p.DilX*(kw-1)-p.Pad.Left
		pr.in = zeroInserted(in, p.StrideY, p.StrideX, ey, ey+p.OutPadY, ex, ex+p.OutPadX)
		pr.inC, pr.hp, pr.wp = pr.in.C, pr.in.H, pr.in.W
		pr.sy, pr.sx = 1, 1
		if p.StrideY > 1 {
			pr.live = make([]bool, pr.in.H)
			for y := range in.H {
				if py := y*p.StrideY + ey; py >= 0 && py < pr.in.H {
					pr.live[py] = true
				}
			}
		}
	} else {
		pd := p.Pad
		pr.pad = newPadSpec(in, pd.Top, pd.Bottom, pd.Left, pd.Right, p.Edge)
		pr.inC, pr.hp, pr.wp = in.C, pr.pad.hp, pr.pad.wp
		pr.sy, pr.sx = p.StrideY, p.StrideX
	}
	return pr, nil
}

// transposedWeights turns conv_transpose2d weights (C_in, C_out/g, kh, kw)
// into the ordinary convolution's (C_out, C_in/g, kh, kw), each kernel
// turned by 180°.
func transposedWeights(w *kernel.Bank, g int) []float32 {
	inPerG, outPerG := w.N0/g, w.N1
	ksz := w.KH * w.KW
	out := make([]float32, w.N0*w.N1*ksz)
	for gi := range g {
		for ii := range inPerG {
			for oo := range outPerG {
				src := w.Data[((gi*inPerG+ii)*outPerG+oo)*ksz:][:ksz]
				dst := out[((gi*outPerG+oo)*inPerG+ii)*ksz:][:ksz]
				for j, v := range src {
					dst[ksz-1-j] = v
				}
			}
		}
	}
	return out
}

// fftParams is the stride and dilation filterFFT applies to pr.in.
func (pr *problem) fftParams() Params {
	return Params{StrideY: pr.sy, StrideX: pr.sx, DilY: pr.dy, DilX: pr.dx, Groups: 1}
}

// layerFFT runs filterFFT once per (output, input) channel pair and sums.
func layerFFT(pr *problem) (*tensor.Tensor, error) {
	out := tensor.New(pr.outC, pr.ho, pr.wo)
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	in := pr.input()
	for o := range pr.outC {
		g := o / outPerG
		dst := out.Plane(o)
		for i := range pr.inPerG {
			c := g*pr.inPerG + i
			plane, _ := tensor.FromData(1, in.H, in.W, in.Plane(c))
			k := &kernel.Kernel{H: pr.kh, W: pr.kw, Data: pr.w[(o*pr.inPerG+i)*ksz:][:ksz]}
			r, err := filterFFT(plane, k, pr.fftParams())
			if err != nil {
				return nil, err
			}
			for j, v := range r.Data {
				dst[j] += v
			}
		}
	}
	return out, nil
}

// rankOne reports whether the h×w kernel data is the outer product col ×
// row, and returns the factors. It divides by the largest element's row
// and column (exact for a true outer product, up to float32 rounding) and
// accepts when every element is reproduced to 1e-6 of the largest: ample
// for outer products rounded to float32 (relative error ~6e-8), tight
// enough that a kernel that is only nearly rank 1 goes to direct instead of
// being silently approximated.
func rankOne(h, w int, data []float32) (col, row []float32, ok bool) {
	col, row = make([]float32, h), make([]float32, w)
	pi, big := 0, 0.0
	for i, v := range data {
		if a := math.Abs(float64(v)); a > big {
			pi, big = i, a
		}
	}
	if big == 0 {
		return col, row, true
	}
	r, c := pi/w, pi%w
	pivot := float64(data[pi])
	for i := range h {
		col[i] = data[i*w+c]
	}
	for j := range w {
		row[j] = float32(float64(data[r*w+j]) / pivot)
	}
	for i := range h {
		for j := range w {
			if math.Abs(float64(data[i*w+j])-float64(col[i])*float64(row[j])) > 1e-6*big {
				return nil, nil, false
			}
		}
	}
	return col, row, true
}

// finiteOnlyFFT turns FFT into Direct when in holds a NaN or an infinity:
// a transform spreads one non-finite sample over the whole plane, where a
// sum in the spatial domain keeps it inside the windows that cover it (as
// PyTorch and scipy do). The returned method says which ran.
func finiteOnlyFFT(m Method, in *tensor.Tensor) Method {
	if m != FFT {
		return m
	}
	for _, v := range in.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return Direct
		}
	}
	return m
}

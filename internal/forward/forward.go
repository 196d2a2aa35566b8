package forward

import (
	"fmt"
	"math"
	"time"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/pool"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensor"
)

// Model is a walked network with its weights checked and laid out for
// evaluation.
type Model struct {
	Net *shape.NetResult
	// steps are the layers, in order, ready to run.
	steps []step
	// uses counts, per owner, the readers of its buffer (the final output
	// counts one more, so it is never dropped).
	uses []int
	// pool recycles the storage of outputs no later layer reads into the
	// outputs of later layers (and of later runs): a run after the first
	// finds its buffers mapped and warm, as PyTorch's allocator does.
	pool *tensor.Pool
}

// step is one layer prepared for Run.
type step struct {
	r    *shape.Result
	src  int   // index of the layer whose output feeds this one (-1: the input)
	refs []int // other operands (add)
	run  runFunc
	// owner is the layer whose buffer this output is: itself, or for a
	// layer that passes its input through (identity, dropout, flatten) its
	// source's owner.
	owner int
}

// Build walks n at input size in (nil: as written), checks w against the
// tensors the layers need (every problem in one *WeightsError naming
// file) and prepares each layer. Layer kinds it cannot run are refused
// here, before any computation.
func Build(n *shape.Network, in *shape.Dims, w Weights, file string) (*Model, error) {
	return BuildWith(n, in, w, file, conv.Auto)
}

// BuildWith is Build with every convolution run by method (conv.Auto asks
// conv.Choose layer by layer), for benchmarks and comparisons.
func BuildWith(n *shape.Network, in *shape.Dims, w Weights, file string, method conv.Method) (*Model, error) {
	res, err := shape.Walk(n, in)
	if err != nil {
		return nil, err
	}
	if err := Check(res, w, file); err != nil {
		return nil, err
	}
	m := &Model{Net: res, pool: new(tensor.Pool)}
	index := map[string]int{}
	for i := range res.Layers {
		r := res.Layers[i].Result
		l := r.Layer
		// Inputs names what the layer reads: its source, then the other
		// operands of add, mul and concat.
		st := step{r: r, src: -1}
		for j, name := range res.Layers[i].Inputs {
			if j == 0 {
				st.src = index[name]
			} else {
				st.refs = append(st.refs, index[name])
			}
		}
		if st.run, err = prepare(r, w, method, m.pool); err != nil {
			return nil, &shape.LineError{File: n.Name, Line: l.Line, Msg: fmt.Sprintf("%s (%s): %v", l.Name, l.Spec(false), err)}
		}
		st.owner = i
		if st.src >= 0 && (l.Kind == shape.Identity || l.Kind == shape.Dropout || l.Kind == shape.Flatten) {
			st.owner = m.steps[st.src].owner
		}
		index[l.Name] = i
		m.steps = append(m.steps, st)
	}
	m.uses = make([]int, len(m.steps))
	for _, st := range m.steps {
		for _, k := range append([]int{st.src}, st.refs...) {
			if k >= 0 {
				m.uses[m.steps[k].owner]++
			}
		}
	}
	m.uses[m.steps[len(m.steps)-1].owner]++
	return m, nil
}

// LayerOutput is what Run reports for every layer as it finishes.
type LayerOutput struct {
	Index int
	Layer shape.Layer
	// Out is valid only until the hook returns: a later layer may
	// overwrite it in place. Clone it to keep it.
	Out    *tensor.Tensor
	Elapse time.Duration
}

// Run evaluates the model on x, which must have the walked input's size
// and is not modified, and returns the last layer's output. hook, if set,
// sees every layer's output in order (see LayerOutput.Out).
//
// An elementwise layer (activations, bn, add) writes over its input when
// no later layer reads that input, and an output is dropped after its last
// reader, so the memory held is about the widest layer's, not the sum.
func (m *Model) Run(x *tensor.Tensor, hook func(LayerOutput) error) (*tensor.Tensor, error) {
	in := m.Net.Input
	if x.C != in.C || x.H != in.H || x.W != in.W {
		return nil, fmt.Errorf("input is %dx%dx%d (HxWxC), the network was built for %s", x.H, x.W, x.C, in)
	}
	outs := make([]*tensor.Tensor, len(m.steps))
	uses := append([]int(nil), m.uses...)
	for i, st := range m.steps {
		start := time.Now()
		src := x
		if st.src >= 0 {
			src = outs[st.src]
		}
		refs := make([]*tensor.Tensor, len(st.refs))
		for j, k := range st.refs {
			refs[j] = outs[k]
		}
		// The input layer's buffer is the caller's: never written over.
		inPlace := st.src > 0 && uses[m.steps[st.src].owner] == 1 && m.steps[st.src].owner != 0
		out, err := st.run(src, refs, inPlace)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", st.r.Layer.Name, err)
		}
		if o := st.r.Out; out.C != o.C || out.H != o.H || out.W != o.W {
			return nil, fmt.Errorf("%s: computed %dx%dx%d (HxWxC), shape says %s", st.r.Layer.Name, out.H, out.W, out.C, o)
		}
		outs[i] = out
		if hook != nil {
			if err := hook(LayerOutput{Index: i, Layer: st.r.Layer, Out: out, Elapse: time.Since(start)}); err != nil {
				return nil, err
			}
		}
		for _, k := range append([]int{st.src}, st.refs...) {
			if k < 0 {
				continue
			}
			if o := m.steps[k].owner; uses[o] > 0 {
				uses[o]--
			}
		}
		for k := range outs[:i] {
			if t := outs[k]; t != nil && uses[m.steps[k].owner] == 0 {
				outs[k] = nil
				// Recycle the storage unless the caller's input or a
				// live output (an in-place or pass-through layer's)
				// still holds it.
				if !overlaps(t.Data, x.Data) && !anyOverlaps(t.Data, outs[:i+1]) {
					m.pool.Put(t)
				}
			}
		}
	}
	return outs[len(outs)-1], nil
}

// runFunc computes one layer from its input x and other operands refs;
// with inPlace it may write its result over x.
type runFunc = func(x *tensor.Tensor, refs []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error)

// prepare returns the function that computes layer r, with its weights
// bound. It is the one switch over layer kinds.
func prepare(r *shape.Result, w Weights, method conv.Method, tp *tensor.Pool) (runFunc, error) {
	l := r.Layer
	get := func(suffix string) []float32 {
		if a, ok := w[l.Name+"."+suffix]; ok {
			return a.Data
		}
		return nil
	}
	switch l.Kind {
	case shape.Input, shape.Identity, shape.Dropout:
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) { return x, nil }, nil
	case shape.Conv, shape.DWConv, shape.ConvT:
		return convLayer(r, get("weight"), get("bias"), method, tp)
	case shape.BatchNorm:
		return batchNorm(get("weight"), get("bias"), get("running_mean"), get("running_var"), l.Eps, tp), nil
	case shape.FC:
		return fc(r.Out.C, get("weight"), get("bias")), nil
	case shape.ReLU:
		return clamp(0, float32(math.Inf(1)), tp), nil
	case shape.ReLU6:
		return clamp(0, 6, tp), nil
	case shape.Tanh:
		return pointwise(func(v float32) float32 { return float32(math.Tanh(float64(v))) }), nil
	case shape.Sigmoid:
		return pointwise(sigmoid), nil
	case shape.LRN:
		c := l.LRN
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return lrn(x, c), nil
		}, nil
	case shape.MaxPool, shape.AvgPool:
		g := r.Geom
		if g.PadLo != g.PadHi {
			return nil, fmt.Errorf("padding %s before and %s after: pooling pads both sides alike", g.PadLo, g.PadHi)
		}
		p := pool.Params{Op: pool.Max, KH: g.Kernel.H, KW: g.Kernel.W, SH: g.Stride.H, SW: g.Stride.W,
			PH: g.PadLo.H, PW: g.PadLo.W, DH: g.Dilation.H, DW: g.Dilation.W, Ceil: l.Ceil, CountIncludePad: true}
		if l.Kind == shape.AvgPool {
			p.Op = pool.Avg
		}
		oh, ow := r.Out.H, r.Out.W
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return byChannels(x, oh, ow, func(b *tensor.Tensor) (*tensor.Tensor, error) { return pool.Pool(b, p) })
		}, nil
	case shape.AdaptAvg, shape.AdaptMax, shape.GAP:
		op, oh, ow := pool.Avg, r.Out.H, r.Out.W
		if l.Kind == shape.AdaptMax {
			op = pool.Max
		}
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return byChannels(x, oh, ow, func(b *tensor.Tensor) (*tensor.Tensor, error) { return pool.Adaptive(b, op, oh, ow) })
		}, nil
	case shape.Flatten:
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return tensor.FromData(x.Len(), 1, 1, x.Data)
		}, nil
	case shape.SiLU:
		return pointwise(silu), nil
	case shape.GELU:
		if l.Tanh {
			return pointwise(geluTanh), nil
		}
		return pointwise(gelu), nil
	case shape.HardSwish:
		return pointwise(hardSwish), nil
	case shape.HardSig:
		return pointwise(hardSigmoid), nil
	case shape.LeakyReLU:
		return pointwise(leakyReLU(float32(l.Slope))), nil
	case shape.Mish:
		return pointwise(mish), nil
	case shape.Softmax:
		return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
			return softmaxChannels(x, inPlace), nil
		}, nil
	case shape.Concat:
		return func(x *tensor.Tensor, refs []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return concat(append([]*tensor.Tensor{x}, refs...))
		}, nil
	case shape.Mul:
		return func(x *tensor.Tensor, refs []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
			return mul(x, refs[0], inPlace)
		}, nil
	case shape.Upsample:
		oh, ow := r.Out.H, r.Out.W
		// torch steps through the input by 1/scale_factor when a scale
		// is given (floor(H·s) need not be H·s), else by in/out.
		sh, sw := float32(float64(r.In.H)/float64(oh)), float32(float64(r.In.W)/float64(ow))
		if l.Scale > 0 {
			sh, sw = float32(1/l.Scale), float32(1/l.Scale)
		}
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			if l.AlignCorners {
				return upsampleAligned(x, oh, ow), nil
			}
			return upsample(x, oh, ow, sh, sw, l.Bilinear), nil
		}, nil
	case shape.Pad:
		e := l.Edges
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return zeroPad(x, e.Top, e.Bottom, e.Left, e.Right), nil
		}, nil
	case shape.Linear:
		wt, b, n := get("weight"), get("bias"), r.Out.C
		return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
			return linearChannels(x, n, wt, b), nil
		}, nil
	case shape.LayerNorm:
		wt, b, eps := get("weight"), get("bias"), l.Eps
		return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
			return layerNormChannels(x, wt, b, eps, inPlace), nil
		}, nil
	case shape.GroupNorm:
		wt, b, g, eps := get("weight"), get("bias"), l.Groups, l.Eps
		return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
			return groupNorm(x, g, wt, b, eps, inPlace), nil
		}, nil
	case shape.Add:
		return func(x *tensor.Tensor, refs []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
			out := x
			if !inPlace {
				out = x.Clone()
			}
			r := refs[0].Data
			parallelRange(len(out.Data), func(lo, hi int) {
				o := out.Data[lo:hi]
				for i, v := range r[lo:hi] {
					o[i] += v
				}
			})
			return out, nil
		}, nil
	}
	return nil, fmt.Errorf("layer type %q cannot run yet", l.Kind)
}

func sigmoid(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }

// clamp is ReLU (lo 0, hi +Inf) and ReLU6 (0, 6): min(max(v, lo), hi),
// NaN kept, with the loop written out (through pointwise, a function call
// a value made the ReLU after ResNet's stem 2 ms of a 30 ms forward).
func clamp(lo, hi float32, tp *tensor.Pool) runFunc {
	return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
		out := x
		if !inPlace {
			out = tp.Get(x.C, x.H, x.W)
		}
		parallelRange(len(x.Data), func(a, b int) {
			o := out.Data[a:b]
			for i, v := range x.Data[a:b] {
				o[i] = min(max(v, lo), hi)
			}
		})
		return out, nil
	}
}

// pointwise applies f to every value into a new tensor.
func pointwise(f func(float32) float32) runFunc {
	return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
		out := x
		if !inPlace {
			out = tensor.New(x.C, x.H, x.W)
		}
		parallelRange(len(x.Data), func(lo, hi int) {
			o := out.Data[lo:hi]
			for i, v := range x.Data[lo:hi] {
				o[i] = f(v)
			}
		})
		return out, nil
	}
}

// convLayer binds a convolution's weights and geometry into a
// conv.LayerPlan once, at Build: auto's count of nonzero weights (and a
// transposed layer's turned weights) are not redone on every run.
func convLayer(r *shape.Result, w, bias []float32, method conv.Method, tp *tensor.Pool) (runFunc, error) {
	l, g := r.Layer, r.Geom
	p := conv.NewParams()
	p.Pool = tp
	p.StrideY, p.StrideX = g.Stride.H, g.Stride.W
	p.DilY, p.DilX = g.Dilation.H, g.Dilation.W
	p.Pad = conv.Pad{Top: g.PadLo.H, Bottom: g.PadHi.H, Left: g.PadLo.W, Right: g.PadHi.W}
	p.Groups = l.Groups
	bank := &kernel.Bank{Name: l.Name, N0: r.Out.C, KH: l.Kernel.H, KW: l.Kernel.W, Data: w}
	switch l.Kind {
	case shape.DWConv:
		p.Groups = r.In.C
		bank.N1 = 1
	case shape.ConvT:
		p.Transpose = true
		bank.N0, bank.N1 = r.In.C, r.Out.C/l.Groups
		// The output padding is what the walked size needs beyond the
		// padded transposed size (shape resolved "same" into it).
		bh, err := conv.TransposedOutSize(r.In.H, g.Kernel.H, g.Stride.H, g.Dilation.H, g.PadLo.H, 0)
		if err != nil {
			return nil, err
		}
		bw, err := conv.TransposedOutSize(r.In.W, g.Kernel.W, g.Stride.W, g.Dilation.W, g.PadLo.W, 0)
		if err != nil {
			return nil, err
		}
		p.OutPadY, p.OutPadX = r.Out.H-bh, r.Out.W-bw
	default:
		bank.N1 = r.In.C / l.Groups
	}
	lp, err := conv.NewLayerPlan(bank, bias, p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Name, err)
	}
	// Pack the weights for the micro-kernel now, with the loading, not
	// in the first run's arithmetic.
	if err := lp.Prepack(r.In.C, r.In.H, r.In.W, p, method); err != nil {
		return nil, fmt.Errorf("%s: %w", l.Name, err)
	}
	return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
		out, _, err := lp.Apply(x, p, method)
		return out, err
	}, nil
}

// batchNorm folds eval-mode batch norm into one scale and shift a channel,
// computed in float64 as torch computes (x−mean)/sqrt(var+eps)·w+b.
func batchNorm(w, b, mean, variance []float32, eps float64, tp *tensor.Pool) runFunc {
	scale := make([]float32, len(w))
	shift := make([]float32, len(w))
	for c := range w {
		s := float64(w[c]) / math.Sqrt(float64(variance[c])+eps)
		scale[c] = float32(s)
		shift[c] = float32(float64(b[c]) - float64(mean[c])*s)
	}
	return func(x *tensor.Tensor, _ []*tensor.Tensor, inPlace bool) (*tensor.Tensor, error) {
		out := x
		if !inPlace {
			out = tp.Get(x.C, x.H, x.W)
		}
		parallelRange(x.C, func(lo, hi int) {
			for c := lo; c < hi; c++ {
				src, dst := x.Plane(c), out.Plane(c)
				s, t := scale[c], shift[c]
				for i, v := range src {
					dst[i] = v*s + t
				}
			}
		})
		return out, nil
	}
}

// fc is torch.nn.Linear on the flattened input: y = W·x + b, W (out, in).
func fc(nOut int, w, bias []float32) runFunc {
	return func(x *tensor.Tensor, _ []*tensor.Tensor, _ bool) (*tensor.Tensor, error) {
		n := x.Len()
		out := tensor.New(nOut, 1, 1)
		if bias != nil {
			copy(out.Data, bias)
		}
		blas32.Gemv(blas.NoTrans, 1,
			blas32.General{Rows: nOut, Cols: n, Stride: n, Data: w},
			blas32.Vector{N: n, Inc: 1, Data: x.Data}, 1,
			blas32.Vector{N: nOut, Inc: 1, Data: out.Data})
		return out, nil
	}
}

// lrn is torch.nn.LocalResponseNorm(size, alpha, beta, k): each value
// divided by (k + α/n·Σ x²)^β over the n channels centred on its own (zeros
// past the ends; PyTorch's window is size/2 channels before and (size−1)/2
// after).
func lrn(x *tensor.Tensor, p shape.LRNParams) *tensor.Tensor {
	out := tensor.New(x.C, x.H, x.W)
	hw := x.H * x.W
	n := float64(p.Size)
	for c := 0; c < x.C; c++ {
		lo, hi := max(c-p.Size/2, 0), min(c+(p.Size-1)/2, x.C-1)
		src, dst := x.Plane(c), out.Plane(c)
		for i := 0; i < hw; i++ {
			var sum float64
			for cc := lo; cc <= hi; cc++ {
				v := float64(x.Data[cc*hw+i])
				sum += v * v
			}
			dst[i] = float32(float64(src[i]) / math.Pow(p.K+p.Alpha/n*sum, p.Beta))
		}
	}
	return out
}

// overlaps reports whether a and b share any storage.
func overlaps(a, b []float32) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0, b0 := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return a0 < b0+4*uintptr(len(b)) && b0 < a0+4*uintptr(len(a))
}

// anyOverlaps reports whether d shares storage with any tensor in ts.
func anyOverlaps(d []float32, ts []*tensor.Tensor) bool {
	for _, t := range ts {
		if t != nil && overlaps(d, t.Data) {
			return true
		}
	}
	return false
}

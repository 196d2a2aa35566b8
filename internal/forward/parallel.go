package forward

import (
	"runtime"

	"github.com/convtool/convtool/internal/par"
	"github.com/convtool/convtool/internal/tensor"
)

// minParallel is the least work (values) worth splitting across cores:
// below it the goroutines cost more than they save.
const minParallel = 1 << 14

// parallelRange calls f on GOMAXPROCS contiguous parts of [0, n), at once.
func parallelRange(n int, f func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), max(n/minParallel, 1))
	if parts <= 1 || n < 2 {
		f(0, n)
		return
	}
	par.For(parts, func(_, p int) { f(n*p/parts, n*(p+1)/parts) })
}

// byChannels runs a channel-wise operation (pooling) on bands of x's
// channels at once and gathers the oh×ow outputs: package pool works a
// channel at a time on one core.
func byChannels(x *tensor.Tensor, oh, ow int, f func(*tensor.Tensor) (*tensor.Tensor, error)) (*tensor.Tensor, error) {
	parts := min(runtime.GOMAXPROCS(0), x.C)
	if parts <= 1 || x.Len() < minParallel {
		return f(x)
	}
	out := tensor.New(x.C, oh, ow)
	errs := make([]error, parts)
	plane := x.H * x.W
	par.For(parts, func(_, p int) {
		c0, c1 := x.C*p/parts, x.C*(p+1)/parts
		band, err := tensor.FromData(c1-c0, x.H, x.W, x.Data[c0*plane:c1*plane])
		if err == nil {
			var r *tensor.Tensor
			if r, err = f(band); err == nil {
				copy(out.Data[c0*oh*ow:c1*oh*ow], r.Data)
			}
		}
		errs[p] = err
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

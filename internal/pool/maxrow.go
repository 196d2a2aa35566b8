package pool

import "math"

// maxRow fills one output row of an undilated max pooling whose windows
// start at input row y0: window's arithmetic (padding never chosen, NaN
// propagated as PyTorch does) without its per-tap dispatch, for the 3×3
// stride-2 pools every CNN stem has.
func maxRow(dst, src []float32, h, w, y0 int, p *Params) {
	i0, i1 := tapRange(y0, h, p.KH, 1)
	ys, ye := y0+i0, y0+i1
	for ox := range dst {
		x0 := ox*p.SW - p.PW
		j0, j1 := tapRange(x0, w, p.KW, 1)
		xs, xe := x0+j0, x0+j1
		best, nan := float32(math.Inf(-1)), false
		for y := ys; y < ye; y++ {
			for _, v := range src[y*w+xs : y*w+xe] {
				if v > best {
					best = v
				} else if v != v {
					nan = true
				}
			}
		}
		if nan {
			best = float32(math.NaN())
		}
		dst[ox] = best
	}
}

package conv

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convtool/convtool/internal/tensor"
)

// problem is an ordinary (non-transposed) correlation as every method sees
// it: an input already padded by the edge rule (or zero-inserted and padded,
// for a transposed convolution), weights in (out, in/groups, kh, kw) order,
// a stride and a dilation, and the output size that results.
type problem struct {
	in             *tensor.Tensor // padded input
	w              []float32      // (outC, inPerG, kh, kw)
	outC, inPerG   int
	groups         int
	kh, kw         int
	sy, sx, dy, dx int
	ho, wo         int
	// live marks the rows of in that may hold nonzero samples; nil means
	// all. Zero-inserted rows of a transposed convolution are not live, so
	// direct skips them instead of multiplying s-1 zero rows in every s.
	live []bool
}

// padded returns in extended by top, bottom, left and right samples filled
// by edge. Negative amounts crop instead, which the transposed path needs
// when PyTorch's p exceeds d(k-1).
func padded(in *tensor.Tensor, top, bottom, left, right int, edge Edge) *tensor.Tensor {
	hp, wp := in.H+top+bottom, in.W+left+right
	out := tensor.New(in.C, hp, wp)
	cols := make([]int, wp)
	for x := range cols {
		cols[x] = edge.source(x-left, in.W)
	}
	// The span of padded columns that copies a whole input row unchanged.
	x0, x1 := max(left, 0), min(left+in.W, wp)
	parallel(in.C, func(c int) {
		src, dst := in.Plane(c), out.Plane(c)
		for y := range hp {
			sy := edge.source(y-top, in.H)
			if sy < 0 {
				continue
			}
			srow, drow := src[sy*in.W:(sy+1)*in.W], dst[y*wp:(y+1)*wp]
			if x0 < x1 {
				copy(drow[x0:x1], srow[x0-left:x1-left])
			}
			for x := range x0 {
				if sx := cols[x]; sx >= 0 {
					drow[x] = srow[sx]
				}
			}
			for x := x1; x < wp; x++ {
				if sx := cols[x]; sx >= 0 {
					drow[x] = srow[sx]
				}
			}
		}
	})
	return out
}

// zeroInserted returns in with sy-1 zero rows and sx-1 zero columns between
// samples, then padded with zeros (negative amounts crop): the input that
// the ordinary convolution equivalent to a transposed one sees.
func zeroInserted(in *tensor.Tensor, sy, sx, top, bottom, left, right int) *tensor.Tensor {
	zh, zw := (in.H-1)*sy+1, (in.W-1)*sx+1
	hp, wp := zh+top+bottom, zw+left+right
	out := tensor.New(in.C, hp, wp)
	for c := range in.C {
		src, dst := in.Plane(c), out.Plane(c)
		for y := range in.H {
			py := y*sy + top
			if py < 0 || py >= hp {
				continue
			}
			for x := range in.W {
				if px := x*sx + left; px >= 0 && px < wp {
					dst[py*wp+px] = src[y*in.W+x]
				}
			}
		}
	}
	return out
}

// tap is one kernel weight and the input it multiplies: out[x] += k *
// src[x*stride].
type tap struct {
	src []float32
	k   float32
}

// accumulate adds Σ tap.k·tap.src[x·stride] to every out[x]. Taps go four
// at a time so each output sample is loaded and stored once per four
// multiply-adds; the reslicing lets the compiler drop bounds checks in the
// unit-stride loops, which are the common case.
func accumulate(out []float32, taps []tap, stride int) {
	n := len(out)
	if n == 0 {
		return
	}
	if stride != 1 {
		accumulateStrided(out, taps, stride)
		return
	}
	i := 0
	for ; i+4 <= len(taps); i += 4 {
		k0, k1, k2, k3 := taps[i].k, taps[i+1].k, taps[i+2].k, taps[i+3].k
		s0, s1, s2, s3 := taps[i].src[:n], taps[i+1].src[:n], taps[i+2].src[:n], taps[i+3].src[:n]
		for x := range out {
			out[x] += k0*s0[x] + k1*s1[x] + k2*s2[x] + k3*s3[x]
		}
	}
	switch len(taps) - i {
	case 3:
		k0, k1, k2 := taps[i].k, taps[i+1].k, taps[i+2].k
		s0, s1, s2 := taps[i].src[:n], taps[i+1].src[:n], taps[i+2].src[:n]
		for x := range out {
			out[x] += k0*s0[x] + k1*s1[x] + k2*s2[x]
		}
	case 2:
		k0, k1 := taps[i].k, taps[i+1].k
		s0, s1 := taps[i].src[:n], taps[i+1].src[:n]
		for x := range out {
			out[x] += k0*s0[x] + k1*s1[x]
		}
	case 1:
		k0, s0 := taps[i].k, taps[i].src[:n]
		for x := range out {
			out[x] += k0 * s0[x]
		}
	}
}

func accumulateStrided(out []float32, taps []tap, stride int) {
	last := (len(out)-1)*stride + 1
	i := 0
	for ; i+4 <= len(taps); i += 4 {
		k0, k1, k2, k3 := taps[i].k, taps[i+1].k, taps[i+2].k, taps[i+3].k
		s0, s1, s2, s3 := taps[i].src[:last], taps[i+1].src[:last], taps[i+2].src[:last], taps[i+3].src[:last]
		for x := range out {
			j := x * stride
			out[x] += k0*s0[j] + k1*s1[j] + k2*s2[j] + k3*s3[j]
		}
	}
	for ; i < len(taps); i++ {
		k0, s0 := taps[i].k, taps[i].src[:last]
		for x := range out {
			out[x] += k0 * s0[x*stride]
		}
	}
}

// bandRows picks the height of a row band so that rows × planes makes a
// few tasks per worker (for balance) without making bands so thin that the
// per-band overhead shows.
func bandRows(rows, planes int) int {
	workers := runtime.GOMAXPROCS(0)
	want := 4 * workers
	if planes >= want {
		return rows
	}
	per := (want + planes - 1) / planes
	return max((rows+per-1)/per, min(rows, 4))
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines, handing out indices in
// order so that neighbouring tasks run close together in time.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// direct computes pr by accumulating, for each output row, every nonzero
// kernel weight times the input row segment under it. Zero weights (common
// in edge detectors and zero-inserted transposed kernels) cost nothing.
func direct(pr *problem) *tensor.Tensor {
	out := tensor.New(pr.outC, pr.ho, pr.wo)
	in := pr.in
	band := bandRows(pr.ho, pr.outC)
	nb := (pr.ho + band - 1) / band
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	parallel(pr.outC*nb, func(t int) {
		o, b := t/nb, t%nb
		g := o / outPerG
		w := pr.w[o*pr.inPerG*ksz : (o+1)*pr.inPerG*ksz]
		taps := make([]tap, 0, len(w))
		plane := out.Plane(o)
		for oy := b * band; oy < min((b+1)*band, pr.ho); oy++ {
			taps = taps[:0]
			for i := range pr.inPerG {
				src := in.Plane(g*pr.inPerG + i)
				for ky := range pr.kh {
					iy := oy*pr.sy + ky*pr.dy
					if pr.live != nil && !pr.live[iy] {
						continue
					}
					row := src[iy*in.W : (iy+1)*in.W]
					for kx, kv := range w[(i*pr.kh+ky)*pr.kw : (i*pr.kh+ky+1)*pr.kw] {
						if kv != 0 {
							taps = append(taps, tap{row[kx*pr.dx:], kv})
						}
					}
				}
			}
			accumulate(plane[oy*pr.wo:(oy+1)*pr.wo], taps, pr.sx)
		}
	})
	return out
}

// separable correlates every plane of pr.in with the outer product col ×
// row: a row pass at the horizontal stride and dilation into the rows the
// column pass needs, then a column pass.
func separable(pr *problem, col, row []float32) *tensor.Tensor {
	in := pr.in
	c, hp := in.C, in.H
	need := make([]bool, hp)
	for oy := range pr.ho {
		for ky := range pr.kh {
			need[oy*pr.sy+ky*pr.dy] = true
		}
	}
	tmp := tensor.New(c, hp, pr.wo)
	band := bandRows(hp, c)
	nb := (hp + band - 1) / band
	parallel(c*nb, func(t int) {
		ch, b := t/nb, t%nb
		src, dst := in.Plane(ch), tmp.Plane(ch)
		taps := make([]tap, 0, len(row))
		for y := b * band; y < min((b+1)*band, hp); y++ {
			if !need[y] {
				continue
			}
			taps = taps[:0]
			r := src[y*in.W : (y+1)*in.W]
			for kx, kv := range row {
				if kv != 0 {
					taps = append(taps, tap{r[kx*pr.dx:], kv})
				}
			}
			accumulate(dst[y*pr.wo:(y+1)*pr.wo], taps, pr.sx)
		}
	})
	out := tensor.New(c, pr.ho, pr.wo)
	band = bandRows(pr.ho, c)
	nb = (pr.ho + band - 1) / band
	parallel(c*nb, func(t int) {
		ch, b := t/nb, t%nb
		src, dst := tmp.Plane(ch), out.Plane(ch)
		taps := make([]tap, 0, len(col))
		for oy := b * band; oy < min((b+1)*band, pr.ho); oy++ {
			taps = taps[:0]
			for ky, kv := range col {
				if kv != 0 {
					y := oy*pr.sy + ky*pr.dy
					taps = append(taps, tap{src[y*pr.wo : (y+1)*pr.wo], kv})
				}
			}
			accumulate(dst[oy*pr.wo:(oy+1)*pr.wo], taps, 1)
		}
	})
	return out
}

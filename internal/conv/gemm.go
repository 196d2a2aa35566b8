package conv

import (
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/convtool/convtool/internal/tensor"
)

// gemmTileBytes bounds one im2col tile. The whole im2col matrix of a 13×13
// filter on a 3×2048×2048 image would take 8.5 GB; tiles of a few output
// rows keep the memory at workers × gemmTileBytes and the tile in cache.
const gemmTileBytes = 1 << 20

// gemm computes pr group by group as W_g (outPerG × K) · cols (K × N),
// where cols is the im2col matrix of a band of output rows (K =
// inPerG·kh·kw, N = rows·wo). The product lands straight in the output:
// one band of every output channel of a group is a matrix with row stride
// ho·wo.
func gemm(pr *problem) *tensor.Tensor {
	out := tensor.New(pr.outC, pr.ho, pr.wo)
	in := pr.input()
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	k := pr.inPerG * ksz
	band := max(1, min(pr.ho, gemmTileBytes/(4*k*pr.wo)))
	if tasks := pr.groups * ((pr.ho + band - 1) / band); tasks < 2*runtime.GOMAXPROCS(0) {
		band = max(1, min(band, pr.ho*pr.groups/(2*runtime.GOMAXPROCS(0))))
	}
	nb := (pr.ho + band - 1) / band
	plane := pr.ho * pr.wo
	pr.tasks(pr.groups*nb, func(t int) {
		g, b := t/nb, t%nb
		oy0, oy1 := b*band, min((b+1)*band, pr.ho)
		n := (oy1 - oy0) * pr.wo
		cols := make([]float32, k*n)
		for i := range pr.inPerG {
			src := in.Plane(g*pr.inPerG + i)
			for ky := range pr.kh {
				for kx := range pr.kw {
					r := (i*pr.kh+ky)*pr.kw + kx
					dst := cols[r*n : (r+1)*n]
					for oy := oy0; oy < oy1; oy++ {
						iy := oy*pr.sy + ky*pr.dy
						row := src[iy*in.W+kx*pr.dx : (iy+1)*in.W]
						d := dst[(oy-oy0)*pr.wo : (oy-oy0+1)*pr.wo]
						if pr.sx == 1 {
							copy(d, row)
							continue
						}
						for x := range d {
							d[x] = row[x*pr.sx]
						}
					}
				}
			}
		}
		a := blas32.General{Rows: outPerG, Cols: k, Stride: k, Data: pr.w[g*outPerG*k : (g+1)*outPerG*k]}
		bm := blas32.General{Rows: k, Cols: n, Stride: n, Data: cols}
		c := blas32.General{Rows: outPerG, Cols: n, Stride: plane, Data: out.Data[g*outPerG*plane+oy0*pr.wo:]}
		blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, bm, 0, c)
	})
	return out
}

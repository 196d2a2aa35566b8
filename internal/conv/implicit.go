package conv

import (
	"runtime"

	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// implicitKC, if positive, replaces the bound on the k steps of one
// block of gemmImplicit's K (benchmarks try others).
var implicitKC int

// implicitOff turns gemm's implicit path off, and implicitAlways takes it
// whenever it can run, so that tests and benchmarks can compare it with
// the packed one on the same shapes.
var implicitOff, implicitAlways bool

// useImplicit reports whether gemm runs pr on its implicit path. It can
// run every layer but the stride-1 1×1 one without padding (which reads
// its input in place already); it is taken where it measured faster than
// packing (bench_test.go's BenchmarkGemmPaths, AMD EPYC with AVX-512): a
// kernel wider than 1×1 at unit stride, and small output planes (ResNet's
// 14² and 7², where the packed loops had few columns to share out).
// Elsewhere (the 7×7 stride-2 stem, strided 1×1) packing's aligned loads
// win.
func (pr *problem) useImplicit(inPlace bool, nr int) bool {
	if implicitOff || inPlace {
		return false
	}
	if implicitAlways {
		return true
	}
	return implicitFits(pr.kh, pr.kw, pr.sy, pr.sx, pr.ho*pr.wo, nr)
}

// implicitFits is useImplicit's rule, which the cost model shares: a
// kernel wider than 1×1 at unit stride, or an output of at most eight
// tile widths.
func implicitFits(kh, kw, sy, sx, n, nr int) bool {
	return kh*kw > 1 && (sy == 1 && sx == 1 || n <= 8*nr)
}

// gemmImplicit computes pr as gemm does, C = A·B group by group, without
// ever building or packing B (the im2col matrix). The padded input is
// split into its s_y·s_x stride phases (at stride 1, the padded input
// itself), so that output (oy, ox) reads, for kernel tap (c, ky, kx), the
// sample at (oy + ky·d_y/s_y, ox + kx·d_x/s_x) of one phase plane of pitch
// PW. Numbering the outputs along "extended" rows of PW columns (j = oy·PW
// + ox), row p of B, the taps' samples for every output, is then simply
// the phase plane read from one offset on: B is the phase-split input seen
// through a table of K offsets, which the micro-kernel (simd.TileOffs)
// follows step by step.
//
// Each task takes a run of NR-column tiles of the extended outputs; for
// each tile, block of K and MR-row panel of the packed weights the
// micro-kernel computes into (then adds to) an L1 scratch tile per panel,
// whose columns that are real outputs (ox < wo) are then copied out. A K
// block's B samples (NR-float views of a few input rows) stay in L1 while
// the weight panels stream past from L2, in blocks that fit it.
func gemmImplicit(pr *problem, kern simd.GemmKernel, apack []float32) *tensor.Tensor {
	mr, nr := kern.MR, kern.NR
	out := pr.newOut()
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	K := pr.inPerG * ksz
	src, ph, pw := pr.phasePlanes(nr)
	phPlane := ph * pw
	phases := pr.sy * pr.sx

	// The offset of each k step (ci, ky, kx) within a group's planes.
	offs := make([]int, K)
	for ci := range pr.inPerG {
		for ky := range pr.kh {
			for kx := range pr.kw {
				ry, rx := ky*pr.dy, kx*pr.dx
				q := (ci*pr.sy+ry%pr.sy)*pr.sx + rx%pr.sx
				offs[(ci*pr.kh+ky)*pr.kw+kx] = q*phPlane + (ry/pr.sy)*pw + rx/pr.sx
			}
		}
	}
	all := simd.NewOffsets(offs)
	// K in blocks of at most kcMax steps, as even as they come: a
	// block's B samples (the tile's views of a few input rows of its
	// channels) stay in L1 while the weight panels' blocks go by.
	kcMax := max(1, 4096/nr) // the packed path's blocks: the same sums
	if implicitKC > 0 {
		kcMax = implicitKC
	}
	nkb := (K + kcMax - 1) / kcMax
	kc := (K + nkb - 1) / nkb
	blocks := make([]simd.Offsets, 0, nkb)
	for p0 := 0; p0 < K; p0 += kc {
		blocks = append(blocks, all.Slice(p0, min(p0+kc, K)))
	}

	// Extended output columns: ho rows of pw, the last cut at wo.
	next := (pr.ho-1)*pw + pr.wo
	tiles := (next + nr - 1) / nr
	mp := (outPerG + mr - 1) / mr
	// Weight panels a block: at most 256 KiB of them, so that a block
	// stays in L2 while every tile of a task passes under it.
	pb := min(mp, max(1, (256<<10)/(4*mr*K)))
	workers := runtime.GOMAXPROCS(0)
	chunk := max(1, (tiles+4*workers-1)/(4*workers))
	nch := (tiles + chunk - 1) / chunk
	groupIn := pr.inPerG * phases * phPlane
	plane := pr.ho * pr.wo

	type scratch struct {
		c    []float32 // pb MR×NR tiles, one per weight panel of a block
		runs []run
	}
	scr := make([]*scratch, workers)
	pr.tasksW(pr.groups*nch, func(w, t int) {
		s := scr[w]
		if s == nil {
			s = &scratch{c: make([]float32, pb*mr*nr)}
			scr[w] = s
		}
		g, ch := t/nch, t%nch
		t0, t1 := ch*chunk, min((ch+1)*chunk, tiles)
		b := src[g*groupIn:]
		cg := out.Data[g*outPerG*plane:]
		for ip0 := 0; ip0 < mp; ip0 += pb {
			ip1 := min(ip0+pb, mp)
			for jt := t0; jt < t1; jt++ {
				j0 := jt * nr
				// The tile's columns that are outputs, as runs.
				s.runs = s.runs[:0]
				for j := j0; j < min(j0+nr, next); {
					oy, ox := j/pw, j%pw
					if ox >= pr.wo { // a column past the row's outputs
						j += pw - ox
						continue
					}
					n := min(pr.wo-ox, j0+nr-j, next-j)
					s.runs = append(s.runs, run{j: j - j0, off: oy*pr.wo + ox, n: n})
					j += n
				}
				// A tile that is NR outputs of one row is computed
				// straight into the output (its whole panels); others
				// into scratch, then copied out.
				whole := len(s.runs) == 1 && s.runs[0].n == nr
				for bi, blk := range blocks {
					for ip := ip0; ip < ip1; ip++ {
						a := apack[((g*mp+ip)*K+bi*kc)*mr:]
						if whole && (ip+1)*mr <= outPerG {
							kern.TileOffs(a, b[j0:], blk, cg[ip*mr*plane+s.runs[0].off:], plane, bi > 0)
							continue
						}
						kern.TileOffs(a, b[j0:], blk, s.c[(ip-ip0)*mr*nr:], nr, bi > 0)
					}
				}
				for ip := ip0; ip < ip1; ip++ {
					if whole && (ip+1)*mr <= outPerG {
						continue
					}
					tile := s.c[(ip-ip0)*mr*nr:]
					for i := range min(mr, outPerG-ip*mr) {
						dst := cg[(ip*mr+i)*plane:]
						row := tile[i*nr : (i+1)*nr]
						for _, rn := range s.runs {
							copy(dst[rn.off:rn.off+rn.n], row[rn.j:rn.j+rn.n])
						}
					}
				}
			}
		}
	})
	return out
}

// phasePlanes returns the padded input split into its stride phases, with
// slack floats after the last plane (a tile may read up to a tile's width
// past the last real sample: those columns are never outputs), and the
// phase planes' height and pitch. Plane (c, qy, qx) holds the padded
// samples (y, x) with y ≡ qy (mod s_y) and x ≡ qx (mod s_x) at (y/s_y,
// x/s_x); samples past a phase's end are zeros. At unit stride it is the
// padded input.
func (pr *problem) phasePlanes(slack int) (dst []float32, ph, pw int) {
	sy, sx := pr.sy, pr.sx
	ph, pw = (pr.hp+sy-1)/sy, (pr.wp+sx-1)/sx
	plane := ph * pw
	n := pr.inC * sy * sx * plane
	dst = pr.floats(n + slack)
	clear(dst[n:])
	rowBufs := make([][]float32, runtime.GOMAXPROCS(0))
	parallelW(pr.inC, func(w, c int) {
		if sy == 1 && sx == 1 && pr.in == nil {
			pr.pad.rows(dst[c*plane:(c+1)*plane], c, 0, pr.hp)
			return
		}
		if rowBufs[w] == nil {
			rowBufs[w] = make([]float32, pr.wp)
		}
		row := rowBufs[w]
		for y := range ph * sy {
			qy := y % sy
			d := func(qx int) []float32 { return dst[((c*sy+qy)*sx+qx)*plane+(y/sy)*pw:][:pw] }
			if y >= pr.hp {
				for qx := range sx {
					clear(d(qx))
				}
				continue
			}
			if pr.in != nil {
				row = pr.in.Plane(c)[y*pr.wp : (y+1)*pr.wp]
			} else {
				row = rowBufs[w]
				pr.pad.row(row, c, y)
			}
			splitPhases(row, sx, d)
		}
	})
	return dst, ph, pw
}

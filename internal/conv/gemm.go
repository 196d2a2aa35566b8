package conv

import (
	"runtime"

	"github.com/convtool/convtool/internal/simd"
	"github.com/convtool/convtool/internal/tensor"
)

// gemm computes pr group by group as C = A·B, A the group's weights
// (outPerG × K, K = inPerG·kh·kw), B its im2col matrix (K × N, N = ho·wo)
// and C the group's output planes, blocked as fast BLAS libraries do
// (Goto's algorithm, BLIS's loop order):
//
//   - A is packed once per layer into panels of MR rows, MR values per k
//     step, zero-padded to a whole panel;
//   - each task takes a chunk of output columns and walks K in blocks of
//     kc steps; for each block it packs B straight from the padded input
//     (im2col fused with packing: no im2col matrix is ever built) into
//     panels of NR columns, in a scratch buffer owned by the worker and
//     reused from task to task;
//   - the micro-kernel (internal/simd) computes each MR×NR tile of C,
//     storing on the first K block and adding on the others, so the
//     output needs no zeroing pass;
//   - a stride-1 1×1 layer without padding reads B from the input planes
//     in place: its im2col matrix is the input.
//
// kc keeps a B panel (kc × NR) in half of a 32 KiB L1 cache while the MR
// row panels of A stream past it from L2.
func gemm(pr *problem) *tensor.Tensor {
	kern := simd.Sgemm()
	mr, nr := kern.MR, kern.NR
	out := pr.newOut()
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	K := pr.inPerG * ksz
	N := pr.ho * pr.wo
	if N == 0 || pr.outC == 0 {
		return out
	}
	inPlace := pr.gemmInPlace()
	if pr.useImplicit(inPlace, nr) {
		return gemmImplicit(pr, kern, pr.packedA(outPerG, K, mr))
	}
	var src []float32
	inPlane := pr.hp * pr.wp
	ph := phases{pitch: pr.wp, width: pr.wp, plane: inPlane}
	switch {
	case inPlace:
		src = pr.pad.src.Data
	case pr.sx > 1:
		src, ph = pr.phaseSplit()
	default:
		src = pr.input().Data
	}

	// K blocks of at most kcMax steps, as even as they come, so that a
	// K just over kcMax is not a full block and a sliver.
	kcMax := max(1, 4096/nr)
	kc := (K + (K+kcMax-1)/kcMax - 1) / ((K + kcMax - 1) / kcMax)
	if !inPlace && smallPlane(N, outPerG, pr.groups, mr, nr) {
		gemmSmall(pr, kern, out, src, ph, kc)
		return out
	}
	mp := (outPerG + mr - 1) / mr
	apack := pr.packedA(outPerG, K, mr)
	// Chunks of whole panels: a few tasks per worker for balance, at most
	// 16 panels so that the packed B block stays in L2.
	workers := runtime.GOMAXPROCS(0)
	chunk := (N + 4*workers - 1) / (4 * workers)
	chunk = min(max((chunk+nr-1)/nr, 1), 16) * nr
	nch := (N + chunk - 1) / chunk
	kb0 := min(kc, K)

	type scratch struct {
		b     []float32 // kc × chunk, as panels of NR columns
		c     []float32 // one MR×NR tile for the edges
		runs  []run
		bases []int // each k step's first sample, for packB
	}
	scr := make([]*scratch, workers)
	pr.tasksW(pr.groups*nch, func(w, t int) {
		s := scr[w]
		if s == nil {
			s = &scratch{b: make([]float32, kb0*chunk), c: make([]float32, mr*nr)}
			scr[w] = s
		}
		g, ch := t/nch, t%nch
		n0, n1 := ch*chunk, min((ch+1)*chunk, N)
		np := (n1 - n0 + nr - 1) / nr
		if !inPlace {
			s.runs = pr.columnRuns(s.runs[:0], n0, n1, nr, ph.pitch)
		}
		cg := out.Data[g*outPerG*N:]
		for p0 := 0; p0 < K; p0 += kc {
			kb := min(kc, K-p0)
			if !inPlace {
				s.bases = pr.packB(s.b, src, ph, g, p0, kb, nr, np, s.runs, s.bases)
			}
			for jp := range np {
				c0 := n0 + jp*nr
				width := min(nr, n1-c0)
				var b []float32
				ldb := nr
				switch {
				case !inPlace:
					b = s.b[jp*kb*nr:]
				case width == nr:
					b, ldb = src[(g*pr.inPerG+p0)*inPlane+c0:], inPlane
				default:
					// The last, narrow panel: copy it so the kernel
					// does not read past the input.
					b = s.b
					for p := range kb {
						copy(b[p*nr:p*nr+width], src[(g*pr.inPerG+p0+p)*inPlane+c0:])
					}
				}
				for ip := range mp {
					a := apack[((g*mp+ip)*K+p0)*mr:]
					rows := min(mr, outPerG-ip*mr)
					c := cg[ip*mr*N+c0:]
					if rows == mr && width == nr {
						kern.Tile(kb, a, b, ldb, c, N, p0 > 0)
						continue
					}
					// An edge tile: compute it whole in scratch and copy
					// the part that exists.
					if p0 > 0 {
						for i := range rows {
							copy(s.c[i*nr:i*nr+width], c[i*N:i*N+width])
						}
					}
					kern.Tile(kb, a, b, ldb, s.c, nr, p0 > 0)
					for i := range rows {
						copy(c[i*N:i*N+width], s.c[i*nr:i*nr+width])
					}
				}
			}
		}
	})
	return out
}

// gemmInPlace reports whether gemm reads pr's input in place as its B
// matrix: a stride-1 1×1 layer without padding.
func (pr *problem) gemmInPlace() bool {
	return pr.in == nil && pr.kh == 1 && pr.kw == 1 && pr.sy == 1 && pr.sx == 1 &&
		pr.pad.top == 0 && pr.pad.left == 0 && pr.hp == pr.pad.src.H && pr.wp == pr.pad.src.W
}

// gemmPacksA reports whether gemm on pr reads the whole packed weights
// (packedA): every path but gemmSmall, which packs its weights block by
// block into cache as it goes.
func (pr *problem) gemmPacksA(kern simd.GemmKernel) bool {
	inPlace := pr.gemmInPlace()
	if pr.useImplicit(inPlace, kern.NR) {
		return true
	}
	return inPlace || !smallPlane(pr.ho*pr.wo, pr.outC/pr.groups, pr.groups, kern.MR, kern.NR)
}

// packedA returns the weights packed into panels of mr rows: the
// LayerPlan's cached packing when there is a plan, else packed now.
func (pr *problem) packedA(outPerG, K, mr int) []float32 {
	if pr.plan != nil {
		return pr.plan.packedWeights(pr.groups, outPerG, K, mr)
	}
	return packWeights(pr.w, pr.groups, outPerG, K, mr)
}

// smallPlaneOff turns gemmSmall off, so that tests can compare it with
// the column-split loop on the same shapes.
var smallPlaneOff bool

// smallPlane reports whether a product of N output columns and outPerG
// rows per group is better computed by gemmSmall: an output plane of a few
// tile widths (ResNet's 14² and 7² layers) splits into too few column
// chunks to share the work, and each chunk would stream every weight,
// while its output channels are many.
func smallPlane(N, outPerG, groups, mr, nr int) bool {
	if smallPlaneOff {
		return false
	}
	return N <= 8*nr && outPerG >= 4*mr && groups*((N+nr-1)/nr) < 4*runtime.GOMAXPROCS(0)
}

// gemmSmall is gemm's loop for small output planes: the whole im2col
// matrix (K × N, a few panels wide) is packed once, K block by K block in
// parallel, and the tasks then split the output channels, each task a run
// of A panels over every column. Every weight is read by one task only
// and every input sample packed once, where the column split would repack
// B for each few columns and stream all of A for each.
func gemmSmall(pr *problem, kern simd.GemmKernel, out *tensor.Tensor, src []float32, ph phases, kc int) {
	mr, nr := kern.MR, kern.NR
	outPerG := pr.outC / pr.groups
	K := pr.inPerG * pr.kh * pr.kw
	N := pr.ho * pr.wo
	mp := (outPerG + mr - 1) / mr
	np := (N + nr - 1) / nr
	nkb := (K + kc - 1) / kc
	workers := runtime.GOMAXPROCS(0)

	// bpack holds, per group and K block, np panels of kb × nr; block
	// (g, b) starts at (g·K + b·kc)·np·nr.
	bpack := pr.floats(pr.groups * K * np * nr)
	type packScratch struct {
		runs  []run
		bases []int
	}
	ps := make([]*packScratch, workers)
	parallelW(pr.groups*nkb, func(w, t int) {
		s := ps[w]
		if s == nil {
			s = &packScratch{runs: pr.columnRuns(nil, 0, N, nr, ph.pitch)}
			ps[w] = s
		}
		g, b := t/nkb, t%nkb
		p0 := b * kc
		kb := min(kc, K-p0)
		s.bases = pr.packB(bpack[(g*K+p0)*np*nr:], src, ph, g, p0, kb, nr, np, s.runs, s.bases)
	})

	// Chunks of A panels: a few tasks per worker for balance.
	chunk := max(1, (pr.groups*mp+4*workers-1)/(4*workers)/pr.groups)
	nch := (mp + chunk - 1) / chunk
	type scratch struct {
		a []float32 // the task's A panels for one K block
		c []float32 // one MR×NR tile for the edges
	}
	scr := make([]*scratch, workers)
	pr.tasksW(pr.groups*nch, func(w, t int) {
		s := scr[w]
		if s == nil {
			s = &scratch{a: make([]float32, chunk*min(kc, K)*mr), c: make([]float32, mr*nr)}
			scr[w] = s
		}
		ct := s.c
		g, ch := t/nch, t%nch
		ip0, ip1 := ch*chunk, min((ch+1)*chunk, mp)
		cg := out.Data[g*outPerG*N:]
		for p0 := 0; p0 < K; p0 += kc {
			kb := min(kc, K-p0)
			// Pack this task's weights for the block here, where the
			// kernel reads them next, not all of them up front.
			for ip := ip0; ip < ip1; ip++ {
				row0 := g*outPerG + ip*mr
				packPanel(s.a[(ip-ip0)*kb*mr:], pr.w[row0*K:], min(mr, outPerG-ip*mr), K, p0, kb, mr)
			}
			bblk := bpack[(g*K+p0)*np*nr:]
			for jp := range np {
				c0 := jp * nr
				width := min(nr, N-c0)
				b := bblk[jp*kb*nr:]
				for ip := ip0; ip < ip1; ip++ {
					a := s.a[(ip-ip0)*kb*mr:]
					rows := min(mr, outPerG-ip*mr)
					c := cg[ip*mr*N+c0:]
					if rows == mr && width == nr {
						kern.Tile(kb, a, b, nr, c, N, p0 > 0)
						continue
					}
					if p0 > 0 {
						for i := range rows {
							copy(ct[i*nr:i*nr+width], c[i*N:i*N+width])
						}
					}
					kern.Tile(kb, a, b, nr, ct, nr, p0 > 0)
					for i := range rows {
						copy(c[i*N:i*N+width], ct[i*nr:i*nr+width])
					}
				}
			}
		}
	})
}

// packWeights packs w (groups × outPerG × K, row-major) into panels of mr
// rows: panel ip of group g holds, for each k step p, the mr weights of
// output rows ip·mr… (zeros past outPerG). The panels are packed in
// parallel: a deep layer's weights are megabytes.
func packWeights(w []float32, groups, outPerG, K, mr int) []float32 {
	mp := (outPerG + mr - 1) / mr
	a := make([]float32, groups*mp*K*mr)
	parallel(groups*mp, func(t int) {
		g, ip := t/mp, t%mp
		packPanel(a[t*K*mr:(t+1)*K*mr], w[(g*outPerG+ip*mr)*K:], min(mr, outPerG-ip*mr), K, 0, K, mr)
	})
	return a
}

// packPanel packs k steps p0…p0+kb of rows output rows (rows ≤ mr, each K
// weights, one after another from w[0]) into dst as one A panel: mr
// floats a step, zeros past rows.
func packPanel(dst, w []float32, rows, K, p0, kb, mr int) {
	dst = dst[:kb*mr]
	if mr == 8 && rows == 8 {
		// The AVX-512 panel, one step (a 32-byte run of dst) at a time
		// from eight row streams.
		r0 := w[p0 : p0+kb]
		r1 := w[K+p0 : K+p0+kb][:len(r0)]
		r2 := w[2*K+p0 : 2*K+p0+kb][:len(r0)]
		r3 := w[3*K+p0 : 3*K+p0+kb][:len(r0)]
		r4 := w[4*K+p0 : 4*K+p0+kb][:len(r0)]
		r5 := w[5*K+p0 : 5*K+p0+kb][:len(r0)]
		r6 := w[6*K+p0 : 6*K+p0+kb][:len(r0)]
		r7 := w[7*K+p0 : 7*K+p0+kb][:len(r0)]
		for p := range r0 {
			d := (*[8]float32)(dst[p*8:])
			d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
			d[4], d[5], d[6], d[7] = r4[p], r5[p], r6[p], r7[p]
		}
		return
	}
	if rows < mr {
		clear(dst)
	}
	for i := range rows {
		row := w[i*K+p0:][:kb]
		for p, v := range row {
			dst[p*mr+i] = v
		}
	}
}

// phases describes the layout gemm packs from: each padded input row split
// into stride phases (for a horizontal stride s, the samples at columns
// q, q+s, q+2s… one after another for each q < s), so that every run of
// output columns reads contiguous samples. At stride 1 it is the padded
// input itself.
type phases struct {
	width int // samples per phase of a row
	pitch int // samples per row: stride × width
	plane int // samples per plane
}

// at is the offset within a plane of padded column x of row y.
func (ph phases) at(y, x, sx int) int { return y*ph.pitch + (x%sx)*ph.width + x/sx }

// phaseSplit returns the padded input split into phases of the
// horizontal stride, and its layout.
func (pr *problem) phaseSplit() ([]float32, phases) {
	in := pr.input()
	sx := pr.sx
	width := (pr.wp + sx - 1) / sx
	ph := phases{width: width, pitch: sx * width, plane: pr.hp * sx * width}
	dst := pr.floats(pr.inC * ph.plane)
	parallel(pr.inC, func(c int) {
		plane := in.Plane(c)
		for y := range pr.hp {
			row := plane[y*pr.wp : (y+1)*pr.wp]
			d := dst[c*ph.plane+y*ph.pitch:]
			splitPhases(row, sx, func(q int) []float32 { return d[q*width : (q+1)*width] })
		}
	})
	return dst, ph
}

// run is a stretch of output columns of one packed panel whose inputs lie
// one after another in one row of the phase-split input: panel column j+i
// reads offset off+i (plus the k step's own offset).
type run struct {
	j, off, n int
}

// columnRuns splits output columns [n0, n1) into runs within panels of nr
// columns, each run inside one output row (so its inputs are contiguous in
// the phase-split input, pitch samples a row), and appends them to runs. A
// panel's runs follow each other; a run with n = 0 marks the end of a
// panel.
func (pr *problem) columnRuns(runs []run, n0, n1, nr, pitch int) []run {
	for c0 := n0; c0 < n1; c0 += nr {
		c1 := min(c0+nr, n1)
		for c := c0; c < c1; {
			oy, ox := c/pr.wo, c%pr.wo
			n := min(c1-c, pr.wo-ox)
			runs = append(runs, run{j: c - c0, off: oy*pr.sy*pitch + ox, n: n})
			c += n
		}
		runs = append(runs, run{})
	}
	return runs
}

// packB writes K steps p0…p0+kb of group g's im2col matrix, for the
// columns described by runs, into dst as np panels of kb × nr, copying
// from src laid out as ph. Columns past the last output column of a
// narrow panel are left as they were: they only reach tile columns that
// are never copied out.
func (pr *problem) packB(dst, src []float32, ph phases, g, p0, kb, nr, np int, runs []run, bases []int) []int {
	// Where each k step's samples start: the divisions once per block,
	// not once per panel.
	ksz := pr.kh * pr.kw
	bases = bases[:0]
	for r := p0; r < p0+kb; r++ {
		ci, rem := r/ksz, r%ksz
		ky, kx := rem/pr.kw, rem%pr.kw
		bases = append(bases, (g*pr.inPerG+ci)*ph.plane+ph.at(ky*pr.dy, kx*pr.dx, pr.sx))
	}
	ri := 0
	for jp := range np {
		start := ri
		for runs[ri].n != 0 {
			ri++
		}
		prs := runs[start:ri]
		ri++
		panel := dst[jp*kb*nr : (jp+1)*kb*nr]
		if len(prs) == 1 && prs[0].n == 32 && nr == 32 {
			// A whole AVX-512 panel from one input row: a fixed-size
			// copy the compiler inlines, not a memmove call per step.
			off := prs[0].off
			for p, base := range bases {
				*(*[32]float32)(panel[p*32:]) = [32]float32(src[base+off:])
			}
			continue
		}
		for p, base := range bases {
			d := panel[p*nr : (p+1)*nr]
			for _, rn := range prs {
				copy(d[rn.j:rn.j+rn.n], src[base+rn.off:base+rn.off+rn.n])
			}
		}
	}
	return bases
}

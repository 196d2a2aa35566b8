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
	out := tensor.New(pr.outC, pr.ho, pr.wo)
	outPerG := pr.outC / pr.groups
	ksz := pr.kh * pr.kw
	K := pr.inPerG * ksz
	N := pr.ho * pr.wo
	if N == 0 || pr.outC == 0 {
		return out
	}
	mp := (outPerG + mr - 1) / mr
	apack := packWeights(pr.w, pr.groups, outPerG, K, mr)

	inPlace := pr.in == nil && pr.kh == 1 && pr.kw == 1 && pr.sy == 1 && pr.sx == 1 &&
		pr.pad.top == 0 && pr.pad.left == 0 && pr.hp == pr.pad.src.H && pr.wp == pr.pad.src.W
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

// packWeights packs w (groups × outPerG × K, row-major) into panels of mr
// rows: panel ip of group g holds, for each k step p, the mr weights of
// output rows ip·mr… (zeros past outPerG).
func packWeights(w []float32, groups, outPerG, K, mr int) []float32 {
	mp := (outPerG + mr - 1) / mr
	a := make([]float32, groups*mp*K*mr)
	for g := range groups {
		for ip := range mp {
			dst := a[(g*mp+ip)*K*mr:]
			for i := range min(mr, outPerG-ip*mr) {
				row := w[(g*outPerG+ip*mr+i)*K:][:K]
				for p, v := range row {
					dst[p*mr+i] = v
				}
			}
		}
	}
	return a
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
	dst := make([]float32, pr.inC*ph.plane)
	parallel(pr.inC, func(c int) {
		plane := in.Plane(c)
		for y := range pr.hp {
			row := plane[y*pr.wp : (y+1)*pr.wp]
			d := dst[c*ph.plane+y*ph.pitch:]
			for q := range min(sx, pr.wp) {
				dq := d[q*width : (q+1)*width]
				for j, x := 0, q; x < len(row); j, x = j+1, x+sx {
					dq[j] = row[x]
				}
			}
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

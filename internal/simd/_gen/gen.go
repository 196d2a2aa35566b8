//go:build generate

// Command gen writes convtool's SIMD kernels (internal/simd/simd_amd64.s)
// and their Go declarations (internal/simd/simd_amd64.go) with avo. It is
// its own module so that avo is never a dependency of convtool; the
// generated files are committed, so building convtool needs nothing but the
// Go toolchain. Regenerate from internal/simd with go generate, or:
//
//	cd internal/simd/_gen && go run -tags generate gen.go -out ../simd_amd64.s -stubs ../simd_amd64.go -pkg simd
//
// The kernels, each for AVX-512 and for AVX2+FMA unless marked:
//
//   - sgemm: a register-blocked micro-kernel C[MR×NR] (=|+=) A·B over k
//     steps, A packed MR values per step, B NR values per step at a
//     stride of ldb floats (packed panels, or the input itself for a 1×1
//     layer);
//
//   - convRows: nout output rows of n samples, each the sum over nrows
//     input rows and kw taps per row of k·src[x + tap·dx], the row
//     pointers moving by step floats from one output row to the next (two
//     rows a pass: eight independent FMA chains). It is the inner loop of the direct method (filters, depthwise and
//     multi-channel layers at unit stride) and of the separable passes;
//
//   - dw3x3 (AVX-512): convRows' commonest case, a 3×3 kernel over three
//     consecutive rows of one plane, four output rows a pass with the
//     nine weights in registers, so each input vector is loaded once and
//     used by every output row it reaches (a third of convRows' loads).
//
//   - sgemmOffs: the sgemm micro-kernels with B's k-th row found at a
//     byte offset from a table instead of a fixed stride: B is then the
//     (phase-split) padded input itself, each k step a shifted view of
//     one plane, and a convolution needs no im2col packing (gemm's
//     implicit path);
//
//   - deint2: a row split into its even and odd samples, the stride-2
//     phases the direct method's strided path reads (VPERMI2PS on zmm;
//     VSHUFPS and VPERMPD on ymm);
//
//   - maxRows: the elementwise max of several rows, NaN propagating, the
//     inner loop of max pooling (unordered lanes collected in a k mask or,
//     on ymm, a vector mask, NaN blended in at the end);
//
//   - dw3x3Pad: the same 3×3 kernel reading the unpadded input plane in
//     place (rows outside it read a row of zeros) with the padding
//     columns masked off its first and last blocks' loads, so a depthwise
//     layer needs no padded copy (AVX-512: k-masked zmm loads; AVX2: four
//     rows by 8 samples, VMASKMOVPS, which does not fault on masked-off
//     lanes).
//
// Everything else (blocking, packing, edges, threading) stays in Go.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

var maskTable Mem

// maxConsts holds -Inf and a quiet NaN, the maxRows kernels' start and
// NaN values.
var maxConsts Mem

func main() {

	ConstraintExpr("amd64,!purego")
	// maskTable is 32 int32 -1s then 32 zeros: the AVX2 lane masks of a
	// partial block of 32 samples.
	maskTable = GLOBL("maskTable", RODATA|NOPTR)
	for i := range 64 {
		v := U32(0)
		if i < 32 {
			v = U32(0xffffffff)
		}
		DATA(4*i, v)
	}
	sgemm512()
	sgemmAVX2()
	convRows512()
	convRowsAVX2()
	dw3x3AVX512()
	dw3x3PadAVX512()
	dw3x3PadAVX2()
	sgemmOffs("sgemmOffs8x32AVX512", 8, 2, 64, true)
	sgemmOffs("sgemmOffs6x16AVX2", 6, 2, 32, false)
	deint2AVX512()
	deint2AVX2()
	maxConsts = GLOBL("maxConsts", RODATA|NOPTR)
	DATA(0, U32(0xff800000)) // -Inf
	DATA(4, U32(0x7fc00000)) // a quiet NaN
	maxRows512()
	maxRowsAVX2()
	Generate()
}

const sgemmSig = "func(k int, a, b *float32, ldb int, c *float32, ldc int, add bool)"

// sgemm512 is the 8×32 AVX-512 micro-kernel: 16 zmm accumulators, two zmm
// of B per step and A broadcast straight from memory by the FMAs.
func sgemm512() {
	const mr, nv = 8, 2
	TEXT("sgemm8x32AVX512", NOSPLIT, sgemmSig)
	Pragma("noescape")
	Doc("sgemm8x32AVX512 sets (add: adds to) the 8×32 tile of C at c (row stride ldc) to A·B over k steps; A holds 8 floats per step, B 32 floats per step at a stride of ldb floats.")
	sgemmBody(mr, nv, 16, 64, func() []reg.VecVirtual {
		v := make([]reg.VecVirtual, 0)
		for range mr * nv {
			v = append(v, ZMM())
		}
		return v
	}, func() reg.VecVirtual { return ZMM() }, true)
}

// sgemmAVX2 is the 6×16 AVX2+FMA micro-kernel: 12 ymm accumulators, two
// ymm of B per step and one broadcast register.
func sgemmAVX2() {
	const mr, nv = 6, 2
	TEXT("sgemm6x16AVX2", NOSPLIT, sgemmSig)
	Pragma("noescape")
	Doc("sgemm6x16AVX2 sets (add: adds to) the 6×16 tile of C at c (row stride ldc) to A·B over k steps; A holds 6 floats per step, B 16 floats per step at a stride of ldb floats.")
	sgemmBody(mr, nv, 8, 32, func() []reg.VecVirtual {
		v := make([]reg.VecVirtual, 0)
		for range mr * nv {
			v = append(v, YMM())
		}
		return v
	}, func() reg.VecVirtual { return YMM() }, false)
}

// sgemmBody emits the kernel: lanes floats per vector, vb bytes per vector.
func sgemmBody(mr, nv, lanes, vb int, accs func() []reg.VecVirtual, vec func() reg.VecVirtual, bcst bool) {
	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	b := Load(Param("b"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(Imm(2), ldb)
	acc := accs()
	for _, r := range acc {
		zero(r, bcst)
	}
	bv := make([]reg.VecVirtual, nv)
	for j := range bv {
		bv[j] = vec()
	}
	var bc reg.VecVirtual
	if !bcst {
		bc = vec()
	}
	TESTQ(k, k)
	JLE(LabelRef("store"))
	Label("loop")
	for j := range nv {
		VMOVUPS(Mem{Base: b, Disp: j * vb}, bv[j])
	}
	fmaStep(a, bv, bc, acc, mr, bcst)
	ADDQ(Imm(uint64(4*mr)), a)
	ADDQ(ldb, b)
	DECQ(k)
	JNZ(LabelRef("loop"))

	Label("store")
	storeTile(acc, mr, nv, vb, "accumulate")
	_ = lanes
}

// zero clears r: VPXORD for a zmm (AVX512F; VXORPS on zmm would need
// AVX512DQ), VXORPS for a ymm.
func zero(r reg.VecVirtual, avx512 bool) {
	if avx512 {
		VPXORD(r, r, r)
		return
	}
	VXORPS(r, r, r)
}

const convRowsSig = "func(out *float32, ldo, nout, n int, rows **float32, nrows int, k *float32, kw, dx, step int, tail uint64)"

// convRows512 emits the AVX-512 row kernel: blocks of 64 samples in four
// zmm accumulators per output row, two output rows a pass; the last, partial block uses the four 16-bit lane
// masks in tail (lowest first) for its loads and stores, so no sample past
// n is read or written.
func convRows512() {
	TEXT("convRowsAVX512", NOSPLIT, convRowsSig)
	Pragma("noescape")
	Doc("convRowsAVX512 sets out[j·ldo + x], for j < nout and x < n, to the sum over r < nrows and t < kw of k[r·kw+t]·rows[r][j·step + x + t·dx]; tail holds the lane masks of the last block of 64 (n%64 samples).")
	convRowsBody(16, 64, func() reg.VecVirtual { return ZMM() }, true)
}

// convRowsAVX2 emits the AVX2 row kernel: blocks of 32 samples in four
// ymm accumulators; the partial block uses VMASKMOVPS with lane masks
// taken from maskTable at tail (n%32) lanes before its run of -1s ends.
func convRowsAVX2() {
	TEXT("convRowsAVX2", NOSPLIT, convRowsSig)
	Pragma("noescape")
	Doc("convRowsAVX2 is convRowsAVX512 with blocks of 32 samples; tail is n%32, the samples of the last, partial block.")
	convRowsBody(8, 32, func() reg.VecVirtual { return YMM() }, false)
}

func convRowsBody(lanes, vb int, vec func() reg.VecVirtual, avx512 bool) {
	const nacc = 4
	block := lanes * nacc
	out := Load(Param("out"), GP64())
	nout := Load(Param("nout"), GP64())
	end := Load(Param("n"), GP64()) // the row's length in bytes
	SHLQ(Imm(2), end)
	rows := Load(Param("rows"), GP64())
	kw := Load(Param("kw"), GP64())
	dx := Load(Param("dx"), GP64())
	SHLQ(Imm(2), dx)
	off := GP64() // byte offset of the current output row in every input row
	XORQ(off, off)

	// Two output rows at a time where there are two: eight independent
	// accumulator chains instead of four (the FMA latency, not the
	// loads, bounds short rows otherwise) and one pass of loop overhead
	// for both.
	acc := make([]reg.VecVirtual, 2*nacc)
	for i := range acc {
		acc[i] = vec()
	}
	w := vec()
	tmp := vec()
	var masks []reg.Register
	var maskv []reg.VecVirtual
	if avx512 {
		t := Load(Param("tail"), GP64())
		for range nacc {
			m := K()
			KMOVW(t.(reg.GPVirtual).As32(), m)
			SHRQ(Imm(16), t)
			masks = append(masks, m)
		}
	} else {
		// tail is the remainder r: the masks start r lanes before the
		// end of the run of -1s in maskTable.
		t := Load(Param("tail"), GP64())
		SHLQ(Imm(2), t)
		tbl := GP64()
		LEAQ(maskTable.Offset(4*lanes*nacc), tbl)
		SUBQ(t, tbl)
		for i := range nacc {
			m := vec()
			VMOVDQU(Mem{Base: tbl, Disp: i * vb}, m)
			maskv = append(maskv, m)
		}
	}

	// emitBlock emits one block of nacc vectors at byte offset x of the
	// output row(s): for pair, of rows out and out+ldo, whose inputs are
	// step apart.
	emitBlock := func(name string, x reg.Register, masked, pair bool) {
		nr := 1
		if pair {
			nr = 2
		}
		for _, r := range acc[:nr*nacc] {
			zero(r, avx512)
		}
		var stepB reg.Register
		if pair {
			stepB = Load(Param("step"), GP64())
			SHLQ(Imm(2), stepB)
		}
		kp := Load(Param("k"), GP64())
		r := GP64()
		XORQ(r, r)
		Label(name + "_row")
		p := GP64()
		MOVQ(Mem{Base: rows, Index: r, Scale: 8}, p)
		ADDQ(off, p)
		ADDQ(x, p)
		t := GP64()
		MOVQ(kw, t)
		Label(name + "_tap")
		VBROADCASTSS(Mem{Base: kp}, w)
		for j := range nr {
			for i := range nacc {
				src := Mem{Base: p, Disp: i * vb}
				if j == 1 {
					src = Mem{Base: p, Index: stepB, Scale: 1, Disp: i * vb}
				}
				a := acc[j*nacc+i]
				switch {
				case masked && avx512:
					// Merge-masked FMA from memory: lanes past n
					// keep their zero and their loads are
					// suppressed (no fault past the row), in one
					// instruction instead of a masked load and an
					// FMA.
					VFMADD231PS(src, w, masks[i], a)
				case masked:
					VMASKMOVPS(src, maskv[i], tmp)
					VFMADD231PS(tmp, w, a)
				default:
					VFMADD231PS(src, w, a)
				}
			}
		}
		ADDQ(dx, p)
		ADDQ(Imm(4), kp)
		DECQ(t)
		JNZ(LabelRef(name + "_tap"))
		INCQ(r)
		CMPQ(r, Load(Param("nrows"), GP64()))
		JLT(LabelRef(name + "_row"))
		var o reg.Register = out
		for j := range nr {
			if j == 1 {
				o = Load(Param("ldo"), GP64())
				SHLQ(Imm(2), o)
				ADDQ(out, o)
			}
			for i := range nacc {
				dst := Mem{Base: o, Index: x, Scale: 1, Disp: i * vb}
				a := acc[j*nacc+i]
				switch {
				case masked && avx512:
					VMOVUPS(a, masks[i], dst)
				case masked:
					VMASKMOVPS(a, maskv[i], dst)
				default:
					VMOVUPS(a, dst)
				}
			}
		}
	}

	// emitRows emits the loop over the blocks of one output row (or two).
	emitRows := func(name string, pair bool) {
		x := GP64() // byte offset of the block within the row
		XORQ(x, x)
		Label(name + "_block")
		blk := GP64()
		MOVQ(x, blk)
		ADDQ(U32(4*block), blk)
		CMPQ(blk, end)
		JGT(LabelRef(name + "_partial"))
		emitBlock(name+"_full", x, false, pair)
		ADDQ(U32(4*block), x)
		JMP(LabelRef(name + "_block"))
		Label(name + "_partial")
		CMPQ(x, end)
		JGE(LabelRef(name + "_next"))
		emitBlock(name+"_part", x, true, pair)
		Label(name + "_next")
	}

	Label("pairs")
	CMPQ(nout, Imm(2))
	JLT(LabelRef("single"))
	emitRows("pair", true)
	ldo := Load(Param("ldo"), GP64())
	SHLQ(Imm(3), ldo)
	ADDQ(ldo, out)
	step := Load(Param("step"), GP64())
	SHLQ(Imm(3), step)
	ADDQ(step, off)
	SUBQ(Imm(2), nout)
	JMP(LabelRef("pairs"))

	Label("single")
	TESTQ(nout, nout)
	JLE(LabelRef("done"))
	emitRows("one", false)
	Label("done")
	VZEROUPPER()
	RET()
}

// dw3x3AVX512 emits the 3×3 single-plane row kernel: out rows j < nout
// (a multiple of four) of n samples, row j the sum over ky, kx < 3 of
// k[ky·3+kx]·in[(j+ky)·pitch + x + kx]. Four output rows a pass, blocks
// of 64 samples (four zmm per row: sixteen accumulators), the nine weights
// broadcast once into registers; each of the six input rows of a pass is
// loaded at its three shifts and each vector fed to the (up to three)
// output rows that use it, in the order ky then kx for every output
// sample: the FMA sequence of convRows on the same rows, so the same bits.
// The last, partial block masks its loads and stores with the four 16-bit
// lane masks in tail.
func dw3x3AVX512() {
	const R, nacc, vb = 4, 4, 64
	TEXT("dw3x3AVX512", NOSPLIT, "func(out *float32, ldo, nout, n int, in *float32, pitch int, k *float32, tail uint64)")
	Pragma("noescape")
	Doc("dw3x3AVX512 sets out[j·ldo + x], for j < nout (a multiple of 4) and x < n, to the sum over ky, kx < 3 of k[ky·3+kx]·in[(j+ky)·pitch + x + kx]; tail holds the lane masks of the last block of 64 (n%64 samples).")
	out := Load(Param("out"), GP64())
	in := Load(Param("in"), GP64())
	nout := Load(Param("nout"), GP64())
	end := Load(Param("n"), GP64())
	SHLQ(Imm(2), end)
	pitch := Load(Param("pitch"), GP64())
	SHLQ(Imm(2), pitch)
	ldo := Load(Param("ldo"), GP64())
	SHLQ(Imm(2), ldo)
	kp := Load(Param("k"), GP64())
	w := make([]reg.VecVirtual, 9)
	for i := range w {
		w[i] = ZMM()
		VBROADCASTSS(Mem{Base: kp, Disp: 4 * i}, w[i])
	}
	t := Load(Param("tail"), GP64())
	var masks []reg.Register
	for range nacc {
		m := K()
		KMOVW(t.(reg.GPVirtual).As32(), m)
		SHRQ(Imm(16), t)
		masks = append(masks, m)
	}
	acc := make([]reg.VecVirtual, R*nacc)
	for i := range acc {
		acc[i] = ZMM()
	}
	tmp := ZMM()
	x := GP64()
	q := GP64()
	o := GP64()

	emitPass := func(masked bool) {
		for _, a := range acc {
			VPXORD(a, a, a)
		}
		MOVQ(in, q)
		ADDQ(x, q)
		for i := range R + 2 {
			for kx := range 3 {
				for v := range nacc {
					src := Mem{Base: q, Disp: 4*kx + v*vb}
					if masked {
						VMOVUPS_Z(src, masks[v], tmp)
					} else {
						VMOVUPS(src, tmp)
					}
					for r := range R {
						ky := i - r
						if ky < 0 || ky > 2 {
							continue
						}
						VFMADD231PS(tmp, w[ky*3+kx], acc[r*nacc+v])
					}
				}
			}
			if i < R+1 {
				ADDQ(pitch, q)
			}
		}
		MOVQ(out, o)
		for r := range R {
			for v := range nacc {
				dst := Mem{Base: o, Index: x, Scale: 1, Disp: v * vb}
				if masked {
					VMOVUPS(acc[r*nacc+v], masks[v], dst)
				} else {
					VMOVUPS(acc[r*nacc+v], dst)
				}
			}
			if r < R-1 {
				ADDQ(ldo, o)
			}
		}
	}

	Label("dw_pass")
	TESTQ(nout, nout)
	JLE(LabelRef("dw_done"))
	XORQ(x, x)
	Label("dw_block")
	blk := GP64()
	MOVQ(x, blk)
	ADDQ(U32(4*16*nacc), blk)
	CMPQ(blk, end)
	JGT(LabelRef("dw_partial"))
	emitPass(false)
	ADDQ(U32(4*16*nacc), x)
	JMP(LabelRef("dw_block"))
	Label("dw_partial")
	CMPQ(x, end)
	JGE(LabelRef("dw_next"))
	emitPass(true)
	Label("dw_next")
	for range R {
		ADDQ(pitch, in)
		ADDQ(ldo, out)
	}
	SUBQ(Imm(R), nout)
	JMP(LabelRef("dw_pass"))
	Label("dw_done")
	VZEROUPPER()
	RET()
}

// dw3x3PadAVX512 emits dw3x3AVX512 for unpadded input: output rows j <
// nout (a multiple of four) of n samples, row j the sum over ky, kx < 3 of
// k[ky·3+kx]·in(y0+j+ky, x + kx − off), where in(y, ·) is row y of the
// plane at src (pitch floats a row) for 0 ≤ y < h and the zero row
// otherwise (one unsigned compare and a conditional move a row), and off
// is the left padding. Interior blocks of 64 load unmasked; the first and
// the last block take their lane masks from masks: for each of the two,
// twelve load masks (kx-major, four vectors each) that keep the loads
// inside the row, then four store masks. Masked-off lanes load zeros
// without touching memory, which is exactly what a padded copy would hold,
// so the FMA sequence and the bits are dw3x3AVX512's on the padded rows.
func dw3x3PadAVX512() {
	const R, nacc, vb = 4, 4, 64
	TEXT("dw3x3PadAVX512", NOSPLIT, "func(out *float32, ldo, nout, n int, src *float32, pitch, y0, h int, zero *float32, off int, k *float32, masks *uint16)")
	Pragma("noescape")
	Doc("dw3x3PadAVX512 sets out[j·ldo + x], for j < nout (a multiple of 4) and x < n, to the sum over ky, kx < 3 of k[ky·3+kx]·in(y0+j+ky, x + kx − off), in(y, c) being src[y·pitch + c] for 0 ≤ y < h and zero[c] otherwise; masks holds, for the first and then the last block of 64 samples, twelve load masks (kx-major) and four store masks.")
	kp := Load(Param("k"), GP64())
	w := make([]reg.VecVirtual, 9)
	for i := range w {
		w[i] = ZMM()
		VBROADCASTSS(Mem{Base: kp, Disp: 4 * i}, w[i])
	}
	out := Load(Param("out"), GP64())
	nout := Load(Param("nout"), GP64())
	end := Load(Param("n"), GP64())
	SHLQ(Imm(2), end)
	ldo := Load(Param("ldo"), GP64())
	SHLQ(Imm(2), ldo)
	mp := Load(Param("masks"), GP64())
	// The left padding is folded into the row bases once: a row's sample
	// c−off is at base + 4c.
	off := Load(Param("off"), GP64())
	SHLQ(Imm(2), off)
	src := Load(Param("src"), GP64())
	SUBQ(off, src)
	zero := Load(Param("zero"), GP64())
	SUBQ(off, zero)
	pitch := Load(Param("pitch"), GP64())
	SHLQ(Imm(2), pitch)
	yj := Load(Param("y0"), GP64())
	h := Load(Param("h"), GP64())
	acc := make([]reg.VecVirtual, R*nacc)
	for i := range acc {
		acc[i] = ZMM()
	}
	tmp := ZMM()
	km := K()
	x := GP64()
	q := GP64()
	t := GP64()

	// rowBase sets q to the base of input row yj+i: the plane's row, or
	// the zero row outside [0, h) (unsigned: a negative row is huge).
	rowBase := func(i int) {
		MOVQ(yj, t)
		if i > 0 {
			ADDQ(Imm(uint64(i)), t)
		}
		MOVQ(t, q)
		IMULQ(pitch, q)
		ADDQ(src, q)
		CMPQ(t, h)
		CMOVQCC(zero, q)
	}

	// The unmasked pass: four output rows by four vectors.
	emitPass := func() {
		for _, a := range acc {
			VPXORD(a, a, a)
		}
		// Fetch this block of the next pass's four new rows into L1
		// while this pass computes: six short rows at a time are too
		// many streams for the hardware prefetcher to follow.
		for i := range R {
			rowBase(R + 2 + i)
			for v := range nacc {
				PREFETCHT0(Mem{Base: q, Index: x, Scale: 1, Disp: v * vb})
			}
		}
		for i := range R + 2 {
			rowBase(i)
			ADDQ(x, q)
			for kx := range 3 {
				for v := range nacc {
					VMOVUPS(Mem{Base: q, Disp: 4*kx + v*vb}, tmp)
					for r := range R {
						if ky := i - r; ky >= 0 && ky <= 2 {
							VFMADD231PS(tmp, w[ky*3+kx], acc[r*nacc+v])
						}
					}
				}
			}
		}
		MOVQ(out, q)
		for r := range R {
			for v := range nacc {
				VMOVUPS(acc[r*nacc+v], Mem{Base: q, Index: x, Scale: 1, Disp: v * vb})
			}
			if r < R-1 {
				ADDQ(ldo, q)
			}
		}
	}
	// The masked pass for an edge block (set 0: the first block's masks,
	// 1: the last's), as two halves of two vectors each, so that a half's
	// six load masks (three shifts by two vectors) sit in mask registers
	// instead of being loaded before every load; the FMA order of each
	// output is unchanged (input rows, then shifts).
	lm := make([]reg.Register, 6)
	for i := range lm {
		lm[i] = K()
	}
	emitMasked := func(set int) {
		for half := range 2 {
			vs := []int{2 * half, 2*half + 1}
			for kx := range 3 {
				for vi, v := range vs {
					KMOVW(Mem{Base: mp, Disp: 2 * (set*16 + kx*4 + v)}, lm[kx*2+vi])
				}
			}
			for r := range R {
				for _, v := range vs {
					VPXORD(acc[r*nacc+v], acc[r*nacc+v], acc[r*nacc+v])
				}
			}
			if half == 0 {
				for i := range R {
					rowBase(R + 2 + i)
					for v := range nacc {
						PREFETCHT0(Mem{Base: q, Index: x, Scale: 1, Disp: v * vb})
					}
				}
			}
			for i := range R + 2 {
				rowBase(i)
				ADDQ(x, q)
				for kx := range 3 {
					for vi, v := range vs {
						VMOVUPS_Z(Mem{Base: q, Disp: 4*kx + v*vb}, lm[kx*2+vi], tmp)
						for r := range R {
							if ky := i - r; ky >= 0 && ky <= 2 {
								VFMADD231PS(tmp, w[ky*3+kx], acc[r*nacc+v])
							}
						}
					}
				}
			}
			MOVQ(out, q)
			for r := range R {
				for _, v := range vs {
					KMOVW(Mem{Base: mp, Disp: 2 * (set*16 + 12 + v)}, km)
					VMOVUPS(acc[r*nacc+v], km, Mem{Base: q, Index: x, Scale: 1, Disp: v * vb})
				}
				if r < R-1 {
					ADDQ(ldo, q)
				}
			}
		}
	}

	Label("dwp_pass")
	TESTQ(nout, nout)
	JLE(LabelRef("dwp_done"))
	XORQ(x, x)
	emitMasked(0)
	MOVQ(U32(4*16*nacc), x)
	Label("dwp_block")
	MOVQ(x, t)
	ADDQ(U32(4*16*nacc), t)
	CMPQ(t, end)
	JGE(LabelRef("dwp_last"))
	emitPass()
	ADDQ(U32(4*16*nacc), x)
	JMP(LabelRef("dwp_block"))
	Label("dwp_last")
	CMPQ(x, end)
	JGE(LabelRef("dwp_next"))
	emitMasked(1)
	Label("dwp_next")
	for range R {
		ADDQ(ldo, out)
	}
	ADDQ(Imm(R), yj)
	SUBQ(Imm(R), nout)
	JMP(LabelRef("dwp_pass"))
	Label("dwp_done")
	VZEROUPPER()
	RET()
}

// sgemmOffs emits an MR×NR micro-kernel (mr rows, nv vectors of vb bytes a
// row) whose k-th row of B starts offs[p] bytes past b: C (row stride
// ldc floats) = A·B over k ≥ 1 steps, A packed mr floats a step. It always
// stores: the implicit gemm runs the whole K in one call.
func sgemmOffs(name string, mr, nv, vb int, avx512 bool) {
	TEXT(name, NOSPLIT, "func(k int, a, b *float32, offs *int, c *float32, ldc int, add bool)")
	Pragma("noescape")
	Doc(name + fmt.Sprintf(" sets (add: adds to) the %d×%d tile of C at c (row stride ldc) to A·B over k ≥ 1 steps; A holds %d floats per step, and B's row p starts offs[p] bytes past b.", mr, nv*vb/4, mr))
	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	b := Load(Param("b"), GP64())
	offs := Load(Param("offs"), GP64())
	acc := make([]reg.VecVirtual, mr*nv)
	for i := range acc {
		if avx512 {
			acc[i] = ZMM()
		} else {
			acc[i] = YMM()
		}
		zero(acc[i], avx512)
	}
	bv := make([]reg.VecVirtual, nv)
	for j := range bv {
		if avx512 {
			bv[j] = ZMM()
		} else {
			bv[j] = YMM()
		}
	}
	var bc reg.VecVirtual
	if !avx512 {
		bc = YMM()
	}
	t := GP64()
	Label(name + "_loop")
	MOVQ(Mem{Base: offs}, t)
	ADDQ(b, t)
	for j := range nv {
		VMOVUPS(Mem{Base: t, Disp: j * vb}, bv[j])
	}
	fmaStep(a, bv, bc, acc, mr, avx512)
	ADDQ(Imm(uint64(4*mr)), a)
	ADDQ(Imm(8), offs)
	DECQ(k)
	JNZ(LabelRef(name + "_loop"))
	storeTile(acc, mr, nv, vb, name+"_add")
}

// deint2AVX512 emits the stride-2 deinterleave: for i < n (a multiple of
// 16), even[i] = src[2i] and odd[i] = src[2i+1], sixteen pairs a step by
// two VPERMI2PS over two loads.
func deint2AVX512() {
	TEXT("deint2AVX512", NOSPLIT, "func(even, odd, src *float32, n int, idx *uint32)")
	Pragma("noescape")
	Doc("deint2AVX512 sets even[i] = src[2i] and odd[i] = src[2i+1] for i < n, a multiple of 16; idx holds the 32 permutation indices 0, 2, …, 30 then 1, 3, …, 31.")
	ev := Load(Param("even"), GP64())
	od := Load(Param("odd"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	idx := Load(Param("idx"), GP64())
	ie, io := ZMM(), ZMM()
	VMOVDQU32(Mem{Base: idx}, ie)
	VMOVDQU32(Mem{Base: idx, Disp: 64}, io)
	a, b, e, o := ZMM(), ZMM(), ZMM(), ZMM()
	TESTQ(n, n)
	JLE(LabelRef("deint_done"))
	Label("deint_loop")
	VMOVUPS(Mem{Base: src}, a)
	VMOVUPS(Mem{Base: src, Disp: 64}, b)
	VMOVAPS(ie, e)
	VPERMI2PS(b, a, e)
	VMOVAPS(io, o)
	VPERMI2PS(b, a, o)
	VMOVUPS(e, Mem{Base: ev})
	VMOVUPS(o, Mem{Base: od})
	ADDQ(Imm(128), src)
	ADDQ(Imm(64), ev)
	ADDQ(Imm(64), od)
	SUBQ(Imm(16), n)
	JNZ(LabelRef("deint_loop"))
	Label("deint_done")
	VZEROUPPER()
	RET()
}

// fmaStep emits one k step of an sgemm micro-kernel: each of the mr A
// values (at a) times the B vectors bv into the accumulators, broadcast
// straight from memory by the FMAs (bcst, AVX-512) or through bc.
func fmaStep(a reg.Register, bv []reg.VecVirtual, bc reg.VecVirtual, acc []reg.VecVirtual, mr int, bcst bool) {
	nv := len(bv)
	for i := range mr {
		am := Mem{Base: a, Disp: 4 * i}
		if bcst {
			for j := range nv {
				VFMADD231PS_BCST(am, bv[j], acc[i*nv+j])
			}
			continue
		}
		VBROADCASTSS(am, bc)
		for j := range nv {
			VFMADD231PS(bv[j], bc, acc[i*nv+j])
		}
	}
}

// storeTile emits an sgemm kernel's tail: the mr×nv accumulators stored to
// C (params c, ldc), or added to it when the add param is set (from label
// addLabel on), then return.
func storeTile(acc []reg.VecVirtual, mr, nv, vb int, addLabel string) {
	c := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(Imm(2), ldc)
	add := Load(Param("add"), GP8())
	TESTB(add, add)
	JNZ(LabelRef(addLabel))
	for i := range mr {
		for j := range nv {
			VMOVUPS(acc[i*nv+j], Mem{Base: c, Disp: j * vb})
		}
		if i < mr-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
	Label(addLabel)
	for i := range mr {
		for j := range nv {
			VADDPS(Mem{Base: c, Disp: j * vb}, acc[i*nv+j], acc[i*nv+j])
			VMOVUPS(acc[i*nv+j], Mem{Base: c, Disp: j * vb})
		}
		if i < mr-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

// maxRows512 emits the max-pool row kernel: d[x] = the max over r < nrows
// of rows[r][x] for x < n, NaN wherever any of them is NaN (as Go's max
// and PyTorch's max pooling give), sixteen samples a step, the last step
// masked by tail. VMAXPS alone would return its second operand for a NaN,
// so each step also ORs the lanes that are unordered into a mask and
// blends NaN into them at the end.
func maxRows512() {
	TEXT("maxRowsAVX512", NOSPLIT, "func(d *float32, n int, rows **float32, nrows int, tail uint16)")
	Pragma("noescape")
	Doc("maxRowsAVX512 sets d[x], for x < n, to the max over r < nrows (≥ 1) of rows[r][x], NaN where any is NaN; tail holds the lane mask of the last, partial block of 16 (n%16 samples).")
	consts := maxConsts
	d := Load(Param("d"), GP64())
	end := Load(Param("n"), GP64())
	SHLQ(Imm(2), end)
	rows := Load(Param("rows"), GP64())
	nrows := Load(Param("nrows"), GP64())
	t := Load(Param("tail"), GP32())
	tail := K()
	KMOVW(t, tail)
	ninf, qnan := ZMM(), ZMM()
	VBROADCASTSS(consts.Offset(0), ninf)
	VBROADCASTSS(consts.Offset(4), qnan)
	acc, v := ZMM(), ZMM()
	nan, un := K(), K()
	x, r, p, blk := GP64(), GP64(), GP64(), GP64()
	XORQ(x, x)

	emit := func(masked bool) {
		VMOVAPS(ninf, acc)
		KXORW(nan, nan, nan)
		XORQ(r, r)
		Label(map[bool]string{false: "mr_row", true: "mr_trow"}[masked])
		MOVQ(Mem{Base: rows, Index: r, Scale: 8}, p)
		if masked {
			VMOVUPS_Z(Mem{Base: p, Index: x, Scale: 1}, tail, v)
		} else {
			VMOVUPS(Mem{Base: p, Index: x, Scale: 1}, v)
		}
		VCMPPS(Imm(3), v, v, un) // unordered: v is NaN
		KORW(un, nan, nan)
		VMAXPS(acc, v, acc)
		INCQ(r)
		CMPQ(r, nrows)
		JL(LabelRef(map[bool]string{false: "mr_row", true: "mr_trow"}[masked]))
		VBLENDMPS(qnan, acc, nan, acc)
		if masked {
			VMOVUPS(acc, tail, Mem{Base: d, Index: x, Scale: 1})
		} else {
			VMOVUPS(acc, Mem{Base: d, Index: x, Scale: 1})
		}
	}
	Label("mr_block")
	MOVQ(x, blk)
	ADDQ(Imm(64), blk)
	CMPQ(blk, end)
	JG(LabelRef("mr_tail"))
	emit(false)
	ADDQ(Imm(64), x)
	JMP(LabelRef("mr_block"))
	Label("mr_tail")
	CMPQ(x, end)
	JGE(LabelRef("mr_done"))
	emit(true)
	Label("mr_done")
	VZEROUPPER()
	RET()
}

// deint2AVX2 emits the stride-2 deinterleave with ymm: for i < n (a
// multiple of 8), even[i] = src[2i] and odd[i] = src[2i+1]. Each step
// loads eight pairs as a and b; VSHUFPS picks the even (odd) samples of
// each 128-bit lane of both, a0 a2 b0 b2 | a4 a6 b4 b6, and VPERMPD puts
// the 64-bit pairs back in order (0, 2, 1, 3).
func deint2AVX2() {
	TEXT("deint2AVX2", NOSPLIT, "func(even, odd, src *float32, n int)")
	Pragma("noescape")
	Doc("deint2AVX2 sets even[i] = src[2i] and odd[i] = src[2i+1] for i < n, a multiple of 8.")
	ev := Load(Param("even"), GP64())
	od := Load(Param("odd"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	a, b, e, o := YMM(), YMM(), YMM(), YMM()
	TESTQ(n, n)
	JLE(LabelRef("deint2_done"))
	Label("deint2_loop")
	VMOVUPS(Mem{Base: src}, a)
	VMOVUPS(Mem{Base: src, Disp: 32}, b)
	VSHUFPS(Imm(0x88), b, a, e)
	VSHUFPS(Imm(0xdd), b, a, o)
	VPERMPD(Imm(0xd8), e, e)
	VPERMPD(Imm(0xd8), o, o)
	VMOVUPS(e, Mem{Base: ev})
	VMOVUPS(o, Mem{Base: od})
	ADDQ(Imm(64), src)
	ADDQ(Imm(32), ev)
	ADDQ(Imm(32), od)
	SUBQ(Imm(8), n)
	JNZ(LabelRef("deint2_loop"))
	Label("deint2_done")
	VZEROUPPER()
	RET()
}

// maxRowsAVX2 emits maxRows512 for ymm: d[x] = the max over r < nrows of
// rows[r][x] for x < n (a multiple of 8; the caller does the rest), NaN
// wherever any is NaN. Blocks of 32 samples (four independent chains of
// VMAXPS), then of 8; each load's unordered lanes (VCMPPS) are ORed into a
// ymm mask, and VBLENDVPS puts NaN in them at the end.
func maxRowsAVX2() {
	TEXT("maxRowsAVX2", NOSPLIT, "func(d *float32, n int, rows **float32, nrows int)")
	Pragma("noescape")
	Doc("maxRowsAVX2 sets d[x], for x < n (a multiple of 8), to the max over r < nrows (≥ 1) of rows[r][x], NaN where any is NaN.")
	d := Load(Param("d"), GP64())
	end := Load(Param("n"), GP64())
	SHLQ(Imm(2), end)
	rows := Load(Param("rows"), GP64())
	nrows := Load(Param("nrows"), GP64())
	ninf, qnan := YMM(), YMM()
	VBROADCASTSS(maxConsts.Offset(0), ninf)
	VBROADCASTSS(maxConsts.Offset(4), qnan)
	x, r, p, blk := GP64(), GP64(), GP64(), GP64()
	XORQ(x, x)

	emit := func(name string, nv int) {
		acc, nan, v := make([]reg.VecVirtual, nv), make([]reg.VecVirtual, nv), make([]reg.VecVirtual, nv)
		for i := range nv {
			acc[i], nan[i], v[i] = YMM(), YMM(), YMM()
			VMOVAPS(ninf, acc[i])
			VXORPS(nan[i], nan[i], nan[i])
		}
		un := YMM()
		XORQ(r, r)
		Label(name)
		MOVQ(Mem{Base: rows, Index: r, Scale: 8}, p)
		for i := range nv {
			VMOVUPS(Mem{Base: p, Index: x, Scale: 1, Disp: 32 * i}, v[i])
			VCMPPS(Imm(3), v[i], v[i], un) // unordered: v is NaN
			VORPS(un, nan[i], nan[i])
			VMAXPS(acc[i], v[i], acc[i])
		}
		INCQ(r)
		CMPQ(r, nrows)
		JL(LabelRef(name))
		for i := range nv {
			VBLENDVPS(nan[i], qnan, acc[i], acc[i])
			VMOVUPS(acc[i], Mem{Base: d, Index: x, Scale: 1, Disp: 32 * i})
		}
	}
	Label("mr2_block")
	MOVQ(x, blk)
	ADDQ(Imm(128), blk)
	CMPQ(blk, end)
	JG(LabelRef("mr2_eight"))
	emit("mr2_row", 4)
	ADDQ(Imm(128), x)
	JMP(LabelRef("mr2_block"))
	Label("mr2_eight")
	CMPQ(x, end)
	JGE(LabelRef("mr2_done"))
	emit("mr2_row8", 1)
	ADDQ(Imm(32), x)
	JMP(LabelRef("mr2_eight"))
	Label("mr2_done")
	VZEROUPPER()
	RET()
}

// dw3x3PadAVX2 emits dw3x3PadAVX512 for AVX2+FMA: four output rows a pass
// in blocks of 8 samples (one ymm accumulator a row), the nine weights in
// registers (14 of the 16 ymm), the six input rows' bases computed once a
// pass (the zero row outside [0, h)) and kept in general registers. Each
// input vector is loaded once and fed to every output row it reaches, ky
// then kx for each output: convRowsAVX2's FMA order on the padded rows, so
// its bits. The first and the last block load through VMASKMOVPS, which
// reads zeros for masked-off lanes without touching their memory (the
// padding columns), with masks from masks: for the first and then the last
// block, three load masks (kx = 0, 1, 2) and a store mask, 8 int32 each.
func dw3x3PadAVX2() {
	const R, vb = 4, 32
	TEXT("dw3x3PadAVX2", NOSPLIT, "func(out *float32, ldo, nout, n int, src *float32, pitch, y0, h int, zero *float32, off int, k *float32, masks *int32)")
	Pragma("noescape")
	Doc("dw3x3PadAVX2 is dw3x3PadAVX512 in blocks of 8 samples; masks holds, for the first and then the last block of 8, three load masks (kx = 0, 1, 2) and a store mask of 8 int32 each.")
	kp := Load(Param("k"), GP64())
	w := make([]reg.VecVirtual, 9)
	for i := range w {
		w[i] = YMM()
		VBROADCASTSS(Mem{Base: kp, Disp: 4 * i}, w[i])
	}
	// The pass's state lives in locals: the loop over blocks needs the
	// general registers for the six row bases.
	outL, yL, noutL := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	t := GP64()
	Load(Param("out"), t)
	MOVQ(t, outL)
	Load(Param("y0"), t)
	MOVQ(t, yL)
	Load(Param("nout"), t)
	MOVQ(t, noutL)
	acc := make([]reg.VecVirtual, R)
	for i := range acc {
		acc[i] = YMM()
	}
	tmp, mv := YMM(), YMM()

	Label("dwa_pass")
	CMPQ(noutL, Imm(0))
	JLE(LabelRef("dwa_done"))
	// The six input rows' bases, less the left padding: a row's sample
	// c−off is at base + 4c.
	off := Load(Param("off"), GP64())
	SHLQ(Imm(2), off)
	src := Load(Param("src"), GP64())
	SUBQ(off, src)
	zero := Load(Param("zero"), GP64())
	SUBQ(off, zero)
	pitch := Load(Param("pitch"), GP64())
	SHLQ(Imm(2), pitch)
	h := Load(Param("h"), GP64())
	row := make([]reg.GPVirtual, R+2)
	for i := range row {
		row[i] = GP64()
		MOVQ(yL, t)
		if i > 0 {
			ADDQ(Imm(uint64(i)), t)
		}
		MOVQ(t, row[i])
		IMULQ(pitch, row[i])
		ADDQ(src, row[i])
		CMPQ(t, h) // unsigned: a negative row is huge
		CMOVQCC(zero, row[i])
	}
	end := Load(Param("n"), GP64())
	SHLQ(Imm(2), end)
	ldo := Load(Param("ldo"), GP64())
	SHLQ(Imm(2), ldo)
	o := GP64()
	MOVQ(outL, o)
	x := GP64()
	XORQ(x, x)

	// emitPass emits one block at byte offset x: masked with mask set
	// set (0 first block, 1 last) or, for set < 0, unmasked.
	emitPass := func(set int) {
		var mp reg.Register
		if set >= 0 {
			mp = Load(Param("masks"), GP64())
		}
		for _, a := range acc {
			VXORPS(a, a, a)
		}
		for i := range R + 2 {
			for kx := range 3 {
				src := Mem{Base: row[i], Index: x, Scale: 1, Disp: 4 * kx}
				if set >= 0 {
					VMOVDQU(Mem{Base: mp, Disp: set*128 + kx*32}, mv)
					VMASKMOVPS(src, mv, tmp)
				} else {
					VMOVUPS(src, tmp)
				}
				for r := range R {
					if ky := i - r; ky >= 0 && ky <= 2 {
						VFMADD231PS(tmp, w[ky*3+kx], acc[r])
					}
				}
			}
		}
		if set >= 0 {
			VMOVDQU(Mem{Base: mp, Disp: set*128 + 96}, mv)
		}
		MOVQ(o, t)
		ADDQ(x, t)
		for r := range R {
			var dst Mem
			switch r {
			case 0:
				dst = Mem{Base: t}
			case 1:
				dst = Mem{Base: t, Index: ldo, Scale: 1}
			case 2:
				dst = Mem{Base: t, Index: ldo, Scale: 2}
			case 3:
				LEAQ(Mem{Base: t, Index: ldo, Scale: 2}, t)
				dst = Mem{Base: t, Index: ldo, Scale: 1}
			}
			if set >= 0 {
				VMASKMOVPS(acc[r], mv, dst)
			} else {
				VMOVUPS(acc[r], dst)
			}
		}
	}

	emitPass(0)
	MOVQ(U32(vb), x)
	Label("dwa_block")
	MOVQ(x, t)
	ADDQ(U32(vb), t)
	CMPQ(t, end)
	JGE(LabelRef("dwa_last"))
	emitPass(-1)
	ADDQ(U32(vb), x)
	JMP(LabelRef("dwa_block"))
	Label("dwa_last")
	CMPQ(x, end)
	JGE(LabelRef("dwa_next"))
	emitPass(1)
	Label("dwa_next")
	for range R {
		ADDQ(ldo, outL)
	}
	ADDQ(Imm(R), yL)
	SUBQ(Imm(R), noutL)
	JMP(LabelRef("dwa_pass"))
	Label("dwa_done")
	VZEROUPPER()
	RET()
}

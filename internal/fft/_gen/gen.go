//go:build generate

// gen writes internal/fft's butterflies (radix_amd64.s), in an AVX2+FMA
// and an AVX-512F version, and their Go declarations (radix_amd64_stubs.go)
// with avo. It is a module of its own so that avo never becomes a
// dependency of convtool; the generated files are committed, so building
// convtool needs only the Go toolchain. Regenerate from this directory with:
//
//	go run -tags generate gen.go -pkg fft -out ../radix_amd64.s -stubs ../radix_amd64_stubs.go
//
// Each function is one whole Stockham pass of radixPlan (see radix.go for
// the formula) over interleaved complex64 values, four per YMM register
// (AVX2) or eight per ZMM register (AVX-512): for every group p it
// broadcasts the group's twiddles, then runs down the s values of the
// group one register at a time. s must be a positive multiple of the
// register's width in values; the Go caller keeps the other cases for a
// narrower version or the pure-Go pass.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

const sig = "func(x, y []complex64, s, m int, tw []complex64)"

// isa is one instruction set the butterflies are written for.
type isa struct {
	suffix string            // of the function names: AVX2, AVX512
	what   string            // for the doc comments
	vals   int               // complex64 values per register
	vec    func() VecVirtual // a new vector register
	// xor is VXORPS for AVX2; AVX-512F has only the integer VPXORD on ZMM
	// (VXORPS on ZMM needs AVX512DQ).
	xor func(a, b, dst Op)
	// hoist broadcasts a group's twiddles once, before its step loop:
	// with 32 vector registers they fit beside everything else.
	hoist bool
}

// bytes is the size of one register.
func (a isa) bytes() int { return 8 * a.vals }

var (
	avx2 = isa{suffix: "AVX2", what: "AVX2 and FMA", vals: 4, vec: YMM,
		xor: func(a, b, d Op) { VXORPS(a, b, d) }}
	avx512 = isa{suffix: "AVX512", what: "AVX-512F", vals: 8, vec: ZMM,
		xor: func(a, b, d Op) { VPXORD(a, b, d) }, hoist: true}
)

// negOdd flips the sign of every imaginary part (the odd float32 lanes),
// 64 bytes so that a ZMM load reads it whole; half, sin60 and the radix-5
// cosines and sines are float32 constants to broadcast.
var negOdd, cHalf, cSin60, cC5a, cC5b, cS5a, cS5b Mem

func main() {
	ConstraintExpr("amd64,!purego")
	negOdd = GLOBL("negodd", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		if i%2 == 1 {
			DATA(4*i, U32(0x80000000))
		} else {
			DATA(4*i, U32(0))
		}
	}
	cHalf = ConstData("half", F32(0.5))
	cSin60 = ConstData("sin60", F32(0.86602540378443864676))
	cC5a = ConstData("c5a", F32(0.30901699437494742410))
	cC5b = ConstData("c5b", F32(-0.80901699437494742410))
	cS5a = ConstData("s5a", F32(0.95105651629515357212))
	cS5b = ConstData("s5b", F32(0.58778525229247312917))
	// pass2 has no AVX-512 version: two loads, two stores and a complex
	// multiplication per step are bound by the cache, not the arithmetic,
	// and in paired runs on the project's AMD EPYC the ZMM version took
	// 5–10% longer than the YMM one (BenchmarkKernels/pass2_*).
	pass2(avx2)
	for _, a := range []isa{avx2, avx512} {
		pass3(a)
		pass4(a)
		pass5(a)
		mulConj(a)
		realPost(a)
		realPre(a)
	}
	lanesIn("lanesIn8F", "func(dst []complex64, rows *[8]*float32, n int)", 4, false)
	lanesIn("lanesIn8C", "func(dst []complex64, rows *[8]*complex64, n int)", 8, false)
	lanesIn("lanesIn8CConj", "func(dst []complex64, rows *[8]*complex64, n int)", 8, true)
	lanesOut("lanesOut8C", "func(rows *[8]*complex64, src []complex64, n int)", false)
	lanesOut("lanesOut8F", "func(rows *[8]*float32, src []complex64, n int, scale float32)", true)
	Generate()
}

// twiddle loads complex twiddle w (8 bytes at m) as its broadcast real and
// imaginary parts, ready for cmul.
func (a isa) twiddle(m Mem) (re, im VecVirtual) {
	w := a.vec()
	VBROADCASTSD(m, w)
	re, im = a.vec(), a.vec()
	VMOVSLDUP(w, re)
	VMOVSHDUP(w, im)
	return re, im
}

// cmul returns v·w for interleaved complex values v and a broadcast
// twiddle (re, im): [a b]·[c d] = [ac−bd, bc+ad] as a swap, a multiply and
// one fused multiply-add-subtract.
func (a isa) cmul(v, re, im VecVirtual) VecVirtual {
	t := a.vec()
	VPERMILPS(U8(0xB1), v, t)
	VMULPS(im, t, t)
	VFMADDSUB231PS(re, v, t)
	return t
}

// mulNegI returns v·(−i) = [b −a].
func (a isa) mulNegI(v, mask VecVirtual) VecVirtual {
	t := a.vec()
	VPERMILPS(U8(0xB1), v, t)
	a.xor(mask, t, t)
	return t
}

// broadcast returns the float32 constant at c in every lane.
func (a isa) broadcast(c Mem) VecVirtual {
	v := a.vec()
	VBROADCASTSS(c, v)
	return v
}

// loadMask returns negOdd in a register.
func (a isa) loadMask() VecVirtual {
	v := a.vec()
	VMOVUPS(negOdd, v)
	return v
}

// pass is the frame shared by every radix. Input run j of group p starts
// j·s·m values after run 0 and output run k k·s values after output run 0,
// so two pointers, advanced by one register per step, address all of them
// with index registers (js, 3·js, sb, 3·sb and scales 1, 2, 4); after a
// group the input pointer has reached group p+1 and the output one moves
// on by (r−1)·s values. body computes one step from the loaded inputs and
// hands each output to store as soon as it is ready, to keep registers
// free; tw(k) gives it twiddle k+1 of the group, broadcast.
func (a isa) pass(r int, body func(in []VecVirtual, tw func(k int) (re, im VecVirtual), store func(k int, v VecVirtual)), setup func()) {
	name := fmt.Sprintf("pass%d%s", r, a.suffix)
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(fmt.Sprintf("%s is pass%d for s a positive multiple of %d, with %s.", name, r, a.vals, a.what))
	in := Load(Param("x").Base(), GP64())
	out := Load(Param("y").Base(), GP64())
	s := Load(Param("s"), GP64())
	m := Load(Param("m"), GP64())
	tw := Load(Param("tw").Base(), GP64())
	setup()

	sb := GP64() // bytes in a run of s values
	MOVQ(s, sb)
	SHLQ(U8(3), sb)
	js := GP64() // bytes between input runs j and j+1: s·m values
	MOVQ(sb, js)
	IMULQ(m, js)
	js3, sb3 := GP64(), GP64()
	LEAQ(Mem{Base: js, Index: js, Scale: 2}, js3)
	LEAQ(Mem{Base: sb, Index: sb, Scale: 2}, sb3)
	at := func(base, one, three Register, j int) Mem {
		switch j {
		case 0:
			return Mem{Base: base}
		case 3:
			return Mem{Base: base, Index: three, Scale: 1}
		}
		return Mem{Base: base, Index: one, Scale: uint8(j)}
	}
	skip := GP64() // (r−1)·s values, in bytes
	IMUL3Q(U32(uint32(r-1)), sb, skip)

	Label(name + "_group")
	twf := func(k int) (re, im VecVirtual) { return a.twiddle(Mem{Base: tw, Disp: 8 * k}) }
	if a.hoist {
		re, im := make([]VecVirtual, r-1), make([]VecVirtual, r-1)
		for k := range re {
			re[k], im[k] = a.twiddle(Mem{Base: tw, Disp: 8 * k})
		}
		twf = func(k int) (VecVirtual, VecVirtual) { return re[k], im[k] }
	}
	q := GP64()
	MOVQ(s, q)
	Label(name + "_step")
	vin := make([]VecVirtual, r)
	for j := range vin {
		vin[j] = a.vec()
		VMOVUPS(at(in, js, js3, j), vin[j])
	}
	body(vin, twf, func(k int, v VecVirtual) { VMOVUPS(v, at(out, sb, sb3, k)) })
	ADDQ(U8(a.bytes()), in)
	ADDQ(U8(a.bytes()), out)
	SUBQ(U8(a.vals), q)
	JNZ(LabelRef(name + "_step"))

	ADDQ(skip, out)
	ADDQ(U32(uint32(8*(r-1))), tw)
	DECQ(m)
	JNZ(LabelRef(name + "_group"))
	VZEROUPPER()
	RET()
}

// Without hoisting (AVX2) the twiddles are loaded inside the step loop:
// broadcasting them there costs two shuffles per use but keeps the frame
// within 16 vector and 15 general registers for every radix.

func pass2(a isa) {
	a.pass(2, func(in []VecVirtual, tw func(int) (VecVirtual, VecVirtual), store func(int, VecVirtual)) {
		s, d := a.vec(), a.vec()
		VADDPS(in[1], in[0], s)
		VSUBPS(in[1], in[0], d)
		store(0, s)
		re, im := tw(0)
		store(1, a.cmul(d, re, im))
	}, func() {})
}

var mask, half, sin60 VecVirtual

func pass3(a isa) {
	a.pass(3, func(in []VecVirtual, tw func(int) (VecVirtual, VecVirtual), store func(int, VecVirtual)) {
		t1, d := a.vec(), a.vec()
		VADDPS(in[2], in[1], t1)
		VSUBPS(in[2], in[1], d)
		y0 := a.vec()
		VADDPS(t1, in[0], y0)
		store(0, y0)
		t2 := a.vec()
		VMOVUPS(in[0], t2)
		VFNMADD231PS(half, t1, t2) // t2 = u0 − t1/2
		VMULPS(sin60, d, d)
		t3 := a.mulNegI(d, mask)
		p, q := a.vec(), a.vec()
		VADDPS(t3, t2, p)
		VSUBPS(t3, t2, q)
		re1, im1 := tw(0)
		store(1, a.cmul(p, re1, im1))
		re2, im2 := tw(1)
		store(2, a.cmul(q, re2, im2))
	}, func() {
		mask = a.loadMask()
		half = a.broadcast(cHalf)
		sin60 = a.broadcast(cSin60)
	})
}

func pass4(a isa) {
	a.pass(4, func(in []VecVirtual, tw func(int) (VecVirtual, VecVirtual), store func(int, VecVirtual)) {
		t0, t1, t2, d := a.vec(), a.vec(), a.vec(), a.vec()
		VADDPS(in[2], in[0], t0)
		VSUBPS(in[2], in[0], t1)
		VADDPS(in[3], in[1], t2)
		VSUBPS(in[3], in[1], d)
		t3 := a.mulNegI(d, mask)
		y0, p, q, c := a.vec(), a.vec(), a.vec(), a.vec()
		VADDPS(t2, t0, y0)
		store(0, y0)
		VSUBPS(t2, t0, q)
		VADDPS(t3, t1, p)
		VSUBPS(t3, t1, c)
		re1, im1 := tw(0)
		store(1, a.cmul(p, re1, im1))
		re2, im2 := tw(1)
		store(2, a.cmul(q, re2, im2))
		re3, im3 := tw(2)
		store(3, a.cmul(c, re3, im3))
	}, func() {
		mask = a.loadMask()
	})
}

var c5a, c5b, s5a, s5b VecVirtual

// pass5 follows pass5 in radix.go: with s14 = u1+u4, d14 = u1−u4, s23 =
// u2+u3, d23 = u2−u3 and the cosines and sines of 2π/5 and 4π/5,
// y1,4 = u0 + c1·s14 + c2·s23 ∓ i(s1·d14 + s2·d23) and
// y2,3 = u0 + c2·s14 + c1·s23 ∓ i(s2·d14 − s1·d23), before twiddles.
func pass5(a isa) {
	a.pass(5, func(in []VecVirtual, tw func(int) (VecVirtual, VecVirtual), store func(int, VecVirtual)) {
		s14, d14, s23, d23 := a.vec(), a.vec(), a.vec(), a.vec()
		VADDPS(in[4], in[1], s14)
		VSUBPS(in[4], in[1], d14)
		VADDPS(in[3], in[2], s23)
		VSUBPS(in[3], in[2], d23)
		y0 := a.vec()
		VADDPS(s14, in[0], y0)
		VADDPS(s23, y0, y0)
		store(0, y0)
		r1, r2 := a.vec(), a.vec()
		VMOVUPS(in[0], r1)
		VFMADD231PS(c5a, s14, r1)
		VFMADD231PS(c5b, s23, r1)
		VMOVUPS(in[0], r2)
		VFMADD231PS(c5b, s14, r2)
		VFMADD231PS(c5a, s23, r2)
		sa, sb := a.vec(), a.vec()
		VMULPS(s5a, d14, sa)
		VFMADD231PS(s5b, d23, sa)
		VMULPS(s5b, d14, sb)
		VFNMADD231PS(s5a, d23, sb)
		i1 := a.mulNegI(sa, mask)
		i2 := a.mulNegI(sb, mask)
		p, q := a.vec(), a.vec()
		VADDPS(i1, r1, p)
		VSUBPS(i1, r1, q)
		re, im := tw(0)
		store(1, a.cmul(p, re, im))
		re, im = tw(3)
		store(4, a.cmul(q, re, im))
		VADDPS(i2, r2, p)
		VSUBPS(i2, r2, q)
		re, im = tw(1)
		store(2, a.cmul(p, re, im))
		re, im = tw(2)
		store(3, a.cmul(q, re, im))
	}, func() {
		mask = a.loadMask()
		c5a, c5b = a.broadcast(cC5a), a.broadcast(cC5b)
		s5a, s5b = a.broadcast(cS5a), a.broadcast(cS5b)
	})
}

// mulConj is the product of a spectrum block with the kernel's spectrum,
// conjugated for the inverse transform that follows: z[i] = conj(z[i]·w[i])
// for the first n values, n a multiple of the register's width.
// conj(v·w) = [ac−bd, −(bc+ad)]: the same swap, multiply and fused
// multiply-add-subtract as cmul, with both twiddle parts taken per value,
// then a sign flip of the odd lanes.
func mulConj(a isa) {
	name := "mulConj" + a.suffix
	TEXT(name, NOSPLIT, "func(z, w []complex64, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s sets z[i] = conj(z[i]·w[i]) for i < n, n a positive multiple of %d, with %s.", name, a.vals, a.what))
	z := Load(Param("z").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	n := Load(Param("n"), GP64())
	mask := a.loadMask()
	Label(name + "_loop")
	v, ww, re, im, t := a.vec(), a.vec(), a.vec(), a.vec(), a.vec()
	VMOVUPS(Mem{Base: z}, v)
	VMOVUPS(Mem{Base: w}, ww)
	VMOVSLDUP(ww, re)
	VMOVSHDUP(ww, im)
	VPERMILPS(U8(0xB1), v, t)
	VMULPS(im, t, t)
	VFMADDSUB231PS(re, v, t)
	a.xor(mask, t, t)
	VMOVUPS(t, Mem{Base: z})
	ADDQ(U8(a.bytes()), z)
	ADDQ(U8(a.bytes()), w)
	SUBQ(U8(a.vals), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

// realPost is the middle of realPlan.store for lanes interleaved
// sequences: for k = 1..m−1 and every lane, with a = res[k], b = res[m−k],
//
//	out[k] = (a + conj b + w[k]·(−i)(a − conj b)) / 2
//
// written to out in the same lane layout. lanes is a positive multiple
// of the register's width; the caller does k = 0 and m and spreads out
// over the rows.
func realPost(a isa) {
	name := "realPost" + a.suffix
	TEXT(name, NOSPLIT, "func(out, res, w []complex64, m, lanes int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s combines the half-length spectra of a real transform, k = 1..m-1, lanes a positive multiple of %d, with %s.", name, a.vals, a.what))
	out := Load(Param("out").Base(), GP64())
	ra := Load(Param("res").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	m := Load(Param("m"), GP64())
	lanes := Load(Param("lanes"), GP64())
	lb := GP64() // bytes per k: lanes values
	MOVQ(lanes, lb)
	SHLQ(U8(3), lb)
	rb := GP64() // res[m−1]
	MOVQ(m, rb)
	DECQ(rb)
	IMULQ(lb, rb)
	ADDQ(ra, rb)
	ADDQ(lb, ra) // res[1]
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	k := GP64()
	MOVQ(m, k)
	DECQ(k)
	JZ(LabelRef(name + "_done"))
	mask, half := a.loadMask(), a.broadcast(cHalf)
	Label(name + "_k")
	re, im := a.twiddle(Mem{Base: w})
	j := GP64()
	XORQ(j, j)
	Label(name + "_lane")
	va, vb, e, d := a.vec(), a.vec(), a.vec(), a.vec()
	VMOVUPS(Mem{Base: ra, Index: j, Scale: 1}, va)
	VMOVUPS(Mem{Base: rb, Index: j, Scale: 1}, vb)
	a.xor(mask, vb, vb) // conj b
	VADDPS(vb, va, e)
	VSUBPS(vb, va, d)
	o := a.mulNegI(d, mask)
	x := a.cmul(o, re, im)
	VADDPS(x, e, x)
	VMULPS(half, x, x)
	VMOVUPS(x, Mem{Base: out, Index: j, Scale: 1})
	ADDQ(U8(a.bytes()), j)
	CMPQ(j, lb)
	JNE(LabelRef(name + "_lane"))
	ADDQ(lb, ra)
	SUBQ(lb, rb)
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	DECQ(k)
	JNZ(LabelRef(name + "_k"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// realPre is the middle of realPlan.loadSpec for lanes interleaved
// spectra g (m+1 coefficients each): for k = 1..m−1 and every lane, with
// a = g[k], b = g[m−k], e = a + conj b and o = (a − conj b)·conj w[k],
//
//	z[k] = conj(e + i·o)
//
// lanes is a positive multiple of the register's width; the caller does
// k = 0.
func realPre(a isa) {
	name := "realPre" + a.suffix
	TEXT(name, NOSPLIT, "func(z, g, w []complex64, m, lanes int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s splits real spectra into the half-length sequence of the inverse, k = 1..m-1, lanes a positive multiple of %d, with %s.", name, a.vals, a.what))
	out := Load(Param("z").Base(), GP64())
	ga := Load(Param("g").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	m := Load(Param("m"), GP64())
	lanes := Load(Param("lanes"), GP64())
	lb := GP64()
	MOVQ(lanes, lb)
	SHLQ(U8(3), lb)
	gb := GP64() // g[m−1]
	MOVQ(m, gb)
	DECQ(gb)
	IMULQ(lb, gb)
	ADDQ(ga, gb)
	ADDQ(lb, ga) // g[1]
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	k := GP64()
	MOVQ(m, k)
	DECQ(k)
	JZ(LabelRef(name + "_done"))
	mask := a.loadMask()
	Label(name + "_k")
	re, im := a.twiddle(Mem{Base: w})
	j := GP64()
	XORQ(j, j)
	Label(name + "_lane")
	va, vb, e, d, t := a.vec(), a.vec(), a.vec(), a.vec(), a.vec()
	VMOVUPS(Mem{Base: ga, Index: j, Scale: 1}, va)
	VMOVUPS(Mem{Base: gb, Index: j, Scale: 1}, vb)
	a.xor(mask, vb, vb) // conj b
	VADDPS(vb, va, e)
	VSUBPS(vb, va, d)
	// o = d·conj w: [x y]·[c −d'] = [xc + yd', yc − xd'].
	VPERMILPS(U8(0xB1), d, t)
	VMULPS(im, t, t)
	VFMSUBADD231PS(re, d, t)
	u := a.mulNegI(t, mask) // −i·o
	VSUBPS(u, e, e)         // e + i·o
	a.xor(mask, e, e)       // conj
	VMOVUPS(e, Mem{Base: out, Index: j, Scale: 1})
	ADDQ(U8(a.bytes()), j)
	CMPQ(j, lb)
	JNE(LabelRef(name + "_lane"))
	ADDQ(lb, ga)
	SUBQ(lb, gb)
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	DECQ(k)
	JNZ(LabelRef(name + "_k"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// lanesIn gathers 8 rows into the 8-lane layout the butterflies run on:
// dst[8k+l] = value k of row l (rows[l] points at its first), for k < n,
// n a positive multiple of 4; a value is a complex64, or a pair of float32
// (elt 4: a real row read in pairs, as realPlan.load pairs it). With conj
// it stores the conjugates. AVX2 only: it is a transposition, four values
// of 8 rows at a time, as two 4×4 transposes of 64-bit elements
// (VUNPCKLPD/VUNPCKHPD within the 128-bit halves, then VPERM2F128 across
// them).
func lanesIn(name, sig string, elt int, conj bool) {
	TEXT(name+"AVX2", NOSPLIT, sig)
	Pragma("noescape")
	what := "values"
	if elt == 4 {
		what = "float32 pairs"
	}
	if conj {
		what = "the conjugates of the values"
	}
	Doc(fmt.Sprintf("%sAVX2 gathers %s 0..n-1 of the 8 rows at rows[l] into dst[8k+l], n a positive multiple of 4, with AVX2.", name, what))
	dst := Load(Param("dst").Base(), GP64())
	rp := Load(Param("rows"), GP64())
	n := Load(Param("n"), GP64())
	row := make([]GPVirtual, 8)
	for l := range row {
		row[l] = GP64()
		MOVQ(Mem{Base: rp, Disp: 8 * l}, row[l])
	}
	off := GP64()
	XORQ(off, off)
	var mask VecVirtual
	if conj {
		mask = YMM()
		VMOVUPS(negOdd, mask)
	}
	Label(name + "_loop")
	for half := 0; half < 2; half++ {
		v := make([]VecVirtual, 4)
		for i := range v {
			v[i] = YMM()
			VMOVUPS(Mem{Base: row[4*half+i], Index: off, Scale: 1}, v[i])
		}
		// Rows a, b, c, d of 4 values each: t0 = a0 b0 a2 b2,
		// t1 = a1 b1 a3 b3, t2 = c0 d0 c2 d2, t3 = c1 d1 c3 d3.
		t := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VUNPCKLPD(v[1], v[0], t[0])
		VUNPCKHPD(v[1], v[0], t[1])
		VUNPCKLPD(v[3], v[2], t[2])
		VUNPCKHPD(v[3], v[2], t[3])
		// Value j of the four rows: the low halves of t0/t2 and t1/t3
		// for j = 0 and 1, the high halves for j = 2 and 3.
		o := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VPERM2F128(U8(0x20), t[2], t[0], o[0])
		VPERM2F128(U8(0x20), t[3], t[1], o[1])
		VPERM2F128(U8(0x31), t[2], t[0], o[2])
		VPERM2F128(U8(0x31), t[3], t[1], o[3])
		for j, oj := range o {
			if conj {
				VXORPS(mask, oj, oj)
			}
			VMOVUPS(oj, Mem{Base: dst, Disp: 64*j + 32*half})
		}
	}
	ADDQ(U8(32), off) // four values of 8 bytes, whatever elt
	ADDQ(U32(256), dst)
	SUBQ(U8(4), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

// lanesOut is lanesIn the other way, from the 8-lane layout to 8 rows:
// value k of row l (rows[l] points at its first) = src[8k+l], for k < n,
// n a positive multiple of 4. With scale the rows are float32 and get the
// real part times scale and the imaginary part times −scale (the
// conjugate, scaled, as realPlan.storeReal writes an inverse's rows).
func lanesOut(name, sig string, scale bool) {
	TEXT(name+"AVX2", NOSPLIT, sig)
	Pragma("noescape")
	what := "values"
	if scale {
		what = "the conjugates, times scale, of values"
	}
	Doc(fmt.Sprintf("%sAVX2 scatters %s 0..n-1 of the 8 lanes of src into the rows at rows[l], n a positive multiple of 4, with AVX2.", name, what))
	rp := Load(Param("rows"), GP64())
	src := Load(Param("src").Base(), GP64())
	n := Load(Param("n"), GP64())
	row := make([]GPVirtual, 8)
	for l := range row {
		row[l] = GP64()
		MOVQ(Mem{Base: rp, Disp: 8 * l}, row[l])
	}
	off := GP64()
	XORQ(off, off)
	var sc VecVirtual
	if scale {
		sc = YMM()
		b, err := Param("scale").Resolve()
		if err != nil {
			panic(err)
		}
		VBROADCASTSS(b.Addr, sc)
		VXORPS(negOdd, sc, sc) // scale, −scale, …
	}
	Label(name + "_loop")
	for half := 0; half < 2; half++ {
		// Lanes 4·half … 4·half+3 of values k … k+3.
		v := make([]VecVirtual, 4)
		for i := range v {
			v[i] = YMM()
			VMOVUPS(Mem{Base: src, Disp: 64*i + 32*half}, v[i])
		}
		t := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VUNPCKLPD(v[1], v[0], t[0])
		VUNPCKHPD(v[1], v[0], t[1])
		VUNPCKLPD(v[3], v[2], t[2])
		VUNPCKHPD(v[3], v[2], t[3])
		o := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VPERM2F128(U8(0x20), t[2], t[0], o[0])
		VPERM2F128(U8(0x20), t[3], t[1], o[1])
		VPERM2F128(U8(0x31), t[2], t[0], o[2])
		VPERM2F128(U8(0x31), t[3], t[1], o[3])
		for j, oj := range o {
			if scale {
				VMULPS(sc, oj, oj)
			}
			VMOVUPS(oj, Mem{Base: row[4*half+j], Index: off, Scale: 1})
		}
	}
	ADDQ(U8(32), off)
	ADDQ(U32(256), src)
	SUBQ(U8(4), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

//go:build generate

// gen writes internal/fft's AVX2+FMA butterflies (radix_amd64.s) and their
// Go declarations (radix_amd64_stubs.go) with avo. It is a module of its
// own so that avo never becomes a dependency of convtool; the generated
// files are committed, so building convtool needs only the Go toolchain.
// Regenerate from this directory with:
//
//	go run -tags generate gen.go -pkg fft -out ../radix_amd64.s -stubs ../radix_amd64_stubs.go
//
// Each function is one whole Stockham pass of radixPlan (see radix.go for
// the formula) over interleaved complex64 values, four per YMM register:
// for every group p it broadcasts the group's twiddles, then runs down the
// s values of the group in steps of four. s must be a positive multiple
// of 4; the Go caller keeps the other cases for the pure-Go pass.
package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

const sig = "func(x, y []complex64, s, m int, tw []complex64)"

// negOdd flips the sign of every imaginary part (the odd float32 lanes).
var negOdd Mem

func main() {
	ConstraintExpr("amd64,!purego")
	negOdd = GLOBL("negodd", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		if i%2 == 1 {
			DATA(4*i, U32(0x80000000))
		} else {
			DATA(4*i, U32(0))
		}
	}
	pass2()
	pass3()
	pass4()
	pass5()
	mulConj()
	realPost()
	realPre()
	Generate()
}

// twiddle loads complex twiddle w (8 bytes at m) as its broadcast real and
// imaginary parts, ready for cmul.
func twiddle(m Mem) (re, im VecVirtual) {
	w := YMM()
	VBROADCASTSD(m, w)
	re, im = YMM(), YMM()
	VMOVSLDUP(w, re)
	VMOVSHDUP(w, im)
	return re, im
}

// cmul returns v·w for four interleaved complex values v and a broadcast
// twiddle (re, im): [a b]·[c d] = [ac−bd, bc+ad] as a swap, a multiply and
// one fused multiply-add-subtract.
func cmul(v, re, im VecVirtual) VecVirtual {
	t := YMM()
	VPERMILPS(U8(0xB1), v, t)
	VMULPS(im, t, t)
	VFMADDSUB231PS(re, v, t)
	return t
}

// mulNegI returns v·(−i) = [b −a].
func mulNegI(v, mask VecVirtual) VecVirtual {
	t := YMM()
	VPERMILPS(U8(0xB1), v, t)
	VXORPS(mask, t, t)
	return t
}

// pass is the frame shared by every radix. Input run j of group p starts
// j·s·m values after run 0 and output run k k·s values after output run 0,
// so two pointers, advanced by 32 bytes per step, address all of them with
// index registers (js, 3·js, sb, 3·sb and scales 1, 2, 4); after a group
// the input pointer has reached group p+1 and the output one moves on by
// (r−1)·s values. body computes one step from the loaded inputs and hands
// each output to store as soon as it is ready, to keep registers free.
func pass(name string, r int, body func(in []VecVirtual, tw []Mem, store func(k int, v VecVirtual)), setup func()) {
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(name + " is pass" + string(rune('0'+r)) + " for s a positive multiple of 4, with AVX2 and FMA.")
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
	twm := make([]Mem, r-1)
	for k := range twm {
		twm[k] = Mem{Base: tw, Disp: 8 * k}
	}
	q := GP64()
	MOVQ(s, q)
	Label(name + "_step")
	vin := make([]VecVirtual, r)
	for j := range vin {
		vin[j] = YMM()
		VMOVUPS(at(in, js, js3, j), vin[j])
	}
	body(vin, twm, func(k int, v VecVirtual) { VMOVUPS(v, at(out, sb, sb3, k)) })
	ADDQ(U8(32), in)
	ADDQ(U8(32), out)
	SUBQ(U8(4), q)
	JNZ(LabelRef(name + "_step"))

	ADDQ(skip, out)
	ADDQ(U32(uint32(8*(r-1))), tw)
	DECQ(m)
	JNZ(LabelRef(name + "_group"))
	VZEROUPPER()
	RET()
}

// The twiddles are loaded inside the step loop: broadcasting them there
// costs two shuffles per use but keeps the frame within 16 vector and 15
// general registers for every radix.

func pass2() {
	pass("pass2AVX2", 2, func(in []VecVirtual, tw []Mem, store func(int, VecVirtual)) {
		s, d := YMM(), YMM()
		VADDPS(in[1], in[0], s)
		VSUBPS(in[1], in[0], d)
		store(0, s)
		re, im := twiddle(tw[0])
		store(1, cmul(d, re, im))
	}, func() {})
}

var mask, half, sin60 VecVirtual

func pass3() {
	pass("pass3AVX2", 3, func(in []VecVirtual, tw []Mem, store func(int, VecVirtual)) {
		t1, d := YMM(), YMM()
		VADDPS(in[2], in[1], t1)
		VSUBPS(in[2], in[1], d)
		y0 := YMM()
		VADDPS(t1, in[0], y0)
		store(0, y0)
		t2 := YMM()
		VMOVUPS(in[0], t2)
		VFNMADD231PS(half, t1, t2) // t2 = u0 − t1/2
		VMULPS(sin60, d, d)
		t3 := mulNegI(d, mask)
		a, b := YMM(), YMM()
		VADDPS(t3, t2, a)
		VSUBPS(t3, t2, b)
		re1, im1 := twiddle(tw[0])
		store(1, cmul(a, re1, im1))
		re2, im2 := twiddle(tw[1])
		store(2, cmul(b, re2, im2))
	}, func() {
		mask, half, sin60 = YMM(), YMM(), YMM()
		VMOVUPS(negOdd, mask)
		VBROADCASTSS(ConstData("half", F32(0.5)), half)
		VBROADCASTSS(ConstData("sin60", F32(0.86602540378443864676)), sin60)
	})
}

func pass4() {
	pass("pass4AVX2", 4, func(in []VecVirtual, tw []Mem, store func(int, VecVirtual)) {
		t0, t1, t2, d := YMM(), YMM(), YMM(), YMM()
		VADDPS(in[2], in[0], t0)
		VSUBPS(in[2], in[0], t1)
		VADDPS(in[3], in[1], t2)
		VSUBPS(in[3], in[1], d)
		t3 := mulNegI(d, mask)
		y0, a, b, c := YMM(), YMM(), YMM(), YMM()
		VADDPS(t2, t0, y0)
		store(0, y0)
		VSUBPS(t2, t0, b)
		VADDPS(t3, t1, a)
		VSUBPS(t3, t1, c)
		re1, im1 := twiddle(tw[0])
		store(1, cmul(a, re1, im1))
		re2, im2 := twiddle(tw[1])
		store(2, cmul(b, re2, im2))
		re3, im3 := twiddle(tw[2])
		store(3, cmul(c, re3, im3))
	}, func() {
		mask = YMM()
		VMOVUPS(negOdd, mask)
	})
}

var c5a, c5b, s5a, s5b VecVirtual

// pass5 follows pass5 in radix.go: with s14 = u1+u4, d14 = u1−u4, s23 =
// u2+u3, d23 = u2−u3 and the cosines and sines of 2π/5 and 4π/5,
// y1,4 = u0 + c1·s14 + c2·s23 ∓ i(s1·d14 + s2·d23) and
// y2,3 = u0 + c2·s14 + c1·s23 ∓ i(s2·d14 − s1·d23), before twiddles.
func pass5() {
	pass("pass5AVX2", 5, func(in []VecVirtual, tw []Mem, store func(int, VecVirtual)) {
		s14, d14, s23, d23 := YMM(), YMM(), YMM(), YMM()
		VADDPS(in[4], in[1], s14)
		VSUBPS(in[4], in[1], d14)
		VADDPS(in[3], in[2], s23)
		VSUBPS(in[3], in[2], d23)
		y0 := YMM()
		VADDPS(s14, in[0], y0)
		VADDPS(s23, y0, y0)
		store(0, y0)
		r1, r2 := YMM(), YMM()
		VMOVUPS(in[0], r1)
		VFMADD231PS(c5a, s14, r1)
		VFMADD231PS(c5b, s23, r1)
		VMOVUPS(in[0], r2)
		VFMADD231PS(c5b, s14, r2)
		VFMADD231PS(c5a, s23, r2)
		a, b := YMM(), YMM()
		VMULPS(s5a, d14, a)
		VFMADD231PS(s5b, d23, a)
		VMULPS(s5b, d14, b)
		VFNMADD231PS(s5a, d23, b)
		i1 := mulNegI(a, mask)
		i2 := mulNegI(b, mask)
		p, q := YMM(), YMM()
		VADDPS(i1, r1, p)
		VSUBPS(i1, r1, q)
		re, im := twiddle(tw[0])
		store(1, cmul(p, re, im))
		re, im = twiddle(tw[3])
		store(4, cmul(q, re, im))
		VADDPS(i2, r2, p)
		VSUBPS(i2, r2, q)
		re, im = twiddle(tw[1])
		store(2, cmul(p, re, im))
		re, im = twiddle(tw[2])
		store(3, cmul(q, re, im))
	}, func() {
		mask = YMM()
		VMOVUPS(negOdd, mask)
		c5a, c5b, s5a, s5b = YMM(), YMM(), YMM(), YMM()
		VBROADCASTSS(ConstData("c5a", F32(0.30901699437494742410)), c5a)
		VBROADCASTSS(ConstData("c5b", F32(-0.80901699437494742410)), c5b)
		VBROADCASTSS(ConstData("s5a", F32(0.95105651629515357212)), s5a)
		VBROADCASTSS(ConstData("s5b", F32(0.58778525229247312917)), s5b)
	})
}

// mulConj is the product of a spectrum block with the kernel's spectrum,
// conjugated for the inverse transform that follows: z[i] = conj(z[i]·w[i])
// for the first n values, n a multiple of 4. conj(v·w) = [ac−bd, −(bc+ad)]:
// the same swap, multiply and fused multiply-add-subtract as cmul, with
// both twiddle parts taken per value, then a sign flip of the odd lanes.
func mulConj() {
	TEXT("mulConjAVX2", NOSPLIT, "func(z, w []complex64, n int)")
	Pragma("noescape")
	Doc("mulConjAVX2 sets z[i] = conj(z[i]·w[i]) for i < n, n a positive multiple of 4, with AVX2 and FMA.")
	z := Load(Param("z").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	n := Load(Param("n"), GP64())
	mask := YMM()
	VMOVUPS(negOdd, mask)
	Label("mulConj_loop")
	v, ww, re, im, t := YMM(), YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: z}, v)
	VMOVUPS(Mem{Base: w}, ww)
	VMOVSLDUP(ww, re)
	VMOVSHDUP(ww, im)
	VPERMILPS(U8(0xB1), v, t)
	VMULPS(im, t, t)
	VFMADDSUB231PS(re, v, t)
	VXORPS(mask, t, t)
	VMOVUPS(t, Mem{Base: z})
	ADDQ(U8(32), z)
	ADDQ(U8(32), w)
	SUBQ(U8(4), n)
	JNZ(LabelRef("mulConj_loop"))
	VZEROUPPER()
	RET()
}

// realPost is the middle of realPlan.store for lanes interleaved
// sequences: for k = 1..m−1 and every lane, with a = res[k], b = res[m−k],
//
//	out[k] = (a + conj b + w[k]·(−i)(a − conj b)) / 2
//
// written to out in the same lane layout. lanes is a positive multiple
// of 4; the caller does k = 0 and m and spreads out over the rows.
func realPost() {
	TEXT("realPostAVX2", NOSPLIT, "func(out, res, w []complex64, m, lanes int)")
	Pragma("noescape")
	Doc("realPostAVX2 combines the half-length spectra of a real transform, k = 1..m-1, lanes a positive multiple of 4, with AVX2 and FMA.")
	out := Load(Param("out").Base(), GP64())
	a := Load(Param("res").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	m := Load(Param("m"), GP64())
	lanes := Load(Param("lanes"), GP64())
	lb := GP64() // bytes per k: lanes values
	MOVQ(lanes, lb)
	SHLQ(U8(3), lb)
	b := GP64() // res[m−1]
	MOVQ(m, b)
	DECQ(b)
	IMULQ(lb, b)
	ADDQ(a, b)
	ADDQ(lb, a) // res[1]
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	k := GP64()
	MOVQ(m, k)
	DECQ(k)
	JZ(LabelRef("realPost_done"))
	mask, half := YMM(), YMM()
	VMOVUPS(negOdd, mask)
	VBROADCASTSS(ConstData("half2", F32(0.5)), half)
	Label("realPost_k")
	re, im := twiddle(Mem{Base: w})
	j := GP64()
	XORQ(j, j)
	Label("realPost_lane")
	va, vb, e, d := YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: a, Index: j, Scale: 1}, va)
	VMOVUPS(Mem{Base: b, Index: j, Scale: 1}, vb)
	VXORPS(mask, vb, vb) // conj b
	VADDPS(vb, va, e)
	VSUBPS(vb, va, d)
	o := mulNegI(d, mask)
	x := cmul(o, re, im)
	VADDPS(x, e, x)
	VMULPS(half, x, x)
	VMOVUPS(x, Mem{Base: out, Index: j, Scale: 1})
	ADDQ(U8(32), j)
	CMPQ(j, lb)
	JNE(LabelRef("realPost_lane"))
	ADDQ(lb, a)
	SUBQ(lb, b)
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	DECQ(k)
	JNZ(LabelRef("realPost_k"))
	Label("realPost_done")
	VZEROUPPER()
	RET()
}

// realPre is the middle of realPlan.loadSpec for lanes interleaved
// spectra g (m+1 coefficients each): for k = 1..m−1 and every lane, with
// a = g[k], b = g[m−k], e = a + conj b and o = (a − conj b)·conj w[k],
//
//	z[k] = conj(e + i·o)
//
// lanes is a positive multiple of 4; the caller does k = 0.
func realPre() {
	TEXT("realPreAVX2", NOSPLIT, "func(z, g, w []complex64, m, lanes int)")
	Pragma("noescape")
	Doc("realPreAVX2 splits real spectra into the half-length sequence of the inverse, k = 1..m-1, lanes a positive multiple of 4, with AVX2 and FMA.")
	out := Load(Param("z").Base(), GP64())
	a := Load(Param("g").Base(), GP64())
	w := Load(Param("w").Base(), GP64())
	m := Load(Param("m"), GP64())
	lanes := Load(Param("lanes"), GP64())
	lb := GP64()
	MOVQ(lanes, lb)
	SHLQ(U8(3), lb)
	b := GP64() // g[m−1]
	MOVQ(m, b)
	DECQ(b)
	IMULQ(lb, b)
	ADDQ(a, b)
	ADDQ(lb, a) // g[1]
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	k := GP64()
	MOVQ(m, k)
	DECQ(k)
	JZ(LabelRef("realPre_done"))
	mask := YMM()
	VMOVUPS(negOdd, mask)
	Label("realPre_k")
	re, im := twiddle(Mem{Base: w})
	j := GP64()
	XORQ(j, j)
	Label("realPre_lane")
	va, vb, e, d, t := YMM(), YMM(), YMM(), YMM(), YMM()
	VMOVUPS(Mem{Base: a, Index: j, Scale: 1}, va)
	VMOVUPS(Mem{Base: b, Index: j, Scale: 1}, vb)
	VXORPS(mask, vb, vb) // conj b
	VADDPS(vb, va, e)
	VSUBPS(vb, va, d)
	// o = d·conj w: [x y]·[c −d'] = [xc + yd', yc − xd'].
	VPERMILPS(U8(0xB1), d, t)
	VMULPS(im, t, t)
	VFMSUBADD231PS(re, d, t)
	u := mulNegI(t, mask) // −i·o
	VSUBPS(u, e, e)       // e + i·o
	VXORPS(mask, e, e)    // conj
	VMOVUPS(e, Mem{Base: out, Index: j, Scale: 1})
	ADDQ(U8(32), j)
	CMPQ(j, lb)
	JNE(LabelRef("realPre_lane"))
	ADDQ(lb, a)
	SUBQ(lb, b)
	ADDQ(lb, out)
	ADDQ(U8(8), w)
	DECQ(k)
	JNZ(LabelRef("realPre_k"))
	Label("realPre_done")
	VZEROUPPER()
	RET()
}

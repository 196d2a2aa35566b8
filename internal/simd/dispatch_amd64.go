//go:build amd64 && !purego

package simd

import (
	"sync/atomic"

	"golang.org/x/sys/cpu"
)

// Detected returns the best level the CPU supports.
func Detected() Level {
	switch {
	case cpu.X86.HasAVX512F:
		return AVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return AVX2
	}
	return Generic
}

func supported(l Level) bool { return l >= Generic && l <= Detected() }

func gemmTileAt(l Level, mr, nr, k int, a, b []float32, ldb int, c []float32, ldc int, add bool) {
	switch l {
	case AVX512:
		sgemm8x32AVX512(k, &a[0], &b[0], ldb, &c[0], ldc, add)
	case AVX2:
		sgemm6x16AVX2(k, &a[0], &b[0], ldb, &c[0], ldc, add)
	default:
		gemmGeneric(mr, nr, k, a, b, ldb, c, ldc, add)
	}
}

func gemmOffsAt(l Level, mr, nr int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	switch l {
	case AVX512:
		sgemmOffs8x32AVX512(len(offs), &a[0], &b[0], &offs[0], &c[0], ldc, add)
	case AVX2:
		sgemmOffs6x16AVX2(len(offs), &a[0], &b[0], &offs[0], &c[0], ldc, add)
	default:
		gemmOffsGeneric(mr, nr, a, b, offs, c, ldc, add)
	}
}

// maxStackRows is how many row pointers convRowsAt keeps on the stack.
const maxStackRows = 64

func convRowsAt(l Level, out []float32, ldo, nout, n int, rows [][]float32, k []float32, kw, dx, step int) {
	if l == Generic {
		convRowsGeneric(out, ldo, nout, n, rows, k, kw, dx, step)
		return
	}
	if l == AVX512 && nout >= 4 && kw == 3 && dx == 1 && consecutive3(rows, step) {
		// Three consecutive rows of one plane under a 3×3 kernel: the
		// register-blocked kernel for whole groups of four output rows,
		// the general one for the rest (the same sums in the same order).
		m := nout &^ 3
		dw3x3AVX512(&out[0], ldo, m, n, &rows[0][0], step, &k[0], tailMasks512(n))
		if m == nout {
			return
		}
		out = out[m*ldo:]
		rows = [][]float32{rows[0][m*step:], rows[1][m*step:], rows[2][m*step:]}
		nout -= m
	}
	var buf [maxStackRows]*float32
	ptrs := buf[:0]
	if len(rows) > maxStackRows {
		ptrs = make([]*float32, 0, len(rows))
	}
	for _, r := range rows {
		ptrs = append(ptrs, &r[0])
	}
	if l == AVX512 {
		convRowsAVX512(&out[0], ldo, nout, n, &ptrs[0], len(ptrs), &k[0], kw, dx, step, tailMasks512(n))
		return
	}
	convRowsAVX2(&out[0], ldo, nout, n, &ptrs[0], len(ptrs), &k[0], kw, dx, step, uint64(n%32))
}

// tailMasks512 packs the four 16-bit lane masks of the last, partial block
// of 64 samples of a row of n (zero when n is a multiple of 64).
func tailMasks512(n int) uint64 {
	var tail uint64
	if rem := n % 64; rem != 0 {
		for v := range 4 {
			lanes := min(max(rem-16*v, 0), 16)
			tail |= uint64(1<<lanes-1) << (16 * v)
		}
	}
	return tail
}

// consecutive3 reports whether rows are exactly three rows of one plane,
// step floats apart: rows[r] starts at rows[0][r·step].
func consecutive3(rows [][]float32, step int) bool {
	return len(rows) == 3 && step > 0 && len(rows[0]) > 2*step && len(rows[1]) > 0 && len(rows[2]) > 0 &&
		&rows[1][0] == &rows[0][step] && &rows[2][0] == &rows[0][2*step]
}

// zeroRow is a row of zeros that the padding rows of DepthwisePlane3x3
// point at; it grows (never shrinks, never written) to the widest row
// asked for.
var zeroRow atomic.Pointer[[]float32]

func zeros(n int) *float32 {
	if z := zeroRow.Load(); z != nil && len(*z) >= n {
		return &(*z)[0]
	}
	z := make([]float32, max(n, 1024))
	zeroRow.Store(&z)
	return &z[0]
}

// lastMasks keeps the lane masks of the last row shape and level asked
// for: a layer asks for the same ones plane after plane.
var lastMasks atomic.Pointer[maskEntry]

type maskEntry struct {
	l              Level
	n, width, left int
	m              [32]uint16 // dw3x3PadAVX512's
	m2             [64]int32  // dw3x3PadAVX2's
}

func cachedMasks(l Level, n, width, left int) *maskEntry {
	if e := lastMasks.Load(); e != nil && e.l == l && e.n == n && e.width == width && e.left == left {
		return e
	}
	e := &maskEntry{l: l, n: n, width: width, left: left}
	if l == AVX512 {
		e.m = depthwiseMasks(n, width, left)
	} else {
		e.m2 = depthwiseMasks2(n, width, left)
	}
	lastMasks.Store(e)
	return e
}

// depthwiseAt runs DepthwisePlane3x3 on dw3x3PadAVX512 at the AVX-512
// level and on dw3x3PadAVX2 at the AVX2 level (the kernel finds each row,
// or the zero row, itself); the last one to three rows as a pass of four
// into scratch.
func depthwiseAt(l Level, out []float32, ldo, nout, n int, src []float32, h, width, y0, left int, k []float32) bool {
	if l == Generic {
		return false
	}
	masks := cachedMasks(l, n, width, left)
	z := zeros(width)
	var base *float32
	if len(src) > 0 {
		base = &src[0]
	} else {
		base, h = z, 0
	}
	run := func(out []float32, ldo, nout, y0 int) {
		if l == AVX512 {
			dw3x3PadAVX512(&out[0], ldo, nout, n, base, width, y0, h, z, left, &k[0], &masks.m[0])
			return
		}
		dw3x3PadAVX2(&out[0], ldo, nout, n, base, width, y0, h, z, left, &k[0], &masks.m2[0])
	}
	m := nout &^ 3
	if m > 0 {
		run(out, ldo, m, y0)
	}
	if rem := nout - m; rem > 0 {
		var tmp [4 * 64]float32
		t := tmp[:]
		if 4*n > len(tmp) {
			t = make([]float32, 4*n)
		}
		run(t, n, 4, y0+m)
		for j := range rem {
			copy(out[(m+j)*ldo:(m+j)*ldo+n], t[j*n:(j+1)*n])
		}
	}
	return true
}

// deint2Idx are deint2AVX512's permutation indices: the even lanes of a
// pair of vectors, then the odd.
var deint2Idx = func() (idx [32]uint32) {
	for i := range 16 {
		idx[i], idx[16+i] = uint32(2*i), uint32(2*i+1)
	}
	return idx
}()

// deint2At deinterleaves the first multiple of 16 pairs at the AVX-512
// level, of 8 at the AVX2 level, and returns how many it did.
func deint2At(l Level, even, odd, src []float32, n int) int {
	switch {
	case l == AVX512 && n >= 16:
		m := n &^ 15
		deint2AVX512(&even[0], &odd[0], &src[0], m, &deint2Idx[0])
		return m
	case l == AVX2 && n >= 8:
		m := n &^ 7
		deint2AVX2(&even[0], &odd[0], &src[0], m)
		return m
	}
	return 0
}

// maxRowsAt runs MaxRows on maxRowsAVX512 at the AVX-512 level (all of
// d) and on maxRowsAVX2 at the AVX2 level (the first multiple of 8
// samples), and returns how many samples of d it set.
func maxRowsAt(l Level, d []float32, rows [][]float32) int {
	n := len(d)
	if l == Generic || l == AVX2 && n < 8 {
		return 0
	}
	var buf [maxStackRows]*float32
	ptrs := buf[:0]
	if len(rows) > maxStackRows {
		ptrs = make([]*float32, 0, len(rows))
	}
	for _, r := range rows {
		ptrs = append(ptrs, &r[0])
	}
	if l == AVX2 {
		m := n &^ 7
		maxRowsAVX2(&d[0], m, &ptrs[0], len(ptrs))
		return m
	}
	maxRowsAVX512(&d[0], n, &ptrs[0], len(ptrs), uint16(1<<(n%16)-1))
	return n
}

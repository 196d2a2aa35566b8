//go:build amd64 && !purego

package simd

import "golang.org/x/sys/cpu"

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

// maxStackRows is how many row pointers convRowsAt keeps on the stack.
const maxStackRows = 64

func convRowsAt(l Level, out []float32, ldo, nout, n int, rows [][]float32, k []float32, kw, dx, step int) {
	if l == Generic {
		convRowsGeneric(out, ldo, nout, n, rows, k, kw, dx, step)
		return
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
		// Four 16-bit lane masks for the last, partial block of 64.
		var tail uint64
		if rem := n % 64; rem != 0 {
			for v := range 4 {
				lanes := min(max(rem-16*v, 0), 16)
				tail |= uint64(1<<lanes-1) << (16 * v)
			}
		}
		convRowsAVX512(&out[0], ldo, nout, n, &ptrs[0], len(ptrs), &k[0], kw, dx, step, tail)
		return
	}
	convRowsAVX2(&out[0], ldo, nout, n, &ptrs[0], len(ptrs), &k[0], kw, dx, step, uint64(n%32))
}

//go:build !amd64 || purego

package simd

// Detected returns the best level this build can use: without the
// assembly (another architecture, or -tags purego), the pure-Go kernels.
func Detected() Level { return Generic }

func supported(l Level) bool { return l == Generic }

func gemmTileAt(_ Level, mr, nr, k int, a, b []float32, ldb int, c []float32, ldc int, add bool) {
	gemmGeneric(mr, nr, k, a, b, ldb, c, ldc, add)
}

func convRowsAt(_ Level, out []float32, ldo, nout, n int, rows [][]float32, k []float32, kw, dx, step int) {
	convRowsGeneric(out, ldo, nout, n, rows, k, kw, dx, step)
}

func depthwiseAt(Level, []float32, int, int, int, []float32, int, int, int, int, []float32) bool {
	return false
}

func gemmOffsAt(_ Level, mr, nr int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	gemmOffsGeneric(mr, nr, a, b, offs, c, ldc, add)
}

func deint2At(Level, []float32, []float32, []float32, int) int { return 0 }

func maxRowsAt(Level, []float32, [][]float32) int { return 0 }

package simd

import "fmt"

// Level is an instruction-set level a kernel is written for.
type Level int

const (
	// Generic is the pure-Go code, available everywhere.
	Generic Level = iota
	// AVX2 is AVX2 with FMA3 (x86-64 since Haswell / Zen 1).
	AVX2
	// AVX512 is AVX-512F (with BMI2-free code: only AVX512F is used).
	AVX512
)

func (l Level) String() string {
	switch l {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// current is the level the kernels run at: the best the CPU and the build
// allow, unless a test or benchmark chose another with SetLevel.
var current = Detected()

// Current returns the level the kernels run at.
func Current() Level { return current }

// Levels returns every level this build can run on this CPU, best first.
func Levels() []Level {
	var ls []Level
	for l := Detected(); l >= Generic; l-- {
		if supported(l) {
			ls = append(ls, l)
		}
	}
	return ls
}

// SetLevel makes the kernels run at l and returns the previous level, so
// that tests and benchmarks can exercise every path the CPU supports. It
// refuses a level the CPU or the build lacks. It is not safe to call while
// kernels run on other goroutines.
func SetLevel(l Level) (Level, error) {
	if !supported(l) {
		return current, fmt.Errorf("simd: level %s is not available (build or CPU)", l)
	}
	prev := current
	current = l
	return prev, nil
}

// GemmKernel is one sgemm micro-kernel: it computes an MR×NR tile of C.
// Take it once per matrix product with Sgemm, so that the packing and the
// kernel agree on the tile even if the level changes meanwhile.
type GemmKernel struct {
	MR, NR int
	level  Level
}

// Sgemm returns the micro-kernel of the current level.
func Sgemm() GemmKernel {
	mr, nr := gemmTile(current)
	return GemmKernel{MR: mr, NR: nr, level: current}
}

// Level reports which level the kernel runs at.
func (g GemmKernel) Level() Level { return g.level }

// Tile sets the MR×NR tile of C (row stride ldc) to A·B summed over k
// steps, or adds A·B to it when add is set. A is packed: MR floats per step
// (a[p·MR+i] is row i at step p). B holds NR floats per step at a stride
// of ldb floats (b[p·ldb+j] is column j at step p): a packed panel
// (ldb = NR) or rows of a matrix in place. It panics if a slice is too
// short for the tile: the assembly cannot check.
func (g GemmKernel) Tile(k int, a, b []float32, ldb int, c []float32, ldc int, add bool) {
	if k < 0 || len(a) < k*g.MR || ldc < g.NR || len(c) < (g.MR-1)*ldc+g.NR ||
		(k > 0 && (ldb < 0 || len(b) < (k-1)*ldb+g.NR)) {
		panic(fmt.Sprintf("simd: Tile(k=%d, len(a)=%d, len(b)=%d, ldb=%d, len(c)=%d, ldc=%d) out of range for %d×%d",
			k, len(a), len(b), ldb, len(c), ldc, g.MR, g.NR))
	}
	if k == 0 {
		if !add {
			for i := range g.MR {
				clear(c[i*ldc : i*ldc+g.NR])
			}
		}
		return
	}
	gemmTileAt(g.level, g.MR, g.NR, k, a, b, ldb, c, ldc, add)
}

// ConvRows sets out[j·ldo + x], for j < nout and x < n, to
//
//	Σ over r < len(rows), t < kw of  k[r·kw+t] · rows[r][j·step + x + t·dx]
//
// the inner loop of a unit-stride correlation: rows are the input rows
// under one output row (every input channel's and kernel row's), k their
// weights, dx the dilation, and step how far the input moves from one
// output row to the next (stride × row pitch), which lets one call cover a
// band of output rows of a padded plane. It panics if a slice is too short.
func ConvRows(out []float32, ldo, nout, n int, rows [][]float32, k []float32, kw, dx, step int) {
	if nout <= 0 || n <= 0 {
		return
	}
	if kw < 1 || dx < 0 || step < 0 || ldo < n || len(out) < (nout-1)*ldo+n || len(k) < len(rows)*kw {
		panic(fmt.Sprintf("simd: ConvRows(len(out)=%d, ldo=%d, nout=%d, n=%d, rows=%d, len(k)=%d, kw=%d, dx=%d, step=%d) out of range",
			len(out), ldo, nout, n, len(rows), len(k), kw, dx, step))
	}
	need := (nout-1)*step + (kw-1)*dx + n
	for r, row := range rows {
		if len(row) < need {
			panic(fmt.Sprintf("simd: ConvRows row %d holds %d samples, needs %d", r, len(row), need))
		}
	}
	if len(rows) == 0 {
		for j := range nout {
			clear(out[j*ldo : j*ldo+n])
		}
		return
	}
	convRowsAt(current, out, ldo, nout, n, rows, k, kw, dx, step)
}

// gemmTile is the MR×NR of each level's micro-kernel.
func gemmTile(l Level) (mr, nr int) {
	switch l {
	case AVX512:
		return 8, 32
	case AVX2:
		return 6, 16
	}
	return 4, 16
}

// DepthwisePlane3x3 sets out[j·ldo + x], for j < nout and x < n, to
//
//	Σ over ky, kx < 3 of  k[ky·3+kx] · in(y0+j+ky, x+kx−left)
//
// where in(y, c) is src[y·width + c] inside the h×width plane src and zero
// outside it: a 3×3 correlation of a zero-padded plane (a depthwise
// layer's, rows y0… under the first output row) without making the padded
// copy. The padding is at most one column a side: 0 ≤ left ≤ 1 and
// 0 ≤ n+2−left−width ≤ 1; rows may be padded by any amount. The sums are
// ConvRows' on the padded rows, in its order, so the bits are too. At the
// AVX-512 and AVX2 levels (see DepthwiseInPlace) the kernel reads the
// plane where it is; elsewhere this pads the rows into scratch and calls
// ConvRows. It
// panics if a slice is too short or the padding is wider.
func DepthwisePlane3x3(out []float32, ldo, nout, n int, src []float32, h, width, y0, left int, k []float32) {
	if nout <= 0 || n <= 0 {
		return
	}
	right := n + 2 - left - width
	if left < 0 || left > 1 || right < 0 || right > 1 || ldo < n || len(out) < (nout-1)*ldo+n ||
		h < 0 || len(src) < h*width || len(k) < 9 {
		panic(fmt.Sprintf("simd: DepthwisePlane3x3(len(out)=%d, ldo=%d, nout=%d, n=%d, len(src)=%d, h=%d, width=%d, left=%d, len(k)=%d) out of range",
			len(out), ldo, nout, n, len(src), h, width, left, len(k)))
	}
	if depthwiseAt(current, out, ldo, nout, n, src, h, width, y0, left, k) {
		return
	}
	// Pad the rows into scratch and run the row kernel on them.
	pitch := n + 2
	buf := make([]float32, (nout+2)*pitch)
	for r := range nout + 2 {
		if y := y0 + r; y >= 0 && y < h {
			copy(buf[r*pitch+left:], src[y*width:(y+1)*width])
		}
	}
	ConvRows(out, ldo, nout, n, [][]float32{buf, buf[pitch:], buf[2*pitch:]}, k, 3, 1, pitch)
}

// DepthwiseInPlace reports whether DepthwisePlane3x3 reads its plane in
// place at the current level; where it does not, a caller that pads rows
// into its own reused scratch and calls ConvRows does the same work with
// fewer allocations.
func DepthwiseInPlace() bool { return current >= AVX2 }

// depthwiseMasks returns dw3x3PadAVX512's lane masks for rows of n output
// samples over width input samples, left of them padded: for the first and
// then the last block of 64, twelve load masks (kx-major, four vectors)
// keeping each load inside [0, width), and four store masks keeping each
// store inside [0, n).
func depthwiseMasks(n, width, left int) [32]uint16 {
	var m [32]uint16
	// span is the mask of lanes l < 16 with lo ≤ base+l < hi.
	span := func(base, lo, hi int) uint16 {
		a, b := min(max(lo-base, 0), 16), min(max(hi-base, 0), 16)
		return uint16((1<<b - 1) &^ (1<<a - 1))
	}
	last := (n - 1) / 64
	for s, b := range [2]int{0, last} {
		for v := range 4 {
			x := 64*b + 16*v
			for kx := range 3 {
				// Lane l reads column x+l+kx−left: keep it in [0, width).
				m[s*16+kx*4+v] = span(x+kx-left, 0, width)
			}
			m[s*16+12+v] = span(x, 0, n)
		}
	}
	return m
}

// depthwiseMasks2 returns dw3x3PadAVX2's lane masks (-1 on, 0 off) for
// rows of n output samples over width input samples, left of them padded:
// for the first and then the last block of 8, three load masks (kx = 0,
// 1, 2) keeping each load inside [0, width), then a store mask keeping the
// store inside [0, n).
func depthwiseMasks2(n, width, left int) [64]int32 {
	var m [64]int32
	on := func(c, lo, hi int) int32 {
		if c >= lo && c < hi {
			return -1
		}
		return 0
	}
	for s, b := range [2]int{0, (n - 1) / 8} {
		for l := range 8 {
			x := 8*b + l
			for kx := range 3 {
				m[s*32+kx*8+l] = on(x+kx-left, 0, width)
			}
			m[s*32+24+l] = on(x, 0, n)
		}
	}
	return m
}

// Offsets are the rows of an implicit B matrix for TileOffs: row p is the
// NR floats starting Offsets' p-th float offset into b. Made once per
// matrix product (NewOffsets checks and converts them), they let a
// convolution's B be shifted views of its input planes instead of a
// packed im2col copy.
type Offsets struct {
	bytes []int // 4 × the float offsets: what the assembly adds to b
	max   int   // the largest float offset
}

// NewOffsets prepares float offsets (each ≥ 0) for TileOffs.
func NewOffsets(offs []int) Offsets {
	o := Offsets{bytes: make([]int, len(offs))}
	for i, v := range offs {
		if v < 0 {
			panic(fmt.Sprintf("simd: NewOffsets: offset %d is %d", i, v))
		}
		o.bytes[i] = 4 * v
		o.max = max(o.max, v)
	}
	return o
}

// Len is the number of rows (k steps).
func (o Offsets) Len() int { return len(o.bytes) }

// Slice returns rows p0 ≤ p < p1: the k steps of one block of K.
func (o Offsets) Slice(p0, p1 int) Offsets {
	s := Offsets{bytes: o.bytes[p0:p1]}
	for _, v := range s.bytes {
		s.max = max(s.max, v/4)
	}
	return s
}

// TileOffs sets the MR×NR tile of C (row stride ldc) to A·B over every
// k step of offs (at least one), or adds A·B to it when add is set; A is
// packed as for Tile, B's row p is b[offs_p : offs_p+NR]. It panics if a
// slice is too short: the assembly cannot check.
func (g GemmKernel) TileOffs(a, b []float32, offs Offsets, c []float32, ldc int, add bool) {
	k := len(offs.bytes)
	if k < 1 || len(a) < k*g.MR || ldc < g.NR || len(c) < (g.MR-1)*ldc+g.NR || len(b) < offs.max+g.NR {
		panic(fmt.Sprintf("simd: TileOffs(k=%d, len(a)=%d, len(b)=%d, max offset %d, len(c)=%d, ldc=%d) out of range for %d×%d",
			k, len(a), len(b), offs.max, len(c), ldc, g.MR, g.NR))
	}
	gemmOffsAt(g.level, g.MR, g.NR, a, b, offs.bytes, c, ldc, add)
}

// Deinterleave2 sets even[i] = src[2i] and odd[i] = src[2i+1] for i < n:
// a row split into its two stride-2 phases. It panics if a slice is too
// short.
func Deinterleave2(even, odd, src []float32, n int) {
	if n <= 0 {
		return
	}
	if len(even) < n || len(odd) < n || len(src) < 2*n {
		panic(fmt.Sprintf("simd: Deinterleave2(len(even)=%d, len(odd)=%d, len(src)=%d, n=%d) out of range", len(even), len(odd), len(src), n))
	}
	m := deint2At(current, even, odd, src, n)
	even, odd, src = even[m:n], odd[m:n], src[2*m:2*n]
	for i := range even {
		even[i], odd[i] = src[2*i], src[2*i+1]
	}
}

// MaxRows sets d[x], for x < len(d), to the largest of rows[r][x] over
// every row (at least one, each holding len(d) samples), NaN wherever any
// of them is NaN, as Go's max and PyTorch's max pooling give: the inner
// loop of max pooling, one row per tap of the window. Equal zeros of
// either sign may come out as either (the first one seen, in the
// assembly). It panics if a row is too short or there is none.
func MaxRows(d []float32, rows [][]float32) {
	if len(d) == 0 {
		return
	}
	if len(rows) == 0 {
		panic("simd: MaxRows of no rows")
	}
	for r, row := range rows {
		if len(row) < len(d) {
			panic(fmt.Sprintf("simd: MaxRows row %d holds %d samples, needs %d", r, len(row), len(d)))
		}
	}
	m := maxRowsAt(current, d, rows)
	if m == len(d) {
		return
	}
	d = d[m:]
	copy(d, rows[0][m:m+len(d)])
	for _, row := range rows[1:] {
		row = row[m : m+len(d)]
		for x, v := range row {
			d[x] = max(d[x], v)
		}
	}
}

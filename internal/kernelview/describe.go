package kernelview

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/convtool/convtool/internal/kernel"
)

// Info is what `kernel show` says of a 2-D kernel: its JSON document,
// and what Text prints.
type Info struct {
	Name           string      `json:"name"`
	H              int         `json:"h"`
	W              int         `json:"w"`
	Origin         Origin      `json:"origin"`
	Sum            float64     `json:"sum"`
	Normalized     bool        `json:"normalized"`
	Min            float32     `json:"min"`
	Max            float32     `json:"max"`
	Signed         bool        `json:"signed"`
	Rank           int         `json:"rank"`
	Separable      bool        `json:"separable"`
	SingularValues []float64   `json:"singular_values"`
	Col            []float32   `json:"col,omitempty"`
	Row            []float32   `json:"row,omitempty"`
	Scale          *float64    `json:"scale,omitempty"`
	Offset         *float64    `json:"offset,omitempty"`
	Matrix         [][]float32 `json:"matrix"`
}

// Origin is the kernel element over the output pixel; Given says the
// kernel named it (ImageMagick's +X+Y); Rule says where it comes from
// (kernel.OriginRule: the centre, given, or the rule of the tool whose
// form an even-sized kernel came in).
type Origin struct {
	Y     int    `json:"y"`
	X     int    `json:"x"`
	Given bool   `json:"given"`
	Rule  string `json:"rule"`
}

// Describe measures k: origin, sum, range, rank and singular values, the
// separable factors in a readable scaling, and the matrix.
func Describe(k *kernel.Kernel) *Info {
	y, x := k.Anchor()
	lo, hi := k.MinMax()
	col, row, rank := k.Separate(kernel.DefaultRankTol)
	col, row = readableFactors(k, col, row)
	sv := k.SingularValues()
	for i, s := range sv {
		// Below float32's precision relative to σ_max is SVD noise.
		if s <= 1e-7*sv[0] {
			s = 0
		}
		sv[i] = roundSig(s, 7)
	}
	info := &Info{
		Name: k.Name, H: k.H, W: k.W,
		Origin:         Origin{Y: y, X: x, Given: k.OriginGiven, Rule: k.OriginRule()},
		Sum:            roundSig(k.Sum(), 7),
		Normalized:     k.IsNormalized(),
		Min:            lo,
		Max:            hi,
		Signed:         k.HasNegative(),
		Rank:           rank,
		Separable:      rank == 1,
		SingularValues: sv,
		Col:            col,
		Row:            row,
	}
	if k.HasScale {
		s, o := k.Scale, k.Offset
		info.Scale, info.Offset = &s, &o
	}
	for r := 0; r < k.H; r++ {
		info.Matrix = append(info.Matrix, k.Row(r))
	}
	return info
}

// roundSig rounds v to n significant digits, and a value within 1e-12 of
// zero relative to 1 to 0, so that float noise does not reach the output.
func roundSig(v float64, n int) float64 {
	if math.Abs(v) < 1e-12 {
		return 0
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', n, 64), 64)
	return r
}

// readableFactors rescales rank-1 factors for people: when every element
// is an integer and a scaling makes both factors integers, those (Sobel:
// [1 2 1] and [-1 0 1]); else the column scaled to sum 1 (Gaussian: both
// the 1-D Gaussian); else as Separate gave them.
func readableFactors(k *kernel.Kernel, col, row []float32) ([]float32, []float32) {
	if col == nil {
		return nil, nil
	}
	scaled := func(s float64) ([]float32, []float32) {
		c := make([]float32, len(col))
		r := make([]float32, len(row))
		for i, v := range col {
			c[i] = float32(float64(v) * s)
		}
		for i, v := range row {
			r[i] = float32(float64(v) / s)
		}
		return c, r
	}
	integral := func(vs []float32) bool {
		for _, v := range vs {
			if math.Abs(float64(v)-math.Round(float64(v))) > 1e-4*max(1, math.Abs(float64(v))) {
				return false
			}
		}
		return true
	}
	snap := func(vs []float32) {
		for i, v := range vs {
			vs[i] = float32(math.Round(float64(v))) + 0 // +0: no "-0"
		}
	}
	if integral(k.Data) {
		smallest := math.Inf(1)
		for _, v := range col {
			if a := math.Abs(float64(v)); a > 1e-6 {
				smallest = min(smallest, a)
			}
		}
		if c, r := scaled(1 / smallest); integral(c) && integral(r) {
			snap(c)
			snap(r)
			return c, r
		}
	}
	var s float64
	var l1 float64
	for _, v := range col {
		s += float64(v)
		l1 += math.Abs(float64(v))
	}
	if math.Abs(s) > 1e-6*l1 {
		return scaled(1 / s)
	}
	return col, row
}

// formatValues formats vs with one precision for all, so that columns
// align: integers as integers, else enough decimals for five significant
// digits of the largest magnitude (1 to 8 decimals).
func formatValues(vs []float32) []string {
	allInt := true
	var big float64
	for _, v := range vs {
		f := float64(v)
		big = max(big, math.Abs(f))
		if f != math.Trunc(f) || math.Abs(f) >= 1e9 {
			allInt = false
		}
	}
	dec := 0
	if !allInt {
		dec = 4
		if big > 0 {
			dec = 4 - int(math.Floor(math.Log10(big)))
		}
		dec = min(max(dec, 1), 8)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		s := strconv.FormatFloat(float64(v), 'f', dec, 32)
		if strings.Trim(s, "-0.") == "" {
			s = strings.TrimPrefix(s, "-") // no "-0.0000"
		}
		out[i] = s
	}
	return out
}

// matrixLines lays out an h×w matrix as right-aligned columns.
func matrixLines(data []float32, h, w int) []string {
	cells := formatValues(data)
	width := 0
	for _, c := range cells {
		width = max(width, len(c))
	}
	lines := make([]string, h)
	for y := 0; y < h; y++ {
		var b strings.Builder
		for x := 0; x < w; x++ {
			if x > 0 {
				b.WriteString("  ")
			}
			fmt.Fprintf(&b, "%*s", width, cells[y*w+x])
		}
		lines[y] = "  " + b.String()
	}
	return lines
}

// Text lays info (Describe(k)) out for people, one fact a line, then the
// matrix in aligned columns.
func Text(k *kernel.Kernel, info *Info) string {
	var b strings.Builder
	line := func(key, format string, a ...any) {
		fmt.Fprintf(&b, "%-11s %s\n", key, fmt.Sprintf(format, a...))
	}
	line("kernel", "%s", info.Name)
	line("size", "%dx%d (rows x columns)", k.H, k.W)
	line("origin", "row %d, column %d (%s)", info.Origin.Y, info.Origin.X, info.Origin.Rule)
	sum := strconv.FormatFloat(info.Sum, 'g', 7, 64)
	switch {
	case info.Normalized:
		line("sum", "%s (normalized: a constant input passes unchanged)", sum)
	case info.Sum == 0:
		line("sum", "%s (zero-sum: a constant input gives 0; responds to change only)", sum)
	default:
		line("sum", "%s (not normalized; --normalize divides by it)", sum)
	}
	line("range", "%s .. %s", shortFloat(info.Min), shortFloat(info.Max))
	if k.HasScale {
		line("scale", "%g, offset %g (from the .mat header: out = Σk·x/%g + %g)", *info.Scale, *info.Offset, *info.Scale, *info.Offset)
	}
	sv := make([]string, 0, len(info.SingularValues))
	for i, s := range info.SingularValues {
		if i == 8 {
			sv = append(sv, "…")
			break
		}
		sv = append(sv, strconv.FormatFloat(s, 'g', 4, 64))
	}
	switch info.Rank {
	case 0:
		line("rank", "0 (all zeros)")
	case 1:
		line("rank", "1: separable, a %dx1 column then a 1x%d row (%d instead of %d multiplies per pixel)", k.H, k.W, k.H+k.W, k.H*k.W)
		line("column", "%s", strings.TrimSpace(strings.Join(matrixLines(info.Col, 1, len(info.Col)), "")))
		line("row", "%s", strings.TrimSpace(strings.Join(matrixLines(info.Row, 1, len(info.Row)), "")))
	default:
		line("rank", "%d of %d: not separable", info.Rank, min(k.H, k.W))
	}
	line("singular", "%s", strings.Join(sv, " "))
	b.WriteString("matrix\n")
	for _, l := range matrixLines(k.Data, k.H, k.W) {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// BankInfo is `kernel show --json` for a 4-D bank.
type BankInfo struct {
	Name   string          `json:"name"`
	Shape  []int           `json:"shape"`
	Sum    float64         `json:"sum"`
	Min    float32         `json:"min"`
	Max    float32         `json:"max"`
	Slices [][][][]float32 `json:"weights"`
}

// DescribeBank measures b: shape, sum, range and every (KH, KW) slice.
func DescribeBank(b *kernel.Bank) *BankInfo {
	all := &kernel.Kernel{H: 1, W: len(b.Data), Data: b.Data}
	lo, hi := all.MinMax()
	info := &BankInfo{Name: b.Name, Shape: []int{b.N0, b.N1, b.KH, b.KW}, Sum: roundSig(all.Sum(), 7), Min: lo, Max: hi}
	for i := 0; i < b.N0; i++ {
		var row [][][]float32
		for j := 0; j < b.N1; j++ {
			s := b.Kernel(i, j)
			var m [][]float32
			for y := 0; y < s.H; y++ {
				m = append(m, s.Row(y))
			}
			row = append(row, m)
		}
		info.Slices = append(info.Slices, row)
	}
	return info
}

// BankText lays a bank out for people: its shape and range, then each
// slice's sum and matrix.
func BankText(b *kernel.Bank) string {
	all := &kernel.Kernel{H: 1, W: len(b.Data), Data: b.Data}
	lo, hi := all.MinMax()
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-11s %s\n", "kernel", b.Name)
	fmt.Fprintf(&sb, "%-11s %s (out channels, in channels per group, rows, columns): a convolution layer's weights\n", "shape", b.Shape())
	fmt.Fprintf(&sb, "%-11s %d\n", "parameters", len(b.Data))
	fmt.Fprintf(&sb, "%-11s %s .. %s\n", "range", shortFloat(lo), shortFloat(hi))
	for i := 0; i < b.N0; i++ {
		for j := 0; j < b.N1; j++ {
			s := b.Kernel(i, j)
			fmt.Fprintf(&sb, "[%d,%d] sum %s\n", i, j, strconv.FormatFloat(roundSig(s.Sum(), 7), 'g', 7, 64))
			for _, l := range matrixLines(s.Data, s.H, s.W) {
				sb.WriteString(l)
				sb.WriteByte('\n')
			}
		}
	}
	return sb.String()
}

// shortFloat formats v with up to five significant digits.
func shortFloat(v float32) string { return strconv.FormatFloat(float64(v), 'g', 5, 32) }

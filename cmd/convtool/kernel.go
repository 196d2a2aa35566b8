package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

const kernelSpecHelp = `A kernel SPEC is, tried in this order:
  a built-in name with parameters after colons   gaussian:1.5   box:5   motion:9:30
  ImageMagick's form, origin at column X, row Y  "3x3: 1,2,1,2,4,2,1,2,1"   "3x1+0+0: 1,-1,0"   "3: …" (3x3)
  a file by extension                            k.npy (2-D; 4-D is a layer's weights)   k.csv   k.txt   k.mat
  an inline matrix, rows by ';' or newline       "1 2 1; 2 4 2; 1 2 1"
Every kernel is a correlation kernel (OpenCV's filter2D, PyTorch): sobel-x is
positive where intensity grows to the right. Built-in sizes are capped at 1025.

An even-sized kernel is anchored as the tool whose form it comes in:
  a built-in (box:4, gaussian:1:4)   OpenCV's anchor k/2 (cv2.blur, filter2D)
  a .mat file                        libvips' anchor k/2 (vips conv)
  ImageMagick's "WxH: …"             ImageMagick's origin (w-1)/2, or its +X+Y
  an inline matrix, .csv/.txt, .npy  'same' padding, the smaller half first
ImageMagick's string is applied as -morphology Correlate applies it; its
-morphology Convolve turns the kernel (and origin) by 180°: add --flip for that.`

// newCmdKernel groups the kernel subcommands.
func newCmdKernel(io *streams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kernel",
		Short: "List, print and draw convolution kernels",
		Long:  "List the built-in kernels, or print and draw one kernel.\n\n" + kernelSpecHelp,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown kernel subcommand %q (want list or show)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("kernel needs a subcommand: list or show")
		},
	}
	cmd.AddCommand(newCmdKernelList(io, g, nil), newCmdKernelShow(io, g, nil))
	return cmd
}

// kernelListOptions is everything `kernel list` needs.
type kernelListOptions struct {
	IO *streams
	G  *globalOptions
}

func newCmdKernelList(io *streams, g *globalOptions, runF func(*kernelListOptions) error) *cobra.Command {
	opts := &kernelListOptions{IO: io, G: g}
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in kernels and their parameters",
		Long:  "List the built-in kernels: name, parameters and a one-line description.\nWith --json, an array of {name, params, description}.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return kernelListRun(opts)
		},
	}
}

func kernelListRun(opts *kernelListOptions) error {
	bs := kernel.Builtins()
	if opts.G.JSON {
		type entry struct {
			Name        string `json:"name"`
			Params      string `json:"params"`
			Description string `json:"description"`
		}
		out := make([]entry, len(bs))
		for i, b := range bs {
			out[i] = entry{b.Name, b.Params, b.Description}
		}
		return writeJSON(opts.IO, out)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPARAMETERS\tDESCRIPTION")
	for _, b := range bs {
		p := b.Params
		if p == "" {
			p = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", b.Name, p, b.Description)
	}
	return tw.Flush()
}

// kernelShowOptions is everything `kernel show` needs.
type kernelShowOptions struct {
	IO   *streams
	G    *globalOptions
	Spec string
	// PNG, if set, is where the kernel picture goes.
	PNG string
	// Cell is the side of one element's square in the picture, in pixels.
	Cell int
	// Spectrum, if set, is where the frequency-response picture goes (drawn
	// by writeKernelResponse, beside the fft command).
	Spectrum string
	// Dilation, if set ("D" or "DY,DX"), shows the kernel with D-1 zeros
	// between its taps, as a dilated convolution applies it.
	Dilation string
	// Save, if set, is where the kernel's values go as a matrix file
	// (.npy, .csv, .txt or .mat by extension), e.g. to hand it to vips.
	Save string
}

func newCmdKernelShow(io *streams, g *globalOptions, runF func(*kernelShowOptions) error) *cobra.Command {
	opts := &kernelShowOptions{IO: io, G: g}
	cmd := &cobra.Command{
		Use:   "show SPEC",
		Short: "Print a kernel's matrix, sum, origin and separability; draw it as PNG",
		Long: `Print a kernel: its matrix, size, origin (the element over the output
pixel), sum, whether it is normalized (sums to 1), range, rank and — when the
rank is 1 — the column and row factors of a separable filter (k = column ⊗
row; the factors are scaled for reading: integers when the kernel is, else a
column summing to 1). --json prints all of it as one JSON document on stdout.

--png FILE draws the kernel: one square of --cell pixels per element, thin
grey grid lines, a diverging map for signed kernels (blue negative, white
zero, red positive, scaled by the largest magnitude) and grey for
non-negative ones (black 0, white the largest). The cell shrinks so the
picture stays within 4096 pixels a side. A 4-D bank is drawn as a grid of
its slices (rows: first axis, columns: second), on one colour scale.

` + kernelSpecHelp,
		Args: exactArgs(1, "SPEC"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Spec = args[0]
			if err := opts.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return kernelShowRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.PNG, "png", "", "draw the kernel as a PNG `FILE`")
	f.IntVar(&opts.Cell, "cell", 32, "side of one element in the picture, in pixels")
	f.StringVar(&opts.Spectrum, "spectrum", "", "draw the kernel's frequency response as a PNG `FILE`")
	f.StringVar(&opts.Dilation, "dilation", "", "show the kernel dilated: D-1 zeros between taps (D or DY,DX); size k+(k-1)(D-1)")
	f.StringVar(&opts.Save, "save", "", "write the kernel's values to `FILE` (.npy, .csv, .txt, or .mat for vips conv)")
	return cmd
}

// Validate checks the flags that do not need the kernel.
func (o *kernelShowOptions) Validate() error {
	if o.Cell < 1 || o.Cell > 1024 {
		return usageErrorf("--cell %d: want 1 to 1024 pixels", o.Cell)
	}
	if o.PNG == "-" || o.Spectrum == "-" || o.Save == "-" {
		return usageErrorf("kernel show writes its files to paths, not to stdout")
	}
	// Every output's format is settled before anything is written.
	for _, f := range []struct {
		flag, path string
		image      bool
	}{{"png", o.PNG, true}, {"spectrum", o.Spectrum, true}, {"save", o.Save, false}} {
		if f.path == "" {
			continue
		}
		format, err := tensorio.FormatOf(f.path)
		if err != nil {
			return usageErrorf("--%s %s: %v", f.flag, f.path, err)
		}
		if isImage := tensorio.KindOf(format) == tensorio.KindImage; isImage != f.image {
			if f.image {
				return usageErrorf("--%s %s: want an image file (.png, …)", f.flag, f.path)
			}
			return usageErrorf("--%s %s: want a matrix file (.npy, .csv, .txt, .mat); --png draws the kernel", f.flag, f.path)
		}
	}
	return nil
}

func kernelShowRun(opts *kernelShowOptions) error {
	k, bank, err := kernel.Parse(opts.Spec)
	if err != nil {
		return err
	}
	if opts.Dilation != "" {
		dy, dx, err := pair("dilation", opts.Dilation, 1)
		if err != nil {
			return err
		}
		if bank != nil {
			return usageErrorf("--dilation shows a 2-D kernel, %s is a %s bank", opts.Spec, bank.Shape())
		}
		if int64(k.H-1)*int64(dy)+1 > kernel.MaxSize || int64(k.W-1)*int64(dx)+1 > kernel.MaxSize {
			return usageErrorf("--dilation %s: the dilated kernel would be larger than %dx%d", opts.Dilation, kernel.MaxSize, kernel.MaxSize)
		}
		k = k.Dilated(dy, dx)
		k.Name = fmt.Sprintf("%s dilated %d,%d", k.Name, dy, dx)
	}
	// Pictures first: if one cannot be written, nothing is printed but
	// the error.
	if bank != nil {
		if opts.Spectrum != "" || opts.Save != "" {
			return usageErrorf("kernel %q: --spectrum and --save take a 2-D kernel, this is a %s bank", opts.Spec, bank.Shape())
		}
		if opts.PNG != "" {
			if err := writePicture(opts.IO, opts.PNG, bankPicture(bank, opts.Cell)); err != nil {
				return err
			}
		}
		return showBank(opts, bank)
	}
	if opts.PNG != "" {
		if err := writePicture(opts.IO, opts.PNG, kernelPicture(k, opts.Cell)); err != nil {
			return err
		}
	}
	if opts.Save != "" {
		if err := saveKernel(opts.IO, opts.Save, k); err != nil {
			return err
		}
	}
	if opts.Spectrum != "" {
		if err := writeKernelResponse(opts.IO, k, opts.Spectrum); err != nil {
			return err
		}
	}
	info := describeKernel(k)
	if opts.G.JSON {
		return writeJSON(opts.IO, info)
	}
	return printKernel(opts.IO, k, info)
}

// kernelInfo is `kernel show --json`, and what the text form prints.
type kernelInfo struct {
	Name           string      `json:"name"`
	H              int         `json:"h"`
	W              int         `json:"w"`
	Origin         originInfo  `json:"origin"`
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

type originInfo struct {
	Y     int    `json:"y"`
	X     int    `json:"x"`
	Given bool   `json:"given"`
	Rule  string `json:"rule"`
}

func describeKernel(k *kernel.Kernel) *kernelInfo {
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
	info := &kernelInfo{
		Name: k.Name, H: k.H, W: k.W,
		Origin:         originInfo{Y: y, X: x, Given: k.OriginGiven, Rule: k.OriginRule()},
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

func printKernel(io *streams, k *kernel.Kernel, info *kernelInfo) error {
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
	_, err := fmt.Fprint(io.Out, b.String())
	return err
}

// bankInfo is `kernel show --json` for a 4-D bank.
type bankInfo struct {
	Name   string          `json:"name"`
	Shape  []int           `json:"shape"`
	Sum    float64         `json:"sum"`
	Min    float32         `json:"min"`
	Max    float32         `json:"max"`
	Slices [][][][]float32 `json:"weights"`
}

func showBank(opts *kernelShowOptions, b *kernel.Bank) error {
	all := &kernel.Kernel{H: 1, W: len(b.Data), Data: b.Data}
	lo, hi := all.MinMax()
	if opts.G.JSON {
		info := bankInfo{Name: b.Name, Shape: []int{b.N0, b.N1, b.KH, b.KW}, Sum: roundSig(all.Sum(), 7), Min: lo, Max: hi}
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
		return writeJSON(opts.IO, info)
	}
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
	_, err := fmt.Fprint(opts.IO.Out, sb.String())
	return err
}

// shortFloat formats v with up to five significant digits.
func shortFloat(v float32) string { return strconv.FormatFloat(float64(v), 'g', 5, 32) }

// writeJSON prints v as one line of JSON, like every --json document.
func writeJSON(io *streams, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(io.Out, string(b))
	return err
}

// Picture colours: ColorBrewer RdBu's ends for the diverging map.
var (
	colNeg  = [3]float64{33, 102, 172}
	colPos  = [3]float64{178, 24, 43}
	colZero = [3]float64{255, 255, 255}
	colGrid = [3]float64{128, 128, 128}
	colGap  = [3]float64{64, 64, 64}
)

// maxPictureSide bounds the picture; the cell shrinks to fit.
const maxPictureSide = 4096

// cellGrid is a picture's content: rows×cols cells, NaN for a gap
// between the slices of a bank.
type cellGrid struct {
	rows, cols int
	v          []float64
}

func kernelPicture(k *kernel.Kernel, cell int) *tensor.Tensor {
	g := cellGrid{rows: k.H, cols: k.W, v: make([]float64, len(k.Data))}
	for i, x := range k.Data {
		g.v[i] = float64(x)
	}
	return drawCells(g, cell)
}

// bankPicture lays the (KH, KW) slices of b out in a grid, N0 rows of N1,
// with one empty cell between them.
func bankPicture(b *kernel.Bank, cell int) *tensor.Tensor {
	g := cellGrid{rows: b.N0*(b.KH+1) - 1, cols: b.N1*(b.KW+1) - 1}
	g.v = make([]float64, g.rows*g.cols)
	for i := range g.v {
		g.v[i] = math.NaN()
	}
	for i := 0; i < b.N0; i++ {
		for j := 0; j < b.N1; j++ {
			for y := 0; y < b.KH; y++ {
				for x := 0; x < b.KW; x++ {
					g.v[(i*(b.KH+1)+y)*g.cols+j*(b.KW+1)+x] = float64(b.At(i, j, y, x))
				}
			}
		}
	}
	return drawCells(g, cell)
}

// drawCells paints g as an RGB tensor with 0..255 samples: a cell of
// cell×cell pixels per value, 1-pixel grid lines around every cell (none
// once cells are under 4 pixels), a diverging map if any value is
// negative, else grey.
func drawCells(g cellGrid, cell int) *tensor.Tensor {
	side := max(g.rows, g.cols)
	for cell > 1 && side*(cell+1)+1 > maxPictureSide {
		cell--
	}
	line := 1
	if cell < 4 {
		line = 0
	}
	var big float64
	signed := false
	for _, v := range g.v {
		if !math.IsNaN(v) {
			big = max(big, math.Abs(v))
			signed = signed || v < 0
		}
	}
	colour := func(v float64) [3]float64 {
		if math.IsNaN(v) {
			return colGap
		}
		t := 0.0
		if big > 0 {
			t = v / big
		}
		if !signed {
			return [3]float64{255 * t, 255 * t, 255 * t}
		}
		end := colPos
		if t < 0 {
			end, t = colNeg, -t
		}
		var c [3]float64
		for i := range c {
			c[i] = colZero[i] + (end[i]-colZero[i])*t
		}
		return c
	}
	pitch := cell + line
	h, w := g.rows*pitch+line, g.cols*pitch+line
	t := tensor.New(3, h, w)
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			c := colGrid
			cy, cx := (py-line)/pitch, (px-line)/pitch
			onLine := line > 0 && (py%pitch == 0 || px%pitch == 0)
			if !onLine && cy < g.rows && cx < g.cols {
				c = colour(g.v[cy*g.cols+cx])
			}
			for ch := 0; ch < 3; ch++ {
				t.Set(ch, py, px, float32(math.Round(c[ch])))
			}
		}
	}
	return t
}

// saveKernel writes k's values as a one-channel matrix file; a .mat keeps
// the kernel's scale and offset, if it had any.
func saveKernel(io *streams, path string, k *kernel.Kernel) error {
	format, err := tensorio.FormatOf(path)
	if err != nil {
		return err
	}
	if tensorio.KindOf(format) == tensorio.KindImage {
		return fmt.Errorf("--save %s: want a matrix file (.npy, .csv, .txt, .mat); --png draws the kernel", path)
	}
	t := k.Tensor()
	d := &tensorio.Data{T: t, Kind: tensorio.KindOf(format), Format: format, Rank: 2,
		Scale: k.Scale, Offset: k.Offset, HasScale: k.HasScale}
	if format == "mat" && !k.HasScale {
		// vips 8.14 does not recognise a two-number header whose first
		// value is negative: always write "w h 1 0".
		d.Scale, d.Offset, d.HasScale = 1, 0, true
	}
	return writeData(io, path, d, format)
}

// writePicture writes t as an 8-bit PNG, atomically (tensorio renames a
// finished temporary file into place).
func writePicture(io *streams, path string, t *tensor.Tensor) error {
	d := &tensorio.Data{T: t, Kind: tensorio.KindImage, Format: "png", Rank: 3, Depth: 8}
	return writeData(io, path, d, "png")
}

package kernelview

import (
	"math"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// Picture colours: ColorBrewer RdBu's ends for the diverging map.
var (
	colNeg  = [3]float64{33, 102, 172}
	colPos  = [3]float64{178, 24, 43}
	colZero = [3]float64{255, 255, 255}
	colGrid = [3]float64{128, 128, 128}
	colGap  = [3]float64{64, 64, 64}
)

// MaxPictureSide bounds the picture; the cell shrinks to fit.
const MaxPictureSide = 4096

// cellGrid is a picture's content: rows×cols cells, NaN for a gap
// between the slices of a bank.
type cellGrid struct {
	rows, cols int
	v          []float64
}

// Picture draws k as an RGB tensor with 0..255 samples: one square of
// cell pixels per element (see drawCells).
func Picture(k *kernel.Kernel, cell int) *tensor.Tensor {
	g := cellGrid{rows: k.H, cols: k.W, v: make([]float64, len(k.Data))}
	for i, x := range k.Data {
		g.v[i] = float64(x)
	}
	return drawCells(g, cell)
}

// BankPicture lays the (KH, KW) slices of b out in a grid, N0 rows of N1,
// with one empty cell between them.
func BankPicture(b *kernel.Bank, cell int) *tensor.Tensor {
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
	for cell > 1 && side*(cell+1)+1 > MaxPictureSide {
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

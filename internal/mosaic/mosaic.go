package mosaic

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/tensor"
)

// Options shape a mosaic.
type Options struct {
	// Title is written above the grid ("" for none).
	Title string
	// Shared scales every channel by the largest magnitude of the whole
	// tensor, so tiles compare with each other; by default each channel
	// is scaled by its own, so every map shows its structure.
	Shared bool
	// Columns of the grid (0: about the square root of the channels).
	Columns int
	// Labels, if set, name the tiles instead of their channel index.
	Labels []string
	// Outlines, if set, frame a region of each tile (in samples; an
	// empty rectangle frames nothing).
	Outlines []image.Rectangle
}

// Picture is a drawn mosaic.
type Picture struct {
	// Canvas holds the pixels.
	Canvas *figure.Canvas
	// Tiles[c] is where channel c was painted: sample (y, x) fills the
	// pixels whose offsets inside the tile, times H/Dy and W/Dx, floor to it.
	Tiles []image.Rectangle
	// Maps[c] is the colour map channel c was painted with.
	Maps []*figure.Map
}

// Layout limits, in pixels.
const (
	gap       = 8  // between tiles
	labelH    = 16 // the label row above each tile
	margin    = 12 // around everything
	titleH    = 24 // the title row
	barW      = 90 // the colour bar and its axis
	maxWidth  = 1400
	minTile   = 48
	maxTile   = 256
	maxLabels = 4096 // channels; beyond this a mosaic is unreadable anyway
)

// Draw renders every channel of t.
func Draw(t *tensor.Tensor, o Options) (*Picture, error) {
	if t == nil || t.C < 1 || t.H < 1 || t.W < 1 {
		return nil, fmt.Errorf("mosaic: nothing to draw")
	}
	if t.C > maxLabels {
		return nil, fmt.Errorf("mosaic: %d channels are more than the %d a mosaic can label", t.C, maxLabels)
	}
	cols := o.Columns
	if cols < 1 {
		cols = int(math.Ceil(math.Sqrt(float64(t.C))))
	}
	cols = min(cols, t.C)
	rows := (t.C + cols - 1) / cols

	// Tile size: the tensor's aspect, the longer side between minTile and
	// maxTile, upscaled by a whole factor when small so every sample is a
	// crisp block, and narrow enough for the grid to fit maxWidth.
	long := max(t.H, t.W)
	budget := min(maxTile, max(minTile, (maxWidth-2*margin-barW)/cols-gap))
	scale := float64(budget) / float64(long)
	if scale >= 1 {
		scale = math.Floor(scale)
	}
	th, tw := max(1, int(math.Round(float64(t.H)*scale))), max(1, int(math.Round(float64(t.W)*scale)))
	// Labels need room even for a 1-wide tensor.
	cellW := max(tw, 70)

	top := margin
	if o.Title != "" {
		top += titleH
	}
	gridW := cols*(cellW+gap) - gap
	gridH := rows*(labelH+th+gap) - gap
	W := margin + gridW + gap + barW + margin
	H := top + max(gridH, 160) + margin
	cv, err := figure.NewCanvas(W, H)
	if err != nil {
		return nil, fmt.Errorf("mosaic of %s: %w", t.Shape(), err)
	}
	if o.Title != "" {
		cv.Text(float64(margin), float64(margin), figure.Large, figure.TopLeft, color.Black, o.Title)
	}

	var shared float64
	if o.Shared {
		shared = maxAbs(t.Data)
	}
	pic := &Picture{Canvas: cv, Tiles: make([]image.Rectangle, t.C), Maps: make([]*figure.Map, t.C)}
	for c := range t.C {
		row, col := c/cols, c%cols
		x0 := margin + col*(cellW+gap)
		y0 := top + row*(labelH+th+gap)
		pl := t.Plane(c)
		lo, hi := minMax(pl)
		m := shared
		if !o.Shared {
			m = max(math.Abs(lo), math.Abs(hi))
		}
		cm := figure.Diverging(m)
		r := image.Rect(x0, y0+labelH, x0+tw, y0+labelH+th)
		cv.Cells(r, t.H, t.W, func(y, x int) color.RGBA { return cm.At(float64(pl[y*t.W+x])) })
		cv.Rect(r.Inset(-1), color.Gray{Y: 160}, 1)
		label := fmt.Sprintf("%d", c)
		if c < len(o.Labels) {
			label = o.Labels[c]
		}
		cv.Text(float64(x0), float64(y0+labelH-3), figure.Small, figure.BottomLeft, color.Black, label)
		if c < len(o.Outlines) && !o.Outlines[c].Empty() {
			q := o.Outlines[c]
			// Sample (y, x) covers pixels [x·tw/W, (x+1)·tw/W).
			px := func(v, n, size int) int { return (v*size + n - 1) / n }
			cv.Rect(image.Rect(r.Min.X+px(q.Min.X, t.W, tw), r.Min.Y+px(q.Min.Y, t.H, th),
				r.Min.X+px(q.Max.X, t.W, tw), r.Min.Y+px(q.Max.Y, t.H, th)), color.RGBA{0, 160, 60, 255}, 2)
		}
		cv.Text(float64(x0+cellW), float64(y0+labelH-3), figure.Small, bottomRight, color.Gray{Y: 90},
			fmt.Sprintf("%s…%s", figure.Num(lo), figure.Num(hi)))
		pic.Tiles[c], pic.Maps[c] = r, cm
	}

	barX := margin + gridW + gap
	barH := min(max(gridH, 160), 400)
	if o.Shared {
		cv.ColorBar(image.Rect(barX, top, barX+barW, top+barH), figure.Diverging(shared), "value")
	} else {
		cv.ColorBar(image.Rect(barX, top, barX+barW, top+barH), figure.Diverging(1), "value / max |channel|")
	}
	return pic, nil
}

var bottomRight = figure.Align{X: figure.TopRight.X, Y: figure.BottomLeft.Y}

// minMax returns the smallest and largest finite values (0, 0 if none).
func minMax(v []float32) (lo, hi float64) {
	first := true
	for _, f := range v {
		x := float64(f)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		if first {
			lo, hi, first = x, x, false
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

func maxAbs(v []float32) float64 {
	lo, hi := minMax(v)
	return max(math.Abs(lo), math.Abs(hi))
}

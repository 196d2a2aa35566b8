package img

import (
	"image"
	"image/color"
	"sort"

	xdraw "golang.org/x/image/draw"
)

// A GIF palette chosen from the image: median cut over a 5-bit-per-channel
// histogram (the box with the largest squared error is split along its
// widest channel at the population median), refined by a few rounds of
// k-means on the histogram, then Floyd–Steinberg dithering
// (golang.org/x/image/draw). On testdata/images/sample.png the mean error
// is within 1.5× of libvips' gifsave (README "GIF").

// quantBits is the histogram's precision per channel.
const quantBits = 5

type histBin struct {
	n       int
	r, g, b float64 // sums of 8-bit samples
}

type colourBox struct {
	bins []int // histogram indices
	sse  float64
}

func binRGB(i int) (r, g, b int) {
	const m = 1<<quantBits - 1
	return (i >> (2 * quantBits)) & m, (i >> quantBits) & m, i & m
}

// medianCut returns up to n colours for the pixels of m whose alpha is at
// least 128 (at most n: fewer when the image has fewer distinct bins).
func medianCut(m *image.NRGBA, n int) color.Palette {
	hist := make([]histBin, 1<<(3*quantBits))
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := 0; x < b.Dx(); x++ {
			p := row[4*x : 4*x+4]
			if p[3] < 128 {
				continue
			}
			i := int(p[0])>>(8-quantBits)<<(2*quantBits) | int(p[1])>>(8-quantBits)<<quantBits | int(p[2])>>(8-quantBits)
			h := &hist[i]
			h.n++
			h.r += float64(p[0])
			h.g += float64(p[1])
			h.b += float64(p[2])
		}
	}
	var all []int
	for i, h := range hist {
		if h.n > 0 {
			all = append(all, i)
		}
	}
	if len(all) == 0 {
		return color.Palette{color.NRGBA{A: 255}}
	}
	boxes := []colourBox{newBox(hist, all)}
	for len(boxes) < n {
		best := -1
		for i, bx := range boxes {
			if len(bx.bins) > 1 && (best < 0 || bx.sse > boxes[best].sse) {
				best = i
			}
		}
		if best < 0 || boxes[best].sse == 0 {
			break
		}
		a, c := splitBox(hist, boxes[best])
		boxes[best] = a
		boxes = append(boxes, c)
	}
	cents := make([][3]float64, len(boxes))
	for i, bx := range boxes {
		cents[i] = boxMean(hist, bx.bins)
	}
	cents = kmeans(hist, all, cents, 6)
	pal := make(color.Palette, len(cents))
	for i, c := range cents {
		pal[i] = color.NRGBA{uint8(c[0] + 0.5), uint8(c[1] + 0.5), uint8(c[2] + 0.5), 255}
	}
	return pal
}

func boxMean(hist []histBin, bins []int) [3]float64 {
	var n int
	var r, g, b float64
	for _, i := range bins {
		h := hist[i]
		n += h.n
		r += h.r
		g += h.g
		b += h.b
	}
	return [3]float64{r / float64(n), g / float64(n), b / float64(n)}
}

func newBox(hist []histBin, bins []int) colourBox {
	mean := boxMean(hist, bins)
	var sse float64
	for _, i := range bins {
		h := hist[i]
		c := [3]float64{h.r / float64(h.n), h.g / float64(h.n), h.b / float64(h.n)}
		for k := range 3 {
			d := c[k] - mean[k]
			sse += float64(h.n) * d * d
		}
	}
	return colourBox{bins: bins, sse: sse}
}

// splitBox cuts a box along the channel with the largest spread at the
// population median.
func splitBox(hist []histBin, bx colourBox) (colourBox, colourBox) {
	lo, hi := [3]int{1 << quantBits, 1 << quantBits, 1 << quantBits}, [3]int{-1, -1, -1}
	for _, i := range bx.bins {
		r, g, b := binRGB(i)
		for k, v := range [3]int{r, g, b} {
			lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
		}
	}
	axis := 0
	// Green counts most to the eye, red next (as in the weights of luma).
	weight := [3]int{3, 4, 2}
	for k := 1; k < 3; k++ {
		if (hi[k]-lo[k])*weight[k] > (hi[axis]-lo[axis])*weight[axis] {
			axis = k
		}
	}
	key := func(i int) int {
		r, g, b := binRGB(i)
		return [3]int{r, g, b}[axis]
	}
	bins := append([]int(nil), bx.bins...)
	sort.Slice(bins, func(a, b int) bool { return key(bins[a]) < key(bins[b]) })
	total := 0
	for _, i := range bins {
		total += hist[i].n
	}
	cut, acc := 1, 0
	for j, i := range bins[:len(bins)-1] {
		acc += hist[i].n
		cut = j + 1
		if 2*acc >= total {
			break
		}
	}
	return newBox(hist, bins[:cut]), newBox(hist, bins[cut:])
}

// kmeans moves each centre to the mean of the histogram bins nearest it.
func kmeans(hist []histBin, bins []int, cents [][3]float64, rounds int) [][3]float64 {
	type acc struct {
		n       int
		r, g, b float64
	}
	for range rounds {
		sums := make([]acc, len(cents))
		for _, i := range bins {
			h := hist[i]
			c := [3]float64{h.r / float64(h.n), h.g / float64(h.n), h.b / float64(h.n)}
			best, bd := 0, 1e18
			for j, m := range cents {
				d := sq(c[0]-m[0]) + sq(c[1]-m[1]) + sq(c[2]-m[2])
				if d < bd {
					best, bd = j, d
				}
			}
			s := &sums[best]
			s.n += h.n
			s.r += h.r
			s.g += h.g
			s.b += h.b
		}
		for j, s := range sums {
			if s.n > 0 {
				cents[j] = [3]float64{s.r / float64(s.n), s.g / float64(s.n), s.b / float64(s.n)}
			}
		}
	}
	return cents
}

func sq(v float64) float64 { return v * v }

// quantizeDither maps m onto a palette chosen from it with Floyd–Steinberg
// dithering; pixels with alpha below 128 get a transparent entry of their
// own when there are any.
func quantizeDither(m *image.NRGBA, transparent bool) *image.Paletted {
	n := 256
	if transparent {
		n = 255
	}
	pal := medianCut(m, n)
	b := m.Bounds()
	p := image.NewPaletted(b, pal)
	xdraw.FloydSteinberg.Draw(p, b, opaqueView{m}, b.Min)
	if transparent {
		idx := uint8(len(pal))
		p.Palette = append(p.Palette, color.NRGBA{})
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				if m.Pix[y*m.Stride+4*x+3] < 128 {
					p.Pix[y*p.Stride+x] = idx
				}
			}
		}
	}
	return p
}

// opaqueView shows an NRGBA image with alpha forced to 255, so that the
// ditherer matches colours rather than premultiplied ones.
type opaqueView struct{ m *image.NRGBA }

func (v opaqueView) ColorModel() color.Model { return color.NRGBAModel }
func (v opaqueView) Bounds() image.Rectangle { return v.m.Bounds() }
func (v opaqueView) At(x, y int) color.Color {
	c := v.m.NRGBAAt(x, y)
	c.A = 255
	return c
}

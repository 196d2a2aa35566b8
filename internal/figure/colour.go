package figure

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// lutSize is the number of colours a Map is sampled into: a picture needs
// no more steps than an 8-bit display shows.
const lutSize = 256

// NaNColour marks samples that are NaN: a mid grey with a green cast that
// neither map produces.
var NaNColour = color.RGBA{R: 110, G: 150, B: 110, A: 255}

// Map is a colour map over [Lo, Hi], sampled into a lookup table. Values
// outside the range take the end colours.
type Map struct {
	Lo, Hi float64
	lut    [lutSize]color.RGBA
	cm     palette.ColorMap
}

// Diverging returns Moreland's smooth blue–red map over [-m, m]: negative
// values blue, zero a light grey, positive values red (m ≤ 0 is taken as
// 1, so an all-zero channel is drawn grey).
func Diverging(m float64) *Map {
	if !(m > 0) || math.IsInf(m, 0) {
		m = 1
	}
	return newMap(moreland.SmoothBlueRed(), -m, m)
}

// Sequential returns Moreland's extended Kindlmann map (black through
// blue, green and yellow to white) over [lo, hi], for magnitudes.
func Sequential(lo, hi float64) *Map {
	if !(hi > lo) {
		hi = lo + 1
	}
	return newMap(moreland.ExtendedKindlmann(), lo, hi)
}

func newMap(cm palette.ColorMap, lo, hi float64) *Map {
	m := &Map{Lo: lo, Hi: hi, cm: cm}
	cm.SetMin(0)
	cm.SetMax(1)
	for i := range m.lut {
		c, err := cm.At(float64(i) / (lutSize - 1))
		if err != nil {
			// At only fails outside [0,1], which i/(n-1) never is.
			panic(err)
		}
		m.lut[i] = color.RGBAModel.Convert(c).(color.RGBA)
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	return m
}

// Index returns the lookup-table step of v (0 … 255), clamped.
func (m *Map) Index(v float64) int {
	t := (v - m.Lo) / (m.Hi - m.Lo)
	i := int(math.Round(t * (lutSize - 1)))
	return min(max(i, 0), lutSize-1)
}

// At returns the colour of v; NaN gives NaNColour.
func (m *Map) At(v float64) color.RGBA {
	if v != v {
		return NaNColour
	}
	return m.lut[m.Index(v)]
}

// Step returns the i-th colour of the lookup table.
func (m *Map) Step(i int) color.RGBA { return m.lut[min(max(i, 0), lutSize-1)] }

// ColorMap returns the map as gonum/plot sees it (for its ColorBar).
func (m *Map) ColorMap() palette.ColorMap { return m.cm }

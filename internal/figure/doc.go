// Package figure is the drawing surface convtool's pictures share: a
// pixel-addressed canvas (origin top left, one point per pixel) whose
// text, lines and colour bars are drawn by gonum/plot (vg/vgimg, with its
// embedded Liberation fonts, pure Go), colour maps sampled into lookup
// tables (Moreland's diverging blue–red for signed values, a sequential
// map for magnitudes), and the conversion of a finished picture into the
// tensor that tensorio writes atomically.
//
// Pictures are for people: values are quantised to the colour map's 256
// steps, and text is anti-aliased, so tests compare them by decoded pixels
// with a tolerance, never by bytes.
package figure

// Package figuretest compares pictures with golden PNGs, for the tests of
// the packages that draw them (mosaic, slide, netplot, rfbox, specplot).
package figuretest

// Package imgconv applies a 2-D kernel to every channel of an image with
// its alpha channel handled deliberately: carried through untouched, or
// used to weight the colour so that transparent pixels do not bleed.
package imgconv

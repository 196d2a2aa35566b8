// Package imgconv applies a 2-D kernel to every channel of an image with
// its alpha channel handled deliberately: carried through untouched, or
// used to weight the colour so that transparent pixels do not bleed.
//
// Choose applies the rule per kernel kind that --alpha auto follows:
// smoothing kernels (no negative element, positive sum) convolve alpha,
// zero-sum, signed and single-element kernels keep it, and convolving
// alpha with a kernel whose sum is zero or negative is refused, since it
// would make opaque pixels transparent.
package imgconv

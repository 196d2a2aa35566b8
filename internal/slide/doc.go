// Package slide draws the notes' figure of a convolution from real data:
// an animation of the kernel window moving over the padded (or, for a
// transposed convolution, zero-inserted) input with its stride and
// dilation, the output filling in one cell a frame. Padding and inserted
// zeros are shaded apart from the input's own samples, the window's taps
// are highlighted, and each frame says what the current output sample
// sums to.
package slide

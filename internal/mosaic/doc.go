// Package mosaic draws a tensor's channels as a labelled grid of tiles —
// the feature-map pictures of a convolution layer. Each tile is one
// channel on a diverging colour map (blue negative, grey zero, red
// positive), scaled by its own largest magnitude unless Options.Shared
// asks for one scale across channels; the channel index and the value
// range are written on the tile, and a colour bar gives the scale.
package mosaic

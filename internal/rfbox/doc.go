// Package rfbox finds and draws the receptive field of one output
// position of a network layer: the box of input rows and columns that
// position depends on, read from shape's exact per-axis geometry
// (LayerInfo.GeomH.At(y), GeomW.At(x)), so that padding, pad layers,
// upsampling, concatenation and transposed convolutions give the exact
// box, not a bound. The geometry also tells how many rows and columns
// inside the box actually reach the output (fewer when dilated layers in
// step leave gridding holes) and whether the branches joined on the way
// are misaligned; Draw writes both on the picture. The box may reach past
// the input, into the padding; Draw shows that part outside the picture.
package rfbox

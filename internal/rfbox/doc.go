// Package rfbox finds and draws the theoretical receptive field of one
// output position of a network layer: the box of input rows and columns
// that position depends on, by the recurrence start += −pad·jump,
// rf += (k−1)·d·jump, jump *= s along the walked network (an add takes
// the union of its branches). The box may reach past the input, into the
// padding; Draw shows that part outside the picture.
package rfbox

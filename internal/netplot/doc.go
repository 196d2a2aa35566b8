// Package netplot draws a walked network (shape.Walk's result) as the
// notes draw AlexNet: one box per layer that holds a feature map, its
// height following the map's rows, its depth the columns and its
// thickness the channels, the output shape written under it; activations,
// normalisations and dropout fold into the box before them. Edges join
// each box to what feeds it; a branch that starts from an earlier layer
// and a residual add's second operand are drawn as arcs above the boxes.
package netplot

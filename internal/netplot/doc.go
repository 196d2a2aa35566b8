// Package netplot draws a walked network (shape.Walk's result) as the
// notes draw AlexNet: one box per layer that holds a feature map, its
// height following the map's rows, its depth the columns and its
// thickness the channels, the output shape written under it; activations,
// normalisations, padding and dropout fold into the box before them.
// Add, concat and mul are drawn as small joins (+, C, ×). Edges follow
// every operand the walk lists (LayerInfo.Inputs): each box is joined to
// what feeds it, and a branch from an earlier layer, a residual add's
// other operand, a concatenation's skip input and a multiply's gate are
// drawn as coloured arcs above the boxes. A network too long for one
// line (DenseNet, GoogLeNet, ResNet-50) is drawn smaller and wrapped onto
// several lines; an edge between lines runs through a gutter on the
// right.
package netplot

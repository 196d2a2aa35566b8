// Package shape owns the arithmetic of convolutional layers and networks:
// output sizes (convolution, pooling with PyTorch's ceil rule, transposed
// convolution, TensorFlow's SAME padding), parameter and MAC counts,
// receptive field and jump, and the plain-text network format that the
// presets are written in.
//
// Every formula is one function returning a Calc: the value together with
// the formula and the same formula with the numbers substituted, so that
// `convtool shape` can show its working. The network walker calls the same
// functions as the one-layer command; OutSize, TransposedOutSize, FullPad
// and SamePadFlip are the same rules as plain integers, for the convolution
// engine, and FlagPair is the one parser of a pair flag ("N" or "NH,NW").
// report.go renders a layer's arithmetic and a network's table, and their
// JSON documents.
//
// Conventions: a MAC is one multiply-add per use of a weight (a convolution
// output pixel costs k_h·k_w·C_in/groups MACs per output channel; a fully
// connected layer in·out). Biases, activations, batch norm, pooling and
// residual adds count no MACs. Batch norm has 2·C parameters (scale and
// shift; running statistics are buffers, as in PyTorch's
// sum(p.numel() for p in model.parameters())).
package shape

// Package shape owns the arithmetic of convolutional layers and networks:
// output sizes (convolution, pooling with PyTorch's ceil rule, transposed
// convolution, TensorFlow's SAME padding), parameter and MAC counts,
// receptive field and jump, and the plain-text network format that the
// presets are written in.
//
// Every formula is one function returning a Calc: the value together with
// the formula and the same formula with the numbers substituted, so that
// `convtool shape` can show its working. The network walker calls the same
// functions as the one-layer command; OutSize, TransposedOutSize, FullPad,
// SamePadFlip, PoolSize, Extent, Padded and Product are the same rules as
// plain integers, for the engines and the limit checks, and FlagPair is the
// one parser of a pair flag ("N" or "NH,NW").
//
// Every size is computed in checked arithmetic (checked.go): a sum or
// product that does not fit in an int is an error naming the quantity,
// never a wrapped-round size, whatever int64 a flag holds.
// report.go renders a layer's arithmetic and a network's table, and their
// JSON documents (NetJSON, versioned by SchemaVersion).
//
// Walk (walk.go) follows a network and returns a NetResult whose
// LayerInfo per layer is what tables, JSON and drawings are made from:
// the layer's Result, the names of the layers it reads, its exact
// receptive-field geometry (rf.go: per axis, the input interval every
// output position sees, composed as periodic maps, so transposed
// convolutions, upsampling, gridding and misaligned branches come out
// exact rather than bounded) and its memory (memory.go: activations at a
// batch size and element type, the forward peak with skip tensors held,
// a training estimate, torchinfo's figures beside them). tools.go holds
// Invert, Fit and Diff. Load (load.go) reads presets, network files and
// standard input, and converts ONNX (onnx.go, protowire), Darknet
// (darknet.go) and Keras JSON (keras.go) to the same Network.
//
// Conventions: a MAC is one multiply-add per use of a weight (a convolution
// output pixel costs k_h·k_w·C_in/groups MACs per output channel; a fully
// connected layer in·out). Biases, activations, batch norm, pooling and
// residual adds count no MACs. Batch norm has 2·C parameters (scale and
// shift; running statistics are buffers, as in PyTorch's
// sum(p.numel() for p in model.parameters())).
package shape

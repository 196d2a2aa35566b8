// Package forward runs a network file (package shape's language) forward,
// in eval mode, on one (C, H, W) tensor, with weights keyed as PyTorch's
// state_dict.
//
// Build walks the network with shape.Walk (so every size and padding is
// the one `shape net` prints), lists the tensors each layer needs (Params),
// and checks a set of Weights against them: missing, unexpected and
// mis-shaped tensors are reported together in one *WeightsError before any
// computation. Model.Run then evaluates the layers in file order, each from
// the output its @source (or the previous layer) names, reporting every
// layer's output and time to an optional hook.
//
// Weight names are the layer's name, a dot, and PyTorch's parameter name:
//
//	conv, dwconv, convT   NAME.weight, NAME.bias (unless nobias)
//	fc                    NAME.weight (out, in), NAME.bias
//	linear                NAME.weight (out, C), NAME.bias
//	bn                    NAME.weight, NAME.bias, NAME.running_mean, NAME.running_var
//	layernorm, groupnorm  NAME.weight, NAME.bias (one a channel)
//
// so a layer named as its torch module path (`layer1.0.conv1: conv 64 k3
// p1 nobias`) lines up with a torchvision state_dict. Conv weights are
// (C_out, C_in/groups, kH, kW), transposed ones (C_in, C_out/groups, kH, kW),
// as torch stores them. NAME.num_batches_tracked, which torch saves beside
// batch norm's running statistics, is accepted and ignored.
//
// The arithmetic is PyTorch's: batch norm, layernorm (over the channels at
// each position, ConvNeXt's LayerNorm2d) and groupnorm use the layer's
// eps (default 1e-5); leakyrelu the layer's slope (default 0.01, Darknet's
// leaky 0.1); gelu is the exact (erf) form, or the tanh approximation with
// `gelu tanh`; softmax runs over the channels; upsample is F.interpolate
// (nearest, or bilinear with align_corners=False, or True with
// align_corners) stepping by 1/scale when a scale is given; lrn is
// LocalResponseNorm with the layer's size, alpha, beta and k (default
// AlexNet's 5, 1e-4, 0.75, 2); avgpool
// counts padding (count_include_pad); dropout is the identity. Convolutions
// go through package conv's Layer with method auto, pooling through package
// pool.
//
// ReadWeights loads safetensors (the format is parsed here: an 8-byte
// little-endian header length, a JSON header, raw little-endian data in F32,
// F16, BF16 or F64) and NumPy .npz archives (a zip of .npy files, read by
// package npy).
package forward

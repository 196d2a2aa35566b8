// Package conv is convtool's 2-D convolution engine.
//
// Filter applies one 2-D kernel to every channel on its own (an image
// filter); Layer applies a 4-D weight bank with PyTorch's conv2d and
// conv_transpose2d semantics (groups, bias, stride, dilation, output
// padding). Both compute cross-correlation, as deep-learning frameworks do;
// callers rotate the kernel by 180° for true convolution.
//
// Padding is explicit per side (internal/job turns the command's words into
// numbers with package shape's formulas, which SamePad, FullPad, OutSize and
// TransposedOutSize here only name) and filled by an Edge rule. Several methods compute the same
// result to float32 tolerance:
//
//   - direct: the input is padded once, then every output row accumulates
//     kernel-row × input-row products in tight loops, in parallel over
//     channels and row bands;
//   - separable: a rank-1 kernel as a row pass then a column pass;
//   - gemm: im2col tiles multiplied by the weights with blas32.Gemm;
//   - fft: the convolution theorem (filled in by fft.go).
//
// Method "auto" asks Choose, a cost model measured on the project's
// benchmarks, and never picks a method that cannot run. Explain prints the
// arithmetic for a learner.
package conv

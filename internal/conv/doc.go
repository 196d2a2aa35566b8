// Package conv is convtool's 2-D convolution engine.
//
// Filter applies one 2-D kernel to every channel on its own (an image
// filter); Layer applies a 4-D weight bank with PyTorch's conv2d and
// conv_transpose2d semantics (groups, bias, stride, dilation, output
// padding); a LayerPlan binds a layer's weights once (checked, turned for a
// transposed layer, their nonzero weights counted for the cost model) for
// callers that run the same layer again, and Layer is a one-call plan.
// Both compute cross-correlation, as deep-learning frameworks do;
// callers rotate the kernel by 180° for true convolution.
//
// Padding is explicit per side (internal/job turns the command's words into
// numbers with package shape's formulas, which SamePad, FullPad, OutSize and
// TransposedOutSize here only name) and filled by an Edge rule. Several methods compute the same
// result to float32 tolerance:
//
//   - direct: every output row is the sum of each nonzero weight times the
//     padded input row segment under it, a band of rows per call of the
//     SIMD row kernel (internal/simd), in parallel over channels and bands;
//     a 3×3 depthwise plane reads its input in place (no padded copy), and
//     a strided layer reads its input split into stride phases;
//   - separable: a rank-1 kernel as a row pass then a column pass, on the
//     same kernel;
//   - gemm: weights times the im2col matrix, blocked as BLAS libraries do
//     (packed panels, the im2col matrix never built whole) around the SIMD
//     sgemm micro-kernel; where it measured faster (kernels wider than
//     1×1 at unit stride, small planes) the implicit path reads the
//     im2col matrix as shifted views of the stride-phase-split input,
//     packing nothing; other small output planes split the output
//     channels across cores instead of the columns;
//   - fft: the convolution theorem (filled in by fft.go).
//
// Outputs and scratch come from Params.Pool when set (a network run's
// recycled storage), and the parallel loops run on internal/par's team.
//
// Method "auto" asks Choose, a cost model of these methods at the SIMD
// level in use, and never picks a method that cannot run; Params.Report
// hears what ran, why, and how long it took. Explain prints the arithmetic
// for a learner.
package conv

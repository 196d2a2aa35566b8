// Package signal convolves 1-D signals with numpy.convolve's semantics: true
// convolution (the kernel reversed), modes full, same and valid, and
// numpy's swap of the two arguments when the kernel is the longer one. It
// computes directly (float64 sums) or by the convolution theorem with
// internal/fft's float32 real transform of a fast size, and picks between
// them by a measured cost model.
package signal

// Package tensor holds the one data type every convtool package speaks: a
// dense float32 array laid out channels-first, (C, H, W). A 2-D matrix is a
// tensor with one channel; a 1-D signal is a tensor of shape (1, 1, N).
package tensor

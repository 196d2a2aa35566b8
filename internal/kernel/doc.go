// Package kernel builds convolution kernels: the built-in filters (box,
// Gaussian, Sobel, …), inline matrices, ImageMagick's "WxH: …" form and
// kernel files (.npy, .csv/.txt, libvips .mat). A 2-D Kernel is an image
// filter applied to every channel on its own; a 4-D Bank is a convolution
// layer's weights in PyTorch's layout.
//
// Every kernel is a correlation kernel, the orientation of OpenCV's
// filter2D and of every deep-learning framework: out(y, x) = Σ k(i, j) ·
// in(y+i-oy, x+j-ox). Derivative kernels are oriented so that sobel-x is
// positive where intensity grows to the right, as cv2.Sobel with dx=1.
// True convolution is Rotate180 followed by correlation.
//
// Parse turns a user's -k/--kernel spec into a Kernel or a Bank (files are
// read through tensorio.DecodeArray);
// Builtins lists the named filters. Kernel methods give what a convolution
// engine needs: Normalized, Separate (rank and 1-D factors by SVD),
// Dilated, Anchor.
package kernel

// Package levels maps convolution results onto output values: libvips'
// scale and offset, absolute value, rescaling to a range, grey conversion
// and alpha premultiplication, the steps between a raw convolution and the
// samples written to a file.
package levels

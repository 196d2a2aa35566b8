// Package npy reads and writes NumPy's .npy array files.
//
// Read accepts what numpy.save writes for convtool's data: format versions
// 1.0, 2.0 and 3.0; float (f2, f4, f8), signed and unsigned integer (1 to 8
// bytes) and boolean dtypes, in either byte order; C order only. Every value
// is converted to float32. The header is checked before anything is
// allocated: a shape whose element count overflows, or that needs more bytes
// than the file holds, is refused at once.
//
// Write always writes a version 1.0 file of little-endian float32 in C
// order, with the header padded the way numpy pads it (to a multiple of 64
// bytes), so that its output is byte-identical to numpy.save's.
package npy

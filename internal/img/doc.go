// Package img converts between image files (PNG, JPEG, GIF, TIFF, BMP) and
// float32 (C, H, W) tensors with the images' native sample range: 8-bit
// samples are 0..255 and 16-bit samples 0..65535, never normalised.
//
// Channels follow the file, as PIL reports them: grey is 1 channel, grey
// with alpha 2 (grey, alpha), RGB 3 and RGBA 4. Palette images expand to RGB,
// or to RGBA when the palette has a non-opaque entry; JPEG YCbCr and CMYK
// become RGB, YCbCr with libjpeg's fancy chroma upsampling and integer
// colour tables, so JPEGs decode within 2 levels of PIL, OpenCV and libvips.
// Alpha is straight (not premultiplied). A grey or RGB PNG with a tRNS key
// colour keeps 1 or 3 channels, as in PIL (libvips adds an alpha band).
//
// PNGs are decoded by a streaming decoder (inflate and unfiltering on two
// goroutines, straight into the tensor) and written by a parallel encoder
// (pigz-style deflate bands); image/png remains the fallback for interlaced
// or unusual files. PNGReader and PNGWriter are the same codecs a row at a
// time, for images that never sit in memory whole (internal/stream):
// PNGReader over a stream with the same checks, PNGWriter behind
// encodePNG too, so a streamed and a whole image give the same bytes.
//
// Decode reads the header first and refuses images with more pixels than
// allowed before allocating any. Encode rounds half away from zero, clamps
// to the sample range and writes NaN as 0.
package img

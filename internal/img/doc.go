// Package img converts between image files (PNG, JPEG, GIF, TIFF, BMP,
// Netpbm PBM/PGM/PPM/PAM and float PFM both ways; WebP read only) and
// float32 (C, H, W) tensors with the images' native sample range: 8-bit
// samples are 0..255 and 16-bit samples 0..65535, never normalised.
//
// Channels follow the file, as PIL reports them: grey is 1 channel, grey
// with alpha 2 (grey, alpha), RGB 3 and RGBA 4. Palette images expand to RGB,
// or to RGBA when the palette has a non-opaque entry; JPEG YCbCr and CMYK
// become RGB, YCbCr with libjpeg's fancy chroma upsampling and integer
// colour tables, so JPEGs decode within 2 levels of PIL, OpenCV and libvips.
// Alpha is straight (not premultiplied). A grey or RGB PNG with a tRNS key
// colour gets an alpha channel (0 where the key matches), as libvips and
// ImageMagick read it; palette colours under alpha 0 are kept.
//
// PNGs are decoded by a streaming decoder (inflate and unfiltering on two
// goroutines, straight into the tensor) and written by a parallel encoder
// (pigz-style deflate bands); image/png remains the fallback for interlaced
// or unusual files. PNGReader and PNGWriter are the same codecs a row at a
// time, for images that never sit in memory whole (internal/stream):
// PNGReader over a stream with the same checks, PNGWriter behind
// encodePNG too, so a streamed and a whole image give the same bytes.
//
// A file in a format it cannot read is named by its magic bytes
// (Unsupported: "format not supported: HEIF/HEIC"), never parsed as
// another. GIFs of more than 256 colours get a palette chosen from the
// image (median cut, k-means, Floyd–Steinberg: quantize.go).
//
// Metadata travels beside the pixels as a plain Meta value: EXIF, ICC,
// XMP, density and PNG text/gAMA/sRGB are collected on decode (PNG chunks,
// JPEG APP segments, TIFF's first IFD) and emitted on encode after PNG's
// IHDR or JPEG's SOI, around the pixel codecs (meta_png.go, meta_jpeg.go).
// PNGReader collects a PNG's chunks into the same Meta (pngChunks.add, one
// rule for both readers), and PNGWriter writes it (its Meta), on the
// whole and the streamed path alike: PNGChunks after IHDR, and PNGTrailer
// before IEND for the text and eXIf that the input held after its pixel
// data (Meta.After), which a streamed input reveals only after its last
// row. EXIF is
// parsed and rewritten with github.com/dsoprea/go-exif; AutoRotate applies
// an EXIF orientation as libvips' autorot does.
//
// Decode reads the header first and refuses images with more pixels than
// allowed before allocating any. Encode rounds half away from zero, clamps
// to the sample range and writes NaN as 0.
package img

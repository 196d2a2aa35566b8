// Package tensorio is where every file convtool reads or writes passes:
// it picks the format from the extension (or, for "-" and unknown
// extensions, from the content's magic bytes), hands the bytes to the
// format's package (img, npy, textmat) and turns the result into a
// tensor.Tensor with what is needed to write it back the same way
// (Data.Kind is derived from its Format). DecodeArray is the one dispatch
// over the numeric formats (.npy of any rank, text, .mat): Read uses it,
// and so do kernel files.
//
// Data.Meta carries an image's metadata from Read to Write (dropped with
// WriteOptions.Strip); ReadOptions.Autorotate applies its EXIF
// orientation. Alpha written to a format that cannot hold it is flattened
// against WriteOptions.Background (FlattenFor), as libvips does.
//
// Reading names the file in every error, refuses oversized images and
// lying .npy headers before allocating, and turns a decoder panic into an
// error. Writing goes to a temporary file beside the destination which is
// synced and renamed into place, so a failed write leaves any existing
// file untouched; RemoveTemporaries deletes the ones in flight when a
// signal ends the process. A new file gets 0666 less the umask; a dangling
// symlink is written through. "-" and devices (/dev/stdout, /dev/full) are
// streams, written in place in the input's format unless told otherwise.
// stdin is read within StdinLimit, and ReadOptions.Check sees an image's
// or .npy's header before any pixel is decoded.
package tensorio

// Package tensorio reads and writes tensors in every form convtool speaks:
// images (PNG, JPEG, GIF, TIFF, BMP), NumPy .npy, CSV/whitespace text and
// libvips .mat, from files or from "-" (stdin/stdout). Output goes to a
// temporary file in the destination's directory and is renamed into place,
// so a failed run never leaves a half-written or clobbered file.
package tensorio

import (
	"io"

	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/tensor"
)

// Kind is the family of a file format.
type Kind int

const (
	KindImage Kind = iota // PNG, JPEG, GIF, TIFF, BMP
	KindNPY               // NumPy .npy
	KindText              // CSV or whitespace-separated text
	KindMat               // libvips .mat
)

// Data is a loaded tensor with what is needed to write it back in its
// format (whose family is Kind()).
type Data struct {
	T      *tensor.Tensor
	Format string // "png", "jpeg", "gif", "tiff", "bmp", "webp", "pnm", "pam", "pfm", "npy", "csv", "txt", "mat"
	// Rank is the number of dimensions the input had (npy: 1–3; text and mat:
	// 2; images: 3). Writers to .npy keep it: a (H,W) input gives (H,W).
	Rank int
	// Depth is bits per sample for images (8 or 16; 32 for float PFM); 0
	// otherwise.
	Depth int
	// Alpha is true when the image's last channel is alpha.
	Alpha bool
	// Meta is an image's metadata (EXIF, ICC profile, XMP, PNG text…),
	// carried to the output where its format can hold it; nil if none.
	Meta *img.Meta
	// Rotated is the EXIF orientation (2..8) that ReadOptions.Autorotate
	// applied; 0 when none was.
	Rotated int
	// Flattened is set by FlattenFor: alpha was composited over a
	// background because the output format cannot hold it.
	Flattened bool
	// Scale and Offset come from a .mat header; HasScale says one was given.
	Scale, Offset float64
	HasScale      bool
}

// Kind is the family of d's format.
func (d *Data) Kind() Kind { return KindOf(d.Format) }

// ReadOptions bound what Read will accept.
type ReadOptions struct {
	// MaxPixels refuses images whose header claims more than W*H pixels,
	// before decoding. 0 means no limit. It also bounds what is read from
	// stdin: at most StdinLimit(MaxPixels) bytes.
	MaxPixels int64
	// Stdin is read when path is "-".
	Stdin io.Reader
	// Autorotate applies an image's EXIF orientation to its pixels and
	// resets the tag to 1 (libvips autorot); Data.Rotated records it.
	Autorotate bool
	// Check, if set, sees what an image or .npy header says before any
	// pixel is decoded (a .npy's data is not even read); its error ends
	// the read. Limits that follow from the size (a padded plane, the work
	// of a job) are applied there, so a refused input costs its header.
	// Text and .mat inputs, which have no such header, skip it.
	Check func(Header) error
}

// Header is what a file says of its tensor before the pixels.
type Header struct {
	// C, H, W is the tensor's shape. For an image C is a lower bound (1
	// for grey, else 3): a palette or an alpha channel may add one.
	C, H, W int
	// Image is true for image formats; Format names the format.
	Image  bool
	Format string
}

// WriteOptions control Write.
type WriteOptions struct {
	// Format overrides the format chosen from the extension ("png", "npy",
	// "csv", "txt", "mat", "jpeg", "gif", "tiff", "bmp"); required for "-"
	// unless the data's own Format is used.
	Format string
	// Stdout receives the bytes when path is "-".
	Stdout io.Writer
	// Depth is the image sample depth to write (8 or 16; 0: the data's own,
	// else 8). Values are rounded half away from zero and clamped to the
	// sample range, NaN written as 0. JPEG, GIF and BMP hold only 8 bits:
	// 16-bit samples are written to them divided by 257.
	Depth int
	// Quality is the JPEG quality, 1..100 (0: 75, as libvips).
	Quality int
	// Background is what alpha is flattened against when the format
	// cannot hold alpha (JPEG, BMP, PGM/PPM, PFM): one value or one per
	// colour channel, 0..255; none is black, as libvips.
	Background []float64
	// Strip drops the metadata (EXIF, ICC, XMP, PNG text…) that is
	// otherwise written where the format can hold it (vips --strip,
	// ImageMagick -strip).
	Strip bool
	// PNGLevel is the PNG deflate level (img.EncodeOptions.PNGLevel: 1..9,
	// 0 for the default 6, img.NoPNGCompression for none).
	PNGLevel int
}

package tensorio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/disintegration/imaging"

	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/textmat"
)

// Formats lists every format name Read and Write know.
var Formats = []string{"png", "jpeg", "gif", "tiff", "bmp", "webp", "pnm", "pbm", "pam", "pfm", "npy", "csv", "txt", "mat"}

// extList is how errors list the extensions convtool knows.
const extList = ".png, .jpg, .gif, .tif, .bmp, .webp (read), .pgm/.ppm/.pnm/.pbm, .pam, .pfm, .npy, .csv, .txt or .mat"

// displayName is how errors name path.
func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// FormatOf returns the format name for a path's extension, or an error
// naming an unknown extension.
func FormatOf(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".npy":
		return "npy", nil
	case ".csv":
		return "csv", nil
	case ".txt":
		return "txt", nil
	case ".mat":
		return "mat", nil
	case ".pgm", ".ppm", ".pnm":
		return "pnm", nil
	case ".pbm":
		return "pbm", nil // read as any Netpbm; not written (1 bit)
	case ".pam":
		return "pam", nil
	case ".pfm":
		return "pfm", nil
	case ".webp":
		return "webp", nil
	}
	if f, err := imaging.FormatFromExtension(ext); err == nil {
		return strings.ToLower(f.String()), nil
	}
	if ext == "" {
		return "", fmt.Errorf("%s has no extension to tell its format (want %s)", path, extList)
	}
	return "", fmt.Errorf("unknown extension %q (want %s)", ext, extList)
}

// KindOf returns the kind of a format name ("jpg" and "tif" are accepted
// for "jpeg" and "tiff"). Unknown names are KindText.
func KindOf(format string) Kind {
	switch normalize(format) {
	case "png", "jpeg", "gif", "tiff", "bmp", "webp", "pnm", "pbm", "pam", "pfm":
		return KindImage
	case "npy":
		return KindNPY
	case "mat":
		return KindMat
	}
	return KindText
}

// normalize maps format aliases to their canonical names.
func normalize(format string) string {
	f := strings.ToLower(format)
	switch f {
	case "jpg":
		return "jpeg"
	case "tif":
		return "tiff"
	}
	return f
}

// Sniff names the format of data from its first bytes: "png", "jpeg",
// "gif", "tiff", "bmp", "webp", "pnm", "pfm", "npy", "unsupported" (an
// image or container format convtool knows but cannot read: HEIF, PSD…),
// else "txt" (or "csv" when the first line with numbers has a comma).
func Sniff(data []byte) string {
	if f := img.SniffImage(data); f != "" {
		return f
	}
	if bytes.HasPrefix(data, []byte(npy.Magic)) {
		return "npy"
	}
	if img.Unsupported(data) != "" {
		return "unsupported"
	}
	for _, line := range bytes.SplitN(data[:min(len(data), 1<<16)], []byte("\n"), 64) {
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if bytes.IndexByte(line, ',') >= 0 {
				return "csv"
			}
			break
		}
	}
	return "txt"
}

// Read loads path ("-" for stdin, sniffed from magic bytes: PNG, JPEG, GIF,
// TIFF, BMP, NPY, else text). Errors name the path ("stdin" for "-").
func Read(path string, o ReadOptions) (d *Data, err error) {
	name := displayName(path)
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, fmt.Errorf("%s: cannot decode: the decoder failed (%v)", name, r)
		}
	}()
	if o.Check != nil {
		check := o.Check
		o.Check = func(h Header) error {
			if err := check(h); err != nil {
				return &checkError{err}
			}
			return nil
		}
	}
	d, err = read(path, o)
	var ce *checkError
	if errors.As(err, &ce) {
		return nil, ce.err // the check names the file itself
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

func read(path string, o ReadOptions) (*Data, error) {
	if path == "-" {
		if o.Stdin == nil {
			return nil, errors.New("no standard input")
		}
		return readStdin(o)
	}
	format, ferr := FormatOf(path)
	if ferr != nil || KindOf(format) == KindImage {
		// Images are read whole (they are compressed, and the decoders
		// want all of it); unknown extensions are sniffed.
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, plainPathError(err)
		}
		if ferr != nil {
			format = Sniff(b)
			if format == "txt" || format == "csv" {
				return fromTextBytes(b, format)
			}
		}
		if len(b) == 0 {
			return nil, errors.New("empty file")
		}
		return decode(b, format, o)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, plainPathError(err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Mode().IsRegular() {
		size = st.Size()
	}
	a, err := decodeArray(f, size, format, o.Check)
	if err != nil {
		return nil, err
	}
	return a.data(format)
}

// plainPathError drops the "open PATH:" prefix os adds, since Read names
// the file itself.
func plainPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// decode handles image and .npy bytes held in memory.
func decode(b []byte, format string, o ReadOptions) (*Data, error) {
	if format == "npy" {
		a, err := decodeArray(bytes.NewReader(b), int64(len(b)), format, o.Check)
		if err != nil {
			return nil, err
		}
		return a.data(format)
	}
	if o.Check != nil {
		// The header alone: a refused image is never decoded. (Errors in
		// the header are left to the decoder, which names them.)
		if f, w, h, err := img.CheckSize(b, o.MaxPixels); err == nil {
			c := 3
			if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil && (cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.Gray16Model) {
				c = 1
			}
			if err := o.Check(Header{C: c, H: h, W: w, Image: true, Format: f}); err != nil {
				return nil, err
			}
		}
	}
	im, err := img.Decode(b, o.MaxPixels)
	if err != nil {
		return nil, err
	}
	if im.Format != format {
		// The content wins over a misleading extension.
		format = im.Format
	}
	d := &Data{T: im.T, Format: format, Rank: 3, Depth: im.Depth, Alpha: im.Alpha, Meta: im.Meta}
	if o.Autorotate {
		if or := im.Meta.Orientation(); or > 1 {
			d.T, d.Rotated = img.AutoRotate(d.T, or), or
			d.Meta.ResetOrientation()
		}
	}
	return d, nil
}

// fromTextBytes reads sniffed text: a text matrix, or failing that a
// libvips matrix (whose header line would make it ragged as text).
func fromTextBytes(b []byte, format string) (*Data, error) {
	m, err := textmat.ReadText(bytes.NewReader(b))
	if err == nil {
		return arrayOf(m).data(format)
	}
	if mm, merr := textmat.ReadMat(bytes.NewReader(b)); merr == nil {
		return arrayOf(mm).data("mat")
	}
	return nil, err
}

// StdinLimit is the most convtool reads from stdin under --max-pixels n:
// 8 bytes a pixel (16-bit RGBA, the largest uncompressed sample) plus 1
// MiB of headers, so that any image, .npy or text a file of n pixels could
// hold also arrives by pipe, while an endless stream (< /dev/zero) ends in
// an error rather than in memory exhaustion. n ≤ 0: no limit.
func StdinLimit(maxPixels int64) int64 {
	if maxPixels <= 0 || maxPixels > (math.MaxInt64-1<<20)/8 {
		return math.MaxInt64
	}
	return 8*maxPixels + 1<<20
}

// capReader fails once more than n bytes were read.
type capReader struct {
	r    io.Reader
	n    int64 // bytes still allowed
	full int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		// One byte more tells a stream of exactly the limit from a longer one.
		var b [1]byte
		if n, _ := c.r.Read(b[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("more than %d bytes (the limit for stdin under --max-pixels: 8 bytes a pixel and 1 MiB); save it to a file", c.full)
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

// readStdin reads "-" whole, within StdinLimit, and sniffs its format from
// the first bytes. Bytes that are neither an image, a .npy nor text (a NUL
// in the first 64 KiB, as from /dev/zero) are refused before reading on.
func readStdin(o ReadOptions) (*Data, error) {
	limit := StdinLimit(o.MaxPixels)
	br := bufio.NewReaderSize(&capReader{r: o.Stdin, n: limit, full: limit}, 1<<16)
	head, err := br.Peek(1 << 16)
	if len(head) == 0 {
		if err != nil && err != io.EOF {
			return nil, err
		}
		return nil, errors.New("empty input")
	}
	format := Sniff(head)
	if (format == "txt" || format == "csv") && bytes.IndexByte(head, 0) >= 0 {
		return nil, errors.New("not a PNG, JPEG, GIF, TIFF, BMP, .npy or text matrix (binary data)")
	}
	b, err := io.ReadAll(br)
	if err != nil {
		return nil, err
	}
	if format == "txt" || format == "csv" {
		return fromTextBytes(b, format)
	}
	return decode(b, format, o)
}

// checkError carries ReadOptions.Check's error through Read unchanged.
type checkError struct{ err error }

func (e *checkError) Error() string { return e.err.Error() }
func (e *checkError) Unwrap() error { return e.err }

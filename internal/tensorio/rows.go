package tensorio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/textmat"
)

// ErrNotRows says an input or output cannot be read or written row by
// row (its format, an interlaced PNG, a multi-channel stream, …): use Read
// and Write. Nothing has been consumed or created when it is returned.
var ErrNotRows = errors.New("not streamed row by row")

// peekSize is how much of an input OpenRows looks at before deciding: the
// chunks of a PNG up to its pixel data must fit (palettes, ICC profiles
// and text chunks are usually far smaller).
const peekSize = 1 << 20

// Peeker is what OpenRows needs of stdin: looking ahead without
// consuming, so that an input it refuses is still whole for Read.
type Peeker interface {
	io.Reader
	Peek(n int) ([]byte, error)
}

// RowReader reads an input row by row: the shape, and what Data would say
// about it, are known before the first row.
type RowReader struct {
	C, H, W int
	Kind    Kind
	Format  string
	Rank    int
	Depth   int
	Alpha   bool

	name  string
	src   interface{ ReadRow([]float32) error }
	start func() (interface{ ReadRow([]float32) error }, error)
	f     *os.File
	meta  func() *img.Meta
}

// Meta is an image's metadata as Read would give it in Data.Meta, or nil:
// what the header says before the first row (a PNG's chunks before its
// pixel data), and all of it after the last (text and eXIf may follow
// the pixels).
func (r *RowReader) Meta() *img.Meta {
	if r.meta == nil {
		return nil
	}
	return r.meta()
}

// ReadRow reads the next row: C·W samples, channel by channel. Errors
// name the input. The first call consumes the header: until then the
// input is only looked at (Close leaves stdin whole for Read).
func (r *RowReader) ReadRow(dst []float32) error {
	if r.src == nil {
		src, err := r.start()
		if err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		r.src = src
	}
	if err := r.src.ReadRow(dst); err != nil {
		return fmt.Errorf("%s: %w", r.name, err)
	}
	return nil
}

// Close closes the input file, if one was opened.
func (r *RowReader) Close() error {
	if r.f != nil {
		return r.f.Close()
	}
	return nil
}

// OpenRows opens path ("-": o.Stdin, which must be a Peeker) to be read
// row by row: a non-interlaced PNG, a C-order .npy (more than one channel
// only from a file), or a one-channel text file (not stdin: it is read
// twice). Anything else, and anything damaged or lying
// that the header shows, returns ErrNotRows, leaving the input unread for
// Read. o.MaxPixels does not bound a PNG read by rows, except that one
// larger must not inflate more than img.MaxInflate:1.
func OpenRows(path string, o ReadOptions) (*RowReader, error) {
	name := displayName(path)
	var br Peeker
	var f *os.File
	size := int64(-1)
	if path == "-" {
		p, ok := o.Stdin.(Peeker)
		if !ok {
			return nil, ErrNotRows
		}
		br = p
	} else {
		format, err := FormatOf(path)
		if err == nil && format != "png" && format != "npy" && format != "txt" && format != "csv" {
			return nil, ErrNotRows
		}
		if f, err = os.Open(path); err != nil {
			return nil, ErrNotRows // Read reports it
		}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		br = bufio.NewReaderSize(f, 1<<16)
	}
	r, err := openRows(br, f, size, o.MaxPixels, name)
	if err != nil {
		if f != nil {
			f.Close()
		}
		if errors.Is(err, ErrNotRows) {
			return nil, ErrNotRows
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	r.f = f
	return r, nil
}

func openRows(br Peeker, f *os.File, size, maxPixels int64, name string) (*RowReader, error) {
	head, err := br.Peek(peekSize)
	if errors.Is(err, io.EOF) && size < 0 {
		size = int64(len(head)) // the whole of a short stream
	}
	// Dry runs over what was peeked: the header must be one the row
	// readers take and pass their checks against the size (a lying or
	// truncated header, a decompression bomb). Anything they refuse goes
	// to Read, which reads it or says what is wrong in its own words.
	switch Sniff(head) {
	case "png":
		h, ok := img.PeekPNGHeader(head)
		if !ok || h.Interlaced {
			return nil, ErrNotRows
		}
		// A dry run over what was peeked: the chunks before the pixel
		// data must be ones the row reader takes, or Read gets the file.
		// The reader turns a tRNS key into alpha and reads the metadata
		// as Read does.
		p, err := img.NewPNGReader(bytes.NewReader(head), size, maxPixels)
		if err != nil {
			return nil, ErrNotRows
		}
		r := &RowReader{C: p.Channels, H: p.Height, W: p.Width, Kind: KindImage, Format: "png",
			Rank: 3, Depth: p.Depth, Alpha: p.Alpha, name: name, meta: p.Meta}
		r.start = func() (interface{ ReadRow([]float32) error }, error) {
			q, err := img.NewPNGReader(br, size, maxPixels)
			if err == nil {
				r.meta = q.Meta
			}
			return q, err
		}
		return r, nil
	case "npy":
		var ra io.ReaderAt
		if f != nil {
			ra = f
		}
		n, err := npy.NewRowReader(bytes.NewReader(head), ra, size)
		if err != nil {
			return nil, ErrNotRows // Read gives the error, or reads it whole
		}
		return &RowReader{C: n.C, H: n.H, W: n.W, Kind: KindNPY, Format: "npy", Rank: n.Rank,
			name: name, start: func() (interface{ ReadRow([]float32) error }, error) {
				return npy.NewRowReader(br, ra, size)
			}}, nil
	case "txt", "csv":
		// A file only: text is checked and counted in a first pass.
		if f == nil {
			return nil, ErrNotRows
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, ErrNotRows
		}
		t, err := textmat.NewRowReader(f)
		if err != nil {
			return nil, ErrNotRows
		}
		return &RowReader{C: 1, H: t.Rows, W: t.Cols, Kind: KindText, Format: Sniff(head), Rank: 2,
			name: name, start: func() (interface{ ReadRow([]float32) error }, error) { return t, nil }}, nil
	}
	return nil, ErrNotRows
}

// RowSpec is the output CreateRows starts: its shape and what Write would
// be given in Data.
type RowSpec struct {
	C, H, W int
	// Format is the input's format, the default for "-" and for a path
	// without an extension.
	Format string
	// Rank is the input's rank, kept by .npy outputs as Write keeps it.
	Rank int
	// Depth is the input image's sample depth (0 for none: 8).
	Depth int
	// Meta, when not nil, gives the metadata a PNG output carries
	// (img.PNGWriter.Meta): a RowReader's Meta, called before the first
	// row and again after the last.
	Meta func() *img.Meta
}

// RowWriter writes an output row by row. A file is written to a temporary
// file and renamed into place by Close; Abort removes it, so a failed run
// leaves no output and an existing file untouched. On stdout, rows go out
// as they come: a failure after the first band leaves a truncated stream
// (and the non-zero exit status says so), as with any streaming tool.
type RowWriter struct {
	// Format is the output format chosen.
	Format string

	name  string
	sink  interface{ WriteRow([]float32) error }
	close func() error // finishes the encoding
	tmp   *os.File
	bw    *bufio.Writer
	final string
	mode  os.FileMode
	done  bool
}

// CreateRows starts the output at path ("-": o.Stdout) in o.Format, else
// by path's extension, else s.Format, if it can be written row by row:
// PNG, .npy (more than one channel only to a file) or one-channel text.
// Otherwise it returns ErrNotRows, having created nothing.
func CreateRows(path string, s RowSpec, o WriteOptions) (*RowWriter, error) {
	name := path
	if path == "-" {
		name = "stdout"
	}
	format := normalize(o.Format)
	if format == "" && path != "-" {
		var err error
		if format, err = FormatOf(path); err != nil {
			return nil, ErrNotRows // Write says why
		}
	}
	if format == "" {
		format = normalize(s.Format)
	}
	toFile := path != "-"
	var mode os.FileMode // 0: a new file, whose mode the umask decides
	final := path
	if toFile {
		st, err := os.Stat(path)
		if err == nil {
			if !st.Mode().IsRegular() || isDevPath(path) {
				return nil, ErrNotRows // directories, devices and FIFOs: Write handles them
			}
			mode = st.Mode().Perm()
		}
		// As Write: through a symlink the target is replaced and the link
		// kept, a dangling link is written through, a loop is an error.
		if final, err = resolveLink(path); err != nil {
			return nil, ErrNotRows // Write says so
		}
	}
	switch {
	case format == "png" && s.C >= 1 && s.C <= 4:
	case format == "npy" && (s.C == 1 || toFile):
	case (format == "txt" || format == "csv") && s.C == 1:
	default:
		return nil, ErrNotRows
	}
	rw := &RowWriter{Format: format, name: name, final: final, mode: mode}
	var w io.Writer
	if toFile {
		tmp, err := createTemp(filepath.Dir(final))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, plainPathError(err))
		}
		rw.tmp = tmp
		w = tmp
	} else {
		if o.Stdout == nil {
			return nil, errors.New("stdout: no standard output")
		}
		w = o.Stdout
	}
	rw.bw = bufio.NewWriterSize(w, 1<<16)
	var err error
	switch format {
	case "png":
		depth := o.Depth
		if depth == 0 {
			depth = s.Depth
		}
		if depth == 0 {
			depth = 8
		}
		level, lerr := img.PNGLevel(o.PNGLevel)
		if lerr != nil {
			err = lerr
			break
		}
		var p *img.PNGWriter
		if p, err = img.NewPNGWriter(rw.bw, s.W, s.H, s.C, depth, level); err == nil {
			p.Meta = s.Meta
			rw.sink, rw.close = p, p.Close
		}
	case "npy":
		shape := npyShape(&Data{T: &tensor.Tensor{C: s.C, H: s.H, W: s.W}, Rank: s.Rank})
		var wa io.WriterAt
		out := io.Writer(rw.bw)
		if s.C > 1 {
			wa, out = rw.tmp, rw.tmp // by offset: unbuffered
		}
		var n *npy.RowWriter
		if n, err = npy.NewRowWriter(out, wa, shape); err == nil {
			rw.sink, rw.close = n, n.Close
		}
	default:
		sep := " "
		if format == "csv" {
			sep = ","
		}
		tw := &textRows{w: rw.bw, sep: sep}
		rw.sink, rw.close = tw, func() error { return nil }
	}
	if err != nil {
		rw.Abort()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rw, nil
}

// textRows writes one-channel rows as WriteText does.
type textRows struct {
	w   *bufio.Writer
	sep string
	b   []byte
}

func (t *textRows) WriteRow(row []float32) error {
	t.b = textmat.AppendRow(t.b[:0], row, t.sep)
	_, err := t.w.Write(t.b)
	return err
}

// WriteRow writes the next row (C·W samples, channel by channel).
func (rw *RowWriter) WriteRow(row []float32) error {
	if err := rw.sink.WriteRow(row); err != nil {
		return fmt.Errorf("%s: %w", rw.name, err)
	}
	return nil
}

// Close finishes the output: the format's trailer, a flush, and for a
// file a sync and the rename into place.
func (rw *RowWriter) Close() (err error) {
	if rw.done {
		return nil
	}
	defer func() {
		if err != nil {
			rw.Abort()
			err = fmt.Errorf("%s: %w", rw.name, plainPathError(err))
		}
	}()
	if err = rw.close(); err != nil {
		return err
	}
	if err = rw.bw.Flush(); err != nil {
		return err
	}
	rw.done = true
	if rw.tmp == nil {
		return nil
	}
	if err = rw.tmp.Sync(); err != nil {
		return err
	}
	if err = rw.tmp.Close(); err != nil {
		return err
	}
	if rw.mode != 0 {
		if err = os.Chmod(rw.tmp.Name(), rw.mode); err != nil {
			return err
		}
	}
	if err = os.Rename(rw.tmp.Name(), rw.final); err != nil {
		return err
	}
	forgetTemp(rw.tmp.Name())
	return nil
}

// Abort removes the temporary file of an unfinished output.
func (rw *RowWriter) Abort() {
	rw.done = true
	if rw.tmp != nil {
		rw.tmp.Close()
		os.Remove(rw.tmp.Name())
		forgetTemp(rw.tmp.Name())
	}
}

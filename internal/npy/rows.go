package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// CHW reads a shape of rank 1 (W), 2 (H, W) or 3 (C, H, W) as a
// tensor's (C, H, W); ok is false for any other rank.
func CHW(shape []int) (c, h, w int, ok bool) {
	switch len(shape) {
	case 1:
		return 1, 1, shape[0], true
	case 2:
		return 1, shape[0], shape[1], true
	case 3:
		return shape[0], shape[1], shape[2], true
	}
	return 0, 0, 0, false
}

// RowReader reads a C-order .npy array of rank 1 to 3 as (C, H, W) rows:
// row y is row y of every channel. Channels after the first lie further
// on in the file, so with more than one channel the data must be an
// io.ReaderAt (a file); a stream holds one channel.
type RowReader struct {
	// C, H, W is the array's shape as a tensor; Rank its number of
	// dimensions (1: (W), 2: (H, W), 3: (C, H, W)).
	C, H, W, Rank int

	r   io.Reader
	ra  io.ReaderAt
	off int64 // the data's offset in ra
	dt  dtype
	buf []byte
	y   int
}

// NewRowReader reads the header from r. size is the number of bytes r
// holds, or -1 if unknown. ra, if not nil, reads the same bytes by offset
// (r positioned at offset 0 of ra): needed for more than one channel.
func NewRowReader(r io.Reader, ra io.ReaderAt, size int64) (*RowReader, error) {
	h, err := readHeader(r, size)
	if err != nil {
		return nil, err
	}
	rr := &RowReader{r: r, ra: ra, off: h.off, dt: h.dt, Rank: len(h.Shape)}
	var ok bool
	if rr.C, rr.H, rr.W, ok = CHW(h.Shape); !ok {
		return nil, fmt.Errorf("%d-D array: not read row by row", len(h.Shape))
	}
	if rr.C*rr.H*rr.W == 0 {
		return nil, errors.New("empty array")
	}
	if rr.C > 1 && ra == nil {
		return nil, errors.New("a multi-channel .npy stream is not read row by row")
	}
	rr.buf = make([]byte, rr.W*h.dt.size)
	return rr, nil
}

// ReadRow reads the next row of every channel into dst (C·W values).
func (rr *RowReader) ReadRow(dst []float32) error {
	if rr.y >= rr.H {
		return errors.New("read past the last row")
	}
	for c := range rr.C {
		var err error
		if rr.C == 1 {
			_, err = io.ReadFull(rr.r, rr.buf)
		} else {
			pos := rr.off + (int64(c*rr.H+rr.y)*int64(rr.W))*int64(rr.dt.size)
			_, err = rr.ra.ReadAt(rr.buf, pos)
		}
		if err != nil {
			return fmt.Errorf("truncated .npy data at row %d", rr.y)
		}
		if _, err := decodeAt(dst[c*rr.W:c*rr.W:(c+1)*rr.W], rr.buf, rr.dt, int64(c*rr.H+rr.y)*int64(rr.W)); err != nil {
			return err
		}
	}
	rr.y++
	return nil
}

// RowWriter writes a float32 C-order .npy array row by row. With more
// than one channel each row's channels go to their places in the file, so
// the destination must be an io.WriterAt (a file).
type RowWriter struct {
	out     io.Writer
	wa      io.WriterAt
	c, h, w int
	off     int64
	buf     []byte
	y       int
}

// NewRowWriter writes the header for shape (rank 1 (W), 2 (H, W) or 3
// (C, H, W)). wa, if not nil, writes the same destination by offset
// (offset 0 where w starts).
func NewRowWriter(w io.Writer, wa io.WriterAt, shape []int) (*RowWriter, error) {
	rw := &RowWriter{out: w, wa: wa}
	var ok bool
	if rw.c, rw.h, rw.w, ok = CHW(shape); !ok {
		return nil, fmt.Errorf("npy: rank %d is not written row by row", len(shape))
	}
	if rw.c > 1 && wa == nil {
		return nil, errors.New("npy: a multi-channel stream is not written row by row")
	}
	hdr := Header(shape)
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	rw.off = int64(len(hdr))
	rw.buf = make([]byte, 4*rw.w)
	return rw, nil
}

// WriteRow writes the next row of every channel (C·W values).
func (rw *RowWriter) WriteRow(row []float32) error {
	if rw.y >= rw.h {
		return errors.New("npy: more rows than the shape holds")
	}
	for c := range rw.c {
		for x, v := range row[c*rw.w : (c+1)*rw.w] {
			binary.LittleEndian.PutUint32(rw.buf[4*x:], math.Float32bits(v))
		}
		var err error
		if rw.c == 1 {
			_, err = rw.out.Write(rw.buf)
		} else {
			_, err = rw.wa.WriteAt(rw.buf, rw.off+int64(c*rw.h+rw.y)*int64(4*rw.w))
		}
		if err != nil {
			return err
		}
	}
	rw.y++
	return nil
}

// Close checks that every row was written.
func (rw *RowWriter) Close() error {
	if rw.y != rw.h {
		return fmt.Errorf("npy: %d rows written of %d", rw.y, rw.h)
	}
	return nil
}

package textmat

import (
	"errors"
	"fmt"
	"io"
)

// RowReader reads a one-channel text matrix from a file row by row, in
// two passes: the first checks the whole file as ReadText does and counts
// its rows (a filter must know the height before the first row), the
// second hands the rows out. Memory is one row, however long the file.
type RowReader struct {
	// Rows, Cols is the matrix's shape.
	Rows, Cols int

	lr  *lineReader
	row []float32
	y   int
}

// ErrChannels is returned by NewRowReader for a file of several blocks
// (channels): they follow one another, so rows of every channel cannot be
// read together from one pass.
var ErrChannels = errors.New("textmat: several channels are not read row by row")

// NewRowReader checks r (which must be at its start) and leaves it ready
// for ReadRow. Errors are ReadText's for the same file.
func NewRowReader(r io.ReadSeeker) (*RowReader, error) {
	// Pass 1 reads at most one row at a time into a reused buffer.
	m, err := scanText(r)
	if err != nil {
		return nil, err
	}
	if m.C != 1 {
		return nil, ErrChannels
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return &RowReader{Rows: m.Rows, Cols: m.Cols, lr: newLineReader(r), row: make([]float32, 0, m.Cols)}, nil
}

// ReadRow reads the next row into dst (Cols values).
func (rr *RowReader) ReadRow(dst []float32) error {
	if rr.y >= rr.Rows {
		return errors.New("read past the last row")
	}
	for {
		line, _, ok, err := rr.lr.next()
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the file ended at row %d of %d (changed while read?)", rr.y, rr.Rows)
		}
		if line == "" {
			continue
		}
		row, n, err := parseRow(rr.row[:0], line, rr.lr.n)
		if err != nil {
			return err
		}
		if n != rr.Cols {
			return fmt.Errorf("line %d: %d values, want %d (changed while read?)", rr.lr.n, n, rr.Cols)
		}
		copy(dst, row)
		rr.y++
		return nil
	}
}

// scanText is ReadText without keeping the values: the shape, and
// ReadText's errors.
func scanText(r io.Reader) (*Matrix, error) {
	m, err := readText(r, true)
	if err != nil {
		return nil, err
	}
	return m, nil
}

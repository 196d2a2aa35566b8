package textmat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Matrix is C channels of Rows×Cols float32 values, channel by channel,
// each row by row. Scale and Offset come from (or go to) a .mat header;
// HasScale says the header had them.
type Matrix struct {
	C, Rows, Cols int
	Data          []float32
	Scale, Offset float64
	HasScale      bool
}

// maxLine bounds one line of text (a row of a wide matrix).
const maxLine = 256 << 20

// lineReader yields lines with their 1-based numbers, comments and
// surrounding space removed.
type lineReader struct {
	sc *bufio.Scanner
	n  int
}

func newLineReader(r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	return &lineReader{sc: sc}
}

// next returns the next line; comment-only lines come back with
// comment=true so that they do not count as blank.
func (l *lineReader) next() (line string, comment, ok bool, err error) {
	if !l.sc.Scan() {
		if err := l.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", false, false, fmt.Errorf("line %d: longer than %d bytes", l.n+1, maxLine)
			}
			return "", false, false, err
		}
		return "", false, false, nil
	}
	l.n++
	s := l.sc.Text()
	if l.n == 1 {
		s = strings.TrimPrefix(s, "\ufeff")
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		comment = strings.TrimSpace(s[:i]) == ""
		s = s[:i]
	}
	return strings.TrimSpace(s), comment, true, nil
}

// parseRow appends the numbers of one line to dst. Separators are runs of
// spaces and tabs, optionally with one comma or semicolon among them; a
// trailing comma is allowed, an empty field between two is not.
func parseRow(dst []float32, s string, line int) ([]float32, int, error) {
	n := 0
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && !isSep(s[j]) {
			j++
		}
		if j == i {
			return dst, n, fmt.Errorf("line %d: empty field at column %d", line, i+1)
		}
		v, err := parseNumber(s[i:j])
		if err == errRange {
			return dst, n, fmt.Errorf("line %d: %s %v", line, s[i:j], err)
		}
		if err != nil {
			return dst, n, fmt.Errorf("line %d: %q is not a number", line, s[i:j])
		}
		dst = append(dst, v)
		n++
		// Skip one separator: blanks, at most one ',' or ';', blanks.
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && (s[j] == ',' || s[j] == ';') {
			j++
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
		}
		i = j
	}
	return dst, n, nil
}

func isSep(c byte) bool { return c == ' ' || c == '\t' || c == ',' || c == ';' }

// errRange is a finite number written in the text that float32 cannot
// hold (1e39, 1e400): refused rather than turned into an infinity nobody
// wrote. NaN and ±Inf written as such ('nan', 'inf') are data and kept.
var errRange = errors.New("is beyond float32's range (±3.4e38)")

// parseNumber reads a float as float32, accepting numpy's 'nan', 'inf',
// '-inf' (and Go's and C's spellings, any case). Parsing straight to
// float32 rounds once, so the shortest float32 text reads back exactly;
// tiny values round to 0 as in numpy.
func parseNumber(s string) (float32, error) {
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, errRange
		}
		return 0, err
	}
	return float32(v), nil
}

// ReadText reads a CSV or whitespace-separated matrix. Blank lines split it
// into channels, which must all have the same shape; comment lines ('#')
// are ignored and do not split. Ragged rows are an error naming the line.
func ReadText(r io.Reader) (*Matrix, error) {
	return readText(r, false)
}

// readText is ReadText; with countOnly the values are parsed and checked
// but not kept (Data stays nil).
func readText(r io.Reader, countOnly bool) (*Matrix, error) {
	lr := newLineReader(r)
	m := &Matrix{}
	var data []float32
	rows := 0         // rows in the current block
	blockStart := 0   // line where the current block started
	firstRowLine := 0 // line that fixed the column count
	for {
		line, comment, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if ok && line == "" && comment {
			continue
		}
		if !ok || line == "" {
			if rows > 0 {
				if m.C == 0 {
					m.Rows = rows
				} else if rows != m.Rows {
					return nil, fmt.Errorf("line %d: block %d has %d rows, block 1 has %d (every channel must have the same shape)", blockStart, m.C+1, rows, m.Rows)
				}
				m.C++
				rows = 0
			}
			if !ok {
				break
			}
			continue
		}
		var n int
		if countOnly {
			data = data[:0]
		}
		data, n, err = parseRow(data, line, lr.n)
		if err != nil {
			return nil, err
		}
		if m.Cols == 0 {
			m.Cols, firstRowLine = n, lr.n
		} else if n != m.Cols {
			return nil, fmt.Errorf("line %d: %d values, but line %d has %d (ragged rows)", lr.n, n, firstRowLine, m.Cols)
		}
		if rows == 0 {
			blockStart = lr.n
		}
		rows++
	}
	if m.C == 0 {
		return nil, errors.New("no numbers found")
	}
	if !countOnly {
		m.Data = data
	}
	return m, nil
}

// formatValue prints v as the shortest text that reads back as the same
// float32, with numpy's spellings of the special values.
func formatValue(b []byte, v float32) []byte {
	switch {
	case v != v:
		return append(b, "nan"...)
	case math.IsInf(float64(v), 1):
		return append(b, "inf"...)
	case math.IsInf(float64(v), -1):
		return append(b, "-inf"...)
	}
	return strconv.AppendFloat(b, float64(v), 'g', -1, 32)
}

func check(m *Matrix) error {
	if m.C < 0 || m.Rows < 0 || m.Cols < 0 || m.C*m.Rows*m.Cols != len(m.Data) {
		return fmt.Errorf("textmat: %d values do not fill %d×%d×%d", len(m.Data), m.C, m.Rows, m.Cols)
	}
	return nil
}

// writeRows prints the rows of one channel.
func writeRows(w *bufio.Writer, plane []float32, cols int, sep string) {
	var b []byte
	for r := 0; r*cols < len(plane); r++ {
		b = AppendRow(b[:0], plane[r*cols:(r+1)*cols], sep)
		w.Write(b)
	}
}

// AppendRow appends one row as WriteText prints it (values separated by
// sep, a newline at the end) to b: a one-channel matrix written row by
// row is the same text.
func AppendRow(b []byte, row []float32, sep string) []byte {
	for i, v := range row {
		if i > 0 {
			b = append(b, sep...)
		}
		b = formatValue(b, v)
	}
	return append(b, '\n')
}

// WriteText prints m with sep between values ("," for .csv, " " for .txt),
// one row a line, channels as blocks separated by one blank line. Values
// are printed so that they read back exactly.
func WriteText(w io.Writer, m *Matrix, sep string) error {
	if err := check(m); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	n := m.Rows * m.Cols
	for c := 0; c < m.C; c++ {
		if c > 0 {
			bw.WriteByte('\n')
		}
		writeRows(bw, m.Data[c*n:(c+1)*n], m.Cols, sep)
	}
	return bw.Flush()
}

// ReadMat reads a libvips matrix file. Like vips it accepts "2.0" as a
// size, CRLF line ends and '#' comments after the numbers; unlike vips it
// also accepts commas and semicolons between values, blank lines between
// rows, a zero scale (convtool treats it as 1) and nan/inf, and it refuses
// rows with more values than the width (vips ignores the extra ones), so
// that a mistyped matrix is an error rather than a silent surprise.
func ReadMat(r io.Reader) (*Matrix, error) {
	lr := newLineReader(r)
	var hdr string
	for {
		line, _, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errors.New("empty matrix file: want a first line 'width height [scale offset]'")
		}
		if line != "" {
			hdr = line
			break
		}
	}
	f := strings.FieldsFunc(hdr, func(r rune) bool { return r < 128 && isSep(byte(r)) })
	if len(f) != 2 && len(f) != 4 {
		return nil, fmt.Errorf("line %d: header %q is not 'width height [scale offset]'", lr.n, hdr)
	}
	var dims [2]int
	for i := range dims {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil || v != math.Trunc(v) || v < 1 || v > 1<<30 {
			return nil, fmt.Errorf("line %d: %q is not a valid matrix size", lr.n, f[i])
		}
		dims[i] = int(v)
	}
	m := &Matrix{C: 1, Cols: dims[0], Rows: dims[1], Scale: 1}
	if len(f) == 4 {
		var err error
		// Scale and offset are parameters, not data: they must be finite.
		if m.Scale, err = strconv.ParseFloat(f[2], 64); err != nil || math.IsNaN(m.Scale) || math.IsInf(m.Scale, 0) {
			return nil, fmt.Errorf("line %d: scale %q is not a finite number", lr.n, f[2])
		}
		if m.Offset, err = strconv.ParseFloat(f[3], 64); err != nil || math.IsNaN(m.Offset) || math.IsInf(m.Offset, 0) {
			return nil, fmt.Errorf("line %d: offset %q is not a finite number", lr.n, f[3])
		}
		m.HasScale = true
	}
	if int64(m.Rows)*int64(m.Cols) > 1<<28 {
		return nil, fmt.Errorf("line 1: %d×%d is too large for a matrix file", m.Cols, m.Rows)
	}
	data := make([]float32, 0, min(m.Rows*m.Cols, 1<<20))
	rows := 0
	for {
		line, _, ok, err := lr.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if line == "" {
			continue
		}
		if rows == m.Rows {
			return nil, fmt.Errorf("line %d: more than the %d rows the header promises", lr.n, m.Rows)
		}
		var n int
		data, n, err = parseRow(data, line, lr.n)
		if err != nil {
			return nil, err
		}
		if n != m.Cols {
			return nil, fmt.Errorf("line %d: %d values, but the header says width %d", lr.n, n, m.Cols)
		}
		rows++
	}
	if rows != m.Rows {
		return nil, fmt.Errorf("line %d: %d rows, but the header says height %d", lr.n, rows, m.Rows)
	}
	m.Data = data
	return m, nil
}

// WriteMat prints m, which must have one channel, as a libvips matrix.
// The header carries scale and offset when m.HasScale is set.
func WriteMat(w io.Writer, m *Matrix) error {
	if err := check(m); err != nil {
		return err
	}
	if m.C != 1 {
		return fmt.Errorf("a .mat file holds one channel, not %d", m.C)
	}
	if m.Rows == 0 || m.Cols == 0 {
		return fmt.Errorf("a .mat file cannot hold an empty %d×%d matrix", m.Cols, m.Rows)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "%d %d", m.Cols, m.Rows)
	if m.HasScale {
		fmt.Fprintf(bw, " %s %s", strconv.FormatFloat(m.Scale, 'g', -1, 64), strconv.FormatFloat(m.Offset, 'g', -1, 64))
	}
	bw.WriteByte('\n')
	writeRows(bw, m.Data, m.Cols, " ")
	return bw.Flush()
}

package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Magic is the first six bytes of every .npy file.
const Magic = "\x93NUMPY"

// MaxRank is the largest number of dimensions Read accepts (numpy's own
// limit before 2.0).
const MaxRank = 32

// Array is an n-dimensional array of float32 in C (row-major) order.
// A 0-D array (a numpy scalar) has an empty Shape and one value.
type Array struct {
	Shape []int
	Data  []float32
}

// Len is the number of elements the shape holds (1 for a 0-D array).
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// dtype is a parsed 'descr' field.
type dtype struct {
	order binary.ByteOrder
	kind  byte // 'f', 'i', 'u', 'b'
	size  int  // bytes per element
}

// Read decodes one .npy array from r. size is the number of bytes r holds
// from its current position, or -1 if unknown; with a known size a header
// that claims more data than that is refused before anything is allocated,
// and with an unknown size memory grows only as data actually arrives.
func Read(r io.Reader, size int64) (*Array, error) { return ReadChecked(r, size, nil) }

// ReadChecked is Read with a check of the header's shape: check (if not
// nil) sees the shape before any data is read or allocated, and its error
// ends the read. Limits that depend on the shape (a plane's size, the work
// it would cost) are applied there.
func ReadChecked(r io.Reader, size int64, check func(shape []int) error) (*Array, error) {
	br := bufio.NewReader(r)
	h, err := readHeader(br, size)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(h.Shape); err != nil {
			return nil, err
		}
	}
	data, err := readData(br, h.dt, h.n, size >= 0)
	if err != nil {
		return nil, err
	}
	return &Array{Shape: h.Shape, Data: data}, nil
}

// npyHeader is what a .npy header says, checked.
type npyHeader struct {
	Shape []int
	dt    dtype
	n     int64 // elements
	off   int64 // bytes before the data
}

// readHeader reads and checks the header: C order, a shape whose data fits
// size (when known, >= 0).
func readHeader(br io.Reader, size int64) (*npyHeader, error) {
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, errors.New("not a .npy file: too short")
	}
	if string(pre[:6]) != Magic {
		return nil, errors.New("not a .npy file: bad magic bytes")
	}
	major, minor := pre[6], pre[7]
	var hlen int64
	prefix := int64(10)
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, errors.New("malformed .npy header: truncated header length")
		}
		hlen = int64(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, errors.New("malformed .npy header: truncated header length")
		}
		hlen = int64(binary.LittleEndian.Uint32(b[:]))
		prefix = 12
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d", major, minor)
	}
	// A real header is a short dict; refuse absurd lengths rather than
	// allocate them.
	const maxHeader = 1 << 20
	if hlen > maxHeader || (size >= 0 && prefix+hlen > size) {
		return nil, fmt.Errorf("malformed .npy header: header length %d is larger than the file", hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, errors.New("malformed .npy header: truncated header")
	}
	dt, fortran, shape, err := parseHeader(string(hdr))
	if err != nil {
		return nil, fmt.Errorf("malformed .npy header: %v", err)
	}
	if fortran {
		return nil, errors.New("fortran_order arrays are not supported: save a C-order array (numpy.ascontiguousarray)")
	}
	n := int64(1)
	for _, d := range shape {
		if d != 0 && n > math.MaxInt64/int64(d) {
			return nil, fmt.Errorf("shape %s has too many elements", ShapeText(shape))
		}
		n *= int64(d)
	}
	if n > math.MaxInt64/int64(dt.size) || n > int64(math.MaxInt)/4 {
		return nil, fmt.Errorf("shape %s has too many elements", ShapeText(shape))
	}
	need := n * int64(dt.size)
	if size >= 0 && need > size-prefix-hlen {
		return nil, fmt.Errorf("shape %s needs %d bytes of data but the file holds %d", ShapeText(shape), need, size-prefix-hlen)
	}
	return &npyHeader{Shape: shape, dt: dt, n: n, off: prefix + hlen}, nil
}

// readData decodes n elements of dt. When the size was checked the whole
// destination is allocated at once; otherwise it grows chunk by chunk so a
// lying header costs only the bytes that really arrived.
func readData(r io.Reader, dt dtype, n int64, sized bool) ([]float32, error) {
	const chunk = 1 << 16 // elements per read
	var data []float32
	if sized {
		data = make([]float32, 0, n)
	}
	buf := make([]byte, chunk*dt.size)
	for done := int64(0); done < n; {
		m := min(n-done, chunk)
		b := buf[:m*int64(dt.size)]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("truncated .npy data: %d of %d elements present", done, n)
		}
		var err error
		if data, err = decode(data, b, dt); err != nil {
			return nil, err
		}
		done += m
	}
	if data == nil {
		data = []float32{}
	}
	return data, nil
}

// decode appends the elements in b to dst as float32. A finite float64
// beyond float32's range is an error rather than a silent infinity (NaN and
// ±Inf stored as such are data and pass through).
func decode(dst []float32, b []byte, dt dtype) ([]float32, error) {
	return decodeAt(dst, b, dt, 0)
}

// decodeAt is decode for data that starts at element base+len(dst) of the
// array (a row read on its own), so that errors name the element as the
// whole array's.
func decodeAt(dst []float32, b []byte, dt dtype, base int64) ([]float32, error) {
	o := dt.order
	switch {
	case dt.kind == 'f' && dt.size == 4:
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, math.Float32frombits(o.Uint32(b[i:])))
		}
	case dt.kind == 'f' && dt.size == 8:
		for i := 0; i < len(b); i += 8 {
			v := math.Float64frombits(o.Uint64(b[i:]))
			f := float32(v)
			if math.IsInf(float64(f), 0) && !math.IsInf(v, 0) {
				return dst, fmt.Errorf("float64 value %g at element %d is beyond float32's range (±3.4e38)", v, base+int64(len(dst)))
			}
			dst = append(dst, f)
		}
	case dt.kind == 'f' && dt.size == 2:
		for i := 0; i < len(b); i += 2 {
			dst = append(dst, halfToFloat32(o.Uint16(b[i:])))
		}
	case dt.kind == 'b' || (dt.kind == 'u' && dt.size == 1):
		for _, v := range b {
			dst = append(dst, float32(v))
		}
	case dt.kind == 'i' && dt.size == 1:
		for _, v := range b {
			dst = append(dst, float32(int8(v)))
		}
	case dt.kind == 'u' && dt.size == 2:
		for i := 0; i < len(b); i += 2 {
			dst = append(dst, float32(o.Uint16(b[i:])))
		}
	case dt.kind == 'i' && dt.size == 2:
		for i := 0; i < len(b); i += 2 {
			dst = append(dst, float32(int16(o.Uint16(b[i:]))))
		}
	case dt.kind == 'u' && dt.size == 4:
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, float32(o.Uint32(b[i:])))
		}
	case dt.kind == 'i' && dt.size == 4:
		for i := 0; i < len(b); i += 4 {
			dst = append(dst, float32(int32(o.Uint32(b[i:]))))
		}
	case dt.kind == 'u' && dt.size == 8:
		for i := 0; i < len(b); i += 8 {
			dst = append(dst, float32(o.Uint64(b[i:])))
		}
	case dt.kind == 'i' && dt.size == 8:
		for i := 0; i < len(b); i += 8 {
			dst = append(dst, float32(int64(o.Uint64(b[i:]))))
		}
	}
	return dst, nil
}

// halfToFloat32 converts an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal half: frac * 2^-24, exact in float32.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

// parseHeader reads the Python dict literal numpy writes, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(h string) (dt dtype, fortran bool, shape []int, err error) {
	p := &parser{s: strings.TrimRight(h, " \t\r\n\x00")}
	if !p.eat('{') {
		return dt, false, nil, errors.New("header is not a dict")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return dt, false, nil, fmt.Errorf("expected a quoted key at offset %d", p.i)
		}
		p.space()
		if !p.eat(':') {
			return dt, false, nil, fmt.Errorf("expected ':' after %q", key)
		}
		p.space()
		switch key {
		case "descr":
			d, ok := p.str()
			if !ok {
				return dt, false, nil, errors.New("descr is not a simple dtype string (structured arrays are not supported)")
			}
			if dt, err = parseDescr(d); err != nil {
				return dt, false, nil, err
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				fortran = true
			case p.word("False"):
				fortran = false
			default:
				return dt, false, nil, errors.New("fortran_order is not True or False")
			}
		case "shape":
			if shape, err = p.tuple(); err != nil {
				return dt, false, nil, err
			}
		default:
			return dt, false, nil, fmt.Errorf("unexpected key %q", key)
		}
		seen[key] = true
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat('}') {
				return dt, false, nil, fmt.Errorf("expected ',' or '}' at offset %d", p.i)
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return dt, false, nil, errors.New("trailing characters after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return dt, false, nil, fmt.Errorf("missing key %q", k)
		}
	}
	return dt, fortran, shape, nil
}

// parseDescr understands numpy's simple type strings such as '<f4', '|u1'.
func parseDescr(d string) (dtype, error) {
	bad := fmt.Errorf("unsupported dtype %q (want float, int, uint or bool)", d)
	if len(d) < 3 {
		return dtype{}, bad
	}
	var dt dtype
	switch d[0] {
	case '<', '|', '=':
		dt.order = binary.LittleEndian
	case '>':
		dt.order = binary.BigEndian
	default:
		return dtype{}, bad
	}
	dt.kind = d[1]
	size, err := strconv.Atoi(d[2:])
	if err != nil {
		return dtype{}, bad
	}
	dt.size = size
	ok := false
	switch dt.kind {
	case 'f':
		ok = size == 2 || size == 4 || size == 8
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'b':
		ok = size == 1
	}
	if !ok {
		return dtype{}, bad
	}
	return dt, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a single- or double-quoted string without escapes.
func (p *parser) str() (string, bool) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, true
}

// tuple reads a shape such as (), (3,) or (2, 3).
func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape is not a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			return shape, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, fmt.Errorf("shape has a non-integer entry at offset %d", p.i)
		}
		d, err := strconv.ParseInt(p.s[p.i:j], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("shape entry %s is too large", p.s[p.i:j])
		}
		p.i = j
		// Python ints may carry a legacy 'L' suffix.
		p.eat('L')
		shape = append(shape, int(d))
		if len(shape) > MaxRank {
			return nil, fmt.Errorf("shape has more than %d dimensions", MaxRank)
		}
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat(')') {
				return nil, errors.New("shape tuple is not closed")
			}
			return shape, nil
		}
	}
}

// ShapeText writes a shape as numpy prints it: (0, 4, 4), or (5,) for
// one dimension.
func ShapeText(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.Itoa(d)
	}
	if len(s) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Header returns the version 1.0 header numpy writes for a little-endian
// float32 C-order array of the given shape, padded with spaces and a final
// newline so that the data starts at a multiple of 64 bytes.
func Header(shape []int) []byte {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", ShapeText(shape))
	var b bytes.Buffer
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	b.WriteString(Magic)
	b.Write([]byte{1, 0})
	hl := len(dict) + pad + 1
	b.Write([]byte{byte(hl), byte(hl >> 8)})
	b.WriteString(dict)
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteByte('\n')
	return b.Bytes()
}

// Write encodes a as a version 1.0 .npy file of little-endian float32 in C
// order. It fails if the shape does not match the data.
func Write(w io.Writer, a *Array) error {
	for _, d := range a.Shape {
		if d < 0 {
			return fmt.Errorf("npy: negative dimension in shape %s", ShapeText(a.Shape))
		}
	}
	if a.Len() != len(a.Data) {
		return fmt.Errorf("npy: shape %s holds %d values, not %d", ShapeText(a.Shape), a.Len(), len(a.Data))
	}
	hdr := Header(a.Shape)
	if len(hdr)-10 > math.MaxUint16 {
		return fmt.Errorf("npy: shape %s makes a header too long for format 1.0", ShapeText(a.Shape))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	const chunk = 1 << 14
	buf := make([]byte, 4*chunk)
	for i := 0; i < len(a.Data); i += chunk {
		part := a.Data[i:min(i+chunk, len(a.Data))]
		for j, v := range part {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*len(part)]); err != nil {
			return err
		}
	}
	return nil
}

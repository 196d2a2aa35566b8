package tensorio

import (
	"errors"
	"fmt"
	"io"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/textmat"
)

// Array is a numeric file's values in the shape they were stored: a .npy
// of any rank (a 4-D kernel bank included, which Read refuses as an
// input), or a text or .mat matrix as (rows, cols), or (blocks, rows, cols)
// when blank lines separate several.
type Array struct {
	Shape []int
	Data  []float32
	// Scale and Offset come from a .mat header; HasScale says one was given.
	Scale, Offset float64
	HasScale      bool
}

// DecodeArray reads the numeric format ("npy", "csv", "txt" or "mat") from
// r. size is r's length in bytes, against which a .npy header is checked
// before allocating (-1: unknown). It is the one dispatch over the numeric
// formats: Read and kernel files both go through it. Errors do not name
// the file: the caller does.
func DecodeArray(r io.Reader, size int64, format string) (*Array, error) {
	return decodeArray(r, size, format, nil)
}

// decodeArray is DecodeArray with a check of a .npy's shape before its
// data is read (ReadOptions.Check).
func decodeArray(r io.Reader, size int64, format string, check func(Header) error) (*Array, error) {
	switch KindOf(format) {
	case KindNPY:
		var shapeCheck func([]int) error
		if check != nil {
			shapeCheck = func(s []int) error {
				h := Header{Format: "npy"}
				var ok bool
				if h.C, h.H, h.W, ok = npy.CHW(s); !ok {
					return nil // not an input: data() says so
				}
				if h.C < 1 || h.H < 1 || h.W < 1 {
					return nil // empty: data() says so
				}
				return check(h)
			}
		}
		a, err := npy.ReadChecked(r, size, shapeCheck)
		if err != nil {
			return nil, err
		}
		return &Array{Shape: a.Shape, Data: a.Data}, nil
	case KindMat:
		m, err := textmat.ReadMat(r)
		if err != nil {
			return nil, err
		}
		return arrayOf(m), nil
	case KindText:
		m, err := textmat.ReadText(r)
		if err != nil {
			return nil, err
		}
		return arrayOf(m), nil
	}
	return nil, fmt.Errorf("%s is an image format, not a numeric one", format)
}

// arrayOf shapes a text or .mat matrix: (rows, cols), or (blocks, rows,
// cols) for several blocks.
func arrayOf(m *textmat.Matrix) *Array {
	shape := []int{m.Rows, m.Cols}
	if m.C > 1 {
		shape = []int{m.C, m.Rows, m.Cols}
	}
	return &Array{Shape: shape, Data: m.Data, Scale: m.Scale, Offset: m.Offset, HasScale: m.HasScale}
}

// data views a as an input tensor in format: 1-D as (1, 1, N), 2-D as
// (1, H, W), 3-D as (C, H, W), the rank kept for writing back.
func (a *Array) data(format string) (*Data, error) {
	s := a.Shape
	for _, n := range s {
		if n == 0 {
			// Nothing to convolve, pool or transform: an empty result
			// written with exit 0 would hide the mistake.
			return nil, fmt.Errorf("shape %s holds no values (a dimension is 0)", npy.ShapeText(s))
		}
	}
	var t *tensor.Tensor
	switch len(s) {
	case 0:
		return nil, errors.New("0-D array (a scalar): want a 1-D, 2-D (H,W) or 3-D (C,H,W) array")
	case 1:
		t = &tensor.Tensor{C: 1, H: 1, W: s[0], Data: a.Data}
	case 2:
		t = &tensor.Tensor{C: 1, H: s[0], W: s[1], Data: a.Data}
	case 3:
		t = &tensor.Tensor{C: s[0], H: s[1], W: s[2], Data: a.Data}
	case 4:
		return nil, fmt.Errorf("4-D array %v: use it as a kernel (-k) not an input", s)
	default:
		return nil, fmt.Errorf("%d-D array: want a 1-D, 2-D (H,W) or 3-D (C,H,W) array", len(s))
	}
	return &Data{T: t, Format: format, Rank: len(s), Scale: a.Scale, Offset: a.Offset, HasScale: a.HasScale}, nil
}

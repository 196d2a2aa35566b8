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
	switch KindOf(format) {
	case KindNPY:
		a, err := npy.Read(r, size)
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

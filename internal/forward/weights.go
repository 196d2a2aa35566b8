package forward

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/convtool/convtool/internal/npy"
)

// Weights maps state_dict names to arrays (row-major float32).
type Weights map[string]*npy.Array

// maxHeader bounds a safetensors JSON header; the format's own reference
// implementation refuses headers over 100 MB.
const maxHeader = 100 << 20

// ReadWeights loads a safetensors (.safetensors) or NumPy (.npz) file,
// choosing by the file's first bytes (a zip archive is npz, anything else
// is tried as safetensors). Errors name the path.
func ReadWeights(path string) (Weights, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w Weights
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")) {
		w, err = decodeNPZ(b)
	} else {
		w, err = DecodeSafetensors(b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// stEntry is one tensor of a safetensors header.
type stEntry struct {
	DType   string  `json:"dtype"`
	Shape   []int   `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// dtypeSize is the byte width of each safetensors dtype convtool reads.
var dtypeSize = map[string]int{
	"F64": 8, "F32": 4, "F16": 2, "BF16": 2,
	"I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
}

// DecodeSafetensors parses a whole safetensors file held in b. The header
// is checked (length, JSON, dtypes, shapes, offsets inside the data and
// matching the shape) before any tensor is converted.
func DecodeSafetensors(b []byte) (Weights, error) {
	if len(b) < 8 {
		return nil, errors.New("not a safetensors file: shorter than its 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(b)
	if n > maxHeader || n > uint64(len(b)-8) {
		return nil, fmt.Errorf("not a safetensors file: header length %d does not fit the %d-byte file", n, len(b))
	}
	hdr := b[8 : 8+n]
	data := b[8+n:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &raw); err != nil {
		return nil, fmt.Errorf("not a safetensors file: header is not a JSON object: %v", err)
	}
	w := Weights{}
	for _, name := range sortedKeys(raw) {
		if name == "__metadata__" {
			continue
		}
		var e stEntry
		if err := json.Unmarshal(raw[name], &e); err != nil {
			return nil, fmt.Errorf("tensor %q: %v", name, err)
		}
		size, ok := dtypeSize[e.DType]
		if !ok {
			return nil, fmt.Errorf("tensor %q: dtype %q is not one of F32, F16, BF16, F64 (or an integer type)", name, e.DType)
		}
		count, err := elements(e.Shape)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %v", name, err)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || e.Offsets[1] > int64(len(data)) {
			return nil, fmt.Errorf("tensor %q: data_offsets %v lie outside the %d data bytes", name, e.Offsets, len(data))
		}
		if e.Offsets[1]-e.Offsets[0] != int64(count)*int64(size) {
			return nil, fmt.Errorf("tensor %q: %d bytes for shape %v of %s (want %d)", name, e.Offsets[1]-e.Offsets[0], e.Shape, e.DType, int64(count)*int64(size))
		}
		w[name] = &npy.Array{Shape: append([]int{}, e.Shape...), Data: convert(data[e.Offsets[0]:e.Offsets[1]], e.DType, count)}
	}
	return w, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// elements is the product of shape, refusing negatives and overflow.
func elements(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d > 0 && n > math.MaxInt32/d {
			return 0, fmt.Errorf("shape %v holds too many values", shape)
		}
		n *= d
	}
	return n, nil
}

// convert turns count little-endian values of dtype into float32.
func convert(b []byte, dtype string, count int) []float32 {
	out := make([]float32, count)
	le := binary.LittleEndian
	for i := range out {
		switch dtype {
		case "F32":
			out[i] = math.Float32frombits(le.Uint32(b[4*i:]))
		case "F64":
			out[i] = float32(math.Float64frombits(le.Uint64(b[8*i:])))
		case "F16":
			out[i] = half(le.Uint16(b[2*i:]))
		case "BF16":
			out[i] = math.Float32frombits(uint32(le.Uint16(b[2*i:])) << 16)
		case "I64":
			out[i] = float32(int64(le.Uint64(b[8*i:])))
		case "I32":
			out[i] = float32(int32(le.Uint32(b[4*i:])))
		case "I16":
			out[i] = float32(int16(le.Uint16(b[2*i:])))
		case "I8":
			out[i] = float32(int8(b[i]))
		case "U8", "BOOL":
			out[i] = float32(b[i])
		}
	}
	return out
}

// half converts an IEEE 754 binary16 value to float32 exactly.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // inf, nan
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac·2^−24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | uint32(exp-15+127)<<23 | frac<<13)
}

// decodeNPZ reads every .npy member of a zip archive, keyed by its name
// without the extension (numpy.savez's layout).
func decodeNPZ(b []byte) (Weights, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("not an npz archive: %v", err)
	}
	w := Weights{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if name == f.Name || strings.HasSuffix(f.Name, "/") {
			continue
		}
		a, err := readMember(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		w[filepath.ToSlash(name)] = a
	}
	return w, nil
}

func readMember(f *zip.File) (*npy.Array, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	size := int64(-1)
	if f.UncompressedSize64 < math.MaxInt64 {
		size = int64(f.UncompressedSize64)
	}
	return npy.Read(io.LimitReader(rc, max(size, 0)), size)
}

package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/textmat"
)

// loadFile reads a kernel file by its extension: .npy (2-D → Kernel, 4-D
// → Bank), .csv/.txt (one matrix), .mat (libvips, scale and offset kept).
// Files are not held to MaxSize: they are data the user made on purpose.
func loadFile(path string) (*Kernel, *Bank, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !kernelExts[ext] {
		return nil, nil, fmt.Errorf("a kernel file must be .npy, .csv, .txt or .mat, not %q", ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	switch ext {
	case ".npy":
		size := int64(-1)
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		a, err := npy.Read(f, size)
		if err != nil {
			return nil, nil, err
		}
		switch len(a.Shape) {
		case 2:
			return &Kernel{H: a.Shape[0], W: a.Shape[1], Data: a.Data}, nil, nil
		case 4:
			return nil, &Bank{N0: a.Shape[0], N1: a.Shape[1], KH: a.Shape[2], KW: a.Shape[3], Data: a.Data}, nil
		default:
			return nil, nil, fmt.Errorf("a kernel .npy must be 2-D (H, W) or 4-D (C_out, C_in/groups, KH, KW), this one is %d-D %v", len(a.Shape), a.Shape)
		}
	case ".mat":
		m, err := textmat.ReadMat(f)
		if err != nil {
			return nil, nil, err
		}
		k, err := fromMatrix(m)
		if err != nil {
			return nil, nil, err
		}
		k.Scale, k.Offset, k.HasScale = m.Scale, m.Offset, m.HasScale
		k.Form = FormVips
		return k, nil, nil
	default:
		m, err := textmat.ReadText(f)
		if err != nil {
			return nil, nil, err
		}
		k, err := fromMatrix(m)
		return k, nil, err
	}
}

func fromMatrix(m *textmat.Matrix) (*Kernel, error) {
	if m.C != 1 {
		return nil, fmt.Errorf("a kernel file holds one matrix, this one has %d blocks separated by blank lines", m.C)
	}
	return &Kernel{H: m.Rows, W: m.Cols, Data: m.Data}, nil
}

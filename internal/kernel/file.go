package kernel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/convtool/convtool/internal/tensorio"
)

// loadFile reads a kernel file by its extension, through tensorio's one
// dispatch over the numeric formats: .npy (2-D → Kernel, 4-D → Bank),
// .csv/.txt (one matrix), .mat (libvips, scale and offset kept). Files are
// not held to MaxSize: they are data the user made on purpose.
func loadFile(path string) (*Kernel, *Bank, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !kernelExts[ext] {
		return nil, nil, fmt.Errorf("a kernel file must be .npy, .csv, .txt or .mat, not %q", ext)
	}
	format, err := tensorio.FormatOf(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	a, err := tensorio.DecodeArray(f, size, format)
	if err != nil {
		return nil, nil, err
	}
	s := a.Shape
	switch {
	case format == "npy" && len(s) == 4:
		return nil, &Bank{N0: s[0], N1: s[1], KH: s[2], KW: s[3], Data: a.Data}, nil
	case format == "npy" && len(s) != 2:
		return nil, nil, fmt.Errorf("a kernel .npy must be 2-D (H, W) or 4-D (C_out, C_in/groups, KH, KW), this one is %d-D %v", len(s), s)
	case len(s) == 3:
		return nil, nil, fmt.Errorf("a kernel file holds one matrix, this one has %d blocks separated by blank lines", s[0])
	}
	k := &Kernel{H: s[0], W: s[1], Data: a.Data, Scale: a.Scale, Offset: a.Offset, HasScale: a.HasScale}
	if format == "mat" {
		k.Form = FormVips // anchored as vips conv anchors it
	}
	return k, nil, nil
}

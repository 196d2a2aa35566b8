package tensorio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/convtool/convtool/internal/img"
	"github.com/convtool/convtool/internal/npy"
	"github.com/convtool/convtool/internal/textmat"
)

// Write stores d at path ("-" for stdout) in the format given by
// o.Format, else by path's extension, else d.Format. A file is written to
// a temporary file in the same directory, synced, given the mode of the
// file it replaces (a new file gets 0666 less the umask, as from any
// program) and renamed over path; on any error the temporary file is
// removed and an existing path is left as it was. A symbolic link is kept
// and its target replaced; a dangling link is written through (its target
// is created, as the shell's > does); a loop of links is an error.
// Errors name the path ("stdout" for "-") and wrap the underlying error,
// so errors.Is(err, syscall.EPIPE) reports a reader that went away.
func Write(path string, d *Data, o WriteOptions) error {
	name := path
	if path == "-" {
		name = "stdout"
	}
	format := normalize(o.Format)
	if format == "" && !IsStream(path) {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			return fmt.Errorf("%s: is a directory", name)
		}
		// Guessing would write, say, .npy bytes into out.xyz.
		var err error
		if format, err = FormatOf(path); err != nil {
			if filepath.Ext(path) == "" {
				return fmt.Errorf("%s: no extension to tell the format: give --format or name it .png, .jpg, .gif, .tif, .bmp, .npy, .csv, .txt or .mat", name)
			}
			return fmt.Errorf("%s: %w, or give --format", name, err)
		}
	}
	if format == "" {
		format = sameKindWritable(normalize(d.Format))
	}
	if format == "" {
		return fmt.Errorf("%s: no output format: give --format", name)
	}
	if !known(format) {
		return fmt.Errorf("%s: unknown format %q (want one of png, jpeg, gif, tiff, bmp, npy, csv, txt, mat)", name, format)
	}
	if d == nil || d.T == nil {
		return fmt.Errorf("%s: nothing to write", name)
	}
	if err := CheckWritable(format); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if path == "-" {
		if o.Stdout == nil {
			return errors.New("stdout: no standard output")
		}
		// Encode fully first: a failure leaves nothing half-written.
		var buf bytes.Buffer
		if err := encode(&buf, format, d, o); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := o.Stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if err := writeFile(path, format, d, o); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func known(format string) bool {
	for _, f := range Formats {
		if f == format {
			return true
		}
	}
	return false
}

// WriteEncoded writes what enc produces at path ("-": to stdout) with
// Write's guarantees: a file is replaced atomically and never left
// half-written; a device or FIFO is written in place; errors name the path.
// It is for outputs that are not tensors (an animation, an SVG drawing).
func WriteEncoded(path string, stdout io.Writer, enc func(io.Writer) error) error {
	if path == "-" {
		if stdout == nil {
			return errors.New("stdout: no standard output")
		}
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			return fmt.Errorf("stdout: %w", err)
		}
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("stdout: %w", err)
		}
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a directory", path)
	}
	if err := writeAtomic(path, enc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeFile(path, format string, d *Data, o WriteOptions) error {
	return writeAtomic(path, func(w io.Writer) error { return encode(w, format, d, o) })
}

func writeAtomic(path string, enc func(io.Writer) error) (err error) {
	var mode os.FileMode // 0: a new file, whose mode the umask decides
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return errors.New("is a directory")
		}
		if !st.Mode().IsRegular() || isDevPath(path) {
			return writeSpecial(path, enc)
		}
		mode = st.Mode().Perm()
	}
	target, err := resolveLink(path)
	if err != nil {
		return err
	}
	// Through a symlink the target is replaced and the link kept; a link
	// whose target does not exist yet is written through, creating the
	// target, as the shell's > does.
	path = target
	tmp, err := createTemp(filepath.Dir(path))
	if err != nil {
		return plainPathError(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			// "no space left on device", not the temporary file's name:
			// the caller names the output.
			err = plainPathError(err)
		}
		forgetTemp(tmp.Name())
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = enc(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if mode != 0 {
		if err = os.Chmod(tmp.Name(), mode); err != nil {
			return err
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return plainPathError(err)
	}
	return nil
}

// resolveLink follows path through any chain of symbolic links to the
// file it names, which need not exist (a dangling link is written
// through). A loop, or a chain over 40 links, is an error.
func resolveLink(path string) (string, error) {
	for range 40 {
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", errors.New("too many levels of symbolic links (a loop?)")
}

// isDevPath reports a path such as /dev/stdout or /proc/self/fd/1, which
// may name the shell's redirection to a regular file: written in place,
// never renamed over.
func isDevPath(path string) bool {
	return strings.HasPrefix(path, "/dev/") || strings.HasPrefix(path, "/proc/")
}

// writeSpecial writes to a device or a FIFO (/dev/stdout, /dev/null, a
// named pipe, or a symlink to one), which has no directory to hold a
// temporary file: renaming over it would replace the device node itself.
// The data is encoded fully first, so a failure writes nothing.
func writeSpecial(path string, enc func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := enc(&buf); err != nil {
		return err
	}
	// O_APPEND: through /dev/stdout into a file the shell opened with > or
	// >>, the bytes follow what is already there.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return plainPathError(err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return plainPathError(err)
	}
	return plainPathError(f.Close())
}

// encode writes d as format to w.
func encode(w io.Writer, format string, d *Data, o WriteOptions) error {
	if d.Alpha && KindOf(format) == KindImage && !HoldsAlpha(format) {
		c := *d
		FlattenFor(&c, format, o.Background)
		d = &c
	}
	t := d.T
	switch KindOf(format) {
	case KindImage:
		depth := o.Depth
		if depth == 0 {
			depth = d.Depth
		}
		if depth == 0 {
			depth = 8
		}
		meta := d.Meta
		if o.Strip {
			meta = nil
		}
		return img.Encode(w, t, img.EncodeOptions{Format: format, Depth: depth, Quality: o.Quality, Meta: meta, PNGLevel: o.PNGLevel})
	case KindNPY:
		return npy.Write(w, &npy.Array{Shape: npyShape(d), Data: t.Data})
	case KindMat:
		if t.C != 1 {
			return fmt.Errorf("a .mat file holds one channel, not %d: write .npy, .csv or .txt", t.C)
		}
		return textmat.WriteMat(w, &textmat.Matrix{C: 1, Rows: t.H, Cols: t.W, Data: t.Data, Scale: d.Scale, Offset: d.Offset, HasScale: d.HasScale})
	}
	sep := " "
	if format == "csv" {
		sep = ","
	}
	return textmat.WriteText(w, &textmat.Matrix{C: t.C, Rows: t.H, Cols: t.W, Data: t.Data}, sep)
}

// npyShape keeps the input's rank when the tensor still fits it: a 1-D
// input gives a 1-D output while H and C are 1, a 2-D one a 2-D output
// while C is 1; otherwise the smallest rank that holds the shape.
func npyShape(d *Data) []int {
	t := d.T
	switch {
	case d.Rank == 1 && t.C == 1 && t.H == 1:
		return []int{t.W}
	case d.Rank <= 2 && d.Rank > 0 && t.C == 1:
		return []int{t.H, t.W}
	}
	return []int{t.C, t.H, t.W}
}

// CheckWritable refuses a format convtool reads but cannot write (WebP,
// 1-bit PBM),
// so that a command can say so before doing any work.
func CheckWritable(format string) error {
	switch normalize(format) {
	case "webp":
		return errors.New("writing WebP is not supported (convtool reads it): write .png, .jpg or another format")
	case "pbm":
		return errors.New("writing 1-bit PBM is not supported (convtool reads it): write .pgm for grey")
	}
	return nil
}

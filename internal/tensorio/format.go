package tensorio

import "os"

// OutputFormat decides the format an output is written in: override (a
// --format flag) if given, else the extension of path, else — for "-" and
// the streams that behave like it (IsStream) — the input's own format. A
// file path with no or an unknown extension is an error.
func OutputFormat(path, override, inputFormat string) (string, error) {
	if override != "" {
		return override, nil
	}
	if IsStream(path) {
		return sameKindWritable(inputFormat), nil
	}
	return FormatOf(path)
}

// sameKindWritable is the format an output takes from its input when none
// is given: the input's own, or PNG for an image format convtool reads but
// does not write (WebP).
func sameKindWritable(format string) string {
	if CheckWritable(format) != nil {
		return "png"
	}
	return format
}

// IsStream reports whether an output path is a stream rather than a file
// to be replaced: "-", a path under /dev/ or /proc/ (/dev/stdout,
// /dev/full, /proc/self/fd/1), or a character device, FIFO or socket
// wherever it lives. Such an output is written in place, in --format or
// the input's own format, as "-" is; a file needs an extension (or
// --format) to say its format.
func IsStream(path string) bool {
	if path == "-" || isDevPath(path) {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode()&(os.ModeCharDevice|os.ModeDevice|os.ModeNamedPipe|os.ModeSocket) != 0
}

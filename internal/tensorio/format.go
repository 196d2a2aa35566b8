package tensorio

// OutputFormat decides the format an output is written in: override (a
// --format flag) if given, else the extension of path, else — for "-" —
// the input's own format.
func OutputFormat(path, override, inputFormat string) (string, error) {
	if override != "" {
		return override, nil
	}
	if path == "-" {
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

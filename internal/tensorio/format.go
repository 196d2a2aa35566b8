package tensorio

// OutputFormat decides the format an output is written in: override (a
// --format flag) if given, else the extension of path, else — for "-" —
// the input's own format.
func OutputFormat(path, override, inputFormat string) (string, error) {
	if override != "" {
		return override, nil
	}
	if path == "-" {
		return inputFormat, nil
	}
	return FormatOf(path)
}

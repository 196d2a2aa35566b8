package kernel

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Parse turns a -k/--kernel spec into a kernel. Exactly one of the results
// is non-nil: a Kernel for every 2-D form, a Bank for a 4-D .npy file, or
// an error. The spec is tried as, in order:
//
//  1. a built-in name with colon-separated parameters ("gaussian:1.5:9");
//     see Builtins;
//  2. ImageMagick's "WxH: v,v,…", "WxH+X+Y: v,…" (origin at column X, row
//     Y) or "N: …" (N×N), values row by row;
//  3. a file, by extension: .npy (2-D → Kernel, 4-D → Bank),
//     .csv/.txt, .mat (its scale and offset set HasScale);
//  4. an inline matrix, "1 2 1; 2 4 2; 1 2 1": rows split by ';' or
//     newline, values by spaces or commas.
//
// Built-in names therefore win over files of the same name. Errors are one
// line that quotes the spec and says what is wrong with it.
func Parse(spec string) (*Kernel, *Bank, error) {
	k, b, err := parse(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("kernel %q: %v", spec, err)
	}
	if k != nil {
		k.Name = strings.TrimSpace(spec)
		k.anchorByForm()
		if err := k.Validate(); err != nil {
			return nil, nil, fmt.Errorf("kernel %q: %v", spec, err)
		}
		return k, nil, nil
	}
	b.Name = strings.TrimSpace(spec)
	if err := b.Validate(); err != nil {
		return nil, nil, fmt.Errorf("kernel %q: %v", spec, err)
	}
	return nil, b, nil
}

// imHeader matches ImageMagick's user kernel geometry: "3x3", "5",
// "3x3+0+0", then a colon.
var imHeader = regexp.MustCompile(`(?s)^\s*(\d+)(?:\s*x\s*(\d+))?(?:\s*([+-]\d+)\s*([+-]\d+))?\s*:(.*)$`)

// identLike matches a spec that can only have been meant as a name.
var identLike = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*$`)

// kernelExts are the file extensions a kernel file may have.
var kernelExts = map[string]bool{".npy": true, ".csv": true, ".txt": true, ".mat": true}

func parse(spec string) (*Kernel, *Bank, error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, nil, errors.New("empty kernel spec")
	}
	head, rest, hasParams := strings.Cut(s, ":")
	name := strings.ToLower(strings.TrimSpace(head))
	if b, ok := lookupBuiltin(name); ok {
		var params []string
		if hasParams {
			params = strings.Split(rest, ":")
		}
		k, err := parseBuiltin(b, params)
		if k != nil {
			k.Form = FormBuiltin
		}
		return k, nil, err
	}
	if m := imHeader.FindStringSubmatch(s); m != nil {
		k, err := parseIM(m)
		if k != nil {
			k.Form = FormImageMagick
		}
		return k, nil, err
	}
	if kernelExts[strings.ToLower(filepath.Ext(s))] {
		if !isFile(s) {
			return nil, nil, errors.New("no such file (and not a built-in or inline kernel)")
		}
		return loadFile(s)
	}
	looksNamed := (identLike.MatchString(s) && !isNumberWord(s)) ||
		(hasParams && identLike.MatchString(strings.TrimSpace(head)) && !isNumberWord(head))
	if !looksNamed {
		if k, err := parseInline(s); err == nil || !isFile(s) {
			return k, nil, err
		}
	}
	if isFile(s) {
		return loadFile(s) // refuses the extension, naming it
	}
	return nil, nil, unknownName(name)
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func isNumberWord(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func unknownName(name string) error {
	if c := closeNames(name); len(c) > 0 {
		return fmt.Errorf("unknown built-in %q (did you mean %s?); `convtool kernel list` shows them all", name, strings.Join(c, ", "))
	}
	return fmt.Errorf("unknown built-in %q and not a file or a matrix; `convtool kernel list` shows the built-ins", name)
}

// parseValue reads one element, refusing what a kernel cannot hold.
func parseValue(tok string) (float32, error) {
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("value %q is out of range", tok)
		}
		return 0, fmt.Errorf("value %q is not a number", tok)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q is not finite", tok)
	}
	f := float32(v)
	if math.IsInf(float64(f), 0) {
		return 0, fmt.Errorf("value %q overflows float32", tok)
	}
	return f, nil
}

// fields splits a row of values on spaces, tabs and commas.
//
// The rule is a CSV or text matrix's (internal/textmat): separators are
// runs of blanks with at most one comma among them; a trailing comma is
// allowed, an empty field (",1" or "1,,2") is not.
func fields(s string) ([]string, error) {
	isBlank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }
	var out []string
	commas := 0 // commas since the last value
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ',':
			commas++
			if commas > 1 || len(out) == 0 {
				return nil, fmt.Errorf("empty value in %q (as in a CSV row, a comma separates two values)", s)
			}
			i++
		case isBlank(c):
			i++
		default:
			j := i
			for j < len(s) && s[j] != ',' && !isBlank(s[j]) {
				j++
			}
			out = append(out, s[i:j])
			commas = 0
			i = j
		}
	}
	return out, nil
}

func parseIM(m []string) (*Kernel, error) {
	w, err1 := strconv.Atoi(m[1])
	h := w
	var err2 error
	if m[2] != "" {
		h, err2 = strconv.Atoi(m[2])
	}
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("ImageMagick kernel size %sx%s exceeds the limit of %d per side", m[1], m[2], MaxSize)
	}
	if w < 1 || h < 1 {
		return nil, fmt.Errorf("ImageMagick kernel size %sx%s must be at least 1x1", m[1], m[2])
	}
	if w > MaxSize || h > MaxSize {
		return nil, fmt.Errorf("ImageMagick kernel %dx%d exceeds the limit of %d per side", w, h, MaxSize)
	}
	k := &Kernel{H: h, W: w}
	if m[3] != "" {
		ox, e1 := strconv.Atoi(m[3])
		oy, e2 := strconv.Atoi(m[4])
		if e1 != nil || e2 != nil || ox < 0 || ox >= w || oy < 0 || oy >= h {
			return nil, fmt.Errorf("origin %s%s lies outside the %dx%d kernel", m[3], m[4], w, h)
		}
		k.OriginX, k.OriginY, k.HasOrigin, k.OriginGiven = ox, oy, true, true
	}
	if strings.ContainsAny(m[5], ";") {
		return nil, errors.New("ImageMagick kernel lists (';') are not supported; give one kernel")
	}
	toks, err := fields(strings.ReplaceAll(m[5], "\n", " "))
	if err != nil {
		return nil, err
	}
	if len(toks) != w*h {
		return nil, fmt.Errorf("ImageMagick kernel %dx%d needs %d values, got %d", w, h, w*h, len(toks))
	}
	k.Data = make([]float32, len(toks))
	for i, t := range toks {
		v, err := parseValue(t)
		if err != nil {
			return nil, err
		}
		k.Data[i] = v
	}
	return k, nil
}

func parseInline(s string) (*Kernel, error) {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' })
	var data []float32
	w, h := 0, 0
	for _, line := range lines {
		toks, err := fields(line)
		if err != nil {
			return nil, err
		}
		if len(toks) == 0 {
			continue // a trailing ';' or a blank line
		}
		h++
		if h == 1 {
			w = len(toks)
		} else if len(toks) != w {
			return nil, fmt.Errorf("ragged rows: row %d has %d values, row 1 has %d", h, len(toks), w)
		}
		if w > MaxSize || h > MaxSize {
			return nil, fmt.Errorf("matrix exceeds the limit of %d per side", MaxSize)
		}
		for _, t := range toks {
			v, err := parseValue(t)
			if err != nil {
				return nil, err
			}
			data = append(data, v)
		}
	}
	if h == 0 {
		return nil, errors.New("empty kernel: no values")
	}
	return &Kernel{H: h, W: w, Data: data}, nil
}

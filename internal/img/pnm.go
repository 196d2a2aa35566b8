package img

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/convtool/convtool/internal/tensor"
)

// Netpbm: PBM/PGM/PPM (P1–P6, text and binary), PAM (P7) and PFM (PF/Pf,
// 32-bit float). The header is parsed once for DecodeConfig (so
// --max-pixels is checked before any pixel is allocated) and once more to
// decode straight into planes.

func init() {
	for _, m := range []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7"} {
		image.RegisterFormat("pnm", m, func(io.Reader) (image.Image, error) {
			return nil, errors.New("decode Netpbm with img.Decode")
		}, pnmConfig)
	}
	noDecode := func(io.Reader) (image.Image, error) {
		return nil, errors.New("decode PFM with img.Decode")
	}
	image.RegisterFormat("pfm", "PF", noDecode, pfmConfig)
	image.RegisterFormat("pfm", "Pf", noDecode, pfmConfig)
}

// pnmHeader is what a Netpbm header says.
type pnmHeader struct {
	magic    byte // '1'..'7'
	w, h     int
	maxval   int
	depth    int // samples per pixel
	alpha    bool
	dataOff  int // offset of the first sample
	tupltype string
}

// pnmTokens reads whitespace-separated header tokens, skipping '#'
// comments, and reports where the data starts (one whitespace byte after
// the last token, as the format says).
type pnmTokens struct {
	b   []byte
	pos int
}

func (t *pnmTokens) next() (string, error) {
	for t.pos < len(t.b) {
		c := t.b[t.pos]
		if c == '#' {
			for t.pos < len(t.b) && t.b[t.pos] != '\n' {
				t.pos++
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
			t.pos++
			continue
		}
		break
	}
	start := t.pos
	for t.pos < len(t.b) {
		c := t.b[t.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '#' {
			break
		}
		t.pos++
	}
	if start == t.pos {
		return "", errors.New("truncated header")
	}
	return string(t.b[start:t.pos]), nil
}

func (t *pnmTokens) int(what string, lo, hi int) (int, error) {
	s, err := t.next()
	if err != nil {
		return 0, err
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%s %q: want a whole number in %d..%d", what, s, lo, hi)
	}
	return v, nil
}

const pnmMaxSide = 1 << 24

func parsePNMHeader(b []byte) (*pnmHeader, error) {
	if len(b) < 3 || b[0] != 'P' || b[1] < '1' || b[1] > '7' {
		return nil, errors.New("not a Netpbm file")
	}
	h := &pnmHeader{magic: b[1]}
	t := &pnmTokens{b: b, pos: 2}
	var err error
	if h.magic == '7' {
		h.maxval = -1
		for {
			key, err := t.next()
			if err != nil {
				return nil, err
			}
			switch key {
			case "ENDHDR":
				goto done
			case "WIDTH":
				h.w, err = t.int("WIDTH", 1, pnmMaxSide)
			case "HEIGHT":
				h.h, err = t.int("HEIGHT", 1, pnmMaxSide)
			case "DEPTH":
				h.depth, err = t.int("DEPTH", 1, 4)
			case "MAXVAL":
				h.maxval, err = t.int("MAXVAL", 1, 65535)
			case "TUPLTYPE":
				h.tupltype, err = t.next()
			default:
				return nil, fmt.Errorf("unknown PAM header key %q", key)
			}
			if err != nil {
				return nil, err
			}
		}
	done:
		if h.w == 0 || h.h == 0 || h.depth == 0 || h.maxval < 1 {
			return nil, errors.New("PAM header lacks WIDTH, HEIGHT, DEPTH or MAXVAL")
		}
		h.alpha = h.depth == 2 || h.depth == 4
	} else {
		if h.w, err = t.int("width", 1, pnmMaxSide); err != nil {
			return nil, err
		}
		if h.h, err = t.int("height", 1, pnmMaxSide); err != nil {
			return nil, err
		}
		h.maxval = 1
		if h.magic != '1' && h.magic != '4' {
			if h.maxval, err = t.int("maxval", 1, 65535); err != nil {
				return nil, err
			}
		}
		h.depth = 1
		if h.magic == '3' || h.magic == '6' {
			h.depth = 3
		}
	}
	if t.pos >= len(b) {
		return nil, errors.New("no data after the header")
	}
	h.dataOff = t.pos + 1 // the single whitespace byte after the header
	return h, nil
}

func pnmConfig(r io.Reader) (image.Config, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return image.Config{}, err
	}
	h, err := parsePNMHeader(b)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: color.RGBAModel, Width: h.w, Height: h.h}, nil
}

// decodePNM decodes any Netpbm file but PFM into planes: maxval 255 and
// 65535 are kept as they are (8 and 16 bits), other maxvals are scaled to
// 0..255 (maxval < 256) or 0..65535, rounded, as libvips and PIL do; PBM's
// 1 (black) is 0 and 0 is 255.
func decodePNM(data []byte) (*Image, error) {
	h, err := parsePNMHeader(data)
	if err != nil {
		return nil, fmt.Errorf("bad Netpbm header: %v", err)
	}
	n := h.w * h.h
	// The file must hold the samples its header claims before they are
	// allocated: a 20-byte file claiming 16384x16384 is refused here.
	body := data[h.dataOff:]
	need := n * h.depth // text: at least a digit and a separator each
	switch {
	case h.magic == '1':
		need = n
	case h.magic == '4':
		need = (h.w + 7) / 8 * h.h
	case h.magic >= '5' && h.maxval > 255:
		need *= 2
	case h.magic == '2' || h.magic == '3':
		need = 2*need - 1
	}
	if len(body) < need {
		return nil, fmt.Errorf("truncated Netpbm: %d of %d bytes of samples", len(body), need)
	}
	t := tensor.New(h.depth, h.h, h.w)
	depth, top := 8, 255.0
	if h.maxval > 255 {
		depth, top = 16, 65535
	}
	scale := top / float64(h.maxval)
	put := func(i int, v int) error {
		if v > h.maxval {
			return fmt.Errorf("sample %d exceeds maxval %d", v, h.maxval)
		}
		f := float64(v)
		if scale != 1 {
			f = math.Round(f * scale)
		}
		c, p := i%h.depth, i/h.depth
		t.Data[c*n+p] = float32(f)
		return nil
	}
	switch h.magic {
	case '1', '2', '3':
		tk := &pnmTokens{b: data, pos: h.dataOff}
		for i := 0; i < n*h.depth; i++ {
			if h.magic == '1' {
				// Digits may run together in a PBM.
				for tk.pos < len(data) && (data[tk.pos] == ' ' || data[tk.pos] == '\n' || data[tk.pos] == '\r' || data[tk.pos] == '\t') {
					tk.pos++
				}
				if tk.pos >= len(data) || (data[tk.pos] != '0' && data[tk.pos] != '1') {
					return nil, fmt.Errorf("bad PBM: truncated or not 0/1 at pixel %d", i)
				}
				t.Data[i] = float32(255 * int(1-(data[tk.pos]-'0')))
				tk.pos++
				continue
			}
			v, err := tk.int("sample", 0, h.maxval)
			if err != nil {
				return nil, fmt.Errorf("bad Netpbm data at sample %d: %v", i, err)
			}
			if err := put(i, v); err != nil {
				return nil, err
			}
		}
	case '4':
		rowBytes := (h.w + 7) / 8
		if len(body) < rowBytes*h.h {
			return nil, fmt.Errorf("truncated PBM: %d of %d bytes", len(body), rowBytes*h.h)
		}
		for y := 0; y < h.h; y++ {
			for x := 0; x < h.w; x++ {
				bit := body[y*rowBytes+x/8] >> (7 - uint(x%8)) & 1
				t.Data[y*h.w+x] = float32(255 * int(1-bit))
			}
		}
	default: // '5', '6', '7'
		bps := 1
		if h.maxval > 255 {
			bps = 2
		}
		need := n * h.depth * bps
		if len(body) < need {
			return nil, fmt.Errorf("truncated Netpbm: %d of %d bytes of samples", len(body), need)
		}
		for i := 0; i < n*h.depth; i++ {
			v := int(body[i])
			if bps == 2 {
				v = int(binary.BigEndian.Uint16(body[2*i:]))
			}
			if err := put(i, v); err != nil {
				return nil, err
			}
		}
	}
	format := "pnm"
	if h.magic == '7' {
		format = "pam" // written back as PAM, alpha and all
	}
	return &Image{T: t, Format: format, Depth: depth, Alpha: h.alpha}, nil
}

// encodePNM writes P5 (grey), P6 (RGB) or, for alpha or when pam is set,
// P7 with TUPLTYPE GRAYSCALE[_ALPHA] or RGB[_ALPHA]; maxval 255 or 65535.
// Samples arrive already in the sample range of depth.
func encodePNM(w io.Writer, t *tensor.Tensor, depth int, pam bool) error {
	maxval := 255
	top := 255.0
	if depth == 16 {
		maxval, top = 65535, 65535
	}
	bw := bufio.NewWriter(w)
	if pam || t.C == 2 || t.C == 4 {
		tt := [...]string{"", "GRAYSCALE", "GRAYSCALE_ALPHA", "RGB", "RGB_ALPHA"}[t.C]
		fmt.Fprintf(bw, "P7\nWIDTH %d\nHEIGHT %d\nDEPTH %d\nMAXVAL %d\nTUPLTYPE %s\nENDHDR\n", t.W, t.H, t.C, maxval, tt)
	} else {
		magic := 5
		if t.C == 3 {
			magic = 6
		}
		fmt.Fprintf(bw, "P%d\n%d %d\n%d\n", magic, t.W, t.H, maxval)
	}
	n := t.W * t.H
	var b [2]byte
	for p := 0; p < n; p++ {
		for c := 0; c < t.C; c++ {
			v := quantize(t.Data[c*n+p], top)
			if depth == 16 {
				binary.BigEndian.PutUint16(b[:], uint16(v))
				bw.Write(b[:])
			} else {
				bw.WriteByte(byte(v))
			}
		}
	}
	return bw.Flush()
}

// pfmHeader parses "PF" (RGB) or "Pf" (grey), width, height and the scale
// whose sign gives the byte order (negative: little-endian).
func pfmHeader(b []byte) (c, w, h int, little bool, off int, err error) {
	if len(b) < 3 || b[0] != 'P' || (b[1] != 'F' && b[1] != 'f') {
		return 0, 0, 0, false, 0, errors.New("not a PFM file")
	}
	c = 3
	if b[1] == 'f' {
		c = 1
	}
	t := &pnmTokens{b: b, pos: 2}
	if w, err = t.int("width", 1, pnmMaxSide); err != nil {
		return
	}
	if h, err = t.int("height", 1, pnmMaxSide); err != nil {
		return
	}
	s, err := t.next()
	if err != nil {
		return
	}
	scale, perr := strconv.ParseFloat(s, 64)
	if perr != nil || scale == 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return 0, 0, 0, false, 0, fmt.Errorf("PFM scale %q: want a non-zero number", s)
	}
	return c, w, h, scale < 0, t.pos + 1, nil
}

func pfmConfig(r io.Reader) (image.Config, error) {
	b, err := io.ReadAll(io.LimitReader(r, 256))
	if err != nil {
		return image.Config{}, err
	}
	_, w, h, _, _, err := pfmHeader(b)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: color.RGBAModel, Width: w, Height: h}, nil
}

// decodePFM reads a float32 PFM as it is (no scaling: PFM values are
// usually 0..1, and stay so). Rows are stored bottom to top.
func decodePFM(data []byte) (*Image, error) {
	c, w, h, little, off, err := pfmHeader(data)
	if err != nil {
		return nil, fmt.Errorf("bad PFM header: %v", err)
	}
	need := w * h * c * 4
	body := data[off:]
	if len(body) < need {
		return nil, fmt.Errorf("truncated PFM: %d of %d bytes of samples", len(body), need)
	}
	var order binary.ByteOrder = binary.BigEndian
	if little {
		order = binary.LittleEndian
	}
	t := tensor.New(c, h, w)
	n := w * h
	for y := 0; y < h; y++ {
		row := body[(h-1-y)*w*c*4:]
		for x := 0; x < w; x++ {
			for ch := 0; ch < c; ch++ {
				t.Data[ch*n+y*w+x] = math.Float32frombits(order.Uint32(row[(x*c+ch)*4:]))
			}
		}
	}
	return &Image{T: t, Format: "pfm", Depth: 32}, nil
}

// encodePFM writes 1 channel as "Pf" and 3 as "PF", little-endian (scale
// -1), rows bottom to top, values as they are. Alpha cannot be held.
func encodePFM(w io.Writer, t *tensor.Tensor) error {
	if t.C != 1 && t.C != 3 {
		return fmt.Errorf("PFM holds 1 (grey) or 3 (RGB) channels, not %d", t.C)
	}
	var buf bytes.Buffer
	tag := "Pf"
	if t.C == 3 {
		tag = "PF"
	}
	fmt.Fprintf(&buf, "%s\n%d %d\n-1.0\n", tag, t.W, t.H)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	n := t.W * t.H
	row := make([]byte, t.W*t.C*4)
	for y := t.H - 1; y >= 0; y-- {
		for x := 0; x < t.W; x++ {
			for ch := 0; ch < t.C; ch++ {
				binary.LittleEndian.PutUint32(row[(x*t.C+ch)*4:], math.Float32bits(t.Data[ch*n+y*t.W+x]))
			}
		}
		if _, err := w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

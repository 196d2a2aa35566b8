package img

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"

	"github.com/convtool/convtool/internal/tensor"
)

// errPNGFallback means decodePNG does not handle the file (interlaced,
// or anything unusual or broken): image/png decodes it instead, which
// either handles it or gives the error.
var errPNGFallback = errors.New("png: left to image/png")

const pngSignature = "\x89PNG\r\n\x1a\n"

// pngInfo is what the chunks before the pixel data say.
type pngInfo struct {
	w, h      int
	depth, ct int
	bpp       int // bytes per complete pixel, at least 1 (the filters' unit)
	rowSize   int // bytes of one unfiltered row, without the filter byte
	pal       [4][256]float32
	palAlpha  bool
	idat      [][]byte // the data of the consecutive IDAT chunks
}

// decodePNG decodes a non-interlaced PNG held in data straight into the
// tensor toTensor would make from image/png's result, without the image
// in between: one goroutine inflates the IDAT stream while the caller's
// unfilters rows and writes their samples into the planes. It accepts only
// what image/png accepts, with the same chunk order and CRC, zlib checksum
// and pixel-data length checks; for anything else (errPNGFallback) the
// caller runs image/png, which then decodes the file or says what is wrong
// with it.
func decodePNG(data []byte) (*Image, error) {
	info, err := parsePNGChunks(data)
	if err != nil {
		return nil, err
	}
	// Deflate expands at most 1032:1, so a header that claims more rows
	// than the IDAT data can hold is refused before the planes are
	// allocated (a damaged height could ask for gigabytes).
	zlen := 0
	for _, c := range info.idat {
		zlen += len(c)
	}
	if int64(info.h)*int64(1+info.rowSize) > 1040*int64(zlen)+1024 {
		return nil, errPNGFallback
	}
	c, alpha := info.channels()
	t := tensor.New(c, info.h, info.w)
	depth := 8
	if info.depth == 16 {
		depth = 16
	}
	if err := info.inflateRows(t); err != nil {
		return nil, err
	}
	return &Image{T: t, Format: "png", Depth: depth, Alpha: alpha}, nil
}

// parsePNGChunks walks the chunks as image/png does, verifying each CRC, up
// to IEND, and collects the header, the palette and the IDAT data.
func parsePNGChunks(data []byte) (*pngInfo, error) {
	if !bytes.HasPrefix(data, []byte(pngSignature)) {
		return nil, errPNGFallback
	}
	const (
		start = iota
		seenIHDR
		seenPLTE
		seentRNS
		seenIDAT
	)
	info := &pngInfo{}
	stage := start
	p := data[len(pngSignature):]
	for {
		if len(p) < 12 {
			return nil, errPNGFallback
		}
		length := binary.BigEndian.Uint32(p)
		if length > 0x7fffffff || uint64(length) > uint64(len(p)-12) {
			return nil, errPNGFallback
		}
		typ, body := string(p[4:8]), p[8:8+length]
		if crc32.ChecksumIEEE(p[4:8+length]) != binary.BigEndian.Uint32(p[8+length:]) {
			return nil, errPNGFallback
		}
		p = p[12+length:]
		switch typ {
		case "IHDR":
			if stage != start || !info.header(body) {
				return nil, errPNGFallback
			}
			stage = seenIHDR
		case "PLTE":
			if stage != seenIHDR || !info.plte(body) {
				return nil, errPNGFallback
			}
			stage = seenPLTE
		case "tRNS":
			if !info.trns(body, stage == seenIHDR, stage == seenPLTE) {
				return nil, errPNGFallback
			}
			stage = seentRNS
		case "IDAT":
			if stage < seenIHDR || (info.ct == 3 && stage < seenPLTE) {
				return nil, errPNGFallback
			}
			if stage == seenIDAT {
				continue // trailing IDAT chunks: image/png ignores them
			}
			stage = seenIDAT
			info.idat = append(info.idat, body)
			// The stream is the run of consecutive IDAT chunks.
			for len(p) >= 12 && string(p[4:8]) == "IDAT" {
				n := binary.BigEndian.Uint32(p)
				if n > 0x7fffffff || uint64(n) > uint64(len(p)-12) ||
					crc32.ChecksumIEEE(p[4:8+n]) != binary.BigEndian.Uint32(p[8+n:]) {
					return nil, errPNGFallback
				}
				info.idat = append(info.idat, p[8:8+n])
				p = p[12+n:]
			}
		case "IEND":
			if stage != seenIDAT || length != 0 {
				return nil, errPNGFallback
			}
			return info, nil
		}
	}
}

// header reads IHDR and reports whether decodePNG handles the file.
func (info *pngInfo) header(b []byte) bool {
	if len(b) != 13 || b[10] != 0 || b[11] != 0 || b[12] != 0 { // compression, filter, interlace
		return false
	}
	w, h := binary.BigEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
	if w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff {
		return false
	}
	info.w, info.h, info.depth, info.ct = int(w), int(h), int(b[8]), int(b[9])
	d := info.depth
	var samples int
	switch info.ct {
	case 0:
		samples = 1
		if d != 1 && d != 2 && d != 4 && d != 8 && d != 16 {
			return false
		}
	case 3:
		samples = 1
		if d != 1 && d != 2 && d != 4 && d != 8 {
			return false
		}
	case 2, 4, 6:
		samples = [7]int{2: 3, 4: 2, 6: 4}[info.ct]
		if d != 8 && d != 16 {
			return false
		}
	default:
		return false
	}
	bits := int64(samples*d) * int64(info.w) // < 2^37: no overflow
	info.rowSize = int((bits + 7) / 8)
	info.bpp = max(1, samples*info.depth/8)
	return true
}

// plte reads a PLTE chunk (after IHDR) and reports whether it is
// acceptable, as image/png judges it.
func (info *pngInfo) plte(body []byte) bool {
	np := len(body) / 3
	if len(body)%3 != 0 || np == 0 || np > 256 || np > 1<<info.depth {
		return false
	}
	if info.ct != 3 {
		// Optional for true colour, and ignored; image/png refuses it
		// for grey (colour type mismatch).
		return info.ct == 2 || info.ct == 6
	}
	for i := range 256 {
		var r, g, b float32 // past the palette: opaque black, as image/png
		if i < np {
			r, g, b = float32(body[3*i]), float32(body[3*i+1]), float32(body[3*i+2])
		}
		info.pal[0][i], info.pal[1][i], info.pal[2][i], info.pal[3][i] = r, g, b, 255
	}
	return true
}

// trns reads a tRNS chunk, seen right after IHDR or after PLTE, and
// reports whether it is acceptable.
func (info *pngInfo) trns(body []byte, afterIHDR, afterPLTE bool) bool {
	switch {
	case info.ct == 3 && afterPLTE:
		if len(body) > 256 {
			return false
		}
		for i, a := range body {
			info.pal[3][i] = float32(a)
			info.palAlpha = info.palAlpha || a != 255
		}
		return true
	case info.ct == 0 && afterIHDR && len(body) == 2,
		info.ct == 2 && (afterIHDR || afterPLTE) && len(body) == 6:
		// A key colour: toTensor keeps the grey or RGB samples and
		// drops the key, so it is checked and ignored.
		return true
	}
	return false
}

// channels is the number of tensor channels the image decodes to, and
// whether the last is alpha.
func (info *pngInfo) channels() (int, bool) {
	switch info.ct {
	case 0:
		return 1, false
	case 2:
		return 3, false
	case 3:
		if info.palAlpha {
			return 4, true
		}
		return 3, false
	case 4:
		return 2, true
	}
	return 4, true
}

// idatReader reads the concatenated IDAT data. It is an io.ByteReader, so
// the inflater takes exactly the bytes of the zlib stream (no read-ahead),
// and what is left after it can be checked.
type idatReader struct {
	cur    []byte   // the rest of the current chunk
	chunks [][]byte // the chunks after it
}

// next moves to the next nonempty chunk, reporting false at the end.
func (r *idatReader) next() bool {
	for len(r.cur) == 0 {
		if len(r.chunks) == 0 {
			return false
		}
		r.cur, r.chunks = r.chunks[0], r.chunks[1:]
	}
	return true
}

func (r *idatReader) Read(p []byte) (int, error) {
	if !r.next() {
		return 0, io.EOF
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// ReadByte is what the inflater calls for nearly every byte.
func (r *idatReader) ReadByte() (byte, error) {
	if len(r.cur) == 0 && !r.next() {
		return 0, io.EOF
	}
	b := r.cur[0]
	r.cur = r.cur[1:]
	return b, nil
}

func (r *idatReader) left() int {
	n := len(r.cur)
	for _, c := range r.chunks {
		n += len(c)
	}
	return n
}

// rowBlock is a run of inflated rows, each a filter byte and rowSize bytes.
type rowBlock struct {
	buf  []byte
	rows int
	err  error
}

// inflateRows fills t. The inflating goroutine hands blocks of rows over a
// channel and gets them back, emptied, over another; done stops it early.
func (info *pngInfo) inflateRows(t *tensor.Tensor) error {
	stride := 1 + info.rowSize
	per := max(1, (128<<10)/stride)
	const nblocks = 4
	full := make(chan *rowBlock, nblocks)
	free := make(chan *rowBlock, nblocks)
	done := make(chan struct{})
	for range nblocks {
		free <- &rowBlock{buf: make([]byte, per*stride)}
	}
	go func() {
		defer close(full)
		send := func(b *rowBlock) bool {
			select {
			case full <- b:
				return true
			case <-done:
				return false
			}
		}
		src := &idatReader{chunks: info.idat}
		zr, err := zlib.NewReader(src)
		if err != nil {
			send(&rowBlock{err: errPNGFallback})
			return
		}
		for y := 0; y < info.h; y += per {
			var b *rowBlock
			select {
			case b = <-free:
			case <-done:
				return
			}
			b.rows = min(per, info.h-y)
			if _, err := io.ReadFull(zr, b.buf[:b.rows*stride]); err != nil {
				send(&rowBlock{err: errPNGFallback})
				return
			}
			if !send(b) {
				return
			}
		}
		// As image/png: the stream ends here (its checksum verified), and
		// so does the IDAT data.
		var one [1]byte
		n, err := io.ReadFull(zr, one[:])
		if n != 0 || err != io.EOF || src.left() != 0 {
			send(&rowBlock{err: errPNGFallback})
		}
	}()
	defer close(done)

	prev := make([]byte, info.rowSize)
	cur := make([]byte, info.rowSize)
	conv := info.converter(t)
	y := 0
	for b := range full {
		if b.err != nil {
			return b.err
		}
		for i := range b.rows {
			row := b.buf[i*stride : (i+1)*stride]
			copy(cur, row[1:])
			if !unfilter(row[0], cur, prev, info.bpp) {
				return errPNGFallback
			}
			conv(y, cur)
			prev, cur = cur, prev
			y++
		}
		free <- b
	}
	if y != info.h {
		return errPNGFallback
	}
	return nil
}

// unfilter undoes filter type ft on cur given the previous row (zeros
// for the first), bpp bytes per pixel apart. It reports false for an
// unknown filter type.
func unfilter(ft byte, cur, prev []byte, bpp int) bool {
	prev = prev[:len(cur)]
	switch ft {
	case 0:
	case 1:
		for i := bpp; i < len(cur); i++ {
			cur[i] += cur[i-bpp]
		}
	case 2:
		for i, p := range prev {
			cur[i] += p
		}
	case 3:
		for i := range min(bpp, len(cur)) {
			cur[i] += prev[i] / 2
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += uint8((int(cur[i-bpp]) + int(prev[i])) / 2)
		}
	case 4:
		for i := range min(bpp, len(cur)) {
			cur[i] += prev[i] // Paeth with a = c = 0 picks b
		}
		for i := bpp; i < len(cur); i++ {
			cur[i] += paeth(cur[i-bpp], prev[i], prev[i-bpp])
		}
	default:
		return false
	}
	return true
}

// converter returns the function that writes the samples of unfiltered row
// y into t's planes, as toTensor would from image/png's image.
func (info *pngInfo) converter(t *tensor.Tensor) func(y int, row []byte) {
	w := info.w
	n := w * t.H // t.Data is read at each call: a row reader swaps it
	plane := func(c, y int) []float32 { return t.Data[c*n+y*w : c*n+(y+1)*w] }
	switch {
	case info.ct == 3:
		pal := &info.pal
		return func(y int, row []byte) {
			r, g, b := plane(0, y), plane(1, y), plane(2, y)
			var a []float32
			if t.C == 4 {
				a = plane(3, y)
			}
			for x := range r {
				i := paletteIndex(row, x, info.depth)
				r[x], g[x], b[x] = pal[0][i], pal[1][i], pal[2][i]
				if a != nil {
					a[x] = pal[3][i]
				}
			}
		}
	case info.depth < 8: // grey, scaled to 8 bits as image/png does
		levels := 1<<info.depth - 1
		scale := float32(255 / levels) // 0xff, 0x55, 0x11
		return func(y int, row []byte) {
			d := plane(0, y)
			for x := range d {
				d[x] = float32(paletteIndex(row, x, info.depth)) * scale
			}
		}
	case info.depth == 8:
		// Samples per pixel in the file, and the ones kept: grey+alpha is
		// (grey, alpha), the others all of theirs.
		spp := info.bpp
		return func(y int, row []byte) {
			if spp == 3 { // RGB, the common case
				r, g, b := plane(0, y), plane(1, y), plane(2, y)
				g, b = g[:len(r)], b[:len(r)]
				for x := range r {
					p := row[3*x : 3*x+3 : 3*x+3]
					r[x], g[x], b[x] = float32(p[0]), float32(p[1]), float32(p[2])
				}
				return
			}
			for c := range t.C {
				d := plane(c, y)
				s := row[c:]
				if spp == 1 {
					for x := range d {
						d[x] = float32(s[x])
					}
					continue
				}
				s = s[:len(d)*spp-c]
				for x := range d {
					d[x] = float32(s[x*spp])
				}
			}
		}
	default: // 16 bits, big-endian
		spp := info.bpp / 2
		return func(y int, row []byte) {
			for c := range t.C {
				d := plane(c, y)
				s := row[2*c:]
				s = s[:2*(len(d)*spp-c)]
				for x := range d {
					j := 2 * x * spp
					d[x] = float32(uint16(s[j])<<8 | uint16(s[j+1]))
				}
			}
		}
	}
}

// paletteIndex returns the depth-bit sample x of row (depth 1, 2, 4 or 8).
func paletteIndex(row []byte, x, depth int) int {
	if depth == 8 {
		return int(row[x])
	}
	per := 8 / depth
	shift := 8 - depth*(x%per+1)
	return int(row[x/per]>>shift) & (1<<depth - 1)
}

package img

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"slices"
	"sync"

	"github.com/convtool/convtool/internal/tensor"
)

// PNGHeader is what the first bytes of a PNG say.
type PNGHeader struct {
	Width, Height int
	// Channels and Alpha as Decode gives them (palette images: 3, or 4 with
	// alpha, known only once the palette is read: see PNGReader).
	Depth      int // 8 or 16 bits per sample in the tensor's range
	ColorType  int
	Interlaced bool
}

// PeekPNGHeader parses the IHDR at the start of b (at least 33 bytes of a
// PNG). ok is false when b is not a PNG with a valid IHDR.
func PeekPNGHeader(b []byte) (h PNGHeader, ok bool) {
	if len(b) < 33 || string(b[:8]) != pngSignature || string(b[12:16]) != "IHDR" ||
		binary.BigEndian.Uint32(b[8:]) != 13 {
		return h, false
	}
	ihdr := b[16:29]
	h.Interlaced = ihdr[12] == 1
	var info pngInfo
	cp := append([]byte(nil), ihdr...)
	cp[12] = 0 // header() refuses interlaced files: judge the rest
	if !info.header(cp) {
		return h, false
	}
	h.Width, h.Height, h.ColorType = info.w, info.h, info.ct
	h.Depth = 8
	if info.depth == 16 {
		h.Depth = 16
	}
	return h, true
}

// PNGReader decodes a non-interlaced PNG from a stream, one row at a time,
// into the samples Decode would give: the same checks (chunk order, CRCs,
// zlib checksum, pixel-data length), with memory for two rows, however
// tall the image. As Decode, it turns a grey or RGB PNG's tRNS key colour
// into an alpha channel (0 where a pixel is the key, full scale elsewhere)
// and reads the metadata (Meta): the chunks before the pixel data by the
// first row, the text and eXIf after it by the end of the last.
type PNGReader struct {
	// Width, Height, Channels, Depth and Alpha describe the decoded rows.
	Width, Height, Channels, Depth int
	Alpha                          bool

	info      *pngInfo
	cr        *chunkReader
	zr        io.ReadCloser
	prev, cur []byte
	t         tensor.Tensor
	conv      func(y int, row []byte)
	y         int
	maxPixels int64      // > 0: check the inflate ratio past this many pixels
	mu        sync.Mutex // guards chunks once rows are read
	chunks    *pngChunks
	key       []float32 // the tRNS key colour that becomes alpha, or nil
	top       float32   // alpha's full scale
}

// Meta returns a copy of the metadata read so far (nil when none): all
// of the chunks before the pixel data once NewPNGReader returns, and
// those after it once the last row has been read. It may be called from
// another goroutine than ReadRow's.
func (p *PNGReader) Meta() *Meta {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.chunks.meta.Empty() {
		return nil
	}
	m := p.chunks.meta
	m.Text = slices.Clone(m.Text)
	return &m
}

// errBadPNG is the stream reader's one error for a damaged file: it cannot
// hand the file to image/png for a second opinion.
func badPNG(format string, a ...any) error {
	return fmt.Errorf("cannot decode PNG: "+format, a...)
}

// MaxInflate is the largest ratio of pixel data to compressed data that
// PNGReader accepts in an image larger than its MaxPixels: a 1-bit image
// of zeros inflates 1032:1, real photographs and scans 2–20:1.
const MaxInflate = 100

func tooLarge(w, h int, max int64, why string) error { return TooLarge(w, h, max, why) }

// NewPNGReader reads r up to the pixel data. size is the number of bytes r
// holds, or -1 if unknown; when known, a header claiming more pixel data
// than deflate could inflate from size bytes is refused at once (a
// truncated file or a lying header). An image of more than maxPixels
// pixels (> 0) is read only while its pixel data inflates at most
// MaxInflate:1 (checked from size at once, else as the data arrives): the
// rows stream through a bounded window, so size alone is no danger, but a
// decompression bomb would keep the machine busy for nothing.
func NewPNGReader(r io.Reader, size, maxPixels int64) (*PNGReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var sig [8]byte
	if _, err := io.ReadFull(br, sig[:]); err != nil || string(sig[:]) != pngSignature {
		return nil, errors.New("not a PNG")
	}
	cr := &chunkReader{r: br}
	info := &pngInfo{}
	chunks := &pngChunks{ct: -1}
	const (
		start = iota
		seenIHDR
		seenPLTE
		seentRNS
	)
	stage := start
	for {
		typ, body, err := cr.next()
		if err != nil {
			return nil, err
		}
		switch typ {
		case "IHDR":
			if stage != start {
				return nil, badPNG("IHDR out of order")
			}
			if len(body) == 13 && body[12] == 1 {
				return nil, errors.New("interlaced PNG: not streamed")
			}
			if !info.header(body) {
				return nil, badPNG("unsupported or invalid IHDR")
			}
			chunks.add(typ, body)
			stage = seenIHDR
		case "PLTE":
			if stage != seenIHDR || !info.plte(body) {
				return nil, badPNG("invalid PLTE")
			}
			stage = seenPLTE
		case "tRNS":
			if !info.trns(body, stage == seenIHDR, stage == seenPLTE) {
				return nil, badPNG("invalid tRNS")
			}
			chunks.add(typ, body)
			stage = seentRNS
		case "IDAT":
			if stage < seenIHDR || (info.ct == 3 && stage < seenPLTE) {
				return nil, badPNG("IDAT before IHDR or PLTE")
			}
			raw := int64(info.h) * int64(1+info.rowSize)
			over := maxPixels > 0 && int64(info.w)*int64(info.h) > maxPixels
			if over && size >= 0 && raw > MaxInflate*size {
				return nil, tooLarge(info.w, info.h, maxPixels, fmt.Sprintf("and its %d bytes would inflate %d:1, more than %d:1 (a decompression bomb?)", size, raw/max(size, 1), MaxInflate))
			}
			if size >= 0 && raw > 1040*size+1024 {
				return nil, fmt.Errorf("bad PNG: the header claims %dx%d, more than the %d bytes of the file can hold (truncated, or a lying header)", info.w, info.h, size)
			}
			chunks.add(typ, nil)
			p, err := newPNGReader(info, cr, chunks)
			if err == nil && over {
				p.maxPixels = maxPixels
			}
			return p, err
		case "IEND":
			return nil, badPNG("no image data")
		default:
			if stage == start {
				return nil, badPNG("missing IHDR")
			}
			chunks.add(typ, body)
		}
	}
}

func newPNGReader(info *pngInfo, cr *chunkReader, chunks *pngChunks) (*PNGReader, error) {
	zr, err := zlib.NewReader(cr)
	if err != nil {
		return nil, badPNG("%v", err)
	}
	c, alpha := info.channels()
	p := &PNGReader{Width: info.w, Height: info.h, Channels: c, Depth: 8, Alpha: alpha,
		info: info, cr: cr, zr: zr, chunks: chunks, top: 255,
		prev: make([]byte, 1+info.rowSize), cur: make([]byte, 1+info.rowSize)}
	if info.depth == 16 {
		p.Depth, p.top = 16, 65535
	}
	if chunks.hasKey && !alpha && len(chunks.key) == c { // as withPNGChunks
		p.key = chunks.keySamples()
		p.Channels, p.Alpha = c+1, true
	}
	p.t = tensor.Tensor{C: c, H: 1, W: info.w}
	p.conv = info.converter(&p.t)
	clear(p.prev)
	return p, nil
}

// ReadRow decodes the next row into dst (Channels·Width samples, channel
// by channel). After the last row it checks that the zlib stream and the
// file end as they should.
func (p *PNGReader) ReadRow(dst []float32) error {
	if p.y >= p.Height {
		return errors.New("read past the last row")
	}
	if _, err := io.ReadFull(p.zr, p.cur); err != nil {
		if p.cr.err != nil {
			return p.cr.err
		}
		return badPNG("pixel data: %v", truncated(err))
	}
	if !unfilter(p.cur[0], p.cur[1:], p.prev[1:], p.info.bpp) {
		return badPNG("unknown row filter %d", p.cur[0])
	}
	if p.maxPixels > 0 && int64(p.y)*int64(p.Width) > p.maxPixels &&
		int64(p.y)*int64(len(p.cur)) > MaxInflate*p.cr.read {
		return tooLarge(p.Width, p.Height, p.maxPixels, fmt.Sprintf("and its pixel data inflates more than %d:1 (a decompression bomb?)", MaxInflate))
	}
	p.t.Data = dst[:p.t.C*p.Width]
	p.conv(0, p.cur[1:])
	if p.key != nil {
		p.keyAlpha(dst[p.t.C*p.Width : (p.t.C+1)*p.Width])
	}
	p.prev, p.cur = p.cur, p.prev
	p.y++
	if p.y == p.Height {
		return p.finish()
	}
	return nil
}

// keyAlpha writes the alpha of the row just converted into p.t: 0 where
// every sample equals the key colour, full scale elsewhere (addKeyAlpha's
// rule).
func (p *PNGReader) keyAlpha(a []float32) {
	w, d := p.Width, p.t.Data
	for x := range a {
		a[x] = 0
		for ch, k := range p.key {
			if d[ch*w+x] != k {
				a[x] = p.top
				break
			}
		}
	}
}

func truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("truncated")
	}
	return err
}

// finish checks that the zlib stream ends (its checksum verified), that
// no pixel data is left, and reads the chunks after it up to IEND.
func (p *PNGReader) finish() error {
	var one [1]byte
	n, err := io.ReadFull(p.zr, one[:])
	if n != 0 || err != io.EOF {
		if p.cr.err != nil {
			return p.cr.err
		}
		if n != 0 {
			return badPNG("more pixel data than the header claims")
		}
		return badPNG("pixel data: %v", truncated(err))
	}
	if len(p.cr.blk) != 0 || p.cr.fill() {
		return badPNG("more pixel data than the header claims")
	}
	if p.cr.err != nil {
		return p.cr.err
	}
	for {
		if p.cr.after == "" {
			typ, body, err := p.cr.next()
			if err != nil {
				return err
			}
			p.cr.after, p.cr.afterBody = typ, body
		}
		typ, body := p.cr.after, p.cr.afterBody
		p.cr.after, p.cr.afterBody = "", nil
		switch typ {
		case "IEND":
			return nil
		default:
			p.mu.Lock()
			p.chunks.add(typ, body) // text and eXIf may follow the pixels
			p.mu.Unlock()
		case "IDAT": // a stray one after other chunks: image/png ignores it
			if _, err := io.CopyN(p.cr.crc, p.cr.r, p.cr.remain); err != nil {
				return badPNG("truncated")
			}
			p.cr.remain = 0
			if err := p.cr.checkCRC("IDAT", p.cr.crc); err != nil {
				return err
			}
		}
	}
}

// chunkReader walks the chunks of a PNG stream, checking each CRC, and
// serves the data of the run of IDAT chunks as one stream (an
// io.ByteReader, so the inflater reads no further than the zlib stream).
// Nothing is allocated by a chunk's claimed length: IDAT data is read as
// the inflater asks for it, its CRC checked at the chunk's end.
type chunkReader struct {
	r         *bufio.Reader
	remain    int64       // bytes left in the current IDAT chunk
	crc       hash.Hash32 // of the current IDAT chunk so far
	done      bool        // the IDAT run has ended
	after     string      // the type of the chunk that ended it, read but not handled
	afterBody []byte      // and its body (next's)
	err       error       // a damaged chunk met while serving IDAT data
	read      int64       // IDAT bytes read so far
	blk       []byte      // IDAT data read (and CRC'd) but not yet served
	blkBuf    []byte
	small     [1024]byte
}

// header reads a chunk's length and type.
func (c *chunkReader) header() (typ string, n int64, err error) {
	var hdr [8]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return "", 0, badPNG("truncated")
	}
	if l := binary.BigEndian.Uint32(hdr[:4]); l <= 0x7fffffff {
		n = int64(l)
	} else {
		return "", 0, badPNG("chunk length %d", l)
	}
	return string(hdr[4:8]), n, nil
}

// checkCRC reads a chunk's CRC and compares it with crc.
func (c *chunkReader) checkCRC(typ string, crc hash.Hash32) error {
	var sum [4]byte
	if _, err := io.ReadFull(c.r, sum[:]); err != nil {
		return badPNG("truncated")
	}
	if crc.Sum32() != binary.BigEndian.Uint32(sum[:]) {
		return badPNG("%q chunk checksum mismatch", typ)
	}
	return nil
}

// next reads one whole chunk other than IDAT, or the header of an IDAT
// chunk (whose data Read then serves). Bodies longer than 1 KiB are
// returned only for the metadata chunks (isMetaChunk) up to maxMetaChunk,
// read as they arrive (a lying length allocates nothing); the others are
// checked and returned as nil. The body is valid until the next call.
func (c *chunkReader) next() (typ string, body []byte, err error) {
	typ, n, err := c.header()
	if err != nil {
		return "", nil, err
	}
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	if typ == "IDAT" {
		c.remain, c.crc = n, crc
		return typ, nil, nil
	}
	if n <= int64(len(c.small)) {
		body = c.small[:n]
		if _, err := io.ReadFull(c.r, body); err != nil {
			return "", nil, badPNG("truncated")
		}
		crc.Write(body)
	} else if isMetaChunk(typ) && n <= maxMetaChunk {
		b, err := io.ReadAll(io.LimitReader(c.r, n))
		if err != nil || int64(len(b)) != n {
			return "", nil, badPNG("truncated")
		}
		body = b
		crc.Write(body)
	} else if _, err := io.CopyN(crc, c.r, n); err != nil {
		return "", nil, badPNG("truncated")
	}
	return typ, body, c.checkCRC(typ, crc)
}

// fill moves to the next IDAT chunk when the current one is used up,
// checking the CRC of the one that ended, and reports false at the end of
// the run.
func (c *chunkReader) fill() bool {
	for c.remain == 0 {
		if c.done {
			return false
		}
		if c.crc != nil {
			if err := c.checkCRC("IDAT", c.crc); err != nil {
				c.err, c.done = err, true
				return false
			}
			c.crc = nil
		}
		typ, body, err := c.next()
		if err != nil {
			c.err, c.done = err, true
			return false
		}
		if typ != "IDAT" {
			c.after, c.afterBody, c.done = typ, body, true
			return false
		}
	}
	return true
}

// load reads the next block of the current IDAT chunk into c.blk,
// updating its CRC.
func (c *chunkReader) load() bool {
	if !c.fill() {
		return false
	}
	if c.blkBuf == nil {
		c.blkBuf = make([]byte, 32<<10)
	}
	n, err := io.ReadFull(c.r, c.blkBuf[:min(int64(len(c.blkBuf)), c.remain)])
	if err != nil {
		c.err, c.done = badPNG("truncated"), true
		return false
	}
	c.crc.Write(c.blkBuf[:n])
	c.remain -= int64(n)
	c.read += int64(n)
	c.blk = c.blkBuf[:n]
	return true
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.blk) == 0 && !c.load() {
		return 0, io.EOF
	}
	n := copy(p, c.blk)
	c.blk = c.blk[n:]
	return n, nil
}

// ReadByte is what the inflater calls for nearly every byte.
func (c *chunkReader) ReadByte() (byte, error) {
	if len(c.blk) == 0 && !c.load() {
		return 0, io.EOF
	}
	b := c.blk[0]
	c.blk = c.blk[1:]
	return b, nil
}

package img

import (
	"image"
	"image/color"
)

// image/gif replaces the palette entry of the transparent index by
// transparent black, losing the colour the file gives it; PIL keeps it.
// gifTransparentColour reads the first frame's colour table (local, else
// global) and transparent index from the file, so that the colour under
// alpha 0 can be restored.
func gifTransparentColour(b []byte) (idx int, c color.NRGBA, ok bool) {
	if len(b) < 13 {
		return 0, c, false
	}
	var table []byte
	p := 13
	if flags := b[10]; flags&0x80 != 0 {
		n := 3 << (int(flags&7) + 1)
		if len(b) < p+n {
			return 0, c, false
		}
		table, p = b[p:p+n], p+n
	}
	idx = -1
	for p < len(b) {
		switch b[p] {
		case 0x21: // extension: label, then sub-blocks
			if p+2 > len(b) {
				return 0, c, false
			}
			if b[p+1] == 0xf9 && p+8 <= len(b) && b[p+2] == 4 && b[p+3]&1 != 0 {
				idx = int(b[p+6])
			}
			p += 2
			for p < len(b) && b[p] != 0 {
				p += int(b[p]) + 1
			}
			p++
		case 0x2c: // the first image: its local table wins
			if p+10 > len(b) {
				return 0, c, false
			}
			if flags := b[p+9]; flags&0x80 != 0 {
				n := 3 << (int(flags&7) + 1)
				if p+10+n > len(b) {
					return 0, c, false
				}
				table = b[p+10 : p+10+n]
			}
			if idx < 0 || 3*idx+3 > len(table) {
				return 0, c, false
			}
			return idx, color.NRGBA{table[3*idx], table[3*idx+1], table[3*idx+2], 0}, true
		default:
			return 0, c, false
		}
	}
	return 0, c, false
}

// restoreGIFHidden puts the file's colour back under m's transparent
// entry.
func restoreGIFHidden(m image.Image, data []byte) {
	pm, ok := m.(*image.Paletted)
	if !ok {
		return
	}
	if idx, c, ok := gifTransparentColour(data); ok && idx < len(pm.Palette) {
		if _, _, _, a := pm.Palette[idx].RGBA(); a == 0 {
			pm.Palette[idx] = c
		}
	}
}

//go:build linux

package simd

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"unsafe"
)

// TestDepthwiseRowsStayInside puts planes flush against an
// inaccessible page, ending at it and starting right after another, so
// that a load of one sample outside [0, width) (a padding column the
// masks should have switched off) faults and fails the test, at every
// level.
func TestDepthwiseRowsStayInside(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	// Pages 0 and 3 inaccessible; the rows live in pages 1 and 2.
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	if err := syscall.Mprotect(mem[3*page:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	floats := unsafe.Slice((*float32)(unsafe.Pointer(&mem[page])), 2*page/4)
	rng := rand.New(rand.NewPCG(11, 12))
	for i := range floats {
		floats[i] = float32(rng.NormFloat64())
	}
	k := randSlice(rng, 9, 0)
	eachLevel(t, func(l Level) {
		for _, n := range []int{1, 16, 17, 56, 64, 65, 128, 130} {
			for pads := range 4 {
				left, right := pads&1, pads>>1
				width := n + 2 - left - right
				if width < 1 {
					continue
				}
				// One plane ends at the guard page after; the other
				// starts at the guard page before. Output rows start a
				// row above the plane, so the first reads padding.
				for _, src := range [][]float32{floats[len(floats)-3*width:], floats[:3*width]} {
					out := make([]float32, 5*n)
					DepthwisePlane3x3(out, n, 5, n, src, 3, width, -1, left, k)
					DepthwisePlane3x3(out, n, 1, n, src, 3, width, 2, left, k)
				}
			}
		}
	})
}

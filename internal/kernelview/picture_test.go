package kernelview

import (
	"testing"

	"github.com/convtool/convtool/internal/kernel"
)

// TestKernelPicture checks the colour rules on sobel-x: blue for the
// most negative, white for zero, red for the most positive, half-way
// between for ±1, grey grid lines.
func TestKernelPicture(t *testing.T) {
	k, _, err := kernel.Parse("sobel-x")
	if err != nil {
		t.Fatal(err)
	}
	const cell = 8
	p := Picture(k, cell)
	if p.C != 3 || p.H != 3*(cell+1)+1 || p.W != 3*(cell+1)+1 {
		t.Fatalf("picture %s, want 3x28x28", p.Shape())
	}
	at := func(row, col int) [3]float32 {
		y, x := 1+row*(cell+1)+cell/2, 1+col*(cell+1)+cell/2
		return [3]float32{p.At(0, y, x), p.At(1, y, x), p.At(2, y, x)}
	}
	tests := []struct {
		row, col int
		want     [3]float32
	}{
		{1, 0, [3]float32{33, 102, 172}},  // -2: full blue
		{1, 1, [3]float32{255, 255, 255}}, // 0: white
		{1, 2, [3]float32{178, 24, 43}},   // 2: full red
		{0, 2, [3]float32{217, 140, 149}}, // 1: half-way to red, rounded
		{0, 0, [3]float32{144, 179, 214}}, // -1: half-way to blue, rounded
	}
	for _, tc := range tests {
		if got := at(tc.row, tc.col); got != tc.want {
			t.Errorf("cell (%d,%d) = %v, want %v", tc.row, tc.col, got, tc.want)
		}
	}
	if g := p.At(0, 0, 5); g != 128 {
		t.Errorf("grid line %v, want 128", g)
	}
	box, _, _ := kernel.Parse("1 0; 0 3")
	q := Picture(box, cell)
	if v := q.At(1, 1+cell/2, 1+cell/2); v != 85 {
		t.Errorf("grey map: 1 of 3 = %v, want 85", v)
	}
	if v := q.At(0, cell+5, cell+5); v != 255 {
		t.Errorf("grey map: largest = %v, want 255", v)
	}
	big, _, _ := kernel.Parse("gaussian:100")
	if b := Picture(big, 32); b.H > MaxPictureSide || b.W > MaxPictureSide {
		t.Errorf("801x801 kernel drawn %dx%d, over %d", b.H, b.W, MaxPictureSide)
	}
}

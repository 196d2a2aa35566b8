package tensor

import (
	"math"
	"testing"
)

func TestIndexing(t *testing.T) {
	x := New(2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	tests := []struct {
		c, y, xx int
		want     float32
	}{
		{0, 0, 0, 0}, {0, 0, 3, 3}, {0, 1, 0, 4}, {1, 0, 0, 12}, {1, 2, 3, 23},
	}
	for _, tc := range tests {
		if got := x.At(tc.c, tc.y, tc.xx); got != tc.want {
			t.Errorf("At(%d,%d,%d) = %v, want %v", tc.c, tc.y, tc.xx, got, tc.want)
		}
	}
	if p := x.Plane(1); len(p) != 12 || p[0] != 12 {
		t.Errorf("Plane(1) = %v", p)
	}
	x.Set(1, 2, 3, -1)
	if x.Data[23] != -1 {
		t.Errorf("Set did not store at the row-major offset")
	}
}

func TestFromDataRejectsWrongLength(t *testing.T) {
	if _, err := FromData(1, 2, 2, make([]float32, 3)); err == nil {
		t.Fatal("FromData accepted 3 values for a 1x2x2 shape")
	}
}

func TestMaxAbsDiff(t *testing.T) {
	a, _ := FromData(1, 1, 3, []float32{1, 2, float32(math.NaN())})
	b, _ := FromData(1, 1, 3, []float32{1, 2.5, float32(math.NaN())})
	if d := MaxAbsDiff(a, b); d != 0.5 {
		t.Errorf("MaxAbsDiff = %v, want 0.5", d)
	}
	c, _ := FromData(1, 1, 3, []float32{1, 2, 3})
	if d := MaxAbsDiff(a, c); !math.IsInf(d, 1) {
		t.Errorf("NaN against a number should be +Inf, got %v", d)
	}
	if d := MaxAbsDiff(a, New(1, 3, 1)); !math.IsInf(d, 1) {
		t.Errorf("different shapes should be +Inf, got %v", d)
	}
	lo, hi := a.MinMax()
	if lo != 1 || hi != 2 {
		t.Errorf("MinMax = %v,%v, want 1,2", lo, hi)
	}
}

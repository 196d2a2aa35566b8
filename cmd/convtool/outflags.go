package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// qualityFlag is --quality: 1..100, refused at parse time otherwise.
type qualityFlag struct{ q *int }

func (f *qualityFlag) String() string {
	if f.q == nil || *f.q == 0 {
		return "75"
	}
	return strconv.Itoa(*f.q)
}
func (f *qualityFlag) Type() string { return "int" }
func (f *qualityFlag) Set(s string) error {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 1 || v > 100 {
		return fmt.Errorf("%q: want a JPEG quality from 1 to 100 (as libvips' Q)", s)
	}
	*f.q = v
	return nil
}

// backgroundFlag is --background: one value or R,G,B, each 0..255.
type backgroundFlag struct{ bg *[]float64 }

func (f *backgroundFlag) String() string {
	if f.bg == nil || len(*f.bg) == 0 {
		return "0"
	}
	parts := make([]string, len(*f.bg))
	for i, v := range *f.bg {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}
func (f *backgroundFlag) Type() string { return "R,G,B" }
func (f *backgroundFlag) Set(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 1 && len(parts) != 3 {
		return fmt.Errorf("%q: want one value or R,G,B", s)
	}
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > 255 {
			return fmt.Errorf("%q: want numbers from 0 to 255", s)
		}
		out[i] = v
	}
	*f.bg = out
	return nil
}

package imgconv

import (
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
)

// TestChoose is the alpha rule, kernel kind by kernel kind.
func TestChoose(t *testing.T) {
	tests := []struct {
		spec   string
		asked  Alpha
		want   Alpha
		why    string
		refuse string
	}{
		{"box:5", Auto, Convolve, "smoothing kernel", ""},
		{"gaussian:1.5", Auto, Convolve, "smoothing kernel", ""},
		{"disk:2", Auto, Convolve, "smoothing kernel", ""},
		{"sobel-x", Auto, Keep, "zero-sum kernel", ""},
		{"laplacian", Auto, Keep, "zero-sum kernel", ""},
		{"log:1.5", Auto, Keep, "zero-sum kernel", ""},
		{"sharpen", Auto, Keep, "signed kernel", ""},
		{"emboss", Auto, Keep, "signed kernel", ""},
		{"identity", Auto, Keep, "single-element kernel", ""},
		{"3x3+0+0: 0,0,0,0,0,0,0,0,2", Auto, Keep, "single-element kernel", ""},
		{"box:5", Keep, Keep, "--alpha keep", ""},
		{"sharpen", Convolve, Convolve, "--alpha convolve", ""},
		{"sobel-x", Convolve, 0, "", "(sum 0) would make opaque pixels transparent"},
		{"-1 -1; -1 -1", Convolve, 0, "", "(sum -4) would make opaque pixels transparent (an opaque area's alpha convolves to below 0)"},
	}
	for _, tc := range tests {
		k, _, err := kernel.Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		got, why, err := Choose(tc.asked, k)
		if tc.refuse != "" {
			if err == nil || !strings.Contains(err.Error(), tc.refuse) {
				t.Errorf("%s: error %v, want one containing %q", tc.spec, err, tc.refuse)
			}
			continue
		}
		if err != nil || got != tc.want || !strings.Contains(why, tc.why) {
			t.Errorf("%s asked %d: %d %q %v; want %d, %q", tc.spec, tc.asked, got, why, err, tc.want, tc.why)
		}
	}
	for _, w := range []string{"", "auto", "keep", "convolve"} {
		if _, err := ParseAlpha(w); err != nil {
			t.Errorf("ParseAlpha(%q): %v", w, err)
		}
	}
	if _, err := ParseAlpha("premultiply"); err == nil {
		t.Errorf("ParseAlpha accepted premultiply")
	}
}

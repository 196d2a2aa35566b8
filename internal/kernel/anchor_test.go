package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnchorByForm: an even side is anchored as the tool of the kernel's
// form (OpenCV's and libvips' k/2, ImageMagick's (k-1)/2 or +X+Y, the
// 'same' rule otherwise); odd sides are centred under every rule. The
// results the anchors give are checked against the tools in
// cmd/convtool (TestEvenKernelAnchors).
func TestAnchorByForm(t *testing.T) {
	mat := filepath.Join(t.TempDir(), "k.mat")
	if err := os.WriteFile(mat, []byte("3 2\n1 2 3\n4 5 6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec   string
		y, x   int
		form   Form
		rule   string
		hasOrg bool
	}{
		{"box:4", 2, 2, FormBuiltin, "OpenCV's anchor k/2", true},
		{"box:3", 1, 1, FormBuiltin, "centre", false},
		{"gaussian:1:6", 3, 3, FormBuiltin, "OpenCV's anchor k/2", true},
		{mat, 1, 1, FormVips, "libvips' anchor k/2", true},
		{"3x2: 1,2,3,4,5,6", 0, 1, FormImageMagick, "ImageMagick's origin (k-1)/2", false},
		{"3x2+2+1: 1,2,3,4,5,6", 1, 2, FormImageMagick, "given, +2+1", true},
		{"1 2; 3 4", 0, 0, FormMatrix, "the smaller half of the padding goes first", false},
	}
	for _, tc := range tests {
		k, _, err := Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		y, x := k.Anchor()
		if y != tc.y || x != tc.x || k.Form != tc.form || k.HasOrigin != tc.hasOrg || !strings.Contains(k.OriginRule(), tc.rule) {
			t.Errorf("%s: anchor (%d,%d) form %v origin %v %q; want (%d,%d) %v %v %q", tc.spec, y, x, k.Form, k.HasOrigin, k.OriginRule(), tc.y, tc.x, tc.form, tc.hasOrg, tc.rule)
		}
	}
	// The op names ImageMagick's method for its own form.
	k, _, _ := Parse("3x3: 0,0,0,0,1,0,0,0,0")
	if !strings.Contains(k.Op(false), "-morphology Correlate") || !strings.Contains(k.Op(true), "-morphology Convolve") {
		t.Errorf("ImageMagick op: %q / %q", k.Op(false), k.Op(true))
	}
	if k, _, _ := Parse("box:3"); k.Op(false) != "correlation" || k.Op(true) != "convolution (kernel flipped)" {
		t.Errorf("built-in op: %q / %q", k.Op(false), k.Op(true))
	}
}

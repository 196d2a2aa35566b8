package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShiftCommand runs two of internal/equivar's PyTorch cases through
// the command line and checks the JSON against the fixture's numbers.
func TestShiftCommand(t *testing.T) {
	dir := filepath.Join(repoTestdata, "equivar")
	pic := filepath.Join(t.TempDir(), "s.png")
	for _, tc := range []struct {
		args []string
		want map[string]float64
	}{
		{[]string{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), pic, "--by", "2,3", "-k", filepath.Join(dir, "conv3_s1_p1.k.npy"), "--padding", "1", "--json"},
			map[string]float64{"equivariance": 0, "unchanged": 0.0180921}},
		{[]string{"shift", filepath.Join(dir, "max2_s2_shift1.x.npy"), "--by", "1,0", "--pool", "max", "--size", "2", "--json"},
			map[string]float64{"unchanged": 0.24359}},
	} {
		r := runCLI(t, nil, tc.args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v: %v in %q", tc.args, err, r.stdout)
		}
		for k, v := range tc.want {
			if g, ok := got[k].(float64); !ok || g != v {
				t.Errorf("%v: %s = %v, want %v", tc.args, k, got[k], v)
			}
		}
	}
	if d := readTensor(t, pic); d.T.C != 3 || d.T.W < 400 {
		t.Errorf("the picture is %s", d.T.Shape())
	}
	r := runCLI(t, nil, "shift", filepath.Join(dir, "conv3_s2_odd.x.npy"), "--by", "3,1", "-k", "box:3", "--stride", "2", "--padding", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "equivariance: not defined") {
		t.Errorf("a shift the stride does not divide: %d %q", r.code, r.stdout)
	}
	for _, args := range [][]string{
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy")},
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), "-k", "box:3", "--pool", "max", "--size", "2"},
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), "--pool", "max"},
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), "-k", "box:3", "--by", "1,x"},
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), "-k", "box:3", "--by", "30,0"},
		{"shift", filepath.Join(dir, "conv3_s1_p1.x.npy"), filepath.Join(t.TempDir(), "p.npy"), "-k", "box:3"},
	} {
		if r := runCLI(t, nil, args...); r.code != 2 {
			t.Errorf("%v: exit %d, %q; want a usage error", args, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "p.npy")); err == nil {
		t.Error("wrote p.npy")
	}
}

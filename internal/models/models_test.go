package models

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/forward"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensorio"
)

// TestDigitsHeldOut runs the shipped model on the held-out digits that
// train_digits.py wrote and checks each prediction, and so the accuracy,
// against PyTorch's for the same float16 weights. An argmax is compared,
// not a tolerance: the fixture's float32 logits of the 360 digits are
// nowhere near a tie at float16-weight precision, so any difference is a
// bug.
func TestDigitsHeldOut(t *testing.T) {
	b, ok := Get("digits")
	if !ok {
		t.Fatal("no digits model")
	}
	n, err := shape.ParseNet(strings.NewReader(b.Net), "digits.net")
	if err != nil {
		t.Fatal(err)
	}
	w, err := forward.DecodeSafetensors(b.Weights)
	if err != nil {
		t.Fatal(err)
	}
	m, err := forward.Build(n, nil, w, "digits")
	if err != nil {
		t.Fatal(err)
	}
	dir := "../../testdata/digits"
	raw, err := os.ReadFile(filepath.Join(dir, "heldout.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Correct, Total int
		Predictions    map[string]int
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Predictions) != want.Total || want.Total == 0 {
		t.Fatalf("heldout.json: %d predictions for %d digits", len(want.Predictions), want.Total)
	}
	correct := 0
	for name, p := range want.Predictions {
		d, err := tensorio.Read(filepath.Join(dir, "heldout", name), tensorio.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		x := d.T
		for i := range x.Data {
			x.Data[i] /= 255
		}
		out, err := m.Run(x, nil)
		if err != nil {
			t.Fatal(err)
		}
		best := 0
		for i, v := range out.Data {
			if v > out.Data[best] {
				best = i
			}
		}
		if best != p {
			t.Errorf("%s: predicted %d, PyTorch %d", name, best, p)
		}
		if label := name[strings.IndexByte(name, '-')+1 : len(name)-len(".png")]; label == b.Labels[best] {
			correct++
		}
	}
	if correct != want.Correct {
		t.Errorf("%d of %d held-out digits right, the training script reported %d", correct, want.Total, want.Correct)
	}
}

package forward

import (
	"fmt"
	"slices"
	"strings"

	"github.com/convtool/convtool/internal/shape"
)

// Param is one tensor a layer needs: its state_dict name and shape.
type Param struct {
	Key   string
	Shape []int
}

// ShapeString renders the shape as "64x3x7x7".
func (p Param) ShapeString() string { return shapeString(p.Shape) }

func shapeString(s []int) string {
	if len(s) == 0 {
		return "scalar"
	}
	f := make([]string, len(s))
	for i, d := range s {
		f[i] = fmt.Sprint(d)
	}
	return strings.Join(f, "x")
}

// LayerParams lists the tensors layer r needs, in state_dict order.
func LayerParams(r *shape.Result) []Param {
	l := r.Layer
	n := l.Name
	var ps []Param
	switch l.Kind {
	case shape.Conv, shape.DWConv:
		g := l.Groups
		if l.Kind == shape.DWConv {
			g = r.In.C
		}
		ps = append(ps, Param{n + ".weight", []int{r.Out.C, r.In.C / g, l.Kernel.H, l.Kernel.W}})
		if l.Bias {
			ps = append(ps, Param{n + ".bias", []int{r.Out.C}})
		}
	case shape.ConvT:
		ps = append(ps, Param{n + ".weight", []int{r.In.C, r.Out.C / l.Groups, l.Kernel.H, l.Kernel.W}})
		if l.Bias {
			ps = append(ps, Param{n + ".bias", []int{r.Out.C}})
		}
	case shape.FC:
		ps = append(ps, Param{n + ".weight", []int{r.Out.C, r.In.H * r.In.W * r.In.C}})
		if l.Bias {
			ps = append(ps, Param{n + ".bias", []int{r.Out.C}})
		}
	case shape.Linear:
		ps = append(ps, Param{n + ".weight", []int{r.Out.C, r.In.C}})
		if l.Bias {
			ps = append(ps, Param{n + ".bias", []int{r.Out.C}})
		}
	case shape.LayerNorm, shape.GroupNorm:
		c := []int{r.In.C}
		ps = append(ps, Param{n + ".weight", c}, Param{n + ".bias", c})
	case shape.BatchNorm:
		c := []int{r.In.C}
		ps = append(ps, Param{n + ".weight", c}, Param{n + ".bias", c},
			Param{n + ".running_mean", c}, Param{n + ".running_var", c})
	}
	return ps
}

// Params lists every tensor the walked network needs, layer by layer.
func Params(res *shape.NetResult) []Param {
	var ps []Param
	for _, li := range res.Layers {
		ps = append(ps, LayerParams(li.Result)...)
	}
	return ps
}

// Misshaped is a tensor whose shape differs from the one its layer needs.
type Misshaped struct {
	Key       string
	Got, Want []int
}

// WeightsError lists every problem with a set of weights at once.
type WeightsError struct {
	File       string
	Missing    []Param
	Unexpected []string
	Misshaped  []Misshaped
	// Input is the size the network was walked at, named because an fc's
	// input width depends on it.
	Input shape.Dims
}

func (e *WeightsError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		f := make([]string, len(e.Missing))
		for i, p := range e.Missing {
			f[i] = p.Key + " (" + p.ShapeString() + ")"
		}
		parts = append(parts, fmt.Sprintf("%d missing: %s", len(f), strings.Join(f, ", ")))
	}
	if len(e.Misshaped) > 0 {
		f := make([]string, len(e.Misshaped))
		for i, m := range e.Misshaped {
			f[i] = fmt.Sprintf("%s is %s, want %s", m.Key, shapeString(m.Got), shapeString(m.Want))
		}
		parts = append(parts, fmt.Sprintf("%d mis-shaped: %s", len(f), strings.Join(f, ", ")))
	}
	if len(e.Unexpected) > 0 {
		parts = append(parts, fmt.Sprintf("%d unexpected: %s", len(e.Unexpected), strings.Join(e.Unexpected, ", ")))
	}
	msg := fmt.Sprintf("%s: weights do not fit the network at input %s: %s", e.File, e.Input, strings.Join(parts, "; "))
	return msg
}

// Check compares w with what the walked network needs and returns a
// *WeightsError naming every missing, mis-shaped and unexpected tensor, or
// nil. file names the weights in the message.
func Check(res *shape.NetResult, w Weights, file string) error {
	e := &WeightsError{File: file, Input: res.Input}
	want := map[string]bool{}
	for _, p := range Params(res) {
		want[p.Key] = true
		a, ok := w[p.Key]
		switch {
		case !ok:
			e.Missing = append(e.Missing, p)
		case !slices.Equal(a.Shape, p.Shape):
			e.Misshaped = append(e.Misshaped, Misshaped{Key: p.Key, Got: a.Shape, Want: p.Shape})
		}
	}
	for _, k := range sortedKeys(w) {
		if !want[k] && !strings.HasSuffix(k, ".num_batches_tracked") {
			e.Unexpected = append(e.Unexpected, k)
		}
	}
	if len(e.Missing)+len(e.Misshaped)+len(e.Unexpected) == 0 {
		return nil
	}
	return e
}

package job

import (
	"fmt"
	"strings"

	"github.com/convtool/convtool/internal/shape"
)

// ShapeLayerRequest is what the user asked of `convtool shape
// conv|pool|transpose`: one layer on an input size.
type ShapeLayerRequest struct {
	Kind shape.Kind
	// Input is HxWxC.
	Input string
	// Kernel, Stride, Dilation, OutPadding: "N" or "NH,NW" ("" : the
	// layer's default). Padding also same or valid.
	Kernel, Stride, Padding, Dilation, OutPadding string
	Groups, Filters                               int
	Bias, Ceil, Depthwise                         bool
	// Changed reports whether a flag was given (nil: none was).
	Changed func(flag string) bool
}

// Plan parses the request into the input size and the layer.
func (r *ShapeLayerRequest) Plan() (shape.Dims, shape.Layer, error) {
	var l shape.Layer
	if r.Input == "" {
		return shape.Dims{}, l, Usagef("--input HxWxC is required, e.g. --input 224x224x3")
	}
	in, err := shape.ParseDims(r.Input)
	if err != nil {
		return in, l, Usagef("--input: %v", err)
	}
	if r.Kernel == "" {
		return in, l, Usagef("-k/--kernel K is required")
	}
	changed := r.Changed
	if changed == nil {
		changed = func(string) bool { return false }
	}
	l = shape.NewLayer(r.Kind)
	for _, p := range []struct {
		flag, val string
		dst       *shape.Pair
		lo        int
	}{
		{"kernel", r.Kernel, &l.Kernel, 1}, {"stride", r.Stride, &l.Stride, 1},
		{"dilation", r.Dilation, &l.Dilation, 1}, {"output-padding", r.OutPadding, &l.OutPad, 0},
	} {
		if p.val == "" {
			continue
		}
		if *p.dst, err = shape.FlagPair(p.flag, p.val, p.lo); err != nil {
			return in, l, Usagef("%v", err)
		}
	}
	if l.Padding, err = shape.ParsePadding(r.Padding); err != nil {
		return in, l, Usagef("--%v", err)
	}
	if r.Filters < 0 {
		return in, l, Usagef("--filters %d: must be positive", r.Filters)
	}
	if r.Groups < 1 {
		return in, l, Usagef("--groups %d: must be at least 1", r.Groups)
	}
	if r.Depthwise {
		if changed("groups") {
			return in, l, Usagef("--depthwise sets the groups to the input channels; drop --groups")
		}
		l.Kind = shape.DWConv
	}
	l.Filters, l.Groups, l.Bias, l.Ceil = r.Filters, r.Groups, r.Bias, r.Ceil
	l.OutPadSet = r.Kind == shape.ConvT && changed("output-padding")
	if r.Kind == shape.MaxPool {
		l.Bias = false
	}
	return in, l, nil
}

// ShapeLayer prints what layer l does to input in: the arithmetic, or
// with env.JSON its document.
func ShapeLayer(in shape.Dims, l shape.Layer, env *Env) error {
	r, err := shape.Apply(l, in)
	if err != nil {
		return fmt.Errorf("%s on %s: %w", l.Spec(false), in, err)
	}
	if env.JSON {
		return env.PrintJSON(shape.LayerDoc(l, r))
	}
	_, err = fmt.Fprint(env.Stdout, shape.LayerText(l, r))
	return err
}

// ShapeNetRequest is what the user asked of `convtool shape net`.
type ShapeNetRequest struct {
	// Source is a preset name or a network file.
	Source string
	// Input, if set (HxWxC), replaces the network's input size.
	Input string
	// Print prints the network's text; List lists the presets.
	Print, List bool
	// Plot, if set, is where the network is drawn (.png or .svg).
	Plot string
	// RF ("Y,X"), with Layer (a name or row number), Image and RFOut,
	// draws that output position's receptive field on the image.
	RF, Layer, Image, RFOut string
}

// ShapeNet walks a network and prints its table (or JSON), or lists the
// presets, or prints a network's text.
func ShapeNet(r ShapeNetRequest, env *Env) error {
	var in *shape.Dims
	if r.Input != "" {
		d, err := shape.ParseDims(r.Input)
		if err != nil {
			return Usagef("--input: %v", err)
		}
		in = &d
	}
	if r.List && r.Print {
		return Usagef("--list and --print exclude each other")
	}
	if err := r.checkNetPictures(); err != nil {
		return err
	}
	if r.List {
		if env.JSON {
			return env.PrintJSON(shape.Presets())
		}
		_, err := fmt.Fprintln(env.Stdout, strings.Join(shape.Presets(), "\n"))
		return err
	}
	n, text, err := shape.Load(r.Source)
	if err != nil {
		return err
	}
	if r.Print {
		_, err := fmt.Fprint(env.Stdout, text)
		return err
	}
	if r.RF != "" {
		return shapeRF(r, n, env)
	}
	res, err := shape.Walk(n, in)
	if err != nil {
		return err
	}
	if r.Plot != "" {
		if err := env.writeNetPlot(r.Plot, res); err != nil {
			return err
		}
	}
	if env.JSON {
		return env.PrintJSON(shape.NetDoc(res))
	}
	_, err = fmt.Fprint(env.Stdout, shape.NetText(res))
	return err
}

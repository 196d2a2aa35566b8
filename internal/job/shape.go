package job

import (
	"fmt"
	"strconv"
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
	// Invert also gives the transposed convolution that restores the
	// input size (conv only).
	Invert bool
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
// with env.JSON its document. An input that looks channels-first gets a
// warning on Stderr; with invert, the transposed convolution that restores
// the input follows; paddingGiven false adds a note that shape's default
// padding (0) is not conv's (same).
func ShapeLayer(in shape.Dims, l shape.Layer, invert, paddingGiven bool, env *Env) error {
	if w := shape.LayoutWarning(in); w != "" && !env.Quiet {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	r, err := shape.Apply(l, in)
	if err != nil {
		return fmt.Errorf("%s on %s (HxWxC): %w", l.Spec(false), in, err)
	}
	var inv *shape.Result
	if invert {
		if _, inv, err = shape.Invert(l, in); err != nil {
			return err
		}
	}
	if env.JSON {
		return env.PrintJSON(shape.LayerDoc(l, r, inv))
	}
	var notes []string
	if l.Kind != shape.MaxPool && !paddingGiven {
		notes = append(notes, "padding 0 is shape's default (PyTorch's); convtool conv pads same by default")
	}
	_, err = fmt.Fprint(env.Stdout, shape.LayerText(l, r, inv, notes))
	return err
}

// ShapeNetRequest is what the user asked of `convtool shape net`.
type ShapeNetRequest struct {
	// Source is a preset name, a network file (.net, .onnx, Darknet .cfg,
	// Keras .json) or "-" for standard input.
	Source string
	// Other is the second network of Diff.
	Other string
	// Input, if set (HxWxC), replaces the network's input size.
	Input string
	// Print prints the network's text (an imported one converted); List
	// lists the presets; Diff compares Source with Other.
	Print, List, Diff bool
	// Batch (≥ 1; 0 means 1 unless BatchGiven) and DType are what MACs,
	// FLOPs and memory assume.
	Batch      int
	BatchGiven bool
	DType      string
	// Fit, "LO..HI", lists the square input sizes that fit.
	Fit string
	// Plot, if set, is where the network is drawn (.png or .svg).
	Plot string
	// RF ("Y,X"), with Layer (a name or row number), Image and RFOut,
	// draws that output position's receptive field on the image.
	RF, Layer, Image, RFOut string
}

// ShapeNet walks a network and prints its table (or JSON), or lists the
// presets, prints a network's text, lists the input sizes that fit, or
// compares two networks.
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
	if r.Batch < 0 || r.Batch == 0 && r.BatchGiven {
		return Usagef("--batch %d: must be at least 1", r.Batch)
	}
	if r.DType == "" {
		r.DType = "float32"
	}
	dtype, err := shape.ParseDType(r.DType)
	if err != nil {
		return Usagef("--%v", err)
	}
	var fitLo, fitHi int
	if r.Fit != "" {
		lo, hi, ok := strings.Cut(r.Fit, "..")
		var err1, err2 error
		fitLo, err1 = strconv.Atoi(lo)
		fitHi, err2 = strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil || fitLo < 1 || fitHi < fitLo || fitHi-fitLo > 100000 {
			return Usagef("--fit %q: want LO..HI, e.g. 200..600 (at most 100000 sizes)", r.Fit)
		}
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
	n, text, err := shape.Load(r.Source, env.Stdin)
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
	if r.Fit != "" {
		fits := shape.Fit(n, fitLo, fitHi)
		if env.JSON {
			return env.PrintJSON(map[string]any{"name": n.Name, "from": fitLo, "to": fitHi, "sizes": append([]int{}, fits...)})
		}
		_, err := fmt.Fprintf(env.Stdout, "%s: %d of %d square input sizes in %d..%d fit (every add/concat matches, no rows dropped):\n%s\n",
			n.Name, len(fits), fitHi-fitLo+1, fitLo, fitHi, shape.Ranges(fits))
		return err
	}
	opt := shape.WalkOptions{Input: in, Batch: r.Batch, DType: dtype}
	res, err := shape.WalkWith(n, opt)
	if err != nil {
		return err
	}
	if r.Diff {
		m, _, err := shape.Load(r.Other, env.Stdin)
		if err != nil {
			return err
		}
		other, err := shape.WalkWith(m, opt)
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(env.Stdout, shape.Diff(res, other))
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

package shape

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

type kerasLayer struct {
	ClassName string          `json:"class_name"`
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	Inbound   json.RawMessage `json:"inbound_nodes"`
}

type kerasConfig struct {
	Name             string          `json:"name"`
	BatchInputShape  []*int          `json:"batch_input_shape"`
	BatchShape       []*int          `json:"batch_shape"`
	Filters          int             `json:"filters"`
	Units            int             `json:"units"`
	KernelSize       json.RawMessage `json:"kernel_size"`
	Strides          json.RawMessage `json:"strides"`
	PoolSize         json.RawMessage `json:"pool_size"`
	DilationRate     json.RawMessage `json:"dilation_rate"`
	Size             json.RawMessage `json:"size"`
	Padding          json.RawMessage `json:"padding"`
	OutputPadding    json.RawMessage `json:"output_padding"`
	Groups           int             `json:"groups"`
	DepthMultiplier  int             `json:"depth_multiplier"`
	UseBias          *bool           `json:"use_bias"`
	Activation       string          `json:"activation"`
	Interpolation    string          `json:"interpolation"`
	Rate             float64         `json:"rate"`
	MaxValue         *float64        `json:"max_value"`
	Axis             json.RawMessage `json:"axis"`
	DataFormat       string          `json:"data_format"`
	KeepDims         bool            `json:"keepdims"`
	Layers           []kerasLayer    `json:"layers"`
	NegativeSlope    *float64        `json:"negative_slope"`
	Alpha            *float64        `json:"alpha"`
	Epsilon          *float64        `json:"epsilon"`
	KernelInitialize json.RawMessage `json:"kernel_initializer"`
}

// kerasPair reads an int or a list of two ints (nil: def).
func kerasPair(raw json.RawMessage, def Pair) (Pair, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return def, nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return Square(n), nil
	}
	var v []int
	if err := json.Unmarshal(raw, &v); err != nil || len(v) != 2 {
		return Pair{}, fmt.Errorf("%s: want N or [NH, NW]", raw)
	}
	return Pair{v[0], v[1]}, nil
}

// kerasInbound lists the layer names a layer reads, for the Keras 2
// ([[["name", 0, 0, {}], …]]) and Keras 3 ([{"args": [...]}] with
// keras_history) forms.
func kerasInbound(raw json.RawMessage) []string {
	var names []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			if len(x) >= 3 {
				if s, ok := x[0].(string); ok {
					if _, ok := x[1].(float64); ok {
						names = append(names, s)
						return
					}
				}
			}
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			if h, ok := x["keras_history"].([]any); ok && len(h) > 0 {
				if s, ok := h[0].(string); ok {
					names = append(names, s)
					return
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k])
			}
		}
	}
	var v any
	if json.Unmarshal(raw, &v) == nil {
		walk(v)
	}
	return names
}

// ReadKeras converts a Keras model's JSON (model.to_json(), Sequential or
// Functional, Keras 2 or 3, channels_last) to a network. Dense becomes
// linear (Keras's Dense acts on the last axis; after Flatten or global
// pooling that is fc's arithmetic); an activation inside a layer becomes a
// layer of its own. Keras counts batch norm's moving statistics as
// (non-trainable) parameters, 4·C; like PyTorch this counts 2·C. Layers it
// does not know are named, all of them, in one error.
func ReadKeras(b []byte, file string) (*Network, error) {
	var top struct {
		ClassName string      `json:"class_name"`
		Config    kerasConfig `json:"config"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%s: not a Keras model JSON: %v", file, err)
	}
	if len(top.Config.Layers) == 0 {
		return nil, fmt.Errorf("%s: not a Keras model JSON: no config.layers", file)
	}
	c := &importer{net: &Network{Name: file}, producer: map[string]string{}, used: map[string]bool{}}
	sequential := top.ClassName == "Sequential"
	unsupported := map[string]bool{}
	prev := ""
	for i, kl := range top.Config.Layers {
		var cfg kerasConfig
		if err := json.Unmarshal(kl.Config, &cfg); err != nil {
			return nil, fmt.Errorf("%s: layer %d (%s): %v", file, i+1, kl.ClassName, err)
		}
		name := kl.Name
		if name == "" {
			name = cfg.Name
		}
		if name == "" {
			name = fmt.Sprintf("%s%d", strings.ToLower(kl.ClassName), i+1)
		}
		if cfg.DataFormat == "channels_first" {
			return nil, fmt.Errorf("%s: layer %s: channels_first is not read", file, name)
		}
		inputs := kerasInbound(kl.Inbound)
		if sequential || (len(inputs) == 0 && kl.ClassName != "InputLayer") {
			inputs = nil
			if prev != "" {
				inputs = []string{prev}
			}
		}
		shape := cfg.BatchInputShape
		if shape == nil {
			shape = cfg.BatchShape
		}
		if len(c.net.Layers) == 0 {
			if len(shape) != 4 || shape[1] == nil || shape[2] == nil || shape[3] == nil {
				return nil, fmt.Errorf("%s: the first layer needs batch_input_shape [null, H, W, C]", file)
			}
			in := NewLayer(Input)
			in.Name, in.In = "input", Dims{H: *shape[1], W: *shape[2], C: *shape[3]}
			c.add(in, "")
			c.producer[name] = "input"
			prev = name
			if kl.ClassName == "InputLayer" {
				continue
			}
			inputs = []string{name}
		}
		var refs []string
		for _, in := range inputs {
			p, ok := c.producer[in]
			if !ok {
				return nil, fmt.Errorf("%s: layer %s reads %s, which comes before no layer", file, name, in)
			}
			refs = append(refs, p)
		}
		if len(refs) == 0 {
			return nil, fmt.Errorf("%s: layer %s has no input", file, name)
		}
		ls, err := kerasLayers(kl.ClassName, cfg, refs)
		if err != nil {
			return nil, fmt.Errorf("%s: layer %s (%s): %v", file, name, kl.ClassName, err)
		}
		if ls == nil {
			unsupported[kl.ClassName] = true
			c.producer[name] = refs[0]
			prev = name
			continue
		}
		if act := kerasActivation(cfg.Activation); act != "" {
			if act == "?" {
				unsupported["activation "+cfg.Activation] = true
			} else {
				ls = append(ls, kerasActivationLayer(act))
			}
		}
		for j, l := range ls {
			l.Line = i + 1
			l.Name = sanitize(name)
			if j < len(ls)-1 {
				l.Name += "." + string(l.Kind)
			}
			l.Name = c.unique(l.Name)
			src := ""
			if j == 0 && l.Kind != Concat {
				src = refs[0]
			}
			c.add(l, src)
		}
		c.producer[name] = c.net.Layers[len(c.net.Layers)-1].Name
		prev = name
	}
	if len(unsupported) > 0 {
		var names []string
		for k := range unsupported {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("%s: unsupported Keras layers: %s", file, strings.Join(names, ", "))
	}
	return c.net, nil
}

// kerasActivation maps a Keras activation name to a kind ("" for linear
// or none, "?" for one it does not know).
func kerasActivation(a string) Kind {
	switch a {
	case "", "linear":
		return ""
	case "relu":
		return ReLU
	case "relu6":
		return ReLU6
	case "sigmoid":
		return Sigmoid
	case "tanh":
		return Tanh
	case "softmax":
		return Softmax
	case "swish", "silu":
		return SiLU
	case "gelu":
		return GELU
	case "hard_sigmoid":
		return HardSig
	case "hard_swish", "hard_silu":
		return HardSwish
	case "leaky_relu":
		return LeakyReLU
	case "mish":
		return Mish
	}
	return "?"
}

// kerasActivationLayer is the layer of an activation named by a string:
// Keras's leaky_relu function has negative slope 0.2.
func kerasActivationLayer(k Kind) Layer {
	l := NewLayer(k)
	if k == LeakyReLU {
		l.Slope = 0.2
	}
	return l
}

// kerasFloat returns *v, or def when the config does not give it.
func kerasFloat(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}

// kerasPadding reads "same" or "valid".
func kerasPadding(raw json.RawMessage) (Padding, error) {
	var s string
	if len(raw) == 0 {
		return Padding{Mode: PadValid}, nil
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return Padding{}, fmt.Errorf("padding %s: want \"same\" or \"valid\"", raw)
	}
	switch s {
	case "same":
		return Padding{Mode: PadSame}, nil
	case "valid":
		return Padding{Mode: PadValid}, nil
	}
	return Padding{}, fmt.Errorf("padding %q: want same or valid", s)
}

// kerasLayers converts one layer; nil, nil for a class it does not know.
func kerasLayers(class string, cfg kerasConfig, refs []string) ([]Layer, error) {
	bias := cfg.UseBias == nil || *cfg.UseBias
	window := func(kind Kind, kraw, sraw json.RawMessage, sdef *Pair) (Layer, error) {
		l := NewLayer(kind)
		var err error
		if l.Kernel, err = kerasPair(kraw, Square(1)); err != nil {
			return l, err
		}
		def := Square(1)
		if sdef != nil {
			def = *sdef
		}
		if l.Stride, err = kerasPair(sraw, def); err != nil {
			return l, err
		}
		if l.Dilation, err = kerasPair(cfg.DilationRate, Square(1)); err != nil {
			return l, err
		}
		l.Padding, err = kerasPadding(cfg.Padding)
		return l, err
	}
	switch class {
	case "Conv2D", "Conv2DTranspose":
		kind := Conv
		if class == "Conv2DTranspose" {
			kind = ConvT
		}
		l, err := window(kind, cfg.KernelSize, cfg.Strides, nil)
		if err != nil {
			return nil, err
		}
		l.Filters, l.Groups, l.Bias = cfg.Filters, max(cfg.Groups, 1), bias
		if kind == ConvT && len(cfg.OutputPadding) > 0 && string(cfg.OutputPadding) != "null" {
			if l.OutPad, err = kerasPair(cfg.OutputPadding, Pair{}); err != nil {
				return nil, err
			}
			l.OutPadSet = true
		}
		return []Layer{l}, nil
	case "DepthwiseConv2D", "SeparableConv2D":
		if cfg.DepthMultiplier > 1 {
			return nil, fmt.Errorf("depth_multiplier %d: only 1 is read", cfg.DepthMultiplier)
		}
		l, err := window(DWConv, cfg.KernelSize, cfg.Strides, nil)
		if err != nil {
			return nil, err
		}
		if class == "DepthwiseConv2D" {
			l.Bias = bias
			return []Layer{l}, nil
		}
		l.Bias = false
		pw := NewLayer(Conv)
		pw.Filters, pw.Bias = cfg.Filters, bias
		return []Layer{l, pw}, nil
	case "MaxPooling2D", "AveragePooling2D":
		kind := MaxPool
		if class == "AveragePooling2D" {
			kind = AvgPool
		}
		k, err := kerasPair(cfg.PoolSize, Square(2))
		if err != nil {
			return nil, err
		}
		l, err := window(kind, cfg.PoolSize, cfg.Strides, &k)
		if err != nil {
			return nil, err
		}
		l.Kernel = k
		return []Layer{l}, nil
	case "GlobalAveragePooling2D":
		return []Layer{NewLayer(GAP)}, nil
	case "GlobalMaxPooling2D":
		l := NewLayer(AdaptMax)
		l.Out = Square(1)
		return []Layer{l}, nil
	case "BatchNormalization", "LayerNormalization":
		l := NewLayer(BatchNorm)
		if class == "LayerNormalization" {
			l = NewLayer(LayerNorm)
		}
		l.Eps = kerasFloat(cfg.Epsilon, 1e-3) // Keras's default, not PyTorch's 1e-5
		return []Layer{l}, nil
	case "Activation":
		if k := kerasActivation(cfg.Activation); k != "" && k != "?" {
			return []Layer{kerasActivationLayer(k)}, nil
		}
		return nil, nil
	case "ReLU":
		if cfg.MaxValue != nil && *cfg.MaxValue == 6 {
			return []Layer{NewLayer(ReLU6)}, nil
		}
		if (cfg.NegativeSlope != nil && *cfg.NegativeSlope != 0) || (cfg.MaxValue != nil) {
			return nil, nil
		}
		return []Layer{NewLayer(ReLU)}, nil
	case "LeakyReLU":
		l := NewLayer(LeakyReLU)
		// Keras 3 writes negative_slope, Keras 2 alpha; both default to 0.3.
		l.Slope = kerasFloat(cfg.NegativeSlope, kerasFloat(cfg.Alpha, 0.3))
		return []Layer{l}, nil
	case "Softmax":
		return []Layer{NewLayer(Softmax)}, nil
	case "Dense":
		l := NewLayer(Linear)
		l.Filters, l.Bias = cfg.Units, bias
		return []Layer{l}, nil
	case "Flatten":
		return []Layer{NewLayer(Flatten)}, nil
	case "Dropout", "SpatialDropout2D":
		l := NewLayer(Dropout)
		l.Rate = cfg.Rate
		return []Layer{l}, nil
	case "Add", "Multiply":
		if len(refs) < 2 {
			return nil, fmt.Errorf("needs two inputs")
		}
		kind := Add
		if class == "Multiply" {
			kind = Mul
		}
		var ls []Layer
		for _, r := range refs[1:] {
			l := NewLayer(kind)
			l.Ref = r
			ls = append(ls, l)
		}
		return ls, nil
	case "Concatenate":
		var axis int
		if len(cfg.Axis) > 0 && json.Unmarshal(cfg.Axis, &axis) == nil && axis != -1 && axis != 3 {
			return nil, fmt.Errorf("concatenation along axis %d: only channels (-1) are read", axis)
		}
		l := NewLayer(Concat)
		l.Refs = refs
		return []Layer{l}, nil
	case "UpSampling2D":
		s, err := kerasPair(cfg.Size, Square(2))
		if err != nil {
			return nil, err
		}
		if s.H != s.W {
			return nil, fmt.Errorf("size %s: only equal factors are read", s)
		}
		l := NewLayer(Upsample)
		l.Scale, l.Bilinear = float64(s.H), cfg.Interpolation == "bilinear"
		return []Layer{l}, nil
	case "ZeroPadding2D":
		l := NewLayer(Pad)
		var n int
		var two []int
		var four [][]int
		switch {
		case json.Unmarshal(cfg.Padding, &n) == nil:
			l.Edges = Edges{n, n, n, n}
		case json.Unmarshal(cfg.Padding, &two) == nil && len(two) == 2:
			l.Edges = Edges{Left: two[1], Right: two[1], Top: two[0], Bottom: two[0]}
		case json.Unmarshal(cfg.Padding, &four) == nil && len(four) == 2 && len(four[0]) == 2 && len(four[1]) == 2:
			l.Edges = Edges{Top: four[0][0], Bottom: four[0][1], Left: four[1][0], Right: four[1][1]}
		default:
			return nil, fmt.Errorf("padding %s: want N, [H, W] or [[top, bottom], [left, right]]", cfg.Padding)
		}
		return []Layer{l}, nil
	case "Rescaling", "Normalization", "InputLayer":
		return []Layer{NewLayer(Identity)}, nil
	}
	return nil, nil
}

package shape

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// The ONNX reader decodes the few messages of onnx.proto it needs with
// protowire (no generated code): ModelProto.graph (7); GraphProto.node
// (1), initializer (5), input (11); NodeProto.input (1), output (2), name
// (3), op_type (4), attribute (5); AttributeProto.name (1), f (2), i (3),
// s (4), t (5), floats (7), ints (8); TensorProto.dims (1), data_type (2),
// float_data (4), int64_data (7), name (8), raw_data (9);
// ValueInfoProto.name (1), type (2) → TypeProto.tensor_type (1) →
// shape (2) → dim (1) → dim_value (1).

type onnxTensor struct {
	// vals, when set, are the values of a tensor computed by evalConst
	vals   []float64
	name   string
	dims   []int64
	dtype  int64
	raw    []byte
	floats []float32
	ints   []int64
}

// values returns the tensor's numbers as float64 (float32, float64, int32
// and int64 tensors).
func (t *onnxTensor) values() []float64 {
	if t.vals != nil {
		return t.vals
	}
	var v []float64
	for _, f := range t.floats {
		v = append(v, float64(f))
	}
	for _, i := range t.ints {
		v = append(v, float64(i))
	}
	switch t.dtype {
	case 1: // FLOAT
		for i := 0; i+4 <= len(t.raw); i += 4 {
			v = append(v, float64(math.Float32frombits(binary.LittleEndian.Uint32(t.raw[i:]))))
		}
	case 11: // DOUBLE
		for i := 0; i+8 <= len(t.raw); i += 8 {
			v = append(v, math.Float64frombits(binary.LittleEndian.Uint64(t.raw[i:])))
		}
	case 6: // INT32
		for i := 0; i+4 <= len(t.raw); i += 4 {
			v = append(v, float64(int32(binary.LittleEndian.Uint32(t.raw[i:]))))
		}
	case 7: // INT64
		for i := 0; i+8 <= len(t.raw); i += 8 {
			v = append(v, float64(int64(binary.LittleEndian.Uint64(t.raw[i:]))))
		}
	}
	return v
}

type onnxAttr struct {
	f      float64
	i      int64
	s      string
	t      *onnxTensor
	floats []float64
	ints   []int64
}

type onnxNode struct {
	inputs, outputs []string
	name, op        string
	attrs           map[string]onnxAttr
}

// float returns the float attribute name, or def when the node has none.
// ONNX stores floats in 32 bits: the value is read back as the shortest
// decimal of that float32 (torch's 0.1 is written 0.1, not 0.100000001).
func (n onnxNode) float(name string, def float64) float64 {
	a, ok := n.attrs[name]
	if !ok {
		return def
	}
	v, err := strconv.ParseFloat(strconv.FormatFloat(a.f, 'g', -1, 32), 64)
	if err != nil {
		return a.f
	}
	return v
}

type onnxGraph struct {
	nodes  []onnxNode
	inits  map[string]*onnxTensor
	inputs []onnxValue
}

type onnxValue struct {
	name string
	dims []int64
}

// walkFields calls f for every field of the message b.
func walkFields(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var y uint32
			y, n = protowire.ConsumeFixed32(b)
			x = uint64(y)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// appendInts reads a repeated int64 field, packed or not.
func appendInts(dst []int64, typ protowire.Type, v []byte, x uint64) ([]int64, error) {
	if typ == protowire.VarintType {
		return append(dst, int64(x)), nil
	}
	for len(v) > 0 {
		y, n := protowire.ConsumeVarint(v)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		dst, v = append(dst, int64(y)), v[n:]
	}
	return dst, nil
}

// appendFloats reads a repeated float field, packed or not.
func appendFloats(dst []float32, typ protowire.Type, v []byte, x uint64) []float32 {
	if typ == protowire.Fixed32Type {
		return append(dst, math.Float32frombits(uint32(x)))
	}
	for i := 0; i+4 <= len(v); i += 4 {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(v[i:])))
	}
	return dst
}

func parseTensor(b []byte) (*onnxTensor, error) {
	t := &onnxTensor{}
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch num {
		case 1:
			t.dims, err = appendInts(t.dims, typ, v, x)
		case 2:
			t.dtype = int64(x)
		case 4:
			t.floats = appendFloats(t.floats, typ, v, x)
		case 5, 7:
			t.ints, err = appendInts(t.ints, typ, v, x)
		case 8:
			t.name = string(v)
		case 9:
			t.raw = v
		}
		return err
	})
	return t, err
}

func parseAttr(b []byte) (string, onnxAttr, error) {
	var name string
	var a onnxAttr
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		var err error
		switch num {
		case 1:
			name = string(v)
		case 2:
			a.f = float64(math.Float32frombits(uint32(x)))
		case 3:
			a.i = int64(x)
		case 4:
			a.s = string(v)
		case 5:
			a.t, err = parseTensor(v)
		case 7:
			for _, f := range appendFloats(nil, typ, v, x) {
				a.floats = append(a.floats, float64(f))
			}
		case 8:
			a.ints, err = appendInts(a.ints, typ, v, x)
		}
		return err
	})
	return name, a, err
}

func parseNode(b []byte) (onnxNode, error) {
	n := onnxNode{attrs: map[string]onnxAttr{}}
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			n.inputs = append(n.inputs, string(v))
		case 2:
			n.outputs = append(n.outputs, string(v))
		case 3:
			n.name = string(v)
		case 4:
			n.op = string(v)
		case 5:
			name, a, err := parseAttr(v)
			if err != nil {
				return err
			}
			n.attrs[name] = a
		}
		return nil
	})
	return n, err
}

func parseValueInfo(b []byte) (onnxValue, error) {
	var val onnxValue
	// ValueInfoProto.type → TypeProto.tensor_type → shape → dim → dim_value
	var dims func(b []byte, depth int) error
	dims = func(b []byte, depth int) error {
		return walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
			switch {
			case depth < 3 && num == []protowire.Number{1, 2, 1}[depth] && typ == protowire.BytesType:
				if depth == 2 {
					d := int64(0)
					if err := walkFields(v, func(num protowire.Number, typ protowire.Type, _ []byte, x uint64) error {
						if num == 1 && typ == protowire.VarintType {
							d = int64(x)
						}
						return nil
					}); err != nil {
						return err
					}
					val.dims = append(val.dims, d)
					return nil
				}
				return dims(v, depth+1)
			}
			return nil
		})
	}
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		switch num {
		case 1:
			val.name = string(v)
		case 2:
			return dims(v, 0)
		}
		return nil
	})
	return val, err
}

func parseONNX(b []byte) (*onnxGraph, error) {
	var graph []byte
	if err := walkFields(b, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		if num == 7 && typ == protowire.BytesType {
			graph = v
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("not an ONNX model: %v", err)
	}
	if graph == nil {
		return nil, fmt.Errorf("not an ONNX model: no graph")
	}
	g := &onnxGraph{inits: map[string]*onnxTensor{}}
	err := walkFields(graph, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
		if typ != protowire.BytesType {
			return nil
		}
		switch num {
		case 1:
			n, err := parseNode(v)
			if err != nil {
				return err
			}
			g.nodes = append(g.nodes, n)
		case 5:
			t, err := parseTensor(v)
			if err != nil {
				return err
			}
			g.inits[t.name] = t
		case 11:
			val, err := parseValueInfo(v)
			if err != nil {
				return err
			}
			g.inputs = append(g.inputs, val)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("not an ONNX model: %v", err)
	}
	return g, nil
}

// onnxOps lists the operators ReadONNX converts.
var onnxOps = []string{"Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Constant", "Conv",
	"ConvTranspose", "Dropout", "Flatten", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid",
	"HardSwish", "Identity", "LayerNormalization (NHWC channels)", "LeakyRelu", "LRN", "MatMul (a Linear)", "MaxPool", "Mul", "Pad", "Relu", "Resize",
	"Sigmoid", "Softmax", "Tanh", "Transpose (NCHW ⇄ NHWC)", "Upsample", "GELU (Div, Erf, Add, Mul, Mul)"}

// ReadONNX converts an ONNX model (as torch.onnx.export writes it: NCHW,
// one image input) to a network. Operators it does not know are named,
// all of them, in one error. Each node becomes a layer named after the
// node; Line is the node's position in the graph (from 1).
func ReadONNX(b []byte, file string) (*Network, error) {
	g, err := parseONNX(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	c := &importer{net: &Network{Name: file}, producer: map[string]string{}, used: map[string]bool{}}
	consts := map[string]*onnxTensor{}
	for k, v := range g.inits {
		consts[k] = v
	}
	for _, in := range g.inputs {
		if _, ok := consts[in.name]; ok {
			continue
		}
		if len(in.dims) != 4 || in.dims[1] < 1 || in.dims[2] < 1 || in.dims[3] < 1 {
			return nil, fmt.Errorf("%s: input %q has shape %v: want N×C×H×W with fixed C, H, W", file, in.name, in.dims)
		}
		if len(c.net.Layers) > 0 {
			return nil, fmt.Errorf("%s: more than one input (%s, %s): only single-input networks are read", file, c.net.Layers[0].Name, in.name)
		}
		l := NewLayer(Input)
		l.Name, l.In = "input", Dims{H: int(in.dims[2]), W: int(in.dims[3]), C: int(in.dims[1])}
		c.add(l, "")
		c.producer[in.name] = "input"
	}
	if len(c.net.Layers) == 0 {
		return nil, fmt.Errorf("%s: the graph has no input", file)
	}
	unsupported := map[string]bool{}
	channelsLast := map[string]bool{} // tensors Transpose(0,2,3,1) wrote
	gelu := map[string]geluStage{}    // tensors part way through a GELU
	for i, n := range g.nodes {
		var data []string
		for _, in := range n.inputs {
			if _, ok := consts[in]; !ok && in != "" {
				data = append(data, in)
			}
		}
		if n.op == "Constant" {
			if a, ok := n.attrs["value"]; ok && a.t != nil && len(n.outputs) > 0 {
				consts[n.outputs[0]] = a.t
			}
			continue
		}
		if len(data) == 0 && len(n.outputs) > 0 {
			// a computation on constants only (torch's exporter computes
			// F.pad's paddings this way): evaluate what is evaluable
			if t := evalConst(n, consts); t != nil {
				consts[n.outputs[0]] = t
				continue
			}
		}
		// GELU as torch writes it: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)
		if len(n.outputs) > 0 {
			if st, ok := geluStep(n, data, consts, gelu); ok {
				if st.stage == 5 {
					l := NewLayer(GELU)
					l.Line, l.Name = i+1, c.unique(onnxName(n, i))
					c.add(l, c.producer[st.origin])
					c.producer[n.outputs[0]], channelsLast[n.outputs[0]] = l.Name, channelsLast[st.origin]
					continue
				}
				gelu[n.outputs[0]] = st
				continue
			}
		}
		if n.op == "LayerNormalization" && len(data) == 1 && len(n.outputs) > 0 {
			// over the last axis: the channels once transposed to NHWC
			if p, ok := c.producer[data[0]]; ok && channelsLast[data[0]] && (n.attrs["axis"].i == -1 || n.attrs["axis"].i == 3) {
				l := NewLayer(LayerNorm)
				l.Eps = n.float("epsilon", DefaultEps)
				l.Line, l.Name = i+1, c.unique(onnxName(n, i))
				c.add(l, p)
				c.producer[n.outputs[0]], channelsLast[n.outputs[0]] = l.Name, true
				continue
			}
			if _, ok := c.producer[data[0]]; ok {
				unsupported["LayerNormalization (other than over the channels of an NHWC tensor)"] = true
			}
			continue
		}
		if n.op == "Transpose" && len(data) == 1 && len(n.outputs) > 0 {
			// torch writes a Linear on the channels of an NCHW tensor as
			// Transpose(0,2,3,1), MatMul, Add, Transpose(0,3,1,2): the
			// layout changes cost nothing here, only the MatMul's axis
			// must be the channels
			perm := fmt.Sprint(n.attrs["perm"].ints)
			p, ok := c.producer[data[0]]
			switch {
			case !ok:
				continue // downstream of an operator already named
			case perm == "[0 2 3 1]" && !channelsLast[data[0]]:
				c.producer[n.outputs[0]], channelsLast[n.outputs[0]] = p, true
				continue
			case perm == "[0 3 1 2]" && channelsLast[data[0]]:
				c.producer[n.outputs[0]] = p
				continue
			}
			unsupported[fmt.Sprintf("Transpose (perm %s)", perm)] = true
			continue
		}
		if n.op == "MatMul" && len(data) == 1 && len(n.inputs) == 2 && n.inputs[0] == data[0] {
			w := consts[n.inputs[1]]
			p, ok := c.producer[data[0]]
			if !ok {
				continue // downstream of an operator already named
			}
			last := c.net.Layers[len(c.net.Layers)-1]
			if w != nil && len(w.dims) == 2 && ok && (channelsLast[data[0]] || c.net.Layers[len(c.net.Layers)-1].Name == p && flatKinds[last.Kind]) {
				l := NewLayer(Linear)
				l.Filters, l.Bias, l.Line = int(w.dims[1]), false, i+1
				l.Name = c.unique(onnxName(n, i))
				c.add(l, p)
				c.producer[n.outputs[0]], channelsLast[n.outputs[0]] = l.Name, channelsLast[data[0]]
				continue
			}
			unsupported["MatMul (other than a Linear on the channels)"] = true
			continue
		}
		if (n.op == "Add" || n.op == "Mul" || n.op == "Sum") && len(data) != 2 {
			p, ok := c.producer[firstOr(data, "")]
			if !ok && len(data) == 1 {
				continue // downstream of an operator already named
			}
			// a MatMul's bias: fold it into the linear layer
			if ok && n.op == "Add" && len(data) == 1 {
				last := &c.net.Layers[len(c.net.Layers)-1]
				if last.Name == p && last.Kind == Linear && !last.Bias {
					var b *onnxTensor
					for _, in := range n.inputs {
						if consts[in] != nil {
							b = consts[in]
						}
					}
					if b != nil && len(b.values()) == last.Filters {
						last.Bias = true
						c.producer[n.outputs[0]], channelsLast[n.outputs[0]] = p, channelsLast[data[0]]
						continue
					}
				}
			}
			unsupported[n.op+" with a constant operand"] = true
			continue
		}
		if n.op == "Concat" && n.attrs["axis"].i != 1 {
			unsupported[fmt.Sprintf("Concat along axis %d", n.attrs["axis"].i)] = true
			continue
		}
		ls, err := onnxLayers(n, data, consts, c.producer)
		if err != nil {
			if !strings.Contains(err.Error(), "comes from an operator not read") {
				unsupported[fmt.Sprintf("%s (%v)", n.op, err)] = true
			}
			continue
		}
		if ls == nil {
			unsupported[n.op] = true
			continue
		}
		if len(data) == 0 {
			return nil, fmt.Errorf("%s: node %d (%s %s) reads no tensor from the network", file, i+1, n.op, n.name)
		}
		from, ok := c.producer[data[0]]
		if !ok {
			if len(unsupported) == 0 {
				return nil, fmt.Errorf("%s: node %d (%s %s) reads %s, which no node writes", file, i+1, n.op, n.name, data[0])
			}
			continue // downstream of an operator already named
		}
		if m := len(c.net.Layers); n.op == "AveragePool" && m > 0 && from == c.net.Layers[m-1].Name && c.net.Layers[m-1].Kind == Pad {
			// torch exports AvgPool2d(padding=p, count_include_pad=True) as
			// Pad then AveragePool; folded back, ceil mode keeps PyTorch's
			// rule that the last window starts inside the input or its
			// left padding
			pad, l := c.net.Layers[m-1], &ls[0]
			e := pad.Edges
			if e.Top == e.Bottom && e.Left == e.Right && l.Padding == (Padding{}) && e.Top <= l.Kernel.H/2 && e.Left <= l.Kernel.W/2 {
				l.Padding = Padding{Mode: PadExplicit, Pair: Pair{e.Top, e.Left}}
				c.net.Layers = c.net.Layers[:m-1]
				from = pad.From
				if from == "" && m >= 2 {
					from = c.net.Layers[m-2].Name
				}
			}
		}
		for j, l := range ls {
			l.Line = i + 1
			l.Name = c.unique(onnxName(n, i))
			src := ""
			if j == 0 {
				src = from
			}
			if l.Kind == Concat {
				src = ""
			}
			c.add(l, src)
		}
		for _, out := range n.outputs[:1] {
			c.producer[out] = c.net.Layers[len(c.net.Layers)-1].Name
		}
	}
	if len(unsupported) > 0 {
		var ops []string
		for op := range unsupported {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		return nil, fmt.Errorf("%s: unsupported ONNX operators: %s (read: %s)", file, strings.Join(ops, ", "), strings.Join(onnxOps, ", "))
	}
	return c.net, nil
}

// geluStage is how far a tensor is through torch's GELU pattern, from the
// tensor origin: 1 Div(x, √2), 2 Erf, 3 Add 1, 4 Mul by x, 5 Mul by 0.5.
type geluStage struct {
	origin string
	stage  int
}

// geluStep reports whether node n is the next step of a GELU.
func geluStep(n onnxNode, data []string, consts map[string]*onnxTensor, gelu map[string]geluStage) (geluStage, bool) {
	constIs := func(v float64, tol float64) bool {
		for _, in := range n.inputs {
			if t := consts[in]; t != nil {
				if vals := t.values(); len(vals) == 1 && math.Abs(vals[0]-v) <= tol {
					return true
				}
			}
		}
		return false
	}
	switch {
	case n.op == "Div" && len(data) == 1 && constIs(math.Sqrt2, 1e-3):
		return geluStage{data[0], 1}, true
	case len(data) == 0:
		return geluStage{}, false
	}
	st, ok := gelu[data[0]]
	if len(data) == 2 {
		if s2, ok2 := gelu[data[1]]; ok2 {
			st, ok = s2, true
			data = []string{data[1], data[0]}
		}
	}
	if !ok {
		return geluStage{}, false
	}
	switch {
	case st.stage == 1 && n.op == "Erf" && len(data) == 1,
		st.stage == 2 && n.op == "Add" && len(data) == 1 && constIs(1, 1e-6),
		st.stage == 3 && n.op == "Mul" && len(data) == 2 && data[1] == st.origin,
		st.stage == 4 && n.op == "Mul" && len(data) == 1 && constIs(0.5, 1e-6):
		return geluStage{st.origin, st.stage + 1}, true
	}
	return geluStage{}, false
}

// flatKinds are layers whose output is a vector (1x1xC), where a MatMul
// acts on the channels.
var flatKinds = map[Kind]bool{Flatten: true, GAP: true, FC: true, Linear: true}

func firstOr(v []string, def string) string {
	if len(v) > 0 {
		return v[0]
	}
	return def
}

// onnxName names a node's layer after its module: torch.onnx.export
// writes "/stem/stem.0/Conv", which becomes "stem.0"; a node without a
// scope is called after its operator and position.
func onnxName(n onnxNode, i int) string {
	parts := strings.FieldsFunc(n.name, func(r rune) bool { return r == '/' })
	if len(parts) >= 2 {
		return sanitize(parts[len(parts)-2])
	}
	return sanitize(strings.ToLower(n.op) + fmt.Sprint(i+1))
}

// importer builds a network from another format's layers in order.
type importer struct {
	net      *Network
	producer map[string]string
	used     map[string]bool
}

// add appends l, reading from the layer named src unless that is the
// previous one.
func (c *importer) add(l Layer, src string) {
	if n := len(c.net.Layers); src != "" && n > 0 && c.net.Layers[n-1].Name != src {
		l.From = src
	}
	c.used[l.Name] = true
	c.net.Layers = append(c.net.Layers, l)
}

func (c *importer) unique(name string) string {
	if !c.used[name] {
		return name
	}
	for i := 2; ; i++ {
		if n := fmt.Sprintf("%s_%d", name, i); !c.used[n] {
			return n
		}
	}
}

// sanitize turns a node name into a layer name: letters, digits, _ . -,
// not starting with a digit.
func sanitize(s string) string {
	s = strings.Trim(s, "/")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' || r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out[0] >= '0' && out[0] <= '9' || out[0] == '-' || out[0] == '.' {
		out = "n" + out
	}
	return out
}

func pairOf(v []int64, def int) Pair {
	switch len(v) {
	case 0:
		return Square(def)
	case 1:
		return Square(int(v[0]))
	}
	return Pair{int(v[0]), int(v[1])}
}

// onnxPads splits ONNX's [top, left, bottom, right] into a symmetric
// padding and, when the two sides differ, a pad layer to put first.
func onnxPads(n onnxNode) (Padding, *Layer) {
	switch n.attrs["auto_pad"].s {
	case "SAME_UPPER":
		return Padding{Mode: PadSame}, nil
	case "VALID":
		return Padding{Mode: PadValid}, nil
	}
	p := n.attrs["pads"].ints
	if len(p) != 4 {
		return Padding{Mode: PadExplicit}, nil
	}
	if p[0] == p[2] && p[1] == p[3] {
		return Padding{Mode: PadExplicit, Pair: Pair{int(p[0]), int(p[1])}}, nil
	}
	pad := NewLayer(Pad)
	pad.Edges = Edges{Top: int(p[0]), Left: int(p[1]), Bottom: int(p[2]), Right: int(p[3])}
	return Padding{Mode: PadExplicit}, &pad
}

// onnxLayers converts one node; nil, nil for an operator it does not know.
func onnxLayers(n onnxNode, data []string, consts map[string]*onnxTensor, producer map[string]string) ([]Layer, error) {
	weight := func(i int) (*onnxTensor, error) {
		if i >= len(n.inputs) || consts[n.inputs[i]] == nil {
			return nil, fmt.Errorf("its weights are not a constant of the graph")
		}
		return consts[n.inputs[i]], nil
	}
	hasInput := func(i int) bool { return i < len(n.inputs) && n.inputs[i] != "" }
	one := func(k Kind) []Layer { return []Layer{NewLayer(k)} }
	switch n.op {
	case "Conv", "ConvTranspose":
		w, err := weight(1)
		if err != nil || len(w.dims) != 4 {
			return nil, fmt.Errorf("want a 4-D weight constant")
		}
		kind := Conv
		if n.op == "ConvTranspose" {
			kind = ConvT
		}
		l := NewLayer(kind)
		l.Groups = int(max(n.attrs["group"].i, 1))
		l.Filters = int(w.dims[0])
		if kind == ConvT {
			l.Filters = int(w.dims[1]) * l.Groups
			if op := n.attrs["output_padding"].ints; len(op) > 0 {
				l.OutPad, l.OutPadSet = pairOf(op, 0), true
			}
			if len(n.attrs["output_shape"].ints) > 0 {
				return nil, fmt.Errorf("output_shape is not read; export with explicit padding")
			}
		}
		l.Kernel = Pair{int(w.dims[2]), int(w.dims[3])}
		l.Stride, l.Dilation = pairOf(n.attrs["strides"].ints, 1), pairOf(n.attrs["dilations"].ints, 1)
		l.Bias = hasInput(2)
		pad, first := onnxPads(n)
		l.Padding = pad
		if first != nil {
			if kind == ConvT {
				return nil, fmt.Errorf("asymmetric padding on a transposed convolution is not read")
			}
			return []Layer{*first, l}, nil
		}
		return []Layer{l}, nil
	case "MaxPool", "AveragePool":
		kind := MaxPool
		if n.op == "AveragePool" {
			kind = AvgPool
		}
		l := NewLayer(kind)
		l.Kernel = pairOf(n.attrs["kernel_shape"].ints, 1)
		l.Stride, l.Dilation = pairOf(n.attrs["strides"].ints, 1), pairOf(n.attrs["dilations"].ints, 1)
		l.Ceil = n.attrs["ceil_mode"].i == 1
		pad, first := onnxPads(n)
		l.Padding = pad
		if first != nil {
			return []Layer{*first, l}, nil
		}
		return []Layer{l}, nil
	case "GlobalAveragePool":
		return one(GAP), nil
	case "GlobalMaxPool":
		l := NewLayer(AdaptMax)
		l.Out = Square(1)
		return []Layer{l}, nil
	case "BatchNormalization":
		l := NewLayer(BatchNorm)
		l.Eps = n.float("epsilon", DefaultEps)
		return []Layer{l}, nil
	case "LRN":
		l := NewLayer(LRN)
		size := n.attrs["size"].i
		if size < 1 {
			return nil, fmt.Errorf("LRN size %d: want a positive number of channels", size)
		}
		l.LRN = LRNParams{Size: int(size), Alpha: n.float("alpha", 1e-4), Beta: n.float("beta", 0.75), K: n.float("bias", 1)}
		return []Layer{l}, nil
	case "Relu":
		return one(ReLU), nil
	case "Sigmoid":
		return one(Sigmoid), nil
	case "Tanh":
		return one(Tanh), nil
	case "LeakyRelu":
		l := NewLayer(LeakyReLU)
		l.Slope = n.float("alpha", DefaultSlope)
		return []Layer{l}, nil
	case "HardSigmoid":
		return one(HardSig), nil
	case "HardSwish":
		return one(HardSwish), nil
	case "Softmax":
		return one(Softmax), nil
	case "Identity":
		return one(Identity), nil
	case "Flatten":
		return one(Flatten), nil
	case "Dropout":
		l := NewLayer(Dropout)
		l.Rate = n.attrs["ratio"].f
		if hasInput(1) && consts[n.inputs[1]] != nil {
			if v := consts[n.inputs[1]].values(); len(v) == 1 {
				l.Rate = v[0]
			}
		}
		return []Layer{l}, nil
	case "Clip":
		lo, hi := n.attrs["min"].f, n.attrs["max"].f
		for i, dst := range []*float64{&lo, &hi} {
			if hasInput(i+1) && consts[n.inputs[i+1]] != nil {
				if v := consts[n.inputs[i+1]].values(); len(v) == 1 {
					*dst = v[0]
				}
			}
		}
		if lo == 0 && hi == 6 {
			return one(ReLU6), nil
		}
		return nil, nil
	case "Gemm":
		w, err := weight(1)
		if err != nil || len(w.dims) != 2 {
			return nil, fmt.Errorf("want a 2-D weight constant")
		}
		l := NewLayer(FC)
		l.Filters = int(w.dims[1])
		if n.attrs["transB"].i == 1 {
			l.Filters = int(w.dims[0])
		}
		l.Bias = hasInput(2)
		return []Layer{l}, nil
	case "Add", "Mul", "Sum":
		if len(data) != 2 {
			return nil, fmt.Errorf("want two tensors of the network, not a constant operand")
		}
		l := NewLayer(Add)
		if n.op == "Mul" {
			l = NewLayer(Mul)
		}
		ref, ok := producer[data[1]]
		if !ok {
			return nil, fmt.Errorf("its input %s comes from an operator not read", data[1])
		}
		l.Ref = ref
		return []Layer{l}, nil
	case "Concat":
		if n.attrs["axis"].i != 1 {
			return nil, fmt.Errorf("concatenation along axis %d: only channels (axis 1) are read", n.attrs["axis"].i)
		}
		l := NewLayer(Concat)
		for _, d := range data {
			ref, ok := producer[d]
			if !ok {
				return nil, fmt.Errorf("its input %s comes from an operator not read", d)
			}
			l.Refs = append(l.Refs, ref)
		}
		if len(l.Refs) == 1 {
			return one(Identity), nil
		}
		return []Layer{l}, nil
	case "Resize", "Upsample":
		l := NewLayer(Upsample)
		mode := n.attrs["mode"].s
		switch mode {
		case "", "nearest":
		case "linear", "bilinear":
			l.Bilinear = true
			l.AlignCorners = n.attrs["coordinate_transformation_mode"].s == "align_corners"
		default:
			return nil, fmt.Errorf("resize mode %q is not read", mode)
		}
		scaleIn, sizeIn := 2, 3
		if n.op == "Upsample" {
			scaleIn = 1
		}
		if hasInput(sizeIn) && consts[n.inputs[sizeIn]] != nil {
			if v := consts[n.inputs[sizeIn]].values(); len(v) == 4 {
				l.Out = Pair{int(v[2]), int(v[3])}
				return []Layer{l}, nil
			}
		}
		if hasInput(scaleIn) && consts[n.inputs[scaleIn]] != nil {
			if v := consts[n.inputs[scaleIn]].values(); len(v) == 4 && v[2] == v[3] && v[2] > 0 {
				l.Scale = v[2]
				return []Layer{l}, nil
			}
		}
		return nil, fmt.Errorf("want constant scales equal on both axes, or constant sizes")
	case "Pad":
		p := n.attrs["pads"].ints
		if hasInput(1) && consts[n.inputs[1]] != nil {
			for _, v := range consts[n.inputs[1]].values() {
				p = append(p, int64(v))
			}
		}
		if len(p) != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 {
			return nil, fmt.Errorf("want padding of rows and columns only, got %v", p)
		}
		if m := n.attrs["mode"].s; m != "" && m != "constant" {
			return nil, fmt.Errorf("%s padding is not read (constant only)", m)
		}
		l := NewLayer(Pad)
		l.Edges = Edges{Top: int(p[2]), Left: int(p[3]), Bottom: int(p[6]), Right: int(p[7])}
		return []Layer{l}, nil
	}
	return nil, nil
}

// evalConst evaluates a node whose inputs are all constants, for the
// operators torch's exporter uses to compute paddings (ConstantOfShape,
// Concat, Reshape, Slice, Transpose, Cast, Identity on small tensors); nil
// for anything else.
func evalConst(n onnxNode, consts map[string]*onnxTensor) *onnxTensor {
	in := func(i int) *onnxTensor {
		if i < len(n.inputs) {
			return consts[n.inputs[i]]
		}
		return nil
	}
	dimsOf := func(t *onnxTensor) []int64 {
		if t.dims == nil {
			return []int64{int64(len(t.values()))}
		}
		return t.dims
	}
	size := func(d []int64) int {
		s := 1
		for _, v := range d {
			s *= int(v)
		}
		return s
	}
	const limit = 1 << 16
	switch n.op {
	case "Cast", "Identity":
		if t := in(0); t != nil {
			return &onnxTensor{dims: dimsOf(t), vals: append([]float64{}, t.values()...)}
		}
	case "ConstantOfShape":
		t := in(0)
		if t == nil {
			return nil
		}
		var d []int64
		for _, v := range t.values() {
			d = append(d, int64(v))
		}
		if size(d) > limit || size(d) < 0 {
			return nil
		}
		fill := 0.0
		if a, ok := n.attrs["value"]; ok && a.t != nil {
			if v := a.t.values(); len(v) == 1 {
				fill = v[0]
			}
		}
		v := make([]float64, size(d))
		for i := range v {
			v[i] = fill
		}
		return &onnxTensor{dims: d, vals: v}
	case "Concat":
		var v []float64
		for i := range n.inputs {
			t := in(i)
			if t == nil || len(dimsOf(t)) != 1 {
				return nil
			}
			v = append(v, t.values()...)
		}
		return &onnxTensor{dims: []int64{int64(len(v))}, vals: v}
	case "Reshape":
		t, sh := in(0), in(1)
		if t == nil || sh == nil {
			return nil
		}
		v := t.values()
		var d []int64
		neg := -1
		for i, x := range sh.values() {
			switch {
			case x == -1:
				neg = i
				d = append(d, 1)
			case x == 0 && i < len(dimsOf(t)):
				d = append(d, dimsOf(t)[i])
			default:
				d = append(d, int64(x))
			}
		}
		if neg >= 0 && size(d) > 0 {
			d[neg] = int64(len(v) / size(d))
		}
		if size(d) != len(v) {
			return nil
		}
		return &onnxTensor{dims: d, vals: v}
	case "Transpose":
		t := in(0)
		if t == nil || len(dimsOf(t)) != 2 {
			return nil
		}
		d, v := dimsOf(t), t.values()
		r, c := int(d[0]), int(d[1])
		out := make([]float64, len(v))
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				out[j*r+i] = v[i*c+j]
			}
		}
		return &onnxTensor{dims: []int64{d[1], d[0]}, vals: out}
	case "Slice":
		t, st, en := in(0), in(1), in(2)
		if t == nil || st == nil || en == nil || len(st.values()) != 1 {
			return nil
		}
		d, v := dimsOf(t), t.values()
		axis, step := 0, 1
		if a := in(3); a != nil && len(a.values()) == 1 {
			axis = int(a.values()[0])
		}
		if sp := in(4); sp != nil && len(sp.values()) == 1 {
			step = int(sp.values()[0])
		}
		if axis < 0 {
			axis += len(d)
		}
		if axis < 0 || axis >= len(d) || step == 0 {
			return nil
		}
		dim := int(d[axis])
		clamp := func(x float64, lo, hi int) int {
			i := int(max(min(x, 1e9), -1e9))
			if i < 0 {
				i += dim
			}
			return max(lo, min(i, hi))
		}
		var idx []int
		if step > 0 {
			for i := clamp(st.values()[0], 0, dim); i < clamp(en.values()[0], 0, dim); i += step {
				idx = append(idx, i)
			}
		} else {
			for i := clamp(st.values()[0], -1, dim-1); i > clamp(en.values()[0], -1, dim-1); i += step {
				idx = append(idx, i)
			}
		}
		inner := 1
		for _, x := range d[axis+1:] {
			inner *= int(x)
		}
		outer := len(v) / max(dim*inner, 1)
		var out []float64
		for o := 0; o < outer; o++ {
			for _, i := range idx {
				out = append(out, v[(o*dim+i)*inner:(o*dim+i+1)*inner]...)
			}
		}
		nd := append([]int64{}, d...)
		nd[axis] = int64(len(idx))
		return &onnxTensor{dims: nd, vals: out}
	}
	return nil
}

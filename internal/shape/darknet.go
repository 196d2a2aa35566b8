package shape

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

type darknetSection struct {
	kind string
	line int
	opts map[string]string
}

// ReadDarknet converts a Darknet .cfg file to a network: [net] gives the
// input; [convolutional] becomes conv (with batch_normalize: conv without
// bias, then bn) and its activation; [maxpool] a pad layer (Darknet pads
// size−1 in total, (size−1)/2 before) and a maxpool; [avgpool] gap;
// [upsample] upsample; [route] concat (one layer: that layer's output);
// [shortcut] add; [scale_channels] mul; [connected] fc; [dropout],
// [softmax]; [yolo], [region] and [detection] heads are identity. Each
// Darknet layer i's output is named after its section and i (conv_3,
// route_9). Sections or activations it does not know are named, all of
// them, in one error.
func ReadDarknet(b []byte, file string) (*Network, error) {
	secs, err := darknetSections(b, file)
	if err != nil {
		return nil, err
	}
	if len(secs) == 0 || (secs[0].kind != "net" && secs[0].kind != "network") {
		return nil, fmt.Errorf("%s: the first section must be [net]", file)
	}
	atoi := func(s darknetSection, key string, def int) (int, error) {
		v, ok := s.opts[key]
		if !ok {
			return def, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, &LineError{File: file, Line: s.line, Msg: fmt.Sprintf("[%s] %s=%s: not an integer", s.kind, key, v)}
		}
		return n, nil
	}
	c := &importer{net: &Network{Name: file}, producer: map[string]string{}, used: map[string]bool{}}
	h, err1 := atoi(secs[0], "height", 0)
	w, err2 := atoi(secs[0], "width", 0)
	ch, err3 := atoi(secs[0], "channels", 3)
	if err := firstErr(err1, err2, err3); err != nil {
		return nil, err
	}
	if h < 1 || w < 1 || ch < 1 {
		return nil, &LineError{File: file, Line: secs[0].line, Msg: "[net] needs width, height (and channels)"}
	}
	in := NewLayer(Input)
	in.Name, in.In, in.Line = "input", Dims{H: h, W: w, C: ch}, secs[0].line
	c.add(in, "")
	var outputs []string // Darknet layer i's output layer
	unsupported := map[string]bool{}
	prev := "input"
	for i, s := range secs[1:] {
		short := map[string]string{"convolutional": "conv", "maxpool": "pool", "upsample": "up", "connected": "fc",
			"scale_channels": "scale"}[s.kind]
		if short == "" {
			short = s.kind
		}
		name := fmt.Sprintf("%s_%d", short, i)
		ref := func(v string) (string, error) {
			j, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return "", &LineError{File: file, Line: s.line, Msg: fmt.Sprintf("[%s] layer %q: not an integer", s.kind, v)}
			}
			if j < 0 {
				j += i
			}
			if j < 0 || j >= i {
				return "", &LineError{File: file, Line: s.line, Msg: fmt.Sprintf("[%s] layer %s: no such earlier layer", s.kind, v)}
			}
			return outputs[j], nil
		}
		var ls []Layer
		act := "linear"
		switch s.kind {
		case "convolutional":
			l := NewLayer(Conv)
			f, e1 := atoi(s, "filters", 1)
			k, e2 := atoi(s, "size", 1)
			st, e3 := atoi(s, "stride", 1)
			pad, e4 := atoi(s, "pad", 0)
			g, e5 := atoi(s, "groups", 1)
			bn, e6 := atoi(s, "batch_normalize", 0)
			d, e7 := atoi(s, "dilation", 1)
			p := 0
			if pad != 0 {
				p = k / 2
			}
			p, e8 := atoi(s, "padding", p)
			if err := firstErr(e1, e2, e3, e4, e5, e6, e7, e8); err != nil {
				return nil, err
			}
			l.Filters, l.Kernel, l.Stride, l.Groups, l.Dilation = f, Square(k), Square(st), g, Square(d)
			l.Padding = Padding{Mode: PadExplicit, Pair: Square(p)}
			l.Bias = bn == 0
			ls = append(ls, l)
			if bn != 0 {
				ls = append(ls, NewLayer(BatchNorm))
			}
			act = s.opts["activation"]
		case "maxpool":
			st, e1 := atoi(s, "stride", 1)
			k, e2 := atoi(s, "size", st)
			p, e3 := atoi(s, "padding", k-1)
			if err := firstErr(e1, e2, e3); err != nil {
				return nil, err
			}
			if p > 0 {
				pl := NewLayer(Pad)
				pl.Edges = Edges{Left: p / 2, Right: p - p/2, Top: p / 2, Bottom: p - p/2}
				ls = append(ls, pl)
			}
			l := NewLayer(MaxPool)
			l.Kernel, l.Stride = Square(k), Square(st)
			ls = append(ls, l)
		case "avgpool":
			ls = append(ls, NewLayer(GAP))
		case "upsample":
			st, err := atoi(s, "stride", 2)
			if err != nil {
				return nil, err
			}
			l := NewLayer(Upsample)
			l.Scale = float64(st)
			ls = append(ls, l)
		case "route":
			if s.opts["groups"] != "" && s.opts["groups"] != "1" {
				unsupported["[route] with groups (a channel split)"] = true
				outputs = append(outputs, prev)
				continue
			}
			var refs []string
			for _, v := range strings.Split(s.opts["layers"], ",") {
				r, err := ref(v)
				if err != nil {
					return nil, err
				}
				refs = append(refs, r)
			}
			l := NewLayer(Identity)
			if len(refs) > 1 {
				l = NewLayer(Concat)
				l.Refs = refs
				prev = ""
			} else {
				prev = refs[0]
			}
			ls = append(ls, l)
		case "shortcut", "scale_channels":
			r, err := ref(s.opts["from"])
			if err != nil {
				return nil, err
			}
			l := NewLayer(Add)
			if s.kind == "scale_channels" {
				l = NewLayer(Mul)
			}
			l.Ref = r
			ls = append(ls, l)
			act = s.opts["activation"]
		case "connected":
			n, err := atoi(s, "output", 1)
			if err != nil {
				return nil, err
			}
			l := NewLayer(FC)
			l.Filters = n
			ls = append(ls, l)
			act = s.opts["activation"]
		case "dropout":
			l := NewLayer(Dropout)
			if v, err := strconv.ParseFloat(s.opts["probability"], 64); err == nil {
				l.Rate = v
			}
			ls = append(ls, l)
		case "softmax":
			ls = append(ls, NewLayer(Softmax))
		case "yolo", "region", "detection":
			ls = append(ls, NewLayer(Identity))
		default:
			unsupported["["+s.kind+"]"] = true
			outputs = append(outputs, prev)
			continue
		}
		switch act {
		case "", "linear":
		case "leaky":
			l := NewLayer(LeakyReLU)
			l.Slope = 0.1 // darknet's activations.h: x > 0 ? x : .1*x
			ls = append(ls, l)
		case "relu":
			ls = append(ls, NewLayer(ReLU))
		case "relu6":
			ls = append(ls, NewLayer(ReLU6))
		case "logistic":
			ls = append(ls, NewLayer(Sigmoid))
		case "tanh":
			ls = append(ls, NewLayer(Tanh))
		case "swish":
			ls = append(ls, NewLayer(SiLU))
		case "hard_mish", "mish":
			ls = append(ls, NewLayer(Mish))
		default:
			unsupported["activation="+act] = true
		}
		for j, l := range ls {
			l.Line = s.line
			l.Name = name
			if j < len(ls)-1 {
				l.Name = fmt.Sprintf("%s.%s", name, l.Kind)
			}
			l.Name = c.unique(l.Name)
			src := ""
			if j == 0 {
				src = prev
			}
			c.add(l, src)
			prev = l.Name
		}
		outputs = append(outputs, prev)
	}
	if len(unsupported) > 0 {
		var names []string
		for k := range unsupported {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("%s: unsupported Darknet sections or options: %s (read: [net], [convolutional], [maxpool], [avgpool], [upsample], [route], [shortcut], [scale_channels], [connected], [dropout], [softmax], [yolo], [region], [detection])",
			file, strings.Join(names, ", "))
	}
	return c.net, nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func darknetSections(b []byte, file string) ([]darknetSection, error) {
	var secs []darknetSection
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if i := strings.IndexAny(t, "#;"); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") {
			if !strings.HasSuffix(t, "]") {
				return nil, &LineError{File: file, Line: line, Msg: fmt.Sprintf("%q: want [section]", t)}
			}
			secs = append(secs, darknetSection{kind: strings.ToLower(strings.Trim(t, "[] ")), line: line, opts: map[string]string{}})
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok || len(secs) == 0 {
			return nil, &LineError{File: file, Line: line, Msg: fmt.Sprintf("%q: want key=value inside a [section]", t)}
		}
		secs[len(secs)-1].opts[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return secs, nil
}

package shape

import (
	"fmt"
	"strconv"
	"strings"
)

// The reports `convtool shape` prints: one layer's arithmetic, a walked
// network's table, and their JSON documents.

type calcJSON struct {
	Name    string `json:"name"`
	Formula string `json:"formula"`
	Work    string `json:"work"`
	Value   int64  `json:"value"`
	Note    string `json:"note,omitempty"`
}

type layerJSON struct {
	Schema     string     `json:"schema"`
	Version    int        `json:"version"`
	Layer      string     `json:"layer"`
	Input      DimsJSON   `json:"input"`
	Output     DimsJSON   `json:"output"`
	Params     int64      `json:"params"`
	MACs       int64      `json:"macs"`
	Arithmetic []calcJSON `json:"arithmetic"`
	Warnings   []string   `json:"warnings"`
	Inverse    string     `json:"inverse,omitempty"`
}

// LayerDoc is the JSON document of one layer l applied as r:
// {"layer","input","output","params","macs","arithmetic","warnings"}, and
// "inverse" when inv (Invert's transposed layer, applied) is not nil.
func LayerDoc(l Layer, r, inv *Result) any {
	doc := layerJSON{Schema: SchemaLayer, Version: SchemaVersion, Layer: l.Spec(false), Input: r.In.ToJSON(), Output: r.Out.ToJSON(),
		Params: r.Params, MACs: r.MACs, Warnings: r.Warnings}
	if inv != nil {
		doc.Inverse = inv.Layer.Spec(false)
	}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for _, c := range r.Calcs {
		doc.Arithmetic = append(doc.Arithmetic, calcJSON(c))
	}
	return doc
}

// LayerText lays one layer's result out for people: the layer, its input,
// output, parameters and MACs, then the arithmetic, the notes and the
// warnings, and the inverse transposed convolution when inv is not nil.
func LayerText(l Layer, r, inv *Result, notes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "layer   %s\n", l.Spec(false))
	fmt.Fprintf(&b, "input   %s\n", r.In)
	fmt.Fprintf(&b, "output  %s\n", r.Out)
	fmt.Fprintf(&b, "params  %s\n", Thousands(r.Params))
	fmt.Fprintf(&b, "MACs    %s\n\n", Thousands(r.MACs))
	for _, c := range r.Calcs {
		fmt.Fprintln(&b, c)
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if inv != nil {
		fmt.Fprintf(&b, "\ninverse  %s  (%s → %s)\n", inv.Layer.Spec(false), r.Out, inv.Out)
		for _, c := range inv.Calcs[:2] {
			fmt.Fprintln(&b, c)
		}
	}
	return b.String()
}

// NetDoc is the JSON document of a walked network (NetJSON).
func NetDoc(r *NetResult) any { return r.JSON() }

// NetText renders the walked network as a table (Table).
func NetText(r *NetResult) string { return r.Table() }

// SchemaNet names the JSON document of a walked network, SchemaLayer that
// of one layer (shape conv|pool|transpose); SchemaVersion changes whenever
// a field of either changes meaning or disappears (new fields may appear
// without a change).
const (
	SchemaNet     = "convtool.shape.net"
	SchemaLayer   = "convtool.shape.layer"
	SchemaVersion = 2
)

// DimsJSON is a feature map's size in JSON: {"h","w","c"}.
type DimsJSON struct {
	H int `json:"h"`
	W int `json:"w"`
	C int `json:"c"`
}

// ToJSON returns d as DimsJSON.
func (d Dims) ToJSON() DimsJSON { return DimsJSON{d.H, d.W, d.C} }

// HW is a per-axis quantity in JSON, always an object: {"h","w"}.
type HW struct {
	H float64 `json:"h"`
	W float64 `json:"w"`
}

// AxisJSON is one axis's exact geometry: the input interval each of the
// first Period output positions sees; position r + m·Period sees its
// interval moved by m·Shift input pixels.
type AxisJSON struct {
	Period    int        `json:"period"`
	Shift     int        `json:"shift"`
	Global    bool       `json:"global,omitempty"`
	Intervals []Interval `json:"intervals"`
}

// MemoryJSON is a layer's memory in bytes.
type MemoryJSON struct {
	Activation int64 `json:"activation_bytes"`
	Params     int64 `json:"param_bytes"`
	Live       int64 `json:"live_bytes"`
}

// LayerJSON is one layer of NetJSON.
type LayerJSON struct {
	Index  int      `json:"index"`
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Spec   string   `json:"spec"`
	Inputs []string `json:"inputs"`
	Output DimsJSON `json:"output"`
	Params int64    `json:"params"`
	MACs   int64    `json:"macs"`
	FLOPs  int64    `json:"flops"`
	// RF is the largest receptive field over output positions, RFMin the
	// smallest, Jump the effective stride, Pad the effective padding.
	RF       HW `json:"rf"`
	RFMin    HW `json:"rf_min"`
	Jump     HW `json:"jump"`
	Pad      HW `json:"effective_padding"`
	Geometry *struct {
		H AxisJSON `json:"h"`
		W AxisJSON `json:"w"`
	} `json:"geometry,omitempty"`
	Memory   MemoryJSON `json:"memory"`
	Warnings []string   `json:"warnings"`
	Notes    []string   `json:"notes"`
}

// NetJSON is the JSON document of a walked network. Every size is an
// object ({"h","w","c"} or {"h","w"}), never a bare number; counts are
// whole numbers at the batch size given; bytes are bytes.
type NetJSON struct {
	Schema  string      `json:"schema"`
	Version int         `json:"version"`
	Name    string      `json:"name"`
	Input   DimsJSON    `json:"input"`
	Batch   int         `json:"batch"`
	DType   string      `json:"dtype"`
	Layers  []LayerJSON `json:"layers"`
	Total   struct {
		Params int64 `json:"params"`
		MACs   int64 `json:"macs"`
		FLOPs  int64 `json:"flops"`
		Memory struct {
			Params        int64  `json:"param_bytes"`
			Input         int64  `json:"input_bytes"`
			PeakForward   int64  `json:"peak_forward_bytes"`
			PeakLayer     string `json:"peak_layer"`
			Saved         int64  `json:"saved_for_backward_bytes"`
			TrainingSGD   int64  `json:"training_sgd_bytes"`
			TrainingAdam  int64  `json:"training_adam_bytes"`
			TorchinfoPass int64  `json:"torchinfo_forward_backward_bytes"`
		} `json:"memory"`
	} `json:"total"`
}

// batchMACs is a per-sample count times the batch, saturating.
func (r *NetResult) batchMACs(v int64) int64 {
	if v > 0 && int64(r.Batch) > Overflow/v {
		return Overflow
	}
	return v * int64(r.Batch)
}

func flops(macs int64) int64 {
	if macs > Overflow/2 {
		return Overflow
	}
	return 2 * macs
}

func axisJSON(g *AxisGeometry) AxisJSON {
	return AxisJSON{Period: g.Period, Shift: g.Shift, Global: g.Global, Intervals: g.Intervals}
}

// JSON returns the network as its JSON document (SchemaNet, SchemaVersion).
func (r *NetResult) JSON() NetJSON {
	doc := NetJSON{Schema: SchemaNet, Version: SchemaVersion, Name: r.Name, Input: r.Input.ToJSON(),
		Batch: r.Batch, DType: r.DType.Name, Layers: []LayerJSON{}}
	for i, l := range r.Layers[1:] {
		lj := LayerJSON{
			Index: i + 1, Name: l.Layer.Name, Type: string(l.Layer.Kind), Spec: l.Layer.Spec(false),
			Inputs: l.Inputs, Output: l.Out.ToJSON(), Params: l.Params,
			MACs: r.batchMACs(l.MACs), FLOPs: flops(r.batchMACs(l.MACs)),
			RF: HW(l.RF), RFMin: HW(l.RFMin), Jump: HW(l.Jump),
			Memory:   MemoryJSON{l.Mem.Activation, l.Mem.Params, l.Mem.Live},
			Warnings: append([]string{}, l.Warnings...), Notes: append([]string{}, l.Notes...),
		}
		if l.GeomH != nil {
			lj.Pad = HW{float64(l.GeomH.EffectivePad()), float64(l.GeomW.EffectivePad())}
			lj.Geometry = &struct {
				H AxisJSON `json:"h"`
				W AxisJSON `json:"w"`
			}{axisJSON(l.GeomH), axisJSON(l.GeomW)}
		}
		doc.Layers = append(doc.Layers, lj)
	}
	t := &doc.Total
	t.Params, t.MACs, t.FLOPs = r.Params, r.batchMACs(r.MACs), flops(r.batchMACs(r.MACs))
	m := r.Mem
	t.Memory.Params, t.Memory.Input, t.Memory.PeakForward, t.Memory.PeakLayer = m.Params, m.Input, m.PeakForward, m.PeakLayer
	t.Memory.Saved, t.Memory.TrainingSGD, t.Memory.TrainingAdam, t.Memory.TorchinfoPass = m.Saved, m.TrainingSGD, m.TrainingAdam, m.TorchinfoPass
	return doc
}

// rfString is "5", "3x9", or a range "23–31" where output positions see
// fields of different sizes.
func rfString(lo, hi Geo) string {
	if lo == hi {
		return hi.String()
	}
	if lo.Square() && hi.Square() {
		return lo.String() + "–" + hi.String()
	}
	return fmtNum(lo.H) + "–" + fmtNum(hi.H) + "x" + fmtNum(lo.W) + "–" + fmtNum(hi.W)
}

// Table renders the walked network as an aligned table, the totals, the
// memory, the notes and the warnings.
func (r *NetResult) Table() string {
	head := []string{"#", "layer", "type", "kernel/stride/pad", "output", "params", "MACs", "RF", "jump", "activation"}
	right := []bool{true, false, false, false, false, true, true, true, true, true}
	rows := [][]string{head}
	for i, l := range r.Layers {
		typ := string(l.Layer.Kind)
		switch l.Layer.Kind {
		case Conv, DWConv, ConvT, FC, Linear:
			if l.Out.C != 0 {
				typ += fmt.Sprintf(" %d", l.Out.C)
			}
		case Add, Mul:
			typ += " @" + l.Layer.Ref
		case Concat:
			typ += fmt.Sprintf(" ×%d", len(l.Inputs))
		case AdaptAvg, AdaptMax:
			typ += " " + l.Layer.Out.String()
		case Upsample, Pad, GroupNorm:
			bare := l.Layer
			bare.From = ""
			typ = bare.Spec(false)
		}
		geom := strings.Join(l.Layer.Options(), " ")
		if l.Layer.Kind == Upsample || l.Layer.Kind == GroupNorm {
			geom = ""
		}
		if l.Layer.From != "" {
			geom = strings.TrimSpace(geom + " @" + l.Layer.From)
		}
		params, macs := Thousands(l.Params), Thousands(r.batchMACs(l.MACs))
		if l.Layer.Kind == Input {
			params, macs = "", ""
		}
		rf, jump := "?", "?"
		if l.GeomH != nil {
			rf, jump = rfString(l.RFMin, l.RF), l.Jump.String()
		}
		rows = append(rows, []string{fmt.Sprint(i), l.Layer.Name, typ, geom, l.Out.String(), params, macs, rf, jump, Bytes(l.Mem.Activation)})
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for j, c := range row {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: input %s (HxWxC)\n\n", r.Name, r.Input)
	for _, row := range rows {
		var line strings.Builder
		for j, c := range row {
			pad := strings.Repeat(" ", width[j]-len([]rune(c)))
			if j > 0 {
				line.WriteString("  ")
			}
			if right[j] {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	macs := r.batchMACs(r.MACs)
	fmt.Fprintf(&b, "\ntotal: %s params (%s), %s MACs (%sMAC) = %sFLOP (FLOPs = 2·MACs)",
		Thousands(r.Params), Count(r.Params), Thousands(macs), Count(macs), Count(flops(macs)))
	if r.Batch > 1 {
		fmt.Fprintf(&b, " for a batch of %d", r.Batch)
	}
	m := r.Mem
	fmt.Fprintf(&b, "\nmemory (%s, batch %d): params %s, input %s; forward peak %s of activations (during %s, skip tensors held)\n",
		r.DType.Name, r.Batch, Bytes(m.Params), Bytes(m.Input), Bytes(m.PeakForward), m.PeakLayer)
	fmt.Fprintf(&b, "training ≈ params + gradients + optimizer state + %s saved for backward: SGD+momentum %s, Adam %s (torchinfo's forward/backward pass size: %s)\n",
		Bytes(m.Saved), Bytes(m.TrainingSGD), Bytes(m.TrainingAdam), Bytes(m.TorchinfoPass))
	var notes, warns []string
	for _, l := range r.Layers {
		for _, n := range l.Notes {
			notes = append(notes, fmt.Sprintf("note: %s: %s", l.Layer.Name, n))
		}
		for _, w := range l.Warnings {
			warns = append(warns, fmt.Sprintf("warning: %s: %s", l.Layer.Name, w))
		}
	}
	if len(notes)+len(warns) > 0 {
		b.WriteString("\n" + strings.Join(append(notes, warns...), "\n") + "\n")
	}
	return b.String()
}

// Taps names the rows (or columns) a window of k taps d apart covers from
// start: "2..4", or "0,2,4" when dilation leaves gaps. The --explain
// printers of conv and pool head each window with it.
func Taps(start, d, k int) string {
	if d == 1 {
		if k == 1 {
			return strconv.Itoa(start)
		}
		return fmt.Sprintf("%d..%d", start, start+k-1)
	}
	parts := make([]string, k)
	for i := range parts {
		parts[i] = strconv.Itoa(start + i*d)
	}
	return strings.Join(parts, ",")
}

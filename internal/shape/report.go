package shape

import (
	"fmt"
	"math"
	"os"
	"strings"
)

// The reports `convtool shape` prints: one layer's arithmetic, a walked
// network's table, and their JSON documents.

// dimsJSON is {"h","w","c"}.
type dimsJSON struct {
	H int `json:"h"`
	W int `json:"w"`
	C int `json:"c"`
}

func toDimsJSON(d Dims) dimsJSON { return dimsJSON{d.H, d.W, d.C} }

type calcJSON struct {
	Name    string `json:"name"`
	Formula string `json:"formula"`
	Work    string `json:"work"`
	Value   int64  `json:"value"`
	Note    string `json:"note,omitempty"`
}

type layerJSON struct {
	Layer      string     `json:"layer"`
	Input      dimsJSON   `json:"input"`
	Output     dimsJSON   `json:"output"`
	Params     int64      `json:"params"`
	MACs       int64      `json:"macs"`
	Arithmetic []calcJSON `json:"arithmetic"`
	Warnings   []string   `json:"warnings"`
}

// LayerDoc is the JSON document of one layer l applied as r:
// {"layer","input","output","params","macs","arithmetic","warnings"}.
func LayerDoc(l Layer, r *Result) any {
	doc := layerJSON{Layer: l.Spec(false), Input: toDimsJSON(r.In), Output: toDimsJSON(r.Out),
		Params: r.Params, MACs: r.MACs, Warnings: r.Warnings}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for _, c := range r.Calcs {
		doc.Arithmetic = append(doc.Arithmetic, calcJSON(c))
	}
	return doc
}

// LayerText lays one layer's result out for people: the layer, its input,
// output, parameters and MACs, then the arithmetic and the warnings.
func LayerText(l Layer, r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "layer   %s\n", l.Spec(false))
	fmt.Fprintf(&b, "input   %s\n", r.In)
	fmt.Fprintf(&b, "output  %s\n", r.Out)
	fmt.Fprintf(&b, "params  %s\n", Thousands(r.Params))
	fmt.Fprintf(&b, "MACs    %s\n\n", Thousands(r.MACs))
	for _, c := range r.Calcs {
		fmt.Fprintln(&b, c)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}

// Load returns the preset named src, else parses the file src, with the
// network's text.
func Load(src string) (*Network, string, error) {
	if text, err := PresetText(src); err == nil {
		n, err := Preset(src)
		return n, text, err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, "", fmt.Errorf("%s: neither a preset (%s) nor a file", src, strings.Join(Presets(), ", "))
		}
		return nil, "", err
	}
	n, err := ParseNet(strings.NewReader(string(b)), src)
	return n, string(b), err
}

type netLayerJSON struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Spec     string   `json:"spec"`
	Output   dimsJSON `json:"output"`
	Params   int64    `json:"params"`
	MACs     int64    `json:"macs"`
	RF       any      `json:"rf"`
	Jump     any      `json:"jump"`
	Warnings []string `json:"warnings,omitempty"`
}

type netJSON struct {
	Name   string         `json:"name"`
	Input  dimsJSON       `json:"input"`
	Layers []netLayerJSON `json:"layers"`
	Total  struct {
		Params int64 `json:"params"`
		MACs   int64 `json:"macs"`
	} `json:"total"`
}

// geoJSON is an integer (or a number, when fractional) for square
// geometry, else {"h","w"}.
func geoJSON(g Geo) any {
	num := func(v float64) any {
		if v == math.Trunc(v) {
			return int64(v)
		}
		return v
	}
	if g.Square() {
		return num(g.H)
	}
	return map[string]any{"h": num(g.H), "w": num(g.W)}
}

// NetDoc is the JSON document of a walked network:
// {"name","input","layers":[…],"total":{"params","macs"}}.
func NetDoc(r *NetResult) any {
	doc := netJSON{Name: r.Name, Input: toDimsJSON(r.Input)}
	for _, l := range r.Layers[1:] {
		doc.Layers = append(doc.Layers, netLayerJSON{
			Name: l.Layer.Name, Type: string(l.Layer.Kind), Spec: l.Layer.Spec(false),
			Output: toDimsJSON(l.Out), Params: l.Params, MACs: l.MACs,
			RF: geoJSON(l.RF), Jump: geoJSON(l.Jump), Warnings: l.Warnings,
		})
	}
	doc.Total.Params, doc.Total.MACs = r.Params, r.MACs
	return doc
}

// NetText renders the walked network as an aligned table, the totals and
// the warnings.
func NetText(r *NetResult) string {
	head := []string{"#", "layer", "type", "kernel/stride/pad", "output", "params", "MACs", "RF", "jump"}
	right := []bool{true, false, false, false, false, true, true, true, true}
	rows := [][]string{head}
	for i, l := range r.Layers {
		typ := string(l.Layer.Kind)
		switch l.Layer.Kind {
		case Conv, DWConv, ConvT, FC:
			if l.Out.C != 0 {
				typ += fmt.Sprintf(" %d", l.Out.C)
			}
		case Add:
			typ += " @" + l.Layer.Ref
		case AdaptAvg, AdaptMax:
			typ += " " + l.Layer.Out.String()
		}
		geom := strings.Join(l.Layer.Options(), " ")
		if l.Layer.From != "" {
			geom = strings.TrimSpace(geom + " @" + l.Layer.From)
		}
		params, macs := Thousands(l.Params), Thousands(l.MACs)
		if l.Layer.Kind == Input {
			params, macs = "", ""
		}
		rows = append(rows, []string{fmt.Sprint(i), l.Layer.Name, typ, geom, l.Out.String(), params, macs, l.RF.String(), l.Jump.String()})
	}
	width := make([]int, len(head))
	for _, row := range rows {
		for j, c := range row {
			width[j] = max(width[j], len([]rune(c)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: input %s\n\n", r.Name, r.Input)
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
	fmt.Fprintf(&b, "\ntotal: %s params, %s MACs\n", Thousands(r.Params), Thousands(r.MACs))
	var warns []string
	for _, l := range r.Layers {
		for _, w := range l.Warnings {
			warns = append(warns, fmt.Sprintf("warning: %s: %s", l.Layer.Name, w))
		}
	}
	if len(warns) > 0 {
		b.WriteString("\n" + strings.Join(warns, "\n") + "\n")
	}
	return b.String()
}

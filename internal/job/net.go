package job

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/forward"
	"github.com/convtool/convtool/internal/models"
	"github.com/convtool/convtool/internal/mosaic"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
	"github.com/convtool/convtool/internal/transform"
)

// NetRunRequest is what the user asked of `convtool net run`.
type NetRunRequest struct {
	// Net is a bundled model (models.Names), a shape preset or a network
	// file.
	Net string
	// Weights is a .safetensors or .npz file ("": a bundled model's own).
	Weights       string
	Input, Output string
	// PrintWeights lists the tensors the network needs instead of running.
	PrintWeights bool
	// Preprocess is "" or "none" (only what the flags below ask) or
	// "imagenet" (resize 256, crop 224, ImageNet mean and std).
	Preprocess string
	// Resize makes the shorter side this long (0: no resize); Crop cuts
	// the central square of this side (0: none).
	Resize, Crop int
	// Mean and Std are "m" or "m1,m2,m3" ("": no normalisation).
	Mean, Std string
	// Top prints the K most probable classes; Labels names them.
	Top    int
	Labels string
	// Maps is a directory for every layer's output and an index.
	Maps string
}

// imagenet is torchvision's classification preprocessing.
var imagenet = struct {
	resize, crop int
	mean, std    string
}{256, 224, "0.485,0.456,0.406", "0.229,0.224,0.225"}

// netPlan is a request with its network, weights and preprocessing
// resolved, before any pixel is read.
type netPlan struct {
	req       NetRunRequest
	net       *shape.Network
	weights   forward.Weights
	wfile     string
	labels    []string
	labelFile string // names the labels in messages
	exactSize int    // a bundled model's square input (resized to if it differs)
	mean, std []float64
}

// NetRun runs a network on one input (or lists its weights).
func NetRun(r NetRunRequest, env *Env) error {
	start := time.Now()
	pl, err := planNet(r, env)
	if err != nil {
		return err
	}
	if r.PrintWeights {
		return printWeights(pl, env)
	}
	d, err := env.Read(r.Input)
	if err != nil {
		return err
	}
	x, err := pl.preprocess(d)
	if err != nil {
		return fmt.Errorf("%s: %w", r.Input, err)
	}
	in := shape.Dims{H: x.H, W: x.W, C: x.C}
	if err := checkSizes(pl.net, in, env.MaxPixels); err != nil {
		return err
	}
	m, err := forward.Build(pl.net, &in, pl.weights, pl.wfile)
	if err != nil {
		return err
	}
	last := m.Net.Layers[len(m.Net.Layers)-1]
	if n := last.Out.H * last.Out.W * last.Out.C; pl.labels != nil && len(pl.labels) != n {
		return fmt.Errorf("%s: %d labels for the %d outputs of %s", pl.labelFile, len(pl.labels), n, last.Layer.Name)
	}
	// compute is the layers' own time: the statistics and copies the
	// hook makes for --json and --maps are not the network's.
	var layers []netLayer
	var outs []*tensor.Tensor
	var compute time.Duration
	keep, stats := r.Maps != "", r.Maps != "" || env.JSON
	out, err := m.Run(x, func(o forward.LayerOutput) error {
		compute += o.Elapse
		if stats {
			layers = append(layers, describe(o))
		}
		if keep {
			outs = append(outs, o.Out.Clone())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", pl.net.Name, err)
	}
	if r.Maps != "" {
		if err := env.writeMaps(r.Maps, layers, outs); err != nil {
			return err
		}
	}
	if r.Output != "" {
		od := &tensorio.Data{T: out, Format: "npy", Rank: 3}
		if err := env.Write(r.Output, od, ""); err != nil {
			return err
		}
	}
	top := r.Top
	if top == 0 && r.Output == "" && r.Maps == "" && !env.JSON {
		top = 5
	}
	var best []class
	if top > 0 {
		best = topK(out, top, pl.labels, last.Layer.Kind)
	}
	if env.JSON {
		return env.PrintJSON(netJSON{Net: pl.net.Name, Weights: pl.wfile,
			Input: summary.FactsOf(r.Input, x), Output: outputFacts(r.Output, out),
			Layers: layers, Top: best, ComputeMS: ms(compute), TimeMS: ms(time.Since(start))})
	}
	for i, c := range best {
		if _, err := fmt.Fprintf(env.Stdout, "%d  %-12s %.4f\n", i+1, c.Label, c.P); err != nil {
			return err
		}
	}
	s := summary.New("net run").Add("net", pl.net.Name).Data("input", r.Input, x)
	if r.Output != "" {
		s.Data("output", r.Output, out)
	}
	s.Add("layers", len(m.Net.Layers)).Add("compute", fmt.Sprintf("%.1fms", ms(compute)))
	return env.Print(s, r.Output, start)
}

// outputFacts describes the output file, or just the shape when none was
// written.
func outputFacts(path string, t *tensor.Tensor) any {
	if path == "" {
		return dimsCHW{C: t.C, H: t.H, W: t.W}
	}
	return summary.FactsOf(path, t)
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())) / 1000 }

// planNet resolves the network, weights, labels and preprocessing, and
// checks every flag, before the input is read.
func planNet(r NetRunRequest, env *Env) (*netPlan, error) {
	pl := &netPlan{req: r}
	var err error
	if b, ok := models.Get(r.Net); ok {
		if pl.net, err = shape.ParseNet(strings.NewReader(b.Net), b.Name); err != nil {
			return nil, err
		}
		pl.labels, pl.labelFile, pl.exactSize = b.Labels, b.Name+"'s labels", b.Resize
		if r.Weights == "" {
			pl.wfile = b.Name + " (built in)"
			if pl.weights, err = forward.DecodeSafetensors(b.Weights); err != nil {
				return nil, fmt.Errorf("%s: %w", pl.wfile, err)
			}
		}
	} else {
		if pl.net, _, err = shape.Load(r.Net, env.Stdin); err != nil {
			return nil, err
		}
		if r.Weights == "" && !r.PrintWeights {
			res, err := shape.Walk(pl.net, nil)
			if err != nil {
				return nil, err
			}
			if ps := forward.Params(res); len(ps) > 0 {
				return nil, Usagef("%s needs %d weight tensors: give --weights FILE (.safetensors or .npz; --print-weights lists them), or run a built-in model (%s)",
					r.Net, len(ps), strings.Join(models.Names(), ", "))
			}
			pl.wfile = "(none)"
		}
	}
	if r.PrintWeights {
		return pl, nil
	}
	if r.Input == "" {
		return nil, Usagef("net run needs an input image or .npy")
	}
	if r.Weights != "" {
		if pl.weights, err = forward.ReadWeights(r.Weights); err != nil {
			return nil, err
		}
		pl.wfile = r.Weights
	}
	switch r.Preprocess {
	case "", "none":
	case "imagenet":
		if r.Resize == 0 {
			r.Resize = imagenet.resize
		}
		if r.Crop == 0 {
			r.Crop = imagenet.crop
		}
		if r.Mean == "" && r.Std == "" {
			r.Mean, r.Std = imagenet.mean, imagenet.std
		}
	default:
		return nil, Usagef("--preprocess %q: want none or imagenet", r.Preprocess)
	}
	if r.Resize < 0 || r.Crop < 0 {
		return nil, Usagef("--resize and --crop take a positive size")
	}
	if (r.Mean == "") != (r.Std == "") {
		return nil, Usagef("--mean and --std go together")
	}
	if r.Mean != "" {
		if pl.mean, err = floats("--mean", r.Mean); err != nil {
			return nil, err
		}
		if pl.std, err = floats("--std", r.Std); err != nil {
			return nil, err
		}
		if len(pl.mean) != len(pl.std) {
			return nil, Usagef("--mean has %d values, --std %d", len(pl.mean), len(pl.std))
		}
	}
	if r.Top < 0 {
		return nil, Usagef("--top %d: want a positive count", r.Top)
	}
	if r.Labels != "" {
		b, err := os.ReadFile(r.Labels)
		if err != nil {
			return nil, err
		}
		pl.labels = strings.Split(strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n")
		pl.labelFile = r.Labels
	}
	if r.Output != "" {
		if err := CheckOutputPath(r.Output, ""); err != nil {
			return nil, err
		}
	}
	pl.req = r
	return pl, nil
}

func floats(flag, s string) ([]float64, error) {
	var v []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, Usagef("%s %q: want one number or one a channel, comma-separated", flag, s)
		}
		v = append(v, x)
	}
	return v, nil
}

// preprocess turns a loaded input into the network's input: channels
// matched (a grey image to three by copying, colour to one by PIL's luma,
// alpha dropped), then resize, centre crop, to-float (images only:
// samples over their range) and normalise, in torchvision's order.
func (pl *netPlan) preprocess(d *tensorio.Data) (*tensor.Tensor, error) {
	x := d.T
	image := d.Kind() == tensorio.KindImage
	want := pl.net.Layers[0].In.C
	if image {
		x = transform.Channels(x, d.Alpha, want)
	}
	r := pl.req
	eightBit := image && d.Depth == 8
	var err error
	if r.Resize > 0 {
		oh, ow := transform.ShorterSide(x.H, x.W, r.Resize)
		if x, err = transform.Resize(x, oh, ow, eightBit); err != nil {
			return nil, err
		}
	} else if s := pl.exactSize; s > 0 && (x.H != s || x.W != s) {
		if x, err = transform.Resize(x, s, s, eightBit); err != nil {
			return nil, err
		}
	}
	if r.Crop > 0 {
		if x, err = transform.CenterCrop(x, r.Crop, r.Crop); err != nil {
			return nil, err
		}
	}
	if x == d.T {
		x = x.Clone()
	}
	if image {
		top := 255.0
		if d.Depth == 16 {
			top = 65535
		}
		transform.Scale(x, 1/top)
	}
	if pl.mean != nil {
		if err := transform.Normalize(x, pl.mean, pl.std); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// checkSizes refuses, before any weight is checked or memory allocated, a
// network whose layers would outgrow the shared per-channel limit at input
// size in.
func checkSizes(n *shape.Network, in shape.Dims, limit int64) error {
	res, err := shape.Walk(n, &in)
	if err != nil {
		return err
	}
	for _, l := range res.Layers {
		if o := l.Out; limit > 0 && int64(o.H)*int64(o.W) > limit {
			return fmt.Errorf("%s: layer %s would be %s, over --max-pixels %d samples a channel", n.Name, l.Layer.Name, o, limit)
		}
	}
	return nil
}

// printWeights lists the tensors the network needs at its written input.
func printWeights(pl *netPlan, env *Env) error {
	res, err := shape.Walk(pl.net, nil)
	if err != nil {
		return err
	}
	ps := forward.Params(res)
	if env.JSON {
		type p struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
		}
		doc := make([]p, len(ps))
		for i, q := range ps {
			doc[i] = p{q.Key, q.Shape}
		}
		return env.PrintJSON(doc)
	}
	for _, q := range ps {
		if _, err := fmt.Fprintf(env.Stdout, "%-40s %s\n", q.Key, q.ShapeString()); err != nil {
			return err
		}
	}
	return nil
}

// netLayer is one layer's output as --json and the maps index report it.
type netLayer struct {
	Layer string  `json:"layer"`
	Type  string  `json:"type"`
	Shape dimsCHW `json:"shape"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Mean  float64 `json:"mean"`
	MS    float64 `json:"ms"`
	NPY   string  `json:"npy,omitempty"`
	PNG   string  `json:"png,omitempty"`
}

func describe(o forward.LayerOutput) netLayer {
	lo, hi := o.Out.MinMax()
	var sum float64
	for _, v := range o.Out.Data {
		sum += float64(v)
	}
	return netLayer{Layer: o.Layer.Name, Type: string(o.Layer.Kind),
		Shape: dimsCHW{C: o.Out.C, H: o.Out.H, W: o.Out.W},
		Min:   float64(lo), Max: float64(hi), Mean: sum / float64(max(o.Out.Len(), 1)),
		MS: ms(o.Elapse)}
}

// dimsCHW is a layer output's shape in JSON.
type dimsCHW struct {
	C int `json:"c"`
	H int `json:"h"`
	W int `json:"w"`
}

type class struct {
	Index int     `json:"index"`
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

type netJSON struct {
	Net       string        `json:"net"`
	Weights   string        `json:"weights"`
	Input     summary.Facts `json:"input"`
	Output    any           `json:"output"`
	Layers    []netLayer    `json:"layers"`
	Top       []class       `json:"top,omitempty"`
	ComputeMS float64       `json:"compute_ms"`
	TimeMS    float64       `json:"time_ms"`
}

// topK returns the k most probable classes of a network's output: the
// softmax of its values, or the values themselves when the last layer is
// a softmax.
func topK(out *tensor.Tensor, k int, labels []string, last shape.Kind) []class {
	n := out.Len()
	p := make([]float64, n)
	hi := math.Inf(-1)
	for _, v := range out.Data {
		hi = math.Max(hi, float64(v))
	}
	var sum float64
	for i, v := range out.Data {
		if last == shape.Softmax {
			p[i] = float64(v) // already probabilities
		} else {
			p[i] = math.Exp(float64(v) - hi)
		}
		sum += p[i]
	}
	cs := make([]class, n)
	for i := range cs {
		cs[i] = class{Index: i, Label: strconv.Itoa(i), P: p[i] / sum}
		if labels != nil {
			cs[i].Label = labels[i]
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].P > cs[b].P })
	return cs[:min(k, n)]
}

// writeMaps stores every layer's output as DIR/NNN-NAME.npy, its mosaic
// as DIR/NNN-NAME.png (layers with a spatial extent: a 1x1 vector is no
// picture) and an index.json describing them.
func (e *Env) writeMaps(dir string, layers []netLayer, outs []*tensor.Tensor) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, t := range outs {
		l := &layers[i]
		base := fmt.Sprintf("%03d-%s", i, l.Layer)
		l.NPY = base + ".npy"
		if err := e.Write(filepath.Join(dir, l.NPY), &tensorio.Data{T: t, Format: "npy", Rank: 3}, "npy"); err != nil {
			return err
		}
		if t.H*t.W > 1 {
			l.PNG = base + ".png"
			title := fmt.Sprintf("%s (%s) %dx%dx%d", l.Layer, l.Type, t.C, t.H, t.W)
			if err := e.writeMosaic(filepath.Join(dir, l.PNG), "png", t, mosaic.Options{Title: title}); err != nil {
				return err
			}
		}
	}
	b, err := json.MarshalIndent(layers, "", "  ")
	if err != nil {
		return err
	}
	return tensorio.WriteEncoded(filepath.Join(dir, "index.json"), e.Stdout, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

package job

import (
	"fmt"
	"image/gif"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/fft"
	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/mosaic"
	"github.com/convtool/convtool/internal/netplot"
	"github.com/convtool/convtool/internal/rfbox"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/slide"
	"github.com/convtool/convtool/internal/specplot"
	"github.com/convtool/convtool/internal/summary"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// CheckPicturePath refuses, before any work, a picture path whose format
// is not an image one.
func CheckPicturePath(path, format string) error {
	f, err := tensorio.OutputFormat(path, format, "png")
	if err != nil {
		return Usagef("%s: %v", path, err)
	}
	if tensorio.KindOf(f) != tensorio.KindImage {
		return Usagef("%s: a picture is an image (.png, .jpg, .gif, .tif, .bmp), not %s", path, f)
	}
	return nil
}

// WriteCanvas writes a finished raster picture as an 8-bit image,
// atomically, in format (by path's extension if ""; "-" writes PNG).
func (e *Env) WriteCanvas(path, format string, c *figure.Canvas) error {
	f, err := tensorio.OutputFormat(path, format, "png")
	if err != nil {
		return err
	}
	return e.Write(path, &tensorio.Data{T: c.Tensor(), Format: f, Rank: 3, Depth: 8}, f)
}

// WriteEncoded writes what enc produces at path, atomically ("-": Stdout).
func (e *Env) WriteEncoded(path string, enc func(io.Writer) error) error {
	return tensorio.WriteEncoded(path, e.Stdout, enc)
}

// writeMosaic draws t as a mosaic and writes it at path.
func (e *Env) writeMosaic(path, format string, t *tensor.Tensor, o mosaic.Options) error {
	pic, err := mosaic.Draw(t, o)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return e.WriteCanvas(path, format, pic.Canvas)
}

// MosaicInstead decides whether a result bound for an image is drawn as a
// mosaic: when asked (--mosaic), or when the image could not hold its
// channels as grey, grey+alpha, RGB or RGBA. It returns the notice to
// print when the choice was automatic ("" otherwise). A non-image output
// takes the values themselves.
func MosaicInstead(path, format string, d *tensorio.Data, asked bool) (bool, string) {
	f, err := tensorio.OutputFormat(path, format, d.Format)
	if err != nil || tensorio.KindOf(f) != tensorio.KindImage {
		return false, ""
	}
	if asked {
		return true, ""
	}
	c := d.T.C
	if c == 1 || c == 3 || ((c == 2 || c == 4) && d.Alpha) {
		return false, ""
	}
	return true, fmt.Sprintf("%s: %d channels are not an image's grey, colour or alpha: drew them as a mosaic (write .npy to keep the values)", path, c)
}

// writeResult writes a command's result: the values, or — for an image
// output that asks for it or cannot hold the channels — their mosaic, with
// a notice on stderr when the mosaic was not asked for. It reports whether
// a mosaic was drawn.
func (e *Env) writeResult(command, path, format string, d *tensorio.Data, asked bool, title string) (bool, error) {
	ok, notice := MosaicInstead(path, format, d, asked)
	if !ok {
		return false, e.Write(path, d, format)
	}
	if err := e.writeMosaic(path, format, d.T, mosaic.Options{Title: title}); err != nil {
		return true, err
	}
	if notice != "" && !e.Quiet {
		fmt.Fprintf(e.Stderr, "%s: %s\n", command, notice)
	}
	return true, nil
}

// writeSlide draws the sliding-window animation of channel 0 and writes it
// as a GIF, atomically.
func (e *Env) writeSlide(path string, in *tensor.Tensor, k *kernel.Kernel, p conv.Params, title string) error {
	s, err := slide.New(in, k, p, slide.Options{Title: title})
	if err != nil {
		return err
	}
	g, err := s.GIF()
	if err != nil {
		return err
	}
	return e.WriteEncoded(path, func(w io.Writer) error { return gif.EncodeAll(w, g) })
}

// ShowRequest is what the user asked of `convtool show`: a tensor viewer.
type ShowRequest struct {
	Input, Output string
	Shared        bool
	Columns       int
	Title         string
}

// Validate checks the request before the input is read.
func (r *ShowRequest) Validate() error {
	if r.Columns < 0 {
		return Usagef("--columns must be 0 (automatic) or more, got %d", r.Columns)
	}
	return CheckPicturePath(r.Output, "")
}

// Show draws every channel of the input as a mosaic.
func Show(r ShowRequest, env *Env) error {
	res := &Result{Output: r.Output, Start: time.Now()}
	in, err := env.Read(r.Input)
	if err != nil {
		return err
	}
	title := r.Title
	if title == "" {
		title = fmt.Sprintf("%s  %s (CxHxW)", filepath.Base(r.Input), in.T.Shape())
	}
	if err := env.writeMosaic(r.Output, "", in.T, mosaic.Options{Title: title, Shared: r.Shared, Columns: r.Columns}); err != nil {
		return err
	}
	scale := "per channel"
	if r.Shared {
		scale = "shared"
	}
	res.Summary = summary.New("show").Data("input", r.Input, in.T).Add("picture", r.Output).Add("scale", scale)
	return res.Print(env)
}

// checkNetPictures checks shape net's --plot and --rf requests.
func (r *ShapeNetRequest) checkNetPictures() error {
	if r.Plot != "" && !strings.EqualFold(filepath.Ext(r.Plot), ".svg") {
		if err := CheckPicturePath(r.Plot, ""); err != nil {
			return Usagef("--plot: %v (or .svg)", err)
		}
	}
	if r.RF == "" {
		if r.Layer != "" || r.Image != "" {
			return Usagef("--layer and --image go with --rf Y,X")
		}
		return nil
	}
	if r.Layer == "" || r.Image == "" || r.RFOut == "" {
		return Usagef("--rf Y,X needs --layer L and --image FILE, and a PICTURE to write")
	}
	if r.List || r.Print || r.Plot != "" || r.Input != "" {
		return Usagef("--rf draws one picture: not with --list, --print, --plot or --input (the network is walked at the image's size)")
	}
	if _, _, err := pair("rf", r.RF, 0); err != nil {
		return err
	}
	return CheckPicturePath(r.RFOut, "")
}

// writeNetPlot draws the walked network as PNG (or another image format)
// or SVG, by the file's extension.
func (e *Env) writeNetPlot(path string, res *shape.NetResult) error {
	svg := strings.EqualFold(filepath.Ext(path), ".svg")
	c, _, err := netplot.Render(res, svg)
	if err != nil {
		return err
	}
	if svg {
		return e.WriteEncoded(path, c.WriteSVG)
	}
	return e.WriteCanvas(path, "", c)
}

// shapeRF draws the receptive field of one output position on the input
// image, the network walked at the image's size.
func shapeRF(r ShapeNetRequest, n *shape.Network, env *Env) error {
	start := time.Now()
	y, x, _ := pair("rf", r.RF, 0)
	img, err := env.Read(r.Image)
	if err != nil {
		return err
	}
	if img.Kind() != tensorio.KindImage {
		return fmt.Errorf("%s: --image wants an image (PNG, JPEG, …), not %s", r.Image, img.Format)
	}
	in := n.Layers[0].In
	in.H, in.W = img.T.H, img.T.W
	res, err := shape.Walk(n, &in)
	if err != nil {
		return err
	}
	i, err := rfbox.FindLayer(res, r.Layer)
	if err != nil {
		return Usagef("--layer: %v", err)
	}
	box, err := rfbox.Of(res, i, y, x)
	if err != nil {
		return err
	}
	l := res.Layers[i]
	title := fmt.Sprintf("%s %s output (%d,%d): receptive field %dx%d, jump %s", res.Name, l.Layer.Name, y, x, box.Y1-box.Y0+1, box.X1-box.X0+1, l.Jump)
	caption := append([]string{fmt.Sprintf("input %s: %s", res.Input, box)}, rfbox.Misaligned(res, i)...)
	c, err := rfbox.Draw(img.T, levels.SampleMax(img.Depth), box, title, caption)
	if err != nil {
		return err
	}
	if err := env.WriteCanvas(r.RFOut, "", c); err != nil {
		return err
	}
	s := summary.New("shape net").Add("network", res.Name).Add("input", res.Input.String()).Add("layer", l.Layer.Name).
		Add("position", fmt.Sprintf("%d,%d", y, x)).Add("rf", l.RF.String()).Add("box", box.String()).Add("picture", r.RFOut)
	return env.Print(s, r.RFOut, start)
}

// writeKernelPlot draws k beside its frequency response with axes, colour
// bars and the half-gain outline.
func (e *Env) writeKernelPlot(k *kernel.Kernel, path string) error {
	n := max(64, 4*max(k.H, k.W))
	r := fft.KernelResponse(k, n, n)
	_, peak := r.MinMax()
	pic, err := specplot.Draw(r.Data, r.H, r.W, specplot.Options{
		Title:    fmt.Sprintf("%s: frequency response |H| on %dx%d bins, half-gain outline dashed", k.Name, n, n),
		BarLabel: "gain |H|", Contour: float64(peak) / 2, Kernel: k,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return e.WriteCanvas(path, "", pic.Canvas)
}

// writeBankPlot draws a 4-D bank's slices as a mosaic on one colour
// scale, each tile labelled with its (first, second) index.
func (e *Env) writeBankPlot(b *kernel.Bank, path string) error {
	t := tensor.New(b.N0*b.N1, b.KH, b.KW)
	copy(t.Data, b.Data)
	labels := make([]string, 0, t.C)
	for i := range b.N0 {
		for j := range b.N1 {
			labels = append(labels, fmt.Sprintf("[%d][%d]", i, j))
		}
	}
	title := fmt.Sprintf("%s: %s weights, one tile a kH x kW slice [first][second index]", filepath.Base(b.Name), b.Shape())
	return e.writeMosaic(path, "", t, mosaic.Options{Title: title, Shared: true, Columns: b.N1, Labels: labels})
}

// writeSpectrumPlot draws log(1+|F|) of x (averaged over its channels)
// with the filter's radii, if any.
func (e *Env) writeSpectrumPlot(path string, x *tensor.Tensor, f *fft.Filter, name string) error {
	mag := fft.Spectrum(x)
	mean := make([]float32, x.H*x.W)
	for c := range mag.C {
		for i, v := range mag.Plane(c) {
			mean[i] += float32(math.Log1p(float64(v))) / float32(mag.C)
		}
	}
	o := specplot.Options{Title: fmt.Sprintf("%s: centred spectrum %dx%d", name, x.H, x.W), BarLabel: "log(1 + |F|)"}
	if x.C > 1 {
		o.Title += fmt.Sprintf(", mean of %d channels", x.C)
	}
	if f != nil {
		o.Rings = []float64{f.R1}
		if f.Band == fft.Bandpass {
			o.Rings = append(o.Rings, f.R2)
		}
		o.Title += ", " + f.String() + " radii dashed"
	}
	pic, err := specplot.Draw(mean, x.H, x.W, o)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return e.WriteCanvas(path, "", pic.Canvas)
}

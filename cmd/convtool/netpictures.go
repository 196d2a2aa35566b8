package main

import (
	"fmt"
	goio "io"
	"path/filepath"
	"strings"

	"github.com/convtool/convtool/internal/netplot"
	"github.com/convtool/convtool/internal/rfbox"
	"github.com/convtool/convtool/internal/shape"
	"github.com/convtool/convtool/internal/tensorio"
)

// validatePictures checks shape net's --plot and --rf flags.
func (o *shapeNetOptions) validatePictures() error {
	if o.Plot != "" {
		if ext := strings.ToLower(filepath.Ext(o.Plot)); ext != ".svg" {
			if err := checkPicturePath(o.Plot, ""); err != nil {
				return usageErrorf("--plot: %v (or .svg)", err)
			}
		}
	}
	rfFlags := o.Layer != "" || o.Image != ""
	if o.RF == "" {
		if rfFlags {
			return usageErrorf("--layer and --image go with --rf Y,X")
		}
		return nil
	}
	if o.Layer == "" || o.Image == "" {
		return usageErrorf("--rf Y,X needs --layer L and --image FILE, and a PICTURE to write")
	}
	if o.List || o.Print || o.Plot != "" || o.Input != "" {
		return usageErrorf("--rf draws one picture: not with --list, --print, --plot or --input (the network is walked at the image's size)")
	}
	if _, _, err := pair("rf", o.RF, 0); err != nil {
		return err
	}
	return checkPicturePath(o.RFOut, "")
}

// writeNetPlot draws the walked network as PNG (or another image format)
// or SVG, by the file's extension.
func writeNetPlot(io *streams, path string, res *shape.NetResult) error {
	svg := strings.EqualFold(filepath.Ext(path), ".svg")
	c, _, err := netplot.Render(res, svg)
	if err != nil {
		return err
	}
	if svg {
		return tensorio.WriteEncoded(path, io.Out, func(w goio.Writer) error { return c.WriteSVG(w) })
	}
	return writeCanvas(io, path, "", c)
}

// runShapeRF draws the receptive field of one output position on the
// input image, the network walked at the image's size.
func runShapeRF(o *shapeNetOptions, n *shape.Network) error {
	y, x, _ := pair("rf", o.RF, 0)
	img, err := readData(o.IO, o.G, o.Image)
	if err != nil {
		return err
	}
	if img.Kind != tensorio.KindImage {
		return fmt.Errorf("%s: --image wants an image (PNG, JPEG, …), not %s", o.Image, img.Format)
	}
	in := n.Layers[0].In
	in.H, in.W = img.T.H, img.T.W
	res, err := shape.Walk(n, &in)
	if err != nil {
		return err
	}
	i, err := rfbox.FindLayer(res, o.Layer)
	if err != nil {
		return usageErrorf("--layer: %v", err)
	}
	box, err := rfbox.Of(res, i, y, x)
	if err != nil {
		return err
	}
	l := res.Layers[i]
	title := fmt.Sprintf("%s %s output (%d,%d): receptive field %s, jump %s", res.Name, l.Layer.Name, y, x, l.RF, l.Jump)
	caption := fmt.Sprintf("input %s: %s", res.Input, box)
	c, err := rfbox.Draw(img.T, sampleMax(img.Depth), box, title, caption)
	if err != nil {
		return err
	}
	if err := writeCanvas(o.IO, o.RFOut, "", c); err != nil {
		return err
	}
	s := newSummary("shape net")
	s.add("network", res.Name).add("input", res.Input.String()).add("layer", l.Layer.Name).
		add("position", fmt.Sprintf("%d,%d", y, x)).add("rf", l.RF.String()).add("box", box.String()).add("picture", o.RFOut)
	return s.print(o.IO, o.G, o.RFOut)
}

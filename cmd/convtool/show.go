package main

import (
	"fmt"
	"image/gif"
	goio "io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/figure"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/mosaic"
	"github.com/convtool/convtool/internal/slide"
	"github.com/convtool/convtool/internal/tensor"
	"github.com/convtool/convtool/internal/tensorio"
)

// showOptions is everything `convtool show` needs.
type showOptions struct {
	IO *streams
	G  *globalOptions

	Input, Output string
	Shared        bool
	Columns       int
	Title         string
}

func newCmdShow(io *streams, g *globalOptions) *cobra.Command {
	o := &showOptions{IO: io, G: g}
	cmd := &cobra.Command{
		Use:   "show INPUT PICTURE",
		Short: "Draw a tensor's channels as a labelled mosaic (a tensor viewer)",
		Long: `Draw every channel of INPUT (.npy, an image, a text or .mat matrix) as a
grid of tiles in PICTURE (.png, or another image format by extension).

Each tile is one channel on a diverging colour map — blue negative, light
grey zero, red positive — scaled by the channel's own largest magnitude, so
every feature map shows its structure; --shared uses one scale for all
channels, so tiles compare with each other. The channel index is written
above each tile and its value range at the right; the colour bar gives
the scale. NaN samples are drawn grey-green.

conv and pool draw the same picture with --mosaic, and on their own when
an image output is asked to hold channels an image cannot (more than 4,
or 2 or 4 that are not grey/colour plus alpha).

` + exitCodesHelp,
		Example: `  convtool show feat.npy feat.png
  convtool conv x.npy y.npy -k weights.npy && convtool show y.npy y.png --shared`,
		Args: exactArgs(2, "INPUT", "PICTURE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Input, o.Output = args[0], args[1]
			if err := checkPicturePath(o.Output, ""); err != nil {
				return err
			}
			if o.Columns < 0 {
				return usageErrorf("--columns must be 0 (automatic) or more, got %d", o.Columns)
			}
			return runShow(o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Shared, "shared", false, "one colour scale for every channel (default: each channel scaled by its own max |v|)")
	f.IntVar(&o.Columns, "columns", 0, "tiles per row (0: about the square root of the channel count)")
	f.StringVar(&o.Title, "title", "", "title above the grid (default: the input's name and shape)")
	return cmd
}

func runShow(o *showOptions) error {
	in, err := readData(o.IO, o.G, o.Input)
	if err != nil {
		return err
	}
	title := o.Title
	if title == "" {
		title = fmt.Sprintf("%s  %s (CxHxW)", filepath.Base(o.Input), in.T.Shape())
	}
	if err := writeMosaic(o.IO, o.Output, "", in.T, mosaic.Options{Title: title, Shared: o.Shared, Columns: o.Columns}); err != nil {
		return err
	}
	s := newSummary("show")
	s.data("input", o.Input, in.T)
	s.add("picture", o.Output)
	s.add("scale", map[bool]string{false: "per channel", true: "shared"}[o.Shared])
	return s.print(o.IO, o.G, o.Output)
}

// checkPicturePath refuses, before any work, a picture path whose format
// is not an image one.
func checkPicturePath(path, format string) error {
	f, err := tensorio.OutputFormat(path, format, "png")
	if err != nil {
		return usageErrorf("%s: %v", path, err)
	}
	if tensorio.KindOf(f) != tensorio.KindImage {
		return usageErrorf("%s: a picture is an image (.png, .jpg, .gif, .tif, .bmp), not %s", path, f)
	}
	return nil
}

// writeMosaic draws t as a mosaic and writes it at path (format by
// extension, or format; "-" writes PNG to stdout).
func writeMosaic(io *streams, path, format string, t *tensor.Tensor, o mosaic.Options) error {
	pic, err := mosaic.Draw(t, o)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return writeCanvas(io, path, format, pic.Canvas)
}

// writeCanvas writes a finished picture as an 8-bit image, atomically.
func writeCanvas(io *streams, path, format string, c *figure.Canvas) error {
	f, err := tensorio.OutputFormat(path, format, "png")
	if err != nil {
		return err
	}
	d := &tensorio.Data{T: c.Tensor(), Kind: tensorio.KindImage, Format: f, Rank: 3, Depth: 8}
	return writeData(io, path, d, f)
}

// mosaicInstead decides whether a result bound for an image is drawn as a
// mosaic: when asked (--mosaic), or when the image could not hold its
// channels as grey, grey+alpha, RGB or RGBA. It returns the notice to print
// when the choice was automatic ("" otherwise). A non-image output takes
// the values themselves.
func mosaicInstead(path, format string, d *tensorio.Data, asked bool) (bool, string) {
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
func writeResult(io *streams, g *globalOptions, command, path, format string, d *tensorio.Data, asked bool, title string) (bool, error) {
	ok, notice := mosaicInstead(path, format, d, asked)
	if !ok {
		return false, writeData(io, path, d, format)
	}
	if err := writeMosaic(io, path, format, d.T, mosaic.Options{Title: title}); err != nil {
		return true, err
	}
	if notice != "" && !g.Quiet {
		fmt.Fprintf(io.ErrOut, "%s: %s\n", command, notice)
	}
	return true, nil
}

// writeSlide draws the sliding-window animation of channel 0 and writes it
// as a GIF, atomically.
func writeSlide(io *streams, path string, in *tensor.Tensor, k *kernel.Kernel, p conv.Params, title string) error {
	s, err := slide.New(in, k, p, slide.Options{Title: title})
	if err != nil {
		return err
	}
	g, err := s.GIF()
	if err != nil {
		return err
	}
	return tensorio.WriteEncoded(path, io.Out, func(w goio.Writer) error { return gif.EncodeAll(w, g) })
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
)

func newCmdShow(io *streams, g *globalOptions) *cobra.Command {
	r := &job.ShowRequest{}
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
			r.Input, r.Output = args[0], args[1]
			if err := r.Validate(); err != nil {
				return err
			}
			return job.Show(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&r.Shared, "shared", false, "one colour scale for every channel (default: each channel scaled by its own max |v|)")
	f.IntVar(&r.Columns, "columns", 0, "tiles per row (0: about the square root of the channel count)")
	f.StringVar(&r.Title, "title", "", "title above the grid (default: the input's name and shape)")
	return cmd
}

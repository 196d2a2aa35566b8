package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/convtool/convtool/internal/job"
	"github.com/convtool/convtool/internal/models"
)

func newCmdNet(io *streams, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "net",
		Short: "Run networks forward with real weights",
		Long: `Run a network (a network file in shape net's language, a shape preset, or a
built-in trained model) forward on an image or .npy, in eval mode.

  convtool net run digits testdata/digits/seven.png --top 3
  convtool net run resnet18 --weights resnet18.safetensors cat.jpg --preprocess imagenet --top 5 --labels imagenet.txt
  convtool net run resnet18 --print-weights`,
	}
	cmd.AddCommand(newCmdNetRun(io, g))
	return cmd
}

const netRunLong = `Run NET forward on IN (an image or .npy) in eval mode: batch norm uses its
running statistics, dropout is the identity. NET is a built-in model
(%MODELS%: weights included), a preset of shape net (convtool shape net
--list) or a network file in any form shape net reads.

Weights (--weights) are a .safetensors file (F32, F16, BF16 or F64) or a
NumPy .npz, keyed as PyTorch's state_dict: the layer's name, a dot, the
parameter — conv1.weight, conv1.bias, bn1.weight, bn1.bias,
bn1.running_mean, bn1.running_var, fc.weight (out, in). Name the layers of a
network file as the torch modules (layer1.0.conv1: conv 64 k3 p1 nobias) and
a torchvision state_dict lines up; --print-weights lists the names and
shapes NET expects. Missing, unexpected and mis-shaped tensors are listed in
one error before anything is computed.

Preprocessing follows torchvision's transforms, in their order: --resize N
(shorter side to N, PIL's bilinear with antialiasing), --crop N (centre
crop), to-float (an image's samples over 255, or 65535 at 16 bits; .npy
values are taken as they are), --mean/--std (normalise a channel).
--preprocess imagenet is --resize 256 --crop 224 with ImageNet's mean and
std. A grey image feeds a 3-channel network copied to three channels, a
colour image a 1-channel one as its luma; alpha is dropped. The network is
walked at the preprocessed input's size.

Output: --top K prints the K most probable classes (the softmax of the
output, unless the last layer is one) with --labels FILE naming them, one a
line; OUT receives the last
layer's output (.npy); --maps DIR writes every layer's output as
DIR/NNN-LAYER.npy and, for maps larger than 1x1, its channels as a mosaic
DIR/NNN-LAYER.png, with DIR/index.json (layer, type, shape, min, max, mean,
ms, files); --json prints the run, each layer's time included, as JSON.
With none of OUT, --top, --maps or --json the top 5 classes are printed.`

func newCmdNetRun(io *streams, g *globalOptions) *cobra.Command {
	r := &job.NetRunRequest{}
	long := strings.ReplaceAll(netRunLong, "%MODELS%", strings.Join(models.Names(), ", "))
	cmd := &cobra.Command{
		Use:   "run NET [--weights FILE] IN [OUT]",
		Short: "A forward pass of a network on an image or .npy",
		Long:  long,
		Example: `  convtool net run digits testdata/digits/seven.png --top 3
  convtool net run my.net --weights my.safetensors in.npy out.npy
  convtool net run resnet18 --weights r18.safetensors dog.jpg --preprocess imagenet --top 5 --labels imagenet.txt
  convtool net run resnet18 --weights r18.safetensors dog.jpg --preprocess imagenet --maps maps/ --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if r.PrintWeights {
				return exactArgs(1, "NET")(cmd, args)
			}
			if len(args) < 2 || len(args) > 3 {
				return usageErrorf("%s takes NET IN [OUT], got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Net = args[0]
			if len(args) > 1 {
				r.Input = args[1]
			}
			if len(args) > 2 {
				r.Output = args[2]
			}
			return job.NetRun(*r, g.env(io))
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Weights, "weights", "", "weights, .safetensors or .npz, keyed as a PyTorch state_dict (built-in models: optional)")
	f.BoolVar(&r.PrintWeights, "print-weights", false, "list the weight names and shapes NET expects, and stop")
	f.StringVar(&r.Preprocess, "preprocess", "", "none or imagenet (resize 256, crop 224, ImageNet mean/std)")
	f.IntVar(&r.Resize, "resize", 0, "resize the shorter side to N first (torchvision Resize(N))")
	f.IntVar(&r.Crop, "crop", 0, "centre crop to NxN after resizing")
	f.StringVar(&r.Mean, "mean", "", "normalise: mean, one or one a channel (0.485,0.456,0.406)")
	f.StringVar(&r.Std, "std", "", "normalise: standard deviation, one or one a channel")
	f.IntVar(&r.Top, "top", 0, "print the K most probable classes")
	f.StringVar(&r.Labels, "labels", "", "class names, one a line, for --top")
	f.StringVar(&r.Maps, "maps", "", "write every layer's output (.npy and a mosaic .png) and index.json to DIR")
	return cmd
}

package imgconv

import (
	"fmt"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/levels"
	"github.com/convtool/convtool/internal/tensor"
)

// Alpha says what happens to an image's alpha channel (its last channel).
type Alpha int

const (
	// Keep filters the colour channels only; each output pixel takes the
	// alpha of the input pixel under the kernel's anchor, the element that
	// lies over the output pixel (with stride 1 and 'same' padding: alpha is
	// unchanged).
	Keep Alpha = iota
	// Convolve premultiplies colour by alpha, filters colour and alpha
	// alike, and divides the colour by the filtered alpha again (colour
	// where the filtered alpha is 0 is 0, as on the streaming path).
	Convolve
)

// Filter applies k to in. hasAlpha says in's last channel is alpha, whose
// full scale is maxAlpha (255 or 65535). Without alpha it is conv.Filter.
// anchorY, anchorX is the kernel element over the output pixel, where Keep
// takes alpha from.
func Filter(in *tensor.Tensor, hasAlpha bool, maxAlpha float64, k *kernel.Kernel, anchorY, anchorX int, p conv.Params, m conv.Method, mode Alpha) (*tensor.Tensor, conv.Method, error) {
	if !hasAlpha || in.C < 2 {
		return conv.Filter(in, k, p, m)
	}
	if mode == Convolve {
		pre := in.Clone()
		levels.Premultiply(pre, maxAlpha)
		out, used, err := conv.Filter(pre, k, p, m)
		if err != nil {
			return nil, used, err
		}
		levels.Unpremultiply(out, maxAlpha)
		return out, used, nil
	}
	colour, err := tensor.FromData(in.C-1, in.H, in.W, in.Data[:(in.C-1)*in.H*in.W])
	if err != nil {
		return nil, "", err
	}
	out, used, err := conv.Filter(colour, k, p, m)
	if err != nil {
		return nil, used, err
	}
	alphaIn, _ := tensor.FromData(1, in.H, in.W, in.Plane(in.C-1))
	pa := p
	pa.Report = nil // the report is the colour's
	alphaOut, _, err := conv.Filter(alphaIn, oneHot(k.H, k.W, anchorY, anchorX), pa, conv.Direct)
	if err != nil {
		return nil, used, err
	}
	if alphaOut.H != out.H || alphaOut.W != out.W {
		return nil, used, fmt.Errorf("alpha channel came out %dx%d, colour %dx%d", alphaOut.H, alphaOut.W, out.H, out.W)
	}
	res := tensor.New(out.C+1, out.H, out.W)
	copy(res.Data, out.Data)
	copy(res.Plane(out.C), alphaOut.Data)
	return res, used, nil
}

// oneHot returns an h×w kernel with a single 1 at (y, x): filtering with
// it samples the input under that element, edge rules and all.
func oneHot(h, w, y, x int) *kernel.Kernel {
	a := &kernel.Kernel{Name: "anchor", H: h, W: w, Data: make([]float32, h*w)}
	a.Data[min(max(y, 0), h-1)*w+min(max(x, 0), w-1)] = 1
	return a
}

package conv_test

import (
	"fmt"

	"github.com/convtool/convtool/internal/conv"
	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensor"
)

// The notes' transposed convolution: a 2×2 input and a 3×3 kernel at
// stride 1, padding 0, give a 4×4 output.
func ExampleLayer_transposed() {
	in, _ := tensor.FromData(1, 2, 2, []float32{1, 2, 3, 4})
	w := &kernel.Bank{N0: 1, N1: 1, KH: 3, KW: 3, Data: []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}}
	p := conv.NewParams()
	p.Transpose = true
	out, _, err := conv.Layer(in, w, nil, p, conv.Direct)
	if err != nil {
		panic(err)
	}
	for y := range out.H {
		fmt.Println(out.Data[y*out.W : (y+1)*out.W])
	}
	// Output:
	// [1 3 3 2]
	// [4 10 10 6]
	// [4 10 10 6]
	// [3 7 7 4]
}

// A 'same' box filter with the replicate edge, as an image filter applies it.
func ExampleFilter() {
	in, _ := tensor.FromData(1, 3, 3, []float32{0, 0, 9, 0, 0, 9, 0, 0, 9})
	k := &kernel.Kernel{H: 3, W: 3, Data: []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}}
	p := conv.NewParams()
	p.Pad.Top, p.Pad.Bottom, _ = conv.SamePad(in.H, k.H, 1, 1, false)
	p.Pad.Left, p.Pad.Right, _ = conv.SamePad(in.W, k.W, 1, 1, false)
	p.Edge = conv.Replicate
	out, method, _ := conv.Filter(in, k, p, conv.Auto)
	fmt.Println(method, out.Data)
	// Output:
	// direct [0 27 54 0 27 54 0 27 54]
}

package kernel_test

import (
	"fmt"

	"github.com/convtool/convtool/internal/kernel"
)

func ExampleParse() {
	for _, spec := range []string{"sobel-x", "3x1+0+0: 1,-1,0", "1 2 1; 2 4 2; 1 2 1"} {
		k, _, err := kernel.Parse(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		y, x := k.Anchor()
		fmt.Printf("%s: %dx%d, anchor (%d,%d), sum %g\n", spec, k.H, k.W, y, x, k.Sum())
	}
	_, _, err := kernel.Parse("gausian:2")
	fmt.Println(err)
	// Output:
	// sobel-x: 3x3, anchor (1,1), sum 0
	// 3x1+0+0: 1,-1,0: 1x3, anchor (0,0), sum 0
	// 1 2 1; 2 4 2; 1 2 1: 3x3, anchor (1,1), sum 16
	// kernel "gausian:2": unknown built-in "gausian" (did you mean gaussian?); `convtool kernel list` shows them all
}

func ExampleKernel_Separate() {
	k, _, _ := kernel.Parse("1 2 1; 2 4 2; 1 2 1")
	col, row, rank := k.Separate(kernel.DefaultRankTol)
	fmt.Printf("rank %d, col⊗row at (0,1) = %.4f\n", rank, col[0]*row[1])
	lap, _, _ := kernel.Parse("laplacian")
	_, _, rank = lap.Separate(kernel.DefaultRankTol)
	fmt.Println("laplacian rank", rank)
	// Output:
	// rank 1, col⊗row at (0,1) = 2.0000
	// laplacian rank 2
}

func ExampleKernel_Dilated() {
	k, _, _ := kernel.Parse("1 2 3")
	d := k.Dilated(1, 2)
	fmt.Println(d.H, d.W, d.Data)
	// Output: 1 5 [1 0 2 0 3]
}

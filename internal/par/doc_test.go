package par_test

import (
	"fmt"

	"github.com/convtool/convtool/internal/par"
)

func ExampleFor() {
	squares := make([]int, 5)
	par.For(len(squares), func(_, i int) { squares[i] = i * i })
	fmt.Println(squares)
	// Output: [0 1 4 9 16]
}

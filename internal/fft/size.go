package fft

// GoodSize returns the smallest m >= n whose only prime factors are 2, 3
// and 5: the sizes the radix-2/3/4/5 butterflies transform fastest.
// GoodSize(n) is 1 for n <= 1.
func GoodSize(n int) int {
	if n <= 1 {
		return 1
	}
	for m := n; ; m++ {
		r := m
		for _, p := range [...]int{2, 3, 5} {
			for r%p == 0 {
				r /= p
			}
		}
		if r == 1 {
			return m
		}
	}
}

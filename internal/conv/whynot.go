package conv

// WhyNot says why a requested method gave way to another, for the summary:
// layer is true for a 4-D weight bank rather than one 2-D kernel.
func WhyNot(m Method, layer bool) string {
	switch {
	case m == Separable && layer:
		return "a layer is not one 2-D kernel"
	case m == Separable:
		// The engine's own test: every element within 1e-6 of the largest
		// of col⊗row. kernel show's SVD rank may call a nearly separable
		// kernel rank 1; the engine does not run it as one.
		return "the kernel is not rank 1 to within 1e-6 of its largest element"
	case m == FFT:
		return "the input holds NaN or Inf"
	}
	return "not available here"
}

package kernel

// Kernel is a 2-D filter of H rows and W columns, stored row-major.
type Kernel struct {
	// Name is the spec it was built from, for summaries ("gaussian:2").
	Name string
	H, W int
	Data []float32
	// OriginY, OriginX is the anchor: the kernel element that lies over the
	// output pixel. HasOrigin is false unless the spec named one
	// (ImageMagick's "+X+Y", OriginGiven) or its form fixes one for an
	// even size (OpenCV's and libvips' k/2: see Form); otherwise padding
	// follows convtool's same rule.
	OriginY, OriginX int
	HasOrigin        bool
	OriginGiven      bool
	// Form is the notation the kernel came in (see Form).
	Form Form
	// Scale and Offset come from a libvips .mat header (out = Σk·x/Scale +
	// Offset). HasScale is false when the spec carried none.
	Scale, Offset float64
	HasScale      bool
}

// Bank is a 4-D weight tensor in PyTorch's layout: (C_out, C_in/groups, KH,
// KW) for a convolution, (C_in, C_out/groups, KH, KW) for a transposed one.
type Bank struct {
	Name   string
	N0, N1 int
	KH, KW int
	Data   []float32
}

// At returns the element at row y, column x.
func (k *Kernel) At(y, x int) float32 { return k.Data[y*k.W+x] }

// Sum returns the sum of the elements in float64.
func (k *Kernel) Sum() float64 {
	var s float64
	for _, v := range k.Data {
		s += float64(v)
	}
	return s
}

// Rotate180 returns a copy of k turned by 180°, which turns correlation into
// true convolution. An origin, if any, turns with it.
func (k *Kernel) Rotate180() *Kernel {
	r := *k
	r.Data = make([]float32, len(k.Data))
	n := len(k.Data)
	for i, v := range k.Data {
		r.Data[n-1-i] = v
	}
	if k.HasOrigin {
		r.OriginY, r.OriginX = k.H-1-k.OriginY, k.W-1-k.OriginX
	}
	return &r
}

// At returns weight (i, j, y, x).
func (b *Bank) At(i, j, y, x int) float32 { return b.Data[((i*b.N1+j)*b.KH+y)*b.KW+x] }

// Rotate180 returns a copy of b with every (KH, KW) slice turned by 180°.
func (b *Bank) Rotate180() *Bank {
	r := *b
	r.Data = make([]float32, len(b.Data))
	n := b.KH * b.KW
	for s := 0; s < b.N0*b.N1; s++ {
		src := b.Data[s*n : (s+1)*n]
		dst := r.Data[s*n : (s+1)*n]
		for i, v := range src {
			dst[n-1-i] = v
		}
	}
	return &r
}

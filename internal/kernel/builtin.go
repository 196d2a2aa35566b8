package kernel

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Builtin describes a named kernel for `convtool kernel list`.
type Builtin struct {
	// Name is what a spec starts with ("gaussian").
	Name string
	// Params shows the parameters after the name ("SIGMA[:K]"); empty if
	// there are none.
	Params string
	// Description is one line.
	Description string

	build func(p []float64) ([]float32, int, int, error)
	// nreq and nopt are the numbers of required and optional parameters.
	nreq, nopt int
}

// Builtins returns the named kernels in the order `kernel list` prints
// them.
func Builtins() []Builtin {
	out := make([]Builtin, len(builtins))
	copy(out, builtins)
	return out
}

var builtins = []Builtin{
	{Name: "identity", Params: "[K]", Description: "K×K (default 1×1) with a 1 in the centre: leaves the input as it is", build: buildIdentity, nopt: 1},
	{Name: "box", Params: "K", Description: "K×K mean filter, ones/K² (cv2.blur); an even K is anchored at K/2, as OpenCV", build: buildBox, nreq: 1},
	{Name: "gaussian", Params: "SIGMA[:K]", Description: "sampled Gaussian, sum 1; default K = 2·round(4σ)+1 (scipy's truncate=4; cv2.getGaussianKernel for an odd K); an even K is anchored at K/2, as OpenCV", build: buildGaussian, nreq: 1, nopt: 1},
	{Name: "sobel-x", Description: "3×3 Sobel derivative along x, positive where intensity grows to the right (cv2.Sobel dx=1)", build: fixed(3, 3, -1, 0, 1, -2, 0, 2, -1, 0, 1)},
	{Name: "sobel-y", Description: "3×3 Sobel derivative along y, positive where intensity grows downwards (cv2.Sobel dy=1)", build: fixed(3, 3, -1, -2, -1, 0, 0, 0, 1, 2, 1)},
	{Name: "scharr-x", Description: "3×3 Scharr derivative along x, better rotation invariance than Sobel (cv2.Scharr dx=1)", build: fixed(3, 3, -3, 0, 3, -10, 0, 10, -3, 0, 3)},
	{Name: "scharr-y", Description: "3×3 Scharr derivative along y (cv2.Scharr dy=1)", build: fixed(3, 3, -3, -10, -3, 0, 0, 0, 3, 10, 3)},
	{Name: "prewitt-x", Description: "3×3 Prewitt derivative along x, unweighted smoothing (scipy.ndimage.prewitt axis=1)", build: fixed(3, 3, -1, 0, 1, -1, 0, 1, -1, 0, 1)},
	{Name: "prewitt-y", Description: "3×3 Prewitt derivative along y (scipy.ndimage.prewitt axis=0)", build: fixed(3, 3, -1, -1, -1, 0, 0, 0, 1, 1, 1)},
	{Name: "laplacian", Description: "3×3 4-neighbour Laplacian [[0,1,0],[1,-4,1],[0,1,0]] (cv2.Laplacian ksize=1)", build: fixed(3, 3, 0, 1, 0, 1, -4, 1, 0, 1, 0)},
	{Name: "laplacian8", Description: "3×3 8-neighbour Laplacian, -8 in the centre (ImageMagick Laplacian:0 negated)", build: fixed(3, 3, 1, 1, 1, 1, -8, 1, 1, 1, 1)},
	{Name: "log", Params: "SIGMA[:K]", Description: "Laplacian of Gaussian as scipy.ndimage.gaussian_laplace (truncate=4), negative centre", build: buildLoG, nreq: 1, nopt: 1},
	{Name: "sharpen", Description: "3×3 sharpen, identity minus the 4-neighbour Laplacian: [[0,-1,0],[-1,5,-1],[0,-1,0]]", build: fixed(3, 3, 0, -1, 0, -1, 5, -1, 0, -1, 0)},
	{Name: "emboss", Description: "3×3 emboss [[-2,-1,0],[-1,1,1],[0,1,2]], light from the upper left (the classic image-kernel gallery)", build: fixed(3, 3, -2, -1, 0, -1, 1, 1, 0, 1, 2)},
	{Name: "outline", Description: "3×3 outline (edge) [[-1,-1,-1],[-1,8,-1],[-1,-1,-1]], zero sum (ImageMagick Laplacian:0)", build: fixed(3, 3, -1, -1, -1, -1, 8, -1, -1, -1, -1)},
	{Name: "motion", Params: "LEN[:ANGLE]", Description: "motion blur: a line of LEN px through the centre at ANGLE° (counter-clockwise, default 0), bilinearly rotated, sum 1", build: buildMotion, nreq: 1, nopt: 1},
	{Name: "disk", Params: "R", Description: "(2R+1)×(2R+1) disc x²+y² ≤ R², sum 1 (a defocus blur)", build: buildDisk, nreq: 1},
}

func lookupBuiltin(name string) (Builtin, bool) {
	for _, b := range builtins {
		if b.Name == name {
			return b, true
		}
	}
	return Builtin{}, false
}

func fixed(h, w int, v ...float32) func([]float64) ([]float32, int, int, error) {
	return func([]float64) ([]float32, int, int, error) {
		return append([]float32(nil), v...), h, w, nil
	}
}

// sideSize checks a kernel side given as a parameter. Even sides are
// allowed where the kernel is symmetric about its half-sample centre (box,
// Gaussian), as cv2.blur and cv2.getGaussianKernel allow them; the anchor
// is then OpenCV's, element K/2 (Form FormBuiltin), so 'same' padding puts
// the larger half first and box:4 equals cv2.blur(img, (4, 4)).
func sideSize(what string, v float64) (int, error) {
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%s %v is not an integer", what, v)
	}
	if v < 1 {
		return 0, fmt.Errorf("%s %v must be at least 1", what, v)
	}
	if v > MaxSize {
		return 0, fmt.Errorf("%s %v exceeds the limit of %d", what, v, MaxSize)
	}
	return int(v), nil
}

// oddSize is sideSize for kernels that need a centre element (identity).
func oddSize(what string, v float64) (int, error) {
	n, err := sideSize(what, v)
	if err != nil {
		return 0, err
	}
	if n%2 == 0 {
		return 0, fmt.Errorf("%s %v must be odd, so the kernel has a centre", what, v)
	}
	return n, nil
}

// minSigma keeps 1/σ⁴ (in the LoG) far from overflow; a Gaussian that
// narrow is the identity anyway.
const minSigma = 1e-3

func positiveSigma(v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("sigma %v must be positive", v)
	}
	if v < minSigma {
		return fmt.Errorf("sigma %v is below the smallest supported, %v", v, minSigma)
	}
	return nil
}

// truncatedSize is scipy.ndimage's size for a Gaussian of sigma with
// truncate=4: radius int(4σ+0.5), size 2·radius+1.
func truncatedSize(sigma float64) (int, error) {
	r := math.Floor(4*sigma + 0.5)
	if 2*r+1 > MaxSize {
		return 0, fmt.Errorf("sigma %v needs a %vx%v kernel, over the limit of %d", sigma, 2*r+1, 2*r+1, MaxSize)
	}
	return 2*int(r) + 1, nil
}

func buildIdentity(p []float64) ([]float32, int, int, error) {
	n := 1
	if len(p) > 0 {
		var err error
		if n, err = oddSize("size", p[0]); err != nil {
			return nil, 0, 0, err
		}
	}
	d := make([]float32, n*n)
	d[n*n/2] = 1
	return d, n, n, nil
}

func buildBox(p []float64) ([]float32, int, int, error) {
	n, err := sideSize("size", p[0])
	if err != nil {
		return nil, 0, 0, err
	}
	d := make([]float32, n*n)
	v := float32(1 / float64(n*n))
	for i := range d {
		d[i] = v
	}
	return d, n, n, nil
}

// gauss1D returns the sampled, normalised Gaussian of size n and, when
// second is true, scipy's second-derivative kernel (x²/σ⁴ − 1/σ²)·g(x)
// built from the normalised g, both in float64.
func gauss1D(sigma float64, n int) (g, g2 []float64) {
	g = make([]float64, n)
	g2 = make([]float64, n)
	c := float64(n-1) / 2
	var s float64
	for i := range g {
		x := float64(i) - c
		g[i] = math.Exp(-x * x / (2 * sigma * sigma))
		s += g[i]
	}
	s2 := sigma * sigma
	for i := range g {
		g[i] /= s
		x := float64(i) - c
		g2[i] = (x*x/(s2*s2) - 1/s2) * g[i]
	}
	return g, g2
}

func sigmaAndSize(p []float64) (float64, int, error) {
	sigma := p[0]
	if err := positiveSigma(sigma); err != nil {
		return 0, 0, err
	}
	var n int
	var err error
	if len(p) > 1 {
		n, err = sideSize("size", p[1])
	} else {
		n, err = truncatedSize(sigma)
	}
	return sigma, n, err
}

func buildGaussian(p []float64) ([]float32, int, int, error) {
	sigma, n, err := sigmaAndSize(p)
	if err != nil {
		return nil, 0, 0, err
	}
	g, _ := gauss1D(sigma, n)
	d := make([]float32, n*n)
	for y := range n {
		for x := range n {
			d[y*n+x] = float32(g[y] * g[x])
		}
	}
	return d, n, n, nil
}

// buildLoG follows scipy.ndimage.gaussian_laplace: the sum of the second
// Gaussian derivative along y and along x, each a separable product of the
// normalised 1-D Gaussian and its analytic second derivative. Its sum is
// close to, not exactly, zero.
func buildLoG(p []float64) ([]float32, int, int, error) {
	sigma, n, err := sigmaAndSize(p)
	if err != nil {
		return nil, 0, 0, err
	}
	g, g2 := gauss1D(sigma, n)
	d := make([]float32, n*n)
	for y := range n {
		for x := range n {
			d[y*n+x] = float32(g2[y]*g[x] + g[y]*g2[x])
		}
	}
	return d, n, n, nil
}

// buildMotion draws a horizontal line of length LEN centred in a K×K
// grid — ones, with half-weight end cells when LEN is even so that it
// stays centred — then rotates it by ANGLE degrees counter-clockwise (as
// seen on screen, y down) about the centre with bilinear interpolation
// (zero outside the grid), and normalises it to sum 1. K is LEN for an
// odd LEN, LEN+1 for an even one. At 0° and 90° the line is exact.
func buildMotion(p []float64) ([]float32, int, int, error) {
	l := p[0]
	if l != math.Trunc(l) || l < 1 {
		return nil, 0, 0, fmt.Errorf("length %v must be a whole number ≥ 1", l)
	}
	if l > MaxSize {
		return nil, 0, 0, fmt.Errorf("length %v exceeds the limit of %d", l, MaxSize)
	}
	angle := 0.0
	if len(p) > 1 {
		angle = p[1]
		if math.IsInf(angle, 0) {
			return nil, 0, 0, fmt.Errorf("angle %v is not finite", angle)
		}
	}
	L := int(l)
	n := L | 1
	c := (n - 1) / 2
	// prof is the unrotated line's profile along its row.
	prof := make([]float64, n)
	for i := range prof {
		switch dx := math.Abs(float64(i - c)); {
		case dx <= float64(L-1)/2:
			prof[i] = 1
		case dx <= float64(L)/2:
			prof[i] = 0.5
		}
	}
	line := func(y, x int) float64 {
		if y != c || x < 0 || x >= n {
			return 0
		}
		return prof[x]
	}
	th := angle * math.Pi / 180
	sin, cos := math.Sincos(th)
	// Exact axis-aligned angles would otherwise pick up 1e-17 residue.
	if a := math.Mod(angle, 90); a == 0 {
		sin, cos = math.Round(sin), math.Round(cos)
	}
	w := make([]float64, n*n)
	var sum float64
	for oy := range n {
		for ox := range n {
			dy, dx := float64(oy-c), float64(ox-c)
			// Inverse rotation: the point of the unrotated line that
			// lands on (oy, ox).
			sy := float64(c) + cos*dy + sin*dx
			sx := float64(c) - sin*dy + cos*dx
			y0, x0 := math.Floor(sy), math.Floor(sx)
			fy, fx := sy-y0, sx-x0
			iy, ix := int(y0), int(x0)
			v := (1-fy)*((1-fx)*line(iy, ix)+fx*line(iy, ix+1)) +
				fy*((1-fx)*line(iy+1, ix)+fx*line(iy+1, ix+1))
			w[oy*n+ox] = v
			sum += v
		}
	}
	d := make([]float32, n*n)
	for i, v := range w {
		d[i] = float32(v / sum)
	}
	return d, n, n, nil
}

func buildDisk(p []float64) ([]float32, int, int, error) {
	r := p[0]
	if !(r >= 0) || r != math.Trunc(r) {
		return nil, 0, 0, fmt.Errorf("radius %v must be a whole number ≥ 0", r)
	}
	if 2*r+1 > MaxSize {
		return nil, 0, 0, fmt.Errorf("radius %v gives a kernel over the limit of %d", r, MaxSize)
	}
	R := int(r)
	n := 2*R + 1
	d := make([]float32, n*n)
	cnt := 0
	for y := -R; y <= R; y++ {
		for x := -R; x <= R; x++ {
			if x*x+y*y <= R*R {
				cnt++
			}
		}
	}
	v := float32(1 / float64(cnt))
	for y := -R; y <= R; y++ {
		for x := -R; x <= R; x++ {
			if x*x+y*y <= R*R {
				d[(y+R)*n+x+R] = v
			}
		}
	}
	return d, n, n, nil
}

// parseBuiltin builds name with its colon-separated parameters.
func parseBuiltin(b Builtin, params []string) (*Kernel, error) {
	if len(params) < b.nreq || len(params) > b.nreq+b.nopt {
		want := fmt.Sprintf("%d", b.nreq)
		if b.nopt > 0 {
			want = fmt.Sprintf("%d to %d", b.nreq, b.nreq+b.nopt)
		}
		usage := b.Name
		if b.Params != "" {
			usage += ":" + b.Params
		}
		return nil, fmt.Errorf("%s takes %s parameters (%s), got %d", b.Name, want, usage, len(params))
	}
	p := make([]float64, len(params))
	for i, s := range params {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) {
			return nil, fmt.Errorf("parameter %q is not a number", s)
		}
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("parameter %q is not finite", s)
		}
		p[i] = v
	}
	d, h, w, err := b.build(p)
	if err != nil {
		return nil, err
	}
	return New("", h, w, d)
}

// closeNames returns the built-in names within a small edit distance of
// name, or sharing its prefix, best first.
func closeNames(name string) []string {
	type cand struct {
		n string
		d int
	}
	var cs []cand
	for _, b := range builtins {
		d := editDistance(name, b.Name)
		if d <= 1+len(name)/3 || (len(name) >= 2 && strings.HasPrefix(b.Name, name)) || (len(b.Name) >= 3 && strings.HasPrefix(name, b.Name)) {
			cs = append(cs, cand{b.Name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.n)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

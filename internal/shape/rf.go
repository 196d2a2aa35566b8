package shape

import "sort"

// axisMap is the exact dependence of one axis of a layer's output on the
// network's input, borders ignored (every map extends without end, as in
// Araujo et al., "Computing Receptive Fields of Convolutional Neural
// Networks", Distill 2019). It is periodic: output position o = r + m·Pout
// (0 ≤ r < Pout) depends on the input positions Sets[r] + m·Pin. A strided
// convolution has Pout 1 and Pin s; a transposed one Pout s and Pin 1, so
// that after it neighbouring outputs can see different numbers of inputs.
// Sets are sorted absolute input positions; a gap inside one is a gridding
// hole (an input row inside the field that no path reaches).
type axisMap struct {
	Pout, Pin int
	Sets      [][]int
	// Global marks a map whose outputs all depend on one fixed set (a
	// broadcast gate such as squeeze-excitation's): Sets[r] does not move
	// with m.
	Global bool
}

// maxPeriod bounds a map's period and maxSetTotal the positions it holds;
// a network past them gets no exact geometry rather than a slow walk.
const (
	maxPeriod   = 1 << 12
	maxSetTotal = 1 << 22
)

func identityMap() *axisMap { return &axisMap{Pout: 1, Pin: 1, Sets: [][]int{{0}}} }

// windowMap is a convolution's or pooling's axis: output o reads inputs
// o·s − lo + j·d for j < k.
func windowMap(k, s, d, lo int) *axisMap {
	set := make([]int, k)
	for j := range set {
		set[j] = -lo + j*d
	}
	return &axisMap{Pout: 1, Pin: s, Sets: [][]int{set}}
}

// transposeMap is a transposed convolution's axis: input i reaches output
// i·s − p + j·d through tap j, so output r (mod s) receives the inputs
// (r + p − j·d)/s for the taps where that division is exact.
func transposeMap(k, s, d, p int) *axisMap {
	m := &axisMap{Pout: s, Pin: 1, Sets: make([][]int, s)}
	for r := 0; r < s; r++ {
		for j := 0; j < k; j++ {
			if v := r + p - j*d; floorMod(v, s) == 0 {
				m.Sets[r] = append(m.Sets[r], floorDiv(v, s))
			}
		}
		m.Sets[r] = sortUnique(m.Sets[r])
	}
	return m
}

// listMap is an axis whose outputs each read a given set, one period being
// the whole map (adaptive pooling over sizes that do not divide, resizing
// by a ratio that is not whole).
func listMap(pin int, sets [][]int) *axisMap {
	return &axisMap{Pout: len(sets), Pin: pin, Sets: sets}
}

// upsampleMap is PyTorch's nearest or bilinear (align_corners=False)
// resizing of in samples to out along one axis.
func upsampleMap(in, out int, scale float64, bilinear bool) *axisMap {
	if !bilinear {
		if s := int(scale); scale > 0 && float64(s) == scale || scale == 0 && out%in == 0 {
			if scale == 0 {
				s = out / in
			}
			m := &axisMap{Pout: s, Pin: 1, Sets: make([][]int, s)}
			for r := range m.Sets {
				m.Sets[r] = []int{0}
			}
			return m
		}
	}
	ratio := float64(in) / float64(out)
	if scale > 0 {
		ratio = 1 / scale
	}
	if bilinear && (scale > 0 && scale == float64(int(scale)) || scale == 0 && out%in == 0) {
		// whole factor s: output s·m + r reads src = m + (2r+1−s)/(2s).
		s := out / in
		if scale > 0 {
			s = int(scale)
		}
		m := &axisMap{Pout: s, Pin: 1, Sets: make([][]int, s)}
		for r := 0; r < s; r++ {
			num := 2*r + 1 - s
			i0 := floorDiv(num, 2*s)
			m.Sets[r] = []int{i0}
			if floorMod(num, 2*s) != 0 {
				m.Sets[r] = append(m.Sets[r], i0+1)
			}
		}
		return m
	}
	sets := make([][]int, out)
	for o := range sets {
		if !bilinear {
			sets[o] = []int{min(int(float64(o)*ratio), in-1)}
			continue
		}
		src := max((float64(o)+0.5)*ratio-0.5, 0)
		i0 := min(int(src), in-1)
		i1 := min(i0+1, in-1)
		sets[o] = []int{i0}
		if src != float64(i0) && i1 != i0 {
			sets[o] = append(sets[o], i1)
		}
	}
	return listMap(in, sets)
}

// compose returns the map of layer a (output → its input) applied after
// b (its input → the network input).
func compose(a, b *axisMap) *axisMap {
	if a == nil || b == nil {
		return nil
	}
	l := lcm(a.Pin, b.Pout)
	pout := a.Pout * (l / a.Pin)
	pin := b.Pin * (l / b.Pout)
	if pout > maxPeriod {
		return nil
	}
	out := &axisMap{Pout: pout, Pin: pin, Sets: make([][]int, pout), Global: b.Global}
	total := 0
	for o := 0; o < pout; o++ {
		ra, ma := o%a.Pout, o/a.Pout
		var set []int
		for _, x := range a.Sets[ra] {
			x += ma * a.Pin
			rb, mb := floorMod(x, b.Pout), floorDiv(x, b.Pout)
			shift := mb * b.Pin
			if b.Global {
				shift = 0
			}
			for _, y := range b.Sets[rb] {
				set = append(set, y+shift)
			}
		}
		out.Sets[o] = sortUnique(set)
		total += len(out.Sets[o])
		if total > maxSetTotal {
			return nil
		}
	}
	return out
}

// expand rewrites m with a period f times longer.
func (m *axisMap) expand(f int) *axisMap {
	out := &axisMap{Pout: m.Pout * f, Pin: m.Pin * f, Sets: make([][]int, m.Pout*f), Global: m.Global}
	for o := range out.Sets {
		shift := (o / m.Pout) * m.Pin
		if m.Global {
			shift = 0
		}
		base := m.Sets[o%m.Pout]
		set := make([]int, len(base))
		for i, v := range base {
			set[i] = v + shift
		}
		out.Sets[o] = set
	}
	return out
}

// union is the map of an output that depends on both a and b (add, concat,
// mul). ok is false when the two advance at different jumps: then no
// periodic map describes their union, the branches do not line up at all.
func union(a, b *axisMap) (u *axisMap, ok bool) {
	if a == nil || b == nil {
		return nil, true
	}
	if a.Pin*b.Pout != b.Pin*a.Pout && !a.Global && !b.Global {
		return nil, false
	}
	if b.Global && !a.Global {
		a, b = b, a
	}
	if a.Global {
		// every output sees a's fixed set, and whatever b sees
		set := append([]int(nil), a.Sets[0]...)
		for _, s := range b.Sets {
			set = append(set, s...)
		}
		set = sortUnique(set)
		sets := make([][]int, b.Pout)
		for i := range sets {
			sets[i] = set
		}
		return &axisMap{Pout: b.Pout, Pin: b.Pin, Sets: sets, Global: true}, true
	}
	l := lcm(a.Pout, b.Pout)
	if l > maxPeriod {
		return nil, true
	}
	ea, eb := a.expand(l/a.Pout), b.expand(l/b.Pout)
	for i := range ea.Sets {
		ea.Sets[i] = sortUnique(append(append([]int(nil), ea.Sets[i]...), eb.Sets[i]...))
	}
	return ea, true
}

// broadcast is the map of a 1x1 operand spread over every position: each
// output depends on the operand's one position, wherever it is.
func broadcast(m *axisMap) *axisMap {
	if m == nil {
		return nil
	}
	return &axisMap{Pout: 1, Pin: m.Pin, Sets: [][]int{m.Sets[0]}, Global: true}
}

// AxisGeometry is the exact receptive-field geometry of one axis of a
// layer's output, borders ignored.
type AxisGeometry struct {
	// Period is how many neighbouring output positions differ in what
	// they see (1 for a stack of plain convolutions and poolings; after a
	// transposed convolution of stride s, s).
	Period int
	// Jump is the effective stride: input pixels between neighbouring
	// outputs, Shift/Period.
	Jump float64
	// Shift is how far the field moves, in input pixels, over one period.
	Shift int
	// Intervals lists, for output positions 0 … Period−1, the input
	// interval each sees; position r + m·Period sees its interval moved
	// by m·Shift. Lo of position 0 is minus Araujo's effective padding.
	Intervals []Interval
	// Global is set when every output depends on the whole input (after a
	// squeeze-excitation gate or a global pooling broadcast back).
	Global bool
}

// Interval is the input rows (or columns) [Lo, Hi] one output position
// depends on; Seen counts those that actually reach it (Hi − Lo + 1 less
// the gridding holes). An empty interval (Seen 0) is an output that no
// input reaches, such as the odd rows of a transposed convolution with a
// kernel smaller than its stride.
type Interval struct {
	Lo   int `json:"lo"`
	Hi   int `json:"hi"`
	Seen int `json:"seen"`
}

// Size is the interval's extent, Hi − Lo + 1 (0 when empty).
func (iv Interval) Size() int {
	if iv.Seen == 0 {
		return 0
	}
	return iv.Hi - iv.Lo + 1
}

func (m *axisMap) geometry() *AxisGeometry {
	if m == nil {
		return nil
	}
	g := &AxisGeometry{Period: m.Pout, Shift: m.Pin, Jump: float64(m.Pin) / float64(m.Pout), Global: m.Global}
	for _, s := range m.Sets {
		iv := Interval{}
		if len(s) > 0 {
			iv = Interval{Lo: s[0], Hi: s[len(s)-1], Seen: len(s)}
		}
		g.Intervals = append(g.Intervals, iv)
	}
	return g
}

// RFRange is the smallest and largest receptive field over the output
// positions that any input reaches.
func (g *AxisGeometry) RFRange() (lo, hi int) {
	lo = -1
	for _, iv := range g.Intervals {
		if iv.Seen == 0 {
			continue
		}
		if lo < 0 || iv.Size() < lo {
			lo = iv.Size()
		}
		hi = max(hi, iv.Size())
	}
	return max(lo, 0), hi
}

// Holes is the largest number of rows inside one output's field that no
// path reaches (dilated stacks that grid).
func (g *AxisGeometry) Holes() int {
	h := 0
	for _, iv := range g.Intervals {
		h = max(h, iv.Size()-iv.Seen)
	}
	return h
}

// At returns the interval output position o sees.
func (g *AxisGeometry) At(o int) Interval {
	r, m := floorMod(o, g.Period), floorDiv(o, g.Period)
	iv := g.Intervals[r]
	if iv.Seen == 0 || g.Global {
		return iv
	}
	return Interval{Lo: iv.Lo + m*g.Shift, Hi: iv.Hi + m*g.Shift, Seen: iv.Seen}
}

// EffectivePad is Araujo's effective padding: how many input pixels
// before the first the field of output 0 starts (the first position some
// input reaches).
func (g *AxisGeometry) EffectivePad() int {
	for o := 0; o < g.Period; o++ {
		if iv := g.Intervals[o]; iv.Seen > 0 {
			return -iv.Lo
		}
	}
	return 0
}

// misalignment compares two operands' fields position by position: the
// mean difference between their centres over a period, in input pixels
// (half pixels when the sizes differ in parity), and the largest. A mean
// of 0 with a largest above 0 is upsampling's phase jitter (neighbouring
// outputs copy one input), not a shifted branch.
func misalignment(a, b *axisMap) (mean, worst float64) {
	if a == nil || b == nil || a.Global || b.Global || a.Pin*b.Pout != b.Pin*a.Pout {
		return 0, 0
	}
	l := lcm(a.Pout, b.Pout)
	if l > maxPeriod {
		return 0, 0
	}
	ea, eb := a.expand(l/a.Pout), b.expand(l/b.Pout)
	n := 0
	for i := range ea.Sets {
		x, y := ea.Sets[i], eb.Sets[i]
		if len(x) == 0 || len(y) == 0 {
			continue
		}
		d := float64(x[0]+x[len(x)-1]-y[0]-y[len(y)-1]) / 2
		mean += d
		n++
		if abs(d) > abs(worst) {
			worst = d
		}
	}
	if n > 0 {
		mean /= float64(n)
	}
	return mean, worst
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func sortUnique(s []int) []int {
	if len(s) < 2 {
		return s
	}
	sort.Ints(s)
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func lcm(a, b int) int { return a / gcd(a, b) * b }

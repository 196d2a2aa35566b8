package main

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/convtool/convtool/internal/kernel"
	"github.com/convtool/convtool/internal/tensorio"
)

// The property of every integer flag (issue 11): whatever int64 a flag
// holds, convtool never panics; it either exits 1 or 2 with one line on
// stderr, or writes an output whose shape is the textbook formula's,
// computed here in math/big (so no overflow can hide in the oracle).
// Small parameters that make a valid geometry must succeed.

// propMaxPixels keeps every accepted output small: the property is about
// sizes, not about allocating them.
const propMaxPixels = 4096

// intCase is one draw: a command and its integer parameters.
type intCase struct {
	cmd            int // 0 conv, 1 conv --transpose, 2 pool, 3 shape conv
	k, s, d, p, op int64
	sx, dx, px     int64 // second components (the X axis)
	ceil           bool
}

// drawInt draws from the whole int64 range, weighted towards the values
// where arithmetic breaks: 0, ±1, powers of two, the extremes.
func drawInt(r *rand.Rand) int64 {
	edges := []int64{0, 1, 2, 3, -1, -2, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, 1 << 62, 1<<62 + 1, 1 << 31, 1 << 32, 1<<63 - 1<<32, 4611686018427387903}
	switch r.IntN(12) {
	case 0:
		return edges[r.IntN(len(edges))]
	case 1:
		return int64(r.Uint64())
	case 2:
		v := int64(1) << r.IntN(63)
		if r.IntN(2) == 0 {
			v += r.Int64N(5) - 2
		}
		return v
	case 3:
		return r.Int64N(12) - 2
	default:
		return r.Int64N(6)
	}
}

func drawCase(r *rand.Rand) intCase {
	c := intCase{cmd: r.IntN(4), k: drawInt(r), s: drawInt(r), d: drawInt(r), p: drawInt(r), op: drawInt(r), ceil: r.IntN(2) == 0}
	c.sx, c.dx, c.px = c.s, c.d, c.p
	if r.IntN(3) == 0 {
		c.sx, c.dx, c.px = drawInt(r), drawInt(r), drawInt(r)
	}
	if c.cmd == 2 && r.IntN(2) == 0 {
		c.d, c.dx = 1, 1 // pool: dilation is often refused for avg; keep some plain
	}
	return c
}

func pairArg(a, b int64) string {
	if a == b {
		return strconv.FormatInt(a, 10)
	}
	return strconv.FormatInt(a, 10) + "," + strconv.FormatInt(b, 10)
}

// args is the command line for c, reading in (a 5x5 .npy) and writing out.
func (c intCase) args(in, out string) []string {
	mp := []string{"--max-pixels", strconv.Itoa(propMaxPixels)}
	switch c.cmd {
	case 0, 1:
		a := []string{"conv", in, out, "-k", "box:" + strconv.FormatInt(c.k, 10), "--stride", pairArg(c.s, c.sx), "--dilation", pairArg(c.d, c.dx), "--padding", pairArg(c.p, c.px), "-q"}
		if c.cmd == 1 {
			a = append(a, "--transpose", "--output-padding", strconv.FormatInt(c.op, 10))
		}
		return append(a, mp...)
	case 2:
		a := []string{"pool", in, out, "--size", strconv.FormatInt(c.k, 10), "--stride", pairArg(c.s, c.sx), "--dilation", pairArg(c.d, c.dx), "--padding", pairArg(c.p, c.px), "-q"}
		if c.ceil {
			a = append(a, "--ceil")
		}
		return append(a, mp...)
	}
	return []string{"shape", "conv", "--input", "5x5x1", "-k", strconv.FormatInt(c.k, 10), "--stride", pairArg(c.s, c.sx), "--dilation", pairArg(c.d, c.dx), "--padding", pairArg(c.p, c.px), "--json"}
}

var bigOne = big.NewInt(1)

func bi(v int64) *big.Int { return big.NewInt(v) }

// want is the formula's output length along one axis of n = 5 samples,
// and whether the geometry is valid at all (in exact arithmetic).
func (c intCase) want(s, d, p int64) (int64, bool) {
	n, k := bi(5), bi(c.k)
	if c.k < 1 || s < 1 || d < 1 || p < 0 {
		return 0, false
	}
	ext := new(big.Int).Mul(bi(d), new(big.Int).Sub(k, bigOne)) // d(k−1)
	switch c.cmd {
	case 1: // (n−1)s − 2p + d(k−1) + op + 1
		if c.op < 0 || c.op >= max(s, d) {
			return 0, false
		}
		v := new(big.Int).Mul(new(big.Int).Sub(n, bigOne), bi(s))
		v.Sub(v, new(big.Int).Mul(bi(2), bi(p)))
		v.Add(v, ext).Add(v, bi(c.op)).Add(v, bigOne)
		if v.Sign() < 1 || !v.IsInt64() {
			return 0, false
		}
		return v.Int64(), true
	case 2:
		if 2*uint64(p) > uint64(c.k) { // p ≤ k/2
			return 0, false
		}
	}
	// floor or ceil((n + 2p − d(k−1) − 1)/s) + 1
	num := new(big.Int).Add(n, new(big.Int).Mul(bi(2), bi(p)))
	num.Sub(num, ext).Sub(num, bigOne)
	q, m := new(big.Int).DivMod(num, bi(s), new(big.Int)) // Euclidean: floor for s > 0
	if c.cmd == 2 && c.ceil && m.Sign() != 0 {
		q.Add(q, bigOne)
	}
	q.Add(q, bigOne)
	if c.cmd == 2 && c.ceil {
		// PyTorch: the last window must start inside the input or the left padding.
		last := new(big.Int).Mul(new(big.Int).Sub(q, bigOne), bi(s))
		if last.Cmp(new(big.Int).Add(n, bi(p))) >= 0 {
			q.Sub(q, bigOne)
		}
	} else if num.Sign() < 0 {
		return 0, false
	}
	if q.Sign() < 1 || !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// small reports whether every parameter is in the everyday range, where a
// valid geometry must be accepted.
func (c intCase) small() bool {
	for _, v := range []int64{c.k, c.s, c.d, c.p, c.sx, c.dx, c.px, c.op} {
		if v < -2 || v > 10 {
			return false
		}
	}
	return true
}

var propStats = map[int]int{}

// checkIntCase runs c and checks the property.
func checkIntCase(t *testing.T, dir string, c intCase) {
	t.Helper()
	in := filepath.Join(hostileDir, "ramp5.npy")
	out := filepath.Join(dir, "out.npy")
	os.Remove(out)
	args := c.args(in, out)
	r := runCLI(t, nil, args...)
	h, okH := c.want(c.s, c.d, c.p)
	w, okW := c.want(c.sx, c.dx, c.px)
	valid := okH && okW && h*w <= propMaxPixels && c.k <= kernel.MaxSize
	if valid && c.small() {
		// The padded input (for --transpose the zero-inserted one) must fit
		// --max-pixels too.
		ph, pw := 5+2*c.p, 5+2*c.px
		if c.cmd == 1 {
			ph, pw = h+c.d*(c.k-1), w+c.dx*(c.k-1)
		}
		valid = ph*pw <= propMaxPixels
	}
	propStats[r.code]++
	if valid {
		propStats[10+r.code]++
	}
	switch r.code {
	case 0:
		gh, gw := outputShape(t, c, r.stdout, out)
		if !okH || !okW || gh != h || gw != w {
			t.Fatalf("%q: output %dx%d, the formula says %dx%d (valid %v,%v)", args, gh, gw, h, w, okH, okW)
		}
	case 1, 2:
		if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "convtool: ") {
			t.Fatalf("%q: exit %d, stderr not one line: %q", args, r.code, r.stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%q: exit %d but %s was written", args, r.code, out)
		}
		if valid && c.small() && c.cmd != 3 {
			t.Fatalf("%q: a valid %dx%d geometry refused: %s", args, h, w, r.stderr)
		}
	default:
		t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
	}
}

// outputShape is the H, W convtool produced: the .npy written, or the
// JSON of shape conv.
func outputShape(t *testing.T, c intCase, stdout, out string) (int64, int64) {
	t.Helper()
	if c.cmd == 3 {
		var doc struct {
			Output struct{ H, W int64 } `json:"output"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("shape --json: %v: %q", err, stdout)
		}
		return doc.Output.H, doc.Output.W
	}
	d, err := tensorio.Read(out, tensorio.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return int64(d.T.H), int64(d.T.W)
}

// TestIntegerFlagsProperty draws 600 cases from a fixed seed.
func TestIntegerFlagsProperty(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(11, 2026))
	n := 600
	if testing.Short() {
		n = 100
	}
	for range n {
		checkIntCase(t, dir, drawCase(r))
	}
	t.Logf("exit codes %v", propStats)
}

// FuzzIntegerFlags is the property with the fuzzer choosing the integers.
func FuzzIntegerFlags(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		c := drawCase(r)
		f.Add(uint8(c.cmd), c.k, c.s, c.d, c.p, c.op, c.sx, c.dx, c.px, c.ceil)
	}
	f.Add(uint8(0), int64(3), int64(1), int64(math.MaxInt64), int64(0), int64(0), int64(1), int64(math.MaxInt64), int64(0), false)
	f.Add(uint8(0), int64(3), int64(1), int64(1), int64(math.MaxInt64), int64(0), int64(1), int64(1), int64(math.MaxInt64), false)
	f.Add(uint8(2), int64(3), int64(3), int64(math.MaxInt64), int64(0), int64(0), int64(3), int64(math.MaxInt64), int64(0), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, cmd uint8, k, s, d, p, op, sx, dx, px int64, ceil bool) {
		checkIntCase(t, dir, intCase{cmd: int(cmd % 4), k: k, s: s, d: d, p: p, op: op, sx: sx, dx: dx, px: px, ceil: ceil})
	})
}

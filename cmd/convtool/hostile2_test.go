package main

import "testing"

// Round two of hostile input (issue 11): each numbered failure of the issue
// reproduced exactly, run like TestHostileInputs (with and without an
// existing output, which must stay as it was; nothing new in the
// directory).

// roundTwoCases are the failures that end in an error.
func roundTwoCases() []hostileCase {
	zero := map[string]string{"in.npy": "zero_channels.npy"}
	ramp := map[string]string{"in.npy": "ramp5.npy"}
	const maxInt = "9223372036854775807"
	const extent = "dilation 9223372036854775807 with kernel 3: the dilated extent d·(k−1)+1 does not fit in 64 bits"
	return []hostileCase{
		// 1. A zero-channel .npy: np.zeros((0,4,4),'f4').
		{name: "1 zero channels: conv", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv direct", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--method", "direct"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv gemm", files: zero, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--method", "gemm"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: conv stdin", files: map[string]string{stdinFile: "zero_channels.npy"}, args: []string{"conv", "-", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "stdin: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: pool", files: zero, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "2"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		{name: "1 zero channels: fft", files: zero, args: []string{"fft", "D/in.npy", "D/out.npy"}, out: "out.npy", code: 1, msg: "D/in.npy: shape (0, 4, 4) holds no values"},
		// 2. Dilations whose extent d(k−1)+1 does not fit in 64 bits.
		{name: "2 conv dilation max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: " + extent},
		{name: "2 conv dilation 1,max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--dilation", "1," + maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: columns: " + extent},
		{name: "2 conv transpose dilation max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: " + extent},
		{name: "2 pool dilation 2^62", files: ramp, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "3", "--dilation", "4611686018427387904"}, out: "out.npy", code: 1, msg: "D/in.npy: 1x5x5: H': dilation 4611686018427387904 with kernel 3: the dilated extent d·(k−1)+1 does not fit in 64 bits"},
		// 3. Sizes that wrapped round into a plausible output.
		{name: "3 conv padding max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 9223372036854775807,9223372036854775807 on 5 samples: the padded length does not fit in 64 bits"},
		{name: "3 conv padding 2^62-1", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "4611686018427387903"}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 4611686018427387903,4611686018427387903 on 5 samples: the padded length does not fit in 64 bits"},
		{name: "3 conv padding 2^40", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--padding", "1099511627776"}, out: "out.npy", code: 1, msg: "D/in.npy: the padded input would be 2199023255557x2199023255557 (more samples a channel than fit in 64 bits), more than --max-pixels"},
		{name: "3 pool dilation max", files: ramp, args: []string{"pool", "D/in.npy", "D/out.npy", "--size", "3", "--dilation", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: 1x5x5: H': " + extent},
		{name: "3 conv transpose padding max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--padding", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: padding 9223372036854775807 leaves no output"},
		{name: "3 conv transpose stride max", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--transpose", "--stride", maxInt}, out: "out.npy", code: 1, msg: "D/in.npy: rows: stride 9223372036854775807, dilation 1, kernel 3 on 5 samples: the transposed output"},
		{name: "3 shape dilation max", args: []string{"shape", "conv", "--input", "5x5x1", "-k", "3", "--dilation", maxInt}, code: 1, msg: "conv k3 d9223372036854775807 on 5x5x1: H': " + extent},
	}
}

func TestHostileRoundTwo(t *testing.T) { runHostileCases(t, roundTwoCases()) }

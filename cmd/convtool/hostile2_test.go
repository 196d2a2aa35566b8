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
		// 4. Non-finite parameters; finite numbers beyond float32 in data.
		{name: "4 --scale nan", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--scale", "nan"}, out: "out.npy", code: 2, msg: "--scale NaN: want a finite number"},
		{name: "4 --scale inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--scale", "inf"}, out: "out.npy", code: 2, msg: "--scale +Inf: want a finite number"},
		{name: "4 --offset nan", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--offset", "nan"}, out: "out.npy", code: 2, msg: "--offset NaN: want a finite number"},
		{name: "4 --offset -inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3", "--offset", "-inf"}, out: "out.npy", code: 2, msg: "--offset -Inf: want a finite number"},
		{name: "4 .mat kernel with a NaN scale", files: map[string]string{"in.npy": "ramp5.npy", "k.mat": "nan_scale.mat"}, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "D/k.mat"}, out: "out.npy", code: 1, msg: `kernel "D/k.mat": line 1: scale "nan" is not a finite number`},
		{name: "4 .mat input with a NaN scale", files: map[string]string{"in.mat": "nan_scale.mat"}, args: []string{"conv", "D/in.mat", "D/out.mat", "-k", "box:3"}, out: "out.mat", code: 1, msg: `D/in.mat: line 1: scale "nan" is not a finite number`},
		{name: "4 CSV value 1e39", files: map[string]string{"in.csv": "huge.csv"}, args: []string{"conv", "D/in.csv", "D/out.csv", "-k", "box:3"}, out: "out.csv", code: 1, msg: "D/in.csv: line 1: 1e39 is beyond float32's range (±3.4e38)"},
		{name: "4 text value 1e400", files: map[string]string{"in.txt": "huge.txt"}, args: []string{"conv", "D/in.txt", "D/out.txt", "-k", "box:3"}, out: "out.txt", code: 1, msg: "D/in.txt: line 1: 1e400 is beyond float32's range (±3.4e38)"},
		{name: "4 text value 1e39 on stdin", files: map[string]string{stdinFile: "huge.csv"}, args: []string{"conv", "-", "D/out.csv", "-k", "box:3"}, out: "out.csv", code: 1, msg: "stdin: line 1: 1e39 is beyond float32's range"},
		{name: "4 float64 .npy value 1e300", files: map[string]string{"in.npy": "huge_f8.npy"}, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "box:3"}, out: "out.npy", code: 1, msg: "D/in.npy: float64 value 1e+300 at element 2 is beyond float32's range (±3.4e38)"},
		{name: "4 signal values 1e39", files: map[string]string{"in.csv": "huge.csv"}, args: []string{"signal", "D/in.csv", "D/out.csv", "-k", "1,1"}, out: "out.csv", code: 1, msg: "D/in.csv: line 1: 1e39 is beyond"},
		{name: "4 kernel 1e39", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "1e39"}, out: "out.npy", code: 1, msg: `kernel "1e39": value "1e39" overflows float32`},
		{name: "4 built-in parameter inf", files: ramp, args: []string{"conv", "D/in.npy", "D/out.npy", "-k", "gaussian:inf"}, out: "out.npy", code: 1, msg: `kernel "gaussian:inf": parameter "inf" is not finite`},
	}
}

func TestHostileRoundTwo(t *testing.T) { runHostileCases(t, roundTwoCases()) }

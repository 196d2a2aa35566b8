package shape

import (
	"fmt"
	"math"
	"strings"
)

// DType is the element type memory is counted in.
type DType struct {
	Name  string
	Bytes int
}

// Float32 is the default element type.
var Float32 = DType{"float32", 4}

// ParseDType reads float32|fp32, float16|fp16|half, bfloat16|bf16,
// float64|fp64|double or int8.
func ParseDType(s string) (DType, error) {
	switch strings.ToLower(s) {
	case "float32", "fp32", "f32":
		return Float32, nil
	case "float16", "fp16", "half", "f16":
		return DType{"float16", 2}, nil
	case "bfloat16", "bf16":
		return DType{"bfloat16", 2}, nil
	case "float64", "fp64", "double", "f64":
		return DType{"float64", 8}, nil
	case "int8", "i8":
		return DType{"int8", 1}, nil
	}
	return DType{}, fmt.Errorf("dtype %q: want float32, float16, bfloat16, float64 or int8", s)
}

// Memory is one layer's memory: its output activation and its parameters,
// at the walk's batch size and element type.
type Memory struct {
	// Activation is the output tensor: batch·H·W·C·bytes.
	Activation int64
	// Params is the parameters: params·bytes.
	Params int64
	// Live is every activation held while this layer runs: its inputs,
	// its output, and each earlier output a later layer still reads (skip
	// connections), none freed early, none computed in place.
	Live int64
}

// NetMemory is a network's memory, in bytes. How each figure relates to
// torchinfo's summary (torchinfo 1.8, model_statistics.py):
//
//   - Params is torchinfo's "Params size": Σ params·bytes.
//   - Input is torchinfo's "Input size".
//   - TorchinfoPass is torchinfo's "Forward/backward pass size": twice
//     (for gradients) the outputs of the layers that have parameters.
//     It ignores activations, pooling and adds, whose outputs autograd
//     also keeps, so it is neither a peak nor a training total.
//   - PeakForward is the most activation memory alive at once during
//     an inference pass (no gradients), tensors freed after their last
//     reader, skip tensors held until their add or concat. torchinfo has
//     no such figure; torch.cuda.max_memory_allocated measures it, and
//     in-place ReLUs and the allocator's rounding make the real one differ.
//   - Saved is every layer's output kept for the backward pass (an upper
//     estimate: autograd keeps what each operation needs, which for most
//     layers is its input or output, one tensor per layer).
//   - Training is Params + gradients (Params again) + optimizer state
//   - Saved + Input: SGD with momentum keeps one extra copy of the
//     parameters, Adam two.
type NetMemory struct {
	Input, Params, TorchinfoPass, PeakForward, Saved int64
	// PeakLayer is the layer during which PeakForward is reached.
	PeakLayer string
	// TrainingSGD and TrainingAdam are the training estimates.
	TrainingSGD, TrainingAdam int64
}

func (res *NetResult) memory() {
	b := int64(res.DType.Bytes)
	batch := int64(res.Batch)
	lastUse := make([]int, len(res.Layers))
	index := map[string]int{}
	for i, l := range res.Layers {
		lastUse[i] = i
		index[l.Layer.Name] = i
		for _, in := range l.Inputs {
			if j, ok := index[in]; ok {
				lastUse[j] = max(lastUse[j], i)
			}
		}
	}
	lastUse[len(lastUse)-1] = len(lastUse) // the result is kept
	m := &res.Mem
	for i := range res.Layers {
		l := &res.Layers[i]
		o := l.Out
		l.Mem.Activation = sat(batch * sat(int64(o.H)*int64(o.W)) * int64(o.C) * b)
		l.Mem.Params = sat(l.Params * b)
		if l.Layer.Kind == Input {
			m.Input = l.Mem.Activation
		}
		m.Params = sat(m.Params + l.Mem.Params)
		m.Saved = sat(m.Saved + l.Mem.Activation)
		if l.Params > 0 {
			m.TorchinfoPass = sat(m.TorchinfoPass + 2*l.Mem.Activation)
		}
		for j := 0; j <= i; j++ {
			if lastUse[j] >= i {
				l.Mem.Live = sat(l.Mem.Live + res.Layers[j].Mem.Activation)
			}
		}
		if l.Mem.Live > m.PeakForward {
			m.PeakForward, m.PeakLayer = l.Mem.Live, l.Layer.Name
		}
	}
	m.Saved -= m.Input
	base := sat(2*m.Params + m.Saved + m.Input)
	m.TrainingSGD = sat(base + m.Params)
	m.TrainingAdam = sat(base + 2*m.Params)
}

// sat keeps a byte count from wrapping: a negative product means it did.
func sat(v int64) int64 {
	if v < 0 {
		return Overflow
	}
	return v
}

// Bytes formats a byte count in decimal units, as torchinfo does (1 MB =
// 10⁶ bytes): "512 B", "1.50 kB", "44.70 MB", "1.23 GB".
func Bytes(n int64) string {
	return unit(float64(n), []string{"B", "kB", "MB", "GB", "TB"}, " ")
}

// Count formats a count with K, M, G, T: "1.81 G".
func Count(n int64) string {
	return unit(float64(n), []string{"", "K", "M", "G", "T"}, " ")
}

func unit(v float64, names []string, sep string) string {
	i := 0
	for v >= 1000 && i < len(names)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return strings.TrimSpace(fmt.Sprintf("%d%s%s", int64(math.Round(v)), sep, names[0]))
	}
	return fmt.Sprintf("%.2f%s%s", v, sep, names[i])
}

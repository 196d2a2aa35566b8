// Package models holds the trained networks built into convtool, so that
// `convtool net run` does something real with no download: each is a
// network file, its weights (safetensors) and its class labels, embedded
// in the binary, with the script that trained it beside them.
//
//	digits   LeNet-style, scikit-learn's 8x8 handwritten digits (train_digits.py)
package models

// Package batch runs one job per input file on a pool of workers, keeps
// going past the files that fail, and hands back every result in input
// order so the caller can report the failures together at the end. A
// progress bar (internal/progress, counting files) is drawn only when
// asked to (on a terminal), never in a pipe or a log. internal/job's
// ConvBatch runs a convolution job through it.
package batch

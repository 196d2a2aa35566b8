// Package batch runs one job per input file on a pool of workers, keeps
// going past the files that fail, and hands back every result in input
// order so the caller can report the failures together at the end. A
// progress bar is drawn only when asked to (on a terminal), never in a
// pipe or a log.
package batch

// Package progress draws a one-line progress bar on a terminal for long
// work: "conv [=========           ] 45%", or counted ("[====    ] 3/8
// files", NewCount). It draws nothing until the work
// has run for a moment, so quick runs stay silent, redraws at most ten
// times a second, and is safe to update from many goroutines.
package progress

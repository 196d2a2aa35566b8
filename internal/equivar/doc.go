// Package equivar measures the notes' claims of section 3.2.2 instead of
// stating them: a convolution is shift-equivariant — f(shift(x)) equals
// shift(f(x)) wherever neither the borders, the padding nor the zeros
// shifted in reach a window — and a max pool absorbs shifts smaller than
// its window, so that many of its outputs do not change at all
// (approximate invariance). Measure runs any sliding-window operator on x
// and on x shifted, and reports both distances over the interior it
// computes from the window's geometry.
package equivar

// Package fft computes 2-D discrete Fourier transforms of float32 planes and
// what convtool builds on them: linear (valid) correlation by the
// convolution theorem, centred magnitude spectra, and frequency-domain
// low-, high- and band-pass filters.
//
// The transforms are gonum's dsp/fourier (fftpack, float64 inside): a real
// transform along rows, which halves the work for real input, and a complex
// transform along the W/2+1 surviving columns. A Plan owns the transform
// objects and buffers for one size and is reused for every channel (and, in
// a Correlator, the kernel's spectrum is computed once); it keeps one set per
// goroutine so that rows, columns or tiles run on GOMAXPROCS goroutines.
//
// Correlation pads to fast sizes (GoodSize: products of 2, 3 and 5); it is
// never circular: the caller pads the plane by its edge rule (a circular
// edge is padding by wrap-around) and gets the VALID correlation, which
// the transform size is chosen to keep free of wrap-around. Spectra and
// filters use the exact size, whatever its factors, because the spectrum of
// a padded plane is a different spectrum.
package fft

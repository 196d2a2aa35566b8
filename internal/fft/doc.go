// Package fft computes discrete Fourier transforms of float32 data and
// what convtool builds on them: linear (valid) correlation by the
// convolution theorem, centred magnitude spectra, frequency-domain low-,
// high- and band-pass filters, and (through Real) 1-D transforms for
// signal's FFT convolution.
//
// The transforms are our own, in float32 throughout: a mixed-radix
// Stockham FFT (radix 4, 2, 3 and 5 butterflies, a generic one for other
// primes; radixPlan) and a real transform that runs a complex one of half
// the length (realPlan). Twiddles are computed once per length, in float64
// and rounded; the butterflies run over batches of interleaved sequences
// so that a 2-D transform's columns (and rows) go through them several at a
// time with unit-stride inner loops. 2-D planes take a real transform along
// rows and a complex one along the W/2+1 surviving columns. A Plan owns the
// tables and buffers for one size and is reused for every channel (and, in
// a Correlator, the kernel's spectrum is computed once); it keeps one set
// of buffers per goroutine so that rows, columns or tiles run on
// GOMAXPROCS goroutines.
//
// On amd64 with AVX2 and FMA (checked once at start-up with
// golang.org/x/sys/cpu) the radix 2, 3, 4 and 5 passes, the real
// transform's combine and split steps and the spectrum product run as
// assembly, four complex values per instruction (radix_amd64.s, generated
// by the avo program in _gen, a module of its own). Where the CPU also has
// AVX-512F, the radix 3, 4 and 5 passes, the combine and split steps and
// the product run eight values per ZMM instruction instead, on runs that
// are multiples of 8 (every pass of an 8-row or 8-column batch); runs of
// 4 mod 8 and the radix-2 pass stay with AVX2, whose radix-2 pass was the
// faster (it is bound by the cache, not the arithmetic). On the project's
// AMD EPYC the AVX-512 kernels take 0.53–0.79 of the AVX2 ones' time alone
// and the transforms 0.82–0.92 of their CPU time (BenchmarkKernels and the
// others, run with -level avx2 and -level avx512 in alternation).
// Everywhere else, and with -tags purego, the same passes run in Go; the
// tests cover every level the CPU has (setLevel), and compare the assembly
// with Go directly (FuzzPasses).
//
// Correlation pads to fast sizes (GoodSize: products of 2, 3 and 5); it is
// never circular: the caller pads the plane by its edge rule (a circular
// edge is padding by wrap-around) and gets the VALID correlation, which
// the transform size is chosen to keep free of wrap-around. Spectra and
// filters use the exact size, whatever its factors, because the spectrum of
// a padded plane is a different spectrum.
package fft

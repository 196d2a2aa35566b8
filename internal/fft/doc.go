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
// Moving data between rows and the 8-lane layout was most of the time once
// the butterflies were assembly. It goes 8 lanes at a time (lanes.go):
// gathering 8 rows into the layout and scattering it back out are 8×4
// transposes of 64-bit values (a complex64, or a pair of real samples) in
// AVX2 (lanesIn8*, lanesOut8*, generated with the butterflies), with Go
// loops over whole 64-byte groups for the rest and below the AVX2 level;
// the inverse's last conjugation rides on the row gather and its scale on
// the scatter; a Correlator's work spectrum has its rows padded to a cache
// line. On the project's AMD EPYC (CPU time per operation, medians of 7
// runs alternating the old and new test binaries at the AVX-512 level)
// this took a 1054² plane ⋆ 31×31 from 4.52 to 2.51 ms, three 4126²
// planes ⋆ 31×31 from 332 to 209 ms and a 2048² forward transform from
// 9.6 to 7.3 ms.
//
// Correlation pads to fast sizes (GoodSize: products of 2, 3 and 5); it is
// never circular: the caller pads the plane by its edge rule (a circular
// edge is padding by wrap-around) and gets the VALID correlation, which
// the transform size is chosen to keep free of wrap-around. Spectra and
// filters use the exact size, whatever its factors, because the spectrum of
// a padded plane is a different spectrum.
package fft

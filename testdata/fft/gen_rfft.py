#!/usr/bin/python3
"""Fixtures for internal/fft's float32 transforms, computed by numpy's pocketfft
in float64 (independent of the Go code).

Regenerate from the repository root with:

    /usr/bin/python3 testdata/fft/gen_rfft.py

(numpy 1.24). Inputs are random float32; references are computed in float64
from those float32 values and stored as float32 (a relative error of 6e-8 per
coefficient, below the float32 transform's own rounding and within the tests'
tolerance), real and imaginary parts as two planes.

  rfft2_<H>x<W>_x.npy (H,W)       float32 input
  rfft2_<H>x<W>_ref.npy (2,H,W/2+1) np.fft.rfft2(x): real, imaginary
  fft2_<H>x<W>_ref.npy (2,H,W)    np.fft.fft2(x), for the cases in FULL
  rfft_<N>_x.npy (N,), rfft_<N>_ref.npy (2,N/2+1): np.fft.rfft(x)

Sizes: degenerate (1, 2), radix 4/2/3/5 alone and mixed (products of 2, 3
and 5 such as 243, 250, 360, 1080, 30000), and lengths with other primes
(7, 13, 17, 97) that take the generic butterfly. Most inputs are uniform in
[-1, 1); the *_img cases are uniform in [0, 255], the range of 8-bit
images, whose large mean puts a large value at the zero frequency.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261130)


def save(name, a):
    np.save(os.path.join(here, name + ".npy"), np.ascontiguousarray(a, dtype=np.float32))


def reim(z):
    return np.stack([z.real, z.imag])


SIZES2 = [(1, 1), (1, 2), (2, 1), (4, 4), (6, 8), (9, 15), (16, 16), (25, 27),
          (30, 45), (64, 100), (75, 128), (120, 135), (243, 250), (7, 13),
          (17, 97), (360, 384)]
FULL = {(9, 15), (30, 45), (17, 97)}
IMG2 = [(120, 135), (256, 270)]

for h, w in SIZES2:
    x = rng.uniform(-1, 1, size=(h, w)).astype(np.float32)
    name = f"rfft2_{h}x{w}"
    save(name + "_x", x)
    save(name + "_ref", reim(np.fft.rfft2(x.astype(np.float64))))
    if (h, w) in FULL:
        save(f"fft2_{h}x{w}_ref", reim(np.fft.fft2(x.astype(np.float64))))

for h, w in IMG2:
    x = rng.uniform(0, 255, size=(h, w)).astype(np.float32)
    name = f"rfft2_{h}x{w}_img"
    save(name + "_x", x)
    save(name + "_ref", reim(np.fft.rfft2(x.astype(np.float64))))

for n in [1, 2, 3, 5, 8, 15, 16, 97, 100, 1000, 1024, 2187, 4096, 30000]:
    x = rng.uniform(-1, 1, size=n).astype(np.float32)
    save(f"rfft_{n}_x", x)
    save(f"rfft_{n}_ref", reim(np.fft.rfft(x.astype(np.float64))))

with open(os.path.join(here, "rfft_cases.txt"), "w") as f:
    f.write("# written by gen_rfft.py: kind name\n")
    for h, w in SIZES2:
        f.write(f"rfft2 {h}x{w}\n")
        if (h, w) in FULL:
            f.write(f"fft2 {h}x{w}\n")
    for h, w in IMG2:
        f.write(f"rfft2 {h}x{w}_img\n")
    for n in [1, 2, 3, 5, 8, 15, 16, 97, 100, 1000, 1024, 2187, 4096, 30000]:
        f.write(f"rfft {n}\n")

#!/usr/bin/python3
"""Fixtures for internal/fft, computed by numpy/scipy (independent of the Go code).

Regenerate from the repository root with:

    /usr/bin/python3 testdata/fft/gen_fft.py

(numpy 1.24, scipy 1.10). Inputs are float32; references are computed in
float64 from the float32 inputs and stored as float32 (a relative error of
6e-8, far below the tests' tolerance, and half the bytes).

  spectrum_<name>_x.npy / _ref.npy  (C,H,W): |fftshift(fft2(x))| per channel
  filter_<name>_x.npy / _ref.npy    (C,H,W): real(ifft2(fft2(x) * G)), G the
      gain below on the shifted grid, ifftshift'ed. The case list is in
      filter_cases.txt: name, band spec, shape spec.
  corr_<name>_x.npy, _k.npy, _ref.npy (H,W): scipy.signal.correlate2d(x,
      dilated k, 'valid')[::sy, ::sx]; corr_cases.txt: name sy sx dy dx.
"""
import os
import numpy as np
from scipy import signal

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240604)


def save(name, a):
    np.save(os.path.join(here, name + ".npy"), np.ascontiguousarray(a, dtype=np.float32))


# --- spectra: odd, even, prime, degenerate sizes ---
spectra = {
    "13x17": (1, 13, 17),
    "16x16": (2, 16, 16),
    "12x9": (3, 12, 9),
    "1x97": (1, 1, 97),
    "31x1": (1, 31, 1),
    "20x30": (1, 20, 30),
}
for name, shape in spectra.items():
    x = rng.uniform(-1, 3, size=shape).astype(np.float32)
    ref = np.abs(np.fft.fftshift(np.fft.fft2(x.astype(np.float64)), axes=(-2, -1)))
    save(f"spectrum_{name}_x", x)
    save(f"spectrum_{name}_ref", ref)


# --- filters: the gain of SPEC, written independently of the Go code ---
def gain(h, w, band, r1, r2, shape, order):
    u = np.arange(h)[:, None] - h // 2
    v = np.arange(w)[None, :] - w // 2
    d = np.sqrt(u * u + v * v)

    def low(r):
        if shape == "ideal":
            return (d <= r).astype(np.float64)
        if shape == "gaussian":
            return np.exp(-d ** 2 / (2 * r * r))
        return 1 / (1 + (d / r) ** (2 * order))

    if band == "lowpass":
        g = low(r1)
    elif band == "highpass":
        g = 1 - low(r1)
    elif shape == "ideal":
        g = ((d >= r1) & (d <= r2)).astype(np.float64)
    else:
        g = low(r2) * (1 - low(r1))
    return np.fft.ifftshift(g)  # shifted grid -> unshifted frequencies


filters = [
    # name, spec, shape, input shape
    ("low5_ideal_32x27", "lowpass:5", "ideal", (1, 32, 27)),
    ("low4_ideal_13x17", "lowpass:4", "ideal", (2, 13, 17)),
    ("high3_gauss_32x27", "highpass:3", "gaussian", (1, 32, 27)),
    ("low2.5_gauss_16x16", "lowpass:2.5", "gaussian", (1, 16, 16)),
    ("band3_8_ideal_32x27", "bandpass:3:8", "ideal", (1, 32, 27)),
    ("band2_6_butter3_13x17", "bandpass:2:6", "butterworth:3", (1, 13, 17)),
    ("low6_butter_24x24", "lowpass:6", "butterworth", (3, 24, 24)),
    ("high4_butter1_20x31", "highpass:4", "butterworth:1", (1, 20, 31)),
    ("band4_9_gauss_30x20", "bandpass:4:9", "gaussian", (1, 30, 20)),
]
with open(os.path.join(here, "filter_cases.txt"), "w") as f:
    for name, spec, shape, ishape in filters:
        f.write(f"{name} {spec} {shape}\n")
        parts = spec.split(":")
        band, r1 = parts[0], float(parts[1])
        r2 = float(parts[2]) if len(parts) > 2 else 0.0
        sp = shape.split(":")
        order = int(sp[1]) if len(sp) > 1 else 2
        c, h, w = ishape
        # a smooth image plus noise, so every band has energy
        yy, xx = np.mgrid[0:h, 0:w]
        base = 100 + 50 * np.sin(xx / 3.0) * np.cos(yy / 5.0)
        x = (base[None] + rng.normal(0, 20, size=ishape)).astype(np.float32)
        g = gain(h, w, band, r1, r2, sp[0], order)
        ref = np.real(np.fft.ifft2(np.fft.fft2(x.astype(np.float64)) * g))
        save(f"filter_{name}_x", x)
        save(f"filter_{name}_ref", ref)


# --- valid correlation with stride and dilation ---
corr = [
    # name, input HxW, kernel KHxKW, sy, sx, dy, dx
    ("40x37_k3x3", (40, 37), (3, 3), 1, 1, 1, 1),
    ("40x37_k8x5", (40, 37), (8, 5), 1, 1, 1, 1),
    ("40x37_k13x17", (40, 37), (13, 17), 1, 1, 1, 1),
    ("40x37_k1x1", (40, 37), (1, 1), 1, 1, 1, 1),
    ("40x37_k4x4_s2", (40, 37), (4, 4), 2, 2, 1, 1),
    ("40x37_k3x5_s3x2_d2x3", (40, 37), (3, 5), 3, 2, 2, 3),
    ("29x41_k5x5_d3", (29, 41), (5, 5), 1, 1, 3, 3),
    ("13x17_k13x17", (13, 17), (13, 17), 1, 1, 1, 1),
    ("97x1_k7x1", (97, 1), (7, 1), 1, 1, 1, 1),
    ("1x97_k1x10_s4", (1, 97), (1, 10), 1, 4, 1, 1),
    ("150x130_k31x31", (150, 130), (31, 31), 1, 1, 1, 1),
    ("128x96_k6x63_s2", (128, 96), (6, 63), 2, 2, 1, 1),
]
with open(os.path.join(here, "corr_cases.txt"), "w") as f:
    for name, (h, w), (kh, kw), sy, sx, dy, dx in corr:
        f.write(f"{name} {sy} {sx} {dy} {dx}\n")
        x = rng.uniform(0, 255, size=(h, w)).astype(np.float32)
        k = rng.normal(0, 1, size=(kh, kw)).astype(np.float32)
        kd = np.zeros((dy * (kh - 1) + 1, dx * (kw - 1) + 1))
        kd[::dy, ::dx] = k
        ref = signal.correlate2d(x.astype(np.float64), kd, mode="valid")[::sy, ::sx]
        save(f"corr_{name}_x", x)
        save(f"corr_{name}_k", k)
        save(f"corr_{name}_ref", ref)

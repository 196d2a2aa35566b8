#!/usr/bin/python3
"""Fixtures for internal/signal and `convtool signal`, computed by numpy.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/signal/gen_signal.py

(numpy 1.24). For each case in cases.txt (name, len(a), len(v)):
  <name>_a.npy, <name>_v.npy   float32 1-D inputs
  <name>_full.npy, _same.npy, _valid.npy
      np.convolve(a, v, mode) computed in float64 from the float32 inputs,
      stored as float32.
"""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(97)

cases = [
    ("n97_m13", 97, 13),     # prime signal, odd kernel
    ("n13_m97", 13, 97),     # kernel longer: numpy swaps
    ("n100_m64", 100, 64),   # even kernel
    ("n64_m8", 64, 8),
    ("n10_m10", 10, 10),     # equal lengths
    ("n1_m1", 1, 1),
    ("n5_m2", 5, 2),
    ("n2_m7", 2, 7),
    ("n1000_m301", 1000, 301),
]
with open(os.path.join(here, "cases.txt"), "w") as f:
    for name, n, m in cases:
        f.write(f"{name} {n} {m}\n")
        a = rng.normal(0, 10, n).astype(np.float32)
        v = rng.uniform(-1, 1, m).astype(np.float32)
        np.save(os.path.join(here, f"{name}_a.npy"), a)
        np.save(os.path.join(here, f"{name}_v.npy"), v)
        for mode in ("full", "same", "valid"):
            r = np.convolve(a.astype(np.float64), v.astype(np.float64), mode)
            np.save(os.path.join(here, f"{name}_{mode}.npy"), r.astype(np.float32))

# Inputs for the command-line tests: the same signal in the forms the
# command reads, and its expected convolution with the kernel "1 2 1".
x = np.array([3, -1, 4, 1, -5, 9, 2, -6], dtype=np.float32)
np.save(os.path.join(here, "cli_x.npy"), x)
np.save(os.path.join(here, "cli_x_row.npy"), x[None, :])
with open(os.path.join(here, "cli_x_col.csv"), "w") as f:
    f.write("\n".join(f"{v:g}" for v in x) + "\n")
with open(os.path.join(here, "cli_x_row.txt"), "w") as f:
    f.write(" ".join(f"{v:g}" for v in x) + "\n")
for mode in ("full", "same", "valid"):
    r = np.convolve(x.astype(np.float64), np.array([1, 2, 1.0]), mode)
    np.save(os.path.join(here, f"cli_121_{mode}.npy"), r.astype(np.float32))

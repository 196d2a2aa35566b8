#!/usr/bin/python3
"""Fixtures for internal/npy, written by numpy itself (the oracle).

Regenerate from the repository root with:

    /usr/bin/python3 testdata/io/gen_npy.py

Writes testdata/io/npy/*.npy and testdata/io/npy/expect.json. expect.json
holds, for every readable file, its shape and its values converted to
float32 by numpy and printed as exact decimal (repr of a float64 that holds
the float32 exactly), so the Go test does not depend on the Go reader to
know what a file contains. The files named write_*.npy are what np.save
writes for a float32 C-order array; the Go writer must produce them byte
for byte from the values in expect.json.
"""
import json
import os

import numpy as np
import numpy.lib.format as fmt

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npy")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
expect = {}


def record(name, arr):
    a32 = np.asarray(arr).astype(np.float32)
    vals = []
    for v in a32.ravel(order="C"):
        f = float(v)
        if f != f:
            vals.append("nan")
        elif f in (float("inf"), float("-inf")):
            vals.append("inf" if f > 0 else "-inf")
        else:
            vals.append(repr(f))
    expect[name] = {"shape": list(a32.shape), "values": vals}


def save(name, arr, version=None):
    path = os.path.join(out, name)
    if version is None:
        np.save(path, arr)
    else:
        with open(path, "wb") as f:
            fmt.write_array(f, arr, version=version)
    record(name, np.load(path))


base = rng.standard_normal((2, 3, 4)) * 100
# Every dtype numpy can give convtool, in both byte orders where it has one.
for code in ["f4", "f8", "f2"]:
    for order in "<>":
        dt = np.dtype(order + code)
        a = base.astype(dt)
        if code != "f2":
            a.flat[0] = np.nan
            a.flat[1] = np.inf
            a.flat[2] = -np.inf
        save(f"{code}_{'le' if order == '<' else 'be'}.npy", a)
ints = rng.integers(-128, 127, size=(3, 5))
for code, lo, hi in [("i1", -128, 127), ("u1", 0, 255), ("i2", -32768, 32767),
                     ("u2", 0, 65535), ("i4", -2**31, 2**31 - 1),
                     ("u4", 0, 2**32 - 1), ("i8", -2**40, 2**40),
                     ("u8", 0, 2**40)]:
    a = rng.integers(lo, hi, size=(3, 5), endpoint=True).astype(code)
    a.flat[0] = lo
    a.flat[1] = hi
    save(f"{code}.npy", a)
    if code[1] != "1":
        save(f"{code}_be.npy", a.astype(">" + code))
save("b1.npy", rng.integers(0, 2, size=(2, 7)).astype(bool))
# Ranks 0..4.
save("rank0.npy", np.float32(3.25))
save("rank1.npy", np.arange(7, dtype=np.float32) / 3)
save("rank2.npy", (rng.standard_normal((5, 6))).astype(np.float32))
save("rank3.npy", (rng.standard_normal((3, 4, 5))).astype(np.float32))
save("rank4.npy", (rng.standard_normal((2, 3, 3, 3))).astype(np.float64))
save("empty.npy", np.zeros((0, 4), dtype=np.float32))
# Header versions 2.0 and 3.0 (numpy only writes them when asked).
save("v2.npy", base.astype("<f4"), version=(2, 0))
save("v3.npy", base.astype("<f8"), version=(3, 0))
# Fortran order must be refused.
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(base[0]))
# What the Go writer must reproduce byte for byte.
for name, shape in [("write_1d.npy", (9,)), ("write_2d.npy", (4, 5)),
                    ("write_3d.npy", (2, 3, 4)), ("write_4d.npy", (2, 2, 3, 3))]:
    a = rng.standard_normal(shape).astype(np.float32)
    a.flat[0] = -0.0
    save(name, a)

with open(os.path.join(out, "expect.json"), "w") as f:
    json.dump(expect, f, sort_keys=True)
    f.write("\n")

#!/usr/bin/python3
"""Kernel files for internal/kernel's file-loading tests, written by numpy
(and by hand for the libvips .mat text form), never by convtool.

Regenerate (from the repository root) with exactly:

    /usr/bin/python3 testdata/kernel/gen_files.py

Writes files/*: k2d_f64.npy (3x4 float64), k2d_i32.npy (int32 Sobel),
bank.npy (float32 (2,3,3,3)), k3d.npy (3-D: refused), k1d.npy (refused),
k.csv, k.txt (numpy.savetxt), k.mat (with scale 16 and offset 128),
k_noscale.mat, two_channels.txt (refused), ragged.csv (refused),
nan.csv (refused), and expect.json with the values each loadable file
must give.
"""
import json
import os

import numpy as np

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")
os.makedirs(D, exist_ok=True)
rng = np.random.default_rng(7)
expect = {}


def p(name):
    return os.path.join(D, name)


k = rng.standard_normal((3, 4))
np.save(p("k2d_f64.npy"), k)
expect["k2d_f64.npy"] = {"shape": [3, 4], "data": [float(np.float32(v)) for v in k.ravel()]}

sob = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.int32)
np.save(p("k2d_i32.npy"), sob)
expect["k2d_i32.npy"] = {"shape": [3, 3], "data": [float(v) for v in sob.ravel()]}

bank = rng.standard_normal((2, 3, 3, 3)).astype(np.float32)
np.save(p("bank.npy"), bank)
expect["bank.npy"] = {"shape": [2, 3, 3, 3], "data": [float(v) for v in bank.ravel()]}

np.save(p("k3d.npy"), np.zeros((2, 3, 3), np.float32))
np.save(p("k1d.npy"), np.zeros(5, np.float32))

g = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], np.float64) / 16
np.savetxt(p("k.csv"), g, delimiter=",")
np.savetxt(p("k.txt"), g)
expect["k.csv"] = {"shape": [3, 3], "data": [float(np.float32(v)) for v in g.ravel()]}
expect["k.txt"] = expect["k.csv"]

# libvips matrix text: "width height [scale offset]", then the rows.
with open(p("k.mat"), "w") as f:
    f.write("3 2 16 128\n1 2 1\n-2 4.5 -2\n")
expect["k.mat"] = {"shape": [2, 3], "data": [1, 2, 1, -2, 4.5, -2], "scale": 16, "offset": 128}
with open(p("k_noscale.mat"), "w") as f:
    f.write("2 2\n1 0\n0 -1\n")
expect["k_noscale.mat"] = {"shape": [2, 2], "data": [1, 0, 0, -1]}

with open(p("two_channels.txt"), "w") as f:
    f.write("1 2\n3 4\n\n5 6\n7 8\n")
with open(p("ragged.csv"), "w") as f:
    f.write("1,2,3\n4,5\n")
with open(p("nan.csv"), "w") as f:
    f.write("1,nan\n3,4\n")

with open(p("expect.json"), "w") as f:
    json.dump(expect, f, indent=1)
    f.write("\n")
print("wrote", D)

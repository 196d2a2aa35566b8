#!/usr/bin/python3
"""Fixtures for internal/textmat, written by numpy.savetxt and libvips.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/io/gen_text.py

Needs numpy and the `vips` command (8.14). Every *.txt/*.csv/*.mat input has
a matching *.expect.npy: the float32 (C, H, W) array numpy (or vips, for
.mat) says the file holds. golden_*.csv/.txt/.mat are what numpy.savetxt
('%g') and `vips matrixsave` write for short values, where C's %g and
the shortest float32 repr print the same text, so the Go writers must
reproduce them byte for byte.
"""
import os
import subprocess
import tempfile

import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "text")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(11)


def p(name):
    return os.path.join(out, name)


def expect(name, arr):
    a = np.asarray(arr, dtype=np.float32)
    if a.ndim == 2:
        a = a[None]
    np.save(p(name + ".expect.npy"), a)


# numpy.savetxt with its default format (%.18e) and with %.9g, both exact
# for float32, including nan and inf as numpy spells them.
a = (rng.standard_normal((5, 7)) * 1000).astype(np.float32)
a[0, 0], a[1, 1], a[2, 2] = np.nan, np.inf, -np.inf
a[3, 3] = 1e-30
np.savetxt(p("savetxt_default.txt"), a)
expect("savetxt_default.txt", a)
np.savetxt(p("savetxt_comma.csv"), a, delimiter=",", fmt="%.9g",
           header="made by numpy.savetxt")
expect("savetxt_comma.csv", a)
np.savetxt(p("savetxt_tab.txt"), a, delimiter="\t", fmt="%.9g")
expect("savetxt_tab.txt", a)
np.savetxt(p("one_row.csv"), a[:1], delimiter=",", fmt="%.9g")
expect("one_row.csv", a[:1])
np.savetxt(p("one_col.txt"), a[:, :1], fmt="%.9g")
expect("one_col.txt", a[:, :1])

# Three channels as blank-line-separated blocks, with comments, semicolons,
# CRLF line ends and a trailing blank line: what a person types.
b = rng.integers(-50, 50, size=(3, 2, 4)).astype(np.float32) / 4
lines = ["# three channels", ""]
for c in range(3):
    for row in b[c]:
        lines.append("; ".join(f"{v:g}" for v in row) + "  # row")
    lines += ["", "# next"] if c < 2 else [""]
with open(p("blocks.txt"), "w", newline="") as f:
    f.write("\r\n".join(lines) + "\r\n")
expect("blocks.txt", b)

# Golden output for the writers: short values print the same everywhere.
g = (rng.integers(-400, 400, size=(2, 3, 5)) / 8).astype(np.float32)
g[0, 0, 0] = 1e6
g[0, 0, 1] = 0.0625
np.save(p("golden.npy"), g)
np.savetxt(p("golden_1.csv"), g[0], delimiter=",", fmt="%g")
np.savetxt(p("golden_1.txt"), g[0], delimiter=" ", fmt="%g")
with open(p("golden_2.csv"), "w") as f:
    for c in range(2):
        if c:
            f.write("\n")
        np.savetxt(f, g[c], delimiter=",", fmt="%g")

# libvips: a .mat that vips wrote (17 significant digits) and, from the
# second golden channel (vips prints 1e6 as 1000000, so the first channel's
# 1e6 is left out), golden files without and with scale and offset. vips reads them back to check the header is honoured.
m = (rng.standard_normal((4, 6)) / 3).astype(np.float32)
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "m.csv")
    np.savetxt(src, m.astype(np.float64), delimiter=",", fmt="%.9g")
    subprocess.run(["vips", "matrixsave", src, p("vips_written.mat")], check=True)
    src = os.path.join(tmp, "g.csv")
    np.savetxt(src, g[1].astype(np.float64), delimiter=",", fmt="%.9g")
    subprocess.run(["vips", "matrixsave", src, p("golden_plain.mat")], check=True)
    with open(os.path.join(tmp, "s.mat"), "w") as f:
        f.write("5 3 16 128\n")
        np.savetxt(f, g[1], fmt="%g")
    subprocess.run(["vips", "matrixsave", os.path.join(tmp, "s.mat"),
                    p("golden_scale.mat")], check=True)
expect("vips_written.mat", m)
hdr = subprocess.run(["vipsheader", "-f", "scale", p("golden_scale.mat")],
                     check=True, capture_output=True, text=True).stdout.split()
assert float(hdr[0]) == 16, hdr

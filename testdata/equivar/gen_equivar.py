#!/usr/bin/python3
"""PyTorch oracle for internal/equivar: how far f(shift(x)) is from
shift(f(x)) (equivariance) and from f(x) (invariance) for convolutions and
pools, over the outputs whose windows see only real input samples.

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/equivar/gen_equivar.py

(torch 1.13, numpy 1.24). f is F.conv2d / F.max_pool2d / F.avg_pool2d in
float64; the interior is found by enumerating every window's taps (not by a
formula). Writes NAME.x.npy, NAME.k.npy (convolutions) and cases.json.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(3222)


def shift(x, dy, dx):
    out = np.zeros_like(x)
    H, W = x.shape[-2:]
    for y in range(H):
        for xx in range(W):
            sy, sx = y - dy, xx - dx
            if 0 <= sy < H and 0 <= sx < W:
                out[..., y, xx] = x[..., sy, sx]
    return out


def interior(n, outn, s, k, st, d, pad):
    ok = []
    for o in range(outn):
        taps = [o * st - pad + i * d for i in range(k)]
        good = all(max(0, s) <= t < n + min(0, s) for t in taps)
        ok.append(good)
    idx = [i for i, g in enumerate(ok) if g]
    return (idx[0], idx[-1] + 1) if idx else (0, 0)


cases = []


def case(name, x, kind, k=None, K=3, S=1, D=1, P=0, dy=0, dx=0):
    t = lambda a: torch.from_numpy(a)[None]
    if kind == "conv":
        f = lambda a: F.conv2d(t(a), torch.from_numpy(k)[None, None].expand(a.shape[0], 1, *k.shape), stride=S, padding=P, dilation=D, groups=a.shape[0])[0].numpy()
        K = k.shape[0]
    elif kind == "max":
        f = lambda a: F.max_pool2d(t(a), K, S, P, dilation=D)[0].numpy()
    else:
        f = lambda a: F.avg_pool2d(t(a), K, S, P)[0].numpy()
    fx, fs = f(x), f(shift(x, dy, dx))
    H, W = x.shape[1:]
    y0, y1 = interior(H, fx.shape[1], dy, K, S, D, P)
    x0, x1 = interior(W, fx.shape[2], dx, K, S, D, P)
    tol = 1e-6 * max(np.abs(fx).max(), 1e-30)
    inv = np.abs(fs - fx)[:, y0:y1, x0:x1]
    c = {"name": name, "kind": kind, "k": K, "s": S, "d": D, "p": P, "dy": dy, "dx": dx,
         "interior": [y0, y1, x0, x1], "unchanged": float((inv <= tol).mean()) if inv.size else 0.0,
         "invariance": float(inv.max()) if inv.size else 0.0, "exact": dy % S == 0 and dx % S == 0}
    if c["exact"]:
        eq = np.abs(fs - shift(fx, dy // S, dx // S))
        c["equivariance"] = float(eq[:, y0:y1, x0:x1].max()) if inv.size else 0.0
        c["equivariance_all"] = float(eq.max())
    np.save(os.path.join(HERE, name + ".x.npy"), x.astype(np.float32))
    if k is not None:
        np.save(os.path.join(HERE, name + ".k.npy"), k.astype(np.float32))
    cases.append(c)


# Integer-valued data: every sum is exact in float32 too.
x = rng.integers(0, 10, size=(2, 20, 24)).astype(np.float64)
k = rng.integers(-3, 4, size=(3, 3)).astype(np.float64)
case("conv3_s1_p1", x, "conv", k, S=1, P=1, dy=2, dx=3)
case("conv3_s2_p1", x, "conv", k, S=2, P=1, dy=4, dx=-2)
case("conv3_s2_odd", x, "conv", k, S=2, P=1, dy=3, dx=1)
case("conv3_d2", x, "conv", k, S=1, D=2, P=0, dy=-1, dx=2)
# Smooth data (a blurred random field), as an image's: a max pool keeps
# many of its maxima under a shift smaller than its window.
sm = rng.normal(size=(1, 26, 26))
for _ in range(3):
    sm = (sm + np.roll(sm, 1, 1) + np.roll(sm, 1, 2) + np.roll(sm, -1, 1) + np.roll(sm, -1, 2)) / 5
sm = np.round(sm * 1000)
case("max2_s2_shift1", sm, "max", K=2, S=2, dy=1, dx=0)
case("max3_s3_shift1", sm, "max", K=3, S=3, dy=1, dx=1)
case("max3_s3_shift3", sm, "max", K=3, S=3, dy=3, dx=0)
case("avg2_s2_shift2", sm, "avg", K=2, S=2, dy=2, dx=2)

with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
for c in cases:
    print(c["name"], c["interior"], c.get("equivariance"), c["unchanged"])

#!/usr/bin/python3
# Generates testdata/shape/torch_geom.json: output sizes PyTorch computes for
# one axis of a pooling layer and of a transposed convolution.
#
#   cd /work/main && /usr/bin/python3 testdata/shape/gen_geom.py
#
# (torch 1.13 CPU.) "pool": for every input size h, window k, stride s,
# padding p ≤ k/2, dilation d and ceil_mode, F.max_pool2d on a 1×h×1 input
# (window k×1): the output height, or null where torch refuses (output size
# below 1). Windows larger than the padded input are included: in ceil mode
# torch keeps one clipped window.
#
# "transpose_same": for every kernel k, stride s, dilation d and input h,
# the padding p and output padding op that conv --transpose --padding same
# picks (2p − op = t = d(k−1) + 1 − s; t < 0: p = 0, op = −t; t odd: op = 1,
# p = (t+1)/2; else p = t/2, op = 0), nn.ConvTranspose2d's output height with
# them (null where torch refuses the output padding), and "exact": every
# (p, op) torch accepts that gives exactly s·h.
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

pool = []
for h in range(1, 8):
    for k in range(1, 7):
        for s in range(1, 4):
            for p in range(0, k // 2 + 1):
                for d in (1, 2):
                    for ceil in (False, True):
                        x = torch.zeros(1, 1, h, 1)
                        try:
                            out = F.max_pool2d(x, (k, 1), (s, 1), (p, 0), (d, 1), ceil_mode=ceil).shape[2]
                        except RuntimeError:
                            out = None
                        pool.append({"h": h, "k": k, "s": s, "p": p, "d": d, "ceil": ceil, "out": out})


def same_rule(k, s, d):
    t = d * (k - 1) + 1 - s
    if t < 0:
        return 0, -t
    if t % 2 == 1:
        return (t + 1) // 2, 1
    return t // 2, 0


def convT_height(h, k, s, d, p, op):
    m = nn.ConvTranspose2d(1, 1, (k, 1), (s, 1), (p, 0), (op, 0), dilation=(d, 1), bias=False)
    with torch.no_grad():
        return m(torch.zeros(1, 1, h, 1)).shape[2]


transpose = []
missed = 0
for k in range(1, 8):
    for s in range(1, 5):
        for d in (1, 2, 3):
            for h in (1, 3, 16):
                p, op = same_rule(k, s, d)
                try:
                    out = convT_height(h, k, s, d, p, op)
                except RuntimeError:
                    out = None
                exact = []
                for pp in range(0, d * (k - 1) + 1):
                    for oo in range(0, max(s, d)):
                        try:
                            if convT_height(h, k, s, d, pp, oo) == s * h:
                                exact.append([pp, oo])
                        except RuntimeError:
                            pass
                if exact and [p, op] not in exact:
                    missed += 1
                transpose.append({"k": k, "s": s, "d": d, "h": h, "p": p, "op": op, "out": out, "exact": exact})

with open("testdata/shape/torch_geom.json", "w") as f:
    json.dump({"generator": "testdata/shape/gen_geom.py", "torch": torch.__version__,
               "pool": pool, "transpose_same": transpose}, f, separators=(",", ":"))
print(len(pool), "pool,", len(transpose), "transpose cases;", missed, "where the same rule misses an exact (p, op)")

#!/usr/bin/python3
# Generates testdata/pool/pool_cases.json: pooling results computed by PyTorch.
#
#   cd /work/main && /usr/bin/python3 testdata/pool/gen_pool.py
#
# (torch 1.13 CPU, numpy 1.24.) Every case is a random float32 input of shape
# (C, H, W) and the output of one torch.nn.functional call:
#   max  F.max_pool2d(x, k, s, p, dilation, ceil_mode)
#   avg  F.avg_pool2d(x, k, s, p, ceil_mode, count_include_pad)
#   min  -F.max_pool2d(-x, ...)
#   l2   sqrt(F.avg_pool2d(x*x, ..., divisor_override=1)): the sum of squares
#        over the window, padding adding 0 (torch's lp_pool2d has no padding
#        and rescales partial ceil windows; where it applies, with no padding
#        and no ceil, the case is also checked against F.lp_pool2d(x, 2, ...)
#        here before being written).
#   adaptive-avg / adaptive-max  F.adaptive_{avg,max}_pool2d(x, (oh, ow))
#   global-*  the same with (1, 1)
# Cases torch refuses (padding over half the window, window too large) are
# written with "error": true so the Go side must refuse them too.
import json
import itertools

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20240603)
cases = []


def add(name, op, x, params, y=None, err=False):
    c = {
        "name": name,
        "op": op,
        "shape": list(x.shape),
        "input": [float(v) for v in x.numpy().ravel()],
        **params,
    }
    if err:
        c["error"] = True
    else:
        c["out_shape"] = list(y.shape)
        c["output"] = [float("%.8g" % v) for v in y.numpy().ravel()]
    cases.append(c)


def rand(c, h, w):
    # multiples of 1/64 in [-4, 4): exact in float32 and short in JSON
    return torch.from_numpy((rng.integers(-256, 256, (c, h, w)) / 64).astype(np.float32))


def sliding(op, x, k, s, p, d, ceil, cip):
    kt, st, pt, dt = tuple(k), tuple(s), tuple(p), tuple(d)
    if op == "max":
        return F.max_pool2d(x, kt, st, pt, dt, ceil_mode=ceil)
    if op == "min":
        return -F.max_pool2d(-x, kt, st, pt, dt, ceil_mode=ceil)
    if op == "avg":
        return F.avg_pool2d(x, kt, st, pt, ceil_mode=ceil, count_include_pad=cip)
    if op == "l2":
        y = torch.sqrt(F.avg_pool2d(x * x, kt, st, pt, ceil_mode=ceil, divisor_override=1))
        if p == [0, 0] and not ceil:
            ref = F.lp_pool2d(x, 2, kt, st)
            assert torch.allclose(ref, y, rtol=1e-5, atol=1e-5), "lp_pool2d disagrees"
        return y
    raise ValueError(op)


shapes = [(1, 7, 7), (2, 6, 5), (1, 5, 9), (1, 10, 10)]
windows = [  # (k, s, p, d)
    ([2, 2], [2, 2], [0, 0], [1, 1]),
    ([3, 3], [2, 2], [1, 1], [1, 1]),
    ([3, 3], [1, 1], [0, 0], [1, 1]),
    ([3, 2], [2, 1], [1, 0], [1, 1]),
    ([2, 2], [3, 3], [1, 1], [1, 1]),
    ([4, 4], [3, 3], [2, 2], [1, 1]),
    ([3, 3], [2, 2], [0, 0], [2, 2]),
    ([2, 3], [1, 2], [1, 1], [2, 1]),
    ([5, 5], [2, 2], [2, 2], [1, 1]),
]
n = 0
for (c, h, w), (k, s, p, d), ceil, op in itertools.product(shapes, windows, [False, True], ["max", "min", "avg", "l2"]):
    if op in ("avg", "l2") and d != [1, 1]:
        continue
    cips = [True, False] if op == "avg" else [True]
    for cip in cips:
        x = rand(c, h, w)
        params = {"k": k, "s": s, "p": p, "d": d, "ceil": ceil, "count_include_pad": cip}
        name = f"{op}_{c}x{h}x{w}_k{k}_s{s}_p{p}_d{d}_ceil{int(ceil)}_cip{int(cip)}"
        try:
            y = sliding(op, x, k, s, p, d, ceil, cip)
        except RuntimeError:
            add(name, op, x, params, err=True)
            continue
        add(name, op, x, params, y)
        n += 1

# ceil-mode edge cases: the last window starting in the right padding is
# dropped (5 + 2·1 − 2 = 5, ceil(5/2)+1 = 4, but 3·2 = 6 ≥ 5 + 1).
edge = [
    ((1, 5, 5), [2, 2], [2, 2], [1, 1]),
    ((1, 4, 4), [2, 2], [2, 2], [1, 1]),
    ((1, 6, 6), [3, 3], [3, 3], [1, 1]),
    ((1, 7, 7), [3, 3], [4, 4], [1, 1]),
    ((1, 2, 2), [3, 3], [2, 2], [1, 1]),
    ((1, 1, 1), [2, 2], [2, 2], [1, 1]),
]
for (c, h, w), k, s, p in edge:
    for op in ["max", "min", "avg", "l2"]:
        for cip in ([True, False] if op == "avg" else [True]):
            x = rand(c, h, w)
            params = {"k": k, "s": s, "p": p, "d": [1, 1], "ceil": True, "count_include_pad": cip}
            y = sliding(op, x, k, s, p, [1, 1], True, cip)
            add(f"edge_{op}_{h}x{w}_k{k[0]}s{s[0]}p{p[0]}_cip{int(cip)}", op, x, params, y)

# refused geometries
x = rand(1, 6, 6)
for k, p in [([3, 3], [2, 2]), ([2, 2], [2, 2]), ([4, 4], [3, 3])]:
    params = {"k": k, "s": k, "p": p, "d": [1, 1], "ceil": False, "count_include_pad": True}
    try:
        F.max_pool2d(x, tuple(k), tuple(k), tuple(p))
        raise SystemExit("torch accepted padding over half the window")
    except RuntimeError:
        add(f"refuse_pad_k{k[0]}_p{p[0]}", "max", x, params, err=True)
params = {"k": [8, 8], "s": [1, 1], "p": [0, 0], "d": [1, 1], "ceil": False, "count_include_pad": True}
add("refuse_window_larger", "max", x, params, err=True)

# adaptive and global
for (c, h, w), (oh, ow) in [((1, 7, 7), (3, 3)), ((2, 10, 7), (4, 3)), ((1, 5, 5), (5, 5)),
                            ((1, 4, 6), (6, 4)), ((2, 13, 13), (6, 6)), ((1, 9, 11), (1, 1))]:
    x = rand(c, h, w)
    for op in ["max", "avg", "min", "l2"]:
        if op == "max":
            y = F.adaptive_max_pool2d(x, (oh, ow))
        elif op == "avg":
            y = F.adaptive_avg_pool2d(x, (oh, ow))
        elif op == "min":
            y = -F.adaptive_max_pool2d(-x, (oh, ow))
        else:
            # sum of squares over each bin = torch's bin mean × bin size, the
            # size from PyTorch's documented rule [floor(i·H/o), ceil((i+1)·H/o))
            cnt = torch.zeros(1, oh, ow)
            for i in range(oh):
                for j in range(ow):
                    hs, he = (i * h) // oh, -((-(i + 1) * h) // oh)
                    ws, we = (j * w) // ow, -((-(j + 1) * w) // ow)
                    cnt[0, i, j] = (he - hs) * (we - ws)
            y = torch.sqrt(F.adaptive_avg_pool2d(x * x, (oh, ow)) * cnt)
        kind = "global" if (oh, ow) == (1, 1) else "adaptive"
        add(f"{kind}_{op}_{c}x{h}x{w}_to_{oh}x{ow}", kind + "-" + op, x, {"out": [oh, ow]}, y)

# ceil mode with a window larger than the (padded) input: PyTorch only asks
# for an output of at least 1, so one clipped window is kept. The avg divisor
# with count_include_pad is that window clipped to the padded input. Drawn
# last so that the cases above keep their random inputs.
big = [  # (shape, k, s, p): the 3x5 and 1x1 cases QA reported, then padding
    ((1, 3, 5), [4, 4], [2, 2], [0, 0]),
    ((1, 1, 1), [2, 2], [2, 2], [0, 0]),
    ((1, 1, 1), [2, 2], [1, 1], [1, 1]),
    ((2, 1, 3), [4, 4], [2, 2], [1, 1]),
    ((1, 2, 6), [6, 3], [3, 3], [1, 1]),
    ((1, 2, 2), [5, 5], [3, 2], [2, 2]),
    ((1, 4, 3), [6, 6], [4, 5], [2, 3]),
    ((1, 3, 5), [4, 4], [2, 2], [1, 1]),
]
for (c, h, w), k, s, p in big:
    for op in ["max", "min", "avg", "l2"]:
        for cip in ([True, False] if op == "avg" else [True]):
            x = rand(c, h, w)
            params = {"k": k, "s": s, "p": p, "d": [1, 1], "ceil": True, "count_include_pad": cip}
            y = sliding(op, x, k, s, p, [1, 1], True, cip)
            add(f"bigwin_{op}_{c}x{h}x{w}_k{k}_s{s}_p{p}_cip{int(cip)}", op, x, params, y)
# QA's example, x = arange(15) as 3x5: max [[13, 14]], avg [[6.5, 8]]
x = torch.arange(15, dtype=torch.float32).reshape(1, 3, 5)
for op, want in [("max", [[13.0, 14.0]]), ("avg", [[6.5, 8.0]])]:
    params = {"k": [4, 4], "s": [2, 2], "p": [0, 0], "d": [1, 1], "ceil": True, "count_include_pad": True}
    y = sliding(op, x, [4, 4], [2, 2], [0, 0], [1, 1], True, True)
    assert y[0].tolist() == want, (op, y)
    add(f"bigwin_qa_{op}_arange_3x5", op, x, params, y)
# and the geometries that leave no output even in ceil mode
for (c, h, w), k, s, p in [((1, 1, 1), [5, 5], [2, 2], [0, 0]), ((1, 3, 5), [6, 2], [2, 2], [0, 0]),
                           ((1, 2, 2), [4, 4], [1, 1], [0, 0])]:
    x = rand(c, h, w)
    params = {"k": k, "s": s, "p": p, "d": [1, 1], "ceil": True, "count_include_pad": True}
    for op in ["max", "avg"]:
        try:
            sliding(op, x, k, s, p, [1, 1], True, True)
            raise SystemExit(f"torch accepted {op} {h}x{w} k{k} s{s} ceil")
        except RuntimeError:
            add(f"refuse_ceil_{op}_{h}x{w}_k{k}_s{s}", op, x, params, err=True)

with open("testdata/pool/pool_cases.json", "w") as f:
    json.dump({"generator": "testdata/pool/gen_pool.py", "torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(len(cases), "cases,", n, "sliding")

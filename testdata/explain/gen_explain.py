#!/usr/bin/python3
"""PyTorch oracle for the notes' --explain examples (internal/conv and
internal/pool explain tests).

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/explain/gen_explain.py

(torch 1.13 CPU, numpy 1.24). Small integer data, so every printed window
sum is exact and readable. Files NAME.x.npy (input, (C,H,W)), NAME.k.npy
(weights, (C_out, C_in/groups, kH, kW), or a 2-D kernel), NAME.b.npy
(bias), NAME.y.npy (PyTorch's output, (C,H,W)), all float32; cases.txt
lists each case's geometry for the Go test.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261130)
lines = []


def save(name, **arrays):
    for k, v in arrays.items():
        np.save(os.path.join(HERE, "%s.%s.npy" % (name, k)), np.asarray(v, dtype=np.float32))


def ints(lo, hi, *shape):
    return rng.integers(lo, hi + 1, size=shape).astype(np.float64)


def conv(x, w, b=None, **kw):
    t = lambda a: None if a is None else torch.from_numpy(a)
    return F.conv2d(t(x)[None], t(w), t(b), **kw)[0].numpy()


# 3.2.2: a 5x5 input through two 3x3 convolutions leaves one element,
# which depends on all 25 inputs (its receptive field).
x = np.arange(1, 26, dtype=np.float64).reshape(1, 5, 5)
k1 = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
k2 = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=np.float64)
y1 = conv(x, k1[None, None])
y2 = conv(y1, k2[None, None])
save("twice_a", x=x, k=k1, y=y1)
save("twice_b", x=y1, k=k2, y=y2)
lines += ["twice_a filter stride=1 dil=1 pad=0 groups=1", "twice_b filter stride=1 dil=1 pad=0 groups=1"]

# 3.3.3: a 3x3 kernel with rate 2 covers 5x5 (k + (k-1)(r-1)).
x = ints(0, 9, 1, 7, 7)
k = ints(-2, 2, 3, 3)
save("dilated", x=x, k=k, y=conv(x, k[None, None], dilation=2))
lines += ["dilated filter stride=1 dil=2 pad=0 groups=1"]

# 3.3.4: two groups, each 2 input channels -> 2 output channels, with bias.
x = ints(0, 5, 4, 3, 3)
w = ints(-2, 2, 4, 2, 3, 3)
b = np.array([1, -1, 0.5, 2], dtype=np.float64)
save("groups2", x=x, k=w, b=b, y=conv(x, w, b, padding=1, groups=2))
lines += ["groups2 layer stride=1 dil=1 pad=1 groups=2"]

# 3.3.5: depthwise (groups = channels = 3), with bias.
x = ints(0, 5, 3, 4, 4)
w = ints(-1, 2, 3, 1, 3, 3)
b = np.array([0.5, -1, 2], dtype=np.float64)
save("depthwise", x=x, k=w, b=b, y=conv(x, w, b, padding=1, groups=3))
lines += ["depthwise layer stride=1 dil=1 pad=1 groups=3"]

# 3.3.1: a 1x1 convolution maps 3 channels to 2 at every pixel.
x = ints(0, 5, 3, 3, 3)
w = ints(-2, 2, 2, 3, 1, 1)
b = np.array([1, -2], dtype=np.float64)
save("onebyone", x=x, k=w, b=b, y=conv(x, w, b))
lines += ["onebyone layer stride=1 dil=1 pad=0 groups=1"]

# 3.2.1 / 3.1.3: a 3x3 max pool with stride 2 and ceil mode; 6x6 leaves a
# partial last window in each direction.
x = ints(0, 20, 1, 6, 6)
save("maxpool_ceil", x=x, y=F.max_pool2d(torch.from_numpy(x)[None], 3, 2, 0, ceil_mode=True)[0].numpy())
lines += ["maxpool_ceil pool op=max k=3 s=2 p=0 ceil=1 includepad=1"]

# avg with padding 1 and ceil on 6x6: the divisor with and without padding,
# and a partial last window past the padded input.
x = ints(0, 9, 1, 6, 6)
for inc in (1, 0):
    y = F.avg_pool2d(torch.from_numpy(x)[None], 3, 2, 1, ceil_mode=True, count_include_pad=bool(inc))[0].numpy()
    save("avgpool_p1_ceil_inc%d" % inc, x=x, y=y)
    lines += ["avgpool_p1_ceil_inc%d pool op=avg k=3 s=2 p=1 ceil=1 includepad=%d" % (inc, inc)]

with open(os.path.join(HERE, "cases.txt"), "w") as f:
    f.write("# written by gen_explain.py: name kind geometry\n")
    f.write("\n".join(lines) + "\n")

#!/usr/bin/python3
"""Oracle fixtures for internal/conv.

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/conv/gen_fixtures.py

(needs numpy, scipy and torch; tested with numpy 1.24, scipy 1.10, torch 1.13
CPU). It writes small .npy files and cases.json, which lists every case:

  name     unique case name; files are NAME.x.npy (input, (C,H,W)),
           NAME.k.npy (2-D kernel or 4-D bank), NAME.b.npy (bias, optional),
           NAME.y.npy (expected output, (C,H,W))
  kind     "filter" (one 2-D kernel on every channel, conv.Filter) or
           "layer" (4-D PyTorch weights, conv.Layer)
  stride, dil, outpad  [y, x]
  pad      [top, bottom, left, right], used when padmode is ""
  padmode  "" | "same" | "full" | "valid": the Go test derives the padding
           with conv.SamePad / conv.FullPad (flip decides which half is larger)
  edge     conv edge name
  groups, transpose
  flip     the Go test passes kernel.Rotate180() (true convolution), as
           `convtool conv --flip` does

References are computed in float64 by PyTorch (F.conv2d, F.conv_transpose2d,
F.pad) or numpy.pad / scipy.signal.convolve2d, never by convtool's own rules,
and stored as float32.
"""
import json
import os

import numpy as np
import scipy.signal
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20260229)
cases = []

TORCH_PAD = {"zero": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}
NUMPY_PAD = {"zero": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap", "symmetric": "symmetric"}


def arr(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def save(name, suffix, a):
    np.save(os.path.join(HERE, f"{name}.{suffix}.npy"), np.ascontiguousarray(a, dtype=np.float32))


def edge_pad(x, pad, edge):
    """Pad a (C,H,W) float64 array. PyTorch's F.pad where it accepts the
    pad, numpy.pad otherwise (PyTorch refuses reflect pads >= the input and
    circular pads > the input, and has no symmetric); where both accept,
    check that they agree."""
    t, b, l, r = pad
    npad = np.pad(x, ((0, 0), (t, b), (l, r)), mode=NUMPY_PAD[edge])
    if edge in TORCH_PAD:
        try:
            tp = F.pad(torch.from_numpy(x)[None], (l, r, t, b), mode=TORCH_PAD[edge])[0].numpy()
        except (RuntimeError, NotImplementedError):
            return npad
        assert np.array_equal(tp, npad), (edge, pad)
        return tp
    return npad


def add(name, kind, x, k, y, stride=(1, 1), dil=(1, 1), pad=(0, 0, 0, 0), padmode="", edge="zero",
        groups=1, transpose=False, outpad=(0, 0), flip=False, bias=None):
    save(name, "x", x)
    save(name, "k", k)
    save(name, "y", y)
    if bias is not None:
        save(name, "b", bias)
    cases.append(dict(name=name, kind=kind, stride=list(stride), dil=list(dil), pad=list(pad),
                      padmode=padmode, edge=edge, groups=groups, transpose=transpose,
                      outpad=list(outpad), flip=flip, bias=bias is not None))


def filter_case(name, c, h, w, kh, kw, stride=(1, 1), dil=(1, 1), pad=(0, 0, 0, 0), edge="zero",
                transpose=False, outpad=(0, 0), k=None):
    x = arr(c, h, w)
    if k is None:
        k = arr(kh, kw)
    x64, k64 = x.astype(np.float64), k.astype(np.float64)
    wt = torch.from_numpy(np.repeat(k64[None, None], c, axis=0))
    if transpose:
        y = F.conv_transpose2d(torch.from_numpy(x64)[None], wt, stride=stride, padding=(pad[0], pad[2]),
                               output_padding=outpad, groups=c, dilation=dil)[0].numpy()
    else:
        xp = edge_pad(x64, pad, edge)
        y = F.conv2d(torch.from_numpy(xp)[None], wt, stride=stride, dilation=dil, groups=c)[0].numpy()
    add(name, "filter", x, k, y, stride=stride, dil=dil, pad=pad, edge=edge, transpose=transpose, outpad=outpad)


def filter_same(name, c, h, w, k, stride=(1, 1), dil=(1, 1), edge="zero"):
    """padmode 'same' (TensorFlow's rule). At stride 1 with zero edge the
    oracle is PyTorch's own padding='same'; otherwise the pad is worked out
    here from the TensorFlow formula."""
    x = arr(c, h, w)
    x64, k64 = x.astype(np.float64), k.astype(np.float64)
    wt = torch.from_numpy(np.repeat(k64[None, None], c, axis=0))
    if stride == (1, 1) and edge == "zero":
        y = F.conv2d(torch.from_numpy(x64)[None], wt, padding="same", dilation=dil, groups=c)[0].numpy()
    else:
        def tf(n, kk, s, d):
            tot = max((-(-n // s) - 1) * s + d * (kk - 1) + 1 - n, 0)
            return tot // 2, tot - tot // 2
        t, b = tf(h, k.shape[0], stride[0], dil[0])
        l, r = tf(w, k.shape[1], stride[1], dil[1])
        xp = edge_pad(x64, (t, b, l, r), edge)
        y = F.conv2d(torch.from_numpy(xp)[None], wt, stride=stride, dilation=dil, groups=c)[0].numpy()
    add(name, "filter", x, k, y, stride=stride, dil=dil, padmode="same", edge=edge)


def layer_case(name, cin, cout, h, w, kh, kw, stride=(1, 1), dil=(1, 1), pad=(0, 0, 0, 0), edge="zero",
               groups=1, bias=False, transpose=False, outpad=(0, 0), x=None, wt=None):
    if x is None:
        x = arr(cin, h, w)
    if wt is None:
        wt = arr(cin, cout // groups, kh, kw) if transpose else arr(cout, cin // groups, kh, kw)
    b = arr(cout) if bias else None
    x64 = torch.from_numpy(x.astype(np.float64))
    w64 = torch.from_numpy(wt.astype(np.float64))
    b64 = torch.from_numpy(b.astype(np.float64)) if bias else None
    if transpose:
        y = F.conv_transpose2d(x64[None], w64, b64, stride=stride, padding=(pad[0], pad[2]),
                               output_padding=outpad, groups=groups, dilation=dil)[0].numpy()
    else:
        xp = edge_pad(x.astype(np.float64), pad, edge)
        y = F.conv2d(torch.from_numpy(xp)[None], w64, b64, stride=stride, dilation=dil, groups=groups)[0].numpy()
    add(name, "layer", x, wt, y, stride=stride, dil=dil, pad=pad, edge=edge, groups=groups,
        transpose=transpose, outpad=outpad, bias=b)


def scipy_case(name, h, w, k, mode, boundary):
    """--flip equivalence: scipy.signal.convolve2d is true convolution."""
    x = arr(1, h, w)
    y = scipy.signal.convolve2d(x[0].astype(np.float64), k.astype(np.float64), mode=mode, boundary=boundary)
    edge = {"fill": "zero", "wrap": "circular", "symm": "symmetric"}[boundary]
    add(name, "filter", x, k, y[None], padmode=mode, edge=edge, flip=True)


def gauss(n, sigma):
    g = np.exp(-0.5 * ((np.arange(n) - (n - 1) / 2) / sigma) ** 2)
    return (g / g.sum()).astype(np.float32)


# --- 2-D filters: every edge mode, odd/even/non-square kernels, stride, dilation
for edge in ["zero", "reflect", "replicate", "circular", "symmetric"]:
    filter_case(f"f3x3_{edge}", 2, 7, 9, 3, 3, pad=(1, 1, 1, 1), edge=edge)
    filter_case(f"f2x4_{edge}_asym", 2, 6, 8, 2, 4, pad=(0, 1, 2, 1), edge=edge)
    filter_case(f"f5x3_{edge}_s2d2", 3, 11, 10, 5, 3, stride=(2, 3), dil=(2, 1), pad=(3, 2, 1, 2), edge=edge)
    # Pads wider than the input: numpy's repeated reflection (PyTorch refuses).
    filter_case(f"f3x3_{edge}_bigpad", 1, 3, 4, 3, 3, pad=(5, 4, 6, 7), edge=edge)
    filter_same(f"same_4x4_{edge}_s2", 2, 9, 10, arr(4, 4), stride=(2, 2), edge=edge)
filter_case("f1x1", 3, 5, 6, 1, 1)
filter_case("f1x5_row", 1, 4, 9, 1, 5, pad=(0, 0, 2, 2))
filter_case("f7x1_col_s3", 1, 12, 4, 7, 1, stride=(3, 1), pad=(3, 3, 0, 0))
filter_case("fsingle_pixel_reflect", 1, 1, 1, 3, 3, pad=(1, 1, 1, 1), edge="reflect")
filter_case("fdil3", 1, 13, 12, 3, 3, dil=(3, 2), pad=(3, 3, 2, 2))
filter_case("fstride_bigger_than_kernel", 2, 10, 11, 2, 2, stride=(4, 5))
# Rank-1 kernels, so the separable method is checked on the same data.
filter_case("sep_gauss5", 2, 12, 13, 5, 5, pad=(2, 2, 2, 2), edge="replicate", k=np.outer(gauss(5, 1.0), gauss(5, 1.0)))
filter_case("sep_rect_s2d2", 2, 15, 14, 3, 4, stride=(2, 3), dil=(2, 2), pad=(1, 2, 3, 0), edge="reflect",
            k=np.outer(arr(3), arr(4)))
filter_case("sep_sobel", 1, 8, 8, 3, 3, pad=(1, 1, 1, 1), edge="symmetric",
            k=np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], np.float32))
filter_same("same_3x3", 2, 8, 7, arr(3, 3))
filter_same("same_4x2_dil2", 1, 9, 8, arr(4, 2), dil=(2, 2))
filter_same("same_5x5_reflect", 1, 7, 9, arr(5, 5), edge="reflect")
# Per-channel transposed convolution.
filter_case("ft_3x3_s2_p1_op1", 2, 4, 5, 3, 3, stride=(2, 2), pad=(1, 1, 1, 1), transpose=True, outpad=(1, 1))
filter_case("ft_2x3_s3x1_d2", 1, 3, 4, 2, 3, stride=(3, 1), dil=(2, 2), pad=(1, 1, 0, 0), transpose=True, outpad=(1, 1))

# --- layers: groups, depthwise, 1x1, bias, edge modes
layer_case("l_basic", 3, 4, 8, 9, 3, 3, pad=(1, 1, 1, 1), bias=True)
layer_case("l_groups2", 4, 6, 7, 8, 3, 2, stride=(2, 1), pad=(1, 1, 0, 1), groups=2, bias=True)
layer_case("l_depthwise", 3, 3, 9, 9, 3, 3, pad=(1, 1, 1, 1), groups=3, edge="reflect")
layer_case("l_depthwise_mult2", 2, 4, 8, 7, 5, 5, dil=(2, 1), pad=(4, 4, 2, 2), groups=2, edge="replicate")
layer_case("l_1x1", 5, 3, 6, 7, 1, 1, bias=True)
layer_case("l_1x1_s2", 4, 8, 7, 7, 1, 1, stride=(2, 2), groups=4)
layer_case("l_circ_s2_d2", 2, 3, 11, 12, 3, 3, stride=(2, 2), dil=(2, 2), pad=(2, 2, 2, 2), edge="circular")
layer_case("l_symm_even", 2, 2, 6, 7, 4, 2, pad=(2, 1, 1, 0), edge="symmetric", bias=True)
layer_case("l_alexnet_like", 3, 8, 23, 23, 11, 11, stride=(4, 4), pad=(2, 2, 2, 2), bias=True)
# --- transposed layers
layer_case("t_notes_2x2_k3", 1, 1, 2, 2, 3, 3, transpose=True,
           x=np.array([[[1, 2], [3, 4]]], np.float32), wt=np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3))
layer_case("t_s2_p1_op1", 3, 2, 4, 5, 3, 3, stride=(2, 2), pad=(1, 1, 1, 1), outpad=(1, 1), transpose=True, bias=True)
layer_case("t_groups_dil", 4, 6, 5, 4, 3, 2, stride=(2, 3), dil=(2, 2), pad=(1, 1, 2, 2), outpad=(1, 2), groups=2,
           transpose=True)
layer_case("t_k4_s2_p1", 2, 3, 5, 5, 4, 4, stride=(2, 2), pad=(1, 1, 1, 1), transpose=True, bias=True)
layer_case("t_bigpad_crop", 1, 2, 6, 6, 3, 3, stride=(1, 1), pad=(3, 3, 3, 3), transpose=True)
layer_case("t_depthwise", 3, 3, 4, 4, 3, 3, stride=(2, 2), groups=3, transpose=True)

# --- scipy.signal.convolve2d: --flip equivalence, odd and even kernels
for kshape in [(3, 3), (4, 4), (2, 3), (5, 2)]:
    kk = arr(*kshape)
    tag = f"{kshape[0]}x{kshape[1]}"
    for mode in ["full", "same", "valid"]:
        for boundary in ["fill", "wrap", "symm"]:
            if mode == "valid" and boundary != "fill":
                continue
            scipy_case(f"scipy_{tag}_{mode}_{boundary}", 7, 8, kk, mode, boundary)

# --- depthwise layers on the in-place and stride-phase paths (zero padding
# of at most one column a side): rows not a multiple of four, widths around
# vector blocks, stride 2 with odd and even widths. Last, so that the cases
# above keep their random draws.
layer_case("l_dw_zero_s1", 5, 5, 10, 37, 3, 3, pad=(1, 1, 1, 1), groups=5, bias=True)
layer_case("l_dw_zero_s1_wide", 2, 2, 7, 70, 3, 3, pad=(2, 0, 1, 0), groups=2)
layer_case("l_dw_zero_s2", 6, 6, 15, 35, 3, 3, stride=(2, 2), pad=(1, 1, 1, 1), groups=6)
layer_case("l_dw_zero_s2_even", 4, 8, 16, 34, 5, 5, stride=(2, 2), pad=(2, 2, 2, 2), groups=4)

with open(os.path.join(HERE, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print(f"{len(cases)} cases")

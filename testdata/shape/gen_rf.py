#!/usr/bin/python3
# Generates testdata/shape/torch_rf.json: the input rows each output row
# depends on, measured by torch gradients, after strided, transposed,
# upsampling (to a scale or a size), padding, adaptive-pooling and dilated
# stacks, at misaligned adds and at the end of a U-Net.
#
#   cd /work/wt-shape && /usr/bin/python3 testdata/shape/gen_rf.py
#
# (torch 1.13 CPU.) Each case is a network file's text and the same network
# written by hand in torch.nn. Weights are 1/fan-in and biases 0, the input
# is ones (float64), so no gradient cancels; for every layer's output and
# every output row o, the gradient of the sum of out[:, :, o, :] (every
# channel and column: the stacks are separable, so the rows one position
# depends on do not depend on its column) with respect to the input gives
# the input rows it depends on: lo, hi and how many ("seen"; fewer than hi − lo + 1
# means holes). Rows whose interval touches the input's border are left out
# (there the border clips what the walk computes with borders ignored), so
# every position class (output row modulo the geometry's period) appears
# many times over.
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import UNetSmall  # noqa: E402

CASES = {}


def case(name, text, layers, shape, forward=None):
    CASES[name] = (text, layers, shape, forward)


def convs(*ms):
    return list(ms)


# the case: three stride-2 convolutions, then three transposed ones
case("strided-transposed", """input 128x128x1
conv 1 k3 s2 p1
conv 1 k3 s2 p1
conv 1 k3 s2 p1
convT 1 k4 s2 p1
convT 1 k4 s2 p1
convT 1 k4 s2 p1""", convs(*[nn.Conv2d(1, 1, 3, 2, 1) for _ in range(3)],
                           *[nn.ConvTranspose2d(1, 1, 4, 2, 1) for _ in range(3)]), (1, 128, 128))

case("transposed-k2-then-conv", """input 24x24x1
convT 1 k2 s2
convT 1 k2 s2
convT 1 k2 s2
conv 1 k3 p1""", convs(*[nn.ConvTranspose2d(1, 1, 2, 2) for _ in range(3)], nn.Conv2d(1, 1, 3, padding=1)), (1, 24, 24))

case("dilated-gridding", """input 64x64x1
conv 1 k3 p2 d2
conv 1 k3 p2 d2
conv 1 k3 p2 d2""", convs(*[nn.Conv2d(1, 1, 3, padding=2, dilation=2) for _ in range(3)]), (1, 64, 64))

case("strided-dilated", """input 96x96x1
conv 1 k3 s2 p1
conv 1 k3 p2 d2
conv 1 k3 s2
conv 1 k3 p4 d4""", convs(nn.Conv2d(1, 1, 3, 2, 1), nn.Conv2d(1, 1, 3, padding=2, dilation=2), nn.Conv2d(1, 1, 3, 2),
                          nn.Conv2d(1, 1, 3, padding=4, dilation=4)), (1, 96, 96))

case("transposed-uneven", """input 32x32x1
conv 1 k3 s2 p1
convT 1 k3 s2 p1 op1
convT 1 k1 s2
conv 1 k2""", convs(nn.Conv2d(1, 1, 3, 2, 1), nn.ConvTranspose2d(1, 1, 3, 2, 1, output_padding=1),
                    nn.ConvTranspose2d(1, 1, 1, 2), nn.Conv2d(1, 1, 2)), (1, 32, 32))

case("upsample", """input 40x40x1
conv 1 k3 s2 p1
upsample 2
conv 1 k3 p1
upsample 2 bilinear
conv 1 k3 p1
upsample 3 bilinear
maxpool k2""", convs(nn.Conv2d(1, 1, 3, 2, 1), nn.Upsample(scale_factor=2), nn.Conv2d(1, 1, 3, padding=1),
                     nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), nn.Conv2d(1, 1, 3, padding=1),
                     nn.Upsample(scale_factor=3, mode="bilinear", align_corners=False), nn.AvgPool2d(2)), (1, 40, 40))


case("resize-to-size", """input 60x60x1
conv 1 k3 s2 p1
upsample 45x45 bilinear
conv 1 k3 p1
upsample 70x70
conv 1 k2
pad 0,0,2,1
maxpool k2 s2""", convs(nn.Conv2d(1, 1, 3, 2, 1), nn.Upsample(size=(45, 45), mode="bilinear", align_corners=False),
                     nn.Conv2d(1, 1, 3, padding=1), nn.Upsample(size=(70, 70)), nn.Conv2d(1, 1, 2),
                     nn.ZeroPad2d((0, 0, 2, 1)), nn.AvgPool2d(2, 2)), (1, 60, 60))

case("adaptive", """input 50x50x1
conv 1 k3 p1
adaptiveavgpool 7x7
conv 1 k3 p1""", convs(nn.Conv2d(1, 1, 3, padding=1), nn.AdaptiveAvgPool2d(7), nn.Conv2d(1, 1, 3, padding=1)), (1, 50, 50))


class Misaligned(nn.Module):
    # the misaligned add: two k2 'same' convolutions (pad 0 before,
    # 1 after) against one k3 p1
    def __init__(self):
        super().__init__()
        self.a1, self.a2 = nn.Conv2d(4, 4, 2), nn.Conv2d(4, 4, 2)
        self.b = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x, outs):
        same = nn.functional.pad
        a1 = self.a1(same(x, (0, 1, 0, 1)))
        a2 = self.a2(same(a1, (0, 1, 0, 1)))
        b = self.b(x)
        outs += [x, a1, a2, b, a2 + b]
        return outs


case("misaligned-add", """input 32x32x4
in: identity
a1: conv 4 k2 same
a2: conv 4 k2 same
b: conv 4 k3 p1 @in
add @a2""", [Misaligned()], (4, 32, 32), forward="misaligned")


class UNetRF(nn.Module):
    """testdata/nets/unet-tiny.net end to end (only its output is compared):
    the concatenations join a skip and a transposed-convolution path, whose
    fields the walk unites. Max pooling becomes average pooling of the
    same window so that the gradient reaches every tap."""

    def __init__(self):
        super().__init__()
        self.net = UNetSmall(4)
        self.net.pool = nn.AvgPool2d(2)
        self.net.eval()

    def forward(self, x, outs):
        return [self.net(x)]


with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nets", "unet-tiny.net")) as f:
    # at 256x256, where the field (about 140 rows) leaves interior rows
    case("unet-tiny", f.read().replace("input 64x64x1", "input 256x256x1"), [UNetRF()], (1, 256, 256), forward="unet")


def run(name, text, layers, shape, forward):
    for m in layers:
        for p in m.modules():
            if isinstance(p, (nn.Conv2d, nn.ConvTranspose2d)):
                with torch.no_grad():
                    p.weight.fill_(1.0 / p.weight[0].numel())
                    if p.bias is not None:
                        p.bias.fill_(0.0)
        m.double()
    x = torch.ones(1, *shape, dtype=torch.float64, requires_grad=True)
    outs = []
    if forward == "misaligned":
        outs = layers[0](x, [])[1:]
    elif forward == "unet":
        outs = layers[0](x, [])
    else:
        y = x
        for m in layers:
            y = m(y)
            outs.append(y)
    result = []
    H, W = shape[1], shape[2]
    for o in outs:
        h, w = o.shape[2], o.shape[3]
        rows = []
        for r in range(h):
            (g,) = torch.autograd.grad(o[0, :, r, :].sum(), x, retain_graph=True)
            gr = g[0].abs().sum(0).sum(1)
            # bilinear resizing by 3 computes 1/3 in floating point: a tap
            # the exact rule gives weight 0 gets ~1e-16; below 1e-9 of the
            # largest is rounding, not a dependence
            nz = torch.nonzero(gr > 1e-9 * gr.max()).flatten().tolist()
            if not nz or nz[0] == 0 or nz[-1] == H - 1:
                continue
            rows.append([r, nz[0], nz[-1], len(nz)])
        result.append({"out": [o.shape[1], h, w], "rows": rows})
    return result


out = {}
for name, (text, layers, shape, forward) in CASES.items():
    out[name] = {"net": text, "layers": run(name, text, layers, shape, forward)}
    print(name, [len(l["rows"]) for l in out[name]["layers"]])

with open("testdata/shape/torch_rf.json", "w") as f:
    json.dump({"generator": "testdata/shape/gen_rf.py", "torch": torch.__version__, "cases": out}, f, indent=0)

#!/usr/bin/python3
"""PyTorch oracle for internal/rfbox: the input pixels one output position
depends on, found as the support of the gradient of that output with
respect to the input (not by any receptive-field formula).

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/rf/gen_rf.py

(torch 1.13, torchvision 0.14 CPU). Weights are all positive and the input
all ones, so no ReLU cuts a path; max pools are replaced by average pools
of the same geometry (a max pool's gradient reaches only the arg-max,
while its receptive field is the whole window). Channels do not change the
geometry, so the notes' AlexNet is built with one channel a layer.
Writes testdata/rf/rf_boxes.json: per case the network (a convtool
preset), the layer name, the output position and the box [y0, y1, x0, x1]
of input pixels with a nonzero gradient (clipped to the input, as a
gradient cannot see padding).
"""
import json
import os

import torch
import torch.nn as nn
import torchvision

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def positive(model):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.constant_(m.weight, 1.0 / m.weight[0].numel())
            if m.bias is not None:
                nn.init.constant_(m.bias, 0.01)
    return model.eval()


def box(model, module, size, y, x):
    inp = torch.ones(1, model.in_ch, size, size, requires_grad=True)
    got = {}
    h = module.register_forward_hook(lambda m, i, o: got.__setitem__("o", o))
    model(inp)
    h.remove()
    got["o"][0, 0, y, x].backward()
    g = inp.grad[0].abs().sum(0)
    rows = torch.nonzero(g.sum(1)).flatten()
    cols = torch.nonzero(g.sum(0)).flatten()
    return [int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())], list(got["o"].shape[2:])


# The notes' AlexNet (convtool preset alexnet), one channel a layer.
alex = nn.Sequential()
for name, m in [
    ("conv1", nn.Conv2d(1, 1, 11, 4, 2)), ("relu1", nn.ReLU()), ("pool1", nn.AvgPool2d(3, 2)),
    ("conv2", nn.Conv2d(1, 1, 5, 1, 2)), ("relu2", nn.ReLU()), ("pool2", nn.AvgPool2d(3, 2)),
    ("conv3", nn.Conv2d(1, 1, 3, 1, 1)), ("conv4", nn.Conv2d(1, 1, 3, 1, 1)),
    ("conv5", nn.Conv2d(1, 1, 3, 1, 1)), ("pool5", nn.AvgPool2d(3, 2)),
]:
    alex.add_module(name, m)
alex = positive(alex)
alex.in_ch = 1

res = torchvision.models.resnet18()
res.maxpool = nn.AvgPool2d(3, 2, 1)
res = positive(res)
res.in_ch = 3

cases = []
for net, model, mods, size in [
    ("alexnet", alex, ["conv1", "pool1", "conv2", "pool2", "conv5", "pool5"], 224),
    ("resnet18", res, ["conv1", "maxpool", "layer1.0", "layer2.0", "layer3.1"], 224),
]:
    named = dict(model.named_modules())
    for mod in mods:
        _, shape = box(model, named[mod], size, 0, 0)
        for y, x in [(0, 0), (shape[0] // 2, shape[1] // 3), (shape[0] - 1, shape[1] - 1)]:
            model.zero_grad()
            b, _ = box(model, named[mod], size, y, x)
            cases.append({"net": net, "layer": mod, "y": y, "x": x, "box": b, "out": shape})

with open(os.path.join(HERE, "rf_boxes.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
print(len(cases), "cases")

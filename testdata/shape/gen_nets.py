#!/usr/bin/python3
# Generates testdata/shape/torch_nets.json: what PyTorch says about every
# preset network and the test networks in testdata/nets/.
#
#   cd /work/main && /usr/bin/python3 testdata/shape/gen_nets.py
#
# (torch 1.13 CPU, Debian's python3-torch; the hand-written presets are
# written here in plain torch.nn, layer for layer, following torchvision's
# and the papers' definitions — independently of the .net files; the newer
# presets are torchvision 0.14's own models, Debian's python3-torchvision.) A zero tensor is
# run through each model with a forward hook on every leaf module; for each
# call, in execution order, the fixture records the module's type, output
# shape (C, H, W), parameter count and MACs:
#   Conv2d           out.numel() · (C_in/g)·kh·kw     (one MAC per weight use)
#   ConvTranspose2d  in.numel() · (C_out/g)·kh·kw
#   Linear           in_features · out_features
#   everything else  0
# and the model's sum(p.numel() for p in model.parameters()); each output's
# bytes (float32, batch 1) and the totals torchinfo prints from them.
#
# Receptive fields ("rf", [h, w]) are measured, not computed: the weights are
# set to 1, max pooling is swapped for average pooling of the same geometry
# (so the gradient reaches every tap), batch norm is in eval mode, the input
# is a large tensor of ones; for each layer's output, the gradient of the
# centre value with respect to the input is taken, and rf is the extent of
# its non-zero rows and columns. The script checks that the extent does not
# touch the input's border (which would clip it).
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

torch.manual_seed(0)


from torch_models import *  # noqa: E402,F401,F403 (the models, beside this script)


# name: (model, input (C, H, W), rf input (C, H, W) or None)
NETS = {
    "lenet5": (lenet5, (1, 32, 32), (1, 96, 96)),
    "alexnet": (alexnet_notes, (3, 224, 224), (3, 512, 512)),
    "alexnet-torchvision": (alexnet_torchvision, (3, 224, 224), None),
    "alexnet-2012": (alexnet_2012, (3, 227, 227), None),
    "vgg16": (vgg16, (3, 224, 224), None),
    "resnet18": (ResNet18, (3, 224, 224), (3, 640, 640)),
    "mobilenet-v1": (mobilenet_v1, (3, 224, 224), None),
    "mixed": (Mixed, (8, 61, 47), (8, 301, 283)),
    "notes-5x5": (notes_5x5, (1, 5, 5), (1, 5, 5)),
    "layers": (Layers, (3, 20, 24), None),
}

# Presets checked against torchvision's own models (their forward passes use
# functional ops between modules, so only the weighted layers are compared
# one by one: every Conv2d, ConvTranspose2d, BatchNorm2d and Linear in call
# order, with the totals and the output shape).
import torchvision.models as tvm  # noqa: E402

WEIGHTED = {
    "resnet50": (lambda: tvm.resnet50(), (3, 224, 224)),
    "mobilenet-v2": (lambda: tvm.mobilenet_v2(), (3, 224, 224)),
    "densenet121": (lambda: tvm.densenet121(), (3, 224, 224)),
    "googlenet": (lambda: tvm.googlenet(aux_logits=False, init_weights=False), (3, 224, 224)),
    "efficientnet-b0": (lambda: tvm.efficientnet_b0(), (3, 224, 224)),
    "unet-small": (UNetSmall, (1, 64, 64)),
}

KINDS = {
    nn.Conv2d: "conv", nn.ConvTranspose2d: "convT", nn.MaxPool2d: "maxpool", nn.AvgPool2d: "avgpool",
    nn.AdaptiveAvgPool2d: "adaptiveavgpool", nn.BatchNorm2d: "bn", nn.ReLU: "relu", nn.Tanh: "tanh",
    nn.Dropout: "dropout", nn.Flatten: "flatten", nn.Linear: "fc", nn.LocalResponseNorm: "lrn", Add: "add",
    Cat: "concat", Mul: "mul", nn.Upsample: "upsample", nn.ZeroPad2d: "pad", nn.Softmax: "softmax",
    ChannelLinear: "linear", nn.SiLU: "silu", nn.GELU: "gelu", nn.Hardswish: "hardswish",
    nn.Hardsigmoid: "hardsigmoid", nn.LeakyReLU: "leakyrelu", ChannelLayerNorm: "layernorm",
    nn.GroupNorm: "groupnorm", nn.Sigmoid: "sigmoid",
}


def macs(m, inp, out):
    if isinstance(m, nn.Conv2d):
        return out.numel() * m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
    if isinstance(m, nn.ConvTranspose2d):
        return inp.numel() * m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
    if isinstance(m, ChannelLinear):
        return out.numel() * m.in_features
    if isinstance(m, nn.Linear):
        return m.in_features * m.out_features
    return 0


def chw(t):
    s = list(t.shape[1:])
    return s if len(s) == 3 else [s[0], 1, 1]


def record(model, shape):
    calls = []

    def hook(m, inp, out):
        calls.append({"type": KINDS[type(m)], "out": chw(out), "params": sum(p.numel() for p in m.parameters()),
                      "macs": macs(m, inp[0], out), "bytes": out.numel() * out.element_size()})
    hs = [m.register_forward_hook(hook) for m in model.modules() if type(m) in KINDS]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in hs:
        h.remove()
    return calls


def receptive_fields(model, shape):
    """Measured RF of every spatial layer output, in call order (None for
    layers whose output is not a 4-D map)."""
    # swap max pooling for average pooling of the same window
    def swap(mod):
        for name, ch in mod.named_children():
            if isinstance(ch, nn.MaxPool2d):
                setattr(mod, name, DilatedAvg(ch))
            else:
                swap(ch)
    swap(model)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                # positive weights that keep activations near 1 (no overflow,
                # no tanh saturation): 1/fan-in
                m.weight.fill_(1.0 / (m.weight[0].numel() if not isinstance(m, nn.ConvTranspose2d)
                                      else m.weight.shape[0] // m.groups * m.weight.shape[2] * m.weight.shape[3]))
                if m.bias is not None:
                    m.bias.fill_(0.0)
    model.eval()
    model.double()  # far tails of the gradient stay representable
    outs = []

    class Stop(Exception):
        pass

    def hook(m, inp, out):
        if isinstance(m, nn.Flatten):  # the classifier needs the real input size
            raise Stop
        outs.append(out)
    hs = [m.register_forward_hook(hook) for m in model.modules() if type(m) in KINDS or isinstance(m, DilatedAvg)]
    x = torch.ones(1, *shape, dtype=torch.float64, requires_grad=True)
    try:
        model(x)
    except Stop:
        pass
    for h in hs:
        h.remove()
    rfs = []
    print("  rf:", len(outs), "maps")
    for o in outs:
        if o.dim() != 4 or o.shape[2] * o.shape[3] == 1 and shape[1] * shape[2] > 25:
            rfs.append(None)
            continue
        h, w = o.shape[2], o.shape[3]
        assert torch.isfinite(o).all(), "activations overflowed"
        (g,) = torch.autograd.grad(o[0, :, h // 2, w // 2].sum(), x, retain_graph=True)
        nz = g[0].abs().sum(0) > 0
        if not nz.any():
            raise SystemExit(f"zero gradient at output {tuple(o.shape)}")
        rows = torch.nonzero(nz.any(1)).flatten()
        cols = torch.nonzero(nz.any(0)).flatten()
        r0, r1, c0, c1 = rows.min().item(), rows.max().item(), cols.min().item(), cols.max().item()
        clipped = r0 == 0 or c0 == 0 or r1 == shape[1] - 1 or c1 == shape[2] - 1
        if clipped and shape[1] * shape[2] > 25:
            raise SystemExit(f"receptive field clipped by the input border at output {tuple(o.shape)}")
        rfs.append([r1 - r0 + 1, c1 - c0 + 1])
    return rfs


class DilatedAvg(nn.Module):
    """Average pooling with a max-pooling layer's geometry, dilation included
    (as a depthwise convolution of ones), so the gradient reaches every tap."""

    def __init__(self, mp):
        super().__init__()
        self.mp = mp

    def forward(self, x):
        k = self.mp.kernel_size if isinstance(self.mp.kernel_size, tuple) else (self.mp.kernel_size,) * 2
        d = self.mp.dilation if isinstance(self.mp.dilation, tuple) else (self.mp.dilation,) * 2
        if d == (1, 1):
            return nn.functional.avg_pool2d(x, self.mp.kernel_size, self.mp.stride, self.mp.padding,
                                            ceil_mode=self.mp.ceil_mode)
        assert not self.mp.ceil_mode and self.mp.padding in (0, (0, 0))
        c = x.shape[1]
        wgt = torch.ones(c, 1, *k, dtype=x.dtype)
        return nn.functional.conv2d(x, wgt, None, self.mp.stride, 0, d, groups=c)


out = {}
for name, (build, shape, rfshape) in NETS.items():
    model = build()
    calls = record(model, shape)
    entry = {"input": list(shape), "layers": calls,
             "params": sum(p.numel() for p in model.parameters()),
             "macs": sum(c["macs"] for c in calls),
             # torchinfo 1.8's "Forward/backward pass size" (model_statistics.py:
             # twice the output bytes of every leaf layer with parameters) and
             # "Params size", for a float32 batch of one
             "torchinfo_pass_bytes": sum(2 * c["bytes"] for c in calls if c["params"] > 0),
             "param_bytes": sum(p.numel() * p.element_size() for p in model.parameters())}
    if rfshape is not None:
        entry["rf_input"] = list(rfshape)
        rfs = receptive_fields(build(), rfshape)
        assert len(rfs) <= len(calls), (name, len(rfs), len(calls))
        for c, rf in zip(calls, rfs):
            if rf is not None:
                c["rf"] = rf
    out[name] = entry
    print(f"{name}: {entry['params']:,} params, {entry['macs']:,} MACs, {len(calls)} layers")

WKINDS = {nn.Conv2d: "conv", nn.ConvTranspose2d: "convT", nn.BatchNorm2d: "bn", nn.Linear: "fc"}
weighted = {}
for name, (build, shape) in WEIGHTED.items():
    model = build()
    calls = []

    def hook(m, inp, o):
        calls.append({"type": WKINDS[type(m)], "out": chw(o), "params": sum(p.numel() for p in m.parameters()),
                      "macs": macs(m, inp[0], o)})
    hs = [m.register_forward_hook(hook) for m in model.modules() if type(m) in WKINDS]
    model.eval()
    with torch.no_grad():
        y = model(torch.zeros(1, *shape))
    weighted[name] = {"input": list(shape), "layers": calls, "output": chw(y),
                      "params": sum(p.numel() for p in model.parameters()),
                      "macs": sum(c["macs"] for c in calls)}
    print(f"{name}: {weighted[name]['params']:,} params, {weighted[name]['macs']:,} MACs, {len(calls)} weighted layers")

with open("testdata/shape/torch_nets.json", "w") as f:
    json.dump({"generator": "testdata/shape/gen_nets.py", "torch": torch.__version__,
               "torchvision": tvm.__name__ and __import__("torchvision").__version__,
               "nets": out, "weighted": weighted}, f, indent=1)

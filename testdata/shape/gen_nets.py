#!/usr/bin/python3
# Generates testdata/shape/torch_nets.json: what PyTorch says about every
# preset network and the test networks in testdata/nets/.
#
#   cd /work/main && /usr/bin/python3 testdata/shape/gen_nets.py
#
# (torch 1.13 CPU; torchvision is not installed, so each model is written
# here in plain torch.nn, layer for layer, following torchvision's and the
# papers' definitions — independently of the .net files.) A zero tensor is
# run through each model with a forward hook on every leaf module; for each
# call, in execution order, the fixture records the module's type, output
# shape (C, H, W), parameter count and MACs:
#   Conv2d           out.numel() · (C_in/g)·kh·kw     (one MAC per weight use)
#   ConvTranspose2d  in.numel() · (C_out/g)·kh·kw
#   Linear           in_features · out_features
#   everything else  0
# and the model's sum(p.numel() for p in model.parameters()).
#
# Receptive fields ("rf", [h, w]) are measured, not computed: the weights are
# set to 1, max pooling is swapped for average pooling of the same geometry
# (so the gradient reaches every tap), batch norm is in eval mode, the input
# is a large tensor of ones; for each layer's output, the gradient of the
# centre value with respect to the input is taken, and rf is the extent of
# its non-zero rows and columns. The script checks that the extent does not
# touch the input's border (which would clip it).
import json

import torch
import torch.nn as nn

torch.manual_seed(0)


class Add(nn.Module):
    """Residual sum, a module so that the hooks see it."""

    def forward(self, a, b):
        return a + b


def seq(*layers):
    return nn.Sequential(*layers)


# ---------------------------------------------------------------- models
def lenet5():
    return seq(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2, 2),
               nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2),
               nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(),
               nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10))


def alexnet_notes():
    return seq(nn.Conv2d(3, 96, 11, 4, 2), nn.ReLU(), nn.MaxPool2d(3, 2),
               nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
               nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
               nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
               nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
               nn.Flatten(), nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000))


def alexnet_torchvision():
    # torchvision/models/alexnet.py
    features = [nn.Conv2d(3, 64, 11, 4, 2), nn.ReLU(inplace=False), nn.MaxPool2d(3, 2),
                nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
                nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
                nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
                nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2)]
    classifier = [nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
                  nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000)]
    return seq(*features, nn.AdaptiveAvgPool2d((6, 6)), nn.Flatten(), *classifier)


def alexnet_2012():
    return seq(nn.Conv2d(3, 96, 11, 4), nn.ReLU(), nn.LocalResponseNorm(5), nn.MaxPool2d(3, 2),
               nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.LocalResponseNorm(5),
               nn.MaxPool2d(3, 2),
               nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
               nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
               nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
               nn.Flatten(), nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 1000))


def vgg16():
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return seq(*layers, nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten(),
               nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(),
               nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 1000))


class BasicBlock(nn.Module):
    # torchvision/models/resnet.py BasicBlock, with the add as a module
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = seq(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.add = Add()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.add(out, identity))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        blocks, c = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [BasicBlock(c, cout, stride), BasicBlock(cout, cout, 1)]
            c = cout
        self.layers = seq(*blocks)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.fc(self.flatten(self.avgpool(self.layers(x))))


def mobilenet_v1():
    def cbr(cin, cout, k, s, g):
        return [nn.Conv2d(cin, cout, k, s, k // 2, groups=g, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    layers = cbr(3, 32, 3, 2, 1)
    c = 32
    for cout, s in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                    (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]:
        layers += cbr(c, c, 3, s, c) + cbr(c, cout, 1, 1, 1)
        c = cout
    return seq(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000))


class Mixed(nn.Module):
    # testdata/nets/mixed.net
    def __init__(self):
        super().__init__()
        self.stem = seq(nn.Conv2d(8, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU(),
                        nn.MaxPool2d(3, 2, ceil_mode=True))
        self.grp = nn.Conv2d(16, 32, 3, padding=1, groups=4)
        self.relu = nn.ReLU()
        self.dil = nn.Conv2d(32, 32, 3, padding=2, dilation=2, groups=2)
        self.add = Add()
        self.rest = seq(nn.Conv2d(32, 32, 3, 2, 1, groups=32, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
                        nn.Conv2d(32, 64, 1), nn.ReLU(),
                        nn.ConvTranspose2d(64, 32, 4, 2, 1, output_padding=1), nn.ReLU(),
                        nn.AvgPool2d(2, 2, 1, ceil_mode=True),
                        nn.Conv2d(32, 24, (1, 3), (1, 2), (0, 1), bias=False),
                        nn.MaxPool2d(2, 1, dilation=2),
                        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(24, 10))

    def forward(self, x):
        g = self.grp(self.stem(x))
        return self.rest(self.add(g, self.dil(self.relu(g))))


def notes_5x5():
    return seq(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))


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
}

KINDS = {
    nn.Conv2d: "conv", nn.ConvTranspose2d: "convT", nn.MaxPool2d: "maxpool", nn.AvgPool2d: "avgpool",
    nn.AdaptiveAvgPool2d: "adaptiveavgpool", nn.BatchNorm2d: "bn", nn.ReLU: "relu", nn.Tanh: "tanh",
    nn.Dropout: "dropout", nn.Flatten: "flatten", nn.Linear: "fc", nn.LocalResponseNorm: "lrn", Add: "add",
}


def macs(m, inp, out):
    if isinstance(m, nn.Conv2d):
        return out.numel() * m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
    if isinstance(m, nn.ConvTranspose2d):
        return inp.numel() * m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
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
                      "macs": macs(m, inp[0], out)})
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
             "macs": sum(c["macs"] for c in calls)}
    if rfshape is not None:
        rfs = receptive_fields(build(), rfshape)
        assert len(rfs) <= len(calls), (name, len(rfs), len(calls))
        for c, rf in zip(calls, rfs):
            if rf is not None:
                c["rf"] = rf
    out[name] = entry
    print(f"{name}: {entry['params']:,} params, {entry['macs']:,} MACs, {len(calls)} layers")

with open("testdata/shape/torch_nets.json", "w") as f:
    json.dump({"generator": "testdata/shape/gen_nets.py", "torch": torch.__version__, "nets": out}, f, indent=1)

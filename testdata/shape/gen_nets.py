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


class Cat(nn.Module):
    def forward(self, *xs):
        return torch.cat(xs, 1)


class Mul(nn.Module):
    def forward(self, a, b):
        return a * b


class ChannelLinear(nn.Linear):
    """nn.Linear on the channels at every position."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ChannelLayerNorm(nn.LayerNorm):
    """LayerNorm over the channels at every position (ConvNeXt's LayerNorm2d)."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class Layers(nn.Module):
    # testdata/nets/layers.net
    def __init__(self):
        super().__init__()
        self.stem, self.gelu = nn.Conv2d(3, 8, 3, padding=1), nn.GELU()
        self.pad = nn.ZeroPad2d((0, 1, 2, 3))
        self.down, self.hs = nn.Conv2d(8, 16, 3, 2), nn.Hardswish()
        self.up = nn.Upsample(scale_factor=2)
        self.bil = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.cat, self.gn, self.silu = Cat(), nn.GroupNorm(4, 32), nn.SiLU()
        self.lin, self.ln = ChannelLinear(32, 12), ChannelLayerNorm(12)
        self.gap, self.gate, self.sig = nn.AdaptiveAvgPool2d(1), nn.Conv2d(12, 12, 1), nn.Sigmoid()
        self.mul = Mul()
        self.back = nn.Upsample(size=(20, 24), mode="bilinear", align_corners=False)
        self.skip, self.add = nn.Conv2d(3, 12, 1), Add()
        self.softmax, self.leaky, self.hsig = nn.Softmax(1), nn.LeakyReLU(), nn.Hardsigmoid()
        self.flatten, self.head = nn.Flatten(), nn.Linear(20 * 24 * 12, 5)

    def forward(self, x):
        d = self.hs(self.down(self.pad(self.gelu(self.stem(x)))))
        c = self.silu(self.gn(self.cat(self.up(d), self.bil(d))))
        ln = self.ln(self.lin(c))
        g = self.sig(self.gate(self.gap(ln)))
        b = self.back(self.mul(ln, g))
        y = self.hsig(self.leaky(self.softmax(self.add(self.skip(x), b))))
        # the flatten is inside fc in the .net file (fc flattens), so no hook on it here
        return self.head(torch.flatten(y, 1))


class UNetSmall(nn.Module):
    # internal/shape/presets/unet-small.net
    def __init__(self):
        super().__init__()

        def double(cin, c):
            return seq(nn.Conv2d(cin, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        self.enc1, self.enc2, self.enc3 = double(1, 16), double(16, 32), double(32, 64)
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = double(64, 128)
        self.ups = nn.ModuleList([nn.ConvTranspose2d(128, 64, 2, 2), nn.ConvTranspose2d(64, 32, 2, 2),
                                  nn.ConvTranspose2d(32, 16, 2, 2)])
        self.decs = nn.ModuleList([double(128, 64), double(64, 32), double(32, 16)])
        self.head = nn.Conv2d(16, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool(e1))
        e3 = self.enc3(self.pool(e2))
        y = self.bottleneck(self.pool(e3))
        for up, dec, skip in zip(self.ups, self.decs, [e3, e2, e1]):
            y = dec(torch.cat([skip, up(y)], 1))
        return self.head(y)


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

"""Fixtures for internal/forward: PyTorch runs the networks in
miniresnet.net, mixed.net, blocks.net and params.net (written here a second time, by hand, as torch
modules and functional calls) with seeded random weights, and saves

  NAME.safetensors / NAME.npz   the weights, keyed as the state_dict
  NAME.in.npy                   the input, (C, H, W) float32
  NAME.out.npz                  every layer's output, keyed by layer name
  dtypes.safetensors            one tensor per dtype (F16, BF16, F64, F32)
  dtypes.npz                    the same values as float32, what reading
                                dtypes.safetensors must give
  ops.npz                       single operations (activations, softmax,
                                norms, upsampling, padding, concat, mul,
                                per-position linear) on seeded inputs

Run from the repository root (torch 1.13, numpy):

  /usr/bin/python3 testdata/forward/make_fixtures.py

The safetensors files are written by hand (an 8-byte little-endian header
length, a JSON header, the raw data), as the format's specification says.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


def save_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                 torch.float64: "F64", torch.int64: "I64"}[t.dtype]
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomise(model):
    """Random weights, and running statistics far from (0, 1) so that
    batch norm's eval arithmetic matters."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                p.copy_(torch.rand(p.shape, generator=g) * 1.5 + 0.5)
            else:
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)


def save_outputs(name, x, outs):
    np.save(os.path.join(HERE, name + ".in.npy"), x[0].numpy().astype(np.float32))
    np.savez(os.path.join(HERE, name + ".out.npz"),
             **{k: v[0].detach().numpy().astype(np.float32) for k, v in outs.items()})


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x, rec, p):
        y = rec(p + ".conv1", self.conv1(x))
        y = rec(p + ".bn1", self.bn1(y))
        y = rec(p + ".relu1", F.relu(y))
        y = rec(p + ".conv2", self.conv2(y))
        y = rec(p + ".bn2", self.bn2(y))
        s = x
        if self.downsample is not None:
            s = rec(p + ".downsample.0", self.downsample[0](x))
            s = rec(p + ".downsample.1", self.downsample[1](s))
            y = rec(p + ".add", s + y)  # the file adds bn2 to the shortcut
        else:
            y = rec(p + ".add", y + s)
        return rec(p, F.relu(y))


class MiniResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.layer1 = nn.Sequential(Basic(8, 8, 1))
        self.layer2 = nn.Sequential(Basic(8, 16, 2))
        self.fc = nn.Linear(16, 10)

    def forward(self, x, rec):
        x = rec("conv1", self.conv1(x))
        x = rec("bn1", self.bn1(x))
        x = rec("relu1", F.relu(x))
        x = rec("maxpool", F.max_pool2d(x, 3, 2, 1))
        x = self.layer1[0](x, rec, "layer1.0")
        x = self.layer2[0](x, rec, "layer2.0")
        x = rec("avgpool", F.adaptive_avg_pool2d(x, 1))
        x = rec("flatten", torch.flatten(x, 1)[:, :, None, None])
        x = rec("dropout", F.dropout(x, 0.5, training=False))
        return rec("fc", self.fc(x.flatten(1))[:, :, None, None])


class Mixed(nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = nn.Conv2d(4, 8, 3, 1, 1, groups=4)
        self.g2 = nn.Conv2d(8, 8, 3, 1, 2, dilation=2, groups=2)
        self.same = nn.Conv2d(8, 6, 4, 2, 0)
        self.up = nn.ConvTranspose2d(6, 6, 4, 2, 1, output_padding=1, groups=2)
        self.upsame = nn.ConvTranspose2d(6, 5, 3, 2, 1, output_padding=1, bias=False)
        self.fc = nn.Linear(75, 7)

    def forward(self, x, rec):
        x = rec("dw", self.dw(x))
        x = rec("g2", self.g2(x))
        x = rec("r6", F.relu6(x))
        # TensorFlow SAME at k4 s2: 13 rows need 3 more (1 above, 2 below),
        # 11 columns 3 more (1 left, 2 right).
        x = rec("same", self.same(F.pad(x, (1, 2, 1, 2))))
        x = rec("up", self.up(x))
        u = rec("upsame", self.upsame(x))
        x = rec("th", torch.tanh(u))
        x = rec("avg", F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=True))
        x = rec("sg", torch.sigmoid(x))
        n = rec("norm", F.local_response_norm(x, 5, alpha=1e-4, beta=0.75, k=2))
        m = rec("mx", F.max_pool2d(u, 2, 1, 0, dilation=2))
        rec("amax", F.adaptive_max_pool2d(m, (3, 5)))
        x = rec("id", n)
        x = rec("aavg", F.adaptive_avg_pool2d(x, (5, 3)))
        x = rec("flat", torch.flatten(x, 1)[:, :, None, None])
        return rec("fc", self.fc(x.flatten(1))[:, :, None, None])


class ChannelNorm(nn.LayerNorm):
    """LayerNorm over the channels at every position (ConvNeXt's LayerNorm2d)."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class ChannelLinear(nn.Linear):
    """nn.Linear on the channel vector at every position."""

    def forward(self, x):
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class Blocks(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, 1, 1)
        self.down = nn.Conv2d(8, 16, 3, 2)
        self.gn = nn.GroupNorm(4, 32)
        self.lin = ChannelLinear(32, 12)
        self.ln = ChannelNorm(12)
        self.gate = nn.Conv2d(12, 12, 1)
        self.skip = nn.Conv2d(3, 12, 1)
        self.head = nn.Linear(15 * 12 * 10, 5)

    def forward(self, x0, rec):
        x = rec("stem", self.stem(x0))
        x = rec("g1", F.gelu(x))
        x = rec("pad", F.pad(x, (0, 1, 2, 3)))
        d = rec("down", self.down(x))
        x = rec("hs", F.hardswish(d))
        u = rec("up", F.interpolate(x, scale_factor=2, mode="nearest"))
        b = rec("bil", F.interpolate(d, scale_factor=2, mode="bilinear", align_corners=False))
        x = rec("cat", torch.cat([u, b], 1))
        x = rec("gn", self.gn(x))
        x = rec("si", F.silu(x))
        x = rec("lin", self.lin(x))
        x = rec("ln", self.ln(x))
        m = rec("mi", F.mish(x))
        x = rec("pool", F.adaptive_avg_pool2d(m, 1))
        x = rec("gate", self.gate(x))
        x = rec("sg", torch.sigmoid(x))
        x = rec("se", x * m)
        x = rec("back", F.interpolate(x, size=(12, 10), mode="bilinear", align_corners=False))
        s = rec("skip", self.skip(x0))
        x = rec("sum", s + x)
        x = rec("cat2", torch.cat([x, x0], 1))
        x = rec("sm", F.softmax(x, 1))
        lr = rec("lr", F.leaky_relu(x))
        h = rec("hsig", F.hardsigmoid(lr))
        rec("up3", F.interpolate(lr, scale_factor=1.5, mode="nearest"))
        return rec("head", self.head(h.flatten(1))[:, :, None, None])


class Params(nn.Module):
    """params.net: every layer whose constants the network file sets."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, 1, 1)
        self.bn = nn.BatchNorm2d(8, eps=0.5)
        self.gn = nn.GroupNorm(2, 8, eps=2.0)
        self.ln = ChannelNorm(8, eps=1.5)

    def forward(self, x, rec):
        x = rec("c1", self.c1(x))
        x = rec("bn", self.bn(x))
        x = rec("lk", F.leaky_relu(x, 0.1))
        x = rec("lrn", F.local_response_norm(x, 3, alpha=0.05, beta=0.5, k=1.5))
        x = rec("gn", self.gn(x))
        x = rec("ln", self.ln(x))
        x = rec("ge", F.gelu(x, approximate="tanh"))
        x = rec("up", F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True))
        return rec("sz", F.interpolate(x, size=(5, 17), mode="bilinear", align_corners=True))


def run(name, model, shape, fmt):
    torch.manual_seed(2)
    randomise(model)
    model.eval()
    x = torch.randn(1, *shape)
    outs = {"input": x}
    def rec(k, v):
        outs[k] = v
        return v
    with torch.no_grad():
        model(x, rec)
    sd = model.state_dict()
    if fmt == "safetensors":
        save_safetensors(os.path.join(HERE, name + ".safetensors"), sd)
    else:
        np.savez(os.path.join(HERE, name + ".npz"), **{k: v.numpy() for k, v in sd.items()})
    save_outputs(name, x, outs)


run("miniresnet", MiniResNet(), (3, 16, 16), "safetensors")
run("mixed", Mixed(), (4, 13, 11), "npz")
run("blocks", Blocks(), (3, 12, 10), "safetensors")
run("params", Params(), (3, 7, 6), "safetensors")

v = torch.tensor([[1.0, -2.5, 3.140625, 65504.0], [1e-7, -0.0, 0.333333, 1e30]], dtype=torch.float64)
save_safetensors(os.path.join(HERE, "dtypes.safetensors"), {
    "f16": v.clamp(-65504, 65504).half(), "bf16": v.bfloat16(), "f64": v, "f32": v.float()})
np.savez(os.path.join(HERE, "dtypes.npz"), f16=v.clamp(-65504, 65504).half().float().numpy(),
         bf16=v.bfloat16().float().numpy(), f64=v.float().numpy(), f32=v.float().numpy())

# Single operations, for the engine's functions one by one.
g = torch.Generator().manual_seed(5)
x = torch.randn(1, 6, 5, 7, generator=g) * 3
y = torch.randn(1, 2, 5, 7, generator=g)
gate = torch.rand(1, 6, 1, 1, generator=g)
w6, b6 = torch.randn(6, generator=g), torch.randn(6, generator=g)
lw, lb = torch.randn(4, 6, generator=g), torch.randn(4, generator=g)
ops = {
    "x": x, "y": y, "gate": gate, "w6": w6[None, :, None, None], "b6": b6[None, :, None, None],
    "lw": lw[None, :, :, None], "lb": lb[None, :, None, None],
    "silu": F.silu(x), "gelu": F.gelu(x), "hardswish": F.hardswish(x), "hardsigmoid": F.hardsigmoid(x),
    "leakyrelu": F.leaky_relu(x), "mish": F.mish(x),
    "softmax": F.softmax(x, 1),
    "concat": torch.cat([x, y], 1),
    "mul_full": x * x.flip(1), "mul_gate": x * gate,
    "nearest2": F.interpolate(x, scale_factor=2, mode="nearest"),
    "nearest_size": F.interpolate(x, size=(8, 9), mode="nearest"),
    "nearest_1.5": F.interpolate(x, scale_factor=1.5, mode="nearest"),
    "bilinear2": F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
    "bilinear_size": F.interpolate(x, size=(3, 11), mode="bilinear", align_corners=False),
    "pad": F.pad(x, (1, 2, 3, 0)),
    "linear": torch.einsum("oc,nchw->nohw", lw, x) + lb[None, :, None, None],
    "groupnorm": F.group_norm(x, 3, w6, b6),
    "layernorm": F.layer_norm(x.permute(0, 2, 3, 1), (6,), w6, b6).permute(0, 3, 1, 2),
    # the layers' constants (leakyrelu 0.1, gelu tanh, eps=, lrn N alpha= beta= k=,
    # bilinear align_corners)
    "leakyrelu_0.1": F.leaky_relu(x, 0.1), "leakyrelu_-0.5": F.leaky_relu(x, -0.5),
    "gelu_tanh": F.gelu(x, approximate="tanh"),
    "groupnorm_eps": F.group_norm(x, 2, w6, b6, eps=4),
    "layernorm_eps": F.layer_norm(x.permute(0, 2, 3, 1), (6,), w6, b6, eps=3).permute(0, 3, 1, 2),
    "lrn_default": F.local_response_norm(x, 5, alpha=1e-4, beta=0.75, k=2),
    "lrn_3": F.local_response_norm(x, 3, alpha=0.05, beta=0.5, k=1.5),
    "lrn_4": F.local_response_norm(x, 4, alpha=0.02, beta=0.9, k=1),
    "bilinear_aligned2": F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True),
    "bilinear_aligned_size": F.interpolate(x, size=(3, 11), mode="bilinear", align_corners=True),
    "bilinear_aligned_1": F.interpolate(x, size=(1, 1), mode="bilinear", align_corners=True),
}
np.savez(os.path.join(HERE, "ops.npz"), **{k: v[0].contiguous().numpy().astype(np.float32) for k, v in ops.items()})

#!/usr/bin/python3
# Writes the presets too long to type: resnet50, mobilenet-v2, densenet121,
# googlenet, efficientnet-b0 (from the papers' stage tables, as torchvision
# builds them) and unet-small.
#
#   cd internal/shape/presets && /usr/bin/python3 gen_presets.py
#
# These files are data; what checks them is testdata/shape/gen_nets.py,
# which runs torchvision's own models (not this script) and records every
# convolution, batch norm and linear layer, the totals and the output.


def write(name, head, lines):
    with open(name + ".net", "w") as f:
        f.write(head.strip() + "\n" + "\n".join(lines) + "\n")


def resnet50():
    out = ["input 224x224x3", "conv1: conv 64 k7 s2 p3 nobias", "bn1: bn", "relu", "maxpool: maxpool k3 s2 p1"]
    prev, cin = "maxpool", 64
    for li, (width, blocks, stride) in enumerate([(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)], 1):
        for b in range(blocks):
            s = stride if b == 0 else 1
            p = f"layer{li}.{b}"
            out += [f"{p}.conv1: conv {width} k1 nobias @{prev}", f"{p}.bn1: bn", "relu",
                    f"{p}.conv2: conv {width} k3 s{s} p1 nobias" if s > 1 else f"{p}.conv2: conv {width} k3 p1 nobias",
                    f"{p}.bn2: bn", "relu", f"{p}.conv3: conv {width * 4} k1 nobias", f"{p}.bn3: bn"]
            other = prev
            if s != 1 or cin != width * 4:
                sopt = f" s{s}" if s > 1 else ""
                out += [f"{p}.downsample: conv {width * 4} k1{sopt} nobias @{prev}", f"{p}.downsample.bn: bn"]
                out += [f"{p}.add: add @{p}.bn3"]
            else:
                out += [f"{p}.add: add @{other}"]
            out += [f"{p}: relu"]
            prev, cin = p, width * 4
    out += ["avgpool: gap", "flatten", "fc: fc 1000"]
    write("resnet50", """
# ResNet-50 (He et al. 2015), torchvision's resnet50: bottleneck blocks
# (1x1, 3x3 with the stride, 1x1 ×4), the projection on the first block of
# each stage. 25,557,032 parameters.""", out)


def mobilenet_v2():
    out = ["input 224x224x3", "features.0: conv 32 k3 s2 p1 nobias", "bn", "relu6"]
    cin, prev, i = 32, None, 1
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for b in range(n):
            st = s if b == 0 else 1
            p = f"features.{i}"
            out.append(f"{p}.in: identity")
            if t != 1:
                out += [f"{p}.expand: conv {cin * t} k1 nobias", "bn", "relu6"]
            sopt = f" s{st}" if st > 1 else ""
            out += [f"{p}.dw: dwconv k3{sopt} p1 nobias", "bn", "relu6", f"{p}.project: conv {c} k1 nobias", f"{p}.bn: bn"]
            if st == 1 and cin == c:
                out.append(f"{p}.add: add @{p}.in")
            cin, i = c, i + 1
    out += [f"features.{i}: conv 1280 k1 nobias", "bn", "relu6", "gap", "flatten", "dropout 0.2", "classifier: fc 1000"]
    write("mobilenet-v2", """
# MobileNetV2 (Sandler et al. 2018), torchvision's mobilenet_v2: inverted
# residuals (1x1 expand ×t, 3x3 depthwise, 1x1 linear projection), ReLU6.
# 3,504,872 parameters.""", out)


def densenet121():
    out = ["input 224x224x3", "conv0: conv 64 k7 s2 p3 nobias", "norm0: bn", "relu0: relu", "pool0: maxpool k3 s2 p1"]
    c, prev = 64, "pool0"
    for bi, n in enumerate([6, 12, 24, 16], 1):
        for li in range(1, n + 1):
            p = f"block{bi}.layer{li}"
            out += [f"{p}.norm1: bn @{prev}", "relu", f"{p}.conv1: conv 128 k1 nobias", f"{p}.norm2: bn", "relu",
                    f"{p}.conv2: conv 32 k3 p1 nobias", f"{p}.cat: concat @{prev} @{p}.conv2"]
            prev, c = f"{p}.cat", c + 32
        if bi < 4:
            p = f"transition{bi}"
            out += [f"{p}.norm: bn", "relu", f"{p}.conv: conv {c // 2} k1 nobias", f"{p}.pool: avgpool k2 s2"]
            prev, c = f"{p}.pool", c // 2
    out += ["norm5: bn", "relu", "gap", "flatten", "classifier: fc 1000"]
    write("densenet121", """
# DenseNet-121 (Huang et al. 2017), torchvision's densenet121: dense layers
# (BN, ReLU, 1x1 conv to 4·32, BN, ReLU, 3x3 conv to 32) whose outputs are
# concatenated to everything before them; transitions halve the channels
# and the size. 7,978,856 parameters.""", out)


def googlenet():
    out = ["input 224x224x3"]

    def basic(name, c, opts, src=None):
        at = f" @{src}" if src else ""
        return [f"{name}: conv {c} {opts} nobias{at}", f"{name}.bn: bn", f"{name}.relu: relu"]
    out += basic("conv1", 64, "k7 s2 p3") + ["maxpool1: maxpool k3 s2 ceil"]
    out += basic("conv2", 64, "k1") + basic("conv3", 192, "k3 p1") + ["maxpool2: maxpool k3 s2 ceil"]
    prev = "maxpool2"

    def inception(name, c1, c3r, c3, c5r, c5, pp):
        nonlocal prev
        lines = basic(f"{name}.b1", c1, "k1", prev)
        lines += basic(f"{name}.b2a", c3r, "k1", prev) + basic(f"{name}.b2b", c3, "k3 p1")
        # torchvision's branch 3 is a 3x3, not the paper's 5x5 (a known quirk kept for its weights)
        lines += basic(f"{name}.b3a", c5r, "k1", prev) + basic(f"{name}.b3b", c5, "k3 p1")
        lines += [f"{name}.b4pool: maxpool k3 s1 p1 ceil @{prev}"] + basic(f"{name}.b4", pp, "k1")
        lines += [f"{name}: concat @{name}.b1.relu @{name}.b2b.relu @{name}.b3b.relu @{name}.b4.relu"]
        prev = name
        return lines
    out += inception("inception3a", 64, 96, 128, 16, 32, 32)
    out += inception("inception3b", 128, 128, 192, 32, 96, 64)
    out += ["maxpool3: maxpool k3 s2 ceil"]
    prev = "maxpool3"
    out += inception("inception4a", 192, 96, 208, 16, 48, 64)
    out += inception("inception4b", 160, 112, 224, 24, 64, 64)
    out += inception("inception4c", 128, 128, 256, 24, 64, 64)
    out += inception("inception4d", 112, 144, 288, 32, 64, 64)
    out += inception("inception4e", 256, 160, 320, 32, 128, 128)
    out += ["maxpool4: maxpool k2 s2 ceil"]
    prev = "maxpool4"
    out += inception("inception5a", 256, 160, 320, 32, 128, 128)
    out += inception("inception5b", 384, 192, 384, 48, 128, 128)
    out += ["avgpool: gap", "flatten", "dropout 0.2", "fc: fc 1000"]
    write("googlenet", """
# GoogLeNet (Szegedy et al. 2014), torchvision's googlenet without the
# auxiliary classifiers (as its published weights): Inception blocks of four
# branches concatenated. 6,624,904 parameters.""", out)


def efficientnet_b0():
    out = ["input 224x224x3", "features.0: conv 32 k3 s2 p1 nobias", "bn", "silu"]
    cin, i = 32, 1
    for e, k, s, c, n in [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
                          (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]:
        for b in range(n):
            st = s if b == 0 else 1
            p = f"features.{i}.{b}"
            exp, sq = cin * e, max(1, cin // 4)
            out.append(f"{p}.in: identity")
            if e != 1:
                out += [f"{p}.expand: conv {exp} k1 nobias", "bn", "silu"]
            sopt = f" s{st}" if st > 1 else ""
            out += [f"{p}.dw: dwconv k{k}{sopt} p{k // 2} nobias", "bn", f"{p}.act: silu",
                    "gap", f"{p}.se.fc1: conv {sq} k1", "silu", f"{p}.se.fc2: conv {exp} k1", "sigmoid",
                    f"{p}.se: mul @{p}.act", f"{p}.project: conv {c} k1 nobias", f"{p}.bn: bn"]
            if st == 1 and cin == c:
                out.append(f"{p}.add: add @{p}.in")
            cin = c
        i += 1
    out += [f"features.{i}: conv 1280 k1 nobias", "bn", "silu", "gap", "flatten", "dropout 0.2", "classifier: fc 1000"]
    write("efficientnet-b0", """
# EfficientNet-B0 (Tan & Le 2019), torchvision's efficientnet_b0: MBConv
# blocks (1x1 expand, depthwise k×k, squeeze-excitation gate: global pool,
# 1x1 to a quarter of the block's input channels, SiLU, 1x1 back, sigmoid,
# multiply; 1x1 projection), SiLU throughout. Stochastic depth is
# shape-neutral and left out. 5,288,548 parameters.""", out)


def unet_small():
    out = ["input 64x64x1"]

    def double(name, c, src=None):
        at = f" @{src}" if src else ""
        return [f"{name}.conv1: conv {c} k3 p1 nobias{at}", "bn", "relu", f"{name}.conv2: conv {c} k3 p1 nobias", "bn",
                f"{name}: relu"]
    out += double("enc1", 16) + ["maxpool k2"] + double("enc2", 32) + ["maxpool k2"] + double("enc3", 64)
    out += ["maxpool k2"] + double("bottleneck", 128)
    prev = "bottleneck"
    for c, skip in [(64, "enc3"), (32, "enc2"), (16, "enc1")]:
        out += [f"up{c}: convT {c} k2 s2 @{prev}", f"cat{c}: concat @{skip} @up{c}"] + double(f"dec{c}", c)
        prev = f"dec{c}"
    out += ["head: conv 2 k1"]
    write("unet-small", """
# A small U-Net (Ronneberger et al. 2015) for 64x64 grey images: three
# downsamplings of two 3x3 conv-BN-ReLU, a 128-channel bottleneck,
# transposed-convolution upsampling concatenated with the encoder's maps,
# a 1x1 head to 2 classes. testdata/shape/gen_nets.py builds the same in
# torch.nn.""", out)


resnet50()
mobilenet_v2()
densenet121()
googlenet()
efficientnet_b0()
unet_small()

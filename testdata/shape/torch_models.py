# The torch.nn models of testdata/shape/gen_nets.py and gen_onnx.py: the
# presets and test networks written layer for layer in plain torch.nn.
import torch
import torch.nn as nn


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
    # internal/shape/presets/unet-small.net (base 16); base 4 is
    # testdata/nets/unet-tiny.net
    def __init__(self, b=16):
        super().__init__()

        def double(cin, c):
            return seq(nn.Conv2d(cin, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        self.enc1, self.enc2, self.enc3 = double(1, b), double(b, 2 * b), double(2 * b, 4 * b)
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = double(4 * b, 8 * b)
        self.ups = nn.ModuleList([nn.ConvTranspose2d(8 * b, 4 * b, 2, 2), nn.ConvTranspose2d(4 * b, 2 * b, 2, 2),
                                  nn.ConvTranspose2d(2 * b, b, 2, 2)])
        self.decs = nn.ModuleList([double(8 * b, 4 * b), double(4 * b, 2 * b), double(2 * b, b)])
        self.head = nn.Conv2d(b, 2, 1)

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

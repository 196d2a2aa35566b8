#!/usr/bin/python3
# Generates testdata/shape/torch_import.json: what PyTorch computes for the
# networks in testdata/shape/import/, written here by hand in torch.nn
# (independently of the readers), so that the Darknet and Keras readers'
# tables can be checked: every weighted layer's output shape, parameters
# and MACs in call order, the totals and the outputs.
#
#   cd /work/wt-shape && /usr/bin/python3 testdata/shape/gen_import.py
#
# (torch 1.13 CPU.) Darknet's [maxpool] pads size−1 in total, (size−1)/2
# before: ZeroPad2d. Keras's "same" is TensorFlow's SAME (the smaller half
# first): ZeroPad2d before the convolution. Keras counts batch norm as 4·C
# parameters (moving mean and variance are non-trainable weights); PyTorch
# and this fixture count 2·C.
import json

import torch
import torch.nn as nn
import torch.nn.functional as F


def cbl(cin, cout, k):
    return [nn.Conv2d(cin, cout, k, 1, k // 2, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1)]


class YoloV3Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        layers, c = [], 3
        for f in [16, 32, 64, 128, 256]:
            layers += cbl(c, f, 3) + [nn.ZeroPad2d((0, 1, 0, 1)), nn.MaxPool2d(2, 2)]
            c = f
        # five conv-BN-leaky, pad, pool blocks; darknet's layer 8 is the
        # fifth block's activation (26x26x256), which the route reads
        self.a = nn.Sequential(*layers[:20])
        self.b = nn.Sequential(*layers[20:23])
        self.c = nn.Sequential(*layers[23:], *cbl(256, 512, 3), nn.ZeroPad2d((0, 1, 0, 1)), nn.MaxPool2d(2, 1),
                               *cbl(512, 1024, 3), *cbl(1024, 256, 1))
        self.head1 = nn.Sequential(*cbl(256, 512, 3), nn.Conv2d(512, 255, 1))
        self.lat = nn.Sequential(*cbl(256, 128, 1), nn.Upsample(scale_factor=2))
        self.head2 = nn.Sequential(*cbl(384, 256, 3), nn.Conv2d(256, 255, 1))

    def forward(self, x):
        r8 = self.b(self.a(x))
        r13 = self.c(r8)
        y1 = self.head1(r13)
        y2 = self.head2(torch.cat([self.lat(r13), r8], 1))
        return [y1, y2]


class KerasSmall(nn.Module):
    # testdata/shape/import/keras-functional.json
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(3, 16, 3, 2), nn.BatchNorm2d(16)
        self.dw, self.pw = nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False), nn.Conv2d(16, 16, 1)
        self.conv2, self.dense = nn.Conv2d(16, 8, 1), nn.Linear(24, 10)

    def forward(self, x):
        a = self.bn1(F.relu(self.conv1(F.pad(x, (0, 1, 0, 1)))))  # SAME at stride 2 on 32: 0 before, 1 after
        a = a + F.silu(self.pw(self.dw(a)))
        a = F.pad(F.interpolate(a, scale_factor=2, mode="bilinear", align_corners=False), (0, 1, 0, 1))
        p = F.max_pool2d(a, 3, 2)
        c = torch.cat([p, self.conv2(p)], 1)
        return [torch.softmax(self.dense(c.mean((2, 3))), 1)]


def record(model, shape):
    calls = []
    kinds = {nn.Conv2d: "conv", nn.BatchNorm2d: "bn", nn.Linear: "fc"}

    def hook(m, inp, out):
        o = list(out.shape[1:]) if out.dim() == 4 else [out.shape[1], 1, 1]
        macs = out.numel() * m.weight[0].numel() if isinstance(m, nn.Conv2d) else \
            m.in_features * m.out_features if isinstance(m, nn.Linear) else 0
        calls.append({"type": kinds[type(m)], "out": o, "params": sum(p.numel() for p in m.parameters()), "macs": macs})
    hs = [m.register_forward_hook(hook) for m in model.modules() if type(m) in kinds]
    model.eval()
    with torch.no_grad():
        ys = model(torch.zeros(1, *shape))
    for h in hs:
        h.remove()
    outs = [list(y.shape[1:]) if y.dim() == 4 else [y.shape[1], 1, 1] for y in ys]
    return {"input": list(shape), "layers": calls, "outputs": outs,
            "params": sum(p.numel() for p in model.parameters()), "macs": sum(c["macs"] for c in calls)}


out = {"yolov3-tiny.cfg": record(YoloV3Tiny(), (3, 416, 416)),
       "keras-functional.json": record(KerasSmall(), (3, 32, 32))}
for k, v in out.items():
    print(k, f"{v['params']:,} params, {v['macs']:,} MACs", v["outputs"])
with open("testdata/shape/torch_import.json", "w") as f:
    json.dump({"generator": "testdata/shape/gen_import.py", "torch": torch.__version__, "nets": out}, f, indent=0)

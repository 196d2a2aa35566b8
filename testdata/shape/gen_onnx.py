#!/usr/bin/python3
# Exports small torch.nn models to testdata/shape/onnx/*.onnx with
# torch.onnx.export, for the ONNX reader's tests:
#
#   cd /work/wt-shape && /usr/bin/python3 testdata/shape/gen_onnx.py
#
# (torch 1.13 CPU, its own exporter, opset 17; the files carry their
# weights, so the models are small.) mixed.onnx and unet-tiny.onnx are
# testdata/nets/mixed.net and unet-tiny.net (the unet-small preset with a
# quarter of the channels);
# se-block.onnx is testdata/nets/se-block.net; layers.onnx is
# testdata/nets/layers.net, whose GELU (Erf) and channel Linear (Transpose,
# MatMul) the reader does not convert: it must name them. Models with
# batch norm are exported in training mode, so that it stays a node (in
# eval mode the exporter folds it into the convolution) and dropout is
# kept; the others in eval mode, where constant folding turns ZeroPad2d's
# computed paddings into constants (the exporter does not fold in training
# mode). linear-channels.onnx is testdata/nets/linear-channels.net.
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import ChannelLayerNorm, ChannelLinear, Layers, Mixed, UNetSmall  # noqa: E402


class SEBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.silu = nn.Conv2d(3, 16, 3, 2, 1), nn.SiLU()
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(16, 4, 1), nn.ReLU(), nn.Conv2d(4, 16, 1),
                                  nn.Hardsigmoid())
        self.rest = nn.Sequential(nn.Upsample(scale_factor=2), nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(16, 8, 2),
                                  nn.Hardswish(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 16 * 16, 10))

    def forward(self, x):
        a = self.silu(self.stem(x))
        return self.rest(a * self.gate(a))


def linear_channels():
    # testdata/nets/linear-channels.net: nn.Linear on the channels (torch
    # exports Transpose, MatMul, Add, Transpose), GELU (Div, Erf, Add, Mul,
    # Mul) and LayerNorm over the channels (Transpose, LayerNormalization,
    # Transpose at opset 17)
    return nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(), ChannelLinear(8, 12), nn.GELU(),
                         ChannelLayerNorm(12), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(12, 5))


TRAIN, EVAL = torch.onnx.TrainingMode.TRAINING, torch.onnx.TrainingMode.EVAL
for name, build, shape, mode in [("mixed", Mixed, (8, 61, 47), TRAIN), ("unet-tiny", lambda: UNetSmall(4), (1, 64, 64), TRAIN),
                                 ("se-block", SEBlock, (3, 32, 32), EVAL), ("layers", Layers, (3, 20, 24), EVAL),
                                 ("linear-channels", linear_channels, (3, 16, 16), EVAL)]:
    torch.manual_seed(0)
    model = build()
    model.train(mode == TRAIN)
    path = f"testdata/shape/onnx/{name}.onnx"
    torch.onnx.export(model, torch.zeros(2, *shape), path, opset_version=17, training=mode,
                      do_constant_folding=True, input_names=["image"], output_names=["out"])
    print(path, os.path.getsize(path), "bytes")

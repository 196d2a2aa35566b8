#!/usr/bin/python3
# Exports testdata/shape/onnx/constants.onnx with torch.onnx.export, for
# TestONNXConstants: the layers whose constants the network language
# carries (BatchNormalization epsilon, LeakyRelu alpha, LayerNormalization
# epsilon, bilinear Resize with align_corners). torch 1.13 exports
# LocalResponseNorm as Pow, Pad, AveragePool and Div, not as ONNX's LRN, so
# LRN's attributes are not in it. Run from the repository root (torch 1.13 CPU, opset 17):
#
#   /usr/bin/python3 testdata/shape/gen_onnx_constants.py
#
# Exported in training mode so that batch norm stays a node (in eval mode
# the exporter folds it into the convolution).
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_models import ChannelLayerNorm  # noqa: E402


def build():
    return nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1), nn.BatchNorm2d(8, eps=1e-3), nn.LeakyReLU(0.2),
                         ChannelLayerNorm(8, eps=1e-3),
                         nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True),
                         nn.LeakyReLU())


torch.manual_seed(0)
model = build()
model.train(True)
path = "testdata/shape/onnx/constants.onnx"
torch.onnx.export(model, torch.zeros(2, 3, 8, 8), path, opset_version=17, training=torch.onnx.TrainingMode.TRAINING,
                  do_constant_folding=True, input_names=["image"], output_names=["out"])
print(path, os.path.getsize(path), "bytes")

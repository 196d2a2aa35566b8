"""ResNet-18 forward, PyTorch's side of bench/resnet18.sh.

  /usr/bin/python3 bench/resnet18.py DIR prepare   # random weights, input, torch's output
  /usr/bin/python3 bench/resnet18.py DIR time N    # N timed eval forwards, one ms figure a line

prepare writes DIR/r18.safetensors (torchvision.models.resnet18's
state_dict with seeded random weights and running statistics, written by
hand in the safetensors layout), DIR/in.npy (3x224x224) and DIR/torch.npy
(the 1000 logits). time runs with torch's default threads (the machine's
cores) under torch.no_grad() after one warm-up.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torchvision

d, cmd = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
m = torchvision.models.resnet18()
with torch.no_grad():
    for k, v in m.state_dict().items():
        if k.endswith("running_var"):
            v.copy_(torch.rand(v.shape) + 0.5)
        elif k.endswith("running_mean") or k.endswith(".bias"):
            v.copy_(torch.randn(v.shape) * 0.1)
m.eval()
x = torch.randn(1, 3, 224, 224)
if cmd == "prepare":
    header, blobs, off = {}, [], 0
    for k, v in m.state_dict().items():
        raw = v.contiguous().numpy().tobytes()
        dt = {torch.float32: "F32", torch.int64: "I64"}[v.dtype]
        header[k] = {"dtype": dt, "shape": list(v.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(d, "r18.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    np.save(os.path.join(d, "in.npy"), x[0].numpy())
    with torch.no_grad():
        np.save(os.path.join(d, "torch.npy"), m(x)[0].numpy())
else:
    with torch.no_grad():
        m(x)
        for _ in range(int(sys.argv[3])):
            t = time.perf_counter()
            m(x)
            print(f"{(time.perf_counter() - t) * 1000:.1f}")

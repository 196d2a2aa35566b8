"""Train the bundled digits model (digits.net) on scikit-learn's 8x8 digits.

Run from the repository root (Debian python3-sklearn 1.2, torch 1.13; no
network access needed, the data ship with scikit-learn):

  /usr/bin/python3 internal/models/train_digits.py

Writes internal/models/digits.safetensors (float16 weights, keyed as the
state_dict, the way digits.net names its layers) and, for the test that the
shipped model scores what this script reports, the held-out digits as 8-bit
PNGs testdata/digits/heldout/NNN-L.png (L the true label) with
testdata/digits/heldout.json: the accuracy and every prediction of the
float16 model, computed here by PyTorch. testdata/digits/seven.png is a
held-out seven, for the README.

Pixels: the data are 0..16; a PNG stores v·15 (0..240, exact), and the
network sees the PNG's value / 255, which is what `convtool net run`'s
to-float step gives.
"""
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "digits")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


def save_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F16", "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt", "source": "internal/models/train_digits.py"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


digits = load_digits()
pix = (digits.images * 15).astype(np.uint8)  # what the PNGs hold
y = digits.target
idx = np.arange(len(y))
tr, te = train_test_split(idx, test_size=0.2, random_state=0, stratify=y)
X = torch.tensor(pix, dtype=torch.float32)[:, None] / 255.0
Y = torch.tensor(y)

torch.manual_seed(0)
net = Net()
opt = torch.optim.Adam(net.parameters(), lr=3e-3)
for epoch in range(60):
    perm = tr[torch.randperm(len(tr)).numpy()]
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        F.cross_entropy(net(X[b]), Y[b]).backward()
        opt.step()

# The shipped weights are float16: score the model as shipped.
net = net.half().float().eval()
with torch.no_grad():
    pred = net(X[te]).argmax(1).numpy()
correct = int((pred == y[te]).sum())
print(f"held-out accuracy {correct}/{len(te)} = {correct / len(te):.4f}")

save_safetensors(os.path.join(ROOT, "internal", "models", "digits.safetensors"),
                 {k: v.half() for k, v in net.state_dict().items()})
os.makedirs(os.path.join(OUT, "heldout"), exist_ok=True)
preds, seven = {}, None
for n, (i, p) in enumerate(zip(te, pred)):
    name = f"{n:03d}-{y[i]}.png"
    Image.fromarray(pix[i], mode="L").save(os.path.join(OUT, "heldout", name))
    preds[name] = int(p)
    if seven is None and y[i] == 7 and p == 7:
        seven = i
Image.fromarray(pix[seven], mode="L").save(os.path.join(OUT, "seven.png"))
with open(os.path.join(OUT, "heldout.json"), "w") as f:
    json.dump({"correct": correct, "total": len(te), "accuracy": correct / len(te),
               "predictions": preds}, f, indent=1, sort_keys=True)
    f.write("\n")

"""Fixtures for internal/transform: PIL's resize and torchvision's
ImageNet-style pipeline on a random RGB image.

Run from the repository root (Pillow 9.4, torchvision 0.14):

  /usr/bin/python3 testdata/transform/make_fixtures.py

Writes src.png (37x53 RGB noise), resize-HxW.npy (PIL Image.resize with
BILINEAR, as uint8 values in float32, (C, H, W)) and pipeline.npy
(Resize(20), CenterCrop(15), ToTensor, Normalize(ImageNet mean/std)).
"""
import os

import numpy as np
from PIL import Image
from torchvision import transforms

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(3)
src = Image.fromarray(rng.integers(0, 256, (37, 53, 3), dtype=np.uint8), "RGB")
src.save(os.path.join(HERE, "src.png"))
for h, w in [(20, 28), (37, 17), (80, 53), (50, 100), (9, 9)]:
    a = np.asarray(src.resize((w, h), Image.BILINEAR)).astype(np.float32).transpose(2, 0, 1)
    np.save(os.path.join(HERE, f"resize-{h}x{w}.npy"), np.ascontiguousarray(a))
t = transforms.Compose([transforms.Resize(20), transforms.CenterCrop(15), transforms.ToTensor(),
                        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
np.save(os.path.join(HERE, "pipeline.npy"), t(src).numpy())

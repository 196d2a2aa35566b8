#!/usr/bin/python3
"""JPEGs at every subsampling PIL writes, with what libjpeg decodes them to.

Regenerate from the repository root (after gen_sample.py) with:

    /usr/bin/python3 testdata/images/gen_jpeg.py

For each size W x H and subsampling (444, 422, 420) it writes
jpeg/sSUB_WxH.jpg, encoded by PIL at quality 90 from a crop of sample.png
(the house: hard edges) overlaid with pure-colour blocks and a one-pixel
magenta line, so that chroma changes sharply between neighbouring pixels;
and jpeg/sSUB_WxH.jpg.npy, PIL's decoding
(np.asarray(Image.open(f).convert("RGB"))) as a (3, H, W) uint8 array.
cv2.imread must agree exactly (both are libjpeg-turbo with its defaults:
islow IDCT, fancy upsampling), or the script fails.

Sizes: odd and even, including widths 4 and 5, either side of libjpeg's
switch from replicated to interpolated chroma (a chroma plane more than
2 samples wide).
"""
import os

import cv2
import numpy as np
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "jpeg")
os.makedirs(out, exist_ok=True)

SIZES = [(4, 3), (5, 3), (17, 13), (32, 24), (33, 25)]
SUBSAMPLING = {"444": 0, "422": 1, "420": 2}

sample = np.asarray(Image.open(os.path.join(here, "sample.png")).convert("RGB"))


def picture(w, h):
    """A w x h crop of the sample's house with saturated blocks on top."""
    a = sample[250:250 + h, 150:150 + w].copy()
    blocks = [  # (x0, y0, x1, y1) as fractions, colour
        ((0.0, 0.0, 0.35, 0.4), (255, 0, 0)),
        ((0.35, 0.0, 0.7, 0.4), (0, 0, 255)),
        ((0.6, 0.55, 1.0, 1.0), (0, 255, 0)),
        ((0.1, 0.6, 0.45, 0.85), (255, 255, 0)),
    ]
    for (x0, y0, x1, y1), colour in blocks:
        a[int(y0 * h):int(y1 * h) + 1, int(x0 * w):int(x1 * w) + 1] = colour
    a[:, w // 2 + 1] = (255, 0, 255)  # one pixel wide: the worst case
    return a


for w, h in SIZES:
    for sub, code in SUBSAMPLING.items():
        name = f"s{sub}_{w}x{h}.jpg"
        path = os.path.join(out, name)
        Image.fromarray(picture(w, h)).save(path, quality=90, subsampling=code)
        pil = np.asarray(Image.open(path).convert("RGB"))
        ocv = cv2.imread(path, cv2.IMREAD_COLOR)[..., ::-1]
        assert pil.shape == (h, w, 3) and (pil == ocv).all(), name
        np.save(path + ".npy", np.ascontiguousarray(pil.transpose(2, 0, 1)))

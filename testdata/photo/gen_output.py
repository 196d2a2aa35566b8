#!/usr/bin/python3
"""What libvips writes: alpha flattened for formats without it, JPEG quality.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_output.py

Needs Debian's python3-numpy, python3-pil and libvips-tools (vips 8.14).
Writes into testdata/photo/output/:
  rgba.png           a 96x128 crop of testdata/images/sample.png with a
                     soft round alpha mask (opaque centre, 0 outside,
                     a ramp between), the colour under alpha 0 kept
  flat_black.png     vips flatten rgba.png (default background: black)
  flat_orange.png    vips flatten rgba.png --background "255 128 0"
  q75.jpg, q90.jpg   vips jpegsave rgba.png (flattened) Q=75 (vips's
                     default) and Q=90: their quantisation tables are
                     the reference for --quality
  sobelx_rgba.npy    the alpha rule for a zero-sum kernel: colour through
                     cv2.filter2D(sobel-x, BORDER_REPLICATE) in float,
                     alpha as it was; (4, H, W) float32
  box5_rgba.npy      the rule for a smoothing kernel: colour premultiplied
                     by alpha, cv2.blur 5x5 (BORDER_REPLICATE) on colour
                     and alpha, colour divided by the blurred alpha
                     (0 where that alpha is 0)
"""
import cv2
import os
import subprocess

import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "testdata", "photo", "output")
os.makedirs(out, exist_ok=True)


def p(name):
    return os.path.join(out, name)


sample = np.array(Image.open(os.path.join(root, "testdata", "images", "sample.png")).convert("RGB"))
rgb = np.ascontiguousarray(sample[180:276, 150:278])
yy, xx = np.mgrid[0:96, 0:128]
r = np.hypot(yy - 48, xx - 64)
alpha = np.clip((44 - r) * 255 / 12, 0, 255).round().astype(np.uint8)
Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(p("rgba.png"))

subprocess.run(["vips", "flatten", p("rgba.png"), p("flat_black.png")], check=True)
subprocess.run(["vips", "flatten", p("rgba.png"), p("flat_orange.png"), "--background", "255 128 0"], check=True)
subprocess.run(["vips", "jpegsave", p("flat_black.png"), p("q75.jpg")], check=True)
subprocess.run(["vips", "jpegsave", p("flat_black.png"), p("q90.jpg"), "--Q", "90"], check=True)

a = alpha.astype(np.float64)
c = rgb.astype(np.float64)
sob = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float64)
colour = cv2.filter2D(c, cv2.CV_64F, sob, borderType=cv2.BORDER_REPLICATE)
np.save(p("sobelx_rgba.npy"), np.concatenate([colour.transpose(2, 0, 1), a[None]]).astype(np.float32))
pre = c * (a / 255)[..., None]
bc = cv2.blur(pre, (5, 5), borderType=cv2.BORDER_REPLICATE)
ba = cv2.blur(a, (5, 5), borderType=cv2.BORDER_REPLICATE)
with np.errstate(invalid="ignore", divide="ignore"):
    un = np.where(ba[..., None] > 0, bc / (ba / 255)[..., None], 0)
np.save(p("box5_rgba.npy"), np.concatenate([un.transpose(2, 0, 1), ba[None]]).astype(np.float32))

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
"""
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

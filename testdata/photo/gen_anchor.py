#!/usr/bin/python3
"""Even-sized kernels as OpenCV, libvips and ImageMagick anchor them.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_anchor.py

Needs Debian's python3-opencv, python3-numpy, python3-pil, libvips-tools
(vips 8.14) and imagemagick-6.q16 (convert 6.9). Inputs are crops of
testdata/images/sample.png; every tool runs with replicated edges (OpenCV
BORDER_REPLICATE, vips conv's own, ImageMagick's default virtual pixel
'edge'), which is convtool's default for images.

Writes into testdata/photo/anchor/:
  rgb.png, grey.png             the inputs (96x128 crops)
  box4.png                      cv2.blur(rgb, (4, 4)), uint8
  gauss4.npy                    cv2.sepFilter2D(rgb, CV_32F, g, g), g the
                                sampled 4-tap Gaussian of sigma 1.5, (C,H,W) float32
  k32.mat                       a 3-wide, 2-high asymmetric libvips matrix
  vips_k32.csv                  vips conv grey.png k32.mat --precision float
  im_<method>_<name>.png        convert grey.png -morphology <method> '<spec>'
"""
import os
import subprocess

import cv2
import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "testdata", "photo", "anchor")
os.makedirs(out, exist_ok=True)


def p(name):
    return os.path.join(out, name)


sample = np.array(Image.open(os.path.join(root, "testdata", "images", "sample.png")).convert("RGB"))
rgb = np.ascontiguousarray(sample[180:276, 150:278])  # roof, sky, horizon
Image.fromarray(rgb).save(p("rgb.png"))
grey = np.array(Image.fromarray(rgb).convert("L"))
Image.fromarray(grey).save(p("grey.png"))

# OpenCV: anchor (-1,-1) is ksize/2, the larger half of the window first.
box = cv2.blur(rgb, (4, 4), borderType=cv2.BORDER_REPLICATE)
Image.fromarray(box).save(p("box4.png"))
# The sampled Gaussian exp(-x²/2σ²), x = i - (K-1)/2, normalised: OpenCV
# 4.6's getGaussianKernel returns other weights for an even K (0.1888,
# 0.3112 here, not 0.1953, 0.3047), so the weights are made here and only
# OpenCV's anchor is under test.
x = np.arange(4) - 1.5
g = np.exp(-x * x / (2 * 1.5 ** 2))
g = (g / g.sum()).astype(np.float32).reshape(4, 1)
gs = cv2.sepFilter2D(rgb.astype(np.float32), cv2.CV_32F, g, g, borderType=cv2.BORDER_REPLICATE)
np.save(p("gauss4.npy"), np.ascontiguousarray(gs.transpose(2, 0, 1)).astype(np.float32))

# libvips: a 3x2 (width x height) matrix, asymmetric so a shifted anchor
# shows; scale 1, offset 0.
with open(p("k32.mat"), "w") as f:
    f.write("3 2 1 0\n0.05 0.10 0.15\n0.20 0.25 0.25\n")
subprocess.run(["vips", "conv", p("grey.png"), p("vips_k32.v"), p("k32.mat"), "--precision", "float"], check=True)
subprocess.run(["vips", "csvsave", p("vips_k32.v"), p("vips_k32.csv")], check=True)
os.remove(p("vips_k32.v"))

# ImageMagick: the same string correlates or convolves by method.
specs = {
    "k32": "3x2: 0.05,0.10,0.15,0.20,0.25,0.25",
    "k32o": "3x2+2+1: 0.05,0.10,0.15,0.20,0.25,0.25",
    "k44": "4x4: 0,0,0.1,0, 0,0.2,0.1,0, 0.1,0.2,0.1,0, 0,0,0,0.2",
}
with open(p("im_specs.txt"), "w") as f:
    for name, spec in specs.items():
        f.write(f"{name}\t{spec}\n")
        for method in ("Convolve", "Correlate"):
            subprocess.run(["convert", p("grey.png"), "-define", "convolve:scale=1", "-morphology", method, spec,
                            "-depth", "8", "-type", "Grayscale", p(f"im_{method.lower()}_{name}.png")], check=True)

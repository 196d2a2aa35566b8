#!/usr/bin/python3
"""Oracle fixtures for the conv command's image paths (cmd/convtool/conv_test.go).

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/cli/gen_cli_fixtures.py

(needs Debian's python3-numpy, python3-scipy, python3-opencv, python3-pil and
libvips-tools for `vips`). Inputs are crops of testdata/images/sample.png;
every reference is computed by OpenCV, scipy.ndimage or libvips, in float64,
and stored unrounded as float32 .npy, so the Go test can say how far its
rounded image may be from the exact value.
"""
import os
import subprocess
import tempfile

import cv2
import numpy as np
import scipy.ndimage as ndi
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
rng = np.random.default_rng(20261128)


def save(name, arr):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(arr, dtype=np.float32))


def chw(a):
    return a.transpose(2, 0, 1) if a.ndim == 3 else a[None]


def gauss2d(sigma):
    r = int(4 * sigma + 0.5)
    g = cv2.getGaussianKernel(2 * r + 1, sigma, cv2.CV_64F)
    return g @ g.T


src = np.asarray(Image.open(os.path.join(ROOT, "testdata/images/sample.png")).convert("RGB"))
rgb = src[200:248, 40:104].copy()  # 48x64, hard edges and texture
Image.fromarray(rgb).save(os.path.join(HERE, "rgb.png"))

# 1. gaussian:2 with replicate edges (convtool's image default) = OpenCV
#    filter2D with BORDER_REPLICATE, per channel.
k = gauss2d(2.0)
ref = cv2.filter2D(rgb.astype(np.float64), -1, k, borderType=cv2.BORDER_REPLICATE)
save("rgb_gaussian2.npy", chw(ref))

# 2. sobel-x on grey (Rec. 601 luma in float), absolute value:
#    cv2.Sobel dx=1 with BORDER_REPLICATE.
grey = rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
sob = cv2.Sobel(grey, cv2.CV_64F, 1, 0, ksize=3, borderType=cv2.BORDER_REPLICATE)
save("grey_sobelx_abs.npy", np.abs(sob)[None])
# and --rescale: min..max onto 0..255
save("grey_sobelx_rescale.npy", ((sob - sob.min()) / (sob.max() - sob.min()) * 255)[None])

# 3. RGBA with a transparent hole of pure red: --alpha convolve must not
#    bleed red; reference = premultiply, scipy.ndimage.correlate (mode
#    'nearest' = replicate), divide by the filtered alpha.
rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)
rgba[10:30, 20:40, :3] = (255, 0, 0)
rgba[10:30, 20:40, 3] = 0
rgba[30:40, 5:25, 3] = 128
Image.fromarray(rgba, "RGBA").save(os.path.join(HERE, "rgba.png"))
box = np.ones((5, 5)) / 25
a = rgba[..., 3].astype(np.float64) / 255
pre = rgba[..., :3].astype(np.float64) * a[..., None]
fa = ndi.correlate(a, box, mode="nearest")
fc = np.stack([ndi.correlate(pre[..., c], box, mode="nearest") for c in range(3)], axis=2)
col = np.where(fa[..., None] > 0, fc / np.where(fa > 0, fa, 1)[..., None], 0)
save("rgba_box5_convolve.npy", chw(np.concatenate([col, (fa * 255)[..., None]], axis=2)))
# --alpha keep: colour filtered as is, alpha unchanged.
keep = np.stack([ndi.correlate(rgba[..., c].astype(np.float64), box, mode="nearest") for c in range(3)], axis=2)
save("rgba_box5_keep.npy", chw(np.concatenate([keep, rgba[..., 3:].astype(np.float64)], axis=2)))

# 4. 16-bit grey PNG through box:3: the sample range stays 0..65535.
g16 = (rng.random((23, 31)) * 65535).astype(np.uint16)
cv2.imwrite(os.path.join(HERE, "grey16.png"), g16)
save("grey16_box3.npy", ndi.correlate(g16.astype(np.float64), np.ones((3, 3)) / 9, mode="nearest")[None])

# 5. libvips' scale and offset from a .mat header: vips conv is the oracle.
mat = "3 3 4 10\n-1 0 1\n-2 0 2\n-1 0 1\n"
with open(os.path.join(HERE, "sobel_s4_o10.mat"), "w") as f:
    f.write(mat)
Image.fromarray(rgb[..., 1]).save(os.path.join(HERE, "grey.png"))
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "out.csv")
    subprocess.run(["vips", "conv", os.path.join(HERE, "grey.png"), out,
                    os.path.join(HERE, "sobel_s4_o10.mat"), "--precision", "float"], check=True)
    v = np.loadtxt(out, delimiter="\t")
save("grey_vips_sobel_s4_o10.npy", v[None])
print("wrote fixtures to", HERE)

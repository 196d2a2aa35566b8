#!/usr/bin/python3
"""Netpbm, PFM and WebP files as PIL, OpenCV and libvips write and read them.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_formats.py

Needs Debian's python3-opencv, python3-numpy, python3-pil (with WebP) and
libvips-tools (vips 8.14). Inputs are small crops of
testdata/images/sample.png. For every file formats/NAME it writes
formats/NAME.npy: what an independent decoder returns, as a (C, H, W)
array in convtool's channel order (uint8, uint16 or float32):

  grey_p5.pgm, rgb_p6.ppm, bw_p4.pbm   written and read by PIL
  grey_p2.pgm, rgb_p3.ppm              vips ppmsave --ascii, read by PIL
  grey16.pgm                           cv2.imwrite of uint16, read by cv2
  rgba.pam                             P7 RGB_ALPHA written here, read by cv2
  rgb.pfm, grey.pfm                    cv2.imwrite of float32, read by cv2
  rgb_lossless.webp, rgba_lossless.webp, rgb_q90.webp, rgba_q90.webp
                                       written and read by PIL
"""
import os
import subprocess

import cv2
import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "testdata", "photo", "formats")
os.makedirs(out, exist_ok=True)


def p(name):
    return os.path.join(out, name)


def save_ref(name, a):
    """a is (H, W) or (H, W, C) in the decoder's order, already RGB(A)."""
    if a.ndim == 2:
        a = a[None]
    else:
        a = a.transpose(2, 0, 1)
    np.save(p(name + ".npy"), np.ascontiguousarray(a))


sample = np.array(Image.open(os.path.join(root, "testdata", "images", "sample.png")).convert("RGB"))
rgb = np.ascontiguousarray(sample[200:248, 130:194])  # 48x64
grey = np.array(Image.fromarray(rgb).convert("L"))

Image.fromarray(grey).save(p("grey_p5.pgm"))
save_ref("grey_p5.pgm", np.array(Image.open(p("grey_p5.pgm"))))
Image.fromarray(rgb).save(p("rgb_p6.ppm"))
save_ref("rgb_p6.ppm", np.array(Image.open(p("rgb_p6.ppm"))))
Image.fromarray(grey).convert("1", dither=Image.Dither.NONE).save(p("bw_p4.pbm"))
save_ref("bw_p4.pbm", np.array(Image.open(p("bw_p4.pbm")).convert("L")))

subprocess.run(["vips", "ppmsave", p("grey_p5.pgm"), p("grey_p2.pgm"), "--ascii"], check=True)
save_ref("grey_p2.pgm", np.array(Image.open(p("grey_p2.pgm"))))
subprocess.run(["vips", "ppmsave", p("rgb_p6.ppm"), p("rgb_p3.ppm"), "--ascii"], check=True)
save_ref("rgb_p3.ppm", np.array(Image.open(p("rgb_p3.ppm"))))

g16 = (grey.astype(np.uint16) * 257 + np.arange(grey.size, dtype=np.uint16).reshape(grey.shape) % 200).astype(np.uint16)
cv2.imwrite(p("grey16.pgm"), g16)
save_ref("grey16.pgm", cv2.imread(p("grey16.pgm"), cv2.IMREAD_UNCHANGED))

yy, xx = np.mgrid[0:48, 0:64]
alpha = np.clip(255 - 8 * np.hypot(yy - 24, xx - 32), 0, 255).astype(np.uint8)
rgba = np.dstack([rgb, alpha])
# PAM written by the Netpbm spec (samples R, G, B, A); OpenCV reads the
# samples back in file order (it does not swap a PAM to BGR), which must
# equal what was written.
with open(p("rgba.pam"), "wb") as fh:
    fh.write(b"P7\nWIDTH 64\nHEIGHT 48\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n")
    fh.write(rgba.tobytes())
back = cv2.imread(p("rgba.pam"), cv2.IMREAD_UNCHANGED)
assert np.array_equal(back, rgba)
save_ref("rgba.pam", back)

# PFM: a float image with values outside 0..1, written and read by OpenCV
# (which stores rows bottom to top, RGB, as the format says; vips 8.14's
# ppmload returns the rows in file order, upside down, so it is not used).
f = (rgb.astype(np.float32) / 255.0) * 1.5 - 0.25
cv2.imwrite(p("rgb.pfm"), np.ascontiguousarray(f[..., ::-1]))
save_ref("rgb.pfm", cv2.imread(p("rgb.pfm"), cv2.IMREAD_UNCHANGED)[..., ::-1])
cv2.imwrite(p("grey.pfm"), np.ascontiguousarray(f[..., 1]))
save_ref("grey.pfm", cv2.imread(p("grey.pfm"), cv2.IMREAD_UNCHANGED))

Image.fromarray(rgb).save(p("rgb_lossless.webp"), lossless=True)
save_ref("rgb_lossless.webp", np.array(Image.open(p("rgb_lossless.webp"))))
Image.fromarray(rgba, "RGBA").save(p("rgba_lossless.webp"), lossless=True, exact=True)
save_ref("rgba_lossless.webp", np.array(Image.open(p("rgba_lossless.webp"))))
Image.fromarray(rgb).save(p("rgb_q90.webp"), quality=90)
save_ref("rgb_q90.webp", np.array(Image.open(p("rgb_q90.webp")).convert("RGB")))
Image.fromarray(rgba, "RGBA").save(p("rgba_q90.webp"), quality=90)
save_ref("rgba_q90.webp", np.array(Image.open(p("rgba_q90.webp")).convert("RGBA")))

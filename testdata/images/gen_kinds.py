#!/usr/bin/python3
"""Small images of every kind convtool decodes, with what PIL/OpenCV read.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/images/gen_kinds.py

For every image kinds/NAME.EXT it writes kinds/NAME.EXT.npy: the samples an
independent decoder returns, as a (C, H, W) uint8 or uint16 array in
convtool's channel order (grey; grey, alpha; R, G, B; R, G, B, A). 8-bit
files are read with PIL (palette images converted to RGB, or RGBA when the
palette has transparency); 16-bit files with cv2.imread(IMREAD_UNCHANGED)
(BGR reordered to RGB). Grey+alpha PNGs, which neither library writes at
16 bits, are encoded here with zlib from known arrays and checked against
PIL (8-bit) or cv2 (16-bit) before being kept.
"""
import os
import struct
import zlib

import cv2
import numpy as np
from PIL import Image

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kinds")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
H, W = 13, 17


def p(name):
    return os.path.join(out, name)


def smooth(depth, c):
    """A gradient with noise: exercises every sample value range."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    top = 255 if depth == 8 else 65535
    chans = []
    for i in range(c):
        g = (x / (W - 1) * 0.6 + y / (H - 1) * 0.3 + 0.1 * i) % 1.0
        v = g * top + rng.normal(0, top / 20, size=(H, W))
        chans.append(np.clip(np.rint(v), 0, top))
    a = np.stack(chans, axis=-1).astype(np.uint8 if depth == 8 else np.uint16)
    a[0, 0] = 0
    a[0, 1] = top
    return a if c > 1 else a[..., 0]


def ref(name, chw):
    np.save(p(name + ".npy"), np.ascontiguousarray(chw))


def hwc_to_chw(a):
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


def pil_ref(name, mode=None):
    im = Image.open(p(name))
    if mode:
        im = im.convert(mode)
    ref(name, hwc_to_chw(np.array(im)))


def cv2_ref(name):
    a = cv2.imread(p(name), cv2.IMREAD_UNCHANGED)
    assert a.dtype == np.uint16, (name, a.dtype)
    if a.ndim == 3:
        a = a[..., [2, 1, 0, 3][: a.shape[2]]]
    ref(name, hwc_to_chw(a))


def png_chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(name, a, color_type):
    """Minimal PNG encoder (filter 0) for kinds PIL/cv2 cannot write."""
    depth = 16 if a.dtype == np.uint16 else 8
    h, w = a.shape[:2]
    raw = b"".join(b"\0" + a[r].astype(">u2" if depth == 16 else "u1").tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0)
    with open(p(name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


# PNG, 8-bit, through PIL.
Image.fromarray(smooth(8, 1)).save(p("grey8.png"))
pil_ref("grey8.png")
Image.fromarray(smooth(8, 3)).save(p("rgb8.png"))
pil_ref("rgb8.png")
Image.fromarray(smooth(8, 4)).save(p("rgba8.png"))
pil_ref("rgba8.png")
la = smooth(8, 2)
Image.fromarray(la, "LA").save(p("ga8.png"))
pil_ref("ga8.png")
# Palette without and with transparency.
pal = Image.fromarray(smooth(8, 3)).quantize(colors=20)
pal.save(p("palette.png"))
pil_ref("palette.png", "RGB")
pt = pal.copy()
pt.info["transparency"] = bytes([0, 128] + [255] * 18)
pt.save(p("palette_trns.png"), transparency=bytes([0, 128] + [255] * 18))
pil_ref("palette_trns.png", "RGBA")
# Grey with a tRNS colour: PIL keeps mode L (the key colour is not a channel).
Image.fromarray(smooth(8, 1)).save(p("grey8_trns.png"), transparency=7)
pil_ref("grey8_trns.png")
# 1-bit grey: PIL mode "1" reads as bool; as "L" as 0/255.
Image.fromarray(smooth(8, 1) > 128).save(p("grey1.png"))
pil_ref("grey1.png", "L")

# PNG, 16-bit, through OpenCV.
cv2.imwrite(p("grey16.png"), smooth(16, 1))
cv2_ref("grey16.png")
cv2.imwrite(p("rgb16.png"), smooth(16, 3)[..., ::-1])
cv2_ref("rgb16.png")
cv2.imwrite(p("rgba16.png"), smooth(16, 4)[..., [2, 1, 0, 3]])
cv2_ref("rgba16.png")
# Grey+alpha 16-bit: encoded here; cv2 reads it as BGRA with B=G=R.
ga16 = smooth(16, 2)
write_png("ga16.png", ga16, 4)
c = cv2.imread(p("ga16.png"), cv2.IMREAD_UNCHANGED)
assert c.dtype == np.uint16 and (c[..., 0] == ga16[..., 0]).all() and (c[..., 3] == ga16[..., 1]).all()
ref("ga16.png", hwc_to_chw(ga16))
# Grey+alpha 8-bit from our encoder too, checked against PIL.
write_png("ga8_own.png", la, 4)
assert (np.array(Image.open(p("ga8_own.png"))) == la).all()
ref("ga8_own.png", hwc_to_chw(la))

# JPEG: grey, colour 4:4:4 and 4:2:0 (Go's decoder differs from libjpeg by
# its IDCT and chroma upsampling: tests use a tolerance).
Image.fromarray(smooth(8, 1)).save(p("grey.jpg"), quality=95)
pil_ref("grey.jpg")
Image.fromarray(smooth(8, 3)).save(p("rgb444.jpg"), quality=95, subsampling=0)
pil_ref("rgb444.jpg")
Image.fromarray(smooth(8, 3)).save(p("rgb420.jpg"), quality=90, subsampling=2)
pil_ref("rgb420.jpg")

# GIF: opaque and with a transparent index.
g = Image.fromarray(smooth(8, 3)).quantize(colors=32)
g.save(p("opaque.gif"))
pil_ref("opaque.gif", "RGB")
g.save(p("trns.gif"), transparency=0)
pil_ref("trns.gif", "RGBA")

# TIFF: 8-bit through PIL, 16-bit through OpenCV.
Image.fromarray(smooth(8, 1)).save(p("grey8.tif"))
pil_ref("grey8.tif")
Image.fromarray(smooth(8, 3)).save(p("rgb8.tif"), compression="tiff_deflate")
pil_ref("rgb8.tif")
Image.fromarray(smooth(8, 4)).save(p("rgba8.tif"))
pil_ref("rgba8.tif")
cv2.imwrite(p("grey16.tif"), smooth(16, 1))
cv2_ref("grey16.tif")
cv2.imwrite(p("rgb16.tif"), smooth(16, 3)[..., ::-1])
cv2_ref("rgb16.tif")

# BMP: 24-bit colour, and 8-bit (PIL reads a grey palette as L; convtool
# expands every palette to RGB, so the reference is PIL's RGB).
Image.fromarray(smooth(8, 3)).save(p("rgb.bmp"))
pil_ref("rgb.bmp")
Image.fromarray(smooth(8, 1)).save(p("grey.bmp"))
pil_ref("grey.bmp", "RGB")

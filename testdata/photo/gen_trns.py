#!/usr/bin/python3
"""PNGs with tRNS transparency, as libvips and PIL read them.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_trns.py

Needs Debian's python3-numpy, python3-pil and libvips-tools (vips 8.14).
Into testdata/photo/trns/ it writes, from a 40x56 crop of
testdata/images/sample.png:
  grey8_key.png, rgb8_key.png, grey16_key.png, rgb16_key.png
      grey/RGB PNGs with a tRNS key colour (one that occurs in the crop);
      NAME.npy is what libvips reads: an alpha band added (0 at the key),
      every band written out by `vips extract_band` + `vips csvsave`,
      (C, H, W) float32
  palette_trns.png
      a palette PNG whose transparent entries have distinct colours;
      NAME.npy is PIL's RGBA: the palette colour kept under alpha 0
"""
import os
import struct
import subprocess
import zlib

import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "testdata", "photo", "trns")
os.makedirs(out, exist_ok=True)


def p(name):
    return os.path.join(out, name)


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png(a, ct, depth, trns):
    h, w = a.shape[:2]
    raw = b"".join(b"\0" + a[y].astype(">u2" if depth == 16 else "u1").tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, 0))
            + chunk(b"tRNS", trns) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


sample = np.array(Image.open(os.path.join(root, "testdata", "images", "sample.png")).convert("RGB"))
rgb = np.ascontiguousarray(sample[140:180, 60:116])  # sky and roof: flat areas repeat colours
grey = np.array(Image.fromarray(rgb).convert("L"))
kg = int(np.bincount(grey.ravel()).argmax())
vals, counts = np.unique(rgb.reshape(-1, 3), axis=0, return_counts=True)
kc = vals[counts.argmax()]

files = {
    "grey8_key.png": png(grey, 0, 8, struct.pack(">H", kg)),
    "rgb8_key.png": png(rgb, 2, 8, struct.pack(">HHH", *kc)),
    "grey16_key.png": png(grey.astype(np.uint16) * 257, 0, 16, struct.pack(">H", kg * 257)),
    "rgb16_key.png": png(rgb.astype(np.uint16) * 257, 2, 16, struct.pack(">HHH", *(int(v) * 257 for v in kc))),
}
for name, data in files.items():
    with open(p(name), "wb") as f:
        f.write(data)
    # What vips reads: bands and their values, through vips's own csv of
    # each band.
    bands = int(subprocess.run(["vipsheader", "-f", "bands", p(name)], capture_output=True, text=True, check=True).stdout)
    ref = []
    for b in range(bands):
        subprocess.run(["vips", "extract_band", p(name), p("b.v"), str(b)], check=True)
        subprocess.run(["vips", "csvsave", p("b.v"), p("b.csv")], check=True)
        ref.append(np.loadtxt(p("b.csv"), delimiter="\t").astype(np.float32))
    np.save(p(name + ".npy"), np.stack(ref))
    os.remove(p("b.v"))
    os.remove(p("b.csv"))

# Palette: entries 0..3 transparent (alpha 0) but with distinct colours.
idx = (np.arange(40 * 56).reshape(40, 56) // 7 % 8).astype(np.uint8)
pal = [10, 20, 30, 200, 40, 40, 60, 250, 60, 90, 90, 90, 255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128]
im = Image.fromarray(idx, "P")
im.putpalette(pal)
im.info["transparency"] = bytes([0, 0, 0, 0, 255, 128, 255, 255])
im.save(p("palette_trns.png"), transparency=bytes([0, 0, 0, 0, 255, 128, 255, 255]))
ref = np.array(Image.open(p("palette_trns.png")).convert("RGBA"))
np.save(p("palette_trns.png.npy"), np.ascontiguousarray(ref.transpose(2, 0, 1)).astype(np.float32))

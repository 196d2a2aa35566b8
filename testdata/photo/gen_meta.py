#!/usr/bin/python3
"""Photos carrying metadata, and what PIL and libvips read from them.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_meta.py

Needs Debian's python3-numpy, python3-pil and libvips-tools (vips 8.14).
Into testdata/photo/meta/, from a 48x64 crop of testdata/images/sample.png:
  rot6.jpg     written by PIL with EXIF Orientation=6 (and a Make tag),
               an sRGB ICC profile (PIL ImageCms), 300 dpi, and an XMP
               APP1 segment inserted after SOI
  rot6_upright.npy   PIL ImageOps.exif_transpose(Image.open(rot6.jpg)),
               (3, 64, 48): what --autorotate must show
  rot6_vips.png      vips autorot rot6.jpg: the same picture from libvips
  icc.png      PNG with the ICC profile, tEXt Title, iTXt Comment (UTF-8),
               gAMA 45455 and pHYs 72 dpi, written by PIL
  res.tif      a TIFF at 150 dpi, written by PIL
  meta.webp    a lossless WebP with the EXIF (orientation 6), ICC and XMP
  orient1..8.png/.npy   every EXIF orientation and PIL exif_transpose of it
  facts.json   what PIL reads from each: orientation, ICC length and
               first bytes, dpi, text, gamma, XMP
"""
import io
import json
import os
import struct
import subprocess

import numpy as np
from PIL import Image, ImageCms, ImageOps, PngImagePlugin

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "testdata", "photo", "meta")
os.makedirs(out, exist_ok=True)


def p(name):
    return os.path.join(out, name)


sample = Image.open(os.path.join(root, "testdata", "images", "sample.png")).convert("RGB")
crop = sample.crop((150, 190, 214, 238))  # 64 wide, 48 high: roof corner, asymmetric
icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

exif = Image.Exif()
exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
exif[0x010F] = "convtool test"  # Make
buf = io.BytesIO()
crop.save(buf, "JPEG", quality=95, exif=exif.tobytes(), icc_profile=icc, dpi=(300, 300))
jpg = buf.getvalue()
xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>convtool</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>'
body = b"http://ns.adobe.com/xap/1.0/\x00" + xmp
jpg = jpg[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + jpg[2:]
with open(p("rot6.jpg"), "wb") as f:
    f.write(jpg)

im = Image.open(p("rot6.jpg"))
up = np.array(ImageOps.exif_transpose(im).convert("RGB"))
np.save(p("rot6_upright.npy"), np.ascontiguousarray(up.transpose(2, 0, 1)))
subprocess.run(["vips", "autorot", p("rot6.jpg"), p("rot6_vips.png")], check=True)

info = PngImagePlugin.PngInfo()
info.add_text("Title", "convtool sample")
info.add_itxt("Comment", "Tönung – gefiltert", lang="de")
info.add(b"gAMA", struct.pack(">I", 45455))
crop.save(p("icc.png"), icc_profile=icc, pnginfo=info, dpi=(72, 72))

facts = {}
im = Image.open(p("rot6.jpg"))
facts["rot6.jpg"] = {
    "orientation": im.getexif().get(0x0112),
    "icc_len": len(im.info["icc_profile"]),
    "icc_head": im.info["icc_profile"][:16].hex(),
    "dpi": [round(v) for v in im.info["dpi"]],
    "xmp": xmp.decode(),
}
im = Image.open(p("icc.png"))
im.load()
facts["icc.png"] = {
    "icc_len": len(im.info["icc_profile"]),
    "icc_head": im.info["icc_profile"][:16].hex(),
    "dpi": [round(v) for v in im.info["dpi"]],
    "gamma": round(im.info["gamma"] * 100000),
    "text": {k: str(v) for k, v in im.text.items()},
}
crop.save(p("res.tif"), dpi=(150, 150))
im = Image.open(p("res.tif"))
facts["res.tif"] = {"dpi": [round(v) for v in im.info["dpi"]]}
with open(p("facts.json"), "w") as f:
    json.dump(facts, f, indent=1, ensure_ascii=False)
    f.write("\n")

# Every orientation, losslessly: a 3x5 RGB PNG with an eXIf chunk
# (PIL writes it), and PIL's exif_transpose of it, (3, H', W') uint8.
small = Image.fromarray(np.arange(3 * 5 * 3, dtype=np.uint8).reshape(3, 5, 3) * 5)
for o in range(1, 9):
    e = Image.Exif()
    e[0x0112] = o
    small.save(p(f"orient{o}.png"), exif=e.tobytes())
    ref = np.array(ImageOps.exif_transpose(Image.open(p(f"orient{o}.png"))).convert("RGB"))
    np.save(p(f"orient{o}.npy"), np.ascontiguousarray(ref.transpose(2, 0, 1)))

# WebP with EXIF (orientation 6), the ICC profile and XMP, written by PIL.
crop.save(p("meta.webp"), lossless=True, exif=exif.tobytes(), icc_profile=icc, xmp=xmp)
im = Image.open(p("meta.webp"))
facts["meta.webp"] = {
    "orientation": im.getexif().get(0x0112),
    "icc_len": len(im.info["icc_profile"]),
    "icc_head": im.info["icc_profile"][:16].hex(),
    "xmp": im.info.get("xmp", b"").decode() if isinstance(im.info.get("xmp"), bytes) else im.info.get("xmp", ""),
}
with open(p("facts.json"), "w") as f:
    json.dump(facts, f, indent=1, ensure_ascii=False)
    f.write("\n")

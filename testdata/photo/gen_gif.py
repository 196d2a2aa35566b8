#!/usr/bin/python3
"""How close libvips' and ImageMagick's GIFs of the sample photo come to it.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/photo/gen_gif.py

Needs Debian's python3-numpy, python3-pil, libvips-tools (vips 8.14) and
imagemagick-6.q16 (convert 6.9). Writes testdata/photo/gif_errors.json:
the mean |GIF - original| over every RGB sample of
testdata/images/sample.png saved by `vips gifsave` and by `convert`
(each with its default palette choice and dithering), read back by PIL.
The GIFs themselves are not kept.
"""
import json
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
src = os.path.join(root, "testdata", "images", "sample.png")
a = np.array(Image.open(src).convert("RGB")).astype(np.float64)
res = {"image": "testdata/images/sample.png"}
with tempfile.TemporaryDirectory() as d:
    for name, cmd in (("vips", ["vips", "gifsave", src, os.path.join(d, "vips.gif")]),
                      ("imagemagick", ["convert", src, os.path.join(d, "imagemagick.gif")])):
        subprocess.run(cmd, check=True)
        b = np.array(Image.open(os.path.join(d, name + ".gif")).convert("RGB")).astype(np.float64)
        res[name] = round(float(np.abs(a - b).mean()), 4)
with open(os.path.join(root, "testdata", "photo", "gif_errors.json"), "w") as f:
    json.dump(res, f, indent=1)
    f.write("\n")

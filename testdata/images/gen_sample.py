#!/usr/bin/python3
"""The README's sample image: 512x512 RGB, 8-bit, photo-like but synthetic.

Regenerate from the repository root with:

    /usr/bin/python3 testdata/images/gen_sample.py

Smooth sky-to-ground gradients, a soft sun, hard-edged shapes (a house, a
disc, stripes for aliasing), fine texture (grass), mild sensor noise and a
line of text: enough for blurs, edge detectors and sharpening to show
what they do. Deterministic (fixed seed).
"""
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

N = 512
rng = np.random.default_rng(2024)
y, x = np.mgrid[0:N, 0:N].astype(np.float64)

# Sky: blue at the top to pale at the horizon; ground: green-brown.
horizon = 300
t = np.clip(y / horizon, 0, 1)[..., None]
sky = (1 - t) * np.array([40, 90, 190]) + t * np.array([200, 220, 240])
g = np.clip((y - horizon) / (N - horizon), 0, 1)[..., None]
ground = (1 - g) * np.array([90, 140, 60]) + g * np.array([110, 90, 50])
img = np.where((y < horizon)[..., None], sky, ground)

# A soft sun.
d = np.hypot(x - 400, y - 90)
sun = np.exp(-(d / 45) ** 2)[..., None]
img = img * (1 - sun) + sun * np.array([255, 240, 180])

# Grass texture below the horizon: vertical streaks of varying brightness.
streak = rng.normal(0, 1, size=N)
streak = np.convolve(streak, np.ones(3) / 3, mode="same")
tex = streak[None, :] * 14 * (y > horizon + 2)
img += tex[..., None] * np.array([0.6, 1.0, 0.4])

im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
dr = ImageDraw.Draw(im)
# A house with hard edges.
dr.rectangle([80, 230, 220, 360], fill=(180, 60, 50))
dr.polygon([(65, 232), (150, 160), (235, 232)], fill=(90, 40, 30))
dr.rectangle([130, 290, 170, 360], fill=(60, 40, 30))
dr.rectangle([95, 255, 125, 285], fill=(230, 230, 200), outline=(40, 40, 40), width=3)
dr.rectangle([175, 255, 205, 285], fill=(230, 230, 200), outline=(40, 40, 40), width=3)
# A disc and a ring.
dr.ellipse([300, 320, 420, 440], fill=(230, 200, 40))
dr.ellipse([330, 350, 390, 410], fill=(40, 110, 200))
# Stripes of decreasing period: where blurs and strides alias.
for i in range(24):
    w = 1 + i // 6
    x0 = 20 + sum(2 * (1 + j // 6) for j in range(i))
    dr.rectangle([x0, 460, x0 + w - 1, 500], fill=(20, 20, 20))
# A diagonal line and text.
dr.line([(250, 480), (500, 380)], fill=(250, 250, 250), width=2)
try:
    font = ImageFont.truetype("DejaVuSans-Bold.ttf", 28)
except OSError:
    font = ImageFont.load_default()
dr.text((250, 20), "convtool", fill=(255, 255, 255), font=font)

# Mild sensor noise over everything.
a = np.asarray(im).astype(np.float64) + rng.normal(0, 2.0, size=(N, N, 3))
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.png")
Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "RGB").save(out, optimize=True)

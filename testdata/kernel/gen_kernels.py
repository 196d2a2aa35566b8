#!/usr/bin/python3
"""Oracle kernels for internal/kernel's tests, from OpenCV, scipy, numpy
and ImageMagick -- never from convtool's own code.

Regenerate (from the repository root) with exactly:

    /usr/bin/python3 testdata/kernel/gen_kernels.py

It writes testdata/kernel/oracle.json: {"kernels": [{"spec", "oracle",
"h", "w", "data"}], "svd": [{"spec" or "matrix", "s"}]}. A spec may appear
more than once when two oracles build it independently. Filters applied
to an impulse give the kernel turned by 180 degrees (correlation of a
delta), so those results are rotated back.

Tools: numpy 1.24, scipy 1.10, OpenCV 4.6, ImageMagick 6 (`convert`).
"""
import json
import math
import os
import re
import subprocess

import cv2
import numpy as np
import scipy.ndimage as ndi

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle.json")
kernels = []


def add(spec, oracle, k):
    k = np.asarray(k, dtype=np.float64)
    kernels.append({"spec": spec, "oracle": oracle, "h": int(k.shape[0]),
                    "w": int(k.shape[1]), "data": [float(v) for v in k.ravel()]})


def impulse(n):
    a = np.zeros((n, n), np.float64)
    a[n // 2, n // 2] = 1
    return a


def from_impulse(out, kh, kw):
    """Crop the response to a centred impulse and rotate it back."""
    n = out.shape[0]
    c = n // 2
    r = out[c - (kh - 1) // 2: c + kh // 2 + 1, c - (kw - 1) // 2: c + kw // 2 + 1]
    return r[::-1, ::-1]


def im_kernel(spec):
    """The kernel ImageMagick builds for spec, read from showKernel."""
    p = subprocess.run(["convert", "xc:", "-define", "morphology:showKernel=1",
                        "-morphology", "Convolve", spec, "null:"],
                       capture_output=True, text=True, check=True)
    rows = [list(map(float, l.split(":", 1)[1].split()))
            for l in p.stderr.splitlines() if re.match(r"^\s*\d+:", l)]
    return np.array(rows)


# identity, box
add("identity", "definition", [[1]])
add("identity:3", "numpy", impulse(3))
for k in (1, 2, 3, 4, 5):  # even sizes as cv2.blur takes them
    add("box:%d" % k, "cv2.blur", from_impulse(
        cv2.blur(impulse(15), (k, k), borderType=cv2.BORDER_CONSTANT), k, k))

# An even Gaussian is sampled at the half-integers about its centre. OpenCV
# 4.6's getGaussianKernel does something else for even sizes (its outer taps
# are exp(-1.125) of its inner ones for n=4, not exp(-1)), so the oracle
# here is the sampled definition in numpy.
for sigma, n in ((1.0, 4), (1.5, 6)):
    x = np.arange(n) - (n - 1) / 2
    g = np.exp(-x * x / (2 * sigma * sigma))
    g /= g.sum()
    add("gaussian:%g:%d" % (sigma, n), "numpy sampled definition", np.outer(g, g))

# gaussian: cv2.getGaussianKernel's outer product, and scipy's
# gaussian_filter (truncate=4) on an impulse.
for sigma, ksize in ((0.5, None), (1.0, None), (1.5, None), (2.0, 7), (0.8, 5), (3.0, None)):
    spec = "gaussian:%g" % sigma
    n = ksize if ksize else 2 * int(4 * sigma + 0.5) + 1
    if ksize:
        spec += ":%d" % ksize
    g = cv2.getGaussianKernel(n, sigma, cv2.CV_64F)
    add(spec, "cv2.getGaussianKernel", g @ g.T)
    if not ksize:
        out = ndi.gaussian_filter(impulse(n + 10), sigma, mode="constant", truncate=4.0)
        add(spec, "scipy.ndimage.gaussian_filter", from_impulse(out, n, n))

# derivatives: cv2.getDerivKernels (separable factors used by sepFilter2D,
# i.e. correlation) and cv2.Sobel/Scharr on an impulse.
for name, ks in (("sobel", 3), ("scharr", cv2.FILTER_SCHARR)):
    for axis, (dx, dy) in (("x", (1, 0)), ("y", (0, 1))):
        kx, ky = cv2.getDerivKernels(dx, dy, ks, normalize=False, ktype=cv2.CV_64F)
        add("%s-%s" % (name, axis), "cv2.getDerivKernels", ky @ kx.T)
        if name == "sobel":
            out = cv2.Sobel(impulse(9), cv2.CV_64F, dx, dy, ksize=3, borderType=cv2.BORDER_CONSTANT)
        else:
            out = cv2.Scharr(impulse(9), cv2.CV_64F, dx, dy, borderType=cv2.BORDER_CONSTANT)
        add("%s-%s" % (name, axis), "cv2." + name.capitalize(), from_impulse(out, 3, 3))
add("prewitt-x", "scipy.ndimage.prewitt", from_impulse(ndi.prewitt(impulse(9), axis=1, mode="constant"), 3, 3))
add("prewitt-y", "scipy.ndimage.prewitt", from_impulse(ndi.prewitt(impulse(9), axis=0, mode="constant"), 3, 3))
# A ramp increasing to the right must give a positive x derivative.
ramp = np.tile(np.arange(9, dtype=np.float64), (9, 1))
assert cv2.Sobel(ramp, cv2.CV_64F, 1, 0, ksize=3)[4, 4] > 0

lap4 = from_impulse(cv2.Laplacian(impulse(9), cv2.CV_64F, ksize=1, borderType=cv2.BORDER_CONSTANT), 3, 3)
add("laplacian", "cv2.Laplacian", lap4)
im_lap8 = im_kernel("Laplacian:0")  # ImageMagick's is the negated 8-neighbour one
add("laplacian8", "ImageMagick Laplacian:0 negated", -im_lap8)
add("outline", "ImageMagick Laplacian:0", im_lap8)
add("sharpen", "impulse minus cv2.Laplacian", impulse(3) - lap4)
add("emboss", "definition (image-kernel gallery)", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])

# Laplacian of Gaussian: scipy.ndimage.gaussian_laplace on an impulse.
for sigma in (0.8, 1.0, 1.4, 2.5):
    n = 2 * int(4 * sigma + 0.5) + 1
    out = ndi.gaussian_laplace(impulse(n + 10), sigma, mode="constant", truncate=4.0)
    add("log:%g" % sigma, "scipy.ndimage.gaussian_laplace", from_impulse(out, n, n))
out = ndi.gaussian_laplace(impulse(20), 1.0, mode="constant", truncate=2.0)
add("log:1:5", "scipy.ndimage.gaussian_laplace truncate=2", from_impulse(out, 5, 5))


# motion: a horizontal line (half-weight ends for an even length), rotated
# counter-clockwise about the centre by scipy's bilinear affine_transform.
def motion(length, angle):
    n = length | 1
    c = (n - 1) // 2
    img = np.zeros((n, n))
    for i in range(n):
        d = abs(i - c)
        img[c, i] = 1 if d <= (length - 1) / 2 else (0.5 if d <= length / 2 else 0)
    t = math.radians(angle)
    # output (y, x) samples input at M @ (y, x) + offset.
    m = np.array([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]])
    off = np.array([c, c]) - m @ np.array([c, c])
    r = ndi.affine_transform(img, m, offset=off, order=1, mode="grid-constant", cval=0.0, prefilter=False)
    return r / r.sum()


for length, angle in ((1, 0), (5, 0), (4, 0), (7, 90), (7, 45), (9, 30), (6, 135), (11, -20)):
    spec = "motion:%d:%g" % (length, angle) if angle else "motion:%d" % length
    add(spec, "scipy.ndimage.affine_transform", motion(length, angle))
# Counter-clockwise on screen (y down): 45 degrees runs to the upper right.
m45 = motion(7, 45)
assert m45[1, 5] > 0.1 and m45[1, 1] == 0

# disk: x^2 + y^2 <= R^2.
for r in (0, 1, 2, 3, 5):
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    d = (x * x + y * y <= r * r).astype(np.float64)
    add("disk:%d" % r, "numpy.mgrid", d / d.sum())

# ImageMagick's own reading of its inline syntax (origin, row order).
add("3x2+2+1: 1,2,3,4,5,6", "ImageMagick", im_kernel("3x2+2+1: 1,2,3,4,5,6"))
add("4x2: 1 2 3 4 5 6 7 8", "ImageMagick", im_kernel("4x2: 1,2,3,4,5,6,7,8"))

# Singular values, numpy.linalg.svd.
svd = []
for spec in ("sobel-x", "gaussian:1.5", "box:5", "laplacian", "sharpen", "emboss", "log:1", "motion:9:30"):
    k = next(e for e in kernels if e["spec"] == spec)
    a = np.array(k["data"], np.float32).reshape(k["h"], k["w"]).astype(np.float64)
    svd.append({"spec": spec, "s": [float(v) for v in np.linalg.svd(a, compute_uv=False)]})
rng = np.random.default_rng(3)
a = rng.standard_normal((5, 4)).astype(np.float32)
svd.append({"matrix": "; ".join(" ".join(repr(float(v)) for v in row) for row in a),
            "s": [float(v) for v in np.linalg.svd(a.astype(np.float64), compute_uv=False)]})

with open(OUT, "w") as f:
    json.dump({"kernels": kernels, "svd": svd}, f, indent=0)
    f.write("\n")
print("wrote", OUT, len(kernels), "kernels,", len(svd), "svd cases")

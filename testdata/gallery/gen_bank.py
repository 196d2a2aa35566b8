#!/usr/bin/python3
"""A readable 8-filter layer for the README gallery (make gallery):
weights (8, 3, 3, 3) in PyTorch's layout, each filter a named feature on
RGB input scaled to about unit gain.

Regenerate from the repository root with exactly:

    /usr/bin/python3 testdata/gallery/gen_bank.py

(numpy 1.24). Writes testdata/gallery/bank8.npy.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
lum = np.array([0.299, 0.587, 0.114])
sobel_x = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 4
sobel_y = sobel_x.T
diag = np.array([[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]) / 4
anti = np.fliplr(diag)
lap = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]) / 4
box = np.ones((3, 3)) / 9
centre = np.zeros((3, 3))
centre[1, 1] = 1

w = np.zeros((8, 3, 3, 3))
for i, k in enumerate([sobel_x, sobel_y, diag, anti, lap]):
    w[i] = lum[:, None, None] * k[None]
w[5] = box[None] * lum[:, None, None]             # brightness (blur)
w[6] = np.stack([centre, -centre, 0 * centre])     # red minus green
w[7] = np.stack([-centre / 2, -centre / 2, centre])  # blue minus yellow
np.save(os.path.join(HERE, "bank8.npy"), w.astype(np.float32))

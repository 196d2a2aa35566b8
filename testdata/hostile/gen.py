#!/usr/bin/env python3
"""Hostile inputs for cmd/convtool/hostile_test.go and batch_test.go.

Run from the repository root: python3 testdata/hostile/gen.py
Only the standard library is needed; every file is small.
"""
import os
import struct
import zlib

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


def put(name, data):
    with open(os.path.join(here, name), 'wb') as f:
        f.write(data)


def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)


def png(w, h, depth, ct, idat, end=True, level=6):
    s = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ct, 0, 0, 0))
    s += chunk(b'IDAT', zlib.compress(idat, level))
    return s + (chunk(b'IEND', b'') if end else b'')


def npy(hdr, data=b''):
    hdr = hdr + ' ' * ((64 - (10 + len(hdr) + 1) % 64) % 64) + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + data


rgb = open(os.path.join(root, 'testdata/cli/rgb.png'), 'rb').read()
jpg = open(os.path.join(root, 'testdata/images/kinds/rgb444.jpg'), 'rb').read()

put('empty.png', b'')
put('truncated.png', rgb[:len(rgb) // 2])
put('truncated.jpg', jpg[:len(jpg) // 2])
put('garbage.png', b'this is not an image, whatever its name says\n' * 4)
# A header claiming 10^10 pixels over 100 bytes of data.
put('lying_100000x100000.png', png(100000, 100000, 8, 0, b'\0' * 101))
# Claims 16000x16000 16-bit RGBA (within --max-pixels) but holds one row.
put('lying_16000x16000.png', png(16000, 16000, 16, 6, b'\0' * 1000, end=False))
# (The decompression bomb, a real 20000x20000 PNG of 48 KB, is built by
# hostile_test.go in a temporary directory: internal/img's tests decode
# every PNG under testdata.)
put('empty.npy', b'')
put('garbage.npy', b'\x93NUMPY\x01\x00\xff\xffnot a dict at all')
put('lying.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", b'\0' * 64))
put('truncated.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", b'\0' * 20))
put('scalar.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", b'\0' * 4))
put('tiny.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", struct.pack('<4f', 1, 2, 3, 4)))
put('ragged.csv', b'1,2,3\n4,5\n')
put('empty.csv', b'')
put('nan_kernel.csv', b'1,nan,1\n1,1,1\n1,1,1\n')
put('lying.mat', b'1000000 1000000\n1 2 3\n')
# Round two (issue 11).
# np.zeros((0, 4, 4), 'f4'): zero channels.
put('zero_channels.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4, 4), }"))
# A 5x5 ramp, the small input the overflow cases run on.
put('ramp5.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (5, 5), }", struct.pack('<25f', *range(25))))
# A .mat kernel whose header scale is NaN.
put('nan_scale.mat', b'3 3 nan 0\n1 1 1\n1 1 1\n1 1 1\n')
# Text and CSV values beyond float32.
put('huge.csv', b'1,2,1e39\n4,5,6\n7,8,9\n')
put('huge.txt', b'1 2 1e400\n4 5 6\n7 8 9\n')
# A float64 .npy holding 1e300, beyond float32.
put('huge_f8.npy', npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", struct.pack('<4d', 1, 2, 1e300, 4)))
# A CSV row with an empty field, as the inline kernel "1,,2".
put('empty_field.csv', b'1,1,,1\n1,1,1\n')

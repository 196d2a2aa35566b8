#!/bin/sh
# Regenerates the fuzz seed corpora from the repository's fixtures plus a
# few hostile hand-made inputs: sh testdata/fuzz/gen.sh (from the repo root).
# Each directory seeds the fuzz targets that read that kind of input:
#   npy/  internal/npy FuzzReadStream, internal/tensorio Fuzz*
#   text/ internal/textmat FuzzReadText, internal/tensorio Fuzz*
#   mat/  internal/textmat FuzzReadMat, internal/tensorio Fuzz*
#   img/  internal/img FuzzDecode, internal/tensorio Fuzz*
set -eu
cd "$(dirname "$0")"
rm -rf npy text mat img && mkdir npy text mat img
for f in b1 empty f2_be f4_le f8_be fortran i1 i2_be i8 rank0 rank1 rank3; do
	cp ../io/npy/$f.npy npy/
done
cp ../kernel/files/bank.npy npy/
for f in blocks.txt golden_1.csv one_col.txt savetxt_tab.txt; do cp ../io/text/$f text/; done
cp ../kernel/files/nan.csv ../kernel/files/ragged.csv text/
for f in golden_plain.mat golden_scale.mat vips_written.mat; do cp ../io/text/$f mat/; done
cp ../kernel/files/k.mat mat/
for f in ga16.png grey1.png palette_trns.png rgb16.png grey.jpg rgb420.jpg trns.gif grey8.tif rgb.bmp; do
	cp ../images/kinds/$f img/
done
for f in bw_p4.pbm grey_p2.pgm grey_p5.pgm rgba.pam grey.pfm rgb_lossless.webp rgb_q90.webp rgba_q90.webp; do
	cp ../photo/formats/$f img/
done
cp ../photo/meta/meta.webp ../photo/meta/rot6.jpg img/
printf 'P5\n16384 16384\n255\nab' > img/lying.pgm
printf 'P7\nWIDTH 2\nHEIGHT 1\nDEPTH 9\nENDHDR\n' > img/bad_depth.pam
python3 - <<'PY'
import struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(w, h, depth, ct, interlace=0, idat=b'', end=True):
    s = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ct, 0, 0, interlace))
    s += chunk(b'IDAT', zlib.compress(idat))
    return s + (chunk(b'IEND', b'') if end else b'')
open('img/lying_100000x100000.png', 'wb').write(png(100000, 100000, 8, 0, idat=b'\0' * 101))
open('img/truncated_rgba16.png', 'wb').write(png(300, 200, 16, 6, idat=b'\0' * 1000, end=False))
open('img/interlaced_2x2.png', 'wb').write(png(2, 2, 8, 0, 1, idat=b'\0\x80' + b'\0\x40' + b'\0\x20\x30' + b'\0\x50\x60'))
def npy(hdr, data=b''):
    hdr = hdr + ' ' * ((64 - (10 + len(hdr) + 1) % 64) % 64) + '\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(hdr)) + hdr.encode() + data
open('npy/lying_1e12.npy', 'wb').write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", b'\0' * 64))
open('npy/negative_dim.npy', 'wb').write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }"))
open('npy/truncated.npy', 'wb').write(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }", b'\0' * 20))
open('text/nan_inf.txt', 'w').write('nan inf -inf\n1e39 -0 1e-50\n')
open('text/crlf_bom.csv', 'wb').write(b'\xef\xbb\xbf1,2\r\n3,4\r\n')
open('mat/lying.mat', 'w').write('1000000 1000000\n1 2 3\n')
PY

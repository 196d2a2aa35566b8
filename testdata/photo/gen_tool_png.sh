#!/bin/sh
# PNGs as libvips and ImageMagick write them, for the stream-vs-whole
# identity tests (cmd/convtool/stream_test.go): vips adds a pHYs chunk to
# every PNG; ImageMagick adds gAMA, cHRM, bKGD and tIME before the pixel
# data and two tEXt chunks (date:create, date:modify) after it.
#
# Regenerate from the repository root with:
#
#     sh testdata/photo/gen_tool_png.sh
#
# Needs libvips-tools (vips 8.14) and ImageMagick's convert.
set -e
out=testdata/photo/meta
vips crop testdata/images/sample.png $out/vips.png 100 100 64 48
convert testdata/images/sample.png -crop 64x48+100+100 +repage $out/magick.png

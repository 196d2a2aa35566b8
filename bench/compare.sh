#!/usr/bin/env bash
# compare.sh — whole-process time of convtool beside libvips, ImageMagick and
# OpenCV on the same input, run in alternation (tool A, B, C, D, A, B, …) so
# that the shared machine's noise falls on all of them alike. Prints each
# tool's median and its ratio to convtool's.
#
#   bench/compare.sh [-n RUNS] [-s SIZE] [-k SIGMA:K]
#
# Needs: Debian's libvips-tools (vips), imagemagick (convert), python3-opencv
# (/usr/bin/python3 with cv2); a tool that is missing is skipped. The input is
# testdata/images/sample.png scaled to SIZE×SIZE (default 4096) with vips.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=7 size=4096 spec=1:5
while getopts n:s:k: o; do
	case $o in
	n) runs=$OPTARG ;; s) size=$OPTARG ;; k) spec=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/convtool" ./cmd/convtool
in=$work/in.png
scale=$(awk -v s="$size" 'BEGIN{print s/512}')
vips resize testdata/images/sample.png "$in" "$scale" --kernel linear
echo "input: $(vipsheader "$in")"

# One kernel for every tool: the Gaussian as a libvips matrix file, with its
# values printed by convtool itself so that all tools do the same arithmetic.
"$work/convtool" kernel show "gaussian:$spec" --save "$work/k.mat" -q >/dev/null
k=$(tail -n +2 "$work/k.mat" | tr -s ' \n' ',,' | sed 's/,$//')
kw=$(head -1 "$work/k.mat" | cut -d' ' -f1)
cat >"$work/cv.py" <<PY
import sys, cv2, numpy as np
k = np.loadtxt("$work/k.mat", skiprows=1, dtype=np.float32).reshape($kw, $kw)
im = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
cv2.imwrite(sys.argv[2], cv2.filter2D(im, -1, k, borderType=cv2.BORDER_REPLICATE))
PY

declare -A cmd
names=(convtool)
cmd[convtool]="$work/convtool conv $in $work/out-ct.png -k $work/k.mat -q"
if command -v vips >/dev/null; then
	names+=(vips)
	cmd[vips]="vips conv $in $work/out-vips.png $work/k.mat --precision float"
fi
if command -v convert >/dev/null && convert -version 2>/dev/null | grep -q ImageMagick; then
	names+=(imagemagick)
	cmd[imagemagick]="convert $in -morphology Convolve ${kw}x${kw}:$k $work/out-im.png"
fi
if /usr/bin/python3 -c 'import cv2' 2>/dev/null; then
	names+=(opencv)
	cmd[opencv]="/usr/bin/python3 $work/cv.py $in $work/out-cv.png"
fi

declare -A times
for ((i = 0; i < runs; i++)); do
	for n in "${names[@]}"; do
		t0=$(date +%s%N)
		${cmd[$n]} >/dev/null
		t1=$(date +%s%N)
		times[$n]+="$(((t1 - t0) / 1000000)) "
	done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(median "${times[convtool]}")
printf '%-12s %10s %8s   %s\n' tool median_ms ratio "runs (ms)"
for n in "${names[@]}"; do
	m=$(median "${times[$n]}")
	printf '%-12s %10s %8.2f   %s\n' "$n" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN{print a/b}')" "${times[$n]}"
done
echo "(ratio = tool's median / convtool's median; above 1 means convtool is faster)"

#!/usr/bin/env bash
# fft31.sh — the FFT workload of issue #10, whole process: a dense random
# 31×31 kernel on a 4096² RGB PNG, `convtool conv --method fft` beside
# OpenCV's filter2D (which switches to a DFT for kernels this large) on the
# same PNG and kernel, run in alternation (A, B, [C,] A, B, …) so that the
# shared machine's noise falls on all alike. Prints each tool's median wall
# and CPU (user+sys) time and its ratio to convtool's.
#
#   bench/fft31.sh [-n RUNS] [-s SIZE] [-b OLD_CONVTOOL]
#
# -b adds a second convtool binary (e.g. one built from an older commit) as
# "before". Needs vips (to scale the sample image) and /usr/bin/python3
# with numpy and cv2.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=7 size=4096 old=
while getopts n:s:b: o; do
	case $o in
	n) runs=$OPTARG ;; s) size=$OPTARG ;; b) old=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/convtool" ./cmd/convtool
in=$work/big.png
vips resize testdata/images/sample.png "$in" "$(awk -v s="$size" 'BEGIN{print s/512}')" --kernel linear
echo "input: $(vipsheader "$in"); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores"
/usr/bin/python3 - "$work/dense31.npy" <<'PY'
import sys, numpy as np
k = np.random.default_rng(1).uniform(0, 1, (31, 31)).astype(np.float32)
np.save(sys.argv[1], k / k.sum())
PY
cat >"$work/cv.py" <<'PY'
import sys, cv2, numpy as np
k = np.load(sys.argv[3])
im = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
cv2.imwrite(sys.argv[2], cv2.filter2D(im, -1, k, borderType=cv2.BORDER_REPLICATE))
PY

declare -A cmd
names=(convtool)
cmd[convtool]="$work/convtool conv $in $work/out-ct.png -k $work/dense31.npy --method fft -q"
if [ -n "$old" ]; then
	names+=(before)
	cmd[before]="$old conv $in $work/out-old.png -k $work/dense31.npy --method fft -q"
fi
names+=(opencv)
cmd[opencv]="/usr/bin/python3 $work/cv.py $in $work/out-cv.png $work/dense31.npy"

declare -A wall cpu
TIMEFORMAT='%R %U %S'
for ((i = 0; i < runs; i++)); do
	for n in "${names[@]}"; do
		t=$( { time ${cmd[$n]} >/dev/null 2>&1; } 2>&1 )
		read -r r u s <<<"$t"
		wall[$n]+="$r "
		cpu[$n]+="$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.3f", u+s}') "
	done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END{print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
bw=$(median "${wall[convtool]}") bc=$(median "${cpu[convtool]}")
printf '%-9s %8s %7s %8s %7s   %s\n' tool wall_s ratio cpu_s ratio "wall runs (s)"
for n in "${names[@]}"; do
	w=$(median "${wall[$n]}") c=$(median "${cpu[$n]}")
	printf '%-9s %8.3f %7.2f %8.3f %7.2f   %s\n' "$n" "$w" "$(awk -v a="$w" -v b="$bw" 'BEGIN{print a/b}')" \
		"$c" "$(awk -v a="$c" -v b="$bc" 'BEGIN{print a/b}')" "${wall[$n]}"
done
echo "(ratio = tool's median / convtool's; above 1 means convtool is faster)"

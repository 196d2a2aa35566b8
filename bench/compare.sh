#!/usr/bin/env bash
# compare.sh — whole-process time and peak memory of convtool beside libvips,
# ImageMagick and OpenCV on the same input, run in alternation (tool A, B,
# C, D, A, B, …) so that the shared machine's noise falls on all of them
# alike. Prints each tool's median wall time, its ratio to convtool's, its
# median CPU time and peak RSS (GNU time's %U+%S and %M) and the size of
# the file it wrote, with the CPU named.
#
#   bench/compare.sh [-n RUNS] [-c CASE] [-k SIGMA:K] [-t TOOLS]
#
# CASE: 4096 (default: a 4096×4096 RGB PNG), 8192 (8192×8192 RGB), tall (a
# 30000×20000 grey PNG), or all. TOOLS: a comma list from convtool,
# convtool-whole (--no-stream), vips (--precision float, convtool's
# arithmetic), vips-int (its default integer precision), imagemagick,
# opencv; default all of them for 4096, convtool,convtool-whole,vips for
# the big cases (ImageMagick and OpenCV hold several copies of a 600 Mpx
# image as floats).
#
# Needs: Debian's libvips-tools (vips), imagemagick (convert), python3-opencv
# (/usr/bin/python3 with cv2), time (/usr/bin/time); a tool that is missing
# is skipped. The inputs are testdata/images/sample.png scaled with vips
# (linear), kept in $CONVTOOL_BENCH_DIR (default /tmp/convtool-bench) so
# that repeated runs do not make them again.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 case=4096 spec=1:5 tools=""
while getopts n:c:k:t: o; do
	case $o in
	n) runs=$OPTARG ;; c) case=$OPTARG ;; k) spec=$OPTARG ;; t) tools=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -x /usr/bin/time ] || { echo "compare.sh: needs GNU time (/usr/bin/time; Debian package time)" >&2; exit 1; }
data=${CONVTOOL_BENCH_DIR:-/tmp/convtool-bench}
mkdir -p "$data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/convtool" ./cmd/convtool
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "vips: $(vips --version 2>/dev/null || echo none); go: $(go env GOVERSION)"

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

# input CASE: the path of the case's PNG, made once.
input() {
	local f
	case $1 in
	4096 | 8192)
		f=$data/rgb$1.png
		[ -s "$f" ] || vips resize testdata/images/sample.png "$f" "$(awk -v s="$1" 'BEGIN{print s/512}')" --kernel linear
		;;
	tall)
		f=$data/grey30000x20000.png
		if [ ! -s "$f" ]; then
			vips colourspace testdata/images/sample.png "$work/g.png" b-w
			vips resize "$work/g.png" "$f" 58.59375 --vscale 39.0625 --kernel linear
		fi
		;;
	*) echo "compare.sh: unknown case $1 (want 4096, 8192, tall or all)" >&2; exit 2 ;;
	esac
	echo "$f"
}

bench() {
	local c=$1 in names=() n
	in=$(input "$c")
	echo
	echo "case $c: $(vipsheader "$in"), $(stat -c %s "$in") bytes; $kw×$kw Gaussian, replicate edges; $runs runs each, alternated"
	local want=$tools
	if [ -z "$want" ]; then
		want=convtool,convtool-whole,vips,vips-int,imagemagick,opencv
		case $c in
		8192) want=convtool,convtool-whole,vips ;;
		tall) want=convtool,vips ;; # 600 Mpx: over --max-pixels for the whole-image path
		esac
	fi
	declare -A cmd
	cmd[convtool]="$work/convtool conv $in $work/out-convtool.png -k $work/k.mat -q"
	cmd[convtool-whole]="$work/convtool conv $in $work/out-convtool-whole.png -k $work/k.mat -q --no-stream"
	cmd[vips]="vips conv $in $work/out-vips.png $work/k.mat --precision float"
	cmd[vips-int]="vips conv $in $work/out-vips-int.png $work/k.mat"
	cmd[imagemagick]="convert $in -morphology Convolve ${kw}x${kw}:$k $work/out-imagemagick.png"
	cmd[opencv]="/usr/bin/python3 $work/cv.py $in $work/out-opencv.png"
	for n in ${want//,/ }; do
		case $n in
		vips | vips-int) command -v vips >/dev/null || continue ;;
		imagemagick) convert -version 2>/dev/null | grep -q ImageMagick || continue ;;
		opencv) /usr/bin/python3 -c 'import cv2' 2>/dev/null || continue ;;
		convtool | convtool-whole) ;;
		*) echo "compare.sh: unknown tool $n" >&2; exit 2 ;;
		esac
		names+=("$n")
	done
	declare -A times mems cpus
	local i t
	for ((i = 0; i < runs; i++)); do
		for n in "${names[@]}"; do
			if ! /usr/bin/time -o "$work/t" -f '%e %M %U %S' ${cmd[$n]} >/dev/null 2>"$work/err"; then
				echo "$n failed: $(tail -1 "$work/err")" >&2
				continue
			fi
			read -r t m u sy <"$work/t"
			times[$n]+="$t "
			mems[$n]+="$m "
			cpus[$n]+="$(awk -v u="$u" -v s="$sy" 'BEGIN{print u+s}') "
		done
	done
	median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END{if (NR==0) print "nan"; else print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
	local base
	base=$(median "${times[convtool]:-}")
	printf '%-15s %9s %7s %8s %10s %12s   %s\n' tool median_s ratio cpu_s peak_MB out_bytes "runs (s)"
	for n in "${names[@]}"; do
		local m mb
		m=$(median "${times[$n]:-}")
		mb=$(awk -v k="$(median "${mems[$n]:-}")" 'BEGIN{printf "%.0f", k/1024}')
		printf '%-15s %9s %7.2f %8s %10s %12s   %s\n' "$n" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN{print (b>0)? a/b : 0}')" "$(median "${cpus[$n]:-}")" "$mb" \
			"$(stat -c %s "$work/out-$n.png" 2>/dev/null || echo -)" "${times[$n]:-}"
	done
	echo "(ratio = tool's median wall time / convtool's; above 1 means convtool is faster. cpu_s: median user+system seconds; peak_MB: median peak RSS)"
}

if [ "$case" = all ]; then
	for c in 4096 8192 tall; do bench "$c"; done
else
	bench "$case"
fi

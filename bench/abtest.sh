#!/usr/bin/env bash
# abtest.sh — internal/conv's go test benchmarks at an older revision (A)
# and in the working tree (B), run in alternation (A, B, A, B, …) so that
# the shared machine's load falls on both alike. Prints each benchmark's
# median ns/op for A and B and the speed-up A/B.
#
#   bench/abtest.sh [-n ROUNDS] [-b REGEXP] [-t BENCHTIME] REV
#
# e.g. bench/abtest.sh -n 5 b72ac75 (the revision before the SIMD kernels).
# Only benchmarks present at both revisions are compared.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5 pattern='Layer|Filter5x5_3x2048|Filter13x13_3x2048|Filter5x5_3x4096' benchtime=3x
while getopts n:b:t: o; do
	case $o in
	n) rounds=$OPTARG ;; b) pattern=$OPTARG ;; t) benchtime=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
rev=${1:?usage: bench/abtest.sh [-n ROUNDS] [-b REGEXP] [-t BENCHTIME] REV}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/a"
git archive "$rev" | tar -x -C "$work/a"
(cd "$work/a" && go test -c -o "$work/a.test" ./internal/conv/)
go test -c -o "$work/b.test" ./internal/conv/

for r in $(seq "$rounds"); do
	for side in a b; do
		# The benchmarks read their fixtures relative to the package.
		(cd internal/conv && "$work/$side.test" -test.run '^$' -test.bench "$pattern" \
			-test.benchtime "$benchtime") | awk -v s="$side" '/^Benchmark/{print s, $1, $3}' >>"$work/times"
	done
	echo "round $r/$rounds done" >&2
done

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), GOMAXPROCS $(nproc); medians of $rounds paired rounds, ms/op"
printf '%-44s %10s %10s %8s\n' benchmark "A $rev" "B tree" "A/B"
sort -k2,2 -k1,1 "$work/times" | awk '
function median(arr, n,   i, j, t) {
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j > 0 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
	return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
function flush() {
	if (name != "" && na > 0 && nb > 0) {
		ma = median(av, na); mb = median(bv, nb)
		printf "%-44s %10.2f %10.2f %8.2f\n", name, ma / 1e6, mb / 1e6, ma / mb
	}
	delete av; delete bv; na = nb = 0
}
$2 != name { flush(); name = $2 }
$1 == "a" { av[++na] = $3 }
$1 == "b" { bv[++nb] = $3 }
END { flush() }'

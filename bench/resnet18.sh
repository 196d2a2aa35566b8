#!/usr/bin/env bash
# resnet18.sh — ResNet-18 at 224x224, one eval forward: convtool net run's
# compute time (--json compute_ms: the layers, not reading the weights)
# beside PyTorch's (model(x) under no_grad after a warm-up, torch's default
# threads), alternated run by run so the shared machine's noise falls on
# both alike. Prints each side's per-run ms, the medians and the ratio.
# Also checks that the two outputs agree.
#
#   bench/resnet18.sh [-n RUNS]
#
# Needs /usr/bin/python3 with torch and torchvision (random weights: no
# download).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=7
while getopts n: o; do
	case $o in
	n) runs=$OPTARG ;;
	*) exit 2 ;;
	esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/convtool" ./cmd/convtool
/usr/bin/python3 bench/resnet18.py "$work" prepare
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores; go $(go env GOVERSION), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__, "threads", torch.get_num_threads())')"
"$work/convtool" net run resnet18 --weights "$work/r18.safetensors" "$work/in.npy" "$work/go.npy" -q
/usr/bin/python3 -c "
import numpy as np, sys
a = np.load('$work/go.npy').ravel(); b = np.load('$work/torch.npy')
print(f'outputs: max |diff| {abs(a - b).max():.3g} of max |logit| {abs(b).max():.3g}')"
: >"$work/go.ms"
: >"$work/torch.ms"
for _ in $(seq "$runs"); do
	"$work/convtool" net run resnet18 --weights "$work/r18.safetensors" "$work/in.npy" --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["compute_ms"])' >>"$work/go.ms"
	/usr/bin/python3 bench/resnet18.py "$work" time 1 >>"$work/torch.ms"
done
/usr/bin/python3 - "$work/go.ms" "$work/torch.ms" <<'PY'
import statistics, sys
g = [float(x) for x in open(sys.argv[1])]
t = [float(x) for x in open(sys.argv[2])]
print("convtool ms:", " ".join(f"{x:.0f}" for x in g))
print("torch ms:   ", " ".join(f"{x:.0f}" for x in t))
mg, mt = statistics.median(g), statistics.median(t)
print(f"median convtool {mg:.0f} ms, torch {mt:.0f} ms: convtool/torch = {mg / mt:.2f}")
print("paired ratios:", " ".join(f"{a / b:.2f}" for a, b in zip(g, t)))
PY

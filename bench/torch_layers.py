#!/usr/bin/python3
"""torch_layers.py — convtool's layer compute time beside PyTorch's on the same
shapes (issue 10's targets), in alternation: for each layer, each round runs
convtool's BenchmarkTarget (internal/conv/bench_test.go) for that layer, then
times torch.nn.functional.conv2d on the same shapes, so the shared machine's
noise falls on both alike. Prints medians over the rounds of wall time and of
CPU time (all threads; on a loaded machine CPU time tracks the work while wall
time also tracks the other processes), convtool's speed relative to
PyTorch's (torch time / convtool time: above 1 is faster) by each, and how
close --method auto came to the fastest method convtool has for the layer.

    /usr/bin/python3 bench/torch_layers.py [--rounds 7] [--threads 2] [--only NAME,...] [--fft]

Needs Debian's python3-torch (torch 1.13, oneDNN on the CPU) and Go. Both
sides run on the same number of threads (torch.set_num_threads, GOMAXPROCS;
two, the issue's setting, by default; on a loaded machine one thread each is
the fairer race: OpenMP's barriers lose more than Go's scheduler when a
thread is descheduled); times are of the call alone, warm, output allocation
included on both sides: PyTorch's from its allocator's free blocks, convtool's
from a tensor.Pool the previous call's output went back to, as a network run
does (internal/forward), the weights bound once in a conv.LayerPlan.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

# (name, cin, cout, hw, k, stride, pad, groups): keep in step with
# targetLayers in internal/conv/bench_test.go.
LAYERS = [
    ("conv64_3x3_56", 64, 64, 56, 3, 1, 1, 1),
    ("conv64_3x3_224", 64, 64, 224, 3, 1, 1, 1),
    ("conv256to64_1x1_56", 256, 64, 56, 1, 1, 0, 1),
    ("conv3to64_7x7s2_224", 3, 64, 224, 7, 2, 3, 1),
    ("dw256_3x3_56", 256, 256, 56, 3, 1, 1, 256),
    ("dw3_5x5_4096", 3, 3, 4096, 5, 1, 2, 3),
]
TARGET = {  # issue 10: convtool speed / PyTorch speed at least
    "conv64_3x3_56": 1.0, "conv64_3x3_224": 1.0, "conv256to64_1x1_56": 0.7,
    "conv3to64_7x7s2_224": 0.5, "dw256_3x3_56": 2.0, "dw3_5x5_4096": 5.0,
}

BENCH_RE = re.compile(r"^BenchmarkTarget/(\w+)/(\w+)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op.*?([\d.]+) cpu-ms/op")


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def go_reps(layer):
    """Calls per Go process: enough that the garbage collector's heap has
    settled (a fresh process's first ten calls of the 56² depthwise layer
    took twice the steady time, faulting in the pages each new output
    lands on), as PyTorch's allocator has after its warm-up call."""
    hw = layer[3]
    return "3x" if hw >= 1024 else "20x" if hw >= 224 else "100x"


def torch_time(layer, reps):
    """Median wall seconds and mean CPU seconds of one conv2d call on the
    layer, warm."""
    _, cin, cout, hw, k, s, p, g = layer
    x = torch.rand(1, cin, hw, hw)
    w = torch.rand(cout, cin // g, k, k)
    F.conv2d(x, w, stride=s, padding=p, groups=g)  # warm-up
    ts = []
    c0 = time.process_time()
    for _ in range(reps):
        t0 = time.perf_counter()
        F.conv2d(x, w, stride=s, padding=p, groups=g)
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), (time.process_time() - c0) / reps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--only", default="", help="comma-separated layer names")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fft", action="store_true", help="also time --method fft (slow on these layers)")
    args = ap.parse_args()
    layers = [l for l in LAYERS if not args.only or l[0] in args.only.split(",")]
    torch.set_num_threads(args.threads)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    methods = "auto|direct|gemm" + ("|fft" if args.fft else "")
    names = "|".join(l[0] for l in layers)
    with tempfile.TemporaryDirectory() as work:
        binary = os.path.join(work, "conv.test")
        subprocess.run(["go", "test", "-c", "-o", binary, "./internal/conv/"], cwd=root, check=True)
        go = {}  # (layer, method) -> [(wall, cpu) seconds]
        th = {}  # layer -> [(wall, cpu) seconds]
        for layer in layers:
            name = layer[0]
            for r in range(args.rounds):
                # One process per method: the first benchmark in a process
                # grows the heap the later ones find ready.
                for method in methods.split("|"):
                    out = subprocess.run(
                        [binary, "-test.run", "^$", "-test.bench", f"^BenchmarkTarget$/^{name}$/^{method}$",
                         "-test.benchtime", go_reps(layer)],
                        cwd=os.path.join(root, "internal/conv"), env=dict(os.environ, GOMAXPROCS=str(args.threads)),
                        check=True, capture_output=True, text=True).stdout
                    for line in out.splitlines():
                        m = BENCH_RE.match(line)
                        if m:
                            go.setdefault((m[1], m[2]), []).append((float(m[3]) / 1e9, float(m[4]) / 1e3))
                th.setdefault(name, []).append(torch_time(layer, 3 if layer[3] >= 1024 else 20))
            print(f"{name} done", file=sys.stderr)

    med = lambda v, i: statistics.median(x[i] for x in v)
    print(f"CPU: {cpu_name()}, {args.threads} thread(s) each; torch {torch.__version__}; medians of {args.rounds} paired rounds")
    print(f"{'layer':22} {'torch ms':>9} {'auto ms':>9} {'best':>13} {'speed/torch':>11} {'cpu-speed/torch':>15} "
          f"{'target':>6} {'auto/best':>9}")
    for layer in layers:
        name = layer[0]
        t, tc = med(th[name], 0), med(th[name], 1)
        times = {m: med(v, 0) for (n, m), v in go.items() if n == name}
        cpus = {m: med(v, 1) for (n, m), v in go.items() if n == name}
        auto, auto_cpu = times.pop("auto"), cpus.pop("auto")
        best_m = min(cpus, key=cpus.get)  # by CPU time: the load stretches wall times at random
        print(f"{name:22} {t * 1e3:9.2f} {auto * 1e3:9.2f} {best_m + ' ' + format(times[best_m] * 1e3, '.2f'):>13} "
              f"{t / auto:11.2f} {tc / auto_cpu:15.2f} {TARGET[name]:6.1f} {auto_cpu / min(cpus[best_m], auto_cpu):9.2f}")


if __name__ == "__main__":
    main()

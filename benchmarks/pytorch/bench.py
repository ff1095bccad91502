#!/usr/bin/python3
"""PyTorch versions of ctnn's benchmark cases, timed the way a user runs them.

One thread, float32, eager mode: `model(x)` under `torch.no_grad()` for predict1
(cycling through 16 inputs, as the C++ cases do); `model(x)` with autograd on
for forward32, which keeps what the backward pass needs (the autograd graph,
PyTorch's cache), as forward32 keeps ctnn's cache; `loss.backward();
opt.step(); opt.zero_grad()` with `torch.optim.SGD(lr=0.01)` for a training
step. Samples are rows here (PyTorch's
convention), columns in ctnn; the arithmetic is the same.

Cases are named `<workload>/<net>/pytorch` like the Google Benchmark cases of
benchmarks/runtime/, and the output is Google Benchmark's JSON schema: one
`iteration` entry per repetition (kept raw) and `mean`, `median`, `stddev` and
`cv` aggregates, so benchmarks/report.py reads both the same way.

Run with Debian's python3 (python3-torch): /usr/bin/python3 bench.py --out FILE
"""
import argparse
import datetime
import json
import os
import platform
import random
import statistics
import sys
import time

import torch
from torch import nn

SEED_NET = "2-3-3-1"
NETS = {
    # name: (widths, hidden activation, output activation, loss)
    SEED_NET: ([2, 3, 3, 1], nn.ReLU, "sigmoid", "bce"),
    "8-16-16-4": ([8, 16, 16, 4], nn.Tanh, "identity", "mse"),
    "64-32-10": ([64, 32, 10], nn.ReLU, "softmax", "ce"),
}
SWEEP_WIDTHS = [2, 4, 8, 16, 32, 64, 128, 256]
for _w in SWEEP_WIDTHS:
    NETS[f"sweep-{_w}"] = ([_w, _w, _w], nn.ReLU, "identity", "mse")
WORKLOADS = {"predict1": (False, 1), "forward32": (False, 32), "train1": (True, 1), "train32": (True, 32)}
SWEEP_WORKLOADS = ["predict1", "train32"]
LEARNING_RATE = 0.01


def make_model(widths, hidden, output):
    """Linear layers with `hidden` between them; a sigmoid output is part of the
    model (BCELoss takes probabilities); a softmax output is not, because
    CrossEntropyLoss takes logits and applies log-softmax itself, as users write it."""
    layers = []
    for i in range(len(widths) - 1):
        layers.append(nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(hidden())
    if output == "sigmoid":
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def make_case(net, workload, gen):
    """Returns a no-argument function that runs one iteration of the case."""
    widths, hidden, output, loss_name = NETS[net]
    training, batch = WORKLOADS[workload]
    model = make_model(widths, hidden, output)
    x = torch.rand(batch, widths[0], generator=gen) * 2 - 1
    softmax = output == "softmax"
    if workload == "predict1":
        pool = [torch.rand(1, widths[0], generator=gen) * 2 - 1 for _ in range(16)]
        state = {"i": 0}

        def run():
            state["i"] = (state["i"] + 1) % len(pool)
            with torch.no_grad():
                y = model(pool[state["i"]])
                if softmax:
                    y = torch.softmax(y, dim=1)
            return y
        return run
    if not training:
        def run():
            y = model(x)  # autograd on: the graph is the cache a backward pass would use
            if softmax:
                y = torch.softmax(y, dim=1)
            return y
        return run

    if loss_name == "bce":
        target = (torch.rand(batch, widths[-1], generator=gen) > 0.5).float()
        loss_fn = nn.BCELoss()
    elif loss_name == "ce":
        target = torch.randint(0, widths[-1], (batch,), generator=gen)
        loss_fn = nn.CrossEntropyLoss()
    else:
        target = torch.rand(batch, widths[-1], generator=gen)
        loss_fn = nn.MSELoss()
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)

    def run():
        loss = loss_fn(model(x), target)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss
    return run


def time_loop(fn, iterations):
    """(wall ns, cpu ns) per iteration of `iterations` calls of fn."""
    w0, c0 = time.perf_counter_ns(), time.process_time_ns()
    for _ in range(iterations):
        fn()
    w1, c1 = time.perf_counter_ns(), time.process_time_ns()
    return (w1 - w0) / iterations, (c1 - c0) / iterations


def calibrate(fn, min_time):
    """Iterations so that one repetition lasts at least min_time seconds (as
    Google Benchmark does, growing the count until the loop is long enough)."""
    iterations = 1
    while True:
        wall, _ = time_loop(fn, iterations)
        total = wall * iterations * 1e-9
        if total >= min_time:
            return iterations
        if total < min_time / 100:
            iterations *= 10
        else:
            iterations = max(iterations + 1, int(iterations * 1.4 * min_time / total))


def aggregates(name, reps, real, cpu):
    out = []
    mean_r, mean_c = statistics.fmean(real), statistics.fmean(cpu)
    sd_r = statistics.stdev(real) if len(real) > 1 else 0.0
    sd_c = statistics.stdev(cpu) if len(cpu) > 1 else 0.0
    values = {
        "mean": (mean_r, mean_c, "time"),
        "median": (statistics.median(real), statistics.median(cpu), "time"),
        "stddev": (sd_r, sd_c, "time"),
        "cv": (sd_r / mean_r if mean_r else 0.0, sd_c / mean_c if mean_c else 0.0, "percentage"),
    }
    for agg, (r, c, unit) in values.items():
        out.append({
            "name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate",
            "repetitions": reps, "threads": 1, "aggregate_name": agg, "aggregate_unit": unit,
            "iterations": reps, "real_time": r, "cpu_time": c, "time_unit": "ns",
        })
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="JSON output file")
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--min-time", type=float, default=0.05, help="seconds per repetition")
    ap.add_argument("--filter", default="", help="run only cases whose name contains this")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    names = []
    for net in NETS:
        for workload in (SWEEP_WORKLOADS if net.startswith("sweep-") else WORKLOADS):
            names.append(f"{workload}/{net}/pytorch")
    names = [n for n in names if args.filter in n]
    cases = {n: make_case(n.split("/")[1], n.split("/")[0], gen) for n in names}

    # Warm up (the first calls allocate and pick kernels) and calibrate, then
    # run the repetitions in a random order, interleaving the cases, so a slow
    # phase of the machine is spread over all of them rather than hitting one.
    iterations = {}
    for n, fn in cases.items():
        for _ in range(20):
            fn()
        iterations[n] = calibrate(fn, args.min_time)
    order = [n for n in names for _ in range(args.repetitions)]
    random.Random(2).shuffle(order)
    runs = {n: [] for n in names}
    for n in order:
        runs[n].append(time_loop(cases[n], iterations[n]))

    benchmarks = []
    for family, n in enumerate(names):
        for rep, (wall, cpu) in enumerate(runs[n]):
            benchmarks.append({
                "name": n, "family_index": family, "per_family_instance_index": 0,
                "run_name": n, "run_type": "iteration", "repetitions": args.repetitions,
                "repetition_index": rep, "threads": 1, "iterations": iterations[n],
                "real_time": wall, "cpu_time": cpu, "time_unit": "ns",
            })
        benchmarks += aggregates(n, args.repetitions, [r[0] for r in runs[n]], [r[1] for r in runs[n]])

    context = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_name": platform.node(),
        "executable": f"{sys.executable} {os.path.relpath(__file__)}",
        "num_cpus": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "torch_config": torch.__config__.show(),
        "repetitions": args.repetitions,
        "min_time_s": args.min_time,
        "timer": "time.perf_counter_ns (real_time), time.process_time_ns (cpu_time, as Google Benchmark: the process's CPU time)",
    }
    with open(args.out, "w") as f:
        json.dump({"context": context, "benchmarks": benchmarks}, f, indent=1)
        f.write("\n")
    for n in names:
        cpu = statistics.median(r[1] for r in runs[n])
        wall = statistics.median(r[0] for r in runs[n])
        print(f"{n:32s} cpu {cpu / 1000:9.2f} us  wall {wall / 1000:9.2f} us  ({iterations[n]} iterations x "
              f"{args.repetitions})")


if __name__ == "__main__":
    main()

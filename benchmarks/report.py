#!/usr/bin/python3
"""Turns the raw benchmark outputs into benchmarks/results/: report.md,
results.json and the plots. Run by scripts/bench.sh; by hand:

  report.py snapshot FILE                    load average and time now (before/after the runs)
  report.py render --raw DIR --out-dir DIR   read DIR/{runtime,pytorch,compile_time,fma_peak,
                                             before,after}.json, write the report

Timings: every case's value is the median over its repetitions of the CPU time
per iteration (Google Benchmark's `cpu_time`; PyTorch's process CPU time), which
on a shared machine is less disturbed by other processes than wall time; the
wall-time medians are kept in results.json. Noise per case: the coefficient of
variation (stddev / mean) and the spread (max - min) / median over the
repetitions. A ratio target is judged on the ratio of medians; it is marked
"borderline" when the ratio of interquartile bounds (q25/q75 and q75/q25)
straddles the threshold, i.e. when the noise could flip the verdict.
"""
import argparse
import datetime
import importlib.util
import json
import os
import pathlib
import platform
import re
import shutil
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NAMED_NETS = ["2-3-3-1", "8-16-16-4", "64-32-10"]
WORKLOADS = ["predict1", "forward32", "train1", "train32"]
SWEEP_WORKLOADS = ["predict1", "train32"]
# ctnn: forward_into/backward_into with kept buffers (as the Eigen runners keep
# theirs); ctnn_value: forward()/backward() returning fresh zeroed objects
IMPLS = ["ctnn", "ctnn_value", "twin", "eigen_fixed", "eigen_dynamic", "pytorch"]
NET_WIDTHS = {"2-3-3-1": [2, 3, 3, 1], "8-16-16-4": [8, 16, 16, 4], "64-32-10": [64, 32, 10]}
BATCH = {"predict1": 1, "forward32": 32, "train1": 1, "train32": 32}
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
SIMD_FLAGS = re.compile(r"^(sse\S*|ssse3|avx\S*|fma\S*|f16c|amx\S*|neon|asimd\S*|sve\S*)$")
FLOP_CASE = ("train32", "64-32-10")


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def snapshot(path):
    with open("/proc/loadavg") as f:
        load = [float(x) for x in f.read().split()[:3]]
    pathlib.Path(path).write_text(json.dumps({
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_1_5_15_min": load,
        "git_commit": run(["git", "rev-parse", "HEAD"]),
        "git_uncommitted_changes": bool(run(["git", "status", "--porcelain", "--untracked-files=no"])),
    }, indent=1) + "\n")


def machine_description(build_dir):
    cpu = {}
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key in ("model name", "flags", "cpu MHz", "cache size") and key not in cpu:
                cpu[key] = value
    except OSError:
        pass
    governor = pathlib.Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
    lscpu = run(["lscpu"]) or ""
    hypervisor = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Hypervisor vendor")), None)
    flags = cpu.get("flags", "").split()
    desc = {
        "cpu_model": cpu.get("model name") or platform.processor(),
        "cpu_simd_flags": sorted(f for f in flags if SIMD_FLAGS.match(f)),
        "cpu_mhz_reported": cpu.get("cpu MHz"),
        "cpu_frequency_governor": governor.read_text().strip() if governor.exists() else "not exposed",
        "hypervisor": hypervisor,
        "logical_cpus": os.cpu_count(),
        "kernel": platform.release(),
        "os": run(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]),
        "compilers": {c: (run([c, "--version"]) or "").splitlines()[0] for c in ("g++", "clang++") if shutil.which(c)},
        "python": sys.version.split()[0],
        "git_commit": run(["git", "rev-parse", "HEAD"]),
        "git_uncommitted_changes": bool(run(["git", "status", "--porcelain", "--untracked-files=no"])),
    }
    cache = pathlib.Path(build_dir or "", "CMakeCache.txt")
    if build_dir and cache.exists():
        keep = ("CMAKE_CXX_COMPILER:", "CMAKE_BUILD_TYPE:", "CMAKE_CXX_FLAGS:", "CMAKE_CXX_FLAGS_RELEASE:",
                "CTNN_BENCH_MARCH:")
        rb = {ln.split(":")[0]: ln.split("=", 1)[1] for ln in cache.read_text().splitlines() if ln.startswith(keep)}
        desc["runtime_build"] = rb
        desc["runtime_build"]["march"] = rb.get("CTNN_BENCH_MARCH") or "(none)"
        desc["runtime_build"]["vector_bits"] = build_vector_bits(rb)
        commands = pathlib.Path(build_dir, "compile_commands.json")
        if commands.exists():
            for entry in json.loads(commands.read_text()):
                if "benchmarks/runtime" in entry.get("file", ""):
                    cmd = entry.get("command") or " ".join(entry.get("arguments", []))
                    desc["runtime_build"]["example_compile_command"] = cmd.replace(str(ROOT) + "/", "")
                    # fused multiply-adds (config.hpp): the benchmarks keep the compiler's contraction
                    desc["runtime_build"]["fp_contract"] = (
                        "compiler default (CTNN_FP_CONTRACT=1)" if "-DCTNN_FP_CONTRACT=1" in cmd
                        else "off (CTNN_FP_CONTRACT=0, -ffp-contract=off)")
                    break
    if build_dir:
        desc["runtime_vector_registers"] = vector_register_use(pathlib.Path(build_dir))
    return desc


def build_vector_bits(rb):
    """the widest vector the benchmark build may use (512 with AVX-512F, 256
    with AVX, else 128), from the compiler's macros under the build's flags"""
    flags = (rb.get("CMAKE_CXX_FLAGS", "") + " " + rb.get("CMAKE_CXX_FLAGS_RELEASE", "")).split()
    if rb.get("CTNN_BENCH_MARCH"):
        flags.append("-march=" + rb["CTNN_BENCH_MARCH"])
    macros = run([rb.get("CMAKE_CXX_COMPILER") or "g++", *flags, "-dM", "-E", "-x", "c++", "/dev/null"]) or ""
    if "__AVX512F__" in macros:
        return 512
    return 256 if "__AVX__" in macros else 128


def vector_register_use(build_dir):
    """{object file: {"zmm": n, "ymm": n, "xmm": n}}: how many instructions of
    each runtime benchmark object name a 512-, 256- or 128-bit register, i.e.
    which vector width the compiler chose for each implementation."""
    use = {}
    if not shutil.which("objdump"):
        return use
    for obj in sorted((build_dir / "benchmarks" / "runtime").rglob("impl_*.o")):
        text = run(["objdump", "-d", "--no-show-raw-insn", str(obj)]) or ""
        use[obj.name] = {r: sum(f"%{r}" in line for line in text.splitlines()) for r in ("zmm", "ymm", "xmm")}
    return use


def case_key(name):
    """(workload, net, impl) from a benchmark name such as
    'predict1/2-3-3-1/ctnn' or 'predict1/2-3-3-1/ctnn/repeats:10/real_time'."""
    parts = [p for p in name.split("/") if not re.match(r"^(real_time|manual_time|process_time|"
                                                            r"repeats:\d+|min_time:.*|iterations:\d+|threads:\d+)$", p)]
    if len(parts) < 3:
        return None
    return parts[0], parts[1], parts[2]


def load_gbench(path):
    """{(workload, net, impl): {"cpu": [ns...], "real": [ns...]}} from the
    per-repetition entries of a Google Benchmark JSON file (falls back to the
    median aggregate when only aggregates were written)."""
    if not path.exists():
        return {}, None, {}
    data = json.loads(path.read_text())
    cases, medians, errors = {}, {}, {}
    for b in data.get("benchmarks", []):
        key = case_key(b.get("run_name") or b["name"])
        if key is None:
            continue
        if b.get("error_occurred"):
            errors.setdefault(key, b.get("error_message", "error"))
            continue
        scale = UNIT_NS[b.get("time_unit", "ns")]
        if b.get("run_type", "iteration") == "iteration":
            c = cases.setdefault(key, {"cpu": [], "real": []})
            c["cpu"].append(b["cpu_time"] * scale)
            c["real"].append(b["real_time"] * scale)
        elif b.get("aggregate_name") == "median":
            medians[key] = {"cpu": [b["cpu_time"] * scale], "real": [b["real_time"] * scale]}
    for key, value in medians.items():
        cases.setdefault(key, value)
    return cases, data.get("context"), errors


def quantile(xs, q):
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def stats(xs):
    mean = statistics.fmean(xs)
    med = statistics.median(xs)
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return {"n": len(xs), "median": med, "q25": quantile(xs, 0.25), "q75": quantile(xs, 0.75), "min": min(xs),
            "max": max(xs), "mean": mean, "stddev": sd, "cv": sd / mean if mean else 0.0,
            "spread": (max(xs) - min(xs)) / med if med else 0.0}


def fmt_time(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_ratio(r):
    if r is None:
        return "—"
    return f"{r:.3g}" if r < 1000 else f"{r:,.0f}"


def training_flops(widths, batch):
    """Multiply-add FLOPs (2 per multiply-add) of the matrix products of one
    training step: forward W·A, backward dZ·A_prevᵀ and Wᵀ·dZ for every layer
    but the first (no dA of the input). Bias, activations, loss and the SGD
    update are not counted."""
    weights = [widths[i] * widths[i + 1] for i in range(len(widths) - 1)]
    return 2 * batch * (2 * sum(weights) + sum(weights[1:]))


class Report:
    def __init__(self, raw, out_dir, build_dir):
        self.raw = pathlib.Path(raw)
        self.out = pathlib.Path(out_dir)
        runtime, self.runtime_context, runtime_errors = load_gbench(self.raw / "runtime.json")
        pytorch, self.pytorch_context, pytorch_errors = load_gbench(self.raw / "pytorch.json")
        self.samples = {**runtime, **pytorch}
        # a case that reported an error in any repetition is not timed
        self.errors = {**runtime_errors, **pytorch_errors}
        for key in self.errors:
            self.samples.pop(key, None)
        self.stats = {k: {"cpu": stats(v["cpu"]), "real": stats(v["real"])} for k, v in self.samples.items()}
        self.compile_time = self.load_json("compile_time.json")
        self.fma = self.load_json("fma_peak.json")
        self.before = self.load_json("before.json")
        self.after = self.load_json("after.json")
        self.machine = machine_description(build_dir)
        if self.before and "git_commit" in self.before:  # the commit measured, not the one rendering
            self.machine["git_commit"] = self.before["git_commit"]
            self.machine["git_uncommitted_changes"] = self.before["git_uncommitted_changes"]
        self.targets = []

    def load_json(self, name):
        p = self.raw / name
        return json.loads(p.read_text()) if p.exists() else None

    def med(self, workload, net, impl):
        s = self.stats.get((workload, net, impl))
        return s["cpu"]["median"] if s else None

    def ratio(self, workload, net, num, den):
        a, b = self.med(workload, net, num), self.med(workload, net, den)
        return a / b if a is not None and b else None

    def ratio_range(self, workload, net, num, den):
        a, b = self.stats.get((workload, net, num)), self.stats.get((workload, net, den))
        if not a or not b:
            return None
        a, b = a["cpu"], b["cpu"]
        return a["q25"] / b["q75"], a["q75"] / b["q25"]

    def target(self, what, workload, net, num, den, op, threshold):
        r = self.ratio(workload, net, num, den)
        rng = self.ratio_range(workload, net, num, den)
        if r is None:
            err = self.errors.get((workload, net, num)) or self.errors.get((workload, net, den))
            verdict = f"**not measured** ({err})" if err else "not measured"
        else:
            met = r <= threshold if op == "≤" else r >= threshold
            verdict = "met" if met else "**not met**"
            if rng and rng[0] <= threshold <= rng[1]:
                verdict += " (borderline: within noise)"
        self.targets.append({"target": what, "case": f"{workload}/{net}", "ratio": f"{num} / {den}", "op": op,
                             "threshold": threshold, "measured": r, "iqr_range": rng, "verdict": verdict})

    def check_targets(self):
        for net in NAMED_NETS:
            for wl in WORKLOADS:
                self.target("ctnn ≤ Eigen fixed-size", wl, net, "ctnn", "eigen_fixed", "≤", 1.0)
        for wl in WORKLOADS:
            self.target("ctnn ≥ 5× the runtime-shaped twin", wl, "2-3-3-1", "twin", "ctnn", "≥", 5.0)
            self.target("ctnn ≥ 5× Eigen dynamic", wl, "2-3-3-1", "eigen_dynamic", "ctnn", "≥", 5.0)
        for wl in ("predict1", "train1"):
            self.target("ctnn ≥ 1000× PyTorch", wl, "2-3-3-1", "pytorch", "ctnn", "≥", 1000.0)
        seed = None
        if self.compile_time:
            seed = next((r for r in self.compile_time["results"]
                         if r["source"] == "examples/seed_network.cpp" and r["compiler"] == "g++"), None)
        t = seed["median_wall_s"] if seed else None
        self.targets.append({
            "target": "seed example compiles in ≤ 3 s (g++ -O2)", "case": "examples/seed_network.cpp",
            "ratio": "wall seconds", "op": "≤", "threshold": 3.0, "measured": t,
            "iqr_range": (min(seed["wall_s"]), max(seed["wall_s"])) if seed else None,
            "verdict": "not measured" if t is None else ("met" if t <= 3.0 else "**not met**") +
            (" (borderline: within noise)" if seed and min(seed["wall_s"]) <= 3.0 <= max(seed["wall_s"]) else "")})

    def peak(self):
        """the best FMA peak among the vector widths the benchmark build may use
        (an AVX2 build is measured against the 256-bit peak on an AVX-512 machine)"""
        if not self.fma or not self.fma.get("widths"):
            return None
        bits = (self.machine.get("runtime_build") or {}).get("vector_bits") or 512
        usable = [w for w in self.fma["widths"] if w["bits"] <= bits]
        return max(usable, key=lambda w: w["best_gflops"]) if usable else None

    def flops(self):
        wl, net = FLOP_CASE
        n = training_flops(NET_WIDTHS[net], BATCH[wl])
        peak = self.peak()
        rows = []
        for impl in IMPLS:
            t = self.med(wl, net, impl)
            if t is None:
                continue
            gflops = n / t  # FLOP per ns = GFLOP/s
            rows.append({"impl": impl, "median_ns": t, "gflops": gflops,
                         "fraction_of_peak": gflops / peak["best_gflops"] if peak else None})
        return {"case": f"{wl}/{net}", "flops_per_step": n, "peak": peak, "rows": rows}

    # ---- output -------------------------------------------------------------------------------------

    def render(self):
        self.out.mkdir(parents=True, exist_ok=True)
        self.check_targets()
        flops = self.flops()
        plots = self.plots()
        md = self.markdown(flops, plots)
        (self.out / "report.md").write_text(md)
        cases = [{"name": "/".join(k), "workload": k[0], "net": k[1], "impl": k[2],
                  "cpu_time_ns": v["cpu"], "real_time_ns": v["real"]} for k, v in sorted(self.stats.items())]
        results = {
            "machine": self.machine,
            "load_average_before": self.before, "load_average_after": self.after,
            "google_benchmark_context": self.runtime_context, "pytorch_context": self.pytorch_context,
            "method": "median over repetitions of the per-iteration CPU time (cpu_time); real_time kept too",
            "targets": self.targets, "flops": flops, "fma_peak": self.fma,
            "compile_time": self.compile_time, "cases": cases,
            "errors": {"/".join(k): v for k, v in sorted(self.errors.items())},
            "raw_files": sorted(p.name for p in self.raw.glob("*.json")),
        }
        (self.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(md)

    def markdown(self, flops, plots):
        m = self.machine
        out = ["# ctnn benchmark report", ""]
        dirty = " (with uncommitted changes)" if m.get("git_uncommitted_changes") else ""
        lb = self.before["load_average_1_5_15_min"] if self.before else None
        la = self.after["load_average_1_5_15_min"] if self.after else None
        out += [
            f"Generated by `bash scripts/bench.sh` on {self.before['date'] if self.before else '?'} at commit "
            f"`{(m.get('git_commit') or '?')[:12]}`{dirty}. Raw data: `raw/*.json`; everything below: `results.json`.",
            "",
            f"- CPU: {m['cpu_model']} ({m['logical_cpus']} logical CPUs; hypervisor: {m.get('hypervisor') or 'none'};"
            f" frequency governor: {m['cpu_frequency_governor']})",
            f"- SIMD: {' '.join(f for f in m['cpu_simd_flags'] if not f.startswith('avx512') or f in ('avx512f', 'avx512vl'))}"
            f"{' (+ more AVX-512 extensions)' if any(f.startswith('avx512') for f in m['cpu_simd_flags']) else ''}",
            f"- {m.get('os')}, kernel {m['kernel']}; " + "; ".join(m["compilers"].values()),
            f"- load average (1/5/15 min) before: {lb}, after: {la}",
        ]
        if m.get("runtime_build"):
            rb = m["runtime_build"]
            out.append(f"- runtime benchmark build: {rb.get('CMAKE_BUILD_TYPE', '?')}, -march={rb.get('march', '?')} "
                       f"({rb.get('vector_bits', '?')}-bit vectors at most), "
                       f"fused multiply-adds: {rb.get('fp_contract', '?')}, "
                       f"`{rb.get('example_compile_command', rb.get('CMAKE_CXX_FLAGS_RELEASE', ''))}`")
        if self.pytorch_context:
            out.append(f"- PyTorch {self.pytorch_context.get('torch')} (Python {self.pytorch_context.get('python')}), "
                       f"{self.pytorch_context.get('torch_num_threads')} thread, eager mode")
        out += ["", "Each time is the **median over the repetitions of the CPU time per iteration**; noise is the "
                "coefficient of variation (CV = stddev/mean) over those repetitions. Ratios are ratios of medians; a "
                "verdict is *borderline* when the interquartile ranges of the two cases could flip it.", ""]

        out += ["## Targets", "", "| target | case | ratio | measured | IQR range | verdict |",
                "| --- | --- | --- | ---: | --- | --- |"]
        for t in self.targets:
            meas = t["measured"]
            if t["ratio"] == "wall seconds":
                meas_s = "—" if meas is None else f"{meas:.2f} s"
                rng = "—" if not t["iqr_range"] else f"{t['iqr_range'][0]:.2f}–{t['iqr_range'][1]:.2f} s (min–max)"
            else:
                meas_s = fmt_ratio(meas)
                rng = "—" if not t["iqr_range"] else f"{fmt_ratio(t['iqr_range'][0])}–{fmt_ratio(t['iqr_range'][1])}"
            out.append(f"| {t['target']} | `{t['case']}` | {t['ratio']} {t['op']} {t['threshold']:g} | {meas_s} "
                       f"| {rng} | {t['verdict']} |")
        met = sum(t["verdict"].startswith("met") for t in self.targets)
        out += ["", f"{met} of {len(self.targets)} target checks met.", ""]

        out += ["## Time per case (median CPU time, CV in brackets)", "",
                "| case | " + " | ".join(IMPLS) + " | ctnn / eigen_fixed | twin / ctnn | eigen_dynamic / ctnn "
                "| pytorch / ctnn |", "| --- |" + " ---: |" * (len(IMPLS) + 4)]
        for net in NAMED_NETS:
            for wl in WORKLOADS:
                out.append(self.case_row(wl, net))
        out += ["", "![time per case](time_per_case.svg)" if "time_per_case.svg" in plots else "", ""]

        out += ["## Width sweep (W-W-W, relu, identity output, MSE)", "",
                "Where static shapes stop paying: ctnn / eigen_fixed above 1 means Eigen is faster.", "",
                "| case | " + " | ".join(IMPLS) + " | ctnn / eigen_fixed | ctnn / twin |",
                "| --- |" + " ---: |" * (len(IMPLS) + 2)]
        for wl in SWEEP_WORKLOADS:
            for w in sorted({int(k[1][6:]) for k in self.stats if k[1].startswith("sweep-")}):
                net = f"sweep-{w}"
                cells = [self.cell(wl, net, i) for i in IMPLS]
                out.append(f"| `{wl}/{net}` | " + " | ".join(cells) + f" | {fmt_ratio(self.ratio(wl, net, 'ctnn', 'eigen_fixed'))}"
                           f" | {fmt_ratio(self.ratio(wl, net, 'ctnn', 'twin'))} |")
        out += ["", "![width sweep](sweep.svg)" if "sweep.svg" in plots else "", ""]

        out += ["## FLOP/s against the single-core FMA peak", ""]
        peak = flops["peak"]
        if self.fma:
            out += ["Peak measured by `benchmarks/fma_peak/fma_peak.cpp` (g++ -O3 -march=native; independent FMA "
                    "chains, best of its repetitions):", "", "| vector width | chains | best GFLOP/s | median GFLOP/s |",
                    "| --- | ---: | ---: | ---: |"]
            for w in self.fma["widths"]:
                out.append(f"| {w['width']} ({w['float_lanes']} floats) | {w['chains']} | {w['best_gflops']:.1f} "
                           f"| {w['median_gflops']:.1f} |")
            out.append("")
        out += [f"`{flops['case']}` does {flops['flops_per_step']:,} FLOPs of matrix products per step "
                "(2 per multiply-add: forward W·A, backward dZ·A_prevᵀ, and Wᵀ·dZ except for the first layer; bias, "
                "activations, loss and the SGD update not counted)."
                + (f" Peak used: {peak['best_gflops']:.1f} GFLOP/s ({peak['width']}, {peak['float_lanes']} floats"
                   " per vector, the best width measured that the benchmark build can use)." if peak
                   else " No peak measured."), "",
                "| implementation | median time | GFLOP/s | fraction of peak |", "| --- | ---: | ---: | ---: |"]
        for r in flops["rows"]:
            frac = "—" if r["fraction_of_peak"] is None else f"{100 * r['fraction_of_peak']:.1f} %"
            out.append(f"| {r['impl']} | {fmt_time(r['median_ns'])} | {r['gflops']:.2f} | {frac} |")
        out.append("")

        regs = self.machine.get("runtime_vector_registers")
        if regs:
            out += ["Vector width the compiler chose (instructions naming a 512-, 256- and 128-bit register in each "
                    "runtime benchmark object; scalar float instructions use xmm registers too): " + "; ".join(
                        f"`{name}` {r['zmm']} zmm / {r['ymm']} ymm / {r['xmm']} xmm" for name, r in regs.items()) + ".",
                    ""]

        out += ["## Compile time", ""]
        if self.compile_time:
            out += [compile_markdown(self.compile_time)]
        else:
            out += ["not measured", ""]

        if self.errors:
            out += ["## Errors", "", "¹ These cases reported an error instead of a time (Google Benchmark's "
                    "`error_occurred`), so they are left out of every table and target:", ""]
            out += [f"- `{'/'.join(k)}`: {v}" for k, v in sorted(self.errors.items())]
            out.append("")
        cvs = sorted((v["cpu"]["cv"], "/".join(k)) for k, v in self.stats.items())
        if cvs:
            out += ["## Noise", "",
                    f"Over {len(cvs)} cases, the CV of the CPU time over repetitions has median "
                    f"{100 * statistics.median(c for c, _ in cvs):.1f} % and maximum {100 * cvs[-1][0]:.1f} % "
                    f"(`{cvs[-1][1]}`); 90 % of the cases are below {100 * quantile([c for c, _ in cvs], 0.9):.1f} %. "
                    "Wall-time (real_time) medians are in results.json; on a busy machine they are larger than "
                    "the CPU times.", ""]
        return "\n".join(out)

    def cell(self, wl, net, impl):
        s = self.stats.get((wl, net, impl))
        if (wl, net, impl) in self.errors:
            return "error¹"
        if not s:
            return "—"
        return f"{fmt_time(s['cpu']['median'])} ({100 * s['cpu']['cv']:.0f} %)"

    def case_row(self, wl, net):
        cells = [self.cell(wl, net, i) for i in IMPLS]
        ratios = [self.ratio(wl, net, "ctnn", "eigen_fixed"), self.ratio(wl, net, "twin", "ctnn"),
                  self.ratio(wl, net, "eigen_dynamic", "ctnn"), self.ratio(wl, net, "pytorch", "ctnn")]
        return f"| `{wl}/{net}` | " + " | ".join(cells) + " | " + " | ".join(fmt_ratio(r) for r in ratios) + " |"

    def plots(self):
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("report: matplotlib missing, no plots", file=sys.stderr)
            return []
        plt.rcParams["svg.hashsalt"] = "ctnn"  # reproducible SVG ids
        colors = {"ctnn": "#1b9e77", "ctnn_value": "#a6d8c7", "twin": "#d95f02", "eigen_fixed": "#7570b3", "eigen_dynamic": "#e7298a",
                  "pytorch": "#66a61e"}
        made = []
        cases = [(wl, net) for net in NAMED_NETS for wl in WORKLOADS]
        fig, ax = plt.subplots(figsize=(11, 4.8))
        width = 0.8 / len(IMPLS)
        for i, impl in enumerate(IMPLS):
            xs, ys, lo, hi = [], [], [], []
            for j, (wl, net) in enumerate(cases):
                s = self.stats.get((wl, net, impl))
                if s:
                    xs.append(j + (i - (len(IMPLS) - 1) / 2) * width)
                    ys.append(s["cpu"]["median"])
                    lo.append(s["cpu"]["median"] - s["cpu"]["min"])
                    hi.append(s["cpu"]["max"] - s["cpu"]["median"])
            if xs:
                ax.bar(xs, ys, width, label=impl, color=colors[impl], yerr=[lo, hi], error_kw={"linewidth": 0.6})
        ax.set_yscale("log")
        bottom, top = ax.get_ylim()
        ax.set_ylim(bottom, top * 20)  # room for the legend above the tallest bars
        ax.set_ylabel("median CPU time per call (ns), log scale")
        ax.set_xticks(range(len(cases)))
        ax.set_xticklabels([f"{wl}\n{net}" for wl, net in cases], fontsize=7)
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(ncol=len(IMPLS), fontsize=8, loc="upper left")
        ax.set_title("ctnn benchmarks: time per case (bars: min–max over repetitions)")
        fig.tight_layout()
        fig.savefig(self.out / "time_per_case.svg", metadata={"Date": None})
        plt.close(fig)
        made.append("time_per_case.svg")

        widths = sorted({int(k[1][6:]) for k in self.stats if k[1].startswith("sweep-")})
        if widths:
            fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
            for ax, wl in zip(axes, SWEEP_WORKLOADS):
                for other, style in (("eigen_fixed", "o-"), ("twin", "s--")):
                    pts = [(w, self.ratio(wl, f"sweep-{w}", "ctnn", other)) for w in widths]
                    pts = [(w, r) for w, r in pts if r is not None]
                    if pts:
                        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, label=f"ctnn / {other}",
                                color=colors[other])
                ax.axhline(1.0, color="grey", linewidth=0.8)
                ax.set_xscale("log", base=2)
                ax.set_xticks(widths, [str(w) for w in widths])
                ax.minorticks_off()
                ax.set_yscale("log")
                ax.set_xlabel("width W (network W-W-W)")
                ax.set_title(f"{wl}: time ratio (below 1: ctnn faster)")
                ax.grid(which="both", alpha=0.3)
                ax.legend(fontsize=8)
            axes[0].set_ylabel("ratio of median CPU times")
            fig.tight_layout()
            fig.savefig(self.out / "sweep.svg", metadata={"Date": None})
            plt.close(fig)
            made.append("sweep.svg")
        return made


def compile_markdown(data):
    spec = importlib.util.spec_from_file_location("compile_time_bench", HERE / "compile_time" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.markdown(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("file")
    r = sub.add_parser("render")
    r.add_argument("--raw", required=True, help="directory with the raw JSON files")
    r.add_argument("--out-dir", required=True)
    r.add_argument("--build-dir", help="the runtime benchmark's CMake build directory (for its flags)")
    args = ap.parse_args()
    if args.command == "snapshot":
        snapshot(args.file)
    else:
        Report(args.raw, args.out_dir, args.build_dir).render()


if __name__ == "__main__":
    main()

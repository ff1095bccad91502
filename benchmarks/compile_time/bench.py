#!/usr/bin/python3
"""Compile-time benchmark: wall time and peak memory of g++ and clang++ at -O2.

Compiles and links (as `g++ -std=c++20 -O2 -Iinclude file.cpp -o exe` does,
with the warning flags of ctnn's own targets) every `examples/*.cpp` and a
generated network of 2, 8 and 16 dense layers of width 16 (network.cpp.in:
relu hidden layers, identity output, MSE; one forward, backward and SGD step
on a batch of 32, and a predict). Each compile runs --runs times (default 3)
in a fresh child process; wall time is measured around the child and peak
memory is the child's ru_maxrss as returned by wait4(), which covers the
driver and the processes it waited for (cc1plus, as, ld), as GNU time's %M.
Reports the median of the runs, and the min and max.

Writes JSON (--out) and a markdown table (--markdown).
"""
import argparse
import datetime
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
FLAGS = ["-std=c++20", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Wshadow", "-Werror"]
DEPTHS = [2, 8, 16]
WIDTH = 16
BATCH = 32


def generate(depth, directory):
    """A translation unit with a network of `depth` dense layers (depth - 1
    relu hidden layers and the identity output layer), all of width WIDTH."""
    text = (HERE / "network.cpp.in").read_text()
    hidden = "".join(f"                               ctnn::dense<{WIDTH}, ctnn::act::relu>,\n"
                     for _ in range(depth - 1)).rstrip("\n")
    text = (text.replace("@LAYERS@", hidden).replace("@DEPTH@", str(depth))
            .replace("@WIDTH@", str(WIDTH)).replace("@BATCH@", str(BATCH)))
    path = directory / f"network_{depth}_layers.cpp"
    path.write_text(text)
    return path


def compile_once(cmd):
    """(wall seconds, peak RSS in MiB, user+sys CPU seconds) of one compile."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if proc.returncode != 0:
        sys.exit(f"compile_time: failed ({proc.returncode}): {' '.join(cmd)}\n{output.decode(errors='replace')[:4000]}")
    return wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def version(compiler):
    out = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="JSON output file")
    ap.add_argument("--markdown", help="markdown table output file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--compilers", default="g++,clang++")
    args = ap.parse_args()

    compilers = [c for c in args.compilers.split(",") if shutil.which(c)]
    if not compilers:
        sys.exit("compile_time: none of the compilers is installed: " + args.compilers)
    with tempfile.TemporaryDirectory(prefix="ctnn-compile-time-") as tmp:
        tmp = pathlib.Path(tmp)
        sources = [(f"examples/{p.name}", p, [f'-DCTNN_EXAMPLES_DATA_DIR="{ROOT / "examples" / "data"}"'])
                   for p in sorted((ROOT / "examples").glob("*.cpp"))]
        sources += [(f"network, {d} layers of {WIDTH}", generate(d, tmp), []) for d in DEPTHS]
        results = []
        for label, src, extra in sources:
            for compiler in compilers:
                cmd = [compiler, *FLAGS, f"-I{ROOT / 'include'}", *extra, str(src), "-o", str(tmp / "a.out")]
                runs = [compile_once(cmd) for _ in range(args.runs)]
                walls, rss, cpu = ([r[i] for r in runs] for i in range(3))
                results.append({
                    "source": label, "compiler": compiler, "runs": args.runs,
                    "command": " ".join(c if c != str(src) else label for c in cmd).replace(str(ROOT) + "/", ""),
                    "wall_s": walls, "max_rss_mib": rss, "cpu_s": cpu,
                    "median_wall_s": statistics.median(walls), "median_max_rss_mib": statistics.median(rss),
                    "median_cpu_s": statistics.median(cpu),
                })
                print(f"{label:32s} {compiler:8s} {statistics.median(walls):6.2f} s  {statistics.median(rss):6.0f} MiB"
                      f"  (wall {min(walls):.2f}-{max(walls):.2f} s)", flush=True)

    data = {
        "context": {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "compilers": {c: version(c) for c in compilers},
            "flags": " ".join(FLAGS) + " -Iinclude (compile and link)",
            "generated_networks": f"{DEPTHS} dense layers of width {WIDTH}, batch {BATCH}: relu hidden, identity output, "
                                  "MSE; forward + backward + SGD step + predict",
            "runs": args.runs,
            "peak_memory": "ru_maxrss of the compiler driver's process tree (wait4), MiB",
        },
        "results": results,
    }
    pathlib.Path(args.out).write_text(json.dumps(data, indent=1) + "\n")
    if args.markdown:
        pathlib.Path(args.markdown).write_text(markdown(data))


def markdown(data):
    compilers = list(data["context"]["compilers"])
    by = {(r["source"], r["compiler"]): r for r in data["results"]}
    sources = list(dict.fromkeys(r["source"] for r in data["results"]))
    head = "| source | " + " | ".join(f"{c} wall (s) | {c} CPU (s) | {c} peak (MiB)" for c in compilers) + " |\n"
    head += "| --- |" + " ---: | ---: | ---: |" * len(compilers) + "\n"
    rows = ""
    for s in sources:
        cells = []
        for c in compilers:
            r = by.get((s, c))
            if r is None:
                cells += ["—", "—", "—"]
                continue
            cells.append(f"{r['median_wall_s']:.2f} ({min(r['wall_s']):.2f}–{max(r['wall_s']):.2f})")
            cells.append(f"{r['median_cpu_s']:.2f}")
            cells.append(f"{r['median_max_rss_mib']:.0f}")
        rows += f"| `{s}` | " + " | ".join(cells) + " |\n" if s.startswith("examples/") else \
            f"| {s} | " + " | ".join(cells) + " |\n"
    note = (f"Median of {data['context']['runs']} runs (wall min–max in brackets); `{data['context']['flags']}`; "
            "CPU = user + system time of the compiler's process tree (on a busy machine the wall time grows, "
            "the CPU time much less); peak = max RSS of that tree.\n")
    return head + rows + "\n" + note


if __name__ == "__main__":
    main()

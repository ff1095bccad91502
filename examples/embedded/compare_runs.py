#!/usr/bin/env python3
"""compare_runs.py — runs a firmware under QEMU and its host twin, and compares.

    compare_runs.py --qemu qemu-system-arm --machine mps2-an386 --elf X.elf --host X_host
                    (--exact | --tolerance 1e-4)

The firmware runs as
    timeout 20 qemu-system-arm -M MACHINE -nographic -semihosting-config enable=on,target=native -kernel X.elf
Passes only if
  - both exit with the same status, which is neither 124 (timeout) nor 255
    (a fault: startup.c's fault handler) nor a signal;
  - the outputs, without the lines only the target prints ("target: ..."),
    are the same: --exact, character for character; --tolerance T, the same
    words, and numbers that differ by at most T (absolute).
Prints both outputs and, with --tolerance, the largest difference found.
Python 3 standard library only.
"""
import argparse
import re
import subprocess
import sys

NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def run(cmd):
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return 124, "", "timed out"
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--host", required=True)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--exact", action="store_true")
    mode.add_argument("--tolerance", type=float)
    a = ap.parse_args()

    t_status, t_out, t_err = run(["timeout", "20", a.qemu, "-M", a.machine, "-nographic",
                                  "-semihosting-config", "enable=on,target=native", "-kernel", a.elf])
    h_status, h_out, h_err = run([a.host])
    t_lines = [l for l in t_out.replace("\r\n", "\n").splitlines() if not l.startswith("target:")]
    h_lines = h_out.splitlines()
    print(f"--- target ({a.machine}, {a.elf}): exit status {t_status}\n{t_out}{t_err}")
    print(f"--- host twin ({a.host}): exit status {h_status}\n{h_out}{h_err}")

    problems = []
    if t_status in (124, 255) or t_status < 0:
        problems.append(f"the target did not finish normally (status {t_status}: 124 timeout, 255 fault)")
    if t_status != h_status:
        problems.append(f"exit status: target {t_status}, host {h_status}")
    if len(t_lines) != len(h_lines):
        problems.append(f"{len(t_lines)} lines from the target, {len(h_lines)} from the host")
    largest, numbers = 0.0, 0
    for n, (t, h) in enumerate(zip(t_lines, h_lines), 1):
        if a.exact:
            if t != h:
                problems.append(f"line {n} differs:\n    target: {t}\n    host:   {h}")
            continue
        tw, hw = t.split(), h.split()
        if len(tw) != len(hw):
            problems.append(f"line {n}: different words:\n    target: {t}\n    host:   {h}")
            continue
        for x, y in zip(tw, hw):
            if NUMBER.match(x) and NUMBER.match(y):
                numbers += 1
                d = abs(float(x) - float(y))
                largest = max(largest, d)
                if d > a.tolerance:
                    problems.append(f"line {n}: {x} (target) and {y} (host) differ by {d:.3g} > {a.tolerance:g}")
            elif x != y:
                problems.append(f"line {n}: '{x}' (target) != '{y}' (host)")
    if a.tolerance is not None:
        print(f"compared {numbers} numbers: largest difference {largest:.3g} (tolerance {a.tolerance:g})")
    if problems:
        print("FAIL:\n  " + "\n  ".join(problems))
        return 1
    print(f"ok: target and host agree ({'exactly' if a.exact else 'within tolerance'}), exit status {t_status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""size_report.py — flash and RAM of the ctnn firmware examples, and checks.

    size_report.py --nm arm-none-eabi-nm --qemu qemu-system-arm --build BUILD/embedded [--check]
        prints the size table of every firmware in BUILD/embedded/{m4f,m3}
        (from the linker maps NAME.map, the symbol sizes of `nm -S` and one run
        under QEMU for the measured stack); with --check, fails unless the
        targets hold (see TARGETS below).
    size_report.py --nm NM --check-no-heap X.elf
        fails if X.elf defines or references malloc, free, _sbrk or their kin.
    size_report.py --nm NM --objcopy OBJCOPY --check-weights-in-flash X.elf moons_net.hpp
        fails unless every parameter of the generated header is in the flash
        image (.text/.rodata) as a float word (or its negation, which the
        compiler may fold into a subtraction) and no symbol of it is in RAM.

Columns (bytes): flash = .text + .rodata + .ARM.exidx + init/fini arrays +
the load image of .data; split by where each input section comes from:
  network  the firmware's functions named ctnn_fw_* (every ctnn call inlined
           into them) and any out-of-line ctnn:: function
  libm+gcc libm and libgcc (float/double helpers) pulled in by the math
  C lib    newlib-nano's libc, librdimon (semihosting stdio), libnosys
  rest     the firmware's own main and constants, startup.c (vector table)
RAM = .data + .bss + the stack's measured high-water mark (startup.c paints
the stack at reset; the firmware prints "target: stack used N bytes").
"net total" = this firmware minus its baseline twin built with the network
call removed (CTNN_FW_BASELINE=1): the network with everything it pulls in.
Python 3 standard library only.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile

FLASH_SECTIONS = {".text", ".rodata", ".ARM.exidx", ".ARM.extab", ".preinit_array", ".init_array", ".fini_array"}
RAM_SECTIONS = {".data", ".bss"}
# name: (source of the program, baseline twin or None)
FIRMWARES = [
    ("train_xor", "train_xor_base"),
    ("infer_moons", None),
    ("infer_moons_exit", "infer_moons_exit_base"),
]
MACHINES = {"m4f": "mps2-an386", "m3": "mps2-an385"}
KB = 1024
# (cpu, firmware, column, limit in bytes, what the issue asks). "network" is the
# network's own code; what it pulls in from libm/libgcc is reported beside it
# (column libm+gcc, and "net total flash"), not part of these limits.
TARGETS = [
    ("m4f", "infer_moons_exit", "network", 1536, "seed network inference code <= 1.5 KB"),
    ("m4f", "train_xor", "network", 8 * KB, "training firmware's network code (forward, backward, Adam) <= 8 KB"),
    ("m3", "train_xor", "network", 8 * KB, "training firmware's network code (forward, backward, Adam) <= 8 KB"),
    # the bare inference firmware keeps nothing in RAM but its stack (weights in flash, no heap)
    ("m4f", "infer_moons_exit", ".data", 0, "no static RAM in the bare inference firmware (.data)"),
    ("m4f", "infer_moons_exit", ".bss", 0, "no static RAM in the bare inference firmware (.bss)"),
    ("m3", "infer_moons_exit", ".data", 0, "no static RAM in the bare inference firmware (.data)"),
    ("m3", "infer_moons_exit", ".bss", 0, "no static RAM in the bare inference firmware (.bss)"),
]
HEAP_SYMBOLS = {"malloc", "_malloc_r", "free", "_free_r", "calloc", "_calloc_r", "realloc", "_realloc_r",
                "_sbrk", "_sbrk_r", "sbrk", "__malloc_av_", "__malloc_sbrk_base", "_malloc_trim_r", "memalign"}


def parse_map(path):
    """(output section, input section, size, file) for every input section the linker placed"""
    rows, out_sec, pending = [], None, None
    with open(path) as f:
        lines = f.read().split("\n")
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"{path}: not a GNU ld map file")
    for line in lines[start + 1:]:
        m = re.match(r"^(\.[\w.]+|/DISCARD/)\s*(0x[0-9a-f]+)?\s*(0x[0-9a-f]+)?", line)
        if m and not line.startswith(" "):
            out_sec, pending = m.group(1), None
            continue
        if pending is not None:
            m = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)$", line)
            if m:
                rows.append((out_sec, pending, int(m.group(2), 16), m.group(3).strip()))
            pending = None
            continue
        m = re.match(r"^ (\*fill\*|COMMON|[.\w][^\s]*)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s*(.*)$", line)
        if m:
            rows.append((out_sec, m.group(1), int(m.group(3), 16), m.group(4).strip()))
            continue
        m = re.match(r"^ ([.\w][^\s]*)$", line)
        if m:
            pending = m.group(1)
    return rows


def is_network(name):
    """a firmware function named ctnn_fw_*, or anything in namespace ctnn (mangled: 4ctnn)"""
    return "ctnn_fw_" in name or "4ctnn" in name


def category(section, file):
    base = os.path.basename(file)
    if is_network(section):
        return "network"
    if "libm.a" in base or "libgcc.a" in base:
        return "libm+gcc"
    if re.search(r"lib(c|c_nano|g|g_nano|rdimon|rdimon_nano|nosys)\.a", base) or base.startswith("crt"):
        return "C lib"
    return "rest"


def measure(build, cpu, name, nm, qemu):
    elf = os.path.join(build, cpu, name + ".elf")
    rows = parse_map(os.path.join(build, cpu, name + ".map"))
    r = {"flash": 0, "network": 0, "libm+gcc": 0, "C lib": 0, "rest": 0, ".data": 0, ".bss": 0,
         "init_array": [], "stack": None}
    for out_sec, sec, size, file in rows:
        if size == 0:
            continue
        if out_sec in FLASH_SECTIONS or out_sec == ".data":
            r["flash"] += size
            r[category(sec, file)] += size
        if out_sec in RAM_SECTIONS:
            r[out_sec] += size
        if out_sec in (".init_array", ".preinit_array"):
            r["init_array"].append(f"{sec} from {os.path.basename(file)}")
    # cross-check the map's network figure with nm's symbol sizes
    syms = subprocess.run([nm, "-S", "--size-sort", elf], capture_output=True, text=True, check=True).stdout
    fields = [l.split() for l in syms.splitlines()]
    network = [f for f in fields if len(f) == 4 and f[2] in "tTwWrRvV" and is_network(f[3])]
    r["nm network"] = sum(int(f[1], 16) for f in network)
    r["nm symbols"] = len(network)
    # the network functions' own stack frames (-fstack-usage: CMakeFiles/NAME.dir/*.su)
    r["frames"] = {}
    su_dir = os.path.join(build, cpu, "CMakeFiles", name + ".dir")
    for su in (os.listdir(su_dir) if os.path.isdir(su_dir) else []):
        if su.endswith(".su"):
            for line in open(os.path.join(su_dir, su)):
                m = re.match(r"^\S+:\d+:\d+:(.*)\t(\d+)\t(\S+)$", line.rstrip("\n"))
                if m and "ctnn_fw_" in m.group(1):
                    fn = re.sub(r"^.*(ctnn_fw_\w+).*$", r"\1", m.group(1))
                    r["frames"][fn] = int(m.group(2))
    if qemu:
        p = subprocess.run(["timeout", "20", qemu, "-M", MACHINES[cpu], "-nographic", "-semihosting-config",
                            "enable=on,target=native", "-kernel", elf],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        # newlib's printf writes to the host's stdout, startup.c's semihosting SYS_WRITE0 to its stderr
        m = re.search(r"^target: stack used (\d+) bytes", p.stdout + "\n" + p.stderr, re.M)
        r["stack"] = int(m.group(1)) if m else None
        r["status"] = p.returncode
    return r


def report(a):
    data, problems = {}, []
    for cpu in MACHINES:
        for name, _ in FIRMWARES + [(b, None) for b in {b for _, b in FIRMWARES if b}]:
            if os.path.exists(os.path.join(a.build, cpu, name + ".elf")):
                data[cpu, name] = measure(a.build, cpu, name, a.nm, a.qemu)
    print("| firmware | CPU | flash | network | libm+gcc | C lib | rest | .data | .bss | stack | RAM | net total flash | net total RAM (static) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for cpu in MACHINES:
        for name, base in FIRMWARES:
            r = data.get((cpu, name))
            if r is None:
                problems.append(f"{cpu}/{name}.elf is missing")
                continue
            b = data.get((cpu, base)) if base else None
            r["net total flash"] = r["flash"] - b["flash"] if b else None
            r["net total RAM"] = (r[".data"] + r[".bss"]) - (b[".data"] + b[".bss"]) if b else None
            stack = r["stack"]
            ram = r[".data"] + r[".bss"] + (stack or 0)
            cell = lambda v: "-" if v is None else str(v)
            print(f"| {name} | {cpu} | {r['flash']} | {r['network']} | {r['libm+gcc']} | {r['C lib']} | {r['rest']} "
                  f"| {r['.data']} | {r['.bss']} | {cell(stack)} | {ram if stack is not None else '-'} "
                  f"| {cell(r['net total flash'])} | {cell(r['net total RAM'])} |")
            # sections are padded to 4 bytes, Thumb functions are 2-byte multiples
            if not 0 <= r["network"] - r["nm network"] <= 2 * r["nm symbols"]:
                problems.append(f"{cpu}/{name}: network code {r['network']} (map) != {r['nm network']} (nm)")
            ours = [e for e in r["init_array"] if not re.search(r"lib(c|c_nano|g|rdimon\w*)\.a|crt", e)]
            if ours:
                problems.append(f"{cpu}/{name}: static constructors outside the C library: {ours}")
            if a.qemu and (stack is None or r.get("status") in (124, 255)):
                problems.append(f"{cpu}/{name}: no stack figure from the run (exit status {r.get('status')})")
    print()
    for cpu in MACHINES:
        for name, _ in FIRMWARES:
            r = data.get((cpu, name))
            if r:
                print(f"{cpu}/{name}: .init_array/.preinit_array entries: {r['init_array'] or 'none'}; "
                      f"stack frames of the network functions: {r['frames'] or 'no .su files'}")
    print()
    for cpu, name, column, limit, what in TARGETS:
        r = data.get((cpu, name))
        value = r.get(column) if r else None
        ok = value is not None and value <= limit
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {cpu}/{name} {column} = {value} bytes (limit {limit})")
        if not ok:
            problems.append(f"target missed: {what}: {value} > {limit}")
    if a.check and problems:
        print("FAIL:\n  " + "\n  ".join(problems))
        return 1
    if problems:
        print("problems (not checked without --check):\n  " + "\n  ".join(problems))
    return 0


def check_no_heap(a):
    out = subprocess.run([a.nm, a.check_no_heap], capture_output=True, text=True, check=True).stdout
    names = [l.split()[-1] for l in out.splitlines() if l.split()]
    found = sorted(set(names) & HEAP_SYMBOLS)
    print(f"{a.check_no_heap}: {len(names)} symbols; heap symbols: {found or 'none'}")
    if not names:
        print("FAIL: nm listed no symbols at all")
        return 1
    if found:
        print("FAIL: the firmware links heap functions")
        return 1
    print("ok: no malloc, free or _sbrk")
    return 0


def check_weights(a):
    elf, header = a.check_weights_in_flash
    text = open(header).read()
    values = [float.fromhex(v) for v in re.findall(r"(-?0x[0-9a-fA-F.]+p[+-]?\d+)f\b", text)]
    if not values:
        print(f"FAIL: no float parameters found in {header}")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "flash.bin")
        subprocess.run([a.objcopy, "-O", "binary", "--only-section=.text", "--only-section=.rodata", elf, image],
                       check=True)
        flash = open(image, "rb").read()
    missing = [v for v in values if v != 0.0
               and struct.pack("<f", v) not in flash and struct.pack("<f", -v) not in flash]
    syms = subprocess.run([a.nm, "-C", "-S", elf], capture_output=True, text=True, check=True).stdout.splitlines()
    moons = [l for l in syms if "moons" in l]
    in_ram = [l for l in moons if int(l.split()[0], 16) >= 0x20000000]
    print(f"{elf}: {len(values)} parameters in {header}; {len(values) - len(missing)} found in flash "
          f"(.text/.rodata, {len(flash)} bytes) as float words or their negation")
    print(f"symbols of models::moons: {moons or 'none (its values are literals in the code, in flash)'}")
    if missing or in_ram:
        print(f"FAIL: not in flash: {missing}; in RAM: {in_ram}")
        return 1
    print("ok: the weights are in flash and nothing of them is in RAM")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nm", default="arm-none-eabi-nm")
    ap.add_argument("--objcopy", default="arm-none-eabi-objcopy")
    ap.add_argument("--qemu")
    ap.add_argument("--build")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--check-no-heap", metavar="ELF")
    ap.add_argument("--check-weights-in-flash", nargs=2, metavar=("ELF", "HEADER"))
    a = ap.parse_args()
    if a.check_no_heap:
        return check_no_heap(a)
    if a.check_weights_in_flash:
        return check_weights(a)
    if not a.build:
        ap.error("--build is required for the report")
    return report(a)


if __name__ == "__main__":
    sys.exit(main())

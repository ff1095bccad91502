#!/usr/bin/env python3
"""check_loop_free.py - prove that the code in an object file has no loops.

usage: check_loop_free.py OBJECT [--objdump PATH] [--expect FUNCTION]... [--strict] [--no-branches]

Disassembles OBJECT with `objdump -d -r --no-show-raw-insn` and fails (exit 1) if

  * a function in the object contains a loop: the control-flow graph of its
    instructions (fall-through, jump and branch edges, also across sections,
    such as into a .cold part and back) has a cycle. Every cycle contains a
    backward jump (a jump whose target address is <= its own address); each
    backward jump is listed and marked "on a cycle" (a loop) or "layout" (a
    block the compiler placed after the code it returns to, e.g. the rare side
    of a branch: reached once, then jumps back to the join point). With
    --strict every backward jump fails, layout or not;
  * a jump's target cannot be known (an indirect jump, e.g. a switch table);
  * a call, or a tail call, goes anywhere but libm (expf, logf, tanhf, ...) or
    the terminate handlers of noexcept functions: a call to a ctnn or
    boost::hana function means a kernel was not inlined, and a call to
    memset/memcpy means a loop hidden in libc;
  * a function named with --expect is not in the object (so that an empty or
    wrong object cannot pass);
  * with --no-branches, a function contains a conditional branch at all: its
    time could then depend on the data (what a real-time caller must not see).

It prints, per function, the instruction count, the jumps and the calls.
Exit codes: 0 loop-free, 1 a rule is broken, 2 usage or tool error.
Understands x86-64 and AArch64 objects (ELF, GNU objdump syntax).
"""
import argparse
import re
import shutil
import subprocess
import sys

# Calls that are fine: the math library, and what a noexcept function's
# landing pad calls (never executed on the normal path).
ALLOWED_CALL = re.compile(
    r"^(?:(?:exp|expm1|exp2|log|log1p|log2|log10|tanh|sqrt|pow|fabs|fmax|fmin)[fl]?"
    r"|__clang_call_terminate|__cxa_begin_catch|_ZSt9terminatev|std::terminate\(\))$")

FUNC_RE = re.compile(r"^([0-9a-f]+) <(.+)>:$")
INSN_RE = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")
RELOC_RE = re.compile(r"^\s*([0-9a-f]+): (R_\S+)\s+(\S+)")
SECTION_RE = re.compile(r"^Disassembly of section (\S+):$")
TARGET_RE = re.compile(r"^(?:0x)?([0-9a-f]+)(?:\s+<.*>)?$")
ADDEND_RE = re.compile(r"^(.*?)(?:([+-])0x([0-9a-f]+))?$")
PREFIXES = ("bnd", "notrack", "rep", "repz", "repnz", "lock", "data16", "cs", "ds", "addr32")


class Insn:
    __slots__ = ("section", "addr", "next", "mnem", "ops", "reloc", "func")

    def __init__(self, section, addr, mnem, ops, func):
        self.section, self.addr, self.mnem, self.ops, self.func = section, addr, mnem, ops, func
        self.next, self.reloc = None, None  # next address in the section; (type, symbol, addend)


class Func:
    def __init__(self, name, section, start):
        self.name, self.section, self.start = name, section, start
        self.insns = []
        self.forward, self.backward, self.cross, self.unknown, self.calls = [], [], [], [], []
        self.branches = []  # conditional branches: (address, mnemonic)


def parse(text):
    funcs, section, cur = [], None, None
    for line in text.splitlines():
        m = SECTION_RE.match(line)
        if m:
            section, cur = m.group(1), None
            continue
        m = FUNC_RE.match(line)
        if m:
            cur = Func(m.group(2), section, int(m.group(1), 16))
            funcs.append(cur)
            continue
        if cur is None:
            continue
        m = RELOC_RE.match(line)
        if m:
            if cur.insns:
                sm = ADDEND_RE.match(m.group(3))
                addend = int(sm.group(3), 16) * (-1 if sm.group(2) == "-" else 1) if sm.group(3) else 0
                cur.insns[-1].reloc = (m.group(2), sm.group(1), addend, int(m.group(1), 16))
            continue
        m = INSN_RE.match(line)
        if m:
            body = re.split(r"\s(?:#|//)\s?", m.group(2))[0].strip()
            if not body or body.startswith("(bad)") or body.startswith("..."):
                continue
            words = body.split()
            prefix = []
            while len(words) > 1 and words[0] in PREFIXES:
                prefix.append(words.pop(0))
            mnem, ops = words[0], " ".join(words[1:])
            cur.insns.append(Insn(section, int(m.group(1), 16), mnem, ops, cur))
    return funcs


def demangle(names):
    names = sorted(set(names))
    tool = shutil.which("c++filt")
    if not tool or not names:
        return {n: n for n in names}
    out = subprocess.run([tool], input="\n".join(names), capture_output=True, text=True).stdout.splitlines()
    return dict(zip(names, out)) if len(out) == len(names) else {n: n for n in names}


def kind_of(insn, arch):
    """'call', 'jump' (unconditional), 'branch' (conditional), 'stop' (ret, ud2...) or None"""
    m = insn.mnem
    if arch == "aarch64":
        if m in ("bl", "blr"):
            return "call"
        if m in ("b", "br"):
            return "jump"
        if m.startswith("b.") or m.startswith("bc.") or m in ("cbz", "cbnz", "tbz", "tbnz"):
            return "branch"
        if m in ("ret", "brk", "hlt", "udf"):
            return "stop"
        return None
    if m.startswith("call"):
        return "call"
    if m in ("jmp", "jmpq", "jmpl"):
        return "jump"
    if m.startswith("j") or m.startswith("loop"):
        return "branch"
    if m.startswith("ret") or m in ("ud2", "hlt", "int3"):
        return "stop"
    return None


def analyse(funcs, arch):
    by_loc = {}
    sections = {}
    for f in funcs:
        for i in f.insns:
            by_loc[(i.section, i.addr)] = i
            sections.setdefault(i.section, []).append(i)
    for insns in sections.values():
        insns.sort(key=lambda i: i.addr)
        for a, b in zip(insns, insns[1:]):
            a.next = b.addr
    symbols = {f.name: (f.section, f.start) for f in funcs}
    func_at = {}
    for f in funcs:
        for i in f.insns:
            func_at[(i.section, i.addr)] = f

    def reloc_target(i):
        """(section, address) of a relocated jump target inside this object, or None"""
        rtype, sym, addend, roff = i.reloc
        if sym in symbols:
            sec, base = symbols[sym]
        elif sym in sections:
            sec, base = sym, 0
        else:
            return None
        if arch == "aarch64":
            return sec, base + addend
        end = i.next if i.next is not None else roff + 4
        return sec, base + addend + (end - roff)  # PC-relative field at the end of the instruction

    succ = {}
    for f in funcs:
        for i in f.insns:
            k = kind_of(i, arch)
            loc = (i.section, i.addr)
            nxt = [(i.section, i.next)] if i.next is not None else []
            target_txt = i.ops.split(",")[-1].strip() if arch == "aarch64" else i.ops
            if k is None:
                succ[loc] = nxt
            elif k == "stop":
                succ[loc] = []
            elif k == "call":
                sym = i.reloc[1] if i.reloc else None
                if sym is None:
                    tm = TARGET_RE.match(target_txt)
                    tf = func_at.get((i.section, int(tm.group(1), 16))) if tm else None
                    sym = tf.name if tf else f"<indirect: {i.ops}>"
                f.calls.append((i.addr, sym, ""))
                succ[loc] = nxt
            else:
                if k == "branch":
                    f.branches.append((i.addr, i.mnem))
                targets = []
                if i.reloc:
                    t = reloc_target(i)
                    if t is None or (t in func_at and func_at[t] is not f and func_at[t].start == t[1]
                                     and not func_at[t].name.endswith(".cold")):
                        # a jump to the start of another function: a tail call
                        f.calls.append((i.addr, i.reloc[1] if t is None else func_at[t].name, "tail call"))
                    else:
                        targets.append(t)
                        f.cross.append((i.addr, i.mnem, f"{i.reloc[1]}{i.reloc[2]:+#x}"))
                else:
                    tm = TARGET_RE.match(target_txt)
                    if not tm:
                        f.unknown.append((i.addr, i.mnem, f"indirect jump: {i.ops}"))
                        # could go anywhere in the object: model it as such
                        targets.extend(by_loc.keys())
                    else:
                        t = (i.section, int(tm.group(1), 16))
                        tf = func_at.get(t)
                        if tf is not None and tf is not f and tf.start == t[1]:
                            f.calls.append((i.addr, tf.name, "tail call"))
                        else:
                            targets.append(t)
                            (f.backward if t[1] <= i.addr else f.forward).append((i.addr, i.mnem, t[1]))
                succ[loc] = targets + (nxt if k == "branch" else [])
    return by_loc, succ


def cyclic_nodes(nodes, succ):
    """nodes that lie on a cycle (iterative Tarjan SCC)"""
    index, low, on_stack, stack, result = {}, {}, set(), [], set()
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in nodes:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in succ.get(v, ()):
                    result.update(comp)
    return result


def main():
    ap = argparse.ArgumentParser(description="fail if an object file contains a loop or a non-inlined call")
    ap.add_argument("object")
    ap.add_argument("--objdump", default="objdump")
    ap.add_argument("--expect", action="append", default=[], help="a function that must be in the object")
    ap.add_argument("--strict", action="store_true", help="fail on every backward jump, also on layout ones")
    ap.add_argument("--no-branches", action="store_true", help="fail on every conditional branch")
    ap.add_argument("--show-disassembly", action="store_true", help="print the disassembly when a rule is broken")
    args = ap.parse_args()

    try:
        res = subprocess.run([args.objdump, "-d", "-r", "--no-show-raw-insn", args.object],
                             capture_output=True, text=True)
    except OSError as e:
        print(f"check_loop_free: cannot run {args.objdump}: {e}")
        return 2
    if res.returncode != 0:
        print(f"check_loop_free: {args.objdump} failed:\n{res.stderr}")
        return 2
    fmt = re.search(r"file format (\S+)", res.stdout)
    fmt = fmt.group(1) if fmt else "?"
    if "x86-64" in fmt or "x86_64" in fmt:
        arch = "x86-64"
    elif "aarch64" in fmt:
        arch = "aarch64"
    else:
        print(f"check_loop_free: unsupported object format {fmt}")
        return 2

    funcs = parse(res.stdout)
    by_loc, succ = analyse(funcs, arch)
    on_cycle = cyclic_nodes(set(by_loc), succ)

    names = demangle([f.name for f in funcs] + [c[1] for f in funcs for c in f.calls])
    dm = lambda s: names.get(s, s)
    short = lambda s, n=100: s if len(s) <= n else s[:n - 3] + "..."

    problems, calls_seen = [], {}
    print(f"{args.object}: {fmt}, {len(funcs)} function(s), {sum(len(f.insns) for f in funcs)} instructions")
    for f in funcs:
        loops = [b for b in f.backward if (f.section, b[0]) in on_cycle]
        cyc = [i for i in f.insns if (i.section, i.addr) in on_cycle]
        print(f"  {short(dm(f.name), 110)}")
        print(f"    section {short(f.section, 60)}: {len(f.insns)} instructions, {len(f.forward)} forward jumps, "
              f"{len(f.backward)} backward jumps ({len(loops)} on a cycle), {len(f.calls)} calls")
        for addr, mnem, target in f.backward:
            where = "ON A CYCLE: a loop" if (f.section, addr) in on_cycle else "layout, not on a cycle"
            print(f"    backward jump at {addr:#x}: {mnem} -> {target:#x}  [{where}]")
            if args.strict or (f.section, addr) in on_cycle:
                problems.append(f"backward jump {mnem} {addr:#x} -> {target:#x} in {short(dm(f.name), 70)}"
                                + (" (a loop)" if (f.section, addr) in on_cycle else " (--strict)"))
        for addr, mnem in f.branches:
            print(f"    conditional branch at {addr:#x}: {mnem}")
            if args.no_branches:
                problems.append(f"conditional branch {mnem} at {addr:#x} in {short(dm(f.name), 70)} "
                                f"(--no-branches: its time could depend on the data)")
        if cyc and not loops:
            problems.append(f"a cycle through {len(cyc)} instruction(s) of {short(dm(f.name), 70)} "
                            f"(entered by a jump from another section)")
        for addr, mnem, target in f.cross:
            print(f"    jump to another section at {addr:#x}: {mnem} -> {target}")
        for addr, mnem, why in f.unknown:
            print(f"    JUMP OF UNKNOWN TARGET at {addr:#x}: {mnem}: {why}")
            problems.append(f"{why} in {short(dm(f.name), 70)} at {addr:#x}")
        for addr, sym, note in f.calls:
            ok = bool(ALLOWED_CALL.match(sym)) or bool(ALLOWED_CALL.match(dm(sym)))
            verdict = "allowed" if ok else ("NOT INLINED" if re.search(r"ctnn|hana", dm(sym)) else "NOT ALLOWED")
            print(f"    {note or 'call'} at {addr:#x}: {short(dm(sym))}  [{verdict}]")
            calls_seen[dm(sym)] = calls_seen.get(dm(sym), 0) + 1
            if not ok:
                problems.append(f"{note or 'call'} to {short(dm(sym), 90)} from {short(dm(f.name), 50)} "
                                f"({verdict.lower()})")

    print("  calls seen: " + (", ".join(f"{short(k, 60)} x{v}" for k, v in sorted(calls_seen.items())) or "none"))
    defined = {f.name for f in funcs} | {dm(f.name) for f in funcs}
    for want in args.expect:
        if want not in defined:
            problems.append(f"expected function {want} is not in the object")

    if problems:
        print(f"FAIL: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        if args.show_disassembly:
            print(subprocess.run([args.objdump, "-d", "-r", "-C", "--no-show-raw-insn", args.object],
                                 capture_output=True, text=True).stdout)
        return 1
    print("PASS: loop-free" + (", branch-free" if args.no_branches else "") + "; no calls but " + ("libm / terminate handlers" if calls_seen else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

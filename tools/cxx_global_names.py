#!/usr/bin/env python3
"""Prints the global_names list of include/ctnn/io/cxx_names.hpp for this
machine: every name that the C and C++ libraries declare at global scope when a
program includes every C++20 standard header, except names starting with '_'
and names the exporters already refuse as macro-shaped (no lowercase letter,
capitals then '_', PRI/SCN...). Needs clang++; takes a minute and a few GB of
memory (clang's JSON AST of the standard library is about 1 GB).

    tools/cxx_global_names.py [clang++] > names.txt

Compare with the list in cxx_names.hpp before replacing it: the list there was
made with clang++ 14, libstdc++ 12 and glibc 2.36 (Debian 12, x86-64).
"""
import json
import re
import subprocess
import sys
import tempfile
import textwrap

HEADERS = """algorithm any array atomic barrier bit bitset cassert cctype cerrno cfenv cfloat charconv chrono
cinttypes climits clocale cmath codecvt compare complex concepts condition_variable coroutine csetjmp csignal cstdarg
cstddef cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque exception execution filesystem forward_list
fstream functional future initializer_list iomanip ios iosfwd iostream istream iterator latch limits list locale map
memory memory_resource mutex new numbers numeric optional ostream queue random ranges ratio regex scoped_allocator
semaphore set shared_mutex source_location span sstream stack stdexcept stop_token streambuf string string_view
syncstream system_error thread tuple type_traits typeindex typeinfo unordered_map unordered_set utility valarray
variant vector version""".split()


def macro_shaped(name):
    return (not re.search("[a-z]", name) or re.match(r"[A-Z][A-Z0-9]*_", name)
            or re.match(r"(PRI|SCN)[a-zX]", name))


def main(argv):
    clang = argv[1] if len(argv) > 1 else "clang++"
    with tempfile.NamedTemporaryFile("w", suffix=".cpp") as src:
        src.write("".join(f"#include <{h}>\n" for h in HEADERS))
        src.flush()
        dump = subprocess.run([clang, "-std=gnu++20", "-fsyntax-only", "-Xclang", "-ast-dump=json", src.name],
                              check=True, capture_output=True).stdout
    names = set()

    def add(name):
        if name and re.fullmatch(r"[A-Za-z]\w*", name) and not macro_shaped(name):  # not "operator new"
            names.add(name)

    def walk(nodes):
        for n in nodes:
            if n["kind"] == "LinkageSpecDecl":  # extern "C" { ... }
                walk(n.get("inner", []))
                continue
            if n.get("isImplicit"):
                continue
            add(n.get("name"))
            if n["kind"] == "NamespaceDecl" and n.get("name") == "std":
                # the C names std re-exports with using ::name (some are declared only there)
                for m in n.get("inner", []):
                    if m["kind"] == "UsingDecl" and m.get("name", "").startswith("::"):
                        add(m["name"].rsplit("::", 1)[-1])
            if n["kind"] == "EnumDecl":
                for e in n.get("inner", []):
                    if e["kind"] == "EnumConstantDecl":
                        add(e["name"])

    walk(json.loads(dump)["inner"])
    names.discard("std")  # refused by a rule of its own
    print(textwrap.fill(" ".join(sorted(names)), width=112, break_long_words=False, break_on_hyphens=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

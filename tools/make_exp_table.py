#!/usr/bin/env python3
"""Prints the table of include/ctnn/math.hpp's short-input float exp:
2^(j/32) for j = 0..31 as a float pair hi, rel with 2^(j/32) = hi·(1 + rel):
hi = 2^(j/32) rounded to float and rel = (2^(j/32) - hi)/hi rounded to float,
from 60-digit decimal arithmetic.
Run: python3 tools/make_exp_table.py"""
from decimal import Decimal, getcontext
import struct

getcontext().prec = 60


def to_float32(value):
    # Decimal -> double is correctly rounded; the double -> float step can round
    # twice, which only moves hi by one ulp at worst: rel takes up whatever remains.
    return struct.unpack("f", struct.pack("f", float(value)))[0]


def hexf(v):
    if v == 0:
        return "0x0p+0f"
    s = float.hex(v)  # 0x1.059b0e0000000p+0
    mant, exp = s.split("p")
    return mant.rstrip("0").rstrip(".") + "p" + exp + "f"


pairs = []
for j in range(32):
    exact = Decimal(2) ** (Decimal(j) / Decimal(32))
    hi = to_float32(exact)
    rel = to_float32((exact - Decimal(hi)) / Decimal(hi))
    pairs.append(f"{{{hexf(hi)}, {hexf(rel)}}}")
print("inline constexpr float exp2_32nds[32][2] = {")
for i in range(0, 32, 3):
    print("    " + ", ".join(pairs[i:i + 3]) + ",")
print("};")

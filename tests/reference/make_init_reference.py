#!/usr/bin/env python3
"""make_init_reference.py - the weights ctnn's initialize(seed) must produce, computed
independently in Python (integer xoshiro256** seeded through splitmix64, then
(2u - 1) * limit in IEEE double, limit = sqrt(6 / fan) from math.sqrt).

Run: python3 tests/reference/make_init_reference.py
Writes tests/reference/init_reference.txt: for each seed, every W of the network
input<3> -> dense<4, relu> (He: fan = 3) -> dense<2, tanh> (Glorot: fan = 4 + 2),
and the same network initialised with he_normal (HN_) and glorot_normal (GN_),
each value as float.hex() so that the comparison in tests/init.test.cpp is exact.
"""
import math
import os
import struct

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256ss:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, w = splitmix64(seed)
            self.s.append(w)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform01(self):
        return (self.next() >> 11) * 2.0 ** -53


def layer_stream(seed, index):
    st = (seed ^ ((0xD1B54A32D192ED03 * (index + 1)) & MASK)) & MASK
    _, z = splitmix64(st)
    return Xoshiro256ss(z)


def weights(seed, index, rows, cols, fan):
    rng = layer_stream(seed, index)
    limit = math.sqrt(6.0 / fan)
    return [(2.0 * rng.uniform01() - 1.0) * limit for _ in range(rows * cols)]


# --- the normal initialisers: Marsaglia's polar method over ctnn's own log and
# sqrt (include/ctnn/math.hpp, math::detail), ported operation by operation;
# Python floats are IEEE doubles with the same rounding, so the bits agree.
LN2_HI = 6.93147180369123816490e-01
LN2_LO = 1.90821492927058770002e-10


def ctnn_log(x):
    e = 0
    if x < 2.2250738585072014e-308:
        x *= 2.0 ** 54
        e = -54
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    e += ((bits >> 52) & 0x7FF) - 1023
    m = struct.unpack("<d", struct.pack("<Q", (bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000))[0]
    if m > 1.41421356237309504880:
        m *= 0.5
        e += 1
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    R = 0.0
    for n in range(12, 0, -1):
        R = z * (2.0 / (2 * n + 1) + R)
    hfsq = 0.5 * f * f
    ed = float(e)
    return ed * LN2_HI + (f - (hfsq - (s * (hfsq + R) + ed * LN2_LO)))


def exact_mul(a, b):
    split = 134217729.0
    ca, cb = split * a, split * b
    ah = ca - (ca - a)
    al = a - ah
    bh = cb - (cb - b)
    bl = b - bh
    p = a * b
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def ctnn_sqrt(x):
    e = 0
    while x >= 4.0:
        x *= 0.25
        e += 1
    while x < 1.0:
        x *= 4.0
        e -= 1
    y = 0.5 + 0.5 * x * 0.5 + 0.25
    for _ in range(6):
        y = 0.5 * (y + x / y)
    p, err = exact_mul(y, y)
    y += ((x - p) - err) / (2.0 * y)
    return math.ldexp(y, e)


def standard_normal(rng):
    while True:
        u = 2.0 * rng.uniform01() - 1.0
        v = 2.0 * rng.uniform01() - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            return u * ctnn_sqrt(-2.0 * ctnn_log(s) / s)


def normal_weights(seed, index, rows, cols, variance_fan):
    rng = layer_stream(seed, index)
    stddev = ctnn_sqrt(2.0 / variance_fan)
    return [standard_normal(rng) * stddev for _ in range(rows * cols)]


def main():
    lines = ["# made by tests/reference/make_init_reference.py; values are float.hex()"]
    for seed in (0, 42, 2**63 + 12345):
        lines.append(f"seed {seed}")
        lines.append("W0 4 3 " + " ".join(v.hex() for v in weights(seed, 0, 4, 3, 3)))
        lines.append("W1 2 4 " + " ".join(v.hex() for v in weights(seed, 1, 2, 4, 4 + 2)))
        # initialize(seed, he_normal{}) and initialize(seed, glorot_normal{}) on the same network
        lines.append("HN_W0 4 3 " + " ".join(v.hex() for v in normal_weights(seed, 0, 4, 3, 3)))
        lines.append("HN_W1 2 4 " + " ".join(v.hex() for v in normal_weights(seed, 1, 2, 4, 4)))
        lines.append("GN_W0 4 3 " + " ".join(v.hex() for v in normal_weights(seed, 0, 4, 3, 3 + 4)))
        lines.append("GN_W1 2 4 " + " ".join(v.hex() for v in normal_weights(seed, 1, 2, 4, 4 + 2)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "init_reference.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

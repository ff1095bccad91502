#!/usr/bin/env python3
"""make_init_reference.py - the weights ctnn's initialize(seed) must produce, computed
independently in Python (integer xoshiro256** seeded through splitmix64, then
(2u - 1) * limit in IEEE double, limit = sqrt(6 / fan) from math.sqrt).

Run: python3 tests/reference/make_init_reference.py
Writes tests/reference/init_reference.txt: for each seed, every W of the network
input<3> -> dense<4, relu> (He: fan = 3) -> dense<2, tanh> (Glorot: fan = 4 + 2),
each value as float.hex() so that the comparison in tests/init.test.cpp is exact.
"""
import math
import os

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


def main():
    lines = ["# made by tests/reference/make_init_reference.py; values are float.hex()"]
    for seed in (0, 42, 2**63 + 12345):
        lines.append(f"seed {seed}")
        lines.append("W0 4 3 " + " ".join(v.hex() for v in weights(seed, 0, 4, 3, 3)))
        lines.append("W1 2 4 " + " ".join(v.hex() for v in weights(seed, 1, 2, 4, 4 + 2)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "init_reference.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

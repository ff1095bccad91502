// selftest_layout.cpp — no loop, but the rare side of each branch is placed
// after the function's main path and jumps back to the join point: backward
// jumps that are not on a cycle. The checker must accept it (and reject it
// with --strict, which fails on every backward jump).
#include <cmath>

extern "C" float layout_only(float x, float y) {
    if (__builtin_expect(x < 0.0f, 0)) x = std::exp(x) * y;
    if (__builtin_expect(y < 0.0f, 0)) y = std::exp(y) + x;
    return x * y;
}

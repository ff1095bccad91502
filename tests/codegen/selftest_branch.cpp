// selftest_branch.cpp — a data-dependent branch: a store that happens only for
// a positive x cannot become a conditional move, so the compilers branch. The
// checker must accept it (no loop) and reject it with --no-branches.
extern "C" void store_if_positive(float x, float* out) {
    if (x > 0.0f) *out = x;
}

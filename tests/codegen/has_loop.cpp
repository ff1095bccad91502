// has_loop.cpp — a function that must loop (its trip count is only known at run
// time): the checker has to reject it, which shows the codegen tests can fail.
extern "C" float sum_n(const float* x, int n) {
    float s = 0;
    for (int i = 0; i < n; ++i) s += x[i];
    return s;
}

// selftest_call.cpp — a ctnn function that is not inlined: the checker must
// report the call (the test expects its nonzero exit and "not inlined").
namespace ctnn {
[[gnu::noinline]] float twice(float x) { return 2.0f * x; }
} // namespace ctnn

extern "C" float call_twice(float x) { return ctnn::twice(x) + 1.0f; }

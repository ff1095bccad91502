// tricky_names.test.cpp — every name tests/export/cxx_name_cases.txt says the
// exporters accept must give a header that compiles, even after every C
// standard header a program may include before it (the C library's macros and
// global names are what most rejected names collide with). This file compiling
// is the test; write_models wrote tricky_names.hpp.
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cfenv>
#include <cfloat>
#include <cinttypes>
#include <climits>
#include <clocale>
#include <cmath>
#include <csetjmp>
#include <csignal>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cuchar>
#include <cwchar>
#include <cwctype>
#include <thread>  // pthread.h, sched.h and unistd.h with libstdc++

#include <catch2/catch.hpp>

#include "tricky_names.hpp"

TEST_CASE("a header under each accepted tricky name compiles after every C standard header") {
    // a few of them, to show they are the objects written (each holds W = 0.5)
    CHECK(::module.layer<0>().W(0, 0) == 0.5f);
    CHECK(::assert.layer<0>().W(0, 0) == 0.5f);
    CHECK(models::main.layer<0>().W(0, 0) == 0.5f);
    CHECK(a::b2::_c.layer<0>().W(0, 0) == 0.5f);
}

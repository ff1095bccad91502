// io_support.hpp — what the loaders' tests share: a stream that fails partway.
#pragma once

#include <ios>
#include <new>
#include <streambuf>
#include <string>
#include <utility>

namespace ctnn_test {

/// a stream buffer that hands out `text`, then fails (throws, which istream
/// turns into badbit) instead of reporting the end; with bad_alloc, it throws
/// std::bad_alloc, as a read that runs out of memory would
struct failing_buf : std::streambuf {
    std::string text;
    bool bad_alloc = false;
    explicit failing_buf(std::string t, bool alloc = false) : text(std::move(t)), bad_alloc(alloc) {
        setg(text.data(), text.data(), text.data() + text.size());
    }
    int_type underflow() override {
        if (bad_alloc) throw std::bad_alloc();
        throw std::ios_base::failure("simulated I/O error");
    }
};

} // namespace ctnn_test

// reference_checks.hpp — the Catch2 side of reference_file.hpp: a case or an
// array that is missing or of another shape fails the test, naming the file
// and the script that writes it, so a reference test cannot pass vacuously.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>

#include "reference_file.hpp"

namespace ctnn_test {

/// a reference file and the command that regenerates it
struct reference_source {
    const char* path;
    const char* script;
};

/// the file, parsed once per source path
inline const ref_file& reference(const reference_source& src) {
    static std::map<std::string, ref_file> files;
    auto it = files.find(src.path);
    if (it == files.end()) it = files.emplace(src.path, parse_reference(src.path)).first;
    return it->second;
}

inline const ref_case& require_case(const reference_source& src, const std::string& name) {
    const ref_file& f = reference(src);
    INFO("reference file: " << src.path << " (regenerate with /usr/bin/python3 " << src.script << ")");
    REQUIRE(f.opened);
    INFO(f.error);
    REQUIRE(f.error.empty());
    INFO("case " << name);
    REQUIRE(f.cases.count(name) == 1);
    return f.cases.at(name);
}

inline const ref_array& require_array(const ref_case& c, const std::string& key, std::size_t rows, std::size_t cols) {
    INFO("array " << key);
    REQUIRE(c.arrays.count(key) == 1);
    const ref_array& a = c.arrays.at(key);
    CHECK(a.rows == rows);
    CHECK(a.cols == cols);
    REQUIRE((a.rows == rows && a.cols == cols && a.values.size() == rows * cols));
    return a;
}

} // namespace ctnn_test

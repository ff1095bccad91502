// reference_file.hpp — reads the reference files that tests/reference/*.py write
// with PyTorch: cases of named row-major arrays plus a few metadata lines.
#pragma once

#include <cstddef>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ctnn_test {

struct ref_array {
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::vector<double> values;  // row-major
};

struct ref_case {
    std::map<std::string, std::string> meta;  // arch, loss_name, batch
    std::map<std::string, ref_array> arrays;  // W0 b0 ... X Y A loss dW0 db0 ...
};

struct ref_file {
    bool opened = false;
    std::string error;  // first parse error, empty if none
    std::map<std::string, ref_case> cases;
};

inline ref_file parse_reference(const std::string& path) {
    ref_file f;
    std::ifstream in(path);
    if (!in) return f;
    f.opened = true;
    std::string line;
    std::size_t line_no = 0;
    ref_case* current = nullptr;
    auto fail = [&](const std::string& what) {
        if (f.error.empty()) f.error = path + ":" + std::to_string(line_no) + ": " + what;
    };
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (key == "case") {
            std::string name;
            if (current || !(ls >> name)) fail("bad 'case' line (missing name or previous case not ended)");
            else if (f.cases.count(name)) fail("duplicate case " + name);
            else current = &f.cases[name];
        } else if (key == "end") {
            if (!current) fail("'end' outside a case");
            current = nullptr;
        } else if (!current) {
            fail("'" + key + "' outside a case");
        } else if (key == "arch" || key == "loss_name" || key == "batch" || key == "optimizer" || key == "layers" ||
                   key == "count" || key == "seed") {
            // metadata: the rest of the line, single-space separated
            std::string rest;
            std::getline(ls >> std::ws, rest);
            if (current->meta.count(key)) fail("duplicate metadata " + key);
            current->meta[key] = rest;
        } else {
            ref_array a;
            if (!(ls >> a.rows >> a.cols) || a.rows == 0 || a.cols == 0) {
                fail("bad shape for " + key);
                continue;
            }
            a.values.resize(a.rows * a.cols);
            for (double& v : a.values)
                if (!(ls >> v)) fail("too few values for " + key);
            std::string extra;
            if (ls >> extra) fail("too many values for " + key);
            if (current->arrays.count(key)) fail("duplicate array " + key);
            current->arrays[key] = std::move(a);
        }
    }
    if (current) fail("last case not ended");
    return f;
}

} // namespace ctnn_test

// io/csv.hpp — host-only: numeric CSV data sets (features then an integer class
// label per line) loaded into fixed-width samples. Every malformed input is
// rejected with "file:line:column: what is wrong", and a failed load leaves the
// destination exactly as it was.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <ctnn/train.hpp>

namespace ctnn::io {

namespace detail {
/// concatenation by appending (g++ 12 -O3 warns falsely, -Wrestrict, about
/// "literal" + std::string, which would break users' -Werror builds)
inline void append(std::string& s, std::string_view v) { s.append(v.data(), v.size()); }
inline void append(std::string& s, std::size_t v) { s += std::to_string(v); }
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    (append(s, parts), ...);
    return s;
}
} // namespace detail

/// Where and why a file was rejected; line and column are 1-based, 0 when the
/// problem concerns the whole file.
struct error {
    std::string file;
    std::size_t line = 0;
    std::size_t column = 0;
    std::string message;

    /// "file:line:column: message"
    std::string what() const {
        std::string s = file;
        if (line) s += detail::cat(":", line);
        if (column) s += detail::cat(":", column);
        s += ": ";
        s += message;
        return s;
    }
};

/// A classification data set that owns its storage: Features inputs per sample
/// and a label in 0..Classes-1. Targets are one-hot (Outputs == Classes) or,
/// for two classes and one sigmoid output (Outputs == 1), the label itself.
template <class T, std::size_t Features, std::size_t Classes, std::size_t Outputs = Classes>
struct classification_data {
    static_assert(Outputs == Classes || (Outputs == 1 && Classes == 2),
                  "ctnn: targets are one-hot (Outputs == Classes) or one 0/1 output for two classes");
    std::vector<T> features;            ///< size() x Features, sample after sample
    std::vector<std::size_t> labels;    ///< one per sample

    std::size_t size() const noexcept { return labels.size(); }
    /// targets in the layout the network's output needs
    std::vector<T> targets() const {
        std::vector<T> t(size() * Outputs, T(0));
        for (std::size_t i = 0; i < size(); ++i) {
            if constexpr (Outputs == 1) t[i] = T(labels[i]);
            else t[i * Outputs + labels[i]] = T(1);
        }
        return t;
    }
};

/// Header line of the file, if any.
enum class header {
    none,     ///< every line is a sample
    sklearn,  ///< first line "n_samples,n_features,class names...", checked against the data
};

/// Result of a load: ok, or the error that stopped it.
struct status {
    bool ok = true;
    io::error error{};
    explicit operator bool() const noexcept { return ok; }
};

namespace detail {
inline status fail(const std::string& file, std::size_t line, std::size_t column, std::string message) {
    return {false, {file, line, column, std::move(message)}};
}

/// parses one whole field as a finite number
inline bool parse_number(std::string_view field, double& out, std::string& why) {
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t' || field.back() == '\r')) field.remove_suffix(1);
    if (field.empty()) {
        why = "empty field";
        return false;
    }
    if (field.front() == '+') field.remove_prefix(1);
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
    if (ec != std::errc{} || end != field.data() + field.size()) {
        why = cat("'", field, "' is not a number");
        return false;
    }
    if (!std::isfinite(out)) {
        why = cat("'", field, "' is not a finite number");
        return false;
    }
    return true;
}

/// splits a line at commas; columns[i] is the 1-based column where field i starts
inline void split(std::string_view line, std::vector<std::string_view>& fields, std::vector<std::size_t>& columns) {
    fields.clear();
    columns.clear();
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        columns.push_back(start + 1);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
}
} // namespace detail

/// Loads `path` into `out`: each line is Features numbers then the class label.
/// On any problem returns the error (file, line, column, what) and leaves `out`
/// untouched: a missing or empty file, a ragged row, a field that is not a
/// number, NaN or infinity, a label that is not an integer in 0..Classes-1, or
/// a header that disagrees with the data.
template <class T, std::size_t Features, std::size_t Classes, std::size_t Outputs>
status load_csv(const std::string& path, classification_data<T, Features, Classes, Outputs>& out,
                header head = header::none) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return detail::fail(path, 0, 0, "cannot open the file");
    classification_data<T, Features, Classes, Outputs> data;  // filled aside, moved in at the end
    std::string line;
    std::vector<std::string_view> fields;
    std::vector<std::size_t> columns;
    std::size_t line_no = 0, declared_samples = 0;
    bool have_declared = false;
    std::string why;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            if (in.peek() == std::char_traits<char>::eof()) break;  // a final empty line is fine
            return detail::fail(path, line_no, 1, "empty line");
        }
        detail::split(line, fields, columns);
        if (head == header::sklearn && line_no == 1) {
            double n = 0, f = 0;
            if (fields.size() < 2 || !detail::parse_number(fields[0], n, why) || !detail::parse_number(fields[1], f, why))
                return detail::fail(path, 1, 1, "header: expected 'n_samples,n_features,class names...'");
            if (f != double(Features))
                return detail::fail(path, 1, columns[1],
                                    detail::cat("header: ", std::size_t(f), " features, but the network takes ", Features));
            if (fields.size() - 2 != Classes)
                return detail::fail(path, 1, columns[std::min<std::size_t>(2, fields.size() - 1)],
                                    detail::cat("header: ", fields.size() - 2, " class names, expected ", Classes));
            declared_samples = std::size_t(n);
            have_declared = true;
            continue;
        }
        if (fields.size() != Features + 1)
            return detail::fail(path, line_no, fields.size() > Features + 1 ? columns[Features + 1] : line.size() + 1,
                                detail::cat(fields.size(), " fields, expected ", Features, " features and a label"));
        for (std::size_t i = 0; i < Features; ++i) {
            double v = 0;
            if (!detail::parse_number(fields[i], v, why)) return detail::fail(path, line_no, columns[i], why);
            data.features.push_back(static_cast<T>(v));
        }
        double label = 0;
        if (!detail::parse_number(fields[Features], label, why)) return detail::fail(path, line_no, columns[Features], why);
        if (label != std::floor(label) || label < 0 || label >= double(Classes))
            return detail::fail(path, line_no, columns[Features],
                                detail::cat("label ", fields[Features], " is not a class in 0..", Classes - 1));
        data.labels.push_back(std::size_t(label));
    }
    if (data.size() == 0) return detail::fail(path, line_no, 0, "no samples in the file");
    if (have_declared && declared_samples != data.size())
        return detail::fail(path, 1, 1,
                            detail::cat("header: ", declared_samples, " samples declared, ", data.size(), " found"));
    out = std::move(data);
    return {};
}

} // namespace ctnn::io

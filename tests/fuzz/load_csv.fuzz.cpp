// load_csv.fuzz.cpp — libFuzzer target: io::load_csv on arbitrary bytes, into
// several destinations (float and double, header none and sklearn, one 0/1
// output and one-hot), each input into every one. Beyond "no crash" it checks
// what the loader promises (docs/fuzzing.md):
//   rejected: the destination keeps every byte it had (a sentinel), and the
//             error names the file, a line of it, in a bounded printable message;
//   accepted: the counts agree with the file's lines (and with its header),
//             every label is a class, every feature is finite in the
//             destination's type and is the number its field spells as an
//             independent parser (strtod in the C locale) reads it, and
//             standardising the data keeps it finite.
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/io/csv.hpp>
#include <ctnn/io/data.hpp>

#include "fuzz_support.hpp"

namespace {

using ctnn::io::header;
using ctnn_fuzz::printable;
using ctnn_fuzz::violated;

/// the file's lines as an independent reader splits them: at '\n', one '\r'
/// before it dropped, one empty line at the end dropped, a UTF-8 byte order mark at
/// the start skipped (the loader may accept or reject a BOM; if it accepts,
/// the BOM is not part of the first number)
std::vector<std::string_view> lines_of(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // "1,0\n\n": one empty last line is allowed
    return lines;
}

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    for (;;) {
        const std::size_t comma = line.find(',');
        fields.push_back(line.substr(0, comma));
        if (comma == std::string_view::npos) return fields;
        line.remove_prefix(comma + 1);
    }
}

/// The reference reading of a field: spaces and tabs around it (and a
/// carriage return after it) ignored, then
/// strtod must take all of it. False for anything else.
bool reference_number(std::string_view field, double& value) {
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t' || field.back() == '\r')) field.remove_suffix(1);
    if (field.empty() || std::isspace(static_cast<unsigned char>(field.front()))) return false;  // strtod would skip it
    const std::string s(field);  // NUL-terminated for strtod; an embedded NUL stops it early: not all taken
    char* end = nullptr;
    value = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

/// the field's value in T as a correct parser gives it: the double rounded to
/// T, or (float) rounded once from the text; a loader may do either
template <class T>
bool same_value(std::string_view field, double reference, T stored) {
    if (static_cast<T>(reference) == stored) return true;
    if constexpr (sizeof(T) == sizeof(float)) {
        std::string s(field);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
        return std::strtof(s.c_str(), nullptr) == stored;
    }
    return false;
}

template <class T, std::size_t F, std::size_t C, std::size_t O>
void check_accepted(const ctnn::io::classification_data<T, F, C, O>& d, std::string_view text, header head,
                    const std::string& destination) {
    const std::size_t n = d.labels.size();
    if (n == 0) violated("accepted-empty", destination + ": accepted a file with no samples");
    if (d.features.size() != n * F)
        violated("accepted-shape", destination + ": " + std::to_string(d.features.size()) + " features for " +
                                       std::to_string(n) + " samples");
    const auto lines = lines_of(text);
    const std::size_t header_lines = head == header::sklearn ? 1 : 0;
    if (lines.size() != n + header_lines) {
        violated("accepted-count", destination + ": " + std::to_string(n) + " samples from a file of " +
                                       std::to_string(lines.size()) + " lines");
        return;  // the per-line checks below need the counts to agree
    }
    if (head == header::sklearn) {
        const auto h = fields_of(lines[0]);
        double declared = -1, features = -1;
        if (h.size() != C + 2 || !reference_number(h[0], declared) || !reference_number(h[1], features) ||
            declared != double(n) || features != double(F))
            violated("accepted-header", destination + ": header " + printable(lines[0]) + " does not describe " +
                                            std::to_string(n) + " samples of " + std::to_string(F) +
                                            " features and " + std::to_string(C) + " classes");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::string where = destination + ", sample " + std::to_string(i) + " (line " +
                                  std::to_string(i + header_lines + 1) + ")";
        if (d.labels[i] >= C) violated("accepted-label", where + ": label " + std::to_string(d.labels[i]));
        const auto fields = fields_of(lines[i + header_lines]);
        if (fields.size() != F + 1) {
            violated("accepted-fields", where + ": accepted a line of " + std::to_string(fields.size()) + " fields");
            continue;
        }
        for (std::size_t f = 0; f < F; ++f) {
            const T stored = d.features[i * F + f];
            const std::string at = where + ", feature " + std::to_string(f) + " " + printable(fields[f]);
            double reference = 0;
            if (!std::isfinite(stored)) violated("accepted-finite", at + ": stored a non-finite value");
            else if (!reference_number(fields[f], reference)) violated("accepted-garbage", at + ": not a number");
            else if (!same_value(fields[f], reference, stored))
                violated("accepted-value", at + ": stored " + std::to_string(double(stored)));
        }
        double label = -1;
        if (!reference_number(fields[F], label) || label != double(d.labels[i]))
            violated("accepted-label", where + ": label field " + printable(fields[F]) + " stored as " +
                                           std::to_string(d.labels[i]));
    }
    // the next step of every example: standardise; finite data must stay finite
    auto copy = d;
    const auto s = ctnn::io::standardizer<T, F>::fit(copy);
    s.apply(copy);
    for (std::size_t k = 0; k < copy.features.size(); ++k)
        if (!std::isfinite(copy.features[k])) {
            violated("standardizer-finite", destination + ": feature " + std::to_string(k % F) + " of sample " +
                                                std::to_string(k / F) + " is not finite after standardizing");
            break;
        }
}

template <class T, std::size_t F, std::size_t C, std::size_t O>
void check(const std::string& path, std::string_view text, header head) {
    const std::string destination = std::string("classification_data<") + (sizeof(T) == 4 ? "float" : "double") +
                                    ", " + std::to_string(F) + ", " + std::to_string(C) + ", " + std::to_string(O) +
                                    ">, header::" + (head == header::none ? "none" : "sklearn");
    // A sentinel no load produces: sizes that disagree, labels out of range.
    ctnn::io::classification_data<T, F, C, O> d;
    for (std::size_t i = 0; i < 2 * F + 1; ++i) d.features.push_back(ctnn_fuzz::sentinel<T>(i));
    d.labels = {C + 7, std::size_t(-1)};
    const auto features_before = d.features;
    const auto labels_before = d.labels;

    const auto st = ctnn::io::load_csv(path, d, head);
    if (!st) {
        if (d.features.size() != features_before.size() || d.labels != labels_before ||
            std::memcmp(d.features.data(), features_before.data(), d.features.size() * sizeof(T)) != 0)
            violated("rejected-unchanged", destination + ": rejected (" + printable(st.error.message) +
                                               ") but the destination changed");
        ctnn_fuzz::check_rejection(st, path, text, destination.c_str());
    } else {
        check_accepted(d, text, head, destination);
    }
}

template <class T, std::size_t F, std::size_t C, std::size_t O>
void check_both_headers(const std::string& path, std::string_view text) {
    check<T, F, C, O>(path, text, header::none);
    check<T, F, C, O>(path, text, header::sklearn);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ctnn_fuzz::temp_files files("csv");
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string& path = files.path(0);
    ctnn_fuzz::write_file(path, text);
    check_both_headers<float, 4, 3, 3>(path, text);    // iris
    check_both_headers<double, 4, 3, 3>(path, text);
    check_both_headers<float, 30, 2, 1>(path, text);   // breast cancer: one sigmoid output
    check_both_headers<double, 2, 2, 1>(path, text);   // two moons
    check_both_headers<float, 2, 2, 2>(path, text);
    check_both_headers<float, 64, 10, 10>(path, text); // digits
    check_both_headers<double, 1, 2, 1>(path, text);   // the smallest shape: header edge cases
    return 0;
}

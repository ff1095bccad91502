// io/weights.hpp — host-only: save and load a network's parameters.
//
// Format (text, version 1):
//   ctnn-weights 1
//   type float                       (or double)
//   layers <L>                       every layer after the input, parameterless ones too
//   <name> <l> <rows> <cols> <values>  one line per parameter or buffer, in the
//                                    network's visit order (dense: W then b;
//                                    batch_norm: gamma, beta, running_mean,
//                                    running_var), values as C hex floats: exact
//   checksum <16 hex digits>          FNV-1a 64 of every byte before this line
// load() parses into a temporary network and assigns it only when everything
// has been read and checked; any problem is reported with the file, the line
// and the field, and the network is left exactly as it was.
#pragma once

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <ctnn/io/csv.hpp>
#include <ctnn/network.hpp>

namespace ctnn::io {

namespace detail {
inline constexpr const char* weights_magic = "ctnn-weights";
inline constexpr int weights_version = 1;

inline std::uint64_t fnv1a(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

template <class T>
constexpr const char* type_name() noexcept {
    return std::is_same_v<T, float> ? "float" : "double";
}

/// a parameter's name in weight files and header comments: its path inside
/// composite layers, then its own name (W; 0.W for a residual block's first layer)
template <class Info>
std::string qualified_name(const Info& info) {
    std::string s;
    for (std::size_t l = 0; l < info.path.levels; ++l) s += cat(std::size_t{info.path.index[l]}, ".");
    return s + info.name;
}

/// the matrices of a network in file order: f(name, layer index, matrix),
/// through the network's visit (parameters and buffers alike)
template <class Net, class F>
void for_each_matrix(Net& net, F&& f) {
    net.visit_indexed([&](std::size_t layer, const auto& info, auto& m, auto&...) {
        const std::string name = qualified_name(info);
        f(std::string_view(name), layer, m);
    });
}
} // namespace detail

/// Writes net's parameters to path (format above). Returns the error if the
/// file cannot be written.
template <class Net>
status save(const Net& net, const std::string& path) {
    using T = typename Net::value_type;
    std::string body = detail::cat(detail::weights_magic, " ", std::size_t(detail::weights_version), "\ntype ",
                                   std::string_view(detail::type_name<T>()), "\nlayers ", Net::depth, "\n");
    detail::for_each_matrix(net, [&](std::string_view name, std::size_t layer, const auto& m) {
        body += detail::cat(name, " ", layer, " ", m.rows, " ", m.cols);
        char buf[64];
        for (T v : m.elems) {
            std::snprintf(buf, sizeof buf, " %a", static_cast<double>(v));
            body += buf;
        }
        body += '\n';
    });
    char sum[32];
    std::snprintf(sum, sizeof sum, "checksum %016" PRIx64 "\n", detail::fnv1a(body));
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return detail::fail(path, 0, 0, "cannot open the file for writing");
    out << body << sum;
    out.flush();
    if (!out) return detail::fail(path, 0, 0, "write failed");
    return {};
}

/// Reads parameters saved by save() into net. On any problem — a missing,
/// truncated or corrupted file (checksum), another format version, another
/// element type, another number of layers or another shape, a value that is
/// not a number — returns the error naming the file, line and field, and
/// leaves net untouched.
template <class Net>
status load(Net& net, const std::string& path) {
    using T = typename Net::value_type;
    std::ifstream in(path, std::ios::binary);
    if (!in) return detail::fail(path, 0, 0, "cannot open the file");
    std::stringstream whole;
    whole << in.rdbuf();
    const std::string text = whole.str();
    if (text.empty()) return detail::fail(path, 0, 0, "empty file");

    // split into lines, keeping where the checksum line starts
    std::vector<std::string_view> lines;
    std::vector<std::size_t> starts;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = text.find('\n', pos);
        lines.push_back(std::string_view(text).substr(pos, end == std::string::npos ? std::string::npos : end - pos));
        starts.push_back(pos);
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    std::size_t next = 0;
    auto field_error = [&](std::size_t line, std::string message) { return detail::fail(path, line, 0, std::move(message)); };
    auto take = [&](std::string& what) -> std::istringstream {
        what = next < lines.size() ? std::string(lines[next]) : std::string();
        ++next;
        return std::istringstream(what);
    };

    std::string line_text, word;
    {
        auto ls = take(line_text);
        int version = 0;
        if (!(ls >> word) || word != detail::weights_magic)
            return field_error(1, "magic: not a ctnn weight file (expected 'ctnn-weights')");
        if (!(ls >> version)) return field_error(1, "version: missing or not a number");
        if (version != detail::weights_version)
            return field_error(1, detail::cat("version: ", std::size_t(version), " is not supported (this is version ",
                                              std::size_t(detail::weights_version), ")"));
    }
    {
        auto ls = take(line_text);
        if (!(ls >> word) || word != "type" || !(ls >> word)) return field_error(2, "type: missing");
        if (word != detail::type_name<T>())
            return field_error(2, detail::cat("type: the file holds ", word, ", the network is ",
                                              std::string_view(detail::type_name<T>())));
    }
    {
        auto ls = take(line_text);
        std::size_t depth = 0;
        if (!(ls >> word) || word != "layers" || !(ls >> depth)) return field_error(3, "layers: missing");
        if (depth != Net::depth)
            return field_error(3, detail::cat("layers: the file has ", depth, " layers, the network ", Net::depth));
    }
    Net loaded{};
    status result{};
    detail::for_each_matrix(loaded, [&](std::string_view name, std::size_t layer, auto& m) {
        if (!result) return;
        const std::size_t line_no = next + 1;
        const std::string field = detail::cat(name, " of layer ", layer);
        if (next >= lines.size() || lines[next].rfind("checksum", 0) == 0) {
            result = field_error(line_no, detail::cat(field, ": missing (truncated file)"));
            return;
        }
        auto ls = take(line_text);
        std::string k;
        std::size_t l = 0, rows = 0, cols = 0;
        if (!(ls >> k >> l >> rows >> cols) || k != name || l != layer) {
            result = field_error(line_no, detail::cat(field, ": expected '", name, " ", layer,
                                                      " <rows> <cols> <values>'"));
            return;
        }
        if (rows != m.rows || cols != m.cols) {
            result = field_error(line_no, detail::cat(field, ": shape ", rows, "x", cols, " in the file, ", m.rows, "x",
                                                      m.cols, " in the network"));
            return;
        }
        for (std::size_t i = 0; i < m.size; ++i) {
            if (!(ls >> word)) {
                result = field_error(line_no, detail::cat(field, ": ", i, " of ", m.size, " values (truncated)"));
                return;
            }
            char* end = nullptr;
            const double v = std::strtod(word.c_str(), &end);
            if (end != word.c_str() + word.size() || !std::isfinite(v)) {
                result = field_error(line_no, detail::cat(field, ": value ", i, " '", word, "' is not a finite number"));
                return;
            }
            m.elems[i] = static_cast<T>(v);
        }
        if (ls >> word) result = field_error(line_no, detail::cat(field, ": more than ", m.size, " values"));
    });
    if (!result) return result;
    const std::size_t sum_line = next + 1;
    if (next >= lines.size()) return field_error(sum_line, "checksum: missing (truncated file)");
    {
        auto ls = take(line_text);
        std::string hex;
        if (!(ls >> word) || word != "checksum" || !(ls >> hex) || hex.size() != 16)
            return field_error(sum_line, "checksum: expected 'checksum <16 hex digits>'");
        char* end = nullptr;
        const std::uint64_t stored = std::strtoull(hex.c_str(), &end, 16);
        if (end != hex.c_str() + hex.size()) return field_error(sum_line, "checksum: not a hexadecimal number");
        if (stored != detail::fnv1a(std::string_view(text).substr(0, starts[next - 1])))
            return field_error(sum_line, "checksum: does not match the contents (corrupted file)");
    }
    for (; next < lines.size(); ++next)
        if (!lines[next].empty()) return field_error(next + 1, "unexpected text after the checksum");
    net = loaded;
    return {};
}

} // namespace ctnn::io

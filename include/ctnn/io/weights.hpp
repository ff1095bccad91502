// io/weights.hpp — host-only: save and load a network's parameters.
//
// Format (text, version 2):
//   ctnn-weights 2
//   type float                       (or double)
//   network <type>                   the network's exact C++ type as write_header
//                                    spells it (ctnn::network<float, ctnn::input<2>,
//                                    ctnn::dense<3, ctnn::act::relu>, ...>), or
//                                    "unspelled" when a layer type has no spell()
//   layers <L>                       every layer after the input, parameterless ones too
//   <name> <l> <rows> <cols> <values>  one line per parameter or buffer, in the
//                                    network's visit order (dense: W then b;
//                                    batch_norm: gamma, beta, running_mean,
//                                    running_var), values as C hex floats
//                                    (-0x1.8p+1): exact
//   checksum <16 hex digits>          FNV-1a 64 of every byte before this line
// Version 1 is the same without the network line; such files still load, with
// only the element type and the shapes checked (as for "unspelled").
//
// Numbers are written with std::to_chars and read with std::from_chars, so the
// program's locale changes nothing. save() writes nothing unless every value is
// finite, and replaces the file only when the new one is complete. load()
// reads at most load_limits::max_file_bytes, parses into a separate network
// and assigns it only when everything has been read and checked; any problem
// is reported with the file, the line and the field, and the network is left
// exactly as it was. docs/io.md has the details.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <ctnn/io/csv.hpp>
#include <ctnn/io/spell.hpp>
#include <ctnn/network.hpp>

namespace ctnn::io {

namespace detail {
inline constexpr const char* weights_magic = "ctnn-weights";
inline constexpr std::size_t weights_version = 2;

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

/// what the network line records: the exact type, or "unspelled" for a
/// network whose layer types cannot all be spelled (then only shapes are checked)
template <class Net>
std::string network_record() {
    if constexpr (spellable<Net>) {
        return network_spelling<Net>().text_;
    } else {
        return "unspelled";
    }
}

/// v as C's %a writes it ("-0x1.8p+1", "0x0p+0"), through to_chars, which no
/// locale changes (to_chars' hex form has no 0x)
inline void append_hex(std::string& s, double v) {
    char buf[48];
    char* p = buf;
    if (std::signbit(v)) *p++ = '-';
    *p++ = '0';
    *p++ = 'x';
    s.append(buf, std::to_chars(p, buf + sizeof buf, std::fabs(v), std::chars_format::hex).ptr);
}

/// parses a value as save() writes it, [-]0x<hex digits>[.<hex digits>][p<exponent>]
/// (0X and P too, as C reads them), correctly rounded to T; no decimal, no
/// leading +, no inf or nan
template <class T>
bool parse_hex(std::string_view token, T& out, bool& out_of_range) {
    out_of_range = false;
    std::string_view body = token;
    const bool negative = !body.empty() && body.front() == '-';
    if (negative) body.remove_prefix(1);
    if (body.size() < 3 || body[0] != '0' || (body[1] != 'x' && body[1] != 'X')) return false;
    body.remove_prefix(2);
    if (body.front() == '-' || body.front() == '+') return false;
    T v{};
    if (!to_number(body, std::chars_format::hex, v, out_of_range) || !std::isfinite(v)) return false;
    out = negative ? -v : v;
    return true;
}

/// the lines of a text, one at a time, with their 1-based numbers and offsets
struct line_cursor {
    std::string_view text;
    std::size_t pos = 0;     ///< where the next line starts
    std::size_t number = 0;  ///< of the line last taken
    std::size_t start = 0;   ///< offset of the line last taken

    bool done() const noexcept { return pos >= text.size(); }
    /// the next line without taking it ("" at the end)
    std::string_view peek() const noexcept {
        if (done()) return {};
        const std::size_t end = text.find('\n', pos);
        return text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    }
    bool next(std::string_view& line) noexcept {
        if (done()) return false;
        line = peek();
        start = pos;
        pos += line.size() + 1;
        ++number;
        return true;
    }
};

/// the space-separated words of a line
struct words {
    std::string_view rest;
    bool next(std::string_view& word) noexcept {
        constexpr std::string_view blanks = " \t\r";
        const std::size_t begin = rest.find_first_not_of(blanks);
        if (begin == std::string_view::npos) {
            rest = {};
            return false;
        }
        rest.remove_prefix(begin);
        const std::size_t end = rest.find_first_of(blanks);
        word = rest.substr(0, end);
        rest.remove_prefix(word.size());
        return true;
    }
};

/// a network spelling's top-level parts: element type, input, then one per
/// layer; empty when the text is not a spelling
inline std::vector<std::string_view> spelling_parts(std::string_view s) {
    constexpr std::string_view open = "ctnn::network<";
    std::vector<std::string_view> parts;
    if (s.substr(0, open.size()) != open || s.empty() || s.back() != '>') return parts;
    s = s.substr(open.size(), s.size() - open.size() - 1);
    std::size_t depth = 0, begin = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '<') ++depth;
        else if (s[i] == '>' && depth-- == 0) return {};
        else if (s[i] == ',' && depth == 0) {
            parts.push_back(trimmed(s.substr(begin, i - begin)));
            begin = i + 1;
        }
    }
    if (depth != 0) return {};
    parts.push_back(trimmed(s.substr(begin)));
    return parts;
}

/// "network: ..." saying what the file holds and what the network is, at the
/// first layer where they differ when both are spellings, each part bounded
inline std::string network_mismatch(std::string_view file, std::string_view mine) {
    const auto a = spelling_parts(file), b = spelling_parts(mine);
    if (a.size() >= 2 && b.size() >= 2) {
        for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
            if (a[i] == b[i]) continue;
            const std::string what = i == 0 ? std::string("the element type") : i == 1 ? std::string("the input")
                                                                                     : cat("layer ", i - 2);
            return cat("network: ", what, " is ", quoted(a[i], 80), " in the file, ", quoted(b[i], 80), " in this network");
        }
        if (a.size() != b.size())
            return cat("network: the file holds ", a.size() - 2, " layers (", quoted(file, 80), "), this network ",
                       b.size() - 2);
    }
    return cat("network: the file holds ", quoted(file, 80), ", this network is ", quoted(mine, 80));
}

/// Parses the text of a weight file (read whole) into net, or says why not.
template <class Net>
status load_text(Net& net, const std::string& name, std::string_view text) {
    using T = typename Net::value_type;
    if (text.empty()) return fail(name, 0, 0, "empty file");
    line_cursor lines{text};
    std::string_view line, word;
    std::string why;
    auto at = [&](std::size_t line_no, std::string message) { return fail(name, line_no, 0, std::move(message)); };

    lines.next(line);
    words w{line};
    std::uint64_t version = 0;
    if (!w.next(word) || word != weights_magic)
        return at(1, cat("magic: not a ctnn weight file (expected 'ctnn-weights', found ", quoted(line), ")"));
    if (!w.next(word)) return at(1, "version: missing");
    if (!parse_count(word, version, why)) return at(1, cat("version: ", why));
    if (version < 1 || version > weights_version)
        return at(1, cat("version: ", std::size_t(version), " is not supported (this library reads versions 1 to ",
                         weights_version, ")"));
    if (w.next(word)) return at(1, cat("version: unexpected ", quoted(word), " after it"));

    if (!lines.next(line)) return at(2, "type: missing (truncated file)");
    w = {line};
    if (!w.next(word) || word != "type" || !w.next(word)) return at(2, "type: missing");
    if (word != type_name<T>())
        return at(2, cat("type: the file holds ", quoted(word), ", the network is ", std::string_view(type_name<T>())));

    if (version >= 2) {
        constexpr std::string_view key = "network ";
        if (!lines.next(line)) return at(3, "network: missing (truncated file)");
        if (line.substr(0, key.size()) != key) return at(3, cat("network: expected 'network <type>', found ", quoted(line)));
        const std::string_view recorded = trimmed(line.substr(key.size()));
        if (const std::string mine = network_record<Net>(); recorded != mine)
            return at(lines.number, network_mismatch(recorded, mine));
    }

    const std::size_t layers_line = lines.number + 1;
    std::uint64_t depth = 0;
    if (!lines.next(line)) return at(layers_line, "layers: missing (truncated file)");
    w = {line};
    if (!w.next(word) || word != "layers" || !w.next(word)) return at(layers_line, "layers: missing");
    if (!parse_count(word, depth, why)) return at(layers_line, cat("layers: ", why));
    if (depth != Net::depth)
        return at(layers_line, cat("layers: the file has ", std::size_t(depth), " layers, the network ", Net::depth));

    // a file cut short ends without its newline: say so where the cut line fails
    auto cut = [&] {
        return text.back() != '\n' && lines.done() ? std::string_view(" (truncated file: it ends in this line)")
                                                   : std::string_view();
    };
    // parsed aside, on the heap: a big network would not fit on the stack twice
    auto loaded = std::make_unique<Net>();
    status result{};
    for_each_matrix(*loaded, [&](std::string_view param, std::size_t layer, auto& m) {
        if (!result) return;
        const std::size_t line_no = lines.number + 1;
        const std::string field = cat(param, " of layer ", layer);
        if (lines.done() || lines.peek().substr(0, 8) == "checksum") {
            result = at(line_no, cat(field, ": missing (truncated file)"));
            return;
        }
        lines.next(line);
        w = {line};
        std::string_view k;
        std::uint64_t l = 0, rows = 0, cols = 0;
        if (!w.next(k) || k != param || !w.next(word) || !parse_count(word, l, why) || l != layer) {
            result = at(line_no, cat(field, ": expected '", param, " ", layer, " <rows> <cols> <values>', found ",
                                     quoted(line), cut()));
            return;
        }
        std::string_view r, c;
        if (!w.next(r) || !w.next(c) || !parse_count(r, rows, why) || !parse_count(c, cols, why)) {
            result = at(line_no, cat(field, ": expected '<rows> <cols>' after '", param, " ", layer, "'", cut()));
            return;
        }
        if (rows != m.rows || cols != m.cols) {
            result = at(line_no, cat(field, ": shape ", std::size_t(rows), "x", std::size_t(cols), " in the file, ", m.rows,
                                     "x", m.cols, " in the network"));
            return;
        }
        for (std::size_t i = 0; i < m.size; ++i) {
            if (!w.next(word)) {
                result = at(line_no, cat(field, ": only ", i, " of ", m.size, " values", cut()));
                return;
            }
            bool out_of_range = false;
            if (!parse_hex(word, m.elems[i], out_of_range)) {
                result = at(line_no, cat(field, ": value ", i, " ", quoted(word),
                                         out_of_range ? cat(" is out of the range of ", number_type_name<T>())
                                                      : std::string(" is not a finite number (a hex float such as 0x1.8p+1)"),
                                         cut()));
                return;
            }
        }
        if (w.next(word)) result = at(line_no, cat(field, ": more than ", m.size, " values"));
    });
    if (!result) return result;

    const std::size_t sum_line = lines.number + 1;
    if (!lines.next(line)) return at(sum_line, "checksum: missing (truncated file)");
    const std::size_t summed = lines.start;
    w = {line};
    std::string_view hex;
    std::uint64_t stored = 0;
    if (!w.next(word) || word != "checksum" || !w.next(hex) || hex.size() != 16 || w.next(word))
        return at(sum_line, cat("checksum: expected 'checksum <16 hex digits>'", cut()));
    const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), stored, 16);
    if (ec != std::errc{} || end != hex.data() + hex.size()) return at(sum_line, "checksum: not a hexadecimal number");
    if (stored != fnv1a(text.substr(0, summed))) return at(sum_line, "checksum: does not match the contents (corrupted file)");
    while (lines.next(line))
        if (!trimmed(line).empty()) return at(lines.number, "unexpected text after the checksum");
    net = *loaded;
    return {};
}

/// reads all of `in`, at most max_bytes
inline status read_all(std::istream& in, const std::string& name, std::size_t max_bytes, std::string& text) {
    std::string buf(std::size_t{1} << 16, '\0');
    for (;;) {
        std::size_t got = 0;
        const block b = read_block(in, buf.data(), buf.size(), got);
        if (b == block::error) return fail(name, 0, 0, cat("read error after ", text.size(), " bytes"));
        if (b == block::end) return {};
        if (got > max_bytes - text.size())
            return fail(name, 0, 0, cat("the file is bigger than the limit of ", max_bytes,
                                        " bytes (load_limits::max_file_bytes)"));
        text.append(buf.data(), got);
    }
}
} // namespace detail

/// Writes net's parameters to path (format above). Writes nothing, and leaves
/// a file already at path as it was, when a parameter is NaN or infinite (the
/// error names the layer, the parameter and the element) or the file cannot
/// be written: the text goes to path + ".tmp", which replaces path when complete.
template <class Net>
status save(const Net& net, const std::string& path) {
    return detail::guarded(path, [&]() -> status {
        using T = typename Net::value_type;
        status bad{};
        detail::for_each_matrix(net, [&](std::string_view name, std::size_t layer, const auto& m) {
            for (std::size_t i = 0; bad && i < m.size; ++i)
                if (!std::isfinite(m.elems[i]))
                    bad = detail::fail(path, 0, 0,
                                       detail::cat("layer ", layer, ", ", name, "(", i / m.cols, ", ", i % m.cols, ") is ",
                                                   std::string_view(std::isnan(m.elems[i]) ? "NaN" : "infinite"),
                                                   "; only finite parameters can be saved (nothing was written)"));
        });
        if (!bad) return bad;
        std::string body = detail::cat(std::string_view(detail::weights_magic), " ", detail::weights_version, "\ntype ",
                                       std::string_view(detail::type_name<T>()), "\nnetwork ",
                                       detail::network_record<Net>(), "\nlayers ", Net::depth, "\n");
        detail::for_each_matrix(net, [&](std::string_view name, std::size_t layer, const auto& m) {
            body += detail::cat(name, " ", layer, " ", m.rows, " ", m.cols);
            for (T v : m.elems) {
                body += ' ';
                detail::append_hex(body, static_cast<double>(v));
            }
            body += '\n';
        });
        char sum[16];
        const auto end = std::to_chars(sum, sum + sizeof sum, detail::fnv1a(body), 16).ptr;
        body += detail::cat("checksum ", std::string(std::size_t(sum + sizeof sum - end), '0'),
                            std::string_view(sum, std::size_t(end - sum)), "\n");

        return detail::replace_file(path, body);
    });
}

/// Reads parameters saved by save() from `in` into net; `name` stands for the
/// file in messages. As load(net, path) below.
template <class Net>
status load(Net& net, std::istream& in, const std::string& name, const load_limits& limits = {}) {
    return detail::guarded(name, [&] {
        std::string text;
        if (status s = detail::read_all(in, name, limits.max_file_bytes, text); !s) return s;
        return detail::load_text(net, name, text);
    });
}

/// Reads parameters saved by save() into net. On any problem — a missing,
/// unreadable or truncated file, a directory, a file over limits.max_file_bytes,
/// a corrupted file (checksum), an unknown format version, another element
/// type, network type, number of layers or shape, a value that is not a
/// finite number of the element type — returns the error naming the file,
/// line and field, and leaves net untouched.
template <class Net>
status load(Net& net, const std::string& path, const load_limits& limits = {}) {
    return detail::guarded(path, [&] {
        if (std::string why = detail::unreadable(path, limits.max_file_bytes); !why.empty())
            return detail::fail(path, 0, 0, std::move(why));
        std::ifstream in(path, std::ios::binary);
        if (!in) return detail::fail(path, 0, 0, "cannot open the file");
        std::string text;
        std::error_code ec;
        if (const auto size = std::filesystem::file_size(path, ec); !ec && size <= limits.max_file_bytes)
            text.reserve(std::size_t(size));
        if (status s = detail::read_all(in, path, limits.max_file_bytes, text); !s) return s;
        return detail::load_text(net, path, text);
    });
}

} // namespace ctnn::io

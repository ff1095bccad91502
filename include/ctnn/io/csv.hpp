// io/csv.hpp — host-only: numeric CSV data sets (features then an integer class
// label per line) loaded into fixed-width samples, and what every loader
// shares: status and error, the limits on what is read, bounded reading,
// locale-independent numbers and quoting of untrusted text in messages.
// Every malformed input is rejected with "file:line:column: what is wrong", and
// a failed load leaves the destination exactly as it was. docs/io.md has the
// formats, the limits and the rules for numbers.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnn/train.hpp>

namespace ctnn::io {

namespace detail {
/// concatenation by appending (g++ 12 -O3 warns falsely, -Wrestrict, about
/// "literal" + std::string, which would break users' -Werror builds)
inline void append(std::string& s, std::string_view v) { s.append(v.data(), v.size()); }
inline void append(std::string& s, std::size_t v) {
    char buf[24];
    s.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    (append(s, parts), ...);
    return s;
}

/// Untrusted text for a message: in single quotes, at most max_bytes of it
/// (then ...), every byte outside printable ASCII, and the quote and the
/// backslash, as \xNN, so that a hostile file can neither flood a log nor send
/// terminal escapes.
inline std::string quoted(std::string_view text, std::size_t max_bytes = 40) {
    constexpr char hex[] = "0123456789ABCDEF";
    std::string s = "'";
    const std::size_t n = std::min(text.size(), max_bytes);
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
            s += static_cast<char>(c);
        } else {
            s += "\\x";
            s += hex[c >> 4];
            s += hex[c & 15];
        }
    }
    s += '\'';
    if (text.size() > max_bytes) s += "...";
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
        if (!s.empty()) s += ": ";
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

/// Bounds on what a loader reads, checked while reading: a longer line or a
/// bigger file is rejected as soon as the limit is passed, so that a hostile
/// or mistaken input (a 2 GB line, /dev/zero, a huge file) costs bounded time
/// and memory. The defaults suit data sets and weight files of a few million
/// values; raise them for bigger ones.
struct load_limits {
    std::size_t max_line_bytes = std::size_t{1} << 20;   ///< CSV: bytes in one line (weight files: unused)
    std::size_t max_file_bytes = std::size_t{64} << 20;  ///< bytes in the whole file
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

/// f() with no exception escaping: a loader returns a status, also when memory
/// runs out (std::bad_alloc) or the standard library throws
template <class F>
status guarded(const std::string& file, F&& f) noexcept {
#if defined(__cpp_exceptions)
    try {
        return f();
    } catch (const std::bad_alloc&) {
        try { return fail(file, 0, 0, "out of memory"); } catch (...) { return {false, {}}; }
    } catch (const std::exception& e) {
        try { return fail(file, 0, 0, cat("unexpected error: ", quoted(e.what(), 80))); } catch (...) { return {false, {}}; }
    } catch (...) {
        return {false, {}};
    }
#else
    return f();
#endif
}

/// Writes text to path so that path is replaced only by a complete file: to
/// path + ".tmp" first, renamed over path when every byte is written; on any
/// failure path is left as it was (save and write_header share it)
inline status replace_file(const std::string& path, std::string_view text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return fail(tmp, 0, 0, "cannot open the file for writing");
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            return fail(tmp, 0, 0, "write failed");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return fail(path, 0, 0, "cannot replace the file");
    }
    return {};
}

/// Why path cannot be read as a file of at most max_bytes, or "" (so that a
/// directory is not reported as an empty file, nor a huge file read first)
inline std::string unreadable(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    const auto st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st)) return "cannot open the file";
    if (std::filesystem::is_directory(st)) return "is a directory, not a file";
    if (std::filesystem::is_regular_file(st)) {
        const auto size = std::filesystem::file_size(path, ec);
        if (!ec && size > max_bytes)
            return cat("the file has ", std::size_t(size), " bytes, more than the limit of ", max_bytes,
                       " (load_limits::max_file_bytes)");
    }
    return {};
}

/// The next block of `in`, at most cap bytes of what its buffer holds, so that
/// a read error (the stream's buffer throws; istream makes it badbit) comes
/// after every byte read before it, and is told apart from the end.
enum class block { data, end, error };
inline block read_block(std::istream& in, char* dst, std::size_t cap, std::size_t& got) {
    got = 0;
    if (std::istream::traits_type::eq_int_type(in.peek(), std::istream::traits_type::eof()))
        return in.bad() ? block::error : block::end;
    const std::streamsize buffered = in.rdbuf()->in_avail();
    in.read(dst, std::clamp<std::streamsize>(buffered, 1, static_cast<std::streamsize>(cap)));
    got = static_cast<std::size_t>(in.gcount());
    return in.bad() ? block::error : block::data;
}

/// Lines of a stream, read in blocks, each line and the whole stream bounded;
/// a read error is told apart from the end of the stream.
class line_reader {
public:
    enum class result { line, end, line_too_long, file_too_big, read_error };

    line_reader(std::istream& in, std::size_t max_line_bytes, std::size_t max_file_bytes)
        : in_(in), block_(std::size_t{1} << 16), max_line_(max_line_bytes), max_file_(max_file_bytes) {}

    /// the next line, without its '\n' (and a '\r' before it)
    result next(std::string& line) {
        line.clear();
        for (;;) {
            if (pos_ == len_) {
                pos_ = 0;
                const block b = ended_ ? block::end : read_block(in_, block_.data(), block_.size(), len_);
                if (b == block::error) return result::read_error;
                if (b == block::end) {
                    ended_ = true;
                    return line.empty() ? result::end : finish(line);
                }
                if (len_ > max_file_ - total_) return result::file_too_big;
                total_ += len_;
                continue;
            }
            const char* start = block_.data() + pos_;
            const auto* newline = static_cast<const char*>(std::memchr(start, '\n', len_ - pos_));
            const std::size_t take = newline ? std::size_t(newline - start) : len_ - pos_;
            if (take > max_line_ - line.size()) return result::line_too_long;
            line.append(start, take);
            pos_ += take;
            if (newline) {
                ++pos_;
                return finish(line);
            }
        }
    }

private:
    static result finish(std::string& line) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return result::line;
    }
    std::istream& in_;
    std::vector<char> block_;
    std::size_t max_line_, max_file_, pos_ = 0, len_ = 0, total_ = 0;
    bool ended_ = false;
};

/// Whether a number that from_chars found out of range is tiny (it rounds to
/// zero) rather than huge: the two are hundreds of orders of magnitude apart,
/// so the position of the first significant digit and the exponent tell.
/// `text` is what from_chars consumed; hex without its 0x.
inline bool out_of_range_is_tiny(std::string_view text, bool hex) {
    long long order = 0;
    bool significant = false, fraction = false;
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.') {
            fraction = true;
            continue;
        }
        if (hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E')) break;
        if (c != '0') significant = true;
        if (!fraction && significant) ++order;
        if (fraction && !significant) --order;
    }
    long long exponent = 0;
    bool negative = false;
    if (i < text.size()) {
        ++i;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
        for (; i < text.size() && exponent < 1'000'000'000; ++i) exponent = exponent * 10 + (text[i] - '0');
    }
    if (negative) exponent = -exponent;
    return (hex ? 4 * order : order) + exponent <= 0;
}

/// Parses all of `text` as a T, locale-independently (std::from_chars): decimal
/// (general) or hex without its 0x. A value too large for T is an error (never
/// ±inf); one too small rounds to a subnormal or a signed zero, as IEEE
/// rounding does. inf and nan parse here; callers reject them.
template <class T>
bool to_number(std::string_view text, std::chars_format format, T& out, bool& out_of_range) {
    out_of_range = false;
    T v{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, format);
    if (end != text.data() + text.size()) return false;
    if (ec == std::errc::result_out_of_range) {
        if (!out_of_range_is_tiny(text, format == std::chars_format::hex)) {
            out_of_range = true;
            return false;
        }
        v = text.front() == '-' ? -T(0) : T(0);
    } else if (ec != std::errc{}) {
        return false;
    }
    out = v;
    return true;
}

template <class T>
constexpr std::string_view number_type_name() noexcept {
    return std::is_same_v<T, float> ? "float" : std::is_same_v<T, double> ? "double" : "the element type";
}

/// parses one whole field (spaces and tabs around it allowed, one leading +)
/// as a finite T; `why` says what is wrong, quoting the field
template <class T>
bool parse_number(std::string_view field, T& out, std::string& why) {
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t' || field.back() == '\r')) field.remove_suffix(1);
    if (field.empty()) {
        why = "empty field";
        return false;
    }
    std::string_view digits = field;
    if (digits.front() == '+') digits.remove_prefix(1);
    bool out_of_range = false;
    T v{};
    if (digits.empty() || digits.front() == '+' || (digits.front() == '-' && digits.data() != field.data()) ||
        !to_number(digits, std::chars_format::general, v, out_of_range)) {
        why = out_of_range ? cat(quoted(field), " is out of the range of ", number_type_name<T>())
                           : cat(quoted(field), " is not a number");
        return false;
    }
    if (!std::isfinite(v)) {
        why = cat(quoted(field), " is not a finite number");
        return false;
    }
    out = v;
    return true;
}

/// the largest count a file may declare: 18 digits, so that parsing never
/// overflows and no message prints a wrapped-around number
inline constexpr std::uint64_t max_count = 999'999'999'999'999'999ULL;

/// parses all of `field` as a decimal count in 0..max_count (digits only: no
/// sign, point or exponent); `why` quotes the field
inline bool parse_count(std::string_view field, std::uint64_t& out, std::string& why) {
    std::uint64_t v = 0;
    const bool digits_only =
        !field.empty() && std::all_of(field.begin(), field.end(), [](char c) { return c >= '0' && c <= '9'; });
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (!digits_only || ec != std::errc{} || end != field.data() + field.size() || v > max_count) {
        why = digits_only ? cat(quoted(field), " is out of range (at most 18 digits)")
                          : cat(quoted(field), " is not a count (digits 0-9 only)");
        return false;
    }
    out = v;
    return true;
}

inline std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// the message of a reader's failure at line `line_no`
inline std::string reader_failure(line_reader::result r, std::size_t line_no, const load_limits& limits) {
    switch (r) {
    case line_reader::result::line_too_long:
        return cat("line ", line_no, " is longer than the limit of ", limits.max_line_bytes,
                   " bytes (load_limits::max_line_bytes)");
    case line_reader::result::file_too_big:
        return cat("the file is bigger than the limit of ", limits.max_file_bytes, " bytes (load_limits::max_file_bytes)");
    default:
        return cat("read error after line ", line_no - 1);
    }
}

template <class T, std::size_t Features, std::size_t Classes, std::size_t Outputs>
status load_csv(std::istream& in, const std::string& name, classification_data<T, Features, Classes, Outputs>& out,
                header head, const load_limits& limits) {
    classification_data<T, Features, Classes, Outputs> data;  // filled aside, moved in at the end
    line_reader reader(in, limits.max_line_bytes, limits.max_file_bytes);
    std::string line, why;
    std::size_t line_no = 0, empty_line = 0;
    std::uint64_t declared_samples = 0;
    bool have_declared = false;
    for (;;) {
        const auto r = reader.next(line);
        if (r == line_reader::result::end) break;
        ++line_no;
        if (r != line_reader::result::line)
            return fail(name, r == line_reader::result::line_too_long ? line_no : 0, 0, reader_failure(r, line_no, limits));
        if (empty_line) return fail(name, empty_line, 1, "empty line");  // only a final one is fine
        std::string_view text = line;
        if (line_no == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark
        if (text.empty()) {
            empty_line = line_no;
            continue;
        }
        // the fields one at a time, so that a line of many commas costs nothing
        // beyond the line: a line with too many is rejected at the first extra
        std::size_t start = 0, field_start = 0;
        std::string_view field;
        auto next_field = [&] {
            if (start > text.size()) return false;
            const std::size_t comma = text.find(',', start);
            const std::size_t stop = comma == std::string_view::npos ? text.size() : comma;
            field = text.substr(start, stop - start);
            field_start = start;
            start = stop + 1;
            return true;
        };
        auto column = [&] { return field_start + 1; };
        constexpr std::string_view header_form = "; expected 'n_samples,n_features,class names...'";
        if (head == header::sklearn && line_no == 1) {
            std::uint64_t n = 0, f = 0;
            next_field();
            if (!parse_count(trimmed(field), n, why)) return fail(name, 1, column(), cat("header: n_samples ", why, header_form));
            if (!next_field()) return fail(name, 1, text.size() + 1, cat("header: n_features missing", header_form));
            if (!parse_count(trimmed(field), f, why)) return fail(name, 1, column(), cat("header: n_features ", why, header_form));
            if (f != Features)
                return fail(name, 1, column(), cat("header: ", std::size_t(f), " features, but the network takes ", Features));
            std::size_t names = 0, names_column = text.size() + 1;
            while (next_field())
                if (names++ == 0) names_column = column();
            if (names != Classes) return fail(name, 1, names_column, cat("header: ", names, " class names, expected ", Classes));
            declared_samples = n;
            have_declared = true;
            continue;
        }
        auto wrong_count = [&](std::size_t at) {
            const std::size_t fields = std::size_t(std::count(text.begin(), text.end(), ',')) + 1;
            return fail(name, line_no, at, cat(fields, " fields, expected ", Features, " features and a label"));
        };
        for (std::size_t i = 0; i < Features; ++i) {
            if (!next_field()) return wrong_count(text.size() + 1);
            T v{};
            if (!parse_number(field, v, why)) return fail(name, line_no, column(), why);
            data.features.push_back(v);
        }
        if (!next_field()) return wrong_count(text.size() + 1);
        const std::string_view label_field = field;
        const std::size_t label_column = column();
        if (next_field()) return wrong_count(column());
        double label = 0;
        if (!parse_number(label_field, label, why)) return fail(name, line_no, label_column, why);
        if (label != std::floor(label) || label < 0 || label >= double(Classes))
            return fail(name, line_no, label_column,
                        cat("label ", quoted(trimmed(label_field)), " is not a class in 0..", Classes - 1));
        data.labels.push_back(std::size_t(label));
    }
    if (data.size() == 0) return fail(name, line_no, 0, "no samples in the file");
    if (have_declared && declared_samples != data.size())
        return fail(name, 1, 1, cat("header: ", std::size_t(declared_samples), " samples declared, ", data.size(), " found"));
    out = std::move(data);
    return {};
}
} // namespace detail

/// Loads the CSV text of `in` into `out`, as the file overload does; `name`
/// stands for the file in messages.
template <class T, std::size_t Features, std::size_t Classes, std::size_t Outputs>
status load_csv(std::istream& in, const std::string& name, classification_data<T, Features, Classes, Outputs>& out,
                header head = header::none, const load_limits& limits = {}) {
    return detail::guarded(name, [&] { return detail::load_csv(in, name, out, head, limits); });
}

/// Loads `path` into `out`: each line is Features numbers then the class label.
/// On any problem returns the error (file, line, column, what) and leaves `out`
/// untouched: a missing or unreadable file, a directory, no samples, a ragged
/// row, a field that is not a number, NaN, infinity or a number out of T's
/// range, a label that is not an integer in 0..Classes-1, a header that
/// disagrees with the data, a line or file over `limits`, a read error.
template <class T, std::size_t Features, std::size_t Classes, std::size_t Outputs>
status load_csv(const std::string& path, classification_data<T, Features, Classes, Outputs>& out,
                header head = header::none, const load_limits& limits = {}) {
    return detail::guarded(path, [&] {
        if (std::string why = detail::unreadable(path, limits.max_file_bytes); !why.empty())
            return detail::fail(path, 0, 0, std::move(why));
        std::ifstream in(path, std::ios::binary);
        if (!in) return detail::fail(path, 0, 0, "cannot open the file");
        return detail::load_csv(in, path, out, head, limits);
    });
}

} // namespace ctnn::io

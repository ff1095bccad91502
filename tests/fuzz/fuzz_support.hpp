// fuzz_support.hpp — what both libFuzzer targets share: the loaders read
// files, so each input goes to a per-process temporary file (reused, removed
// at exit); a broken property prints "ctnn-fuzz: <property>: <details>" and
// aborts, which libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <ctnn/io/csv.hpp>

namespace ctnn_fuzz {

/// Properties named in CTNN_FUZZ_IGNORE (comma-separated) report and go on
/// instead of aborting: only to look past a finding that is already known
/// (docs/fuzzing.md). CI and scripts/fuzz.sh never set it.
inline bool ignored(std::string_view property) {
    static const std::string list = [] {
        const char* env = std::getenv("CTNN_FUZZ_IGNORE");
        return std::string(",") + (env ? env : "") + ",";
    }();
    return list.find(std::string(",") + std::string(property) + ",") != std::string::npos;
}

/// the temporary files of this process, removed also when a property aborts it
inline std::vector<std::string>& temp_paths() {
    static std::vector<std::string> paths;
    return paths;
}

/// a broken property: libFuzzer keeps the input as a crash artefact
[[noreturn]] inline void fail(std::string_view property, const std::string& details) {
    std::fprintf(stderr, "ctnn-fuzz: %.*s: %s\n", int(property.size()), property.data(), details.c_str());
    for (const auto& p : temp_paths()) std::remove(p.c_str());
    std::abort();
}

inline void violated(std::string_view property, const std::string& details) {
    static std::map<std::string, std::size_t, std::less<>> reported;
    if (!ignored(property)) fail(property, details);
    if (reported[std::string(property)]++ < 5)  // an ignored property stays visible, without flooding the log
        std::fprintf(stderr, "ctnn-fuzz: %.*s (ignored): %s\n", int(property.size()), property.data(),
                     details.c_str());
}

/// at most 200 bytes of s, control bytes as \xNN, to quote an input in a report
inline std::string printable(std::string_view s) {
    std::string q = "'";
    for (std::size_t i = 0; i < s.size() && i < 200; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            q += buf;
        } else {
            q += char(c);
        }
    }
    q += s.size() > 200 ? "'..." : "'";
    return q;
}

/// A directory for the temporary files: shared memory when it is writable
/// (no disk traffic at thousands of executions a second), else $TMPDIR, /tmp.
inline std::string temp_dir() {
    if (access("/dev/shm", W_OK) == 0) return "/dev/shm";
    const char* t = std::getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

/// Per-process file names (libFuzzer's -jobs/-fork run several processes),
/// removed when the process exits or a property fails (a sanitizer's report
/// leaves them: a few small files in /dev/shm).
class temp_files {
public:
    explicit temp_files(const char* tag) {
        for (const char* suffix : {"a", "b", "c"})
            temp_paths().push_back(temp_dir() + "/ctnn-fuzz-" + tag + "-" + std::to_string(getpid()) + "-" + suffix);
    }
    ~temp_files() {
        for (const auto& p : temp_paths()) std::remove(p.c_str());
    }
    const std::string& path(std::size_t i) const { return temp_paths()[i]; }
};

/// writes bytes to path exactly (binary); a failure here is the harness's, not the library's
inline void write_file(const std::string& path, std::string_view bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
        fail("harness", "cannot write the temporary file " + path);
}

/// number of lines in text as a reader counts them (a final line without '\n' counts)
inline std::size_t line_count(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n + (!text.empty() && text.back() != '\n');
}

/// Longest message body accepted (the file name and position not counted): a
/// message quotes at most a bounded part of a field.
inline constexpr std::size_t max_message = 1024;

/// What every rejection must give: the file named, a line inside the file (or
/// 0), a non-empty message of bounded length without control bytes (which
/// could drive the user's terminal) and without a count wrapped around size_t.
inline void check_rejection(const ctnn::io::status& st, const std::string& path, std::string_view text,
                            const char* destination) {
    const auto& e = st.error;
    const std::string where = std::string(destination) + ", message " + printable(e.message);
    if (e.file != path) violated("error-file", where + ": names the file " + printable(e.file));
    if (e.line > line_count(text) + 1)
        violated("error-line", where + ": line " + std::to_string(e.line) + " of a file of " +
                                   std::to_string(line_count(text)) + " lines");
    if (e.message.empty()) violated("error-message", where + ": empty message");
    if (e.message.size() > max_message)
        violated("error-message", where + ": message of " + std::to_string(e.message.size()) + " bytes");
    // a negative or huge count cast to size_t shows as 2^64 - 1 or near it;
    // an escape (\xNN) in a quoted field is not part of a number: it is
    // blanked first, so that "\x11" before "8446..." does not read as "1 8446..."
    std::string plain = e.message;
    for (std::size_t i = 0; i + 3 < plain.size(); ++i)
        if (plain[i] == '\\' && plain[i + 1] == 'x') plain.replace(i, 4, "????");
    if (plain.find("1844674407370955") != std::string::npos && text.find("1844674407370955") == std::string_view::npos)
        violated("error-wrapped", where + ": a number the file does not hold (a wrapped conversion)");
    for (unsigned char c : e.message)
        if (c < 0x20 || c == 0x7f) {
            violated("error-message", where + ": control byte in the message");
            break;
        }
}

/// the bytes of an object, to compare a destination before and after a rejected load
template <class T>
std::vector<unsigned char> bytes_of(const T& object) {
    std::vector<unsigned char> b(sizeof(T));
    std::memcpy(b.data(), &object, sizeof(T));
    return b;
}

/// A value pattern for sentinels: quiet NaNs with a payload, -0, a
/// subnormal, the largest finite: nothing a successful load would leave there.
template <class T>
T sentinel(std::size_t i) {
    if constexpr (sizeof(T) == 4) {
        const std::uint32_t bits[] = {0x7fc0'1234u, 0x8000'0000u, 0x0000'0007u, 0x7f7f'ffffu, 0xffc0'4321u};
        T v;
        std::memcpy(&v, &bits[i % 5], sizeof v);
        return v;
    } else {
        const std::uint64_t bits[] = {0x7ff8'0000'0000'1234u, 0x8000'0000'0000'0000u, 0x0000'0000'0000'0007u,
                                      0x7fef'ffff'ffff'ffffu, 0xfff8'0000'0000'4321u};
        T v;
        std::memcpy(&v, &bits[i % 5], sizeof v);
        return v;
    }
}

} // namespace ctnn_fuzz

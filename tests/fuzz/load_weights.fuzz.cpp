// load_weights.fuzz.cpp — libFuzzer target: io::load on arbitrary bytes, into
// float and double networks of two kinds (dense only; and one with every
// parameterised layer kind: batch_norm's buffers, prelu, a residual block), so
// that every visit path is parsed. Each input is tried as it is and once more
// with its checksum line recomputed (FNV-1a 64, computed here, not by the
// library), since a mutation almost never keeps a valid checksum and the
// accepting path would go untested. Properties (docs/fuzzing.md):
//   rejected: the network keeps every byte it had (a sentinel), and the error
//             names the file, a line of it, in a bounded printable message;
//   accepted: every parameter is finite in the network's type, and save() of
//             the loaded network then load() gives the same bits.
//
// `load_weights_fuzz --ctnn-write-seeds=DIR` writes seed files made by
// io::save (and hostile edits of them) into DIR and exits: the seeds follow
// the format of the library being fuzzed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace ctnn;
using ctnn_fuzz::printable;
using ctnn_fuzz::violated;

template <class T>
using dense_net = network<T, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using block = residual<dense<3, act::elu>, activation<act::softplus>, dense<4, act::hard_tanh>>;
template <class T>
using every_kind_net = network<T, input<3>, dense<4, act::gelu>, batch_norm, prelu, dropout<1, 4>, block,
                               activation<act::silu>, dense<2, act::softmax>>;

/// FNV-1a 64, as the format defines the checksum (an independent implementation)
std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// text with its last "checksum" line (or, without one, a new last line)
/// holding the checksum of everything before it
std::string with_valid_checksum(std::string_view text) {
    std::size_t start = std::string_view::npos;
    for (std::size_t pos = 0; pos <= text.size();) {
        if (text.substr(pos, 8) == "checksum") start = pos;
        const std::size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    std::string body(text.substr(0, start));
    if (!body.empty() && body.back() != '\n') body += '\n';
    char line[40];
    std::snprintf(line, sizeof line, "checksum %016llx\n", static_cast<unsigned long long>(fnv1a(body)));
    return body + line;
}

/// A parameter or buffer of a network: its name and elements. The visit is
/// inlined into its caller for every parameter (CTNN_INLINE), so it only
/// collects these; the checks loop over them (a third of the compile time).
template <class T>
struct span {
    const char* name;
    T* data;
    std::size_t size;
};

template <class Net, class T = typename Net::value_type>
std::vector<span<const T>> spans(const Net& net) {
    std::vector<span<const T>> s;
    net.visit([&](const auto& info, const auto& m, auto&...) { s.push_back({info.name, m.elems, m.size}); });
    return s;
}

template <class Net, class T = typename Net::value_type>
std::vector<span<T>> spans(Net& net) {
    std::vector<span<T>> s;
    net.visit([&](const auto& info, auto& m, auto&...) { s.push_back({info.name, m.elems, m.size}); });
    return s;
}

/// the bytes of every parameter and buffer, in visit order
template <class Net>
std::vector<unsigned char> parameter_bytes(const Net& net) {
    std::vector<unsigned char> b;
    for (const auto& p : spans(net)) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(p.data);
        b.insert(b.end(), bytes, bytes + p.size * sizeof(*p.data));
    }
    return b;
}

template <class Net>
void fill_sentinel(Net& net) {
    std::size_t k = 0;
    for (const auto& p : spans(net))
        for (std::size_t i = 0; i < p.size; ++i) p.data[i] = ctnn_fuzz::sentinel<typename Net::value_type>(k++);
}

template <class Net>
void check(const char* name, const std::string& path, std::string_view text, const std::string& resaved) {
    static_assert(std::is_trivially_copyable_v<Net>, "the sentinel comparison copies the network's bytes");
    Net net{};
    fill_sentinel(net);
    const auto before = ctnn_fuzz::bytes_of(net);
    const auto st = io::load(net, path);
    if (!st) {
        if (ctnn_fuzz::bytes_of(net) != before)
            violated("rejected-unchanged", std::string(name) + ": rejected (" + printable(st.error.message) +
                                               ") but the network changed");
        ctnn_fuzz::check_rejection(st, path, text, name);
        return;
    }
    std::size_t k = 0;
    for (const auto& p : spans(std::as_const(net)))
        for (std::size_t i = 0; i < p.size; ++i, ++k)
            if (!std::isfinite(p.data[i]))
                violated("accepted-finite", std::string(name) + ": " + p.name + " element " + std::to_string(i) +
                                                " (value " + std::to_string(k) + " of the file) is " +
                                                std::to_string(double(p.data[i])));
    const auto saved = io::save(net, resaved);
    if (!saved) {
        violated("roundtrip-save", std::string(name) + ": save of the loaded network failed: " +
                                       printable(saved.error.what()));
        return;
    }
    Net again{};
    fill_sentinel(again);
    const auto reloaded = io::load(again, resaved);
    if (!reloaded)
        violated("roundtrip-load", std::string(name) + ": its own file rejected: " + printable(reloaded.error.what()));
    else if (parameter_bytes(again) != parameter_bytes(net))
        violated("roundtrip-bits", std::string(name) + ": save then load changed the parameters");
}

void check_all(const std::string& path, std::string_view text, const std::string& resaved) {
    check<dense_net<float>>("dense_net<float>", path, text, resaved);
    check<dense_net<double>>("dense_net<double>", path, text, resaved);
    check<every_kind_net<float>>("every_kind_net<float>", path, text, resaved);
    check<every_kind_net<double>>("every_kind_net<double>", path, text, resaved);
}

// ---- seeds -------------------------------------------------------------------

std::string read_file(const std::string& path) {
    std::string s;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
        std::fclose(f);
    }
    return s;
}

/// text with the first occurrence of `from` replaced (unchanged without one)
std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const auto pos = text.find(from);
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    return text;
}

std::string replaced_all(std::string text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

/// text with the first token that starts with `prefix` (after a space) replaced
std::string token_replaced(std::string text, std::string_view prefix, std::string_view to) {
    const auto pos = text.find(std::string(" ") + std::string(prefix));
    if (pos == std::string::npos) return text;
    const auto end = text.find_first_of(" \n", pos + 1);
    return text.replace(pos + 1, end - pos - 1, to);
}

template <class Net>
void write_seeds(const std::string& dir, const char* name, std::uint64_t seed) {
    Net net{};
    net.initialize(seed);
    const std::string path = dir + "/" + name + ".txt";
    if (!io::save(net, path)) ctnn_fuzz::fail("harness", "cannot save a seed to " + path);
    const std::string good = read_file(path);
    const auto put = [&](const char* variant, const std::string& text, bool fix_checksum) {
        ctnn_fuzz::write_file(dir + "/" + name + "-" + variant + ".txt", fix_checksum ? with_valid_checksum(text) : text);
    };
    const std::string depth = std::to_string(Net::depth);
    put("layers-minus-1", replaced(good, "layers " + depth, "layers -1"), true);
    put("layers-huge", replaced(good, "layers " + depth, "layers 18446744073709551617"), true);
    put("version-minus-1", replaced(good, "ctnn-weights 1", "ctnn-weights -1"), true);
    put("value-0x1p+200", token_replaced(good, "0x", "0x1p+200"), true);       // finite double, inf as float
    put("value-0x1p+1024", token_replaced(good, "0x", "0x1p+1024"), true);     // inf as double
    put("value-1e39", token_replaced(good, "0x", "1e39"), true);
    put("value-nan", token_replaced(good, "0x", "nan"), true);
    put("value-subnormal", token_replaced(good, "0x", "0x1p-1074"), true);
    put("crlf", replaced_all(good, "\n", "\r\n"), true);
    put("bom", "\xEF\xBB\xBF" + good, true);
    put("truncated", good.substr(0, good.size() / 2), false);
    put("bad-checksum", replaced(good, "checksum ", "checksum 0"), false);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    const std::string_view flag = "--ctnn-write-seeds=";
    for (int i = 1; i < *argc; ++i) {
        const std::string_view arg = (*argv)[i];
        if (arg.substr(0, flag.size()) != flag) continue;
        const std::string dir(arg.substr(flag.size()));
        write_seeds<dense_net<float>>(dir, "dense-float", 1);
        write_seeds<dense_net<double>>(dir, "dense-double", 2);
        write_seeds<every_kind_net<float>>(dir, "every-kind-float", 3);
        write_seeds<every_kind_net<double>>(dir, "every-kind-double", 4);
        std::exit(0);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const ctnn_fuzz::temp_files files("weights");
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ctnn_fuzz::write_file(files.path(0), text);
    check_all(files.path(0), text, files.path(2));
    const std::string fixed = with_valid_checksum(text);
    if (fixed != text) {
        ctnn_fuzz::write_file(files.path(1), fixed);
        check_all(files.path(1), fixed, files.path(2));
    }
    return 0;
}

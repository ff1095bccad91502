// io/header.hpp — host-only: export a trained network as a C++ header that
// defines it as a constexpr object of its exact type.
//
//   ctnn::io::write_header(net, "models::seed", std::cout);
//
// writes
//
//   #pragma once
//   #include <ctnn/activations.hpp>
//   #include <ctnn/network.hpp>
//   namespace models {
//   inline constexpr ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ...> seed{{
//       {{{W row-major}}, {{b}}},   // one brace group per layer, values as exact hex floats
//       ...
//   }};
//   } // namespace models
//
// The object is constant-initialised (no start-up code: it lands in .rodata,
// i.e. flash on a microcontroller), and its type is spelled out, so using it
// as a network of another shape or element type does not compile. The values
// are C hex-float literals (0x1.8p+1f), so the compiled network holds exactly
// the bits of the original one.
//
// Nothing is written when the name is not a valid (optionally qualified) C++
// identifier, or a parameter is infinite or NaN: the status names the problem.
#pragma once

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnn/activations.hpp>
#include <ctnn/config.hpp>
#include <ctnn/io/csv.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/network.hpp>

namespace ctnn::io {

namespace detail {

/// how an activation of ctnn::act is spelled in C++; write_header supports those only
template <class Act> inline constexpr bool spellable_activation = false;
template <> inline constexpr bool spellable_activation<act::identity> = true;
template <> inline constexpr bool spellable_activation<act::relu> = true;
template <> inline constexpr bool spellable_activation<act::sigmoid> = true;
template <> inline constexpr bool spellable_activation<act::tanh> = true;
template <> inline constexpr bool spellable_activation<act::softmax> = true;
template <int N, int D> inline constexpr bool spellable_activation<act::basic_leaky_relu<N, D>> = true;

template <class Act>
std::string activation_spelling() {
    if constexpr (std::is_same_v<Act, act::leaky_relu>) {
        return "ctnn::act::leaky_relu";  // = basic_leaky_relu<1, 100>, the same type
    } else if constexpr (requires { Act::template slope<double>(); }) {
        return []<int N, int D>(act::basic_leaky_relu<N, D>*) {
            return cat("ctnn::act::basic_leaky_relu<", std::string(N < 0 ? "-" : ""),
                       std::size_t(N < 0 ? -static_cast<long long>(N) : N), ", ", std::size_t(D), ">");
        }(static_cast<Act*>(nullptr));
    } else {
        return cat("ctnn::act::", std::string_view(Act::name));
    }
}

template <class T>
constexpr std::string_view element_type_spelling() noexcept {
    return std::is_same_v<T, float> ? "float" : "double";
}

/// "ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ...>"
template <class Net>
std::string network_spelling() {
    std::string s = cat("ctnn::network<", element_type_spelling<typename Net::value_type>(), ", ctnn::input<",
                        Net::input_width, ">");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((s += cat(", ctnn::dense<", Net::template layer_type<I>::outputs, ", ",
                   activation_spelling<typename Net::template layer_type<I>::activation>(), ">")),
         ...);
    }(std::make_index_sequence<Net::depth>{});
    s += ">";
    return s;
}

/// an exact C++ literal of v: a hex float, with the suffix f for float
template <class T>
std::string hex_literal(T v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, std::is_same_v<T, float> ? "%af" : "%a", static_cast<double>(v));
    return buf;
}

inline bool is_cxx_keyword(std::string_view w) noexcept {
    static constexpr std::string_view keywords[] = {
        "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case",
        "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval",
        "constexpr", "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype",
        "default", "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern",
        "false", "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
        "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
        "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
        "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true",
        "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile",
        "wchar_t", "while", "xor", "xor_eq"};
    for (std::string_view k : keywords)
        if (k == w) return true;
    return false;
}

/// empty if name is a valid, optionally qualified C++ name (a::b::c), else why not
inline std::string check_cxx_name(std::string_view name) {
    if (name.empty()) return "the name is empty";
    std::size_t start = 0;
    for (std::size_t part = 0;; ++part) {
        const std::size_t end = name.find("::", start);
        const std::string_view id = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
        const auto digit = [](char c) { return c >= '0' && c <= '9'; };
        if (id.empty())
            return cat("'", name, "' is not a C++ name: an empty component",
                       std::string_view(part == 0 ? " (a leading '::' is not accepted)" : ""));
        if (!letter(id[0]))
            return cat("'", name, "' is not a C++ name: '", id, "' does not start with a letter or '_'");
        for (char c : id)
            if (!letter(c) && !digit(c))
                return cat("'", name, "' is not a C++ name: '", id, "' contains '", std::string_view(&c, 1), "'");
        if (is_cxx_keyword(id)) return cat("'", name, "' is not a C++ name: '", id, "' is a C++ keyword");
        if (id.find("__") != std::string_view::npos || (id[0] == '_' && id.size() > 1 && id[1] >= 'A' && id[1] <= 'Z'))
            return cat("'", name, "' is not a C++ name: '", id,
                       "' is reserved to the implementation (it contains '__' or starts with '_' and a capital)");
        if (part == 0 && end != std::string_view::npos && id == "std")
            return cat("'", name, "' is not a usable name: namespace std is reserved");
        if (end == std::string_view::npos) return {};
        start = end + 2;
    }
}

inline status header_fail(std::string message) { return fail("ctnn::io::write_header", 0, 0, std::move(message)); }

/// the whole header text for net, or the reason it cannot be written
template <class Net>
status header_text(const Net& net, std::string_view name, std::string& text) {
    using T = typename Net::value_type;
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn: write_header supports float and double networks");
    static_assert([]<std::size_t... I>(std::index_sequence<I...>) {
        return (spellable_activation<typename Net::template layer_type<I>::activation> && ...);
    }(std::make_index_sequence<Net::depth>{}),
                  "ctnn: write_header can spell only the activations of ctnn::act "
                  "(identity, relu, basic_leaky_relu<N, D>, sigmoid, tanh, softmax)");

    if (std::string why = check_cxx_name(name); !why.empty()) return header_fail(why);

    // every parameter must be finite: an inf or NaN literal does not even exist in C++
    status result{};
    for_each_matrix(net, [&](char kind, std::size_t layer, const auto& m) {
        if (!result) return;
        for (std::size_t i = 0; i < m.size; ++i)
            if (!std::isfinite(m.elems[i])) {
                result = header_fail(cat("layer ", layer, ", ", std::string_view(&kind, 1), "(", i / m.cols, ", ",
                                         i % m.cols, ") is ", std::string_view(std::isnan(m.elems[i]) ? "NaN" : "infinite"),
                                         "; only finite parameters can be exported"));
                return;
            }
    });
    if (!result) return result;

    const std::size_t split = name.rfind("::");
    const std::string_view ns = split == std::string_view::npos ? std::string_view{} : name.substr(0, split);
    const std::string_view id = split == std::string_view::npos ? name : name.substr(split + 2);

    std::string arch = cat(Net::input_width);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((arch += cat("-", Net::template layer_type<I>::outputs)), ...);
    }(std::make_index_sequence<Net::depth>{});

    text = cat("// ", name, ": a ", arch, " ctnn network (", element_type_spelling<T>(), ", ", Net::parameter_count,
               " parameters, ", Net::parameter_bytes, " bytes)\n",
               "// Generated by ctnn::io::write_header (ctnn ", std::size_t(CTNN_VERSION_MAJOR), ".",
               std::size_t(CTNN_VERSION_MINOR), ".", std::size_t(CTNN_VERSION_PATCH),
               "); do not edit, regenerate it from the trained network.\n"
               "// Values are exact hex floats; W is row-major (outputs x inputs), b has one value per output.\n"
               "#pragma once\n\n#include <ctnn/activations.hpp>\n#include <ctnn/network.hpp>\n\n");
    if (!ns.empty()) text += cat("namespace ", ns, " {\n\n");
    text += cat("inline constexpr ", network_spelling<Net>(), " ", id, "{{\n");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        const auto layer_text = [&](const auto& l, std::size_t index) {
            using L = std::remove_cvref_t<decltype(l)>;
            text += cat("    // layer ", index, ": dense<", L::outputs, ", ", activation_spelling<typename L::activation>(),
                        ">, W ", L::outputs, "x", L::inputs, ", b ", L::outputs, "x1\n    {{{");
            for (std::size_t r = 0; r < L::outputs; ++r)  // one row of W per line
                for (std::size_t c = 0; c < L::inputs; ++c)
                    text += cat(std::string_view(c > 0 ? ", " : r > 0 ? ",\n       " : ""), hex_literal<T>(l.W(r, c)));
            text += "}},\n     {{";
            for (std::size_t r = 0; r < L::outputs; ++r)
                text += cat(std::string_view(r > 0 ? ", " : ""), hex_literal<T>(l.b(r, 0)));
            text += cat("}}}", std::string_view(index + 1 < Net::depth ? "," : ""), "\n");
        };
        (layer_text(net.template layer<I>(), I), ...);
    }(std::make_index_sequence<Net::depth>{});
    text += "}};\n";
    if (!ns.empty()) text += cat("\n} // namespace ", ns, "\n");
    return {};
}

} // namespace detail

/// Writes a self-contained C++ header defining net as
/// `inline constexpr <its exact ctnn::network<...> type> name{...};` (name may
/// be qualified, `models::seed`, and then the namespace is emitted). Writes
/// nothing and returns the error when name is not a valid C++ name or a
/// parameter is not finite, and returns an error when the stream fails.
template <class Net>
status write_header(const Net& net, std::string_view name, std::ostream& out) {
    std::string text;
    if (status s = detail::header_text(net, name, text); !s) return s;
    out << text;
    out.flush();
    if (!out) return detail::header_fail("writing to the stream failed");
    return {};
}

/// The same into the file at path. On any error the file is left as it was:
/// the header goes to path + ".tmp" first and replaces path only when complete.
template <class Net>
status write_header(const Net& net, std::string_view name, const std::string& path) {
    std::string text;
    if (status s = detail::header_text(net, name, text); !s) return s;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return detail::fail(tmp, 0, 0, "cannot open the file for writing");
        out << text;
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            return detail::fail(tmp, 0, 0, "write failed");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return detail::fail(path, 0, 0, "cannot replace the file");
    }
    return {};
}

} // namespace ctnn::io

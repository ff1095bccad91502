// io/header.hpp — host-only: export a trained network as a C++ header that
// defines it as a constexpr object of its exact type.
//
//   ctnn::io::write_header(net, "models::seed", std::cout);
//
// writes
//
//   #pragma once
//   #include <ctnn/dense.hpp>          (the header of every layer kind it uses)
//   #include <ctnn/network.hpp>
//   namespace models {
//   inline constexpr ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ...> seed{{
//       {{{W row-major}}, {{b}}},   // one brace group per layer, values as exact hex floats
//       ...
//   }};
//   } // namespace models
//
// Each layer's brace group holds its parameters and buffers in the order of
// its visit (layer.hpp), which is the order of its members; a layer without
// any is {}. The type is spelled by each layer description's spell().
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
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/tuple.hpp>

#include <ctnn/activations.hpp>
#include <ctnn/config.hpp>
#include <ctnn/fold.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/io/csv.hpp>
#include <ctnn/io/spell.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/network.hpp>

/// the message of write_header's one compile-time rule (diagnostics.hpp has the core's)
#define CTNN_MSG_WRITE_HEADER_SPELLING                                                                             \
    "ctnn: write_header can spell only the activations of ctnn::act and the layers of ctnn; a type of your "    \
    "own needs a static constexpr spell(sink) of its own (layer.hpp)"

namespace ctnn::io {

/// write_header's last argument: fold every batch_norm it can into the dense
/// layer before it (the default; fold.hpp), or keep them as they are
struct fold_batch_norm_t {};
struct keep_batch_norm_t {};
inline constexpr keep_batch_norm_t keep_batch_norm{};

namespace detail {

/// f(info, matrix) for every parameter and buffer of layer `index`, in visit order
template <class Net, class F>
void visit_layer(const Net& net, std::size_t index, F&& f) {
    net.visit_indexed([&](std::size_t layer, const auto& info, const auto& m, const auto&...) {
        if (layer == index) f(info, m);
    });
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

/// the brace initializer of one bound layer: its parameters and buffers in
/// visit order, each as {{values}} (a weight one row per line, any other on
/// one line); a composite layer (residual) holds its inner layers' initializers
template <class T, class L>
std::string layer_initializer(const L& l) {
    if constexpr (requires { L::sublayers; }) {
        std::string inner;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((inner += cat(std::string_view(I > 0 ? ",\n     " : ""), layer_initializer<T>(l.template sublayer<I>()))), ...);
        }(std::make_index_sequence<L::sublayers>{});
        return cat("{{", inner, "}}");
    } else {
        std::string values;
        L::visit(l, [&](const auto& info, const auto& m, const auto&...) {
            constexpr bool rows_on_lines = std::remove_cvref_t<decltype(info)>::init == init_rule::weight;
            std::string v = "{{";
            for (std::size_t r = 0; r < m.rows; ++r)
                for (std::size_t c = 0; c < m.cols; ++c)
                    v += cat(std::string_view(c > 0 ? ", " : r == 0 ? "" : rows_on_lines ? ",\n       " : ", "),
                             hex_literal<T>(m(r, c)));
            v += "}}";
            values += cat(std::string_view(values.empty() ? "" : ",\n     "), v);
        });
        return cat("{", values, "}");
    }
}

/// the whole header text for net, or the reason it cannot be written
template <class Net>
status header_text(const Net& net, std::string_view name, std::string& text, std::size_t folded = 0) {
    using T = typename Net::value_type;
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn: write_header supports float and double networks");

    if (std::string why = check_cxx_name(name); !why.empty()) return header_fail(why);

    // every parameter must be finite: an inf or NaN literal does not even exist in C++
    status result{};
    for_each_matrix(net, [&](std::string_view kind, std::size_t layer, const auto& m) {
        if (!result) return;
        for (std::size_t i = 0; i < m.size; ++i)
            if (!std::isfinite(m.elems[i])) {
                result = header_fail(cat("layer ", layer, ", ", kind, "(", i / m.cols, ", ", i % m.cols, ") is ",
                                         std::string_view(std::isnan(m.elems[i]) ? "NaN" : "infinite"),
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
        ((arch += cat("-", Net::template layer_type<I>::output_shape::size)), ...);
    }(std::make_index_sequence<Net::depth>{});

    const spelling type = network_spelling<Net>();
    text = cat("// ", name, ": a ", arch, " ctnn network (", element_type_spelling<T>(), ", ", Net::parameter_count,
               " parameters, ", Net::parameter_bytes, " bytes)\n",
               "// Generated by ctnn::io::write_header (ctnn ", std::size_t(CTNN_VERSION_MAJOR), ".",
               std::size_t(CTNN_VERSION_MINOR), ".", std::size_t(CTNN_VERSION_PATCH),
               "); do not edit, regenerate it from the trained network.\n"
               "// Values are exact hex floats; W is row-major (outputs x inputs), b has one value per output.\n");
    if (folded > 0)
        text += cat("// ", folded, " batch_norm layer", std::string_view(folded > 1 ? "s" : ""),
                    " folded into the dense layer before (ctnn::fold_batch_norm).\n");
    text += "#pragma once\n\n";
    for (const auto& h : type.headers) text += cat("#include <", h, ">\n");
    text += "#include <ctnn/network.hpp>\n\n";
    if (!ns.empty()) text += cat("namespace ", ns, " {\n\n");
    text += cat("inline constexpr ", type.text_, " ", id, "{{\n");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        const auto one = [&](auto i) {
            std::string spelled = spelling_of<typename network_parts<Net>::template description<i>>();
            if (spelled.rfind("ctnn::", 0) == 0) spelled.erase(0, 6);
            std::string shapes;
            visit_layer(net, i, [&](const auto& info, const auto& m) {
                shapes += cat(", ", qualified_name(info), " ", m.rows, "x", m.cols);
            });
            text += cat("    // layer ", std::size_t{i}, ": ", spelled, shapes, "\n    ",
                        layer_initializer<T>(net.template layer<i>()),
                        std::string_view(i + 1 < Net::depth ? "," : ""), "\n");
        };
        (one(std::integral_constant<std::size_t, I>{}), ...);
    }(std::make_index_sequence<Net::depth>{});
    text += "}};\n";
    if (!ns.empty()) text += cat("\n} // namespace ", ns, "\n");
    return {};
}

/// the header text of fold_batch_norm(net) (the default), or of net itself
/// (keep_batch_norm_t); a net that cannot be spelled is a compile error here
template <class Folding, class Net>
status header_text_for(const Net& net, std::string_view name, std::string& text) {
    static_assert(spellable<Net>, CTNN_MSG_WRITE_HEADER_SPELLING);
    if constexpr (!spellable<Net>) {
        return {};
    } else if constexpr (std::is_same_v<Folding, fold_batch_norm_t> && !std::is_same_v<folded_network<Net>, Net>) {
        return header_text(fold_batch_norm(net), name, text, Net::depth - folded_network<Net>::depth);
    } else {
        return header_text(net, name, text);
    }
}

} // namespace detail

/// Writes a self-contained C++ header defining net as
/// `inline constexpr <its exact ctnn::network<...> type> name{...};` (name may
/// be qualified, `models::seed`, and then the namespace is emitted). Writes
/// nothing and returns the error when name is not a valid C++ name or a
/// parameter is not finite, and returns an error when the stream fails.
template <class Net, class Folding = fold_batch_norm_t>
status write_header(const Net& net, std::string_view name, std::ostream& out, Folding = {}) {
    std::string text;
    if (status s = detail::header_text_for<Folding>(net, name, text); !s) return s;
    out << text;
    out.flush();
    if (!out) return detail::header_fail("writing to the stream failed");
    return {};
}

/// The same into the file at path. On any error the file is left as it was:
/// the header goes to path + ".tmp" first and replaces path only when complete.
template <class Net, class Folding = fold_batch_norm_t>
status write_header(const Net& net, std::string_view name, const std::string& path, Folding = {}) {
    std::string text;
    if (status s = detail::header_text_for<Folding>(net, name, text); !s) return s;
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

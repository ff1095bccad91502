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
// Nothing is written when a parameter is infinite or NaN, or the name is not
// one the header can use: not an identifier, a keyword, reserved, a macro's
// name (linux, errno, NULL), std or ctnn, or at global scope main or a name
// the C library declares there (gamma, index); io/cxx_names.hpp has the rules,
// which tools/export_pytorch.py shares. The status names the problem.
//
// The text does not depend on the locale: numbers go through std::to_chars.
#pragma once

#include <charconv>
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
#include <ctnn/io/cxx_names.hpp>
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

/// an exact C++ literal of v: a hex float, with the suffix f for float. std::to_chars
/// because snprintf's %a follows the C locale (0x1,8p+1 under de_DE, which no
/// compiler reads); its shortest hex form is %a's text without the "0x".
template <class T>
std::string hex_literal(T v) {
    std::string s;
    append_hex(s, static_cast<double>(v));  // the weight files' form (weights.hpp)
    if constexpr (std::is_same_v<T, float>) s += 'f';
    return s;
}

/// empty if name is a usable, optionally qualified C++ name (a::b::c) for the
/// exported network, else why not: the rules and lists are in io/cxx_names.hpp,
/// which tools/export_pytorch.py reads too
inline std::string check_cxx_name(std::string_view name) {
    namespace names = cxx_names;
    if (name.empty()) return "the name is empty";
    const std::string whole = quoted(name);
    const auto bad = [&](std::string_view id, std::string_view why) {
        return cat(whole, " is not a usable C++ name: ", quoted(id), " ", why);
    };
    const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
    const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t start = 0;
    for (std::size_t part = 0;; ++part) {
        const std::size_t end = name.find("::", start);
        const std::string_view id = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        const bool global = part == 0;  // declared at global scope: a namespace, or the object itself
        if (id.empty())
            return cat(whole, " is not a usable C++ name: an empty component",
                       std::string_view(global ? " (a leading '::' is not accepted)" : ""));
        if (!lower(id[0]) && !upper(id[0]) && id[0] != '_') return bad(id, "does not start with a letter or '_'");
        for (char c : id)
            if (!lower(c) && !upper(c) && !digit(c) && c != '_')
                return bad(id, cat("contains ", quoted(std::string_view(&c, 1))));
        if (names::listed(names::keywords, id)) return bad(id, "is a C++ keyword");
        if (id.find("__") != std::string_view::npos || (id[0] == '_' && id.size() > 1 && upper(id[1])))
            return bad(id, "is reserved to the implementation (it contains '__' or starts with '_' and a capital)");
        if (global && id[0] == '_')
            return bad(id, "is reserved to the implementation at global scope (it starts with '_')");
        if (names::listed(names::lowercase_macros, id))
            return bad(id, "is a macro of the compiler or the C library (io/cxx_names.hpp)");
        bool has_lower = false;
        for (char c : id) has_lower = has_lower || lower(c);
        if (!has_lower)
            return bad(id, "has no lowercase letter: such names are the macros' (NULL, EOF, EDOM, PATH_MAX, NDEBUG), "
                           "and a macro of that name would replace it");
        std::size_t caps = 0;
        while (caps < id.size() && (upper(id[caps]) || digit(id[caps]))) ++caps;
        if (caps > 0 && caps < id.size() && id[caps] == '_')
            return bad(id, "starts with capitals and '_', as macros do (M_PI, SIG_DFL, L_tmpnam)");
        if (id.size() > 3 && (id.substr(0, 3) == "PRI" || id.substr(0, 3) == "SCN") && (lower(id[3]) || id[3] == 'X'))
            return bad(id, "is reserved for the format macros of <cinttypes> (PRId64, SCNu8)");
        if (id == "std") return bad(id, "is the standard library's namespace");
        if (id == "ctnn")
            return bad(id, global ? "is ctnn's namespace"
                                  : "would hide namespace ctnn from the ctnn::network<...> the header spells");
        if (global) {
            bool std_digits = id.size() > 3 && id.substr(0, 3) == "std";
            for (std::size_t i = 3; std_digits && i < id.size(); ++i) std_digits = digit(id[i]);
            if (id == "posix" || std_digits)
                return bad(id, "is a namespace reserved by the C++ standard (posix, std followed by digits)");
            if (id == "boost") return bad(id, "is the namespace of Boost, which ctnn includes");
            if (id == "main") return bad(id, "at global scope is the program's main function");
            if (names::listed(names::global_names, id))
                return bad(id, "is declared at global scope by the C library (a function, type or object); "
                               "put the network in a namespace (models::name) or rename it");
        }
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
    return detail::replace_file(path, text);
}

} // namespace ctnn::io

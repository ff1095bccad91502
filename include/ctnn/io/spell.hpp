// io/spell.hpp — host-only: the C++ spelling of a network's exact type, from
// each layer description's and activation's spell() (layer.hpp). write_header
// writes it as the type of the exported object; weight files record it so that
// a file cannot load into a network of the same widths but other layers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ctnn/io/csv.hpp>
#include <ctnn/network.hpp>

namespace ctnn::io::detail {

/// Collects the C++ spelling of types (the sink of the layer descriptions' and
/// activations' spell()) and the headers they need.
struct spelling {
    std::string text_;
    std::vector<std::string> headers;
    void text(std::string_view t) { text_ += t; }
    void number(std::size_t n) { text_ += cat(n); }
    void integer(long long n) {
        if (n < 0) text_ += "-";
        const unsigned long long magnitude =
            n < 0 ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
        text_ += cat(static_cast<std::size_t>(magnitude));
    }
    template <class X>
    void type() {
        X::spell(*this);
    }
    /// a header the spelled type needs (<ctnn/...>), once
    void header(std::string_view h) {
        for (const auto& have : headers)
            if (have == h) return;
        headers.emplace_back(h);
    }
};

/// X has a spell() that spells X, not a base class it derives from (an
/// activation's spelled_as names the type its spell() is for)
template <class X>
inline constexpr bool spelled_as_itself = true;
template <class X>
    requires requires { typename X::spelled_as; }
inline constexpr bool spelled_as_itself<X> = std::is_same_v<typename X::spelled_as, X>;
template <class X, class Sink>
inline constexpr bool spells_itself = requires(Sink& s) { X::spell(s); } && spelled_as_itself<X>;

/// A sink that only checks, in constant evaluation, that every type spelled
/// on the way spells itself.
struct spelling_check {
    bool ok = true;
    constexpr void text(std::string_view) noexcept {}
    constexpr void number(std::size_t) noexcept {}
    constexpr void integer(long long) noexcept {}
    constexpr void header(std::string_view) noexcept {}
    template <class X>
    constexpr void type() noexcept {
        if constexpr (spells_itself<X, spelling_check>) {
            X::spell(*this);
        } else {
            ok = false;
        }
    }
};

/// whether write_header can spell every type in Net: each layer description
/// and every type each one names (its activation, a block's layers)
template <class Net> inline constexpr bool spellable = false;
template <class T, class Input, class... Layers>
inline constexpr bool spellable<network<T, Input, Layers...>> = [] {
    spelling_check s;
    (s.type<Layers>(), ...);
    return s.ok;
}();

template <class X>
std::string spelling_of() {
    spelling s;
    s.type<X>();
    return s.text_;
}

template <class T>
constexpr std::string_view element_type_spelling() noexcept {
    return std::is_same_v<T, float> ? "float" : "double";
}

template <class Net> struct network_parts;
template <class T, class Input, class... Layers>
struct network_parts<network<T, Input, Layers...>> {
    using input = Input;
    /// layer description I
    template <std::size_t I>
    using description = typename std::tuple_element_t<I, std::tuple<std::type_identity<Layers>...>>::type;
    /// f(std::type_identity<D>{}) for every layer description, in order
    template <class F>
    static void each(F&& f) {
        (f(std::type_identity<Layers>{}), ...);
    }
};

/// "ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ...>", and the headers it needs
template <class Net>
spelling network_spelling() {
    using parts = network_parts<Net>;
    spelling s;
    s.text(cat("ctnn::network<", element_type_spelling<typename Net::value_type>(), ", "));
    s.type<typename parts::input>();
    parts::each([&](auto d) {
        s.text(", ");
        s.type<typename decltype(d)::type>();
    });
    s.text(">");
    return s;
}


} // namespace ctnn::io::detail

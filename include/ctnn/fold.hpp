// fold.hpp — fold_batch_norm(net): the same function for inference with every
// batch_norm folded into the layer before it, for deployment (io::write_header
// exports that network). A layer whose predict is a per-feature affine map,
// y = s ⊙ x + t (the hook inference_affine(s, t): batch_norm with its running
// statistics), is folded into a layer before it that can absorb one (the hook
// absorb_affine(s, t): a dense layer with the identity activation, W ← diag(s)·W,
// b ← s ⊙ b + t). A batch_norm after a nonlinearity stays. The folded network
// computes the same values up to rounding (about one ulp per folded layer).
#pragma once

#include <type_traits>
#include <utility>

#include <ctnn/network.hpp>

namespace ctnn {

namespace detail {

template <class L>
concept has_inference_affine = requires(const L& l, batch_t<typename L::value_type, typename L::output_shape, 1>& s) {
    l.inference_affine(s, s);
};
template <class L>
concept absorbs_affine = requires(L& l, const batch_t<typename L::value_type, typename L::output_shape, 1>& s) {
    l.absorb_affine(s, s);
};

/// whether layer I of Net is folded into layer I-1
template <class Net, size_t I>
constexpr bool folds() noexcept {
    if constexpr (I == 0 || I >= Net::depth) {
        return false;
    } else {
        using L = typename Net::template layer_type<I>;
        using P = typename Net::template layer_type<I - 1>;
        return has_inference_affine<L> && absorbs_affine<P> &&
               std::is_same_v<typename L::input_shape, typename P::output_shape>;
    }
}

/// the number of layers before layer n that are folded away
template <class Net>
constexpr size_t folded_before(size_t n) noexcept {
    return [n]<size_t... K>(std::index_sequence<K...>) {
        return ((K < n && folds<Net, K>() ? size_t{1} : size_t{0}) + ... + size_t{0});
    }(std::make_index_sequence<Net::depth>{});
}

template <class Net, class Idx>
struct folded_type;
template <class T, class Input, class... D, size_t... I>
struct folded_type<network<T, Input, D...>, std::index_sequence<I...>> {
    // the descriptions whose layer is not folded away, as a network
    template <class... Keep>
    struct list {};
    template <class Acc, class... Rest>
    struct filter;
    template <class... Keep>
    struct filter<list<Keep...>> {
        using type = network<T, Input, Keep...>;
    };
    template <class... Keep, class Di, size_t Ii, class... Rest>
    struct filter<list<Keep...>, std::pair<Di, std::integral_constant<size_t, Ii>>, Rest...> {
        using type = typename std::conditional_t<folds<network<T, Input, D...>, Ii>(), filter<list<Keep...>, Rest...>,
                                                 filter<list<Keep..., Di>, Rest...>>::type;
    };
    using type = typename filter<list<>, std::pair<D, std::integral_constant<size_t, I>>...>::type;
};

} // namespace detail

/// the network type fold_batch_norm(Net) returns
template <class Net>
using folded_network = typename detail::folded_type<Net, std::make_index_sequence<Net::depth>>::type;

/// net for inference with every foldable batch_norm folded into the dense
/// layer before it (see the top of this file); constexpr, no heap
template <class Net>
constexpr folded_network<Net> fold_batch_norm(const Net& net) noexcept {
    folded_network<Net> out{};
    [&]<size_t... I>(std::index_sequence<I...>) {
        const auto one = [&](auto i) {
            constexpr size_t Ii = decltype(i)::value;
            if constexpr (!detail::folds<Net, Ii>()) {
                // kept: its index in out is Ii less the layers folded before it
                constexpr size_t J = Ii - detail::folded_before<Net>(Ii);
                auto layer = net.template layer<Ii>();
                if constexpr (detail::folds<Net, Ii + 1>()) {
                    using L = typename Net::template layer_type<Ii + 1>;
                    batch_t<typename L::value_type, typename L::output_shape, 1> s{}, t{};
                    net.template layer<Ii + 1>().inference_affine(s, t);
                    layer.absorb_affine(s, t);
                }
                out.template layer<J>() = layer;
            }
        };
        (one(std::integral_constant<size_t, I>{}), ...);
    }(std::make_index_sequence<Net::depth>{});
    return out;
}

} // namespace ctnn

// activation_layer.hpp — an activation as a layer of its own,
// activation<Act>: y = Act(x), no parameters (PyTorch's nn.ReLU(), nn.GELU(),
// ... between other layers). dense<Units, Act> already ends in its
// activation; this one goes where no dense layer is, as after batch_norm.
#pragma once

#include <ctnn/activations.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// What the forward pass keeps of an activation layer: its output A (its input is Z).
template <class T, size_t F, size_t M>
struct activation_cache {
    matrix<T, F, M> A{};
    CTNN_INLINE constexpr const matrix<T, F, M>& output() const noexcept { return A; }
};

/// y = Act(x) on F features.
template <class T, size_t F, class Act>
struct activation_layer {
    using value_type = T;
    using activation = Act;
    using input_shape = vector_shape<F>;
    using output_shape = vector_shape<F>;
    using gradients_type = no_gradients;
    template <size_t M>
    using cache_type = activation_cache<T, F, M>;
    static constexpr size_t parameter_count = 0;

    friend constexpr bool operator==(const activation_layer&, const activation_layer&) noexcept = default;

    template <class Self, class F2, class... G>
    CTNN_INLINE static constexpr void visit(Self&, F2&&, G&...) noexcept {}

    template <size_t M>
    CTNN_INLINE constexpr matrix<T, F, M> predict(const matrix<T, F, M>& x) const noexcept {
        return Act::apply(x);
    }
    template <size_t M>
    CTNN_INLINE constexpr void forward(const matrix<T, F, M>& x, cache_type<M>& c) const noexcept {
        Act::apply_into(x, c.A);
    }
    /// dx = dy ⊙ g'(x)
    template <size_t M, class Scale>
    CTNN_INLINE constexpr matrix<T, F, M> backward(const cache_type<M>& c, const matrix<T, F, M>& x,
                                                   const matrix<T, F, M>& dy, no_gradients&, Scale) const noexcept {
        return Act::backward(x, c.A, dy);
    }
    template <size_t M, class Scale>
    CTNN_INLINE constexpr void backward(const cache_type<M>&, const matrix<T, F, M>&, const matrix<T, F, M>&,
                                        no_gradients&, Scale, no_input_gradient) const noexcept {}

    /// the fused output delta (sigmoid + binary cross-entropy: dZ = A − Y), whose dx is dz itself
    template <class Loss, size_t M>
    CTNN_INLINE constexpr matrix<T, F, M> output_delta(const cache_type<M>& c, const matrix<T, F, M>& x,
                                                       const matrix<T, F, M>& y) const noexcept {
        return Loss::template output_delta<Act>(x, c.A, y);
    }
    template <size_t M, class Scale>
    CTNN_INLINE constexpr matrix<T, F, M> backward_from_delta(const cache_type<M>&, const matrix<T, F, M>&,
                                                              const matrix<T, F, M>& dz, no_gradients&,
                                                              Scale) const noexcept {
        return dz;
    }
};

/// An activation as a layer: y = Act(x), the same shape (Act: a type from ctnn::act).
template <class Act>
struct activation {
    template <class In>
    static constexpr bool accepts() noexcept {
        static_assert(is_vector_shape<In>, "ctnn: activation<Act> takes a vector");
        if constexpr (is_vector_shape<In>) {
            static_assert(In::features >= act::min_units<Act>, CTNN_MSG_SOFTMAX_ONE_UNIT);
            return In::features >= act::min_units<Act>;
        } else {
            return false;
        }
    }
    template <class T, class In>
    using bind = activation_layer<T, In::features, Act>;

    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/activation_layer.hpp");
        s.text("ctnn::activation<");
        s.template type<Act>();
        s.text(">");
    }
};

} // namespace ctnn

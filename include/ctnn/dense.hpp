// dense.hpp — the fully connected layer kind: its description
// (dense<Units, Act>), its parameters W and b, and its share of the forward and
// backward passes, through the layer concept (layer.hpp).
#pragma once

#include <type_traits>

#include <ctnn/activations.hpp>
#include <ctnn/detail/arch.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// Gradients of one dense layer's parameters; the same shapes as W and b.
template <class T, size_t In, size_t Out>
struct dense_gradients {
    matrix<T, Out, In> dW{};
    matrix<T, Out, 1> db{};
    friend constexpr bool operator==(const dense_gradients&, const dense_gradients&) = default;
};

/// What the forward pass keeps of one layer for a batch of M: Z = W·A_prev + b and A = g(Z).
template <class T, size_t Out, size_t M>
struct dense_cache {
    matrix<T, Out, M> Z{};
    matrix<T, Out, M> A{};
    /// the layer's output A
    CTNN_INLINE constexpr const matrix<T, Out, M>& output() const noexcept { return A; }
};

template <size_t Units, class Act>
struct dense;

/// The parameters of a dense layer with In inputs and Out outputs, and its kernels.
template <class T, size_t In, size_t Out, class Act>
struct dense_layer {
    using value_type = T;
    using activation = Act;
    using input_shape = vector_shape<In>;
    using output_shape = vector_shape<Out>;
    using gradients_type = dense_gradients<T, In, Out>;
    template <size_t M>
    using cache_type = dense_cache<T, Out, M>;
    static constexpr size_t inputs = In;
    static constexpr size_t outputs = Out;
    static constexpr size_t parameter_count = Out * In + Out;

    matrix<T, Out, In> W{};  ///< weights, Out x In
    matrix<T, Out, 1> b{};   ///< biases, Out x 1

    friend constexpr bool operator==(const dense_layer&, const dense_layer&) = default;

    /// Parameters only move between layers of one shape and type.
    template <class U, size_t In2, size_t Out2, class Act2>
    constexpr dense_layer& operator=(const dense_layer<U, In2, Out2, Act2>&) noexcept {
        static_assert(std::is_same_v<dense_layer, dense_layer<U, In2, Out2, Act2>>,
                      "ctnn: cannot assign the parameters of a layer of another shape, type or activation; "
                      "copy between layers of the same network type");
        return *this;
    }

    /// f(info, parameter, matching gradient of each gs...): W, then b
    template <class Self, class F, class... G>
    CTNN_INLINE static constexpr void visit(Self& l, F&& f, G&... gs) noexcept {
        f(parameter_info<init_rule::weight, In, Out, Act::relu_like>{"W"}, l.W, gs.dW...);
        f(parameter_info<>{"b"}, l.b, gs.db...);
    }

    /// a per-feature affine map after this layer, y ↦ s ⊙ y + t, taken into W
    /// and b (the fold hook, fold.hpp): only without an activation, where it is
    /// W ← diag(s)·W, b ← s ⊙ b + t
    constexpr void absorb_affine(const matrix<T, Out, 1>& s, const matrix<T, Out, 1>& t) noexcept
        requires std::is_same_v<Act, act::identity>
    {
        for (size_t i = 0; i < Out; ++i) {
            for (size_t j = 0; j < In; ++j) W(i, j) *= s(i, 0);
            T bs = b(i, 0) * s(i, 0);
            detail::arch::keep_rounded(bs);  // two roundings whatever the build's contraction
            b(i, 0) = bs + t(i, 0);
        }
    }

    /// z = W·A_prev + b (bias broadcast over the M columns), written in place
    template <size_t M>
    CTNN_INLINE constexpr void linear_into(const matrix<T, In, M>& a_prev, matrix<T, Out, M>& z) const noexcept {
        detail::gemm_nn<Out, In, M>(z.elems, detail::from_rows<T>{b.elems}, W.elems, a_prev.elems);
    }

    /// Z = W·A_prev + b (bias broadcast over the M columns)
    template <size_t M>
    CTNN_INLINE constexpr matrix<T, Out, M> linear(const matrix<T, In, M>& a_prev) const noexcept {
        matrix<T, Out, M> z{};
        linear_into(a_prev, z);
        return z;
    }

    /// A = g(W·A_prev + b)
    template <size_t M>
    CTNN_INLINE constexpr matrix<T, Out, M> predict(const matrix<T, In, M>& a_prev) const noexcept {
        return Act::apply(linear(a_prev));
    }

    /// forward step that keeps Z and A
    template <size_t M>
    CTNN_INLINE constexpr void forward(const matrix<T, In, M>& a_prev, dense_cache<T, Out, M>& c) const noexcept {
        // in place: the cache is big for big batches, and no temporary is copied
        linear_into(a_prev, c.Z);
        if constexpr (requires { Act::apply_into(c.Z, c.A); }) {
            Act::apply_into(c.Z, c.A);
        } else {
            c.A = Act::apply(c.Z);  // a user's activation with apply() only
        }
    }

    /// dW = (1/m)·dZ·A_prevᵀ and db = (1/m)·Σ_columns dZ, with inv_m = 1/m
    /// (m is the number of real samples; padding columns of dZ are zero)
    template <size_t M>
    CTNN_INLINE static constexpr void parameter_gradients(const matrix<T, Out, M>& dz, const matrix<T, In, M>& a_prev,
                                                          gradients_type& g, T inv_m) noexcept {
        detail::gemm_nt_scaled_row_sums<Out, M, In>(g.dW.elems, g.db.elems, dz.elems, a_prev.elems, inv_m);
    }

    /// one sample whose dZ is δ·s (the one-output pass, network.hpp,
    /// backprop): dW = δ·(s·a_prevᵀ) and db = δ·s. δ comes last in the step,
    /// so each gradient is one product after it, not two ((δ·s)·a_prevᵀ)
    /// (docs/performance-notes.md)
    CTNN_INLINE static constexpr void scaled_parameter_gradients(const matrix<T, Out, 1>& s,
                                                                 const matrix<T, In, 1>& a_prev, gradients_type& g,
                                                                 T delta) noexcept {
        constexpr bool u = detail::unroll<Out * In>;
        detail::loop<u, Out>([&](size_t i) CTNN_INLINE {
            detail::loop<u, In>([&](size_t j) CTNN_INLINE { g.dW(i, j) = delta * (s(i, 0) * a_prev(j, 0)); });
            g.db(i, 0) = delta * s(i, 0);
        });
    }

    /// dA_prev = Wᵀ·dZ
    template <size_t M>
    CTNN_INLINE constexpr matrix<T, In, M> input_gradient(const matrix<T, Out, M>& dz) const noexcept {
        matrix<T, In, M> da{};
        detail::gemm_tn(da, W, dz);
        return da;
    }

    /// the parameter gradients from dZ: means over the batch, or δ·(s·a_prevᵀ) in the one-sample pass
    template <size_t M>
    CTNN_INLINE static constexpr void gradients_from_delta(const matrix<T, Out, M>& dz, const matrix<T, In, M>& a_prev,
                                                           gradients_type& g, batch_scale<T> s) noexcept {
        parameter_gradients(dz, a_prev, g, s.inv_m);
    }
    CTNN_INLINE static constexpr void gradients_from_delta(const matrix<T, Out, 1>& s, const matrix<T, In, 1>& a_prev,
                                                           gradients_type& g, one_sample_scale<T> scale) noexcept {
        scaled_parameter_gradients(s, a_prev, g, scale.delta);
    }

    /// The pass from dZ (the fused output delta, or dZ = dA ⊙ g'(Z)): dA_prev
    /// first, since it starts the chain the rest of the step waits on (down
    /// to dW of the first layer, which the next step's forward pass needs
    /// first), then this layer's dW and db, which nothing below needs.
    template <size_t M, class Scale>
    CTNN_INLINE constexpr matrix<T, In, M> backward_from_delta(const dense_cache<T, Out, M>&, const matrix<T, In, M>& a_prev,
                                                               const matrix<T, Out, M>& dz, gradients_type& g,
                                                               Scale s) const noexcept {
        auto da = input_gradient(dz);
        gradients_from_delta(dz, a_prev, g, s);
        return da;
    }
    template <size_t M, class Scale>
    CTNN_INLINE constexpr void backward_from_delta(const dense_cache<T, Out, M>&, const matrix<T, In, M>& a_prev,
                                                   const matrix<T, Out, M>& dz, gradients_type& g, Scale s,
                                                   no_input_gradient) const noexcept {
        gradients_from_delta(dz, a_prev, g, s);
    }

    /// dZ = dA ⊙ g'(Z), then as backward_from_delta
    template <size_t M, class Scale, class... NoDx>
    CTNN_INLINE constexpr auto backward(const dense_cache<T, Out, M>& c, const matrix<T, In, M>& a_prev,
                                        const matrix<T, Out, M>& da, gradients_type& g, Scale s,
                                        NoDx... no_dx) const noexcept {
        return backward_from_delta(c, a_prev, Act::backward(c.Z, c.A, da), g, s, no_dx...);
    }

    /// the fused output delta of Loss through this layer's activation (loss::output_delta)
    template <class Loss, size_t M>
    CTNN_INLINE constexpr matrix<T, Out, M> output_delta(const dense_cache<T, Out, M>& c, const matrix<T, In, M>&,
                                                         const matrix<T, Out, M>& y) const noexcept {
        return Loss::template output_delta<Act>(c.Z, c.A, y);
    }
};

/// A dense layer of Units outputs with activation Act (a type from ctnn::act):
/// A = Act(W·A_prev + b), W Units x inputs, b Units x 1 (PyTorch's nn.Linear layout).
template <size_t Units, class Act = act::identity>
struct dense {
    static constexpr size_t units = Units;
    using activation = Act;

    template <class In>
    static constexpr bool accepts() noexcept {
        static_assert(Units > 0, "ctnn: dense<0, ...> has no units; every layer needs a width of at least 1");
        static_assert(!(Units > 0) || is_vector_shape<In>,
                      "ctnn: dense<Units, Act> takes a vector; put last_step, flatten or global_avg_pool before it");
        static_assert(!(Units > 0 && is_vector_shape<In>) || Units >= act::min_units<Act>, CTNN_MSG_SOFTMAX_ONE_UNIT);
        return Units > 0 && is_vector_shape<In> && Units >= act::min_units<Act>;
    }
    template <class T, class In>
    using bind = dense_layer<T, In::features, Units, Act>;

    /// the description's C++ spelling (io/header.hpp)
    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/dense.hpp");
        s.text("ctnn::dense<");
        s.number(Units);
        s.text(", ");
        s.template type<Act>();
        s.text(">");
    }
};

} // namespace ctnn

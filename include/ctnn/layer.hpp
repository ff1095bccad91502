// layer.hpp — the layer concept: what a layer kind provides so that the
// network, the optimisers, the initialisers, weight files and header export
// work with it without naming its members.
//
// Two levels, as in the user's code:
//
// A layer DESCRIPTION is the type a user writes in network<T, input<N>, ...>
// (dense<16, act::relu>, dropout<1, 5>, batch_norm). Minimal complete definition:
//
//   template <class In> static constexpr bool accepts() noexcept
//       whether the layer takes samples of shape In (a ctnn shape type); when
//       it does not, a static_assert in it says why, with a `ctnn: ` message
//   template <class T, class In> using bind = L
//       the BOUND layer for element type T and input shape In (only asked for
//       when accepts<In>() is true)
//   template <class Sink> static constexpr void spell(Sink& s)
//       its C++ spelling, for header export: s.text("ctnn::dense<"),
//       s.number(Units), s.integer(n) (signed), s.type<Act>() (a type that
//       spells itself), and s.header("ctnn/dense.hpp") for the header that
//       defines it
//
// A BOUND layer L holds the parameters and does the arithmetic. Minimal
// complete definition (x: batch_t<T, input_shape, M>, y: batch_t<T, output_shape, M>):
//
//   using value_type = T; using input_shape; using output_shape;
//   template <size_t M> using cache_type       what forward() keeps for backward();
//                                              c.output() is the layer's output y
//   using gradients_type                       one gradient per parameter (no_gradients if none)
//   static constexpr size_t parameter_count    trainable numbers
//   l.predict(x) -> y                          inference
//   l.forward(x, c)                            training pass: fills the cache (may be a
//                                              non-const member if it updates state)
//   l.backward(c, x, dy, g, scale) -> dx       dx = ∂loss/∂x from dy = ∂loss/∂y; writes
//                                              (overwrites) g's parameter gradients,
//                                              scaled as `scale` says (batch_scale)
//   L::visit(l, f, gs...)                      f(info, parameter, gs' matching gradient...)
//                                              for every parameter, and f(info, buffer) for
//                                              every persistent buffer (running statistics);
//                                              the one walk optimisers, initialisers, weight
//                                              files, header export and tests use
//
// Optional hooks, detected with requires, for speed or for what only some
// layers have:
//
//   l.forward(x, c, count)                     count < M: the columns from count on are
//                                              padding (batch statistics skip them)
//   l.backward(c, x, dy, g, scale, no_input_gradient{})
//                                              the first layer: no dx is needed
//   using activation; l.template output_delta<Loss>(c, x, labels) -> dz and
//   l.backward_from_delta(c, x, dz, g, scale [, no_input_gradient{}]) -> dx
//                                              the fused output delta (sigmoid + binary
//                                              cross-entropy: dz = A − Y) and the pass from it
//   backward(..., one_sample_scale<T>)         the one-output, one-sample pass (network.hpp)
//   l.reseed(rng)                              a layer with its own random stream (dropout),
//                                              seeded by network::initialize
//   template <size_t M> static constexpr size_t backward_temporary_bytes
//   static constexpr size_t min_training_batch  the smallest batch its training pass takes
//                                              (batch_norm: 2); forward() rejects a smaller one
//
// A new layer kind is one header that defines its description and bound
// layer; nothing else in the library changes.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>

#include <ctnn/activations.hpp>
#include <ctnn/config.hpp>
#include <ctnn/diagnostics.hpp>
#include <ctnn/init.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

// ---------------------------------------------------------------------------
// Shapes: what one sample of a layer's input or output is.

/// one sample is a vector of Features numbers
template <size_t Features>
struct vector_shape {
    static constexpr size_t features = Features;
    static constexpr size_t size = Features;
};

template <class S> inline constexpr bool is_vector_shape = false;
template <size_t F> inline constexpr bool is_vector_shape<vector_shape<F>> = true;

/// The network's input: N features per sample (a vector). Holds no parameters.
template <size_t N>
struct input {
    static_assert(N > 0, CTNN_MSG_INPUT_EMPTY);
    static constexpr size_t units = N;
    using shape = vector_shape<N>;
    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.text("ctnn::input<");
        s.number(N);
        s.text(">");
    }
};

namespace detail {
/// whether I is an input description, and its sample shape, read from its
/// template arguments so that input<0> is never instantiated (the network
/// reports it in one message)
template <class I> inline constexpr bool is_input = false;
template <size_t N> inline constexpr bool is_input<input<N>> = true;
template <class I> struct input_shape_of { using type = vector_shape<1>; };
template <size_t N> struct input_shape_of<input<N>> { using type = vector_shape<(N > 0 ? N : 1)>; };
template <class I> inline constexpr bool input_is_empty = false;
template <size_t N> inline constexpr bool input_is_empty<input<N>> = N == 0;
} // namespace detail

namespace detail {
template <class T, class Shape, size_t M>
struct batch_of;
template <class T, size_t F, size_t M>
struct batch_of<T, vector_shape<F>, M> {
    using type = matrix<T, F, M>;
};
} // namespace detail

/// the data of M samples of shape Shape: a features x M matrix for vectors
template <class T, class Shape, size_t M>
using batch_t = typename detail::batch_of<T, Shape, M>::type;

// ---------------------------------------------------------------------------
// What flows through the backward pass besides the gradients.

/// dW, db, ... are means over a batch: scaled by inv_m = 1/count, where the
/// columns from count on are padding (a partial last batch), which the layer
/// must leave out of every sum over the batch
template <class T>
struct batch_scale {
    T inv_m = T(1);
    size_t count = 0;
};

/// The one-output, one-sample pass (network.hpp): what flows down is
/// s = ∂z_L/∂(layer output), which does not depend on the loss, and every
/// parameter gradient is delta · (its gradient for s)
template <class T>
struct one_sample_scale {
    T delta = T(1);
};

/// tag: the caller needs no dx (the first layer)
struct no_input_gradient {};

/// the gradients of a layer without parameters
struct no_gradients {
    friend constexpr bool operator==(const no_gradients&, const no_gradients&) noexcept = default;
};

// ---------------------------------------------------------------------------
// What a visit tells about each parameter.

/// Where a parameter sits inside composite layers (residual blocks): the
/// index of each inner layer, outermost first; empty for a layer's own.
struct parameter_path {
    static constexpr size_t max_levels = 4;
    unsigned short index[max_levels]{};
    unsigned char levels = 0;
    /// this path inside inner layer i of a composite (i first)
    constexpr parameter_path within(size_t i) const noexcept {
        parameter_path p{};
        p.index[0] = static_cast<unsigned short>(i);
        for (size_t l = 0; l < levels && l + 1 < max_levels; ++l) p.index[l + 1] = index[l];
        p.levels = static_cast<unsigned char>(size_t{levels} + 1 < max_levels ? size_t{levels} + 1 : max_levels);
        return p;
    }
};

/// how network::initialize fills a parameter
enum class init_rule : unsigned char {
    weight,  ///< the network's weight initialiser (He or Glorot by default), with fan_in and fan_out
    zeros,   ///< 0 (biases, shifts)
    ones,    ///< 1 (scales)
    value,   ///< init_value (PReLU's 0.25)
};

/// A trainable parameter, as a visit reports it. What initialisers need is in
/// the type, so that a weight's limit (√(6/fan_in), ...) is a compile-time
/// constant: the same bits at run time and in constant evaluation, whatever
/// the compiler's floating-point contraction.
template <init_rule Init = init_rule::zeros, size_t FanIn = 1, size_t FanOut = 1, bool ReluLike = false>
struct parameter_info {
    const char* name = "";  ///< as in weight files and PyTorch's state_dict (W, b, gamma, ...)
    double init_value = 0;  ///< for init_rule::value
    parameter_path path{};  ///< inside composite layers
    /// the same parameter seen from a composite layer, as its inner layer i
    constexpr parameter_info within(size_t i) const noexcept {
        parameter_info p = *this;
        p.path = path.within(i);
        return p;
    }
    static constexpr init_rule init = Init;
    static constexpr size_t fan_in = FanIn;      ///< inputs per output (init_rule::weight)
    static constexpr size_t fan_out = FanOut;    ///< outputs per input (init_rule::weight)
    static constexpr bool relu_like = ReluLike;  ///< feeds a relu-like activation: He rather than Glorot by default
    static constexpr bool trainable = true;
};

/// A persistent buffer that is not trained (batch_norm's running statistics):
/// saved, loaded and exported with the parameters, never given to an optimiser.
template <init_rule Init = init_rule::zeros>
struct buffer_info {
    const char* name = "";
    double init_value = 0;
    parameter_path path{};
    constexpr buffer_info within(size_t i) const noexcept {
        buffer_info p = *this;
        p.path = path.within(i);
        return p;
    }
    static constexpr init_rule init = Init;
    static constexpr bool trainable = false;
};

// ---------------------------------------------------------------------------
// The concept, one rule per concept, so that a compiler names the rule.

/// D states which input shapes it takes
template <class D, class In>
concept describes_a_layer = requires {
    { D::template accepts<In>() } -> std::same_as<bool>;
};

/// D::bind<T, In> names a bound layer
template <class D, class T, class In>
concept binds_to_a_layer = requires { typename D::template bind<T, In>; };

/// L states its element type, input and output shapes, gradients and cache
template <class L>
concept has_layer_types = requires {
    typename L::value_type;
    typename L::input_shape;
    typename L::output_shape;
    typename L::gradients_type;
    typename L::template cache_type<1>;
    { L::parameter_count } -> std::convertible_to<size_t>;
};

/// L's cache for a batch of M exposes the layer's output
template <class L, size_t M>
concept cache_exposes_output = requires(const typename L::template cache_type<M>& c) {
    { c.output() } -> std::convertible_to<const batch_t<typename L::value_type, typename L::output_shape, M>&>;
};

/// L runs inference on a batch of M
template <class L, size_t M>
concept runs_predict = requires(const L& l, const batch_t<typename L::value_type, typename L::input_shape, M>& x) {
    { l.predict(x) } -> std::same_as<batch_t<typename L::value_type, typename L::output_shape, M>>;
};

/// L runs the training pass on a batch of M (const, or not if it updates state)
template <class L, size_t M>
concept runs_forward = requires(L& l, const batch_t<typename L::value_type, typename L::input_shape, M>& x,
                                typename L::template cache_type<M>& c) { l.forward(x, c); };

/// L runs the backward pass on a batch of M
template <class L, size_t M>
concept runs_backward =
    requires(const L& l, const typename L::template cache_type<M>& c,
             const batch_t<typename L::value_type, typename L::input_shape, M>& x,
             const batch_t<typename L::value_type, typename L::output_shape, M>& dy, typename L::gradients_type& g,
             batch_scale<typename L::value_type> s) {
        { l.backward(c, x, dy, g, s) } -> std::same_as<batch_t<typename L::value_type, typename L::input_shape, M>>;
    };

/// L visits its parameters (with a gradients_type object)
template <class L>
concept visits_parameters = requires(L& l, typename L::gradients_type& g) {
    L::visit(l, [](const auto&, auto&, auto&...) {}, g);
};

/// the whole concept for a batch of M
template <class L, size_t M = 1>
concept layer = has_layer_types<L> && cache_exposes_output<L, M> && runs_predict<L, M> && runs_forward<L, M> &&
                runs_backward<L, M> && visits_parameters<L>;

namespace detail {
// the rules as bools, for static_assert (a compiler reports a false bool in
// one line, where it explains a concept over several)
template <class L> inline constexpr bool has_layer_types_v = has_layer_types<L>;
template <class L> inline constexpr bool cache_exposes_output_v = cache_exposes_output<L, 1>;
template <class L> inline constexpr bool runs_predict_v = runs_predict<L, 1>;
template <class L> inline constexpr bool runs_forward_v = runs_forward<L, 1>;
template <class L> inline constexpr bool runs_backward_v = runs_backward<L, 1>;
template <class L> inline constexpr bool visits_parameters_v = visits_parameters<L>;

/// whether the bound layer L satisfies the concept; a `ctnn: ` message for
/// the first rule it breaks
template <class L>
consteval bool check_bound_layer() {
    if constexpr (!has_layer_types_v<L>) {
        static_assert(has_layer_types_v<L>, CTNN_MSG_LAYER_TYPES);
        return false;
    } else if constexpr (!cache_exposes_output_v<L>) {
        static_assert(cache_exposes_output_v<L>, CTNN_MSG_LAYER_CACHE_OUTPUT);
        return false;
    } else if constexpr (!runs_predict_v<L>) {
        static_assert(runs_predict_v<L>, CTNN_MSG_LAYER_PREDICT);
        return false;
    } else if constexpr (!runs_forward_v<L>) {
        static_assert(runs_forward_v<L>, CTNN_MSG_LAYER_FORWARD);
        return false;
    } else if constexpr (!runs_backward_v<L>) {
        static_assert(runs_backward_v<L>, CTNN_MSG_LAYER_BACKWARD);
        return false;
    } else if constexpr (!visits_parameters_v<L>) {
        static_assert(visits_parameters_v<L>, CTNN_MSG_LAYER_VISIT);
        return false;
    } else {
        return true;
    }
}
} // namespace detail

// ---------------------------------------------------------------------------
// Optional hooks.

namespace detail {
/// L's forward pass changes L (running statistics, a random stream): the
/// network's forward is then a non-const member
template <class L, size_t M>
inline constexpr bool forward_updates_state =
    !requires(const L& l, const batch_t<typename L::value_type, typename L::input_shape, M>& x,
              typename L::template cache_type<M>& c) { l.forward(x, c); };

/// l.forward(x, c, count) with the padding count
template <class L, size_t M>
inline constexpr bool forward_takes_count =
    requires(L& l, const batch_t<typename L::value_type, typename L::input_shape, M>& x,
             typename L::template cache_type<M>& c, size_t n) { l.forward(x, c, n); };

/// the backward pass without dx
template <class L, size_t M, class Scale>
inline constexpr bool backward_skips_input_gradient =
    requires(const L& l, const typename L::template cache_type<M>& c,
             const batch_t<typename L::value_type, typename L::input_shape, M>& x,
             const batch_t<typename L::value_type, typename L::output_shape, M>& dy, typename L::gradients_type& g,
             Scale s) { l.backward(c, x, dy, g, s, no_input_gradient{}); };

/// the backward pass with a given scale (one_sample_scale: the optional one)
template <class L, size_t M, class Scale>
inline constexpr bool backward_takes =
    requires(const L& l, const typename L::template cache_type<M>& c,
             const batch_t<typename L::value_type, typename L::input_shape, M>& x,
             const batch_t<typename L::value_type, typename L::output_shape, M>& dy, typename L::gradients_type& g,
             Scale s) { l.backward(c, x, dy, g, s); };

/// the fused output delta of Loss through L's own activation
template <class L, size_t M, class Loss>
inline constexpr bool fuses_output_delta =
    requires(const L& l, const typename L::template cache_type<M>& c,
             const batch_t<typename L::value_type, typename L::input_shape, M>& x,
             const batch_t<typename L::value_type, typename L::output_shape, M>& y) {
        typename L::activation;
        { l.template output_delta<Loss>(c, x, y) } -> std::same_as<batch_t<typename L::value_type, typename L::output_shape, M>>;
    };

/// network::initialize without an initialiser: each weight's own default
struct default_initializer {};

/// one parameter or buffer set as its info's init rule says; a weight with
/// init (or He uniform before a relu-like activation, Glorot uniform
/// otherwise, for default_initializer)
template <class Info, class P, class Init>
constexpr void initialize_parameter(const Info& info, P& p, init::xoshiro256ss& rng, const Init& init) noexcept {
    using T = std::remove_cvref_t<decltype(p.elems[0])>;
    if constexpr (Info::init == init_rule::weight) {
        if constexpr (std::is_same_v<Init, default_initializer>) {
            using D = std::conditional_t<Info::relu_like, init::he_uniform, init::glorot_uniform>;
            D{}.template fill_fans<Info::fan_in, Info::fan_out>(p, rng);
        } else if constexpr (requires { init.template fill_fans<Info::fan_in, Info::fan_out>(p, rng); }) {
            init.template fill_fans<Info::fan_in, Info::fan_out>(p, rng);
        } else {
            init.fill(p, rng);
        }
    } else {
        const T v = Info::init == init_rule::zeros ? T(0) : Info::init == init_rule::ones ? T(1)
                                                                                        : static_cast<T>(info.init_value);
        for (auto& e : p.elems) e = v;
    }
}

/// the smallest batch L's training pass takes (L::min_training_batch, else 1)
template <class L>
inline constexpr size_t min_training_batch = 1;
template <class L>
    requires requires { L::min_training_batch; }
inline constexpr size_t min_training_batch<L> = L::min_training_batch;

/// D is a layer description for input shape S (for a static_assert: a bool,
/// which the compilers report in one line, where a concept gets an explanation)
template <class D, class S>
inline constexpr bool is_layer_description = describes_a_layer<D, S>;

/// l.reseed(rng): the layer has its own random stream
template <class L>
inline constexpr bool has_random_stream = requires(L& l, init::xoshiro256ss& r) { l.reseed(r); };

/// the activation that ends L (act::identity for a layer without one): what a
/// loss with a fused delta checks
template <class L>
struct ending_activation {
    using type = act::identity;
};
template <class L>
    requires requires { typename L::activation; }
struct ending_activation<L> {
    using type = typename L::activation;
};
} // namespace detail

} // namespace ctnn

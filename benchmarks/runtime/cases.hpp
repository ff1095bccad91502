// cases.hpp — the benchmarked networks, their shared starting point (weights
// from ctnn's initialize(seed), inputs and labels from a fixed seeded
// generator) and their FLOP counts. Every implementation starts from a
// `problem`, so all four compute the same thing from the same numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace bench {

using std::size_t;

/// activation of one layer, as a run-time value
enum class act_kind { identity, relu, sigmoid, tanh, softmax };
/// loss, as a run-time value
enum class loss_kind { mse, bce, ce };

template <class Act>
constexpr act_kind act_of() {
    if constexpr (std::is_same_v<Act, ctnn::act::identity>) return act_kind::identity;
    else if constexpr (std::is_same_v<Act, ctnn::act::relu>) return act_kind::relu;
    else if constexpr (std::is_same_v<Act, ctnn::act::sigmoid>) return act_kind::sigmoid;
    else if constexpr (std::is_same_v<Act, ctnn::act::tanh>) return act_kind::tanh;
    else {
        static_assert(std::is_same_v<Act, ctnn::act::softmax>, "unsupported activation");
        return act_kind::softmax;
    }
}

template <class Loss>
constexpr loss_kind loss_of() {
    if constexpr (std::is_same_v<Loss, ctnn::loss::mse>) return loss_kind::mse;
    else if constexpr (std::is_same_v<Loss, ctnn::loss::binary_cross_entropy>) return loss_kind::bce;
    else return loss_kind::ce;
}

// The networks (hidden activations -> output, loss)
using net_2331 = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<1, ctnn::act::sigmoid>>;
using net_816164 = ctnn::network<float, ctnn::input<8>, ctnn::dense<16, ctnn::act::tanh>,
                                 ctnn::dense<16, ctnn::act::tanh>, ctnn::dense<4, ctnn::act::identity>>;
using net_643210 = ctnn::network<float, ctnn::input<64>, ctnn::dense<32, ctnn::act::relu>,
                                 ctnn::dense<10, ctnn::act::softmax>>;
/// the width sweep: W-W-W, relu hidden, identity output, MSE
template <size_t W>
using net_sweep = ctnn::network<float, ctnn::input<W>, ctnn::dense<W, ctnn::act::relu>, ctnn::dense<W, ctnn::act::identity>>;

/// a network type with its loss and its name in benchmark names; the sweep's
/// networks run only predict1 and train32
template <class Net, class Loss, bool Sweep = false>
struct net_case {
    using net = Net;
    using loss = Loss;
    static constexpr bool sweep = Sweep;
    std::string name;
};

inline constexpr size_t batch = 32;        ///< the batch of forward32 and train32
inline constexpr size_t pool_size = 16;    ///< predict1 cycles through this many inputs
inline constexpr std::uint64_t weight_seed = 42;
inline constexpr std::uint64_t data_seed = 2024;
inline constexpr float learning_rate = 0.01f;

/// Everything an implementation needs, as plain run-time data (row-major, as
/// ctnn stores it: W is out x in, X is in x batch with one sample per column).
struct problem {
    std::string name;
    std::vector<size_t> widths;           ///< input width, then each layer's units
    std::vector<act_kind> acts;           ///< one per layer
    loss_kind loss = loss_kind::mse;
    float lr = learning_rate;             ///< the SGD step size of train1 and train32
    std::vector<std::vector<float>> W;    ///< per layer, out x in row-major
    std::vector<std::vector<float>> b;    ///< per layer, out
    std::vector<float> X;                 ///< in x batch, row-major
    std::vector<float> Y;                 ///< out x batch, row-major
    std::vector<float> pool;              ///< pool_size single inputs, one after another

    size_t depth() const { return acts.size(); }
    size_t in() const { return widths.front(); }
    size_t out() const { return widths.back(); }
    /// multiply-adds of one sample through the forward pass
    double forward_macs() const {
        double s = 0;
        for (size_t l = 0; l + 1 < widths.size(); ++l) s += double(widths[l]) * double(widths[l + 1]);
        return s;
    }
    /// multiply-adds of one sample through the backward pass: dW of every
    /// layer, dA_prev of every layer but the first
    double backward_macs() const {
        double s = 0;
        for (size_t l = 0; l + 1 < widths.size(); ++l) s += double(widths[l]) * double(widths[l + 1]) * (l > 0 ? 2 : 1);
        return s;
    }
};

/// the inputs and labels: inputs uniform in [-1, 1); labels 0/1 (BCE),
/// one-hot (CE) or uniform in [-1, 1) (MSE)
inline void fill_data(problem& p) {
    ctnn::init::xoshiro256ss rng{data_seed};
    auto u = [&] { return static_cast<float>(2.0 * rng.uniform01() - 1.0); };
    const size_t in = p.in(), out = p.out();
    p.X.resize(in * batch);
    for (auto& v : p.X) v = u();
    p.Y.assign(out * batch, 0.0f);
    for (size_t j = 0; j < batch; ++j) {
        if (p.loss == loss_kind::ce) {
            p.Y[(rng() % out) * batch + j] = 1.0f;
        } else {
            for (size_t i = 0; i < out; ++i)
                p.Y[i * batch + j] = p.loss == loss_kind::bce ? float(rng() & 1) : u();
        }
    }
    p.pool.resize(in * pool_size);
    for (auto& v : p.pool) v = u();
}

/// the problem of a ctnn network type: ctnn's own initialize(weight_seed)
template <class Net, class Loss>
problem make_problem(const std::string& name) {
    problem p;
    p.name = name;
    p.loss = loss_of<Loss>();
    auto net = std::make_unique<Net>();
    net->initialize(weight_seed);
    p.widths.push_back(Net::input_width);
    [&]<size_t... I>(std::index_sequence<I...>) {
        ((p.widths.push_back(Net::template layer_type<I>::output_shape::size),
          p.acts.push_back(act_of<typename Net::template layer_type<I>::activation>())),
         ...);
    }(std::make_index_sequence<Net::depth>{});
    // the parameters through the network's visit: each dense layer's weight, then its bias
    net->visit([&](const auto& info, const auto& m, const auto&...) {
        (std::remove_cvref_t<decltype(info)>::init == ctnn::init_rule::weight ? p.W : p.b)
            .emplace_back(m.elems, m.elems + m.size);
    });
    fill_data(p);
    return p;
}

/// the M columns starting at column 0 of a row-major rows x batch matrix
inline std::vector<float> first_columns(const std::vector<float>& m, size_t rows, size_t M) {
    std::vector<float> out(rows * M);
    for (size_t i = 0; i < rows; ++i)
        for (size_t j = 0; j < M; ++j) out[i * M + j] = m[i * batch + j];
    return out;
}

/// f(net_case) for every benchmarked network, in report order
template <class F>
void for_each_case(F&& f) {
    f(net_case<net_2331, ctnn::loss::binary_cross_entropy>{"2-3-3-1"});
    f(net_case<net_816164, ctnn::loss::mse>{"8-16-16-4"});
    f(net_case<net_643210, ctnn::loss::cross_entropy>{"64-32-10"});
    [&]<size_t... W>(std::index_sequence<W...>) {
        (f(net_case<net_sweep<(size_t{2} << W)>, ctnn::loss::mse, true>{"sweep-" + std::to_string(size_t{2} << W)}), ...);
    }(std::make_index_sequence<8>{});
}

/// FLOPs (2 per multiply-add) of one iteration of a workload with batch M
inline double flops(const problem& p, bool train, size_t M) {
    return 2.0 * double(M) * (p.forward_macs() + (train ? p.backward_macs() : 0.0));
}

} // namespace bench

// impl_twin.cpp — the runtime-shaped twin (twin.hpp), called as a user of a
// runtime-shaped library would: caches, gradients and scratch made once and reused.
#include "harness.hpp"
#include "twin.hpp"

namespace bench {
namespace {

twin::activation to_twin(act_kind a) {
    switch (a) {
    case act_kind::identity: return twin::activation::identity;
    case act_kind::relu: return twin::activation::relu;
    case act_kind::sigmoid: return twin::activation::sigmoid;
    case act_kind::tanh: return twin::activation::tanh;
    case act_kind::softmax: return twin::activation::softmax;
    }
    return twin::activation::identity;
}

twin::loss to_twin(loss_kind l) {
    switch (l) {
    case loss_kind::mse: return twin::loss::mse;
    case loss_kind::bce: return twin::loss::binary_cross_entropy;
    case loss_kind::ce: return twin::loss::cross_entropy;
    }
    return twin::loss::mse;
}

std::vector<twin::activation> to_twin(const std::vector<act_kind>& acts) {
    std::vector<twin::activation> out;
    for (act_kind a : acts) out.push_back(to_twin(a));
    return out;
}

/// the runner takes its network's shape from the problem only: the case type is not used
template <class Case>
struct twin_runner {
    twin::network net;
    twin::loss lo;
    std::vector<float> X, Y, X1, Y1, pool;
    twin::cache c1, c32, cp;
    twin::gradients g;
    twin::workspace w;
    size_t in;
    float lr;

    explicit twin_runner(const problem& p)
        : net(p.widths, to_twin(p.acts)), lo(to_twin(p.loss)), X(p.X), Y(p.Y), X1(first_columns(p.X, p.in(), 1)),
          Y1(first_columns(p.Y, p.out(), 1)), pool(p.pool), in(p.in()), lr(p.lr) {
        for (size_t l = 0; l < net.depth(); ++l) {
            net.layers[l].W = p.W[l];
            net.layers[l].b = p.b[l];
        }
        // the buffers are sized on first use; use them once here, outside the timed loop
        net.predict(pool.data(), 1, cp);
        net.forward(X.data(), batch, c32);
        net.forward(X1.data(), 1, c1);
        net.backward(c1, Y1.data(), lo, g, w);
        net.backward(c32, Y.data(), lo, g, w);
    }

    const std::vector<float>& predict1(size_t k) { return net.predict(pool.data() + k * in, 1, cp); }
    const twin::cache& forward32() {
        net.forward(X.data(), batch, c32);
        return c32;
    }
    void train1() {
        net.forward(X1.data(), 1, c1);
        net.backward(c1, Y1.data(), lo, g, w);
        twin::sgd_step(net, g, lr);
    }
    void train32() {
        net.forward(X.data(), batch, c32);
        net.backward(c32, Y.data(), lo, g, w);
        twin::sgd_step(net, g, lr);
    }

    std::vector<float> prediction(size_t k) { return predict1(k); }
    std::vector<float> output32() { return forward32().output(); }
    float loss32() { return twin::loss_value(lo, forward32().output(), Y.data(), batch); }
    std::vector<std::vector<float>> params() const {
        std::vector<std::vector<float>> out;
        for (const auto& l : net.layers) {
            out.push_back(l.W);
            out.push_back(l.b);
        }
        return out;
    }
};

} // namespace

void add_twin(registry& r) { add_implementation<twin_runner>(r, "twin"); }

} // namespace bench

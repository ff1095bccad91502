// impl_ctnn.cpp — ctnn, called as a user calls it. "ctnn" keeps its cache and
// gradients as members, as the Eigen runners keep their buffers, and writes
// them in place: net.forward_into(X, cache), net.backward_into(cache, Y, loss,
// grads), opt.step(net, grads). "ctnn_value" uses the value forms, which
// return a fresh (zeroed) cache and gradients: net.forward(X),
// net.backward(cache, Y, loss). predict(x) is the same call in both.
#include <ctnn/ctnn.hpp>

#include "harness.hpp"

namespace bench {
namespace {

template <class Case, bool InPlace>
struct ctnn_runner {
    using Net = typename Case::net;
    using Loss = typename Case::loss;
    static constexpr size_t In = Net::input_width;
    static constexpr size_t Out = Net::output_width;

    Net net{};
    ctnn::matrix<float, In, batch> X{};
    ctnn::matrix<float, Out, batch> Y{};
    ctnn::matrix<float, In, 1> X1{};
    ctnn::matrix<float, Out, 1> Y1{};
    ctnn::matrix<float, In, 1> pool[pool_size]{};
    ctnn::optim::sgd opt{};
    typename Net::template cache_type<1> cache1{};
    typename Net::template cache_type<batch> cache32{};
    typename Net::gradients_type grads{};

    explicit ctnn_runner(const problem& p) : opt{p.lr} {
        net.initialize(weight_seed);  // the same call make_problem made: the others copy these weights
        for (size_t i = 0; i < In * batch; ++i) X.elems[i] = p.X[i];
        for (size_t i = 0; i < Out * batch; ++i) Y.elems[i] = p.Y[i];
        for (size_t i = 0; i < In; ++i) X1.elems[i] = p.X[i * batch];
        for (size_t i = 0; i < Out; ++i) Y1.elems[i] = p.Y[i * batch];
        for (size_t k = 0; k < pool_size; ++k)
            for (size_t i = 0; i < In; ++i) pool[k].elems[i] = p.pool[k * In + i];
    }

    auto predict1(size_t k) const { return net.predict(pool[k]); }
    decltype(auto) forward32() {
        if constexpr (InPlace) {
            net.forward_into(X, cache32);
            return (cache32);
        } else {
            return net.forward(X);
        }
    }
    template <class Cache, class Xm, class Ym>
    void train(Cache& kept, const Xm& x, const Ym& y) {
        if constexpr (InPlace) {
            net.forward_into(x, kept);
            net.backward_into(kept, y, Loss{}, grads);
            opt.step(net, grads);
        } else {
            const auto cache = net.forward(x);
            const auto g = net.backward(cache, y, Loss{});
            opt.step(net, g);
        }
    }
    void train1() { train(cache1, X1, Y1); }
    void train32() { train(cache32, X, Y); }

    std::vector<float> prediction(size_t k) const {
        const auto y = net.predict(pool[k]);
        return {y.elems, y.elems + Out};
    }
    std::vector<float> output32() {
        auto&& c = forward32();  // the path the benchmark times
        return {c.output().elems, c.output().elems + Out * batch};
    }
    float loss32() const { return Loss{}.value(net.forward(X).output(), Y); }
    std::vector<std::vector<float>> params() const {
        std::vector<std::vector<float>> out;  // W0, b0, W1, b1, ...: the network's visit order
        net.visit([&](const auto&, const auto& m, const auto&...) { out.emplace_back(m.elems, m.elems + m.size); });
        return out;
    }
};

template <class Case>
using in_place_runner = ctnn_runner<Case, true>;
template <class Case>
using value_runner = ctnn_runner<Case, false>;

} // namespace

void add_ctnn(registry& r) {
    add_implementation<in_place_runner>(r, "ctnn");
    add_implementation<value_runner, part::named>(r, "ctnn_value");
}

} // namespace bench

// impl_ctnn.cpp — ctnn, called as a user calls it: net.predict(x),
// net.forward(X), net.backward(cache, Y, loss), opt.step(net, grads).
#include <ctnn/ctnn.hpp>

#include "harness.hpp"

namespace bench {
namespace {

template <class Case>
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
    auto forward32() const { return net.forward(X); }
    void train1() {
        const auto cache = net.forward(X1);
        const auto grads = net.backward(cache, Y1, Loss{});
        opt.step(net, grads);
    }
    void train32() {
        const auto cache = net.forward(X);
        const auto grads = net.backward(cache, Y, Loss{});
        opt.step(net, grads);
    }

    std::vector<float> prediction(size_t k) const {
        const auto y = net.predict(pool[k]);
        return {y.elems, y.elems + Out};
    }
    std::vector<float> output32() const {
        const auto c = net.forward(X);
        return {c.output().elems, c.output().elems + Out * batch};
    }
    float loss32() const { return Loss{}.value(net.forward(X).output(), Y); }
    std::vector<std::vector<float>> params() const {
        std::vector<std::vector<float>> out;
        [&]<size_t... I>(std::index_sequence<I...>) {
            auto one = [&](const auto& l) {
                out.emplace_back(l.W.elems, l.W.elems + l.W.size);
                out.emplace_back(l.b.elems, l.b.elems + l.b.size);
            };
            (one(net.template layer<I>()), ...);
        }(std::make_index_sequence<Net::depth>{});
        return out;
    }
};

} // namespace

void add_ctnn(registry& r) { add_implementation<ctnn_runner>(r, "ctnn"); }

} // namespace bench

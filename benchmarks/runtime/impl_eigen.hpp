// impl_eigen.hpp — hand-written Eigen, as an expert would write it:
// Z.noalias() = W * A_prev; Z.colwise() += b; element-wise activations on
// arrays; softmax with the column maximum subtracted; dW.noalias() =
// (1/m) dZ A_prevᵀ; dA.noalias() = Wᵀ dZ; W -= lr dW.
//
// Fixed = true: every matrix is Eigen::Matrix<float, R, C> with compile-time
// sizes (Eigen's default column-major storage: one sample per contiguous column).
// Fixed = false: Eigen::MatrixXf / VectorXf, every buffer allocated once in the
// constructor, outside the timed loop, as a careful user would.
#pragma once

#include <tuple>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "harness.hpp"

namespace bench::eigen_impl {

template <bool Fixed, int R, int C>
using mat = Eigen::Matrix<float, Fixed ? R : Eigen::Dynamic, (Fixed || C == 1) ? C : Eigen::Dynamic>;

using rowmajor_map = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

// ---- activations ----------------------------------------------------------

template <class Act, class Z>
auto activate(const Eigen::MatrixBase<Z>& z) {
    if constexpr (std::is_same_v<Act, ctnn::act::identity>) {
        return z.derived();
    } else if constexpr (std::is_same_v<Act, ctnn::act::relu>) {
        return z.cwiseMax(0.0f);
    } else if constexpr (std::is_same_v<Act, ctnn::act::sigmoid>) {
        return (1.0f + (-z.array()).exp()).inverse().matrix();
    } else {
        static_assert(std::is_same_v<Act, ctnn::act::tanh>, "element-wise activations only here");
        return z.array().tanh().matrix();
    }
}

/// A = g(Z), into A (softmax: per column, the column maximum subtracted)
template <class Act, class Z, class A>
void apply(const Eigen::MatrixBase<Z>& z, Eigen::MatrixBase<A>& a) {
    if constexpr (std::is_same_v<Act, ctnn::act::softmax>) {
        a = (z.rowwise() - z.colwise().maxCoeff()).array().exp().matrix();
        a.array().rowwise() /= a.colwise().sum().array();
    } else {
        a = activate<Act>(z);
    }
}

/// dZ = dA ⊙ g'(Z), written with whichever of Z and A is cheaper
template <class Act, class Z, class A, class D, class Out>
void backward(const Eigen::MatrixBase<Z>& z, const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<D>& da,
              Eigen::MatrixBase<Out>& dz) {
    if constexpr (std::is_same_v<Act, ctnn::act::identity>) {
        dz = da;
    } else if constexpr (std::is_same_v<Act, ctnn::act::relu>) {
        // not (z.array() > 0).select(da, 0): with Eigen 3.4.0 and g++ 12 -O3 -mavx2
        // that gives wrong values for a fixed 3 x 32 matrix (the agreement test
        // caught it); multiplying by 0 or 1 is also what ctnn does
        dz = da.cwiseProduct((z.array() > 0.0f).template cast<float>().matrix());
    } else if constexpr (std::is_same_v<Act, ctnn::act::sigmoid>) {
        dz = (da.array() * a.array() * (1.0f - a.array())).matrix();
    } else {
        static_assert(std::is_same_v<Act, ctnn::act::tanh>, "softmax is only used as a fused output layer here");
        dz = (da.array() * (1.0f - a.array().square())).matrix();
    }
}

// ---- one network ----------------------------------------------------------

template <bool Fixed, class Layer>
struct layer {
    static constexpr int In = int(Layer::inputs), Out = int(Layer::outputs);
    using activation = typename Layer::activation;
    mat<Fixed, Out, In> W, dW;
    mat<Fixed, Out, 1> b, db;
    layer() {
        W.resize(Out, In);
        dW.resize(Out, In);
        b.resize(Out, 1);
        db.resize(Out, 1);
    }
};

/// what the forward pass keeps of one layer for a batch of M, and its backward buffers
template <bool Fixed, class Layer, int M>
struct cache {
    static constexpr int In = int(Layer::inputs), Out = int(Layer::outputs);
    mat<Fixed, Out, M> Z, A, dZ;
    mat<Fixed, In, M> dA;  ///< dA of the previous layer (unused for the first)
    cache() {
        Z.resize(Out, M);
        A.resize(Out, M);
        dZ.resize(Out, M);
        dA.resize(In, M);
    }
};

template <bool Fixed, class Net, class Seq = std::make_index_sequence<Net::depth>>
struct types;
template <bool Fixed, class Net, size_t... I>
struct types<Fixed, Net, std::index_sequence<I...>> {
    using layers = std::tuple<layer<Fixed, typename Net::template layer_type<I>>...>;
    template <int M>
    using caches = std::tuple<cache<Fixed, typename Net::template layer_type<I>, M>...>;
};

template <bool Fixed, class Case>
struct runner {
    using Net = typename Case::net;
    using Loss = typename Case::loss;
    static constexpr int In = int(Net::input_width), Out = int(Net::output_width), L = int(Net::depth);
    static constexpr int B = int(batch);
    using T = types<Fixed, Net>;

    typename T::layers layers;
    typename T::template caches<1> c1;
    typename T::template caches<B> c32;
    mat<Fixed, In, B> X;
    mat<Fixed, Out, B> Y;
    mat<Fixed, In, 1> X1;
    mat<Fixed, Out, 1> Y1;
    std::vector<mat<Fixed, In, 1>> pool;
    float lr;

    explicit runner(const problem& p) : pool(pool_size), lr(p.lr) {
        [&]<size_t... I>(std::index_sequence<I...>) {
            auto one = [&](auto& l, size_t i) {
                l.W = rowmajor_map(p.W[i].data(), l.Out, l.In);
                l.b = rowmajor_map(p.b[i].data(), l.Out, 1);
            };
            (one(std::get<I>(layers), I), ...);
        }(std::make_index_sequence<L>{});
        X = rowmajor_map(p.X.data(), In, B);
        Y = rowmajor_map(p.Y.data(), Out, B);
        X1 = X.col(0);
        Y1 = Y.col(0);
        for (size_t k = 0; k < pool_size; ++k) {
            pool[k].resize(In, 1);
            for (int i = 0; i < In; ++i) pool[k](i) = p.pool[k * size_t(In) + size_t(i)];
        }
    }

    // -- inference
    /// fixed: temporaries of fixed size, no buffers
    template <int I, class A>
    auto predict_from(const A& a) const {
        if constexpr (I == L) {
            return a;
        } else {
            const auto& l = std::get<I>(layers);
            using Act = typename std::tuple_element_t<I, typename T::layers>::activation;
            mat<Fixed, std::remove_cvref_t<decltype(l)>::Out, 1> z;
            z.noalias() = l.W * a;
            z += l.b;
            if constexpr (std::is_same_v<Act, ctnn::act::softmax>) {
                mat<Fixed, std::remove_cvref_t<decltype(l)>::Out, 1> out;
                apply<Act>(z, out);
                return predict_from<I + 1>(out);
            } else {
                mat<Fixed, std::remove_cvref_t<decltype(l)>::Out, 1> out = activate<Act>(z);
                return predict_from<I + 1>(out);
            }
        }
    }

    decltype(auto) predict1(size_t k) {
        if constexpr (Fixed) {
            return predict_from<0>(pool[k]);
        } else {
            forward_into(c1, pool[k]);  // the preallocated single-column buffers
            return (std::get<L - 1>(c1).A);
        }
    }

    // -- training
    template <int I, class C, class Xm>
    const auto& input_of(const C& c, const Xm& x) const {
        if constexpr (I == 0) return x;
        else return std::get<I - 1>(c).A;
    }

    template <class C, class Xm>
    void forward_into(C& c, const Xm& x) const {
        [&]<size_t... I>(std::index_sequence<I...>) {
            auto one = [&](auto i, const auto& l, auto& lc) {
                using Act = typename std::remove_cvref_t<decltype(l)>::activation;
                lc.Z.noalias() = l.W * input_of<decltype(i)::value>(c, x);
                lc.Z.colwise() += l.b;
                apply<Act>(lc.Z, lc.A);
            };
            (one(std::integral_constant<int, int(I)>{}, std::get<I>(layers), std::get<I>(c)), ...);
        }(std::make_index_sequence<L>{});
    }

    template <int I, class C, class Xm>
    void backprop(C& c, const Xm& x, float inv_m) {
        auto& l = std::get<I>(layers);
        auto& lc = std::get<I>(c);
        l.dW.noalias() = inv_m * lc.dZ * input_of<I>(c, x).transpose();
        l.db.noalias() = inv_m * lc.dZ.rowwise().sum();
        if constexpr (I > 0) {
            auto& prev = std::get<I - 1>(c);
            using PrevAct = typename std::tuple_element_t<I - 1, typename T::layers>::activation;
            lc.dA.noalias() = l.W.transpose() * lc.dZ;
            backward<PrevAct>(prev.Z, prev.A, lc.dA, prev.dZ);
            backprop<I - 1>(c, x, inv_m);
        }
    }

    template <class C, class Xm, class Ym>
    void train(C& c, const Xm& x, const Ym& y) {
        forward_into(c, x);
        auto& out = std::get<L - 1>(c);
        using OutAct = typename std::tuple_element_t<L - 1, typename T::layers>::activation;
        if constexpr (std::is_same_v<Loss, ctnn::loss::mse>) {
            out.dZ = out.A - y;  // dA of ½‖a − y‖², then through g'
            backward<OutAct>(out.Z, out.A, out.dZ, out.dZ);
        } else {
            out.dZ = out.A - y;  // sigmoid + BCE, softmax + CE (one-hot labels): the fused delta
        }
        backprop<L - 1>(c, x, 1.0f / float(x.cols()));
        [&]<size_t... I>(std::index_sequence<I...>) {
            auto step = [&](auto& l) {
                l.W -= lr * l.dW;
                l.b -= lr * l.db;
            };
            (step(std::get<I>(layers)), ...);
        }(std::make_index_sequence<L>{});
    }

    const auto& forward32() {
        forward_into(c32, X);
        return std::get<L - 1>(c32).A;
    }
    void train1() { train(c1, X1, Y1); }
    void train32() { train(c32, X, Y); }

    // -- for the agreement test
    static std::vector<float> rowmajor(const Eigen::MatrixXf& m) {
        std::vector<float> v(size_t(m.size()));
        for (int i = 0; i < m.rows(); ++i)
            for (int j = 0; j < m.cols(); ++j) v[size_t(i) * size_t(m.cols()) + size_t(j)] = m(i, j);
        return v;
    }
    std::vector<float> prediction(size_t k) { return rowmajor(predict1(k)); }
    std::vector<float> output32() { return rowmajor(forward32()); }
    float loss32() {
        const Eigen::MatrixXf a = forward32();
        const Eigen::ArrayXXf y = Y;
        // the same per-sample losses as ctnn's, log clamped at -100 as PyTorch does
        auto clog = [](const Eigen::ArrayXXf& v) { return v.log().max(-100.0f); };
        float s;
        if constexpr (std::is_same_v<Loss, ctnn::loss::mse>) s = 0.5f * (a - Y).squaredNorm();
        else if constexpr (std::is_same_v<Loss, ctnn::loss::binary_cross_entropy>)
            s = -(y * clog(a.array()) + (1.0f - y) * clog(1.0f - a.array())).sum();
        else s = -(y * clog(a.array())).sum();
        return s / float(B);
    }
    std::vector<std::vector<float>> params() const {
        std::vector<std::vector<float>> out;
        std::apply([&](const auto&... l) { ((out.push_back(rowmajor(l.W)), out.push_back(rowmajor(l.b))), ...); },
                   layers);
        return out;
    }
};

} // namespace bench::eigen_impl

// train.hpp — fit(): epochs of mini-batch training over a data set, with a
// deterministic shuffle, a per-epoch report, and evaluation (accuracy, mean
// loss, confusion counts). No heap: the data set is a view of the caller's
// storage and the shuffle is a keyed permutation computed on the fly.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <ctnn/diagnostics.hpp>
#include <ctnn/init.hpp>
#include <ctnn/matrix.hpp>
#include <ctnn/network.hpp>

namespace ctnn {

/// A read-only view of `size` samples stored sample after sample: sample i's
/// Features inputs at features[i * Features], its Outputs targets (one-hot for
/// classes) at targets[i * Outputs]. The storage stays the caller's.
template <class T, size_t Features, size_t Outputs>
struct dataset_view {
    using value_type = T;
    static constexpr size_t features_per_sample = Features;
    static constexpr size_t outputs_per_sample = Outputs;
    const T* features = nullptr;
    const T* targets = nullptr;
    size_t size = 0;
};

/// What fit() reports after every epoch: the loss and accuracy over the
/// epoch's training batches (computed from the forward pass that each step
/// makes anyway), and the wall time of the epoch if a clock was given.
struct epoch_report {
    size_t epoch = 0;        ///< 1-based
    double loss = 0;         ///< mean loss over the samples of the epoch
    double accuracy = 0;     ///< fraction of samples classified correctly
    double seconds = 0;      ///< duration of the epoch (0 without a clock)
};

/// Settings of fit().
struct fit_options {
    size_t epochs = 10;             ///< passes over the data
    std::uint64_t seed = 0;         ///< shuffle seed (each epoch gets its own order)
    bool shuffle = true;            ///< visit samples in a fresh random order every epoch
    bool drop_last = false;         ///< skip the final partial batch instead of training on it
    double (*clock)() = nullptr;    ///< seconds from any origin, for epoch_report::seconds
};

/// Evaluation of a network on a data set.
template <size_t Classes>
struct evaluation {
    double loss = 0;      ///< mean loss per sample
    double accuracy = 0;  ///< fraction of samples classified correctly
    size_t samples = 0;
    /// confusion[actual][predicted] counts (classes by arg-max; one output: 0/1 at 0.5)
    size_t confusion[Classes < 2 ? 2 : Classes][Classes < 2 ? 2 : Classes]{};
};

namespace detail {

/// A pseudo-random permutation of [0, n) without storage: a 4-round Feistel
/// network on the smallest even number of bits covering n, keyed by (seed,
/// round), iterated until the value falls below n ("cycle walking"; fewer than
/// 4 iterations on average since the domain is below 4n).
struct permutation {
    size_t n = 0;
    unsigned half_bits = 0;
    std::uint64_t keys[4]{};

    constexpr permutation(size_t count, std::uint64_t seed) noexcept : n(count) {
        unsigned bits = 0;
        while ((std::uint64_t{1} << bits) < count) ++bits;
        half_bits = (bits + 1) / 2 > 0 ? (bits + 1) / 2 : 1;
        for (auto& k : keys) k = init::splitmix64(seed);
    }

    constexpr size_t operator()(size_t i) const noexcept {
        std::uint64_t x = i;
        do x = encrypt(x);
        while (x >= n);
        return static_cast<size_t>(x);
    }

private:
    constexpr std::uint64_t encrypt(std::uint64_t x) const noexcept {
        const std::uint64_t mask = (std::uint64_t{1} << half_bits) - 1;
        std::uint64_t l = (x >> half_bits) & mask, r = x & mask;
        for (std::uint64_t k : keys) {
            std::uint64_t f = r ^ k;
            f = init::splitmix64(f);
            const std::uint64_t next = l ^ (f & mask);
            l = r;
            r = next;
        }
        return (l << half_bits) | r;
    }
};

/// index of the largest element of column j
template <class T, size_t R, size_t C>
constexpr size_t argmax_column(const matrix<T, R, C>& m, size_t j) noexcept {
    size_t best = 0;
    for (size_t i = 1; i < R; ++i)
        if (m(i, j) > m(best, j)) best = i;
    return best;
}

/// predicted and actual class of column j: arg-max, or 0/1 at 0.5 for one output
template <class T, size_t R, size_t C>
constexpr std::pair<size_t, size_t> classes(const matrix<T, R, C>& out, const matrix<T, R, C>& y, size_t j) noexcept {
    if constexpr (R == 1) {
        return {out(0, j) >= T(0.5) ? 1 : 0, y(0, j) >= T(0.5) ? 1 : 0};
    } else {
        return {argmax_column(out, j), argmax_column(y, j)};
    }
}

/// copies samples index(0..count-1) of d into the first count columns of X, Y
template <size_t B, class T, size_t F, size_t O, class Index>
constexpr void gather(const dataset_view<T, F, O>& d, Index&& index, size_t count, matrix<T, F, B>& x,
                      matrix<T, O, B>& y) noexcept {
    for (size_t j = 0; j < count; ++j) {
        const size_t s = index(j);
        for (size_t i = 0; i < F; ++i) x(i, j) = d.features[s * F + i];
        for (size_t i = 0; i < O; ++i) y(i, j) = d.targets[s * O + i];
    }
}

/// Σ of the per-sample loss over the first count columns (the rest is padding)
template <class Loss, class T, size_t R, size_t C>
constexpr double loss_sum(const Loss& loss, const matrix<T, R, C>& out, const matrix<T, R, C>& y, size_t count) noexcept {
    double s = 0;
    for (size_t j = 0; j < count; ++j) s += static_cast<double>(loss.value(column(out, j), column(y, j)));
    return s;
}

/// correct classifications among the first count columns; also calls
/// each(actual, predicted) per sample
template <class T, size_t R, size_t C, class Each>
constexpr size_t count_correct(const matrix<T, R, C>& out, const matrix<T, R, C>& y, size_t count, Each&& each) noexcept {
    size_t correct = 0;
    for (size_t j = 0; j < count; ++j) {
        const auto [predicted, actual] = classes(out, y, j);
        correct += predicted == actual;
        each(actual, predicted);
    }
    return correct;
}

} // namespace detail

/// Trains net for options.epochs passes over data in mini-batches of Batch
/// samples (a template parameter: every matrix keeps a static shape), calling
/// optimizer.step after each batch and callback(epoch_report) after each
/// epoch. Every sample is used once per epoch; the last batch may be partial
/// (unless options.drop_last): its padding columns are masked out of the
/// backward pass, so its gradient is the mean over the samples actually in it.
/// Returns the report of the last epoch.
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer, class Callback>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options, Callback&& callback) noexcept {
    static_assert(Batch > 0, CTNN_MSG_FIT_BATCH);
    static_assert(F == Net::input_width && O == Net::output_width && std::is_same_v<T, typename Net::value_type>, CTNN_MSG_FIT_DATA);
    epoch_report report{};
    if constexpr (F == Net::input_width && O == Net::output_width && std::is_same_v<T, typename Net::value_type>) {
        // one cache and one set of gradients, written in place at every step
        typename Net::template cache_type<Batch> cache{};
        typename Net::gradients_type grads{};
        for (size_t epoch = 1; epoch <= options.epochs; ++epoch) {
            const double start = options.clock ? options.clock() : 0.0;
            const detail::permutation order{data.size, options.seed ^ (0x9e3779b97f4a7c15ULL * epoch)};
            double loss_total = 0;
            size_t correct = 0, seen = 0;
            for (size_t first = 0; first < data.size; first += Batch) {
                const size_t count = data.size - first < Batch ? data.size - first : Batch;
                if (count < Batch && options.drop_last) break;
                matrix<T, F, Batch> x{};
                matrix<T, O, Batch> y{};
                detail::gather(data, [&](size_t j) { return options.shuffle ? order(first + j) : first + j; }, count, x, y);
                net.forward_into(x, cache, count);  // batch statistics over the real samples
                net.backward_into(cache, y, loss, grads, count);  // mean over the real samples
                optimizer.step(net, grads);
                loss_total += detail::loss_sum(loss, cache.output(), y, count);
                correct += detail::count_correct(cache.output(), y, count, [](size_t, size_t) {});
                seen += count;
            }
            report.epoch = epoch;
            report.loss = seen ? loss_total / static_cast<double>(seen) : 0.0;
            report.accuracy = seen ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
            report.seconds = options.clock ? options.clock() - start : 0.0;
            callback(report);
        }
    }
    return report;
}

/// fit() without a per-epoch callback
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options) noexcept {
    return fit<Batch>(net, data, loss, optimizer, options, [](const epoch_report&) {});
}

/// Mean loss, accuracy and confusion counts of net on data, predicting Batch
/// samples at a time.
template <size_t Batch = 32, class Net, class T, size_t F, size_t O, class Loss>
constexpr evaluation<O> evaluate(const Net& net, const dataset_view<T, F, O>& data, const Loss& loss) noexcept {
    static_assert(F == Net::input_width && O == Net::output_width && std::is_same_v<T, typename Net::value_type>, CTNN_MSG_EVALUATE_DATA);
    evaluation<O> e{};
    if constexpr (F == Net::input_width && O == Net::output_width && std::is_same_v<T, typename Net::value_type>) {
        double loss_total = 0;
        size_t correct = 0;
        for (size_t first = 0; first < data.size; first += Batch) {
            const size_t count = data.size - first < Batch ? data.size - first : Batch;
            matrix<T, F, Batch> x{};
            matrix<T, O, Batch> y{};
            detail::gather(data, [&](size_t j) { return first + j; }, count, x, y);
            const auto out = net.predict(x);
            loss_total += detail::loss_sum(loss, out, y, count);
            correct += detail::count_correct(out, y, count, [&](size_t actual, size_t predicted) { ++e.confusion[actual][predicted]; });
        }
        e.samples = data.size;
        e.loss = data.size ? loss_total / static_cast<double>(data.size) : 0.0;
        e.accuracy = data.size ? static_cast<double>(correct) / static_cast<double>(data.size) : 0.0;
    }
    return e;
}

} // namespace ctnn

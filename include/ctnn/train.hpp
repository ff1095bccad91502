// train.hpp — fit(): epochs of mini-batch training over a data set, with a
// deterministic shuffle, a per-epoch report, and evaluation (accuracy, mean
// loss, confusion counts). No heap: the data set is a view of the caller's
// storage and the shuffle is a keyed permutation computed on the fly. A run
// that goes wrong (NaN or infinite data, loss or parameters; no batch at all;
// an inconsistent data set) stops and says so in its report
// (docs/training.md).
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>

#include <ctnn/diagnostics.hpp>
#include <ctnn/init.hpp>
#include <ctnn/matrix.hpp>
#include <ctnn/network.hpp>

/// The most bytes of stack that fit() and evaluate() may use for their own
/// matrices (fit: cache, gradients, batch, backward temporaries; evaluate: its
/// batch and the forward pass); more is a compile error. 128 KiB, as Eigen's
/// EIGEN_STACK_ALLOCATION_LIMIT: well inside a 1 MiB Windows, 512 KiB macOS
/// or 8 MiB Linux stack. Pass fit a ctnn::fit_workspace for bigger batches;
/// define this larger only for a thread whose stack you know holds it.
#ifndef CTNN_FIT_STACK_LIMIT
#define CTNN_FIT_STACK_LIMIT 131072
#endif

namespace ctnn {

namespace detail {

/// the exponent bits of x, in the top of a 32-bit word for float and double
/// alike: all of them set (max_exponent<T>) means NaN or ±infinity. Read from
/// the bits, so that it holds under -ffinite-math-only too, and a max over
/// many of them vectorises.
template <class T>
CTNN_INLINE constexpr std::uint32_t exponent_bits(T x) noexcept {
    if constexpr (sizeof(T) == sizeof(std::uint32_t)) {
        return std::bit_cast<std::uint32_t>(x) & 0x7f800000u;
    } else {
        static_assert(sizeof(T) == sizeof(std::uint64_t));
        return static_cast<std::uint32_t>(std::bit_cast<std::uint64_t>(x) >> 32) & 0x7ff00000u;
    }
}
template <class T>
inline constexpr std::uint32_t max_exponent = sizeof(T) == sizeof(std::uint32_t) ? 0x7f800000u : 0x7ff00000u;

/// NaN or ±infinity
template <class T>
CTNN_INLINE constexpr bool non_finite(T x) noexcept {
    return exponent_bits(x) == max_exponent<T>;
}

/// the largest of top and the exponent bits of p[0, n): max_exponent<T> if
/// one is NaN or infinite (branch-free, so that it vectorises)
template <class T>
CTNN_INLINE constexpr std::uint32_t max_exponent_of(const T* p, size_t n, std::uint32_t top) noexcept {
    for (size_t i = 0; i < n; ++i) {
        const std::uint32_t e = exponent_bits(p[i]);
        top = e > top ? e : top;
    }
    return top;
}

/// index of the first non-finite element of p, or N if all are finite: a
/// branch-free max over all elements first (vectorised), the search only then
template <class T, size_t N>
constexpr size_t first_non_finite(const T (&p)[N]) noexcept {
    if (max_exponent_of(p, N, 0) != max_exponent<T>) return N;
    for (size_t i = 0; i < N; ++i)
        if (non_finite(p[i])) return i;
    return N;
}

} // namespace detail

/// A read-only view of a data set in the caller's storage: sample s has
/// Features inputs and Outputs targets (one-hot for classes). Its number of
/// samples is always derived from the storage, never given, and the layout is
/// named where the view is made: samples_as_rows (flat storage, sample after
/// sample) or samples_as_columns (matrices whose columns are samples, as a
/// batch is). Storage that is not a whole number of samples,
/// or features and targets of different sample counts, make an invalid view
/// (valid() false, size() 0), which fit and evaluate report as
/// training_fault::bad_data.
template <class T, size_t Features, size_t Outputs>
class dataset_view {
public:
    using value_type = T;
    static constexpr size_t features_per_sample = Features;
    static constexpr size_t outputs_per_sample = Outputs;

    /// no samples (a valid, empty view)
    constexpr dataset_view() noexcept = default;

    /// Samples as rows of flat storage: sample s's inputs at features[s * Features],
    /// its targets at targets[s * Outputs]; size() = features.size() / Features.
    static constexpr dataset_view samples_as_rows(std::span<const T> features, std::span<const T> targets) noexcept {
        dataset_view v{};
        v.features_ = features.data();
        v.targets_ = targets.data();
        v.feature_step_ = 1;
        v.sample_step_ = Features;
        v.target_step_ = 1;
        v.target_sample_step_ = Outputs;
        const size_t n = features.size() / Features;
        v.valid_ = features.size() % Features == 0 && targets.size() % Outputs == 0 && targets.size() / Outputs == n;
        v.size_ = v.valid_ ? n : 0;
        return v;
    }

    /// Samples as columns, as in a batch: column s of X and of Y is sample s.
    template <size_t N>
    static constexpr dataset_view samples_as_columns(const matrix<T, Features, N>& X, const matrix<T, Outputs, N>& Y) noexcept {
        dataset_view v{};
        v.features_ = X.data();
        v.targets_ = Y.data();
        v.feature_step_ = N;
        v.sample_step_ = 1;
        v.target_step_ = N;
        v.target_sample_step_ = 1;
        v.size_ = N;
        return v;
    }
    template <size_t N>
    static dataset_view samples_as_columns(const matrix<T, Features, N>&&, const matrix<T, Outputs, N>&&) = delete;  ///< would dangle

    /// number of samples (0 for an invalid view)
    constexpr size_t size() const noexcept { return size_; }
    /// false when the storage was not a whole, equal number of samples of features and targets
    constexpr bool valid() const noexcept { return valid_; }
    /// input i of sample s
    constexpr T feature(size_t s, size_t i) const noexcept { return features_[s * sample_step_ + i * feature_step_]; }
    /// target o of sample s
    constexpr T target(size_t s, size_t o) const noexcept { return targets_[s * target_sample_step_ + o * target_step_]; }

    /// Copies samples index(0), ..., index(count - 1) into the first count
    /// columns of a batch x and its labels y.
    template <size_t B, class Index>
    constexpr void copy_batch(Index&& index, size_t count, matrix<T, Features, B>& x, matrix<T, Outputs, B>& y) const noexcept {
        if (feature_step_ == 1 && target_step_ == 1) {  // rows: each sample contiguous
            for (size_t j = 0; j < count; ++j) {
                const size_t s = index(j);
                const T* f = features_ + s * Features;
                const T* t = targets_ + s * Outputs;
                for (size_t i = 0; i < Features; ++i) x(i, j) = f[i];
                for (size_t i = 0; i < Outputs; ++i) y(i, j) = t[i];
            }
        } else {
            for (size_t j = 0; j < count; ++j) {
                const size_t s = index(j);
                for (size_t i = 0; i < Features; ++i) x(i, j) = feature(s, i);
                for (size_t i = 0; i < Outputs; ++i) y(i, j) = target(s, i);
            }
        }
    }

    /// Where the first NaN or infinite value is (in sample order; element:
    /// features first, then targets), if there is one.
    struct non_finite_value {
        bool found = false;
        size_t sample = 0;
        size_t element = 0;
    };
    constexpr non_finite_value find_non_finite() const noexcept {
        // both layouts keep all features, and all targets, in one contiguous block
        std::uint32_t top = detail::max_exponent_of(features_, size_ * Features, 0);
        top = detail::max_exponent_of(targets_, size_ * Outputs, top);
        if (top != detail::max_exponent<T>) return {};
        for (size_t s = 0; s < size_; ++s)
            for (size_t i = 0; i < Features + Outputs; ++i)
                if (detail::non_finite(i < Features ? feature(s, i) : target(s, i - Features))) return {true, s, i};
        return {};
    }

private:
    const T* features_ = nullptr;
    const T* targets_ = nullptr;
    size_t size_ = 0;
    size_t feature_step_ = 1, sample_step_ = Features, target_step_ = 1, target_sample_step_ = Outputs;
    bool valid_ = true;
};

/// Why fit() stopped, or evaluate() could not run (none: it did not stop).
enum class training_fault : unsigned char {
    none,
    bad_data,              ///< the data set view is invalid (dataset_view::valid() is false)
    no_batch,              ///< no batch to run: no samples, epochs = 0, or drop_last with Batch > samples
    non_finite_data,       ///< a feature or target is NaN or infinite (found before training: nothing ran)
    non_finite_loss,       ///< a batch's loss is NaN or infinite; its step was not applied
    non_finite_parameter,  ///< a parameter (or buffer) is NaN or infinite after a step
};

/// one sentence for a fault, for messages
constexpr const char* describe(training_fault f) noexcept {
    switch (f) {
    case training_fault::none: return "no fault";
    case training_fault::bad_data: return "the data set is not a whole, equal number of samples of features and targets";
    case training_fault::no_batch: return "no batch to train on (no samples, 0 epochs, or drop_last with a batch larger than the data)";
    case training_fault::non_finite_data: return "a feature or target is NaN or infinite";
    case training_fault::non_finite_loss: return "the loss of a batch is NaN or infinite";
    case training_fault::non_finite_parameter: return "a parameter is NaN or infinite after an optimiser step";
    }
    return "unknown fault";
}

/// What fit() reports after every epoch: the loss and accuracy over the
/// epoch's training batches (computed from the forward pass that each step
/// makes anyway), and the wall time of the epoch if a clock was given. When
/// fit() stops on a fault, its last report says which and where; loss and
/// accuracy then cover the samples whose loss was computed (NaN if none).
struct epoch_report {
    size_t epoch = 0;        ///< 1-based (0: the run stopped before epoch 1)
    double loss = 0;         ///< mean loss over the samples of the epoch
    double accuracy = 0;     ///< fraction of samples classified correctly
    double seconds = 0;      ///< duration of the epoch (0 without a clock)
    training_fault fault = training_fault::none;  ///< why fit() stopped here (none: it did not)
    size_t batch = 0;        ///< 1-based batch of the epoch: the one that failed, or the epoch's last
    size_t sample = 0;       ///< non_finite_data: the sample's index in the data set
    size_t layer = 0;        ///< non_finite_parameter: the layer's index, as in net.layer<I>()
    size_t element = 0;      ///< non_finite_data: value in the sample (features first, then targets);
                             ///< non_finite_parameter: element of the parameter (row-major)
    char parameter[48]{};    ///< non_finite_parameter: its name as in weight files (W, b, 0.W in a residual block)
    /// true unless the run stopped on a fault
    constexpr bool ok() const noexcept { return fault == training_fault::none; }
};

/// Settings of fit().
struct fit_options {
    size_t epochs = 10;             ///< passes over the data; 0 trains nothing and reports training_fault::no_batch
    std::uint64_t seed = 0;         ///< shuffle seed (each epoch gets its own order)
    bool shuffle = true;            ///< visit samples in a fresh random order every epoch
    bool drop_last = false;         ///< skip the final partial batch instead of training on it
    double (*clock)() = nullptr;    ///< seconds from any origin, for epoch_report::seconds
};

/// Evaluation of a network on a data set.
template <size_t Classes>
struct evaluation {
    double loss = 0;      ///< mean loss per sample (NaN if an output was NaN, or with no samples)
    double accuracy = 0;  ///< fraction of samples classified correctly (unclassified ones count as wrong)
    size_t samples = 0;
    /// confusion[actual][predicted] counts (classes by arg-max; one output: 0/1 at 0.5)
    size_t confusion[Classes < 2 ? 2 : Classes][Classes < 2 ? 2 : Classes]{};
    /// samples whose output or target holds a NaN or infinity: they have no
    /// class, so they are in neither the confusion counts nor accuracy's numerator
    size_t unclassified = 0;
    /// bad_data for an invalid view, no_batch for an empty one (loss and accuracy NaN)
    training_fault fault = training_fault::none;
};

/// Everything fit() writes at every step for batches of Batch samples: the
/// forward cache, the gradients and the batch itself. fit() without one keeps
/// it on the stack, within CTNN_FIT_STACK_LIMIT; for a larger batch, keep one
/// in static storage or on the heap and pass it to fit().
template <class Net, size_t Batch>
struct fit_workspace {
    using network_type = Net;
    static constexpr size_t batch = Batch;
    typename Net::template cache_type<Batch> cache{};
    typename Net::gradients_type grads{};
    matrix<typename Net::value_type, Net::input_width, Batch> x{};
    matrix<typename Net::value_type, Net::output_width, Batch> y{};
};

namespace detail {
/// a data set of Features inputs and Outputs targets of T is one net trains on
template <class Net, class T, size_t F, size_t O>
inline constexpr bool matches_data = F == Net::input_width && O == Net::output_width && std::is_same_v<T, typename Net::value_type>;
} // namespace detail

/// Bytes of stack fit<Batch>() uses without a workspace: the workspace and the
/// backward pass's temporaries (Net::backward_temporary_bytes, an upper bound).
template <class Net, size_t Batch>
inline constexpr size_t fit_stack_bytes = sizeof(fit_workspace<Net, Batch>) + Net::template backward_temporary_bytes<Batch>;

/// Bytes of stack fit<Batch>() uses with a workspace: the backward pass's temporaries.
template <class Net, size_t Batch>
inline constexpr size_t fit_workspace_stack_bytes = Net::template backward_temporary_bytes<Batch>;

/// Bytes of stack evaluate<Batch>() uses at most: its batch and labels, and
/// the forward pass (bounded by the forward cache of the batch).
template <class Net, size_t Batch>
inline constexpr size_t evaluate_stack_bytes =
    sizeof(matrix<typename Net::value_type, Net::input_width, Batch>) +
    sizeof(matrix<typename Net::value_type, Net::output_width, Batch>) + Net::template cache_bytes<Batch>;

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

/// writes info's qualified name (path inside composite layers, then its own
/// name: W, 0.W) into out, as io/weights.hpp names it, cut to fit
template <class Info, size_t N>
constexpr void qualified_name(const Info& info, char (&out)[N]) noexcept {
    size_t k = 0;
    auto put = [&](char c) {
        if (k + 1 < N) out[k++] = c;
    };
    for (size_t l = 0; l < info.path.levels; ++l) {
        char digits[8]{};
        size_t d = 0;
        for (size_t v = info.path.index[l]; d == 0 || v > 0; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
        while (d > 0) put(digits[--d]);
        put('.');
    }
    for (const char* c = info.name; c && *c; ++c) put(*c);
    out[k] = '\0';
}

/// Whether every parameter and buffer of net is finite; if not, the first
/// non-finite one's layer, name and element go into r.
template <class Net>
constexpr bool parameters_finite(const Net& net, epoch_report& r) noexcept {
    bool found = false;
    net.visit_indexed([&](size_t layer, const auto& info, const auto& p, const auto&...) {
        if (found) return;
        const size_t i = first_non_finite(p.elems);
        if (i == sizeof(p.elems) / sizeof(p.elems[0])) return;
        found = true;
        r.layer = layer;
        r.element = i;
        qualified_name(info, r.parameter);
    });
    return !found;
}

/// the class of column j: arg-max, or 0/1 at 0.5 for one row; none if the
/// column holds a NaN or an infinity
struct class_of {
    size_t index = 0;
    bool finite = true;
};
template <class T, size_t R, size_t C>
constexpr class_of classify(const matrix<T, R, C>& m, size_t j) noexcept {
    for (size_t i = 0; i < R; ++i)
        if (non_finite(m(i, j))) return {0, false};
    if constexpr (R == 1) {
        return {m(0, j) >= T(0.5) ? size_t{1} : size_t{0}, true};
    } else {
        size_t best = 0;
        for (size_t i = 1; i < R; ++i)
            if (m(i, j) > m(best, j)) best = i;
        return {best, true};
    }
}

/// Σ of the per-sample loss over the first count columns (the rest is padding)
template <class Loss, class T, size_t R, size_t C>
constexpr double loss_sum(const Loss& loss, const matrix<T, R, C>& out, const matrix<T, R, C>& y, size_t count) noexcept {
    double s = 0;
    for (size_t j = 0; j < count; ++j) s += static_cast<double>(loss.value(column(out, j), column(y, j)));
    return s;
}

/// correct classifications among the first count columns; calls
/// each(actual, predicted) per sample that has both classes, and counts the
/// others (a non-finite output or target) in unclassified
template <class T, size_t R, size_t C, class Each>
constexpr size_t count_correct(const matrix<T, R, C>& out, const matrix<T, R, C>& y, size_t count, size_t& unclassified,
                               Each&& each) noexcept {
    size_t correct = 0;
    for (size_t j = 0; j < count; ++j) {
        const class_of predicted = classify(out, j), actual = classify(y, j);
        if (!predicted.finite || !actual.finite) {
            ++unclassified;
            continue;
        }
        correct += predicted.index == actual.index;
        each(actual.index, predicted.index);
    }
    return correct;
}

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// fit() with its workspace: see fit
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer, class Callback>
constexpr epoch_report fit_with(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                                const fit_options& options, fit_workspace<Net, Batch>& ws, Callback& callback) noexcept {
    epoch_report report{};
    double start = 0, loss_total = 0;
    size_t correct = 0, seen = 0, unclassified = 0;
    // the report of the epoch so far, given to the callback
    auto close = [&](training_fault fault) {
        report.fault = fault;
        report.loss = seen ? loss_total / static_cast<double>(seen) : nan;
        report.accuracy = seen ? static_cast<double>(correct) / static_cast<double>(seen) : nan;
        report.seconds = options.clock ? options.clock() - start : 0.0;
        callback(static_cast<const epoch_report&>(report));
        return report;
    };
    if (!data.valid()) return close(training_fault::bad_data);
    const size_t batches = options.drop_last ? data.size() / Batch : (data.size() + Batch - 1) / Batch;
    if (batches == 0 || options.epochs == 0) return close(training_fault::no_batch);
    // once, before training: one pass over the data instead of one per epoch
    if (const auto bad = data.find_non_finite(); bad.found) {
        report.sample = bad.sample;
        report.element = bad.element;
        return close(training_fault::non_finite_data);
    }
    for (size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        start = options.clock ? options.clock() : 0.0;
        report = epoch_report{};
        report.epoch = epoch;
        loss_total = 0;
        correct = seen = unclassified = 0;
        const detail::permutation order{data.size(), options.seed ^ (0x9e3779b97f4a7c15ULL * epoch)};
        for (size_t b = 0; b < batches; ++b) {
            const size_t first = b * Batch;
            const size_t count = data.size() - first < Batch ? data.size() - first : Batch;
            report.batch = b + 1;
            data.copy_batch([&](size_t j) { return options.shuffle ? order(first + j) : first + j; }, count, ws.x, ws.y);
            net.forward_into(ws.x, ws.cache, count);  // batch statistics over the real samples
            loss_total += detail::loss_sum(loss, ws.cache.output(), ws.y, count);
            correct += detail::count_correct(ws.cache.output(), ws.y, count, unclassified, [](size_t, size_t) {});
            seen += count;
            if (non_finite(loss_total)) {  // the cause may be a parameter that the last step made non-finite
                return close(parameters_finite(net, report) ? training_fault::non_finite_loss
                                                            : training_fault::non_finite_parameter);
            }
            net.backward_into(ws.cache, ws.y, loss, ws.grads, count);  // mean over the real samples
            optimizer.step(net, ws.grads);
        }
        // once per epoch: a parameter can go non-finite without the loss showing it (a relu that outputs 0)
        close(parameters_finite(net, report) ? training_fault::none : training_fault::non_finite_parameter);
        if (!report.ok()) return report;
    }
    return report;
}

} // namespace detail

/// Trains net for options.epochs passes over data in mini-batches of Batch
/// samples (a template parameter: every matrix keeps a static shape), calling
/// optimizer.step after each batch and callback(epoch_report) after each
/// epoch. Every sample is used once per epoch; the last batch may be partial
/// (unless options.drop_last): its padding columns are masked out of the
/// backward pass, so its gradient is the mean over the samples actually in it.
/// Returns the report of the last epoch.
///
/// It stops at the first fault, and its last report (given to the callback
/// too) says which (epoch_report::fault) and where: a NaN or infinite value in
/// a batch (before it runs), a NaN or infinite batch loss (before its step:
/// the network keeps the parameters of the last good step), a NaN or
/// infinite parameter after a step (the network holds it), an invalid data
/// set, or no batch at all. The checks cost little (docs/training.md).
///
/// Its workspace (fit_workspace<Net, Batch>) is on the stack: with the
/// backward pass, at most CTNN_FIT_STACK_LIMIT bytes, else a compile error;
/// pass a workspace (the overload below) for larger batches.
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer, class Callback>
    requires std::invocable<Callback&, const epoch_report&>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options, Callback&& callback) noexcept {
    if constexpr (Batch == 0) {
        static_assert(Batch > 0, CTNN_MSG_FIT_BATCH);
        return {};
    } else if constexpr (!detail::matches_data<Net, T, F, O>) {  // here too: one message, not a deeper one
        static_assert(detail::always_false<Net>, CTNN_MSG_FIT_DATA);
        return {};
    } else if constexpr (fit_stack_bytes<Net, Batch> > CTNN_FIT_STACK_LIMIT) {
        static_assert(fit_stack_bytes<Net, Batch> <= CTNN_FIT_STACK_LIMIT, CTNN_MSG_FIT_STACK);
        return {};
    } else {
        fit_workspace<Net, Batch> ws{};
        return fit(net, data, loss, optimizer, options, ws, callback);
    }
}

/// fit() with the caller's workspace (static storage or heap: nothing of the
/// batch's size on the stack but the backward pass's temporaries, at most
/// CTNN_FIT_STACK_LIMIT bytes); Batch is the workspace's.
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer, class Callback>
    requires std::invocable<Callback&, const epoch_report&>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options, fit_workspace<Net, Batch>& workspace, Callback&& callback) noexcept {
    if constexpr (Batch == 0) {
        static_assert(Batch > 0, CTNN_MSG_FIT_BATCH);
        return {};
    } else if constexpr (!detail::matches_data<Net, T, F, O>) {
        static_assert(detail::always_false<Net>, CTNN_MSG_FIT_DATA);
        return {};
    } else if constexpr (fit_workspace_stack_bytes<Net, Batch> > CTNN_FIT_STACK_LIMIT) {
        static_assert(fit_workspace_stack_bytes<Net, Batch> <= CTNN_FIT_STACK_LIMIT, CTNN_MSG_FIT_STACK_BACKWARD);
        return {};
    } else {
        return detail::fit_with(net, data, loss, optimizer, options, workspace, callback);
    }
}

/// fit() without a per-epoch callback
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options) noexcept {
    return fit<Batch>(net, data, loss, optimizer, options, [](const epoch_report&) {});
}

/// fit() with the caller's workspace, without a per-epoch callback
template <size_t Batch, class Net, class T, size_t F, size_t O, class Loss, class Optimizer>
constexpr epoch_report fit(Net& net, const dataset_view<T, F, O>& data, const Loss& loss, Optimizer& optimizer,
                           const fit_options& options, fit_workspace<Net, Batch>& workspace) noexcept {
    return fit<Batch>(net, data, loss, optimizer, options, workspace, [](const epoch_report&) {});
}

/// Mean loss, accuracy and confusion counts of net on data, predicting Batch
/// samples at a time. A sample whose output is NaN or infinite counts as
/// unclassified (and its loss makes the mean loss NaN).
template <size_t Batch = 32, class Net, class T, size_t F, size_t O, class Loss>
constexpr evaluation<O> evaluate(const Net& net, const dataset_view<T, F, O>& data, const Loss& loss) noexcept {
    evaluation<O> e{};
    if constexpr (!detail::matches_data<Net, T, F, O>) {
        static_assert(detail::always_false<Net>, CTNN_MSG_EVALUATE_DATA);
    } else if constexpr (evaluate_stack_bytes<Net, Batch> > CTNN_FIT_STACK_LIMIT) {
        static_assert(evaluate_stack_bytes<Net, Batch> <= CTNN_FIT_STACK_LIMIT, CTNN_MSG_EVALUATE_STACK);
    } else {
        if (!data.valid() || data.size() == 0) {
            e.fault = data.valid() ? training_fault::no_batch : training_fault::bad_data;
            e.loss = e.accuracy = detail::nan;
            return e;
        }
        double loss_total = 0;
        size_t correct = 0;
        for (size_t first = 0; first < data.size(); first += Batch) {
            const size_t count = data.size() - first < Batch ? data.size() - first : Batch;
            matrix<T, F, Batch> x{};
            matrix<T, O, Batch> y{};
            data.copy_batch([&](size_t j) { return first + j; }, count, x, y);
            const auto out = net.predict(x);
            loss_total += detail::loss_sum(loss, out, y, count);
            correct += detail::count_correct(out, y, count, e.unclassified,
                                             [&](size_t actual, size_t predicted) { ++e.confusion[actual][predicted]; });
        }
        e.samples = data.size();
        e.loss = loss_total / static_cast<double>(data.size());
        e.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
    }
    return e;
}

} // namespace ctnn

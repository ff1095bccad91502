// io/data.hpp — host-only: preparing a loaded data set for training: a
// deterministic stratified train/test split, standardisation fitted on the
// training part only, and owned storage that fit() and evaluate() can view.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <ctnn/init.hpp>
#include <ctnn/io/csv.hpp>
#include <ctnn/train.hpp>

namespace ctnn::io {

/// Samples and their targets in the layout fit() reads, owned; view() lends them.
template <class T, std::size_t Features, std::size_t Outputs>
struct training_set {
    std::vector<T> features;  ///< size() x Features
    std::vector<T> targets;   ///< size() x Outputs
    std::size_t size() const noexcept { return features.size() / Features; }
    dataset_view<T, Features, Outputs> view() const noexcept {
        return dataset_view<T, Features, Outputs>::samples_as_rows(features, targets);
    }
};

/// the training layout of a classification data set
template <class T, std::size_t F, std::size_t C, std::size_t O>
training_set<T, F, O> to_training_set(const classification_data<T, F, C, O>& d) {
    return {d.features, d.targets()};
}

/// Splits d into a training and a test part, class by class, so that each part
/// has the classes in the proportions of d: in every class, a seeded shuffle
/// of its samples sends round(test_fraction · count) of them to the test part.
/// Deterministic: the same seed gives the same split on every platform.
template <class T, std::size_t F, std::size_t C, std::size_t O>
std::pair<classification_data<T, F, C, O>, classification_data<T, F, C, O>>
stratified_split(const classification_data<T, F, C, O>& d, double test_fraction, std::uint64_t seed) {
    classification_data<T, F, C, O> train, test;
    for (std::size_t c = 0; c < C; ++c) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < d.size(); ++i)
            if (d.labels[i] == c) members.push_back(i);
        init::xoshiro256ss rng{seed ^ (0x9e3779b97f4a7c15ULL * (c + 1))};
        for (std::size_t i = members.size(); i > 1; --i)  // Fisher-Yates with an unbiased bound
            std::swap(members[i - 1], members[static_cast<std::size_t>(rng() % i)]);
        const auto n_test = static_cast<std::size_t>(std::lround(test_fraction * double(members.size())));
        for (std::size_t k = 0; k < members.size(); ++k) {
            auto& part = k < n_test ? test : train;
            const std::size_t i = members[k];
            part.features.insert(part.features.end(), d.features.begin() + std::ptrdiff_t(i * F),
                                 d.features.begin() + std::ptrdiff_t((i + 1) * F));
            part.labels.push_back(c);
        }
    }
    return {std::move(train), std::move(test)};
}

/// Per-feature standardisation x' = (x − mean) / std, fitted on one data set
/// (the training part) and applied to any; a constant feature gets std 1.
/// Finite data of any magnitude give a finite mean and std (each feature is
/// scaled by a power of two, which is exact, so values near ±1e308 do not
/// overflow); apply() refuses, and changes nothing, when the standardizer was
/// fitted on NaN or infinite values or a result does not fit in T.
template <class T, std::size_t F>
struct standardizer {
    double mean[F]{};
    double scale[F]{};

    template <std::size_t C, std::size_t O>
    static standardizer fit(const classification_data<T, F, C, O>& d) {
        standardizer s;
        const std::size_t n = d.size();
        for (std::size_t f = 0; f < F; ++f) {
            double largest = 0;
            for (std::size_t i = 0; i < n; ++i) largest = std::fmax(largest, std::fabs(double(d.features[i * F + f])));
            if (!std::isfinite(largest)) {  // NaN or inf in the data: apply() reports it
                s.mean[f] = std::numeric_limits<double>::quiet_NaN();
                s.scale[f] = 1.0;
                continue;
            }
            if (largest == 0) {
                s.scale[f] = 1.0;
                continue;
            }
            // x / 2^e lies in [-1, 1]: its mean and deviations cannot overflow
            int e = 0;
            std::frexp(largest, &e);
            double mean = 0;
            for (std::size_t i = 0; i < n; ++i) mean += std::ldexp(double(d.features[i * F + f]), -e);
            mean /= double(n);
            double var = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const double dev = std::ldexp(double(d.features[i * F + f]), -e) - mean;
                var += dev * dev;
            }
            var /= double(n);
            s.mean[f] = std::ldexp(mean, e);
            const double sd = std::ldexp(std::sqrt(var), e);  // at most largest: finite
            s.scale[f] = sd > 0 ? sd : 1.0;
        }
        return s;
    }

    /// Standardises d in place. Returns an error and leaves d as it was when a
    /// feature was fitted on non-finite data or a result is not finite in T.
    template <std::size_t C, std::size_t O>
    status apply(classification_data<T, F, C, O>& d) const {
        const std::string who = "standardizer";
        if (d.features.size() != d.size() * F)
            return detail::fail(who, 0, 0, detail::cat(d.features.size(), " feature values for ", d.size(), " samples of ", F));
        for (std::size_t f = 0; f < F; ++f)
            if (!std::isfinite(mean[f]) || !std::isfinite(scale[f]) || !(scale[f] > 0))
                return detail::fail(who, 0, 0, detail::cat("feature ", f, " was fitted on NaN or infinite values"));
        std::vector<T> out(d.features.size());
        for (std::size_t i = 0; i < d.size(); ++i)
            for (std::size_t f = 0; f < F; ++f) {
                const double x = double(d.features[i * F + f]);
                double z = (x - mean[f]) / scale[f];
                if (!std::isfinite(z) && std::isfinite(x))  // x − mean overflowed: halve both, exactly
                    z = (x / 2 - mean[f] / 2) / (scale[f] / 2);
                const T v = static_cast<T>(z);
                if (!std::isfinite(v)) {
                    const std::string_view what = std::isfinite(x) ? "the standardised value is out of the range of "
                                                                   : "the value is not finite in ";
                    return detail::fail(who, 0, 0, detail::cat("sample ", i, ", feature ", f, ": ", what,
                                                               detail::number_type_name<T>()));
                }
                out[i * F + f] = v;
            }
        d.features = std::move(out);
        return {};
    }
};

} // namespace ctnn::io

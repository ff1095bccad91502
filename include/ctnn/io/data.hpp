// io/data.hpp — host-only: preparing a loaded data set for training: a
// deterministic stratified train/test split, standardisation fitted on the
// training part only, and owned storage that fit() and evaluate() can view.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
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
template <class T, std::size_t F>
struct standardizer {
    double mean[F]{};
    double scale[F]{};

    template <std::size_t C, std::size_t O>
    static standardizer fit(const classification_data<T, F, C, O>& d) {
        standardizer s;
        const double n = double(d.size());
        for (std::size_t i = 0; i < d.size(); ++i)
            for (std::size_t f = 0; f < F; ++f) s.mean[f] += double(d.features[i * F + f]) / n;
        for (std::size_t f = 0; f < F; ++f) {
            double var = 0;
            for (std::size_t i = 0; i < d.size(); ++i) {
                const double dev = double(d.features[i * F + f]) - s.mean[f];
                var += dev * dev / n;
            }
            s.scale[f] = var > 0 ? std::sqrt(var) : 1.0;
        }
        return s;
    }

    template <std::size_t C, std::size_t O>
    void apply(classification_data<T, F, C, O>& d) const {
        for (std::size_t i = 0; i < d.size(); ++i)
            for (std::size_t f = 0; f < F; ++f)
                d.features[i * F + f] = static_cast<T>((double(d.features[i * F + f]) - mean[f]) / scale[f]);
    }
};

} // namespace ctnn::io

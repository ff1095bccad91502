// io_data.test.cpp — the stratified split keeps class proportions, uses every
// sample exactly once and is deterministic; the standardizer is fitted on the
// training part only.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <ctnn/io/data.hpp>

namespace io = ctnn::io;

TEST_CASE("stratified split: proportions per class, every sample once, deterministic", "[io]") {
    io::classification_data<double, 64, 10> digits;
    REQUIRE(io::load_csv(CTNN_TEST_DATA_DIR "/../examples/data/digits.csv", digits));
    const auto [train, test] = io::stratified_split(digits, 0.2, 0);
    REQUIRE(train.size() + test.size() == digits.size());
    std::size_t all[10]{}, in_test[10]{};
    for (auto l : digits.labels) ++all[l];
    for (auto l : test.labels) ++in_test[l];
    for (std::size_t c = 0; c < 10; ++c) REQUIRE(in_test[c] == std::size_t(std::lround(0.2 * double(all[c]))));
    // every sample once: the multiset of feature rows is preserved
    auto rows = [](const auto& d) {
        std::multiset<std::vector<double>> r;
        for (std::size_t i = 0; i < d.size(); ++i)
            r.insert(std::vector<double>(d.features.begin() + std::ptrdiff_t(i * 64), d.features.begin() + std::ptrdiff_t((i + 1) * 64)));
        return r;
    };
    auto joined = rows(train);
    for (const auto& r : rows(test)) joined.insert(r);
    REQUIRE(joined == rows(digits));
    const auto [train2, test2] = io::stratified_split(digits, 0.2, 0);
    REQUIRE(train2.features == train.features);
    REQUIRE(test2.labels == test.labels);
    const auto [train3, test3] = io::stratified_split(digits, 0.2, 1);
    REQUIRE(test3.features != test.features);
}

TEST_CASE("standardizer: fitted on the training part, applied to both", "[io]") {
    io::classification_data<double, 2, 2> train, test;
    train.features = {1, 10, 3, 10, 5, 10};  // feature 0: mean 3, std sqrt(8/3); feature 1 constant
    train.labels = {0, 1, 0};
    test.features = {3, 20};
    test.labels = {1};
    const auto s = io::standardizer<double, 2>::fit(train);
    REQUIRE(s.mean[0] == Approx(3.0));
    REQUIRE(s.scale[0] == Approx(std::sqrt(8.0 / 3.0)));
    REQUIRE(s.scale[1] == 1.0);  // constant feature: no division by zero
    s.apply(train);
    s.apply(test);
    REQUIRE(train.features[0] == Approx(-2.0 / std::sqrt(8.0 / 3.0)));
    REQUIRE(train.features[1] == 0.0);
    REQUIRE(test.features[0] == Approx(0.0).margin(1e-15));  // the test part uses the training statistics
    REQUIRE(test.features[1] == 10.0);
}

TEST_CASE("standardizer: finite data near the largest double give finite statistics and values", "[io]") {
    // three values c - d, c, c + d: mean c, std d·sqrt(2/3), standardised -sqrt(3/2), 0, sqrt(3/2);
    // (c + d)² and even c + d (over 1.8e308) overflow a naive computation
    const double c = 1e308, d = 0.7e308;
    io::classification_data<double, 2, 2> data;
    data.features = {c - d, 1.5e308, c, -1.5e308, c + d, 1.5e308};
    data.labels = {0, 1, 0};
    const auto s = io::standardizer<double, 2>::fit(data);
    CHECK(s.mean[0] == Approx(c).epsilon(1e-15));
    CHECK(s.scale[0] == Approx(d * std::sqrt(2.0 / 3.0)).epsilon(1e-15));
    CHECK(std::isfinite(s.mean[1]));
    // feature 1: 1.5, -1.5, 1.5 (e308): mean 0.5, deviations 1, -2, 1, std sqrt(2)
    CHECK(s.mean[1] == Approx(0.5e308).epsilon(1e-15));
    CHECK(s.scale[1] == Approx(std::sqrt(2.0) * 1e308).epsilon(1e-15));
    REQUIRE(s.apply(data));
    CHECK(data.features[0] == Approx(-std::sqrt(1.5)).epsilon(1e-14));
    CHECK(data.features[2] == Approx(0.0).margin(1e-14));
    CHECK(data.features[4] == Approx(std::sqrt(1.5)).epsilon(1e-14));
    CHECK(data.features[3] == Approx(-2 / std::sqrt(2.0)).epsilon(1e-14));
    for (double v : data.features) CHECK(std::isfinite(v));
    // a value far outside the training range that overflows x − mean: still exact
    io::classification_data<double, 2, 2> far;
    far.features = {-1.7e308, 0.0};
    far.labels = {0};
    REQUIRE(s.apply(far));
    CHECK(far.features[0] == Approx((-1.7e308 / 2 - c / 2) / (s.scale[0] / 2)).epsilon(1e-15));
}

TEST_CASE("standardizer: apply refuses, and changes nothing, for non-finite statistics or results", "[io]") {
    io::classification_data<double, 2, 2> bad;
    bad.features = {1, std::nan(""), 2, 3};
    bad.labels = {0, 1};
    const auto s = io::standardizer<double, 2>::fit(bad);
    auto copy = bad;
    auto st = s.apply(copy);
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.what() == "standardizer: feature 1 was fitted on NaN or infinite values");
    CHECK(copy.features[0] == 1);
    CHECK(copy.features[2] == 2);

    // float: a result too large for float is an error, not infinity
    io::classification_data<float, 1, 2> train, test;
    train.features = {0.0f, 2e-30f};
    train.labels = {0, 1};
    test.features = {1.0f, 1e30f};
    test.labels = {0, 1};
    const auto f = io::standardizer<float, 1>::fit(train);
    st = f.apply(test);
    REQUIRE(!st);
    CHECK(st.error.message == "sample 1, feature 0: the standardised value is out of the range of float");
    CHECK(test.features == std::vector<float>{1.0f, 1e30f});
    REQUIRE(f.apply(train));
    CHECK(train.features == std::vector<float>{-1.0f, 1.0f});
}

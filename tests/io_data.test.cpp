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

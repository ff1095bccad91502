// fpenv.test.cpp — ctnn::flush_subnormals: subnormal inputs read as zero and
// subnormal results become zero while the guard lives, and only then; nested
// guards restore the mode they found; a network's predict on subnormal inputs
// gives, under the guard, the bits of its predict on zeros.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <limits>

#include <ctnn/ctnn.hpp>

namespace {
// volatile: the products must happen at run time, under the mode in force
volatile float tiny_input = 1e-40f;  // subnormal
volatile float small_a = 1e-20f, small_b = 1e-20f;  // product 1e-40: subnormal

float product_of_tiny() { return tiny_input * 1.0f; }
float subnormal_product() { return small_a * small_b; }
bool is_subnormal(float v) { return v != 0 && std::fabs(v) < std::numeric_limits<float>::min(); }
} // namespace

TEST_CASE("flush_subnormals: subnormals are zero inside the scope, as they were after it") {
    if (!ctnn::can_flush_subnormals) {
        WARN("this target has no flush-to-zero mode");
        return;
    }
    REQUIRE(is_subnormal(tiny_input));
    REQUIRE(is_subnormal(product_of_tiny()));
    REQUIRE(is_subnormal(subnormal_product()));
    {
        const ctnn::flush_subnormals ftz;
        CHECK(product_of_tiny() == 0.0f);     // input treated as zero
        CHECK(subnormal_product() == 0.0f);  // result flushed
        CHECK(small_a * 2.0f == 2e-20f);     // normal numbers untouched
        {
            const ctnn::flush_subnormals inner;
            CHECK(subnormal_product() == 0.0f);
        }
        CHECK(subnormal_product() == 0.0f);  // the inner guard restored the outer mode
    }
    CHECK(is_subnormal(product_of_tiny()));
    CHECK(is_subnormal(subnormal_product()));
}

TEST_CASE("flush_subnormals: predict on subnormal inputs gives the bits of predict on zeros") {
    if (!ctnn::can_flush_subnormals) {
        WARN("this target has no flush-to-zero mode");
        return;
    }
    using net_t = ctnn::network<float, ctnn::input<16>, ctnn::dense<32, ctnn::act::tanh>,
                                ctnn::dense<32, ctnn::act::tanh>, ctnn::dense<4, ctnn::act::identity>>;
    static net_t net{};
    net.initialize(7);
    // zero biases: then tiny inputs give tiny outputs (tanh x ~ x), which show
    // whether the subnormals went through
    net.layer<0>().b = {};
    net.layer<1>().b = {};
    net.layer<2>().b = {};
    ctnn::matrix<float, 16, 1> x{}, zeros{};
    for (std::size_t i = 0; i < 16; ++i) x(i, 0) = std::bit_cast<float>(std::uint32_t(1000 + 97977 * i));  // subnormals
    // each predict reads its input from memory the compiler must assume
    // changed (as an audio callback reads its buffer): otherwise it may
    // compute the three once, on either side of the mode switch
    const auto predict = [&](const ctnn::matrix<float, 16, 1>& in) {
        const ctnn::matrix<float, 16, 1>* p = &in;
        __asm__ volatile("" : "+r"(p) : : "memory");
        return net.predict(*p);
    };
    const auto on_zeros = predict(zeros);
    const auto plain = predict(x);
    ctnn::matrix<float, 4, 1> flushed{};
    {
        const ctnn::flush_subnormals ftz;
        flushed = predict(x);
    }
    bool any_nonzero = false;
    for (float v : plain.elems) any_nonzero = any_nonzero || v != 0;
    CHECK(any_nonzero);  // without the guard the subnormals reach the outputs
    CHECK(std::memcmp(flushed.elems, on_zeros.elems, sizeof flushed.elems) == 0);
}

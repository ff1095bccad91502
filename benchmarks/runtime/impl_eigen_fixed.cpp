// impl_eigen_fixed.cpp — hand-written Eigen with fixed-size matrices (impl_eigen.hpp).
#include "impl_eigen.hpp"

namespace bench {
namespace {
template <class Case>
using eigen_fixed_runner = eigen_impl::runner<true, Case>;
} // namespace

void add_eigen_fixed(registry& r) { add_implementation<eigen_fixed_runner>(r, "eigen_fixed"); }

} // namespace bench

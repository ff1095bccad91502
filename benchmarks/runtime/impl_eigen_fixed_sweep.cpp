// impl_eigen_fixed_sweep.cpp — hand-written Eigen with fixed-size matrices (impl_eigen.hpp):
// the width sweep (a translation unit of its own: fixed-size Eigen is slow to compile).
#include "impl_eigen.hpp"

namespace bench {
namespace {
template <class Case>
using eigen_fixed_runner = eigen_impl::runner<true, Case>;
} // namespace

void add_eigen_fixed_sweep(registry& r) { add_implementation<eigen_fixed_runner, part::sweep>(r, "eigen_fixed"); }

} // namespace bench

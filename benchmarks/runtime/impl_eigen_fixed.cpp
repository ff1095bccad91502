// impl_eigen_fixed.cpp — hand-written Eigen with fixed-size matrices (impl_eigen.hpp):
// the three named networks.
#include "impl_eigen.hpp"

namespace bench {
namespace {
template <class Case>
using eigen_fixed_runner = eigen_impl::runner<true, Case>;
} // namespace

// the width sweep is in impl_eigen_fixed_sweep.cpp: fixed-size Eigen is slow to compile
void add_eigen_fixed(registry& r) { add_implementation<eigen_fixed_runner, part::named>(r, "eigen_fixed"); }

} // namespace bench

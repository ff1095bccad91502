// impl_eigen_dynamic.cpp — the same hand-written Eigen with MatrixXf / VectorXf,
// every buffer allocated once, outside the timed loop (impl_eigen.hpp).
#include "impl_eigen.hpp"

namespace bench {
namespace {
template <class Case>
using eigen_dynamic_runner = eigen_impl::runner<false, Case>;
} // namespace

void add_eigen_dynamic(registry& r) { add_implementation<eigen_dynamic_runner>(r, "eigen_dynamic"); }

} // namespace bench

// budget.hpp — the RAM a network needs, checked against a budget at compile time.
//
//   using Net = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
//                             ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1, ctnn::act::sigmoid>>;
//   static_assert(ctnn::fits_ram_budget<ctnn::training_ram_bytes<Net, 8, ctnn::optim::adam<Net>>, 1024>());
//
// An overrun is a compile error that starts `ctnn: ` and shows both numbers
// (here g++ 12: "the comparison reduces to '(1392 <= 1024)'"; clang++ 14:
// "due to requirement '1392UL <= 1024UL'"; tests/compile_fail/ram_budget.cpp).
#pragma once

#include <ctnn/config.hpp>
#include <ctnn/diagnostics.hpp>

namespace ctnn {

/// Bytes of RAM that training Net with batches of Batch samples needs: the
/// parameters (Net::parameter_bytes), one training step (Net::training_step_bytes:
/// forward cache, gradients and backward temporaries) and the optimiser object
/// with its state (sizeof(Optimizer): a learning rate for optim::sgd, two sets
/// of moments for optim::adam<Net>).
template <class Net, size_t Batch, class Optimizer>
inline constexpr size_t training_ram_bytes =
    Net::parameter_bytes + Net::template training_step_bytes<Batch> + sizeof(Optimizer);

/// Compile-time check that NeededBytes fit in BudgetBytes; use it inside
/// static_assert. It is a compile error (with a `ctnn: ` message naming both
/// numbers) when they do not, and true otherwise.
template <size_t NeededBytes, size_t BudgetBytes>
constexpr bool fits_ram_budget() noexcept {
    static_assert(NeededBytes <= BudgetBytes, CTNN_MSG_RAM_BUDGET);
    return true;
}

} // namespace ctnn

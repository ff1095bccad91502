// diagnostics.hpp — the one place of ctnn's compile-time diagnostics: the
// device that makes each mistake one message, and the messages of the core.
//
// The device. Every rule is checked where the user's call enters the library,
// as the first branches of an if constexpr chain:
//
//     if constexpr (Rows != input_width) {
//         static_assert(Rows == input_width, CTNN_MSG_FORWARD_INPUT_WIDTH);
//         return out_batch{};            // a value of the shape the caller most likely meant
//     } else if constexpr (...) {        // the next rule
//     } else {
//         ...                            // the arithmetic, instantiated only when every rule holds
//     }
//
// A failed rule's branch is the only one instantiated, so the compiler stops
// after its message instead of going on into the arithmetic with a wrong
// shape (Hana's dispatch_if and Eigen's StaticAssert.h do the same). A rule
// whose condition does not depend on the call is written with
// always_false<...>, which depends on it. Types that are themselves wrong
// (network<int, ...>, dense<0>) stand in for something valid behind their
// one message (the network's safe element type, detail/chain.hpp's
// rejected_layer), so that nothing else reports them again.
//
// The messages. Each starts `ctnn: `, says the rule and the usual fix, and
// is here once, however many places check it. A layer kind's own rules
// (dense<0>, a residual block that changes the shape, ...) are checked the same
// way in its accepts() (layer.hpp), with their messages in the layer's header,
// so that a new layer kind stays one header. The compile-fail tests
// (tests/compile_fail/) check that each message appears, alone, in at most 15
// lines of compiler output.
#pragma once

namespace ctnn::detail {
/// false, dependent on Ts: for a static_assert in a branch that only a mistake instantiates
template <class...>
inline constexpr bool always_false = false;
} // namespace ctnn::detail

// Matrices (matrix.hpp)

#define CTNN_MSG_MATRIX_ELEMENT_TYPE "ctnn: matrix elements must be float or double"
#define CTNN_MSG_MATRIX_EMPTY "ctnn: a matrix needs at least one row and one column"
#define CTNN_MSG_ASSIGN_MATRIX_SHAPE \
    "ctnn: cannot assign a matrix of another shape; parameters and gradients must come from a layer " \
    "of the same shape"
#define CTNN_MSG_ASSIGN_MATRIX_TYPE "ctnn: cannot assign a matrix of another element type; convert explicitly with ctnn::cast<T>(m)"
#define CTNN_MSG_PRODUCT_TYPES "ctnn: matrix product of different element types; use one type (float or double) throughout"
#define CTNN_MSG_PRODUCT_TRANSPOSE_B \
    "ctnn: a * b needs a.cols == b.rows; a and b have the same number of columns, so a * transpose(b)" \
    " was likely meant, as in dW = dZ * transpose(A_prev)"
#define CTNN_MSG_PRODUCT_TRANSPOSE_A \
    "ctnn: a * b needs a.cols == b.rows; a and b have the same number of rows, so transpose(a) * b " \
    "was likely meant, as in dA_prev = transpose(W) * dZ"
#define CTNN_MSG_PRODUCT_SHAPES \
    "ctnn: a * b needs a.cols == b.rows; for dW = dZ * A_prev^T write dZ * transpose(A_prev), for " \
    "dA_prev = W^T * dZ write transpose(W) * dZ"
#define CTNN_MSG_ADD_SHAPES \
    "ctnn: a + b needs two matrices of the same shape; to add a bias to every column write " \
    "add_bias(Z, b)"
#define CTNN_MSG_ADD_TYPES "ctnn: a + b of different element types; use one type throughout"
#define CTNN_MSG_SUB_SHAPES \
    "ctnn: a - b needs two matrices of the same shape (for dZ = A - Y: the output A and the labels Y " \
    "must both be outputs x batch)"
#define CTNN_MSG_SUB_TYPES "ctnn: a - b of different element types; use one type throughout"
#define CTNN_MSG_HADAMARD_SHAPES \
    "ctnn: hadamard(a, b) needs two matrices of the same shape; in dZ = dA (.) g'(Z) take dA and Z " \
    "from the same layer"
#define CTNN_MSG_HADAMARD_TYPES "ctnn: hadamard(a, b) of different element types; use one type throughout"
#define CTNN_MSG_ADD_ASSIGN "ctnn: a += b needs two matrices of the same shape and element type"
#define CTNN_MSG_SUB_ASSIGN "ctnn: a -= b needs two matrices of the same shape and element type"
#define CTNN_MSG_BROADCAST_COLUMN "ctnn: broadcast<Cols>(b) repeats a column vector; b must be R x 1"
#define CTNN_MSG_ADD_BIAS "ctnn: add_bias(Z, b) needs b to be a column of Z.rows elements of Z's type"

// Networks (network.hpp, detail/chain.hpp)

#define CTNN_MSG_GRADS_LAYER_INDEX "ctnn: grads.layer<I>() index out of range; layers are numbered 0 .. depth-1"
#define CTNN_MSG_CACHE_LAYER_INDEX "ctnn: cache.layer<I>() index out of range; layers are numbered 0 .. depth-1"
#define CTNN_MSG_NETWORK_ELEMENT_TYPE "ctnn: network<T, ...> needs T = float or double"
#define CTNN_MSG_NETWORK_INPUT "ctnn: a network starts with ctnn::input<N>, the number of input features"
#define CTNN_MSG_INPUT_EMPTY "ctnn: input<0> has no features; the input width must be at least 1"
#define CTNN_MSG_NETWORK_NO_LAYERS "ctnn: a network needs at least one layer after its input"
#define CTNN_MSG_NET_LAYER_INDEX \
    "ctnn: net.layer<I>() index out of range; layers are numbered 0 .. depth-1 and the input is not a" \
    " layer"
#define CTNN_MSG_ASSIGN_NETWORK \
    "ctnn: cannot assign the parameters of a network of another shape or element type; both networks " \
    "must have the same ctnn::network<...> type"
#define CTNN_MSG_FORWARD_CONST_STATE \
    "ctnn: forward(X) of a network with dropout or batch_norm updates their state (random stream, " \
    "running statistics): call it on a non-const network, or predict(X) for inference"
#define CTNN_MSG_FORWARD_INTO_CONST_STATE \
    "ctnn: forward_into(X, cache) of a network with dropout or batch_norm updates their state (random" \
    " stream, running statistics): call it on a non-const network"
#define CTNN_MSG_PREDICT_INPUT_WIDTH \
    "ctnn: predict(X) needs X.rows == the network's input width (X is features x batch, one sample " \
    "per column)"
#define CTNN_MSG_PREDICT_INPUT_TYPE "ctnn: predict(X) needs X of the network's element type"
#define CTNN_MSG_BACKWARD_CACHE "ctnn: backward(cache, Y, loss) needs the cache returned by this network's forward(X)"
#define CTNN_MSG_BACKWARD_LABEL_ROWS \
    "ctnn: backward(cache, Y, loss) needs Y.rows == the network's output width (Y is outputs x batch," \
    " one label column per sample)"
#define CTNN_MSG_BACKWARD_BATCH "ctnn: the batch sizes of X and Y differ; Y needs one column per column of X"
#define CTNN_MSG_BACKWARD_LABEL_TYPE "ctnn: backward needs Y of the network's element type"
#define CTNN_MSG_FORWARD_INPUT_WIDTH \
    "ctnn: forward(X) needs X.rows == the network's input width (X is features x batch, one sample " \
    "per column)"
#define CTNN_MSG_FORWARD_INPUT_TYPE "ctnn: forward(X) needs X of the network's element type"
#define CTNN_MSG_FORWARD_INTO_CACHE "ctnn: forward_into(X, cache) needs this network's cache_type<M>, M = X.cols"
#define CTNN_MSG_TRAINING_BATCH \
    "ctnn: a layer of this network trains on batches of at least min_training_batch samples " \
    "(batch_norm: 2, the variance of one sample is 0); give forward(X) a larger batch, or use " \
    "predict(X), which takes any"

// Optimisers, training, budgets (optim.hpp, train.hpp, budget.hpp)

#define CTNN_MSG_STEP_GRADIENTS \
    "ctnn: opt.step(net, grads) needs gradients of this network's shape; pass what net.backward(...) " \
    "returned for this network"
#define CTNN_MSG_FIT_BATCH "ctnn: fit<Batch> needs a batch of at least one sample"
#define CTNN_MSG_FIT_DATA "ctnn: fit needs a data set with the network's input width, output width and element type"
#define CTNN_MSG_EVALUATE_DATA "ctnn: evaluate needs a data set with the network's input width, output width and element type"
#define CTNN_MSG_FIT_STACK \
    "ctnn: fit<Batch> would put more than CTNN_FIT_STACK_LIMIT bytes on the stack (fit_stack_bytes<Net, " \
    "Batch>); keep a ctnn::fit_workspace<Net, Batch> in static or heap storage and pass it after the " \
    "options: fit(net, data, loss, opt, options, workspace), or use a smaller batch"
#define CTNN_MSG_FIT_STACK_BACKWARD \
    "ctnn: the backward pass of fit<Batch> needs more than CTNN_FIT_STACK_LIMIT bytes of stack even " \
    "with a workspace (Net::backward_temporary_bytes<Batch>); use a smaller batch, or define " \
    "CTNN_FIT_STACK_LIMIT larger if the thread's stack holds it"
#define CTNN_MSG_EVALUATE_STACK \
    "ctnn: evaluate<Batch> would put more than CTNN_FIT_STACK_LIMIT bytes on the stack " \
    "(evaluate_stack_bytes<Net, Batch>); use a smaller Batch: the results do not depend on it"
#define CTNN_MSG_RAM_BUDGET \
    "ctnn: the network needs more RAM than its budget (NeededBytes > BudgetBytes); use a smaller " \
    "batch or narrower layers, or grant a larger budget"

// Losses (losses.hpp)

#define CTNN_MSG_LOSS_VALUE_SHAPES "ctnn: loss.value(A, Y) needs A and Y of one shape and type: outputs x batch"
#define CTNN_MSG_BCE_OUTPUT \
    "ctnn: binary_cross_entropy needs a sigmoid output layer (its gradient dZ = A - Y holds only for " \
    "sigmoid); use dense<N, act::sigmoid> or loss::mse"
#define CTNN_MSG_CE_OUTPUT \
    "ctnn: cross_entropy needs a softmax output layer (its gradient dZ = A - Y holds only for " \
    "softmax); use dense<N, act::softmax> or loss::mse"

#define CTNN_MSG_SOFTMAX_ONE_UNIT \
    "ctnn: softmax over one unit always outputs 1 (no gradient, cross-entropy always 0); for one " \
    "output use dense<1, act::sigmoid> with loss::binary_cross_entropy, or give softmax 2 units or more"

// Networks (network.hpp, detail/chain.hpp)

#define CTNN_MSG_NOT_A_LAYER \
    "ctnn: every layer after the input must be a layer description such as ctnn::dense<Units, Act> (a" \
    " type with accepts<Shape>() and bind<T, Shape>)"

// Layers (layer.hpp): a bound layer that breaks the layer concept
#define CTNN_MSG_LAYER_TYPES \
    "ctnn: a layer (D::bind<T, Shape>) needs value_type, input_shape, output_shape, gradients_type, " \
    "cache_type<M> and parameter_count (layer.hpp, the minimal complete definition)"
#define CTNN_MSG_LAYER_CACHE_OUTPUT \
    "ctnn: a layer's cache_type<M> needs output(), the layer's output for the next layer (layer.hpp)"
#define CTNN_MSG_LAYER_PREDICT \
    "ctnn: a layer needs predict(x) -> its output for a batch, as a const member (layer.hpp)"
#define CTNN_MSG_LAYER_FORWARD "ctnn: a layer needs forward(x, cache), which fills its cache_type<M> (layer.hpp)"
#define CTNN_MSG_LAYER_BACKWARD \
    "ctnn: a layer needs backward(cache, x, dy, grads, batch_scale) -> dx, a batch of its input shape " \
    "(layer.hpp)"
#define CTNN_MSG_LAYER_VISIT \
    "ctnn: a layer needs a static visit(layer, f, grads...) that calls f(info, parameter, gradient...) for " \
    "each parameter (layer.hpp)"

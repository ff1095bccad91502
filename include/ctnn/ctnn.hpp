// ctnn.hpp — the umbrella header: the whole core (no I/O, no heap, no exceptions).
#pragma once

#include <ctnn/config.hpp>
#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>
#include <ctnn/activations.hpp>
#include <ctnn/losses.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/dense.hpp>
#include <ctnn/activation_layer.hpp>
#include <ctnn/dropout.hpp>
#include <ctnn/batch_norm.hpp>
#include <ctnn/prelu.hpp>
#include <ctnn/residual.hpp>
#include <ctnn/init.hpp>
#include <ctnn/network.hpp>
#include <ctnn/fold.hpp>
#include <ctnn/optim.hpp>
#include <ctnn/train.hpp>
#include <ctnn/budget.hpp>
#include <ctnn/fpenv.hpp>

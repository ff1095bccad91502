// seed_net.hpp — the seeds' 2-3-3-1 network, as the firmware expects it.
// export_moons.cpp trains one; infer_moons.cpp checks that the generated
// models::moons is of exactly this type.
#pragma once

#include <ctnn/dense.hpp>
#include <ctnn/network.hpp>

using seed_net = ctnn::network<float,
                               ctnn::input<2>,
                               ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<1, ctnn::act::sigmoid>>;

#!/usr/bin/env python3
"""Makes the fixed, seeded PyTorch models of the export test (run at build time
by tests/export/CMakeLists.txt with a python3 that has torch) and PyTorch's own
outputs for them:

  OUT/mlp.pt         torch.save(module): 4-8-8-3 ReLU / Tanh / Softmax(dim=1), float32,
                     trained 30 Adam steps on random 3-class data
  OUT/seed_state.pt  torch.save(state_dict): the seed 2-3-3-1 network
                     (exported with --activations relu,relu,sigmoid), trained on XOR
  OUT/mixed.pt       torch.save(module), float64: Linear(bias=False), LeakyReLU(0.125),
                     Dropout, Linear, Linear (no activation between: identity),
                     LeakyReLU() (slope 0.01), Identity, Linear, Sigmoid
  OUT/edges.pt       torch.save(module), float32: one Linear(4, 3) holding -0, subnormals, FLT_MAX
  OUT/kinds.pt       torch.save(module), float32: Linear, GELU(tanh), BatchNorm1d, PReLU, Dropout(0.25),
                     Linear, ELU, Softplus, Linear, Hardtanh, SiLU, Linear, Softmax: every layer kind
                     the exporter maps, trained 20 Adam steps (running statistics moved)
  OUT/folded.pt      torch.save(module), float32: Linear, BatchNorm1d, ReLU, Linear, trained 20 Adam
                     steps: exported with the BatchNorm1d folded into the first Linear, and kept
  OUT/bad_layer.pt       a Sequential with LayerNorm (must be rejected)
  OUT/bad_activation.pt  a Sequential with the exact GELU (must be rejected: ctnn's is the tanh form)
  OUT/bad_slope.pt       LeakyReLU(1e-12): no int Num/Den gives that slope (must be rejected)
  OUT/<model>.expected   'x rows cols values' then 'y rows cols values': fixed inputs
                         (one sample per column, as ctnn) and the model's outputs
                         computed by torch, as C hex floats

usage: make_models.py OUT
"""
import os
import sys

import torch
import torch.nn as nn


def hex_matrix(kind, t):
    """t is (features, samples): ctnn's layout"""
    rows, cols = t.shape
    return f"{kind} {rows} {cols} " + " ".join(float.hex(float(v)) for v in t.reshape(-1).tolist()) + "\n"


def write_expected(path, model, x):
    """x is (batch, features) as PyTorch takes it; written transposed (ctnn's layout)"""
    model.eval()
    with torch.no_grad():
        y = model(x)
    with open(path, "w") as f:
        f.write(hex_matrix("x", x.T))
        f.write(hex_matrix("y", y.T))


def train(model, x, y, loss, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2024)

    # 4-8-8-3 relu / tanh / softmax; trained on logits so Softmax stays in the module
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3), nn.Softmax(dim=1))
    x = torch.randn(32, 4)
    labels = torch.randint(0, 3, (32,))
    train(mlp, x, labels, lambda p, t: nn.functional.nll_loss(torch.log(p), t), 30, 1e-2)
    torch.save(mlp, os.path.join(out, "mlp.pt"))
    write_expected(os.path.join(out, "mlp.expected"), mlp, torch.randn(16, 4) * 2)

    # the seed network as a state dict
    seed = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())
    xor_x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    xor_y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    train(seed, xor_x, xor_y, nn.BCELoss(), 100, 5e-2)
    torch.save(seed.state_dict(), os.path.join(out, "seed_state.pt"))
    write_expected(os.path.join(out, "seed.expected"), seed, torch.rand(16, 2) * 1.5 - 0.25)

    # double precision; no-bias Linear, LeakyReLU slopes, Dropout, Identity, Linear after Linear
    mixed = nn.Sequential(nn.Linear(3, 6, bias=False), nn.LeakyReLU(0.125), nn.Dropout(0.5), nn.Linear(6, 5),
                          nn.Linear(5, 4), nn.LeakyReLU(), nn.Identity(), nn.Linear(4, 2), nn.Sigmoid()).double()
    mx = torch.randn(16, 3, dtype=torch.float64)
    train(mixed, mx, torch.rand(16, 2, dtype=torch.float64), nn.MSELoss(), 10, 1e-2)
    torch.save(mixed, os.path.join(out, "mixed.pt"))
    write_expected(os.path.join(out, "mixed.expected"), mixed, torch.randn(16, 3, dtype=torch.float64) * 2)

    # float edge values: -0, subnormals, the largest and smallest normal float
    edges = nn.Sequential(nn.Linear(4, 3))
    with torch.no_grad():
        edges[0].weight.copy_(torch.tensor([[-0.0, 1.401298464324817e-45, -7.006492321624085e-45, 1.1754943508222875e-38],
                                            [1.1754942106924411e-38, 1 / 3, 1.0000001192092896, 0.9999999403953552],
                                            [16777216.0, -1e-30, 2.305843009213694e18, -1.9999998807907104]]))
        edges[0].bias.copy_(torch.tensor([3.4028234663852886e38, -3.4028234663852886e38, -1.1754943508222875e-38]))
    torch.save(edges, os.path.join(out, "edges.pt"))
    write_expected(os.path.join(out, "edges.expected"), edges, torch.tensor([[0.0, 1, 0, 0], [1, 0.5, 0, 0]]))

    # every layer kind the exporter maps; Softplus after ELU and SiLU after Hardtanh become activation layers
    kinds = nn.Sequential(nn.Linear(4, 6), nn.GELU(approximate="tanh"), nn.BatchNorm1d(6), nn.PReLU(6),
                          nn.Dropout(0.25), nn.Linear(6, 5), nn.ELU(), nn.Softplus(), nn.Linear(5, 6), nn.Hardtanh(),
                          nn.SiLU(), nn.Linear(6, 3), nn.Softmax(dim=1))
    kx = torch.randn(32, 4)
    train(kinds, kx, torch.randint(0, 3, (32,)), lambda p, t: nn.functional.nll_loss(torch.log(p), t), 20, 1e-2)
    torch.save(kinds, os.path.join(out, "kinds.pt"))
    write_expected(os.path.join(out, "kinds.expected"), kinds, torch.randn(16, 4) * 2)

    # a BatchNorm1d right after a Linear without activation: folded by the exporter and by write_header
    folded = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    train(folded, torch.randn(32, 4), torch.randn(32, 3), nn.MSELoss(), 20, 1e-2)
    torch.save(folded, os.path.join(out, "folded.pt"))
    write_expected(os.path.join(out, "folded.expected"), folded, torch.randn(16, 4) * 2)

    torch.save(nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4), nn.ReLU(), nn.Linear(4, 1)),
               os.path.join(out, "bad_layer.pt"))
    torch.save(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 4), nn.GELU(), nn.Linear(4, 1)),
               os.path.join(out, "bad_activation.pt"))
    torch.save(nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(1e-12), nn.Linear(4, 1)), os.path.join(out, "bad_slope.pt"))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))

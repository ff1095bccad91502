#!/usr/bin/python3
"""make_optim_reference.py - optimiser trajectories from torch.optim, for
tests/optim.test.cpp.

Run with Debian's python3-torch:  /usr/bin/python3 tests/reference/make_optim_reference.py
Writes tests/reference/optim_reference.txt (same format as pytorch_reference.txt):
per case the initial W<i>, b<i>, the batch X, Y, and after every step k the
parameters s<k>_W<i>, s<k>_b<i>. Loss: cross-entropy summed over the output
units, mean over the batch (ctnn's definition), on a 3-5-2 tanh/softmax network.
"""
import os
import torch

torch.set_default_dtype(torch.float64)
STEPS = 6

CASES = [
    # name, optimizer factory, description line
    ("sgd_momentum", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), "momentum lr=0.1 beta=0.9 weight_decay=0"),
    ("sgd_momentum_wd", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, weight_decay=0.01),
     "momentum lr=0.05 beta=0.8 weight_decay=0.01"),
    ("adam", lambda p: torch.optim.Adam(p, lr=0.01), "adam lr=0.01 beta1=0.9 beta2=0.999 eps=1e-08 weight_decay=0"),
    ("adam_custom", lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
     "adam lr=0.02 beta1=0.8 beta2=0.99 eps=1e-06 weight_decay=0.05"),
]


def fmt(name, t):
    t = t.detach()
    if t.dim() == 1:
        t = t.reshape(-1, 1)
    vals = " ".join(repr(float(v)) for v in t.reshape(-1).tolist())
    return f"{name} {t.shape[0]} {t.shape[1]} {vals}"


def main():
    out = [f"# made by tests/reference/make_optim_reference.py with torch {torch.__version__}; do not edit"]
    for index, (name, make_opt, desc) in enumerate(CASES):
        g = torch.Generator().manual_seed(100 + index)
        W0 = (torch.rand(5, 3, generator=g) * 2 - 1).requires_grad_()
        b0 = (torch.rand(5, generator=g) * 0.4 - 0.2).requires_grad_()
        W1 = (torch.rand(2, 5, generator=g) * 2 - 1).requires_grad_()
        b1 = (torch.rand(2, generator=g) * 0.4 - 0.2).requires_grad_()
        X = torch.rand(3, 4, generator=g) * 4 - 2  # columns are samples
        labels = torch.tensor([0, 1, 1, 0])
        Y = torch.nn.functional.one_hot(labels, 2).T.to(torch.float64)
        out += [f"case {name}", "arch 3-5-2 tanh softmax", "loss_name cross_entropy", "batch 4", f"optimizer {desc}"]
        out += [fmt("W0", W0), fmt("b0", b0), fmt("W1", W1), fmt("b1", b1), fmt("X", X), fmt("Y", Y)]
        params = [W0, b0, W1, b1]
        opt = make_opt(params)
        for k in range(1, STEPS + 1):
            opt.zero_grad()
            A1 = torch.tanh(W0 @ X + b0[:, None])
            A2 = torch.softmax(W1 @ A1 + b1[:, None], dim=0)
            loss = -(Y * torch.log(A2)).sum(dim=0).mean()
            loss.backward()
            opt.step()
            out += [fmt(f"s{k}_W0", W0), fmt(f"s{k}_b0", b0), fmt(f"s{k}_W1", W1), fmt(f"s{k}_b1", b1)]
        out.append("end")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_reference.txt")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

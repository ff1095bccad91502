#!/usr/bin/python3
"""Reference forward values, losses and gradients for ctnn, computed with PyTorch autograd.

Run with a Python that has torch (here /usr/bin/python3, torch 1.13):

    /usr/bin/python3 tests/reference/make_reference.py

It rewrites tests/reference/pytorch_reference.txt, which tests/pytorch_reference.test.cpp
reads. Everything is torch.float64 and every case has its own fixed seed, so the output
is reproducible.

The losses are written out by hand with ctnn's definitions (NOT PyTorch's default
reductions): the MEAN OVER THE BATCH (columns) of a per-sample loss SUMMED over the
output units.
    mse                  per sample 0.5 * ||a - y||^2
    binary_cross_entropy per sample -sum_units [y log a + (1 - y) log(1 - a)]   (sigmoid output)
    cross_entropy        per sample -sum_units y log a                          (softmax output)
Columns are samples: X is features x m, Z = W X + b with b of shape out x 1.

File format (one item per line, '#' lines are comments):
    case <name>
    arch <n0>-<n1>-...-<nL> <act1>,<act2>,...,<actL>
    loss_name <mse|binary_cross_entropy|cross_entropy>
    batch <m>
    <key> <rows> <cols> v_00 v_01 ... (row-major; values are Python repr(), exact round trip)
    end
Keys: W<i> b<i> (parameters of dense layer i, 0-based), X, Y, A (network output),
loss (1 x 1), dW<i> db<i> (gradients of the batch-mean loss).
"""

import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

ACTS = {
    "identity": lambda z: z,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=0.01),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda z: torch.softmax(z, dim=0),  # per column = per sample
}


def loss_value(name, a, y):
    m = a.shape[1]
    if name == "mse":
        per_sample = 0.5 * ((a - y) ** 2).sum(dim=0)
    elif name == "binary_cross_entropy":
        per_sample = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(dim=0)
    elif name == "cross_entropy":
        per_sample = -(y * torch.log(a)).sum(dim=0)
    else:
        raise ValueError(name)
    assert per_sample.shape == (m,)
    return per_sample.mean()


def labels(kind, out, m, gen):
    if kind == "normal":  # any real targets (identity / tanh outputs with mse)
        return torch.randn(out, m, generator=gen)
    if kind == "unit":  # targets in (0, 1) (sigmoid / softmax outputs with mse)
        return torch.rand(out, m, generator=gen)
    if kind == "binary":  # 0/1 targets for binary cross-entropy
        return (torch.rand(out, m, generator=gen) < 0.5).to(torch.float64)
    if kind == "onehot":  # one-hot columns for categorical cross-entropy
        cls = torch.randint(0, out, (m,), generator=gen)
        return F.one_hot(cls, out).to(torch.float64).T.contiguous()
    raise ValueError(kind)


def try_case(widths, acts, loss, m, ylabel, seed):
    """One draw of parameters and data; returns None if it is too close to a kink or saturated."""
    gen = torch.Generator().manual_seed(seed)
    Ws, bs = [], []
    for i in range(len(acts)):
        fan_in, fan_out = widths[i], widths[i + 1]
        Ws.append((torch.randn(fan_out, fan_in, generator=gen) * (1.5 / fan_in ** 0.5)).requires_grad_())
        bs.append((torch.randn(fan_out, 1, generator=gen) * 0.5).requires_grad_())
    X = torch.randn(widths[0], m, generator=gen)
    Y = labels(ylabel, widths[-1], m, gen)

    a = X
    for W, b, act in zip(Ws, bs, acts):
        z = W @ a + b
        # relu / leaky_relu: keep every pre-activation away from the kink at 0, so that
        # both libraries take the same branch whatever the rounding
        if act in ("relu", "leaky_relu") and z.detach().abs().min().item() < 1e-3:
            return None
        a = ACTS[act](z)
    # outputs must not saturate (log(1 - a) etc. must stay well conditioned)
    if acts[-1] in ("sigmoid", "softmax"):
        ad = a.detach()
        if ad.min().item() < 1e-4 or ad.max().item() > 1 - 1e-4:
            return None
    L = loss_value(loss, a, Y)
    L.backward()
    # every layer must get a non-zero gradient (not all relu units dead)
    if any(W.grad.abs().max().item() == 0 for W in Ws):
        return None
    arrays = []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        arrays.append(("W%d" % i, W.detach()))
        arrays.append(("b%d" % i, b.detach()))
    arrays += [("X", X), ("Y", Y), ("A", a.detach()), ("loss", L.detach().reshape(1, 1))]
    for i, (W, b) in enumerate(zip(Ws, bs)):
        arrays.append(("dW%d" % i, W.grad))
        arrays.append(("db%d" % i, b.grad))
    return seed, arrays


def make_case(name, widths, acts, loss, m, ylabel, base_seed):
    assert len(widths) == len(acts) + 1
    for attempt in range(1000):
        r = try_case(widths, acts, loss, m, ylabel, base_seed + attempt)
        if r is not None:
            return name, widths, acts, loss, m, r[0], r[1]
    raise RuntimeError("no usable draw for case " + name)


# name, widths, activations, loss, batch m, label kind, base seed
CASES = [
    ("seed_2_3_3_1_bce_m1", [2, 3, 3, 1], ["relu", "relu", "sigmoid"], "binary_cross_entropy", 1, "binary", 1000),
    ("seed_2_3_3_1_bce_m8", [2, 3, 3, 1], ["relu", "relu", "sigmoid"], "binary_cross_entropy", 8, "binary", 2000),
    ("tanh_identity_mse_m4", [3, 5, 2], ["tanh", "identity"], "mse", 4, "normal", 3000),
    ("leaky_sigmoid_mse_m7", [4, 6, 3], ["leaky_relu", "sigmoid"], "mse", 7, "unit", 4000),
    ("sigmoid_softmax_mse_m1", [3, 4, 3], ["sigmoid", "softmax"], "mse", 1, "unit", 5000),
    ("identity_relu_tanh_mse_m7", [4, 5, 6, 2], ["identity", "relu", "tanh"], "mse", 7, "normal", 6000),
    ("leaky_relu_output_mse_m4", [3, 4, 3], ["tanh", "leaky_relu"], "mse", 4, "normal", 7000),
    ("relu_output_mse_m1", [2, 4, 2], ["leaky_relu", "relu"], "mse", 1, "normal", 7500),
    ("tanh_sigmoid_bce_m4", [3, 4, 2], ["tanh", "sigmoid"], "binary_cross_entropy", 4, "binary", 8000),
    ("relu_tanh_softmax_ce_m7", [5, 6, 4, 3], ["relu", "tanh", "softmax"], "cross_entropy", 7, "onehot", 9000),
    ("leaky_softmax_ce_m1", [4, 5, 3], ["leaky_relu", "softmax"], "cross_entropy", 1, "onehot", 10000),
    ("sigmoid_softmax_ce_m4", [2, 3, 4], ["sigmoid", "softmax"], "cross_entropy", 4, "onehot", 11000),
]


def fmt_array(key, t):
    t = t.detach()
    assert t.dtype == torch.float64 and t.dim() == 2, key
    vals = " ".join(repr(float(v)) for v in t.reshape(-1).tolist())
    return "%s %d %d %s" % (key, t.shape[0], t.shape[1], vals)


def main():
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_reference.txt")
    lines = [
        "# Generated by tests/reference/make_reference.py with torch %s (Python %s), torch.float64."
        % (torch.__version__, sys.version.split()[0]),
        "# Do not edit by hand; rerun the script. Format: see the script's docstring.",
        "# Losses: batch mean of a per-sample loss summed over output units (ctnn's definitions).",
    ]
    for spec in CASES:
        name, widths, acts, loss, m, seed, arrays = make_case(*spec)
        lines.append("# seed %d" % seed)
        lines.append("case " + name)
        lines.append("arch %s %s" % ("-".join(str(w) for w in widths), ",".join(acts)))
        lines.append("loss_name " + loss)
        lines.append("batch %d" % m)
        for key, t in arrays:
            lines.append(fmt_array(key, t))
        lines.append("end")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d cases to %s" % (len(CASES), out_path))


if __name__ == "__main__":
    main()

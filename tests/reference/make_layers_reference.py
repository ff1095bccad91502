#!/usr/bin/python3
"""Reference values for ctnn's layer kinds beyond dense (activation layers, the
activations elu, gelu (tanh form), silu, hard_tanh and softplus, dropout,
batch_norm, prelu, residual blocks), computed with PyTorch autograd.

Run with a Python that has torch (here /usr/bin/python3):

    /usr/bin/python3 tests/reference/make_layers_reference.py

It rewrites tests/reference/layers_reference.txt, which tests/layers_reference.test.cpp
reads. Everything is torch.float64 with fixed seeds, so the output is reproducible.

PyTorch's own functions compute each layer: F.elu, F.gelu(approximate='tanh'),
F.silu, F.hardtanh, F.softplus, F.prelu, F.batch_norm (training mode, momentum
0.1, eps 1e-5, which also updates the running statistics), and x + f(x) for a
residual block. Dropout's mask comes from ctnn's documented generator, written
here again in Python: xoshiro256** seeded through splitmix64, the stream of
layer i of a network initialised with seed s, and one draw per element in
row-major order (features x batch), dropped when the top 53 bits are below
p * 2^53, kept ones scaled by 1 / (1 - p).

The losses are ctnn's: the mean over the (real) samples of a per-sample loss
summed over the output units (see make_reference.py). Columns are samples.

File format: as make_reference.py's, with these metadata lines
    layers <the network's layer descriptions, as ctnn spells them>
    loss_name <mse|binary_cross_entropy|cross_entropy>
    batch <m>      count <real samples; the columns from it on are padding>
    seed <the seed of net.initialize, which seeds dropout's stream>
and these arrays, where <p> is a parameter's or buffer's qualified name (W,
b, gamma, beta, running_mean, running_var, alpha; 0.W for the first layer of
a residual block) and <l> its layer's index:
    <p>:<l>          its value before the step
    X Y              input and labels (batch columns)
    A                the training pass's output (the first `count` columns)
    loss             1 x 1
    d.<p>:<l>        the gradient of a trainable parameter
    after.<p>:<l>    a buffer after the training pass (running statistics)
    P                predict's output after the training pass (running statistics)
"""

import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
M64 = (1 << 64) - 1

# ---------------------------------------------------------------------------
# ctnn's generator (include/ctnn/init.hpp), for dropout's masks: the
# generator itself is make_init_reference.py's, checked there against
# initialize(seed)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_init_reference import Xoshiro256ss, splitmix64  # noqa: E402
from make_reference import fmt_array  # noqa: E402  (the file format is one)


def layer_stream(seed, index):
    st = seed ^ ((0xD1B54A32D192ED03 * (index + 1)) & M64)
    _, v = splitmix64(st)
    return Xoshiro256ss(v).next


def dropout_mask(seed, index, num, den, features, m):
    """the mask of the first training pass of dropout<num, den>, layer `index`
    of a network initialised with `seed` (a layer without parameters: its
    stream is seeded by the first draw of the layer's generator)"""
    stream = Xoshiro256ss(layer_stream(seed, index)()).next
    threshold = int(num / den * 2.0 ** 53)
    scale = den / (den - num)
    vals = [scale if (stream() >> 11) >= threshold else 0.0 for _ in range(features * m)]
    return torch.tensor(vals).reshape(features, m)


# ---------------------------------------------------------------------------
# layers: ("dense", units, act), ("activation", act), ("dropout", num, den),
# ("batch_norm",), ("prelu",), ("residual", [layers])

ACTS = {
    "identity": lambda z: z,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda z: torch.softmax(z, dim=0),
    "elu": F.elu,
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "silu": F.silu,
    "hard_tanh": F.hardtanh,
    "softplus": F.softplus,
}
# inputs that must stay away from a kink, so that both libraries take the same branch
KINKS = {"relu": [0.0], "hard_tanh": [-1.0, 1.0], "elu": [0.0]}


def spell_act(act):
    return "ctnn::act::" + act


def spell(layer):
    kind = layer[0]
    if kind == "dense":
        return "ctnn::dense<%d, %s>" % (layer[1], spell_act(layer[2]))
    if kind == "activation":
        return "ctnn::activation<%s>" % spell_act(layer[1])
    if kind == "dropout":
        return "ctnn::dropout<%d, %d>" % (layer[1], layer[2])
    if kind in ("batch_norm", "prelu"):
        return "ctnn::" + kind
    if kind == "residual":
        return "ctnn::residual<%s>" % ", ".join(spell(l) for l in layer[1])
    raise ValueError(kind)


class Builder:
    """parameters of a network, drawn from one generator, in ctnn's visit order"""

    def __init__(self, gen):
        self.gen = gen
        self.params = []  # (qualified name, layer index, tensor, trainable)

    def add(self, name, index, t, trainable=True):
        if trainable:
            t.requires_grad_()
        self.params.append((name, index, t, trainable))
        return t

    def build(self, layers, width, top_index=None, path=""):
        """parameters of `layers` taking `width` features, in order; returns the
        chain's functions and its output width. Inside a residual block
        (top_index: the block's layer index) names get the inner layer's index
        as a path: 0.W, 1.b, ..."""
        fns = []
        for k, layer in enumerate(layers):
            li = k if top_index is None else top_index
            name = path if top_index is None else path + "%d." % k
            kind = layer[0]
            if kind == "dense":
                units, act = layer[1], layer[2]
                W = self.add(name + "W", li, torch.randn(units, width, generator=self.gen) * (1.5 / width ** 0.5))
                b = self.add(name + "b", li, torch.randn(units, 1, generator=self.gen) * 0.5)
                fns.append(("dense", W, b, act))
                width = units
            elif kind == "activation":
                fns.append(("act", layer[1]))
            elif kind == "dropout":
                assert top_index is None, "dropout inside a residual block is seeded by the block"
                fns.append(("dropout", li, layer[1], layer[2], width))
            elif kind == "batch_norm":
                g = self.add(name + "gamma", li, 1 + 0.2 * torch.randn(width, 1, generator=self.gen))
                be = self.add(name + "beta", li, 0.3 * torch.randn(width, 1, generator=self.gen))
                rm = self.add(name + "running_mean", li, 0.1 * torch.randn(width, 1, generator=self.gen), False)
                rv = self.add(name + "running_var", li, 1 + 0.2 * torch.rand(width, 1, generator=self.gen), False)
                fns.append(("bn", g, be, rm, rv))
            elif kind == "prelu":
                a = self.add(name + "alpha", li, 0.25 + 0.1 * torch.randn(width, 1, generator=self.gen))
                fns.append(("prelu", a))
            elif kind == "residual":
                inner, w2 = self.build(layer[1], width, li, name)
                assert w2 == width
                fns.append(("residual", inner))
            else:
                raise ValueError(kind)
        return fns, width


def run(fns, x, seed, n, m, near_kink, training=True):
    """the chain's output for the first n of m samples x (features x n), training
    or predict; dropout draws its mask for all m, as ctnn does"""
    for f in fns:
        kind = f[0]
        if kind == "dense":
            _, W, b, act = f
            z = W @ x + b
            for k in KINKS.get(act, []):
                near_kink.append((z.detach()[:, :n] - k).abs().min().item())
            x = ACTS[act](z)
        elif kind == "act":
            for k in KINKS.get(f[1], []):
                near_kink.append((x.detach()[:, :n] - k).abs().min().item())
            x = ACTS[f[1]](x)
        elif kind == "dropout":
            _, li, num, den, width = f
            if training:
                x = x * dropout_mask(seed, li, num, den, width, m)[:, :n]
        elif kind == "bn":
            _, g, be, rm, rv = f
            # PyTorch's layout is samples x features; F.batch_norm updates rm and rv in place
            y = F.batch_norm(x.T, rm.view(-1), rv.view(-1), g.view(-1), be.view(-1), training=training,
                             momentum=0.1, eps=1e-5)
            x = y.T
        elif kind == "prelu":
            near_kink.append(x.detach()[:, :n].abs().min().item())
            x = F.prelu(x.T, f[1].view(-1)).T
        elif kind == "residual":
            x = x + run(f[1], x, seed, n, m, near_kink, training)
        else:
            raise ValueError(kind)
    return x


def loss_value(name, a, y):
    if name == "mse":
        per_sample = 0.5 * ((a - y) ** 2).sum(dim=0)
    elif name == "binary_cross_entropy":
        per_sample = -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(dim=0)
    elif name == "cross_entropy":
        per_sample = -(y * torch.log(a)).sum(dim=0)
    else:
        raise ValueError(name)
    return per_sample.mean()


def labels(loss, out, m, gen):
    if loss == "binary_cross_entropy":
        return (torch.rand(out, m, generator=gen) < 0.5).to(torch.float64)
    if loss == "cross_entropy":
        cls = torch.randint(0, out, (m,), generator=gen)
        return F.one_hot(cls, out).to(torch.float64).T.contiguous()
    return torch.randn(out, m, generator=gen)


def try_case(inputs, layers, loss, m, count, seed, draw):
    gen = torch.Generator().manual_seed(draw)
    b = Builder(gen)
    fns, out = b.build(layers, inputs)
    X = torch.randn(inputs, m, generator=gen)
    Y = labels(loss, out, m, gen)
    before = [(name, li, t.detach().clone(), tr) for name, li, t, tr in b.params]
    near = []
    A = run(fns, X[:, :count], seed, count, m, near, training=True)
    if near and min(near) < 1e-3:
        return None
    if loss != "mse" and (A.detach().min().item() < 1e-4 or A.detach().max().item() > 1 - 1e-4):
        return None
    L = loss_value(loss, A, Y[:, :count])
    L.backward()
    grads = [(name, li, t.grad) for name, li, t, tr in b.params if tr]
    if any(g is None or g.abs().max().item() == 0 for _, _, g in grads):
        return None
    with torch.no_grad():
        P = run(fns, X, seed, m, m, [], training=False)
    arrays = [("%s:%d" % (name, li), t) for name, li, t, _ in before]
    arrays += [("X", X), ("Y", Y), ("A", A.detach()), ("loss", L.detach().reshape(1, 1))]
    arrays += [("d.%s:%d" % (name, li), g) for name, li, g in grads]
    arrays += [("after.%s:%d" % (name, li), t.detach()) for name, li, t, tr in b.params if not tr]
    arrays += [("P", P)]
    return arrays


# name, inputs, layers, loss, batch, count, seed of net.initialize, base draw
CASES = [
    ("elu", 3, [("dense", 4, "elu"), ("dense", 2, "identity")], "mse", 5, 5, 1, 100),
    ("gelu", 3, [("dense", 4, "gelu"), ("dense", 2, "identity")], "mse", 5, 5, 1, 200),
    ("silu", 3, [("dense", 4, "silu"), ("dense", 2, "tanh")], "mse", 5, 5, 1, 300),
    ("hard_tanh", 3, [("dense", 4, "hard_tanh"), ("dense", 2, "identity")], "mse", 5, 5, 1, 400),
    ("softplus", 3, [("dense", 4, "softplus"), ("dense", 2, "sigmoid")], "binary_cross_entropy", 5, 5, 1, 500),
    ("activation_layer", 3, [("dense", 4, "identity"), ("activation", "silu"), ("dense", 3, "softmax")],
     "cross_entropy", 4, 4, 1, 600),
    ("activation_layer_sigmoid_output", 3, [("dense", 2, "identity"), ("activation", "sigmoid")],
     "binary_cross_entropy", 4, 4, 1, 650),
    ("batch_norm", 3, [("dense", 4, "identity"), ("batch_norm",), ("activation", "relu"), ("dense", 2, "sigmoid")],
     "binary_cross_entropy", 6, 6, 1, 700),
    ("batch_norm_partial", 3,
     [("dense", 4, "identity"), ("batch_norm",), ("activation", "relu"), ("dense", 2, "sigmoid")],
     "binary_cross_entropy", 6, 4, 1, 800),
    ("prelu", 3, [("dense", 4, "identity"), ("prelu",), ("dense", 3, "softmax")], "cross_entropy", 5, 5, 1, 900),
    ("prelu_one_sample", 3, [("dense", 3, "identity"), ("prelu",), ("dense", 1, "sigmoid")],
     "binary_cross_entropy", 1, 1, 1, 1000),
    ("dropout", 3, [("dense", 5, "tanh"), ("dropout", 1, 3), ("dense", 2, "identity")], "mse", 4, 4, 11, 1100),
    ("residual", 3, [("dense", 4, "tanh"), ("residual", [("dense", 6, "relu"), ("dense", 4, "identity")]),
                     ("dense", 1, "sigmoid")], "binary_cross_entropy", 5, 5, 1, 1200),
    ("residual_one_sample", 3, [("dense", 4, "tanh"), ("residual", [("dense", 6, "relu"), ("dense", 4, "identity")]),
                                ("dense", 1, "sigmoid")], "binary_cross_entropy", 1, 1, 1, 1300),
    ("every_kind", 4, [("dense", 6, "gelu"), ("batch_norm",), ("prelu",), ("dropout", 1, 4),
                       ("residual", [("dense", 5, "elu"), ("activation", "softplus"), ("dense", 6, "hard_tanh")]),
                       ("activation", "silu"), ("dense", 3, "softmax")], "cross_entropy", 7, 7, 5, 1400),
]


def main():
    out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_reference.txt")
    lines = [
        "# Generated by tests/reference/make_layers_reference.py with torch %s (Python %s), torch.float64."
        % (torch.__version__, sys.version.split()[0]),
        "# Do not edit by hand; rerun the script. Format: see the script's docstring.",
    ]
    for name, inputs, layers, loss, m, count, seed, base in CASES:
        for attempt in range(2000):
            arrays = try_case(inputs, layers, loss, m, count, seed, base * 1000 + attempt)
            if arrays is not None:
                break
        else:
            raise RuntimeError("no usable draw for case " + name)
        lines.append("# draw %d" % (base * 1000 + attempt))
        lines.append("case " + name)
        lines.append("layers ctnn::input<%d>, %s" % (inputs, ", ".join(spell(l) for l in layers)))
        lines.append("loss_name " + loss)
        lines.append("batch %d" % m)
        lines.append("count %d" % count)
        lines.append("seed %d" % seed)
        for key, t in arrays:
            lines.append(fmt_array(key, t))
        lines.append("end")
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d cases to %s" % (len(CASES), out_path))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Export a PyTorch model (a torch.nn.Sequential) as a ctnn constexpr C++
header: the same text ctnn::io::write_header writes for a network of the same
type and parameters, so the two are interchangeable.

    export_pytorch.py model.pt --name models::net -o net.hpp [--type float|double]
    export_pytorch.py state.pt --activations relu,relu,sigmoid --name net -o net.hpp
    export_pytorch.py state.pt --activations relu,sigmoid --layers hidden,out --name net -o net.hpp

The input is a file written by torch.save: either the module itself (a
torch.nn.Sequential, nested Sequentials are flattened) or the state dict of a
plain MLP of Linear layers (then give one activation per Linear layer with
--activations, since a state dict holds no activations).

Supported modules (module input), as the table LAYERS below maps them:
  Linear             -> ctnn::dense<out_features, Act>; without bias the biases are 0.
                        The activation right after it becomes Act; a Linear
                        followed by no activation gets ctnn::act::identity
  ReLU, LeakyReLU, Sigmoid, Tanh, Softmax(dim=-1, 1 or None), ELU, GELU(approximate='tanh'),
  SiLU, Hardtanh(-1, 1), Softplus(beta=1, threshold=20)
                     -> the activation of the Linear before it, or else a
                        ctnn::activation<Act> layer of its own (after BatchNorm1d, ...)
  Identity           -> nothing
  Dropout(p)         -> ctnn::dropout<Num, Den> with Num/Den = p (the identity at inference)
  BatchNorm1d(F)     -> ctnn::batch_norm (eps 1e-5, affine, with running statistics); right
                        after a Linear with no activation it is folded into that
                        dense layer, as ctnn::io::write_header folds it (ctnn::fold_batch_norm)
  PReLU              -> ctnn::prelu (one slope per feature; a single shared slope is copied to each)
Anything else (Conv1d, LayerNorm, exact GELU, ...) is rejected with its index and type.

LeakyReLU's slope becomes ctnn::act::basic_leaky_relu<Num, Den> and ELU's alpha
ctnn::act::basic_elu<Num, Den>, which compute T(Num) / T(Den); the simplest
Num/Den (int) for which that equals T(value) in the chosen element type T is
used, and a value with none is rejected.

--activations names: identity, relu, leaky_relu (slope 0.01) or leaky_relu:SLOPE,
sigmoid, tanh, softmax.

Loading runs nothing from the file: a .pt is a pickle, which can call any
function it names. A state dict loads with torch.load(weights_only=True); a
module through an unpickler that resolves only torch's tensor rebuilders,
OrderedDict, set and the classes of torch.nn.modules, which it can create empty
but not call. Anything else (os.system, a class of your own, a TorchScript
archive) is refused before it runs. With a torch whose loader would bypass
that unpickler, a module file is refused rather than loaded.

Layer order: a module's is the order Sequential.forward runs (its modules in
insertion order; a module used twice is exported twice). A state dict's key
order is not trusted: layers are ordered by the index in their names ('0',
'2', '10' as numbers; 'net.3'; 'fc1', 'fc2', 'fc10'); names without one
(hidden, out) need --layers hidden,out.

--name follows the rules of ctnn::io::write_header, read from
include/ctnn/io/cxx_names.hpp: no keyword, reserved identifier or macro name
(linux, errno, NULL, ...), no std or ctnn component, and at global scope none
of the names the C library declares there (gamma, index, time, ...), nor main.

On any error the message (one line) names the layer, state dict key or file,
and the exit status is 1; the output file is not created or changed. An
output that is the model itself (also through a symlink) is refused.
"""

import argparse
import fractions
import math
import os
import pickle
import re
import sys
import tempfile
import types

CTNN_VERSION = "0.1.0"  # the header format of this ctnn version (config.hpp)

INT_MAX = 2**31 - 1
NAMES_HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "include", "ctnn", "io",
                            "cxx_names.hpp")


class ExportError(Exception):
    pass


_cxx_names = None


def cxx_names():
    """the blank-separated name lists of include/ctnn/io/cxx_names.hpp, which write_header uses too"""
    global _cxx_names
    if _cxx_names is None:
        try:
            with open(NAMES_HEADER, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise ExportError(f"cannot read the C++ name rules from {os.path.normpath(NAMES_HEADER)} ({e.strerror}): "
                              "the exporter reads them from the ctnn checkout it belongs to")
        lists = dict(re.findall(r'inline constexpr std::string_view (\w+) = R"names\((.*?)\)names"', text, re.S))
        if set(lists) != {"keywords", "lowercase_macros", "global_names"}:
            raise ExportError(f"{os.path.normpath(NAMES_HEADER)}: expected the lists keywords, lowercase_macros and "
                              f"global_names, found {sorted(lists)}")
        _cxx_names = {k: frozenset(v.split()) for k, v in lists.items()}
    return _cxx_names


def quoted(text, limit=40):
    """text as ctnn's messages quote it (io/csv.hpp, detail::quoted): at most `limit` bytes of its
    UTF-8, anything but printable ASCII, and the quote and the backslash, as \\xNN"""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    body = "".join(chr(c) if 0x20 <= c < 0x7f and c not in (0x27, 0x5c) else f"\\x{c:02X}" for c in raw[:limit])
    return f"'{body}'..." if len(raw) > limit else f"'{body}'"


def cxx_name_problem(name):
    """None if name is a usable, optionally qualified C++ name for the exported network, else why not:
    the rules of ctnn::io::detail::check_cxx_name (include/ctnn/io/header.hpp), word for word"""
    names = cxx_names()
    if not name:
        return "the name is empty"
    whole = quoted(name)

    def bad(ident, why):
        return f"{whole} is not a usable C++ name: {quoted(ident)} {why}"

    parts = name.split("::")
    for index, ident in enumerate(parts):
        is_global = index == 0  # declared at global scope: a namespace, or the object itself
        if not ident:
            return f"{whole} is not a usable C++ name: an empty component" + \
                (" (a leading '::' is not accepted)" if is_global else "")
        if not re.match(r"[A-Za-z_]", ident[0]):
            return bad(ident, "does not start with a letter or '_'")
        other = re.search(rb"[^A-Za-z0-9_]", ident.encode("utf-8", "surrogateescape"))
        if other:  # the first byte, as write_header reports it
            return bad(ident, f"contains {quoted(other.group(0)[:1])}")
        if ident in names["keywords"]:
            return bad(ident, "is a C++ keyword")
        if "__" in ident or re.match(r"_[A-Z]", ident):
            return bad(ident, "is reserved to the implementation (it contains '__' or starts with '_' and a capital)")
        if is_global and ident[0] == "_":
            return bad(ident, "is reserved to the implementation at global scope (it starts with '_')")
        if ident in names["lowercase_macros"]:
            return bad(ident, "is a macro of the compiler or the C library (io/cxx_names.hpp)")
        if not re.search("[a-z]", ident):
            return bad(ident, "has no lowercase letter: such names are the macros' (NULL, EOF, EDOM, PATH_MAX, "
                              "NDEBUG), and a macro of that name would replace it")
        if re.match(r"[A-Z0-9]+_", ident):
            return bad(ident, "starts with capitals and '_', as macros do (M_PI, SIG_DFL, L_tmpnam)")
        if re.match(r"(PRI|SCN)[a-zX]", ident):
            return bad(ident, "is reserved for the format macros of <cinttypes> (PRId64, SCNu8)")
        if ident == "std":
            return bad(ident, "is the standard library's namespace")
        if ident == "ctnn":
            return bad(ident, "is ctnn's namespace" if is_global
                       else "would hide namespace ctnn from the ctnn::network<...> the header spells")
        if is_global:
            if ident == "posix" or re.fullmatch(r"std[0-9]+", ident):
                return bad(ident, "is a namespace reserved by the C++ standard (posix, std followed by digits)")
            if ident == "boost":
                return bad(ident, "is the namespace of Boost, which ctnn includes")
            if ident == "main":
                return bad(ident, "at global scope is the program's main function")
            if ident in names["global_names"]:
                return bad(ident, "is declared at global scope by the C library (a function, type or object); "
                                  "put the network in a namespace (models::name) or rename it")
    return None


def check_cxx_name(name):
    """raises ExportError when name is not usable (the same rules as ctnn::io::write_header)"""
    problem = cxx_name_problem(name)
    if problem:
        raise ExportError(problem)


def round_to(value, ctype):
    """value rounded to the element type, as a Python float"""
    import numpy
    return float(numpy.float32(value)) if ctype == "float" else float(value)


def divide(num, den, ctype):
    """T(num) / T(den) as ctnn computes it, in the element type"""
    import numpy
    if ctype == "float":
        return float(numpy.float32(num) / numpy.float32(den))
    return float(num) / float(den)


def exact_fraction(value, ctype, where, what, spelling):
    """(Num, Den) with int Num, Den > 0 and T(Num)/T(Den) == T(value): the first
    convergent of value's continued fraction that works (the simplest one)."""
    if not math.isfinite(value):
        raise ExportError(f"{where}: {what} {value} is not finite")
    target = round_to(value, ctype)
    exact = fractions.Fraction(value)
    # convergents of the continued fraction of the exact binary value
    h0, h1, k0, k1 = 0, 1, 1, 0
    x = exact
    while True:
        a = math.floor(x)
        h0, h1 = h1, a * h1 + h0
        k0, k1 = k1, a * k1 + k0
        if abs(h1) > INT_MAX or k1 > INT_MAX:
            break
        if divide(h1, k1, ctype) == target:
            return h1, k1
        if x == a:
            break
        x = 1 / (x - a)
    raise ExportError(f"{where}: {what} {value!r} cannot be represented exactly by ctnn: no Num/Den "
                      f"with int Num and Den ({spelling}<Num, Den>) gives {ctype}(Num) / "
                      f"{ctype}(Den) == {ctype}({value!r})")


def leaky_slope_fraction(slope, ctype, where):
    return exact_fraction(slope, ctype, where, "negative_slope", "ctnn::act::basic_leaky_relu")


def activation_spelling(act):
    kind = act[0]
    if kind == "leaky_relu":
        num, den = act[1], act[2]
        if (num, den) == (1, 100):
            return "ctnn::act::leaky_relu"  # = basic_leaky_relu<1, 100>, as write_header spells it
        return f"ctnn::act::basic_leaky_relu<{num}, {den}>"
    if kind == "elu":
        num, den = act[1], act[2]
        if (num, den) == (1, 1):
            return "ctnn::act::elu"  # = basic_elu<1, 1>
        return f"ctnn::act::basic_elu<{num}, {den}>"
    return f"ctnn::act::{kind}"


def hex_literal(value, ctype):
    """C's %a of the value (as printf prints a double), with f for float"""
    if value == 0:
        text = "-0x0p+0" if math.copysign(1.0, value) < 0 else "0x0p+0"
    else:
        text = float.hex(value)  # '0x1.8000000000000p+1'
        mantissa, exponent = text.split("p")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = mantissa + "p" + exponent
    return text + ("f" if ctype == "float" else "")


# ---------------------------------------------------------------------------
# ctnn's layer kinds, as the header names them. A layer is a dict:
#   spelling  its description (ctnn::dense<3, ctnn::act::relu>)
#   header    the ctnn header that defines it
#   out       its output width
#   params    [(name, rows of values, is a weight, trainable)] in the order of
#             the layer's visit (which is the order of its members)
# Adding a layer kind to the exporter is one entry of LAYERS (module -> layer).

def dense_layer(w, b, act):
    return {"spelling": f"ctnn::dense<{len(w)}, {activation_spelling(act)}>", "header": "ctnn/dense.hpp",
            "out": len(w), "params": [("W", w, True, True), ("b", [[v] for v in b], False, True)]}


def activation_layer(act, width):
    return {"spelling": f"ctnn::activation<{activation_spelling(act)}>", "header": "ctnn/activation_layer.hpp",
            "out": width, "params": []}


def fold_batch_norm(dense, bn, ctype, where):
    """bn folded into dense (a dense layer without activation), in ctnn's
    arithmetic and order (include/ctnn/fold.hpp, batch_norm's inference_affine,
    dense's absorb_affine): s = gamma / sqrt(running_var + eps),
    t = beta - running_mean*s, W <- s*W, b <- b*s + t, every step rounded to ctype"""
    import numpy
    f = numpy.float32 if ctype == "float" else numpy.float64
    gamma, beta, mean, var = ([f(r[0]) for r in v] for _, v, _, _ in bn["params"])
    W, b = dense["params"][0][1], dense["params"][1][1]
    with numpy.errstate(all="ignore"):  # an overflow is reported below, not printed by numpy
        for i in range(len(W)):
            s = f(gamma[i] / numpy.sqrt(var[i] + f(1e-5)))
            t = f(beta[i] - f(mean[i] * s))
            W[i] = [float(f(f(w) * s)) for w in W[i]]
            b[i] = [float(f(f(f(b[i][0]) * s) + t))]
            if not all(math.isfinite(v) for v in W[i] + b[i]):
                raise ExportError(f"{where}: folding this BatchNorm1d into the Linear before it gives a value too "
                                  f"large for {ctype} in row {i} (gamma / sqrt(running_var + eps) = {float(s)!r}); "
                                  "export with --keep-batch-norm, or check the running statistics")


def header_text(layers, in_features, ctype, name, folded=0):
    """the header write_header writes for a network of `layers` (dicts, values already in ctype)"""
    check_cxx_name(name)
    ns, _, ident = name.rpartition("::")
    widths = [in_features] + [l["out"] for l in layers]
    count = sum(len(v) * len(v[0]) for l in layers for _, v, _, trainable in l["params"] if trainable)
    size = 4 if ctype == "float" else 8
    headers = []
    for l in layers:
        if l["header"] not in headers:
            headers.append(l["header"])
    net_type = f"ctnn::network<{ctype}, ctnn::input<{in_features}>" + "".join(
        ", " + l["spelling"] for l in layers) + ">"
    out = [f"// {name}: a {'-'.join(map(str, widths))} ctnn network ({ctype}, {count} parameters, "
           f"{count * size} bytes)\n",
           f"// Generated by tools/export_pytorch.py (ctnn {CTNN_VERSION} header format); do not edit, "
           "regenerate it from the trained model.\n",
           "// Values are exact hex floats; W is row-major (outputs x inputs), b has one value per output.\n"]
    if folded:
        out.append(f"// {folded} batch_norm layer{'s' if folded > 1 else ''} folded into the dense layer before "
                   "(ctnn::fold_batch_norm).\n")
    out.append("#pragma once\n\n")
    out += [f"#include <{h}>\n" for h in headers]
    out.append("#include <ctnn/network.hpp>\n\n")
    if ns:
        out.append(f"namespace {ns} {{\n\n")
    out.append(f"inline constexpr {net_type} {ident}{{{{\n")
    for index, l in enumerate(layers):
        spelled = l["spelling"][len("ctnn::"):]
        shapes = "".join(f", {n} {len(v)}x{len(v[0])}" for n, v, _, _ in l["params"])
        out.append(f"    // layer {index}: {spelled}{shapes}\n")
        groups = []
        for _, v, is_weight, _ in l["params"]:
            rows = [", ".join(hex_literal(x, ctype) for x in row) for row in v]
            groups.append("{{" + (",\n       " if is_weight else ", ").join(rows) + "}}")
        out.append("    {" + ",\n     ".join(groups) + "}" + ("," if index + 1 < len(layers) else "") + "\n")
    out.append("}};\n")
    if ns:
        out.append(f"\n}} // namespace {ns}\n")
    return "".join(out)


def tensor_values(tensor, ctype, where, shape=None):
    """the tensor (of a real floating type, and of `shape` when given) as nested lists of Python floats
    in ctype; rejects non-finite values and values too large for ctype"""
    import torch
    if not isinstance(tensor, torch.Tensor):
        raise ExportError(f"{where} is {'missing' if tensor is None else 'a ' + type(tensor).__name__}, "
                          "not a tensor")
    if not tensor.dtype.is_floating_point:
        raise ExportError(f"{where} is a {str(tensor.dtype).replace('torch.', '')} tensor; only real floating-point "
                          "parameters can be exported")
    if shape is not None and tuple(tensor.shape) != tuple(shape):
        raise ExportError(f"{where} has shape {tuple(tensor.shape)}, expected {tuple(shape)}")
    original = tensor.detach().cpu()
    t = original.to(torch.float32 if ctype == "float" else torch.float64)
    for values, problem in ((original, None), (t, f"too large for {ctype}")):
        if not bool(torch.isfinite(values).all()):
            bad = (~torch.isfinite(values)).nonzero()[0].tolist()
            value = values[tuple(bad)].item()
            element = f"({bad[0]}, {bad[1] if len(bad) > 1 else 0})"
            what = problem and f"{original[tuple(bad)].item()!r}, {problem}"
            raise ExportError(f"{where}{element} is {what or ('NaN' if math.isnan(value) else 'infinite')}; "
                              "only finite parameters can be exported")
    return t.tolist()


def parse_activation(text, ctype, index):
    where = f"--activations entry {index} '{text}'"
    base, _, arg = text.partition(":")
    base = base.strip().lower()
    if base in ("identity", "relu", "sigmoid", "tanh", "softmax") and not arg:
        return (base,)
    if base == "leaky_relu":
        try:
            slope = float(arg) if arg else 0.01
        except ValueError:
            raise ExportError(f"{where}: the slope '{arg}' is not a number")
        return ("leaky_relu",) + leaky_slope_fraction(slope, ctype, where)
    raise ExportError(f"{where}: not a supported activation (supported: identity, relu, leaky_relu[:SLOPE], "
                      "sigmoid, tanh, softmax)")


def flatten(module, prefix="", depth=0):
    """(path, module) in the order Sequential.forward runs them: its _modules in insertion order, which
    is not the order of the names ('10' after '9'); a module that appears twice runs twice and is
    listed twice (named_children() would skip the repeat)"""
    import torch.nn as nn
    children = getattr(module, "_modules", None)
    if not isinstance(children, dict):
        raise ExportError(f"the Sequential '{prefix.rstrip('.') or 'model'}' has no module list; the file is damaged")
    if depth > 100:
        raise ExportError(f"Sequentials nested more than 100 deep at '{prefix.rstrip('.')}'")
    out = []
    for key, child in children.items():
        path = f"{prefix}{key}"
        if child is None:
            raise ExportError(f"layer {path} is None; a Sequential of None cannot run")
        if not isinstance(child, nn.Module):
            raise ExportError(f"layer {path} is a {type(child).__name__}, not a torch.nn module")
        if isinstance(child, nn.Sequential):
            out.extend(flatten(child, path + ".", depth + 1))
        else:
            out.append((path, child))
    return out


def module_activation(m, ctype, where):
    """the ctnn activation of an activation module, None if m is not one"""
    import torch.nn as nn
    if isinstance(m, nn.ReLU):
        return ("relu",)
    if isinstance(m, nn.LeakyReLU):
        return ("leaky_relu",) + leaky_slope_fraction(float(m.negative_slope), ctype, where)
    if isinstance(m, nn.Sigmoid):
        return ("sigmoid",)
    if isinstance(m, nn.Tanh):
        return ("tanh",)
    if isinstance(m, nn.Softmax):
        if m.dim not in (-1, 1, None):
            raise ExportError(f"{where}: dim={m.dim}; ctnn's softmax is over the features of a sample, "
                              "which is dim=-1 (or 1) for a (batch, features) input")
        return ("softmax",)
    if isinstance(m, nn.ELU):
        return ("elu",) + exact_fraction(float(m.alpha), ctype, where, "alpha", "ctnn::act::basic_elu")
    if isinstance(m, nn.GELU):
        if m.approximate != "tanh":
            raise ExportError(f"{where}: approximate='{m.approximate}'; ctnn's gelu is the tanh form, "
                              "nn.GELU(approximate='tanh')")
        return ("gelu",)
    if isinstance(m, nn.SiLU):
        return ("silu",)
    if isinstance(m, nn.Hardtanh):
        if (float(m.min_val), float(m.max_val)) != (-1.0, 1.0):
            raise ExportError(f"{where}: min_val={m.min_val}, max_val={m.max_val}; ctnn's hard_tanh is "
                              "Hardtanh(-1, 1)")
        return ("hard_tanh",)
    if isinstance(m, nn.Softplus):
        if float(m.beta) != 1.0 or float(m.threshold) != 20.0:
            raise ExportError(f"{where}: beta={m.beta}, threshold={m.threshold}; ctnn's softplus is "
                              "Softplus(beta=1, threshold=20)")
        return ("softplus",)
    return None


def linear_sizes(m, where):
    """(in_features, out_features) of a Linear: its weight's shape, which must agree with the sizes it
    declares, and neither 0 (ctnn has no layer of width 0)"""
    import torch
    w = m.weight
    if not isinstance(w, torch.Tensor) or w.dim() != 2:
        raise ExportError(f"{where}: its weight is "
                          f"{'a tensor of shape ' + str(tuple(w.shape)) if isinstance(w, torch.Tensor) else 'missing'}"
                          ", not a matrix")
    outputs, inputs = w.shape
    if (getattr(m, "in_features", inputs), getattr(m, "out_features", outputs)) != (inputs, outputs):
        raise ExportError(f"{where}: declares in_features={m.in_features}, out_features={m.out_features} but its "
                          f"weight has shape {tuple(w.shape)}")
    if inputs == 0 or outputs == 0:
        raise ExportError(f"{where}: Linear({inputs}, {outputs}) has no {'inputs' if inputs == 0 else 'outputs'}; "
                          "every ctnn layer has at least one")
    return inputs, outputs


def layers_from_module(module, ctype, fold=True):
    """ctnn layers (dicts, see LAYERS) from a Sequential; returns (layers, input width, notes)"""
    import torch.nn as nn
    if not isinstance(module, nn.Sequential):
        raise ExportError(f"the model is a {type(module).__name__}, not a torch.nn.Sequential; save a Sequential "
                          "or its state_dict() (with --activations)")
    layers = []
    notes = []
    width = None        # the features that flow between layers
    folded = 0          # batch_norm layers folded into the dense layer before
    in_features = None  # the network's input width
    open_dense = None   # a Linear whose activation may still follow: [W, b, where]

    def close_dense(act):
        nonlocal open_dense
        w, b, _ = open_dense
        layers.append(dense_layer(w, b, act))
        open_dense = None

    for index, (path, m) in enumerate(flatten(module)):
        kind = type(m).__name__
        where = f"layer {path} ({kind})"
        act = module_activation(m, ctype, where)
        if act is not None:
            if open_dense is not None:
                close_dense(act)
            elif width is None:
                raise ExportError(f"{where} comes first; a network starts with a layer that fixes its input "
                                  "width (Linear, BatchNorm1d)")
            else:
                layers.append(activation_layer(act, width))
            continue
        if open_dense is not None:
            close_dense(("identity",))
        if isinstance(m, nn.Identity):
            continue
        if isinstance(m, nn.Linear):
            inputs, outputs = linear_sizes(m, where)
            if width is not None and inputs != width:
                raise ExportError(f"{where}: takes {inputs} inputs but the layer before gives {width}")
            if width is None:
                in_features = inputs
            w = tensor_values(m.weight, ctype, f"layer {index} (module '{path}'), W", (outputs, inputs))
            if m.bias is None:
                notes.append(f"{where} has no bias: exported with zero biases")
                b = [0.0] * outputs
            else:
                b = tensor_values(m.bias, ctype, f"layer {index} (module '{path}'), b", (outputs,))
            open_dense = [w, b, where]
            width = outputs
            continue
        if width is None:
            raise ExportError(f"{where} comes first; a network starts with a layer that fixes its input "
                              "width (Linear)")
        if isinstance(m, nn.Dropout):
            p = m.p
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
                raise ExportError(f"{where}: p={p!r}; ctnn's dropout needs 0 <= p < 1")
            frac = fractions.Fraction(float(p)).limit_denominator(65535)
            if frac >= 1:
                raise ExportError(f"{where}: p={m.p}; ctnn's dropout needs p < 1")
            if float(frac) != float(m.p):
                notes.append(f"{where}: p={m.p} exported as {frac.numerator}/{frac.denominator} "
                             "(training only: dropout is the identity at inference)")
            layers.append({"spelling": f"ctnn::dropout<{frac.numerator}, {frac.denominator}>",
                           "header": "ctnn/dropout.hpp", "out": width, "params": []})
        elif isinstance(m, nn.BatchNorm1d):
            if m.num_features != width:
                raise ExportError(f"{where}: {m.num_features} features but the layer before gives {width}")
            if not m.affine or not m.track_running_stats:
                raise ExportError(f"{where}: ctnn's batch_norm has a scale and a shift (affine=True) and "
                                  "running statistics (track_running_stats=True)")
            if float(m.eps) != 1e-5:
                raise ExportError(f"{where}: eps={m.eps}; ctnn's batch_norm has eps 1e-5")
            if m.momentum != 0.1:
                notes.append(f"{where}: momentum={m.momentum}; ctnn's batch_norm trains with 0.1 "
                             "(inference does not depend on it)")
            col = lambda t, what: [[v] for v in tensor_values(t, ctype, f"layer {index} (module '{path}'), {what}",
                                                              (width,))]
            bn = {"spelling": "ctnn::batch_norm", "header": "ctnn/batch_norm.hpp", "out": width,
                  "params": [("gamma", col(m.weight, "gamma"), False, True),
                             ("beta", col(m.bias, "beta"), False, True),
                             ("running_mean", col(m.running_mean, "running_mean"), False, False),
                             ("running_var", col(m.running_var, "running_var"), False, False)]}
            negative = [i for i, (v,) in enumerate(bn["params"][3][1]) if v < 0]
            if negative:
                raise ExportError(f"layer {index} (module '{path}'), running_var({negative[0]}, 0) is "
                                  f"{bn['params'][3][1][negative[0]][0]!r}: a variance cannot be negative")
            previous = layers[-1] if layers else None
            if fold and previous is not None and previous["spelling"].startswith("ctnn::dense<") and \
                    previous["spelling"].endswith(", ctnn::act::identity>"):
                fold_batch_norm(previous, bn, ctype, f"layer {index} (module '{path}')")  # as write_header does
                folded += 1
            else:
                layers.append(bn)
        elif isinstance(m, nn.PReLU):
            alpha = tensor_values(m.weight, ctype, f"layer {index} (module '{path}'), alpha")
            if not isinstance(alpha, list) or any(isinstance(a, list) for a in alpha):
                raise ExportError(f"{where}: its weight has shape {tuple(m.weight.shape)}; expected one slope, "
                                  f"or {width}")
            if len(alpha) == 1 and width != 1:
                notes.append(f"{where}: one shared slope, copied to each of the {width} features "
                             "(ctnn's prelu has one per feature)")
                alpha = alpha * width
            if len(alpha) != width:
                raise ExportError(f"{where}: {len(alpha)} slopes for {width} features")
            layers.append({"spelling": "ctnn::prelu", "header": "ctnn/prelu.hpp", "out": width,
                           "params": [("alpha", [[v] for v in alpha], False, True)]})
        else:
            raise ExportError(f"{where} is not supported: ctnn exports Sequentials of Linear, BatchNorm1d, "
                              "PReLU, Dropout, Identity and the activations ReLU, LeakyReLU, Sigmoid, Tanh, "
                              "Softmax, ELU, GELU(approximate='tanh'), SiLU, Hardtanh, Softplus")
    if open_dense is not None:
        close_dense(("identity",))
    if not layers:
        raise ExportError("the model has no layer")
    return layers, in_features, notes, folded


def _index_key(prefix):
    """a layer prefix ('net.10', 'fc2') as a sort key: per dotted component, its number ('10'), or its
    stem and trailing number ('fc', 2), or its text"""
    key = []
    for part in prefix.split("."):
        numbered = re.fullmatch(r"(.*?)([0-9]+)", part)
        key.append((0, "", int(part)) if part.isdigit() else (1, numbered.group(1), int(numbered.group(2)))
                   if numbered else (2, part, 0))
    return key


def _unordered_pair(prefixes):
    """two prefixes whose order their names do not give (the first components in which they differ do not
    both carry an index with the same stem), or None when the indices order them all"""
    ordered = sorted(prefixes, key=_index_key)
    for a, b in zip(ordered, ordered[1:]):
        ka, kb = _index_key(a), _index_key(b)
        for ca, cb in zip(ka, kb):
            if ca != cb:
                if ca[0] == 2 or cb[0] == 2 or ca[:2] != cb[:2]:
                    return a, b
                break
        else:  # one is a prefix of the other
            return a, b
    return None


def state_dict_order(prefixes, layers_option):
    """the Linear layers' prefixes in the network's order. A state dict's key order is not the module's
    (a dict re-sorted as text puts '10' before '2'), so the order is the numeric index in the names
    ('0', '2', '10'; 'net.0'; 'fc1', 'fc2'), or --layers when the names carry none"""
    if layers_option is not None:
        given = [p.strip() for p in layers_option.split(",")]
        if sorted(given) != sorted(prefixes):
            raise ExportError(f"--layers lists {', '.join(given)}, but the Linear layers of the state dict are "
                              f"{', '.join(prefixes)}: list each once")
        return given
    if len(prefixes) > 1:
        pair = _unordered_pair(prefixes)
        if pair:
            raise ExportError(f"the state dict does not say whether layer '{pair[0]}' comes before '{pair[1]}' "
                              "(their names carry no index, and its key order is not the module's): give the "
                              "order with --layers, e.g. --layers " + ",".join(prefixes))
    return sorted(prefixes, key=_index_key)


def layers_from_state_dict(state, activations, ctype, layers_option=None):
    import torch
    if activations is None:
        raise ExportError("the file holds a state dict, which has no activations: give one per Linear layer "
                          "with --activations (e.g. --activations relu,relu,sigmoid)")
    weights = {}
    biases = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise ExportError(f"state dict key {key!r} is not a string")
        if not isinstance(value, torch.Tensor):
            raise ExportError(f"state dict entry {quoted(key, 80)} is a {type(value).__name__}, not a tensor")
        prefix, _, field = key.rpartition(".")
        if field == "weight" and value.dim() == 2:
            weights[prefix] = value
        elif field == "bias" and value.dim() == 1:
            biases[prefix] = value
        else:
            raise ExportError(f"state dict entry {quoted(key, 80)} (shape {tuple(value.shape)}) is not the weight "
                              "or bias of a Linear layer; only plain MLPs of Linear layers are supported "
                              "(BatchNorm, Conv and other layers are not)")
    for prefix in biases:
        if prefix not in weights:
            raise ExportError(f"state dict entry {quoted(prefix + '.bias', 80)} has no matching "
                              f"{quoted(prefix + '.weight', 80)}")
    if not weights:
        raise ExportError("the state dict has no Linear weights")
    order = state_dict_order(list(weights), layers_option)
    notes = []
    if order != list(weights):
        notes.append(f"the state dict's keys are not in layer order; exported in the order "
                     f"{', '.join(order)}{' (--layers)' if layers_option else ' (their indices)'}")
    acts = activations.split(",")
    if len(acts) != len(order):
        raise ExportError(f"--activations gives {len(acts)} activations for {len(order)} Linear layers "
                          f"({', '.join(order)})")
    notes += [f"layer {p} has no bias: exported with zero biases" for p in order if p not in biases]
    return [(weights[p], biases.get(p), parse_activation(a, ctype, i), p)
            for i, (p, a) in enumerate(zip(order, acts))], notes


# ---------------------------------------------------------------------------
# Loading without running the file's code. A .pt file is a pickle, and
# unpickling can call any function the file names: torch.load(weights_only=False)
# runs whatever a hostile file asks. A state dict loads with
# torch.load(weights_only=True); a module needs more classes than that allows,
# so it loads through an unpickler that resolves only torch's tensor rebuilders,
# OrderedDict and set, and the classes of torch.nn.modules (anything else, a
# __main__ class, os.system, builtins.eval, is refused before it exists); those
# classes can be created empty (as torch.save writes modules) but not called,
# so a file cannot run even their constructors.

def _first_line(error, limit=200):
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= limit else text[:limit] + "..."


_inert_classes = {}


def _inert(cls):
    """a subclass of the nn.Module class cls that the unpickler can create empty but cannot call"""
    if cls not in _inert_classes:
        def refuse(self, *args, **kwargs):
            raise _Refused(f"the file calls {cls.__module__}.{cls.__name__}(...), which a saved "
                                         "module never does")
        _inert_classes[cls] = type(cls.__name__, (cls,), {"__init__": refuse, "__module__": cls.__module__,
                                                           "__qualname__": cls.__qualname__})
    return _inert_classes[cls]


def _allowed_global(module, name):
    """the object a module file may name as module.name, or None"""
    import collections
    import torch
    if (module, name) in (("collections", "OrderedDict"),):
        return collections.OrderedDict
    if (module, name) in (("builtins", "set"), ("__builtin__", "set")):
        return set
    if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_parameter",
                                             "_rebuild_parameter_with_state"):
        return getattr(torch._utils, name, None)
    if (module, name) == ("torch.nn.parameter", "Parameter"):
        return torch.nn.Parameter
    if module == "torch" and (name == "Size" or name.endswith("Storage")):
        return getattr(torch, name, None)
    if module == "torch" and isinstance(getattr(torch, name, None), torch.dtype):
        return getattr(torch, name)
    if module.startswith("torch.nn.modules.") and module in sys.modules:  # only already imported modules
        cls = getattr(sys.modules[module], name, None)
        if isinstance(cls, type) and issubclass(cls, torch.nn.Module) and cls.__module__ == module:
            return _inert(cls)
    return None


class _Refused(pickle.UnpicklingError):
    """the file names something a module of torch.nn layers does not need"""


class _ModuleUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        found = _allowed_global(module, name)
        if found is None:
            raise _Refused(f"the file names {module}.{name}, which a module of torch.nn layers does "
                                         "not need")
        return found


def _restricted_pickle():
    """a stand-in for the pickle module whose Unpickler and load are _ModuleUnpickler's"""
    shim = types.ModuleType("export_pytorch_restricted_pickle")
    shim.Unpickler = _ModuleUnpickler
    shim.load = lambda file, **kwargs: _ModuleUnpickler(file, **kwargs).load()
    shim.__getattr__ = lambda name: getattr(pickle, name)  # UnpicklingError, ... (PEP 562)
    return shim


def _restricted_load(source):
    """torch.load(source) through _ModuleUnpickler. torch 1.13 ignores pickle_module unless weights_only
    is set, and uses torch.serialization's own pickle: both are given the restricted one while it runs"""
    import inspect
    import torch
    import torch.serialization as serialization
    shim = _restricted_pickle()
    extra = {"weights_only": False} if "weights_only" in inspect.signature(torch.load).parameters else {}
    saved = serialization.pickle
    serialization.pickle = shim
    try:
        return torch.load(source, map_location="cpu", pickle_module=shim, **extra)
    finally:
        serialization.pickle = saved


def _check_restriction_holds():
    """fail safely: a harmless file that names a class the restricted unpickler refuses
    (collections.Counter) must be refused, or this torch bypasses the restriction"""
    import collections
    import io
    import torch
    probe = io.BytesIO()
    torch.save({"probe": collections.Counter()}, probe)
    probe.seek(0)
    try:
        _restricted_load(probe)
    except _Refused:
        return
    raise ExportError(f"this torch ({torch.__version__}) loads files past the exporter's restricted unpickler, so a "
                      "saved module cannot be loaded without letting the file run code: save model.state_dict() "
                      "and export it with --activations")


def load_model(path):
    """what torch.save wrote to path (a state dict or a module), without running code from the file"""
    import inspect
    import zipfile
    import torch
    import torch.nn  # noqa: F401 (imports torch.nn.modules.*: the classes a module file may name)
    if os.path.isdir(path):
        raise ExportError(f"{path}: cannot read it: it is a directory")
    try:
        with open(path, "rb"):
            pass
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                records = z.namelist()
            # torch.load passes such an archive to torch.jit.load, even with weights_only=True
            if any(r.rsplit("/", 1)[-1] == "constants.pkl" or "/code/" in r for r in records):
                raise ExportError(f"{path} is a TorchScript archive (torch.jit.save), which this exporter does "
                                  "not load; save the module with torch.save(model)")
    except (OSError, zipfile.BadZipFile) as e:
        raise ExportError(f"{path}: cannot read it: {getattr(e, 'strerror', None) or _first_line(e)}")
    if "weights_only" in inspect.signature(torch.load).parameters:
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except Exception:  # a module, or not a torch file: the restricted unpickler says which
            pass
    _check_restriction_holds()
    try:
        return _restricted_load(path)
    except _Refused as e:
        raise ExportError(f"{path}: refused: {_first_line(e)}; a .pt file can run code when loaded, so only "
                          "tensors and torch.nn modules are accepted (save a torch.nn.Sequential or its state_dict())")
    except Exception as e:  # torch raises many kinds for a file that is not its own
        raise ExportError(f"{path}: cannot be loaded by torch.load: {_first_line(e)}")


def export(model_path, name, ctype, activations, fold=True, layers_option=None):
    import torch
    check_cxx_name(name)
    obj = load_model(model_path)
    if isinstance(obj, torch.nn.Module):
        if activations is not None or layers_option is not None:
            raise ExportError(f"{'--activations' if activations is not None else '--layers'} is only for a state "
                              "dict; the file holds a module, whose activations and order are used")
        layers, in_features, notes, folded = layers_from_module(obj, ctype, fold)
        return header_text(layers, in_features, ctype, name, folded), notes
    if not isinstance(obj, dict):
        raise ExportError(f"{model_path} holds a {type(obj).__name__}, neither a torch.nn.Sequential nor a state dict")
    raw, notes = layers_from_state_dict(obj, activations, ctype, layers_option)
    layers = []
    width = None
    for index, (w, b, act, path) in enumerate(raw):
        if w.dim() != 2:
            raise ExportError(f"layer {path}: weight of shape {tuple(w.shape)} is not a matrix")
        rows, cols = w.shape
        if rows == 0 or cols == 0:
            raise ExportError(f"layer {path}: weight of shape {tuple(w.shape)} is Linear({cols}, {rows}), which has "
                              f"no {'inputs' if cols == 0 else 'outputs'}; every ctnn layer has at least one")
        if width is not None and cols != width:
            raise ExportError(f"layer {path}: takes {cols} inputs but the layer before gives {width}")
        if b is not None and tuple(b.shape) != (rows,):
            raise ExportError(f"layer {path}: bias of shape {tuple(b.shape)} for {rows} outputs")
        width = rows
        wv = tensor_values(w, ctype, f"layer {index} (module '{path}'), W")
        bv = tensor_values(b, ctype, f"layer {index} (module '{path}'), b") if b is not None else [0.0] * rows
        layers.append(dense_layer(wv, bv, act))
    return header_text(layers, raw[0][0].shape[1], ctype, name), notes


def check_output(model, output):
    """refuses an output that is the model itself (by resolved path, through symlinks, or the same file
    by another hard link), or a directory: the export replaces the output"""
    if os.path.realpath(output) == os.path.realpath(model) or \
            (os.path.exists(output) and os.path.exists(model) and os.path.samefile(output, model)):
        raise ExportError(f"the output {output} is the model file {model}; refusing to overwrite the model")
    if os.path.isdir(output):
        raise ExportError(f"the output {output} is a directory")


def write_whole(path, text):
    """path's contents become text, or stay as they were: a temporary file beside it, then a rename"""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".export_pytorch.", suffix=".tmp")
    except OSError as e:
        raise ExportError(f"{path}: cannot write in {directory}: {e.strerror}")
    try:
        with os.fdopen(fd, "w", newline="\n", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise ExportError(f"{path}: cannot write it: {e.strerror}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="file written by torch.save: a torch.nn.Sequential or its state dict")
    parser.add_argument("--name", required=True, help="C++ name of the network object, e.g. models::net")
    parser.add_argument("--type", choices=("float", "double"), default="float", help="element type (default float)")
    parser.add_argument("--activations", help="for a state dict: one per Linear layer, e.g. relu,tanh,softmax")
    parser.add_argument("--layers", help="for a state dict whose layer names carry no index (hidden, out): "
                                         "their order, e.g. hidden,out")
    parser.add_argument("--keep-batch-norm", action="store_true",
                        help="keep BatchNorm1d as ctnn::batch_norm even after a Linear without activation "
                             "(as write_header(net, name, out, ctnn::io::keep_batch_norm))")
    parser.add_argument("-o", "--output", required=True, help="header to write")
    args = parser.parse_args(argv)
    try:
        check_output(args.model, args.output)
        text, notes = export(args.model, args.name, args.type, args.activations, not args.keep_batch_norm,
                             args.layers)
        for note in notes:
            print(f"export_pytorch.py: note: {note}", file=sys.stderr)
        write_whole(args.output, text)
    except ExportError as e:
        print(f"export_pytorch.py: error: {e}; nothing written", file=sys.stderr)
        return 1
    except Exception as e:  # a damaged or hostile file can break any step: one line, never a traceback
        print(f"export_pytorch.py: error: {args.model}: cannot be exported ({type(e).__name__}: {_first_line(e)}); "
              "nothing written", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

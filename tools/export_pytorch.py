#!/usr/bin/env python3
"""Export a PyTorch model (a torch.nn.Sequential) as a ctnn constexpr C++
header: the same text ctnn::io::write_header writes for a network of the same
type and parameters, so the two are interchangeable.

    export_pytorch.py model.pt --name models::net -o net.hpp [--type float|double]
    export_pytorch.py state.pt --activations relu,relu,sigmoid --name net -o net.hpp

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

On any error the message names the layer (or state dict key) and the exit
status is 1; the output file is not created or changed.
"""

import argparse
import fractions
import math
import os
import re
import sys
import tempfile

CTNN_VERSION = "0.1.0"  # the header format of this ctnn version (config.hpp)

KEYWORDS = set("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class
compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype
default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline
int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template
this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t
while xor xor_eq""".split())

INT_MAX = 2**31 - 1


class ExportError(Exception):
    pass


def check_cxx_name(name):
    """The same rules as ctnn::io::write_header: a valid, optionally qualified C++ name."""
    if not name:
        raise ExportError("the name is empty")
    for part, ident in enumerate(name.split("::")):
        if not ident:
            raise ExportError(f"'{name}' is not a C++ name: an empty component"
                              + (" (a leading '::' is not accepted)" if part == 0 else ""))
        if not re.match(r"[A-Za-z_]", ident[0]):
            raise ExportError(f"'{name}' is not a C++ name: '{ident}' does not start with a letter or '_'")
        bad = re.search(r"[^A-Za-z0-9_]", ident)
        if bad:
            raise ExportError(f"'{name}' is not a C++ name: '{ident}' contains '{bad.group(0)}'")
        if ident in KEYWORDS:
            raise ExportError(f"'{name}' is not a C++ name: '{ident}' is a C++ keyword")
        if "__" in ident or re.match(r"_[A-Z]", ident):
            raise ExportError(f"'{name}' is not a C++ name: '{ident}' is reserved to the implementation "
                              "(it contains '__' or starts with '_' and a capital)")
        if part == 0 and ident == "std" and "::" in name:
            raise ExportError(f"'{name}' is not a usable name: namespace std is reserved")


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


def fold_batch_norm(dense, bn, ctype):
    """bn folded into dense (a dense layer without activation), in ctnn's
    arithmetic and order (include/ctnn/fold.hpp, batch_norm's inference_affine,
    dense's absorb_affine): s = gamma / sqrt(running_var + eps),
    t = beta - running_mean*s, W <- s*W, b <- b*s + t, every step rounded to ctype"""
    import numpy
    f = numpy.float32 if ctype == "float" else numpy.float64
    gamma, beta, mean, var = ([f(r[0]) for r in v] for _, v, _, _ in bn["params"])
    W, b = dense["params"][0][1], dense["params"][1][1]
    for i in range(len(W)):
        s = f(gamma[i] / numpy.sqrt(var[i] + f(1e-5)))
        t = f(beta[i] - f(mean[i] * s))
        W[i] = [float(f(f(w) * s)) for w in W[i]]
        b[i] = [float(f(f(f(b[i][0]) * s) + t))]


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


def tensor_values(tensor, ctype, where):
    """the tensor as nested lists of Python floats in ctype; rejects non-finite values"""
    import torch
    t = tensor.detach().to(torch.float32 if ctype == "float" else torch.float64).cpu()
    if not bool(torch.isfinite(t).all()):
        bad = (~torch.isfinite(t)).nonzero()[0].tolist()
        value = t[tuple(bad)].item()
        element = f"({bad[0]}, {bad[1] if len(bad) > 1 else 0})"
        raise ExportError(f"{where}{element} is {'NaN' if math.isnan(value) else 'infinite'}; "
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


def flatten(module, prefix=""):
    import torch.nn as nn
    out = []
    for key, child in module.named_children():
        path = f"{prefix}{key}"
        if isinstance(child, nn.Sequential):
            out.extend(flatten(child, path + "."))
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
            if width is not None and m.in_features != width:
                raise ExportError(f"{where}: takes {m.in_features} inputs but the layer before gives {width}")
            if width is None:
                in_features = m.in_features
            w = tensor_values(m.weight, ctype, f"layer {index} (module '{path}'), W")
            if m.bias is None:
                notes.append(f"{where} has no bias: exported with zero biases")
                b = [0.0] * m.out_features
            else:
                b = tensor_values(m.bias, ctype, f"layer {index} (module '{path}'), b")
            open_dense = [w, b, where]
            width = m.out_features
            continue
        if width is None:
            raise ExportError(f"{where} comes first; a network starts with a layer that fixes its input "
                              "width (Linear)")
        if isinstance(m, nn.Dropout):
            frac = fractions.Fraction(float(m.p)).limit_denominator(65535)
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
            col = lambda t, what: [[v] for v in tensor_values(t, ctype, f"layer {index} (module '{path}'), {what}")]
            bn = {"spelling": "ctnn::batch_norm", "header": "ctnn/batch_norm.hpp", "out": width,
                  "params": [("gamma", col(m.weight, "gamma"), False, True),
                             ("beta", col(m.bias, "beta"), False, True),
                             ("running_mean", col(m.running_mean, "running_mean"), False, False),
                             ("running_var", col(m.running_var, "running_var"), False, False)]}
            previous = layers[-1] if layers else None
            if fold and previous is not None and previous["spelling"].startswith("ctnn::dense<") and \
                    previous["spelling"].endswith(", ctnn::act::identity>"):
                fold_batch_norm(previous, bn, ctype)  # as write_header does (ctnn::fold_batch_norm)
                folded += 1
            else:
                layers.append(bn)
        elif isinstance(m, nn.PReLU):
            alpha = tensor_values(m.weight, ctype, f"layer {index} (module '{path}'), alpha")
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


def layers_from_state_dict(state, activations, ctype):
    import torch
    if activations is None:
        raise ExportError("the file holds a state dict, which has no activations: give one per Linear layer "
                          "with --activations (e.g. --activations relu,relu,sigmoid)")
    weights = []
    biases = {}
    for key, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise ExportError(f"state dict entry '{key}' is not a tensor")
        prefix, _, field = key.rpartition(".")
        if field == "weight" and value.dim() == 2:
            weights.append((prefix, value))
        elif field == "bias" and value.dim() == 1:
            biases[prefix] = value
        else:
            raise ExportError(f"state dict entry '{key}' (shape {tuple(value.shape)}) is not the weight or bias "
                              "of a Linear layer; only plain MLPs of Linear layers are supported "
                              "(BatchNorm, Conv and other layers are not)")
    for prefix in biases:
        if prefix not in dict(weights):
            raise ExportError(f"state dict entry '{prefix}.bias' has no matching '{prefix}.weight'")
    if not weights:
        raise ExportError("the state dict has no Linear weights")
    acts = [a for a in activations.split(",")]
    if len(acts) != len(weights):
        raise ExportError(f"--activations gives {len(acts)} activations for {len(weights)} Linear layers "
                          f"({', '.join(p for p, _ in weights)})")
    return [(w, biases.get(p), parse_activation(a, ctype, i), p)
            for i, ((p, w), a) in enumerate(zip(weights, acts))], [
        f"layer {p} has no bias: exported with zero biases" for p, _ in weights if p not in biases]


def export(model_path, name, ctype, activations, fold=True):
    import torch
    check_cxx_name(name)
    try:
        obj = torch.load(model_path, map_location="cpu")
    except Exception as e:  # torch raises many kinds
        raise ExportError(f"{model_path}: cannot be loaded by torch.load: {e}")
    if isinstance(obj, torch.nn.Module):
        if activations is not None:
            raise ExportError("--activations is only for a state dict; the file holds a module, whose "
                              "activations are used")
        layers, in_features, notes, folded = layers_from_module(obj, ctype, fold)
        return header_text(layers, in_features, ctype, name, folded), notes
    if not isinstance(obj, dict):
        raise ExportError(f"{model_path} holds a {type(obj).__name__}, neither a torch.nn.Sequential nor a state dict")
    raw, notes = layers_from_state_dict(obj, activations, ctype)
    layers = []
    width = None
    for index, (w, b, act, path) in enumerate(raw):
        if w.dim() != 2:
            raise ExportError(f"layer {path}: weight of shape {tuple(w.shape)} is not a matrix")
        rows, cols = w.shape
        if width is not None and cols != width:
            raise ExportError(f"layer {path}: takes {cols} inputs but the layer before gives {width}")
        if b is not None and tuple(b.shape) != (rows,):
            raise ExportError(f"layer {path}: bias of shape {tuple(b.shape)} for {rows} outputs")
        width = rows
        wv = tensor_values(w, ctype, f"layer {index} (module '{path}'), W")
        bv = tensor_values(b, ctype, f"layer {index} (module '{path}'), b") if b is not None else [0.0] * rows
        layers.append(dense_layer(wv, bv, act))
    return header_text(layers, raw[0][0].shape[1], ctype, name), notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="file written by torch.save: a torch.nn.Sequential or its state dict")
    parser.add_argument("--name", required=True, help="C++ name of the network object, e.g. models::net")
    parser.add_argument("--type", choices=("float", "double"), default="float", help="element type (default float)")
    parser.add_argument("--activations", help="for a state dict: one per Linear layer, e.g. relu,tanh,softmax")
    parser.add_argument("--keep-batch-norm", action="store_true",
                        help="keep BatchNorm1d as ctnn::batch_norm even after a Linear without activation "
                             "(as write_header(net, name, out, ctnn::io::keep_batch_norm))")
    parser.add_argument("-o", "--output", required=True, help="header to write")
    args = parser.parse_args(argv)
    try:
        text, notes = export(args.model, args.name, args.type, args.activations, not args.keep_batch_norm)
    except ExportError as e:
        print(f"export_pytorch.py: error: {e}; nothing written", file=sys.stderr)
        return 1
    for note in notes:
        print(f"export_pytorch.py: note: {note}", file=sys.stderr)
    # write whole or not at all: a temporary file beside the output, then rename
    directory = os.path.dirname(os.path.abspath(args.output))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".export_pytorch.", suffix=".tmp")
    except OSError as e:
        print(f"export_pytorch.py: error: {args.output}: cannot write: {e.strerror}; nothing written", file=sys.stderr)
        return 1
    try:
        with os.fdopen(fd, "w", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, args.output)
    except OSError as e:
        os.unlink(tmp)
        print(f"export_pytorch.py: error: {args.output}: {e.strerror}; nothing written", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Export a PyTorch MLP (a torch.nn.Sequential of Linear layers and activations)
as a ctnn constexpr C++ header: the same text ctnn::io::write_header writes for
a network of the same type and parameters, so the two are interchangeable.

    export_pytorch.py model.pt --name models::net -o net.hpp [--type float|double]
    export_pytorch.py state.pt --activations relu,relu,sigmoid --name net -o net.hpp

The input is a file written by torch.save: either the module itself (a
torch.nn.Sequential, nested Sequentials are flattened) or its state dict (then
give one activation per Linear layer with --activations, since a state dict
holds no activations).

Supported layers (module input):
  Linear             -> ctnn::dense<out_features, Act>; without bias the biases are 0
  ReLU, LeakyReLU, Sigmoid, Tanh, Softmax(dim=-1, 1 or None), Identity
                     -> the activation of the Linear before it; a Linear followed
                        by another Linear (or by nothing) gets ctnn::act::identity
  Dropout            -> skipped (it is the identity at inference), with a note
Anything else (BatchNorm, Conv, GELU, ...) is rejected with its index and type.

LeakyReLU's slope becomes ctnn::act::basic_leaky_relu<Num, Den>, which computes
T(Num) / T(Den); the simplest Num/Den (int) for which that equals T(slope) in the
chosen element type T is used, and a slope with none is rejected.

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


def leaky_slope_fraction(slope, ctype, where):
    """(Num, Den) with int Num, Den > 0 and T(Num)/T(Den) == T(slope): the first
    convergent of slope's continued fraction that works (the simplest one)."""
    if not math.isfinite(slope):
        raise ExportError(f"{where}: negative_slope {slope} is not finite")
    target = round_to(slope, ctype)
    exact = fractions.Fraction(slope)
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
    raise ExportError(f"{where}: negative_slope {slope!r} cannot be represented exactly by ctnn: no Num/Den "
                      f"with int Num and Den (ctnn::act::basic_leaky_relu<Num, Den>) gives {ctype}(Num) / "
                      f"{ctype}(Den) == {ctype}({slope!r})")


def activation_spelling(act):
    kind = act[0]
    if kind == "leaky_relu":
        num, den = act[1], act[2]
        if (num, den) == (1, 100):
            return "ctnn::act::leaky_relu"  # = basic_leaky_relu<1, 100>, as write_header spells it
        return f"ctnn::act::basic_leaky_relu<{num}, {den}>"
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


def header_text(layers, in_features, ctype, name):
    """layers: [(W rows as lists of floats, b list, act)], values already in ctype"""
    check_cxx_name(name)
    ns, _, ident = name.rpartition("::")
    widths = [in_features] + [len(w) for w, _, _ in layers]
    count = sum(len(w) * len(w[0]) + len(b) for w, b, _ in layers)
    size = 4 if ctype == "float" else 8
    net_type = f"ctnn::network<{ctype}, ctnn::input<{in_features}>" + "".join(
        f", ctnn::dense<{len(w)}, {activation_spelling(a)}>" for w, _, a in layers) + ">"
    out = [f"// {name}: a {'-'.join(map(str, widths))} ctnn network ({ctype}, {count} parameters, "
           f"{count * size} bytes)\n",
           f"// Generated by tools/export_pytorch.py (ctnn {CTNN_VERSION} header format); do not edit, "
           "regenerate it from the trained model.\n",
           "// Values are exact hex floats; W is row-major (outputs x inputs), b has one value per output.\n",
           "#pragma once\n\n#include <ctnn/activations.hpp>\n#include <ctnn/network.hpp>\n\n"]
    if ns:
        out.append(f"namespace {ns} {{\n\n")
    out.append(f"inline constexpr {net_type} {ident}{{{{\n")
    for index, (w, b, act) in enumerate(layers):
        rows, cols = len(w), len(w[0])
        out.append(f"    // layer {index}: dense<{rows}, {activation_spelling(act)}>, W {rows}x{cols}, b {rows}x1\n")
        out.append("    {{{" + ",\n       ".join(", ".join(hex_literal(v, ctype) for v in row) for row in w) + "}},\n")
        out.append("     {{" + ", ".join(hex_literal(v, ctype) for v in b) + "}}}"
                   + ("," if index + 1 < len(layers) else "") + "\n")
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


def layers_from_module(module, ctype):
    import torch.nn as nn
    if not isinstance(module, nn.Sequential):
        raise ExportError(f"the model is a {type(module).__name__}, not a torch.nn.Sequential; save a Sequential "
                          "or its state_dict() (with --activations)")
    layers = []   # [weight, bias, act or None, index of the Linear]
    notes = []
    last_activation = None
    for index, (path, m) in enumerate(flatten(module)):
        kind = type(m).__name__
        where = f"layer {path} ({kind})"
        if isinstance(m, nn.Linear):
            layers.append([m.weight, m.bias, None, path])
            if m.bias is None:
                notes.append(f"{where} has no bias: exported with zero biases")
            last_activation = None
            continue
        if isinstance(m, (nn.Identity, nn.Dropout)):
            if isinstance(m, nn.Dropout):
                notes.append(f"{where} skipped: dropout is the identity at inference")
            continue
        if isinstance(m, nn.ReLU):
            act = ("relu",)
        elif isinstance(m, nn.LeakyReLU):
            act = ("leaky_relu",) + leaky_slope_fraction(float(m.negative_slope), ctype, where)
        elif isinstance(m, nn.Sigmoid):
            act = ("sigmoid",)
        elif isinstance(m, nn.Tanh):
            act = ("tanh",)
        elif isinstance(m, nn.Softmax):
            if m.dim not in (-1, 1, None):
                raise ExportError(f"{where}: dim={m.dim}; ctnn's softmax is over the features of a sample, "
                                  "which is dim=-1 (or 1) for a (batch, features) input")
            act = ("softmax",)
        else:
            raise ExportError(f"{where} is not supported: ctnn exports plain MLPs of Linear layers with "
                              "ReLU, LeakyReLU, Sigmoid, Tanh, Softmax or Identity activations (Dropout is skipped)")
        if not layers:
            raise ExportError(f"{where} comes before any Linear layer; ctnn applies an activation after a "
                              "dense layer only")
        if layers[-1][2] is not None:
            raise ExportError(f"{where} follows another activation ({last_activation}) of the same Linear "
                              "layer; ctnn applies one activation per dense layer")
        layers[-1][2] = act
        last_activation = where
    if not layers:
        raise ExportError("the model has no Linear layer")
    return [(w, b, a or ("identity",), p) for w, b, a, p in layers], notes


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


def export(model_path, name, ctype, activations):
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
        raw, notes = layers_from_module(obj, ctype)
    elif isinstance(obj, dict):
        raw, notes = layers_from_state_dict(obj, activations, ctype)
    else:
        raise ExportError(f"{model_path} holds a {type(obj).__name__}, neither a torch.nn.Sequential nor a state dict")

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
        layers.append((wv, bv, act))
    return header_text(layers, raw[0][0].shape[1], ctype, name), notes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="file written by torch.save: a torch.nn.Sequential or its state dict")
    parser.add_argument("--name", required=True, help="C++ name of the network object, e.g. models::net")
    parser.add_argument("--type", choices=("float", "double"), default="float", help="element type (default float)")
    parser.add_argument("--activations", help="for a state dict: one per Linear layer, e.g. relu,tanh,softmax")
    parser.add_argument("-o", "--output", required=True, help="header to write")
    args = parser.parse_args(argv)
    try:
        text, notes = export(args.model, args.name, args.type, args.activations)
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

#!/usr/bin/env python3
"""Hostile and invalid inputs of tools/export_pytorch.py, and its layer order,
in one python run (one torch import for all cases; CTest runs it once):

  - a .pt whose unpickling would run code (os.system, a module's constructor,
    the legacy format, a TorchScript archive) is refused, and runs nothing;
  - every invalid model (Linear(3, 0), Linear(0, 3), widths that do not chain,
    missing and extra keys, non-float tensors, NaN / inf / too large values,
    a negative variance, a bad dropout p, a damaged module) is refused with one
    line naming the problem, exit status 1, no traceback, the output untouched;
  - an output that is the model (same path, a symlink, a hard link) or cannot
    be written is refused, and the model survives;
  - a state dict's layers are exported in the order of their indices, not of
    its keys (shuffled; 12 layers sorted as text), a module's in the order it
    runs them (names out of order; a layer used twice);
  - every case of cxx_name_cases.txt gets the expected answer.

usage: check_exporter.py EXPORTER WORK_DIR CASES_FILE
Prints one line per case and exits 1 if any failed.
"""
import collections
import contextlib
import importlib.util
import io
import os
import re
import shutil
import sys
import traceback

import torch
import torch.nn as nn

failures = []


def case(label):
    """decorator: runs the case now, records a failure (or an exception) instead of stopping"""
    def run(f):
        try:
            f()
            print(f"ok    {label}")
        except Exception as e:  # a failed check, or the exporter raising where it must not
            failures.append(label)
            detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc(limit=3)
            print(f"FAIL  {label}: {detail}")
    return run


def main(exporter, work, cases_file):
    spec = importlib.util.spec_from_file_location("export_pytorch", exporter)
    ep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ep)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    def path(name):
        return os.path.join(work, name)

    def export(args):
        """(exit status, stderr) of export_pytorch.py ARGS, run in this process"""
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = ep.main(args)
        return status, err.getvalue()

    def rejects(model, expect, *extra, output=None, name="net"):
        output = output or path("out.hpp")
        sentinel = "// previous contents: must survive a rejected export\n"
        is_model = os.path.exists(output) and os.path.exists(model) and os.path.samefile(output, model)
        if not is_model and not os.path.isdir(output) and os.path.isdir(os.path.dirname(output)):
            with open(output, "w") as f:
                f.write(sentinel)
        status, err = export([model, "--name", name, "-o", output, *extra])
        assert status == 1, f"exit status {status}, expected 1; stderr: {err!r}"
        assert "Traceback" not in err, f"a traceback: {err!r}"
        lines = err.splitlines()
        errors = [l for l in lines if l.startswith("export_pytorch.py: error: ")]
        assert len(errors) == 1 and len(errors[0]) < 600, f"not one short error line: {err!r}"
        assert re.search(expect, errors[0]), f"message {errors[0]!r} does not match {expect!r}"
        if os.path.isfile(output) and not is_model:
            with open(output) as f:
                assert f.read() == sentinel, f"{output} was changed"
        leftovers = [f for f in os.listdir(work) if f.startswith(".export_pytorch.")]
        assert not leftovers, f"temporary files left: {leftovers}"
        return errors[0]

    def exported(model, *extra, name="net"):
        out = path("exported.hpp")
        status, err = export([model, "--name", name, "-o", out, *extra])
        assert status == 0, f"export failed: {err!r}"
        with open(out) as f:
            return f.read()

    def save(obj, name, **kwargs):
        torch.save(obj, path(name), **kwargs)
        return path(name)

    torch.manual_seed(7)

    # ---- files that would run code when unpickled
    class RunsCode:
        def __init__(self, marker):
            self.marker = marker

        def __reduce__(self):
            return (os.system, (f"touch '{self.marker}'",))

    class CallsLinear:
        def __reduce__(self):
            return (nn.Linear, (3, 4))

    def refuses_code(label, make):
        marker = path(label.replace(" ", "_") + ".marker")

        @case(f"refuses a file that would run code when loaded: {label}; nothing runs")
        def _():
            try:
                rejects(make(marker), r"refused: the file (names posix\.system|calls torch\.nn\.modules\.linear\.Linear)")
            finally:  # the first thing to know when this fails
                assert not os.path.exists(marker), "the file's code ran (it wrote its marker)"

    refuses_code("a state dict", lambda m: save({"0.weight": torch.ones(2, 2), "x": RunsCode(m)}, "evil_state.pt"))
    refuses_code("a module", lambda m: save(_with_attr(nn.Sequential(nn.Linear(2, 2)), "x", RunsCode(m)),
                                            "evil_module.pt"))
    refuses_code("the legacy format", lambda m: save({"x": RunsCode(m)}, "evil_legacy.pt",
                                                     _use_new_zipfile_serialization=False))
    refuses_code("a module's constructor called", lambda m: save({"x": CallsLinear()}, "calls_linear.pt"))

    @case("refuses a TorchScript archive (torch.load would hand it to torch.jit.load)")
    def _():
        torch.jit.save(torch.jit.script(nn.Sequential(nn.Linear(2, 2))), path("script.pt"))
        rejects(path("script.pt"), r"is a TorchScript archive")

    @case("torch.load of this torch takes weights_only (state dicts load with weights_only=True)")
    def _():
        import inspect
        assert "weights_only" in inspect.signature(torch.load).parameters, torch.__version__

    # ---- invalid models: one line, exit 1, output untouched
    def rejects_model(label, make, expect, *extra):
        @case(f"rejects {label}")
        def _():
            rejects(make(), expect, *extra)

    rejects_model("Linear(3, 0)", lambda: save(nn.Sequential(nn.Linear(3, 0)), "l30.pt"),
                  r"layer 0 \(Linear\): Linear\(3, 0\) has no outputs")
    rejects_model("Linear(0, 3)", lambda: save(nn.Sequential(nn.Linear(0, 3), nn.ReLU()), "l03.pt"),
                  r"layer 0 \(Linear\): Linear\(0, 3\) has no inputs")
    rejects_model("Linear(3, 0) in a state dict", lambda: save({"0.weight": torch.ones(0, 3)}, "s30.pt"),
                  r"layer 0: weight of shape \(0, 3\) is Linear\(3, 0\), which has no outputs", "--activations", "relu")
    rejects_model("Linear(0, 3) in a state dict", lambda: save({"0.weight": torch.ones(3, 0)}, "s03.pt"),
                  r"is Linear\(0, 3\), which has no inputs", "--activations", "relu")
    rejects_model("widths that do not chain (module)",
                  lambda: save(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2)), "chain.pt"),
                  r"layer 2 \(Linear\): takes 5 inputs but the layer before gives 4")
    rejects_model("widths that do not chain (state dict)",
                  lambda: save({"0.weight": torch.ones(4, 3), "1.weight": torch.ones(2, 5)}, "schain.pt"),
                  r"layer 1: takes 5 inputs but the layer before gives 4", "--activations", "relu,relu")
    rejects_model("a Linear whose weight disagrees with its declared sizes",
                  lambda: save(_with_attr(nn.Sequential(nn.Linear(3, 4)), None, None, lambda m: setattr(
                      m[0], "in_features", 7)), "declared.pt"),
                  r"declares in_features=7, out_features=4 but its weight has shape \(4, 3\)")
    rejects_model("an unsupported module kind", lambda: save(nn.Sequential(nn.Linear(3, 4), nn.Conv1d(1, 1, 1)),
                                                             "conv.pt"),
                  r"layer 1 \(Conv1d\) is not supported")
    rejects_model("a class of the user's own (it names __main__)",
                  lambda: save(nn.Sequential(nn.Linear(2, 2), Custom()), "custom.pt"),
                  r"refused: the file names __main__\.Custom")
    rejects_model("a None layer", lambda: save(_with_attr(nn.Sequential(nn.Linear(2, 2)), None, None,
                                                          lambda m: m.add_module("1", None)), "none.pt"),
                  r"layer 1 is None")
    rejects_model("a bias without its weight (state dict)",
                  lambda: save({"0.weight": torch.ones(2, 2), "1.bias": torch.ones(2)}, "bias.pt"),
                  r"state dict entry '1\.bias' has no matching '1\.weight'", "--activations", "relu")
    rejects_model("an extra key (state dict)",
                  lambda: save({"0.weight": torch.ones(2, 2), "0.running_mean": torch.ones(2)}, "extra.pt"),
                  r"state dict entry '0\.running_mean' \(shape \(2,\)\) is not the weight or bias", "--activations",
                  "relu")
    rejects_model("a key that is not a string (state dict)",
                  lambda: save({0: torch.ones(2, 2)}, "intkey.pt"), r"state dict key 0 is not a string",
                  "--activations", "relu")
    rejects_model("a value that is not a tensor (state dict)",
                  lambda: save({"0.weight": [[1.0]]}, "list.pt"), r"'0\.weight' is a list, not a tensor",
                  "--activations", "relu")
    rejects_model("an integer weight (state dict)",
                  lambda: save({"0.weight": torch.ones(2, 2, dtype=torch.int64)}, "int.pt"),
                  r"layer 0 \(module '0'\), W is a int64 tensor; only real floating-point", "--activations", "relu")
    rejects_model("a complex weight (state dict)",
                  lambda: save({"0.weight": torch.ones(2, 2, dtype=torch.complex64)}, "complex.pt"),
                  r"W is a complex64 tensor", "--activations", "relu")
    rejects_model("an integer weight (module)",
                  lambda: save(_with_attr(nn.Sequential(nn.Linear(2, 2)), None, None, lambda m: setattr(
                      m[0], "weight", nn.Parameter(torch.ones(2, 2, dtype=torch.int32), requires_grad=False))),
                      "intmod.pt"),
                  r"W is a int32 tensor")
    rejects_model("a NaN weight (module)",
                  lambda: save(_with_attr(nn.Sequential(nn.Linear(2, 3)), None, None,
                                          lambda m: m[0].weight.data.__setitem__((1, 0), float("nan"))), "nan.pt"),
                  r"layer 0 \(module '0'\), W\(1, 0\) is NaN")
    rejects_model("an infinite bias (state dict)",
                  lambda: save({"0.weight": torch.ones(2, 2), "0.bias": torch.tensor([0.0, -float("inf")])},
                               "inf.pt"),
                  r"b\(1, 0\) is infinite", "--activations", "relu")
    rejects_model("a double too large for float (--type float)",
                  lambda: save({"0.weight": torch.tensor([[1.0, 1e39]], dtype=torch.float64)}, "big.pt"),
                  r"W\(0, 1\) is 1e\+39, too large for float", "--activations", "relu")
    rejects_model("a negative running variance",
                  lambda: save(_with_attr(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.BatchNorm1d(2)), None, None,
                                          lambda m: m[2].running_var.__setitem__(1, -1.0)), "var.pt"),
                  r"running_var\(1, 0\) is -1\.0: a variance cannot be negative")
    rejects_model("a BatchNorm1d whose folding overflows float",
                  lambda: save(_with_attr(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)), None, None,
                                          lambda m: (m[0].weight.fill_(1e30), m[1].weight.fill_(1e30),
                                                     m[1].running_var.fill_(0.0))),
                               "fold.pt"),
                  r"folding this BatchNorm1d into the Linear before it gives a value too large for float")
    rejects_model("a dropout p of NaN", lambda: save(nn.Sequential(nn.Linear(2, 2), _with_attr(
        nn.Dropout(0.5), "p", float("nan"))), "pnan.pt"), r"p=nan; ctnn's dropout needs 0 <= p < 1")
    rejects_model("a damaged module (a LeakyReLU slope that is a string)",
                  lambda: save(nn.Sequential(nn.Linear(2, 2), _with_attr(nn.LeakyReLU(), "negative_slope", "x")),
                               "slope.pt"),
                  r"cannot be exported \(ValueError: could not convert string to float")
    rejects_model("a file that is not a torch file", lambda: _write(path("text.pt"), "hello\n"),
                  r"text\.pt: cannot be loaded by torch\.load")
    rejects_model("a missing file", lambda: path("missing.pt"), r"missing\.pt: cannot read it: No such file")
    rejects_model("a directory as the model", lambda: work, r"cannot read it: it is a directory")
    rejects_model("a bad name (the same rules as write_header)",
                  lambda: save(nn.Sequential(nn.Linear(2, 2)), "ok.pt"),
                  r"'linux' is not a usable C\+\+ name: 'linux' is a macro", "--name", "linux")

    # ---- the output
    model = save(nn.Sequential(nn.Linear(2, 2)), "model.pt")
    with open(model, "rb") as f:
        model_bytes = f.read()

    def model_intact():
        with open(model, "rb") as f:
            assert f.read() == model_bytes, "the model file was changed"

    @case("refuses an output that is the model (same path, another spelling, a symlink, a hard link)")
    def _():
        rejects(model, r"is the model file .*; refusing to overwrite the model", output=model)
        rejects(model, r"refusing to overwrite", output=os.path.join(work, ".", "model.pt"))
        os.symlink(model, path("link.hpp"))
        rejects(model, r"refusing to overwrite", output=path("link.hpp"))
        os.link(model, path("hard.hpp"))
        rejects(model, r"refusing to overwrite", output=path("hard.hpp"))
        model_intact()

    @case("refuses an output it cannot write (no such directory; a directory)")
    def _():
        rejects(model, r"cannot write in .*/no-such-dir: No such file or directory",
                output=path("no-such-dir/out.hpp"))
        os.makedirs(path("a-dir"), exist_ok=True)
        rejects(model, r"the output .*a-dir is a directory", output=path("a-dir"))

    # ---- layer order
    def widths_equal_mlp(n, width=3):
        layers = []
        for _ in range(n):
            layers += [nn.Linear(width, width), nn.Tanh()]
        return nn.Sequential(*layers)

    def acts(n):
        return ",".join(["tanh"] * n)

    @case("a state dict whose keys are shuffled exports in the order of the layer indices")
    def _():
        state = widths_equal_mlp(3).state_dict()
        ordered = exported(save(state, "ordered.pt"), "--activations", acts(3))
        keys = ["4.weight", "0.bias", "2.weight", "0.weight", "4.bias", "2.bias"]
        shuffled = collections.OrderedDict((k, state[k]) for k in keys)
        assert exported(save(shuffled, "shuffled.pt"), "--activations", acts(3)) == ordered

    @case("a state dict of 12 layers whose keys are sorted as text (10 before 2) exports in index order")
    def _():
        state = widths_equal_mlp(12).state_dict()
        ordered = exported(save(state, "deep.pt"), "--activations", acts(12))
        as_text = collections.OrderedDict(sorted(state.items()))
        assert list(as_text)[2].startswith("10."), list(as_text)[:4]
        assert exported(save(as_text, "deep_text.pt"), "--activations", acts(12)) == ordered

    @case("a state dict of named layers: fc1 < fc2 < fc10 by their numbers; names without one need --layers")
    def _():
        a, b, c = (torch.randn(3, 3) for _ in range(3))
        numbered = exported(save({"fc10.weight": c, "fc1.weight": a, "fc2.weight": b}, "fc.pt"),
                            "--activations", acts(3))
        reference = exported(save({"0.weight": a, "1.weight": b, "2.weight": c}, "ref.pt"), "--activations", acts(3))
        assert numbered == reference
        unnamed = save({"out.weight": b, "hidden.weight": a}, "unnamed.pt")
        rejects(unnamed, r"does not say whether layer 'hidden' comes before 'out'.*--layers", "--activations",
                "tanh,tanh")
        two = exported(save({"0.weight": a, "1.weight": b}, "two.pt"), "--activations", "tanh,tanh")
        assert exported(unnamed, "--activations", "tanh,tanh", "--layers", "hidden,out") == two
        rejects(unnamed, r"--layers lists hidden, but the Linear layers", "--activations", "tanh", "--layers",
                "hidden")

    @case("a module exports in the order it runs its layers, not the order of their names")
    def _():
        l0, l1, l2 = nn.Linear(3, 3), nn.Linear(3, 3), nn.Linear(3, 3)
        named = nn.Sequential(collections.OrderedDict([("2", l0), ("1", nn.Tanh()), ("0", l1), ("10", l2)]))
        plain = nn.Sequential(l0, nn.Tanh(), l1, l2)
        assert exported(save(named, "named.pt")) == exported(save(plain, "plain.pt"))

    @case("a Linear used twice in a Sequential is exported twice, as forward runs it")
    def _():
        shared = nn.Linear(3, 3)
        text = exported(save(nn.Sequential(shared, nn.Tanh(), shared), "shared.pt"))
        unshared = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3))
        unshared[0].load_state_dict(shared.state_dict())
        unshared[2].load_state_dict(shared.state_dict())
        assert text == exported(save(unshared, "unshared.pt"))

    # ---- C++ names: the cases both exporters must agree on
    @case(f"every name of {os.path.basename(cases_file)} gets the expected answer")
    def _():
        wrong = []
        count = 0
        with open(cases_file) as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                name, expect = line.split(None, 1)
                expect = expect.strip()
                problem = ep.cxx_name_problem(name)
                count += 1
                if (expect == "ok") != (problem is None) or (problem is not None and expect not in problem):
                    wrong.append(f"{name}: {problem or 'accepted'} (expected: {expect})")
        assert count > 50 and not wrong, f"{count} cases; wrong: " + "; ".join(wrong)

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


# ---- helpers for building damaged models
class Custom(nn.Module):
    def forward(self, x):
        return x


def _with_attr(module, name, value, edit=None):
    """module after setting one attribute or running edit(module) (under no_grad)"""
    with torch.no_grad():
        if name is not None:
            object.__setattr__(module, name, value) if not isinstance(value, nn.Module) else setattr(
                module, name, value)
        if edit is not None:
            edit(module)
    return module


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))

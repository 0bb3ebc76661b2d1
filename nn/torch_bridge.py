"""From here to PyTorch: an `MLP` as a `torch.nn.Sequential` and back (the end of the course).

`to_torch(model)` builds `Linear` layers (float64) holding the same weights,
each followed by the module of its activation; `from_torch(module)` reads
such a `Sequential` back into an `MLP`. Three activations of the course have
no module in `torch.nn`, so this module defines them: `Sin`, `Cos` and `Step`
(the perceptron's step: 0 for z <= 0, else 1, with gradient 0).

Which module an activation becomes, with which arguments, and which modules
are read back as which activation, comes from nn's one table of activations
(`nn.activations.activation_entries()`, the engine's `Activation` records),
so an activation added there is converted, or refused by name, here too.

PyTorch is optional: it is imported on the first call, and without it the
error says how to install it. The `Sequential` takes a batch, a tensor of
shape (n, nin), as every torch model does (a `PReLU` layer with one slope per
neuron needs that batch dimension).
"""

from __future__ import annotations

import functools
import math

from autograd import install_command
from nn.activations import ACTIVATIONS, ActivationEntry, activation_entries

__all__: list[str] = []  # reached as MLP.to_torch() and MLP.from_torch(module)

INSTALL_HINT = f"pip install torch==2.13.0 (or the project's extra: {install_command('torch')})"

SOFTPLUS_THRESHOLD = dict(activation_entries()["softplus"].facts.torch_args)["threshold"]
"""torch's Softplus returns z itself above its threshold; past 40, ln(1 + e^z) equals z in float64."""

OWN_MODULES = ("Sin", "Cos", "Step")
"""The activation modules this module defines, for the activations `torch.nn` lacks."""


def _torch(who: str):
    """The torch module, or an ImportError saying how to install it."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError(f"{who} needs PyTorch, which is not installed: {INSTALL_HINT}") from exc
    return torch


@functools.cache
def _own_modules() -> dict:
    """The activation modules torch.nn lacks, defined once torch is imported."""
    torch = _torch("nn.torch_bridge")

    class Sin(torch.nn.Module):
        """sin(z) element-wise (derivative cos z)."""

        def forward(self, z):
            return torch.sin(z)

    class Cos(torch.nn.Module):
        """cos(z) element-wise (derivative -sin z)."""

        def forward(self, z):
            return torch.cos(z)

    class _StepFunction(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            return torch.where(z > 0, 1.0, torch.where(z <= 0, 0.0, z))  # nan stays nan

        @staticmethod
        def backward(ctx, grad):
            return torch.zeros_like(grad)  # the step is flat wherever it has a derivative

    class Step(torch.nn.Module):
        """The perceptron's step: 0 if z <= 0 else 1; its gradient is 0 (torch.heaviside has none)."""

        def forward(self, z):
            return _StepFunction.apply(z)

    for cls in (Sin, Cos, Step):
        cls.__module__ = __name__
    return {"Sin": Sin, "Cos": Cos, "Step": Step}


def _module_class(torch, entry: ActivationEntry):
    """The class of an activation's module: in torch.nn, or one of OWN_MODULES; None if neither has it."""
    name = entry.facts.torch
    return _own_modules()[name] if name in OWN_MODULES else getattr(torch.nn, name, None)


def _convertible() -> dict[str, ActivationEntry]:
    """The activations that have a torch module, by name, in the table's order."""
    return {name: entry for name, entry in activation_entries().items() if entry.facts.torch is not None}


def accepted() -> str:
    """What `from_torch` accepts, in words: the modules of the activations, PyTorch's own before this module's."""
    shown = [(e.facts.torch_shown or e.facts.torch, e.facts.torch in OWN_MODULES) for e in _convertible().values()]
    theirs = ", ".join(text for text, own in shown if not own)
    ours = ", ".join(text for text, own in shown if own)
    return (
        f"Linear (with bias), each optionally followed by one of {theirs}, "
        + (f"nn.torch_bridge's {ours}, " if ours else "")
        + "or (after the last Linear) Softmax(dim=-1)"
    )


def __getattr__(name: str):
    if name in OWN_MODULES:
        return _own_modules()[name]
    if name == "ACCEPTED":  # built from the table of activations when asked, so it is never out of date
        return accepted()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---- MLP -> torch ----------------------------------------------------------------------------


def _layer_activation(layer, k: int) -> str:
    """The name of what layer k's neurons compute ("softmax" for a softmax layer), or a ValueError."""
    if layer.outputs_softmax:
        return "softmax"
    names = set()
    for neuron in layer.neurons:
        name = neuron.activation
        if not isinstance(name, str):  # a function: one of the table's, or the user's own
            name = next((n for n, f in ACTIVATIONS.items() if f is name), getattr(name, "__name__", repr(name)))
        if name == "prelu" and neuron.alpha is None:
            name = "prelu without its learnable alpha"
        names.add(name)
    if len(names) > 1:
        raise ValueError(
            f"to_torch: the neurons of layer {k} use different activations ({', '.join(sorted(names))}); "
            "a torch layer applies one"
        )
    (name,) = names
    convertible = _convertible()
    if name not in convertible:
        raise ValueError(
            f"to_torch: layer {k}'s activation {name!r} is not one of the named activations that map to torch "
            f"({', '.join(convertible)}, softmax); a function of your own cannot be converted"
        )
    return name


def _activation_module(torch, name: str, alphas):
    """The torch module of an activation (None for linear), built as its `Activation` record says."""
    if name == "softmax":
        return torch.nn.Softmax(dim=-1)
    entry = activation_entries()[name]
    if entry.facts.torch == "Identity":
        return None  # a linear layer is its Linear alone
    if entry.facts.torch == "PReLU":  # one learnable slope per neuron
        module = torch.nn.PReLU(num_parameters=len(alphas), dtype=torch.float64)
        with torch.no_grad():
            module.weight.copy_(torch.tensor(alphas, dtype=torch.float64))
        return module
    cls = _module_class(torch, entry)
    if cls is None:
        raise ValueError(
            f"to_torch: activation {name!r} names the module {entry.facts.torch!r}, which neither torch.nn "
            "nor nn.torch_bridge has"
        )
    return cls(**dict(entry.facts.torch_args))


def to_torch(model, mlp: type):
    """An equivalent `torch.nn.Sequential` of `model` (an `MLP`): same weights and activations, float64.

    `mlp` is the MLP class, handed in by `MLP.to_torch` (so this module does not import nn.layers).

    Layer k becomes `Linear(nin, nout)` with weight[j][i] = neuron j's w_i and
    bias[j] = its b, followed by its activation's module (none for a linear
    layer; `Softmax(dim=-1)` for a softmax output).
    """
    torch = _torch("MLP.to_torch")
    if not isinstance(model, mlp):
        raise TypeError(f"to_torch: model must be an MLP, not {type(model).__name__} {model!r}")
    modules = []
    for k, layer in enumerate(model.layers):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        name = _layer_activation(layer, k)
        alphas = [n.alpha.data for n in layer.neurons] if name == "prelu" else []
        activation = _activation_module(torch, name, alphas)
        if activation is not None:
            modules.append(activation)
    return torch.nn.Sequential(*modules)


# ---- torch -> MLP ----------------------------------------------------------------------------


def _name_of_activation(torch, module, where: str, nout: int):
    """The MLP activation name of a torch activation module (and its PReLU slopes), or a ValueError."""

    def refuse(why: str):
        raise ValueError(f"from_torch: {where} is {module!r}: {why}; accepted: {accepted()}")

    kind = type(module)
    if kind is torch.nn.Softmax:
        return "softmax", None
    matching = [(name, e.facts) for name, e in _convertible().items() if _module_class(torch, e) is kind]
    for name, facts in matching:
        if facts.torch == "PReLU":  # its slopes become the neurons' alphas
            alphas = [float(a) for a in module.weight.detach().reshape(-1).tolist()]
            if len(alphas) not in (1, nout):
                refuse(f"it has {len(alphas)} slopes; the layer before it has {nout} neurons (give 1 or {nout})")
            return name, alphas * nout if len(alphas) == 1 else alphas
        if facts.torch_accepts is not None:
            if facts.torch_accepts(module):
                return name, None
        elif all(getattr(module, key) == value for key, value in facts.torch_args):
            return name, None
    if matching:
        name, facts = matching[0]
        refuse(f"the MLP's {name} {facts.torch_note}")
    refuse("an MLP has no such layer or activation")


def from_torch(module, mlp: type):
    """An `MLP` computing what `module` computes: a `torch.nn.Sequential` as `to_torch` makes.

    `mlp` is the MLP class, handed in by `MLP.from_torch` (so this module does not import nn.layers).

    Accepted: Linear layers with bias, each followed by at most one activation
    module (see accepted()); every hidden layer must have the same activation
    (an MLP has one `activation` for them and one `output_activation`).
    Anything else raises a ValueError naming the module and what is accepted.
    """
    torch = _torch("MLP.from_torch")
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(
            f"from_torch: module must be a torch.nn.Sequential (as MLP.to_torch makes), not "
            f"{type(module).__name__} {module!r}"
        )
    children = list(module)
    layers = []  # (Linear, activation name, PReLU slopes)
    k = 0
    while k < len(children):
        linear = children[k]
        where = f"module {k}"
        if type(linear) is not torch.nn.Linear:
            raise ValueError(
                f"from_torch: {where} is {linear!r}, where a Linear layer is expected; accepted: {accepted()}"
            )
        if linear.bias is None:
            raise ValueError(f"from_torch: {where} is {linear!r} without bias; every neuron of an MLP has a bias")
        if linear.in_features < 1 or linear.out_features < 1:
            raise ValueError(f"from_torch: {where} is {linear!r}; an MLP layer has at least one input and one neuron")
        if layers and linear.in_features != layers[-1][0].out_features:
            raise ValueError(
                f"from_torch: {where} is {linear!r}, but the layer before it has {layers[-1][0].out_features} outputs"
            )
        name, alphas = "linear", None
        if k + 1 < len(children) and type(children[k + 1]) is not torch.nn.Linear:
            name, alphas = _name_of_activation(torch, children[k + 1], f"module {k + 1}", linear.out_features)
            k += 1
        if name == "softmax" and k + 1 < len(children):
            raise ValueError(
                f"from_torch: module {k} is {children[k]!r} before module {k + 1}: an MLP applies softmax only "
                "to its output layer"
            )
        if name == "softmax" and children[k].dim not in (-1, 1):
            raise ValueError(
                f"from_torch: module {k} is {children[k]!r}: an MLP's softmax runs over the outputs of each "
                "sample, Softmax(dim=-1) (or dim=1)"
            )
        if name == "softmax" and linear.out_features < 2:
            raise ValueError(
                f"from_torch: module {k} is a softmax over {linear.out_features} output; it needs 2 or more"
            )
        layers.append((linear, name, alphas))
        k += 1
    if not layers:
        raise ValueError(f"from_torch: module is an empty Sequential; accepted: {accepted()}")
    hidden = {name for _, name, _ in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(
            f"from_torch: the hidden layers have different activations ({', '.join(sorted(hidden))}); "
            "an MLP uses one activation for all hidden layers"
        )
    activation = hidden.pop() if hidden else "relu"
    sizes = [linear.out_features for linear, _, _ in layers]
    model = mlp(layers[0][0].in_features, sizes, activation=activation, output_activation=layers[-1][1], rng=0)
    state = {}
    for i, (linear, _, alphas) in enumerate(layers):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for j in range(linear.out_features):
            for m in range(linear.in_features):
                state[f"layers.{i}.neurons.{j}.w.{m}"] = weight[j][m]
            state[f"layers.{i}.neurons.{j}.b"] = bias[j]
            if alphas is not None:
                state[f"layers.{i}.neurons.{j}.alpha"] = alphas[j]
    bad = next((name for name, v in state.items() if not math.isfinite(v)), None)
    if bad is not None:
        raise ValueError(f"from_torch: weight {bad} is {state[bad]!r}; an MLP takes finite weights only")
    model.load_state_dict(state)
    return model

"""Activation functions by name (section 6 of the lecture notes), for neurons and layers.

A neuron computes z = sum_i w_i x_i + b and then h(z). Every h in `ACTIVATIONS`
is a function of one `Value` made of the engine's operations, so its
derivative comes with it ("linear" is the identity: it returns z itself):

    >>> from autograd import Value
    >>> from nn import get_activation
    >>> get_activation("relu")(Value(-2.0)).data
    0.0
    >>> get_activation("linear")(Value(-2.0)).data        # the identity
    -2.0

`softmax` and `log_softmax` are activations of a whole output layer, not of
one neuron (each output depends on every logit): `MLP(...,
output_activation="softmax")` applies `softmax` to the last layer, and both
work on any list of logits:

    >>> from nn import softmax
    >>> [round(p.data, 3) for p in softmax([Value(1.0), Value(2.0), Value(0.5)])]
    [0.231, 0.629, 0.14]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from autograd import Value, total
from autograd.compiler.trace import is_tracing
from autograd.core import checks
from autograd.core.registry import REGISTRY, Activation, Operation

__all__ = [
    "ACTIVATIONS",
    "activation_names",
    "get_activation",
    "activation_name",
    "softmax",
    "log_softmax",
    "logsumexp",
]

PRELU_ALPHA = 0.25
"""Initial slope of a parametric ReLU on the negative side (PyTorch's default)."""


def linear(z: Value) -> Value:
    """The identity h(z) = z, the activation of a regression output (derivative 1)."""
    return z


def prelu(z: Value, alpha=PRELU_ALPHA) -> Value:
    """Parametric ReLU: z if z > 0 else alpha * z.

    Called with z alone it uses the starting slope 0.25, like every other entry
    of ACTIVATIONS. A `Neuron` with activation="prelu" keeps its own learnable
    `alpha` (a parameter) and calls `z.leaky_relu(alpha)` with it.
    """
    return z.leaky_relu(alpha)


@dataclass(frozen=True)
class ActivationEntry:
    """One activation by name: the function h(z) of one Value, and what the course knows of it (`Activation`)."""

    name: str
    function: Callable
    facts: Activation


OWN_ACTIVATIONS = (
    ActivationEntry("prelu", prelu, Activation(range="(-inf, inf)", order=6, torch="PReLU")),
    ActivationEntry("linear", linear, Activation(range="(-inf, inf)", order=12, torch="Identity")),
)
"""nn's own two, which are no single operation of the engine: the identity, and leaky_relu with a learnable alpha
(their names win over an operation of the same name)."""


def _function_of(record: Operation) -> Callable:
    """What applies an activation operation to one Value: its Value method (`Value.tanh`), else the record."""
    method = record.method[-1] if isinstance(record.method, tuple) else record.method
    return getattr(Value, method) if method else record


_built: tuple = (None, {})  # (the registry's activations when built, name -> ActivationEntry)


def activation_entries() -> dict[str, ActivationEntry]:
    """Every activation by name, in the order of the course's table (`Activation.order`).

    The engine's operations whose record has an `activation` (read from `REGISTRY` now, so one
    registered later is here too) and nn's own `OWN_ACTIVATIONS`; the nn, the torch bridge and
    the activations demo all read this one table.
    """
    global _built
    key = tuple((name, record, record.activation) for name, record in REGISTRY.items() if record.activation is not None)
    if key != _built[0]:
        found = [ActivationEntry(name, _function_of(record), facts) for name, record, facts in key]
        found = [e for e in found if e.name not in {own.name for own in OWN_ACTIVATIONS}] + list(OWN_ACTIVATIONS)
        found.sort(key=lambda e: (e.facts.order is None, e.facts.order or 0))  # no order: after, as registered
        _built = (key, {e.name: e for e in found})
    return _built[1]


class ActivationTable(Mapping):
    """name -> the function h(z): a read-only view of `activation_entries()`, current at every use."""

    def __getitem__(self, name: str) -> Callable:
        return activation_entries()[name].function

    def __iter__(self) -> Iterator[str]:
        return iter(activation_entries())

    def __len__(self) -> int:
        return len(activation_entries())

    def __repr__(self) -> str:
        return repr(dict(self))

    def __setitem__(self, name, function) -> None:
        raise TypeError(
            f"nn.ACTIVATIONS is read-only (it lists the engine's activations and nn's own), so {name!r} cannot be "
            "added to it; give your function itself: Neuron(n, activation=f), MLP(..., activation=f)"
        )


ACTIVATIONS = ActivationTable()
"""Every activation a neuron accepts by name, mapped to a function h(z) of one Value."""


def activation_names() -> list[str]:
    """The names `Neuron`, `Layer` and `MLP` accept (plus `softmax` for MLP outputs)."""
    return list(ACTIVATIONS)


def get_activation(activation):
    """The function h(z) for a name, or the callable itself; a clear error otherwise."""
    return checked_activation(activation, "activation", "get_activation")


def checked_activation(activation, name: str, who: str):
    """The function h(z) for a name, or the callable itself; the error names `who` and the argument `name`."""
    if callable(activation):
        return activation
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            hint = " (softmax acts on a whole layer: use MLP(..., output_activation='softmax'))"
            raise ValueError(
                f"{who}: unknown {name} {activation!r}{hint if activation == 'softmax' else ''}; "
                f"valid names: {', '.join(ACTIVATIONS)}, or any function Value -> Value"
            ) from None
    raise TypeError(f"{who}: {name} must be a name or a function Value -> Value, not {checks.shown(activation)}")


def activation_name(activation) -> str:
    """A readable name for an activation given by name or as a function; anything else is refused."""
    if not (isinstance(activation, str) and activation == "softmax"):
        checked_activation(activation, "activation", "activation_name")
    return readable_name(activation)


def readable_name(activation) -> str:
    """The name of whatever was given as an activation, for messages about it."""
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)


# ---- activations of a whole layer ---------------------------------------------------------


def _logits(logits, who: str) -> list:
    """The logits as a non-empty list (a tuple or NumPy array is fine)."""
    given = logits
    if hasattr(logits, "tolist") and not isinstance(logits, Value):  # NumPy arrays
        logits = logits.tolist()
    if not isinstance(logits, (list, tuple)):
        raise TypeError(f"{who}: logits must be a list (or tuple, NumPy array), not {checks.shown(given)}")
    if not logits:
        raise ValueError(f"{who}: no logits")
    for k, z in enumerate(logits):
        if not isinstance(z, Value):
            if not checks.is_number(z):
                raise TypeError(f"{who}: logits[{k}] is {checks.shown(z)}; logits are Values or numbers")
            checks.number(z, f"logits[{k}]", who, finite=False)  # 10**400 has no float
    return list(logits)


def _number(x) -> float:
    return x.data if isinstance(x, Value) else float(x)


SHIFT_BEYOND = 600.0
"""logsumexp and softmax subtract the largest logit only when it lies beyond +-600 (where e^z overflows or
underflows); otherwise they subtract 0.0, so a sample's graph does not depend on its logits' values.
Under `autograd.trace` they always subtract 0.0: the result is the same for any shift, only e^z must
stay finite, and a sample whose logits overflow (beyond about 709) is refused naming the sample."""


def _shift(z: list) -> float:
    if is_tracing():  # one sample's shift would be baked into every sample's graph
        return 0.0
    m = max(_number(a) for a in z)
    return m if abs(m) > SHIFT_BEYOND else 0.0


def logsumexp(logits) -> Value:
    """log sum_j e^(z_j), computed as m + log sum_j e^(z_j - m): stable for any logits (m: see _shift)."""
    z = _logits(logits, "logsumexp")
    m = _shift(z)
    exps = [(a - m).exp() if isinstance(a, Value) else math.exp(float(a) - m) for a in z]
    return total(exps).log() + m


def softmax(logits) -> list[Value]:
    """e^(z_i) / sum_j e^(z_j), computed as softmax(z - m) so no exponential overflows (m: see _shift)."""
    z = _logits(logits, "softmax")
    m = _shift(z)
    exps = [(a - m).exp() if isinstance(a, Value) else Value(math.exp(float(a) - m)) for a in z]
    s = total(exps)
    return [e / s for e in exps]


def log_softmax(logits) -> list[Value]:
    """log softmax(z)_i = z_i - logsumexp(z), computed stably."""
    z = _logits(logits, "log_softmax")
    lse = logsumexp(z)
    return [a - lse for a in z]

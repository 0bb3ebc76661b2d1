"""Activation functions by name (section 6 of the lecture notes), for neurons and layers.

A neuron computes z = sum_i w_i x_i + b and then h(z). Every h here is an
operation of the engine, so its derivative comes with it:

    >>> from autograd import Value
    >>> from nn import get_activation
    >>> get_activation("relu")(Value(-2.0)).data
    0.0

`softmax` is not a per-neuron activation (it needs the whole output layer):
use `MLP(..., output_activation="softmax")` or `nn.softmax(list_of_logits)`.
"""

from __future__ import annotations

from autograd import Value

__all__ = ["ACTIVATIONS", "activation_names", "get_activation", "prelu"]

PRELU_ALPHA = 0.25
"""Initial slope of a parametric ReLU on the negative side (PyTorch's default)."""


def prelu(z: Value, alpha: Value) -> Value:
    """Parametric ReLU: z if z > 0 else alpha * z, with alpha a learnable `Value`."""
    return z.leaky_relu(alpha)


ACTIVATIONS = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "hardtanh": Value.hardtanh,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,  # alpha = 0.01
    "prelu": prelu,  # needs the neuron's own alpha; Neuron handles it
    "softplus": Value.softplus,
    "elu": Value.elu,
    "gelu": Value.gelu,
    "sin": Value.sin,
    "cos": Value.cos,
    "linear": Value.linear,
    "step": Value.step,
}
"""Every activation a neuron accepts by name, mapped to the function h(z)."""


def activation_names() -> list[str]:
    """The names `Neuron`, `Layer` and `MLP` accept (plus `softmax` for MLP outputs)."""
    return list(ACTIVATIONS)


def get_activation(activation):
    """The function h(z) for a name, or the callable itself; a clear error otherwise.

    For "prelu" the function takes two arguments, h(z, alpha).
    """
    if callable(activation):
        return activation
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation]
        except KeyError:
            hint = " (softmax acts on a whole layer: use MLP(..., output_activation='softmax'))"
            raise ValueError(
                f"unknown activation {activation!r}{hint if activation == 'softmax' else ''}; "
                f"valid names: {', '.join(ACTIVATIONS)}, or any function Value -> Value"
            ) from None
    raise TypeError(f"activation must be a name or a function Value -> Value, not {type(activation).__name__}")


def activation_name(activation) -> str:
    """A readable name for an activation given by name or as a function."""
    if isinstance(activation, str):
        return activation
    return getattr(activation, "__name__", type(activation).__name__)

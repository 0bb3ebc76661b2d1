"""Checking backpropagation against central finite differences (section 3 of the lecture notes).

    dL/dx ~ (L(x + eps) - L(x - eps)) / (2 eps),   error O(eps^2)

Two evaluations per input and only approximate; backprop gives all gradients
in one pass, exactly. Agreement of the two is strong evidence both are right.
"""

from __future__ import annotations

import math

from autograd.graph import topological_order
from autograd.value import Value, is_grad_enabled, no_grad

__all__ = ["gradcheck", "numerical_gradient", "analytic_gradient", "GradcheckError"]


class GradcheckError(AssertionError):
    """Backpropagated and numerical gradient disagree for some input."""


def _as_values(inputs) -> list[Value]:
    values = [x if isinstance(x, Value) else Value(x, label=f"x{i}") for i, x in enumerate(inputs)]
    if not values:
        raise ValueError("gradcheck: no inputs to check")
    return values


def _evaluate(f, inputs: list[Value]) -> float:
    with no_grad():
        out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    return out.data


def numerical_gradient(f, inputs, eps: float = 1e-6) -> list[float]:
    """Central differences of `f(*inputs)` with respect to each input Value.

    Each input's `.data` is moved by +-eps in place and restored, so `f` may
    also ignore its arguments and use the Values it closes over. `f` must
    compute everything from those inputs each time it is called: a node built
    outside `f` from the inputs keeps its old value when they move.
    """
    inputs = _as_values(inputs)
    slopes = []
    for x in inputs:
        original = x.data
        try:
            x.data = original + eps
            up = _evaluate(f, inputs)
            x.data = original - eps
            down = _evaluate(f, inputs)
        finally:
            x.data = original
        slopes.append((up - down) / (2.0 * eps))
    return slopes


def analytic_gradient(f, inputs) -> list[float]:
    """d f(*inputs) / d input by backpropagation, leaving every `.grad` as it was."""
    if not is_grad_enabled():  # f would build no graph, and every gradient would read 0
        raise RuntimeError(
            "gradcheck: called inside no_grad(), where operations record no graph to backpropagate; "
            "call it outside no_grad()"
        )
    inputs = _as_values(inputs)
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    nodes = topological_order(out)
    saved = [(node, node.grad) for node in nodes] + [(x, x.grad) for x in inputs]
    try:
        for x in inputs:
            x.grad = 0.0
        for node in nodes:
            node.grad = 0.0
        out.backward()
        return [x.grad for x in inputs]
    finally:
        for node, grad in saved:
            node.grad = grad


def gradcheck(f, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Compare backprop with central differences for `f(*inputs)`; True if they agree.

    `inputs` are Values (or numbers, wrapped as leaves); `f` returns a Value.
    Raises `GradcheckError` naming the first input where
    |analytic - numeric| > atol + rtol * |numeric|, with both numbers.
    """
    inputs = _as_values(inputs)
    analytic = analytic_gradient(f, inputs)
    numeric = numerical_gradient(f, inputs, eps)
    for i, (x, a, n) in enumerate(zip(inputs, analytic, numeric)):
        if not (math.isfinite(a) and math.isfinite(n)) or abs(a - n) > atol + rtol * abs(n):
            name = f"input {i}" + (f" ({x.label!r})" if x.label else "")
            raise GradcheckError(
                f"gradcheck: gradient wrt {name} at {x.data!r} disagrees: "
                f"backprop gives {a!r}, central differences give {n!r} "
                f"(difference {abs(a - n):.3g}, allowed {atol + rtol * abs(n):.3g})"
            )
    return True

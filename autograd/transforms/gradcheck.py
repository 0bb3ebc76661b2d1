"""Checking backpropagation against central finite differences (section 3 of the lecture notes).

    dL/dx ~ (L(x + eps) - L(x - eps)) / (2 eps),   error O(eps^2)

Two evaluations per input and only approximate; backprop gives all gradients
in one pass, exactly. Agreement of the two is strong evidence both are right.
"""

from __future__ import annotations

import math

from autograd.core import checks
from autograd.core.graph import topological_order
from autograd.core.value import Value, is_grad_enabled, no_grad

__all__ = ["gradcheck", "numerical_gradient", "analytic_gradient", "GradcheckError"]


class GradcheckError(AssertionError):
    """Backpropagated and numerical gradient disagree for some input."""


def _as_values(inputs, who: str, finite: bool = False) -> list[Value]:
    """The inputs as a list of Values (numbers wrapped as leaves); with `finite`, each
    finite: at nan or inf there is no gradient to compare."""
    items = checks.ordered(inputs, "inputs", who)
    values = []
    for i, x in enumerate(items):
        if not isinstance(x, Value):
            if not checks.is_number(x):
                raise TypeError(f"{who}: inputs[{i}] is {checks.shown(x)}; give Values or numbers")
            x = Value(checks.number(x, f"inputs[{i}]", who, finite=False), label=f"x{i}")
        if finite and not math.isfinite(x.data):
            name = f"inputs[{i}]" + (f" ({x.label!r})" if x.label else "")
            raise ValueError(f"{who}: {name} is {x.data!r}; gradients can only be checked at finite inputs")
        values.append(x)
    return values


def _check_f(f, who: str) -> None:
    checks.function(f, "f", who, "of the inputs returning a Value")


def _check_eps(eps, who: str) -> float:
    return checks.number(eps, "eps", who, low=0.0, low_open=True)


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
    _check_f(f, "numerical_gradient")
    inputs = _as_values(inputs, "numerical_gradient")
    eps = _check_eps(eps, "numerical_gradient")
    return _central_differences(f, inputs, eps)


def _central_differences(f, inputs: list[Value], eps: float) -> list[float]:
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
    _check_f(f, "analytic_gradient")
    return _backprop(f, _as_values(inputs, "analytic_gradient"))


def _backprop(f, inputs: list[Value]) -> list[float]:
    if not is_grad_enabled():  # f would build no graph, and every gradient would read 0
        raise RuntimeError(
            "gradcheck: called inside no_grad(), where operations record no graph to backpropagate; "
            "call it outside no_grad()"
        )
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
    _check_f(f, "gradcheck")
    inputs = _as_values(inputs, "gradcheck", finite=True)
    eps = _check_eps(eps, "gradcheck")
    atol = checks.number(atol, "atol", "gradcheck", low=0.0)
    rtol = checks.number(rtol, "rtol", "gradcheck", low=0.0)
    analytic = _backprop(f, inputs)
    value = _evaluate(f, inputs)
    if not math.isfinite(value):
        raise ValueError(f"gradcheck: f(*inputs) is {value!r}; gradients can only be checked where f is finite")
    numeric = _central_differences(f, inputs, eps)
    for i, (x, a, n) in enumerate(zip(inputs, analytic, numeric)):
        if not (math.isfinite(a) and math.isfinite(n)) or abs(a - n) > atol + rtol * abs(n):
            name = f"input {i}" + (f" ({x.label!r})" if x.label else "")
            why = ""
            if not math.isfinite(n):
                why = f"; f is not finite within eps={eps!r} of {x.data!r}: try a smaller eps"
            raise GradcheckError(
                f"gradcheck: gradient wrt {name} at {x.data!r} disagrees: "
                f"backprop gives {a!r}, central differences give {n!r} "
                f"(difference {abs(a - n):.3g}, allowed {atol + rtol * abs(n):.3g}){why}"
            )
    return True

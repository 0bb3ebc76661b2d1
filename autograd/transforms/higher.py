"""Derivatives of derivatives: gradients as Values, Hessians, Hessian-vector products.

`backward()` multiplies floats along the edges, so the gradients it leaves
in `.grad` are numbers with no graph. `grad(f, inputs, create_graph=True)`
runs the same reverse accumulation (`autograd.core.graph.reverse_accumulate`)
with each operation's derivatives (its record in `autograd.core.operations`)
evaluated on Values instead of floats, so each derivative
is itself a Value whose graph leads back to the inputs, and can be
differentiated again: f'', f''', a Hessian. No `.grad` is touched.

Curvature answers the question of section 8 of the lecture notes: on a
quadratic, gradient descent diverges once the learning rate exceeds
2 / (largest eigenvalue of the Hessian), and Newton's method steps by
H^-1 times the gradient.
"""

from __future__ import annotations

import numbers

import numpy as np

from autograd.core import checks
from autograd.core.graph import reverse_accumulate, topological_order
from autograd.core.operations import dot, total
from autograd.core.registry import local_derivatives
from autograd.core.value import Value, is_grad_enabled, made_under_no_grad

__all__ = ["grad", "hessian", "hvp"]


# ---- checking the arguments ----------------------------------------------------------


def _output(output, who: str) -> Value:
    if isinstance(output, Value):
        return output
    hint = ""
    if isinstance(output, numbers.Real):
        hint = (
            "; a derivative from grad(..., create_graph=False) is a number: "
            "ask for create_graph=True to differentiate it again"
        )
    elif isinstance(output, (list, tuple)):
        hint = "; the output is one scalar Value (for several outputs take one at a time, or use jacobian)"
    raise TypeError(f"{who}: output must be a Value, not {checks.shown(output)}{hint}")


def _inputs(inputs, who: str) -> list[Value]:
    """`inputs` as a non-empty list of Values (a lone Value is a list of one).

    A Value listed twice gets the same derivative in both places, as in
    PyTorch's `torch.autograd.grad`.
    """
    if isinstance(inputs, Value):
        return [inputs]
    inputs = checks.ordered(inputs, "inputs (a list of Values)", who)  # refuses sets, strings, numbers, empty
    for k, item in enumerate(inputs):
        if not isinstance(item, Value):
            raise TypeError(f"{who}: inputs[{k}] is {checks.shown(item)}, not a Value")
    return inputs


def _name(node: Value) -> str:
    return f"node {node.label!r}" if node.label else f"data {node.data!r}"


def _refuse_unrecorded(output: Value, targets: set, who: str) -> None:
    """The output itself computed under no_grad() has no graph: its derivatives would be a silent 0.

    Results of no_grad() used further on are constants, as in PyTorch (detached).
    """
    if id(output) not in targets and made_under_no_grad(output):
        raise ValueError(
            f"{who}: the output ({_name(output)}) was computed under no_grad(), whose results record no parents, "
            "so it has no graph to differentiate; compute it outside no_grad()"
        )


# ---- reverse accumulation --------------------------------------------------------------


def _reverse(output: Value, inputs: list[Value], create_graph: bool, who: str) -> list:
    """d(output)/d(input) for each input: floats, or Values with their own graph."""
    targets = {id(x) for x in inputs}
    _refuse_unrecorded(output, targets, who)
    order = topological_order(output)
    if not create_graph:
        return _float_pass(output, order, inputs)
    return _value_pass(output, order, inputs, targets, who)


def _float_pass(output: Value, order: list[Value], inputs: list[Value]) -> list[float]:
    """backward()'s chain rule into a dict instead of `.grad`: the same floats, added in the same order."""
    adjoint = reverse_accumulate(order, output)
    return [adjoint.get(id(x), 0.0) for x in inputs]


def _value_pass(output: Value, order: list[Value], inputs: list[Value], targets: set, who: str) -> list[Value]:
    """The chain rule with each operation's derivatives evaluated on Values (its record's, see
    autograd.core.registry): every adjoint a Value (or a float while it is a constant), so the
    derivatives have a graph of their own."""
    depends = set(targets)  # only nodes that depend on an input carry a derivative worth building
    for node in order:
        if any(id(p) in depends for p in node.parents):
            depends.add(id(node))
            if node.op == "rpow" or (node.op in _POWERS and len(node.parents) == 2):  # a Value exponent
                _refuse_logarithm(node, depends, who)

    def slopes(node):
        if not node.op:
            return ()
        return [(p, local) for p, local in zip(node.parents, local_derivatives(node)) if id(p) in depends]

    adjoint = reverse_accumulate(order, output, slopes=slopes, combine=_add)
    return [_derivative(adjoint.get(id(x), 0.0)) for x in inputs]


_POWERS = ("**", "pow_inf")  # x ** y (pow_inf: the same with an infinite value, see power_or_inf_node)


def _refuse_logarithm(node: Value, depends: set, who: str) -> None:
    """d/dy base ** y = base ** y ln(base): a derivative that can be differentiated again needs ln(base).

    A base <= 0 has none. backward() and create_graph=False still give the
    first derivative (0 at base 0, nan below, as PyTorch); beyond it PyTorch
    gives nan, and our table would give numbers that are not derivatives.
    """
    if node.op == "rpow":  # c ** x: the base is the constant; 0 ** x is 0 for x > 0, all derivatives 0
        base, exponent = node.operands
        if base > 0.0 or (base == 0.0 and exponent.data > 0.0):
            return
        shown = f"{f'({base!r})' if base < 0.0 else repr(base)} ** x at x = {exponent.data!r}"
    else:
        base, exponent = node.parents
        if id(exponent) not in depends or not base.data <= 0.0:  # nan propagates as nan
            return
        if base.data == 0.0 and exponent.data > 0.0 and id(base) not in depends:  # a constant 0 ** y, as above
            return
        shown = f"x ** y at base {base.data!r}" + (f" (node {base.label!r})" if base.label else "")
    raise ValueError(
        f"{who}: {shown}, whose exponent depends on the inputs: its derivatives beyond the first need "
        "ln(base), which a base <= 0 does not have (backward() and create_graph=False give the first one); "
        "make the exponent a number, or keep the base > 0"
    )


def _add(parts: list):
    """The sum of the contributions to one adjoint: a float while they are all floats
    (added in the order backward() adds them), else one `sum` node."""
    if len(parts) == 1:
        return parts[0]
    if all(type(p) is float for p in parts):
        return sum(parts)
    return total(parts)


def _derivative(g) -> Value:
    """An adjoint as the Value grad returns: a new leaf for a number; for a constant computed under
    no_grad() (the a of d(a x)/dx) a node over it, so that differentiating it again gives 0, not the
    no_grad() refusal."""
    if not isinstance(g, Value):
        return Value(g)
    return g * 1.0 if made_under_no_grad(g) else g


# ---- the public functions --------------------------------------------------------------


def grad(output, inputs, create_graph: bool = False) -> list:
    """The derivatives of `output` with respect to each of `inputs`, as a list, without touching any `.grad`.

    With `create_graph=False` they are floats (the numbers `backward()` would
    leave in `.grad`). With `create_graph=True` each is a Value whose graph
    leads back to the inputs, so it can be differentiated again:
    `grad(grad(f, [x], create_graph=True)[0], [x])` is f''. An input the
    output does not depend on gets 0 (a Value 0 with `create_graph=True`);
    an input listed twice gets its derivative in both places.
    """
    output = _output(output, "grad")
    inputs = _inputs(inputs, "grad")
    create_graph = checks.flag(create_graph, "create_graph", "grad")
    if create_graph and not is_grad_enabled():  # a state, not an argument: RuntimeError, as trace and gradcheck
        raise RuntimeError(
            "grad: create_graph=True inside no_grad(): the derivatives would record no graph to differentiate; "
            "call grad outside the no_grad() block"
        )
    return _reverse(output, inputs, create_graph, "grad")


def hessian(output, inputs) -> np.ndarray:
    """The n x n matrix of second derivatives d^2 output / d input_i d input_j (symmetric up to rounding).

    Row i is the gradient of the i-th first derivative: n + 1 reverse passes.
    """
    output = _output(output, "hessian")
    inputs = _inputs(inputs, "hessian")
    if not is_grad_enabled():
        raise RuntimeError("hessian: called inside no_grad(), where the first derivatives would record no graph")
    first = _reverse(output, inputs, True, "hessian")
    return np.array([_reverse(g, inputs, False, "hessian") for g in first], dtype=float)


def hvp(output, inputs, vector) -> np.ndarray:
    """The Hessian-vector product H v, without forming H: the gradient of (gradient . v), two reverse passes."""
    output = _output(output, "hvp")
    inputs = _inputs(inputs, "hvp")
    v = _vector(vector, len(inputs))
    if not is_grad_enabled():
        raise RuntimeError("hvp: called inside no_grad(), where the first derivatives would record no graph")
    first = _reverse(output, inputs, True, "hvp")
    directional = dot(v, first)  # d(output)/d(inputs) . v, a Value
    return np.array(_reverse(directional, inputs, False, "hvp"), dtype=float)


def _vector(vector, n: int) -> list[float]:
    """The vector of hvp: one finite number per input."""
    vector = checks.floats(vector, "vector", "hvp")
    if len(vector) != n:
        raise ValueError(f"hvp: vector has {len(vector)} numbers for {n} inputs; give one number per input")
    return vector

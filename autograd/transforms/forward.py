"""Both orders of the chain rule over the recorded graph, and Jacobians (lecture notes, sections 2 and 11).

Forward accumulation starts at the inputs and pushes d(node)/ds from the
inputs to the output, one node at a time in topological order:

    d(node)/ds = sum over parents p of  d(node)/dp · d(p)/ds

One sweep gives the derivative of *every node* with respect to *one*
direction s. Backward accumulation (backprop) goes the other way and gives
the derivative of *one output* with respect to *every node*. Both read the
same recorded local derivatives d(node)/d(parent); neither has a derivative
formula of its own, and neither touches any `.grad`.

For f: R^n -> R^m the full Jacobian costs n forward sweeps or m backward ones.
"""

from __future__ import annotations

import numpy as np

from autograd.core import checks
from autograd.core.graph import forward_accumulate, reverse_accumulate, topological_order
from autograd.core.value import Value

__all__ = ["jvp", "forward_derivatives", "jacobian"]

_MODES = ("reverse", "forward")


# ---- checking the arguments ----------------------------------------------------------


def _values(items, what: str, who: str) -> list[Value]:
    """`items` as a non-empty list of Values (a lone Value is a list of one)."""
    if isinstance(items, Value):
        return [items]
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise TypeError(f"{who}: {what} must be a Value or a list of Values, not {checks.shown(items)}")
    items = list(checks.ordered(items, what, who))  # a set would order the rows or columns arbitrarily
    for k, item in enumerate(items):
        if not isinstance(item, Value):
            raise TypeError(f"{who}: {what}[{k}] is {checks.shown(item)}, not a Value")
    return items


def _tangents(tangents, n: int, who: str) -> list[float]:
    """The direction: one finite number per input (a lone number for a lone input)."""
    if checks.is_number(tangents) or (getattr(tangents, "ndim", None) == 0 and n == 1):
        tangents = [tangents]  # a 0-d array is a single number: fine for one input only
    direction = checks.floats(tangents, "tangents", who)
    if len(direction) != n:
        raise ValueError(f"{who}: {len(direction)} tangents for {n} inputs; give one number per input")
    return direction


# ---- the two sweeps ----------------------------------------------------------------


def _reverse_sweep(output: Value) -> dict:
    """Backward accumulation into a dict: {id(node): d(output)/d(node)}, no `.grad` changed."""
    return reverse_accumulate(topological_order(output), output)


def _joint_order(outputs: list[Value]) -> list[Value]:
    """One topological order covering every output's graph (each node once)."""
    seen: set = set()
    order = []
    for output in outputs:
        for node in topological_order(output):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


# ---- the public functions ----------------------------------------------------------


def forward_derivatives(output: Value, wrt: Value) -> dict:
    """d(node)/d(wrt) for every node of `output`'s graph, by one forward sweep.

    Returns a dict {node: float} over `topological_order(output)`: 1 at
    `wrt`, 0 at every node that does not depend on it (all of them when
    `wrt` is not in the graph: the output does not depend on it), and the
    chain rule summed from the inputs towards the output everywhere else.
    The value at `output` is d(output)/d(wrt), what `backward()` would put
    into `wrt.grad`.
    """
    if not isinstance(output, Value):
        raise TypeError(f"forward_derivatives: output must be a Value, not {checks.shown(output)}")
    if not isinstance(wrt, Value):
        raise TypeError(f"forward_derivatives: wrt must be a Value, not {checks.shown(wrt)}")
    order = topological_order(output)
    tangent = forward_accumulate(order, {wrt: 1.0})
    return {node: tangent.get(node, 0.0) for node in order}


def jvp(output: Value, inputs, tangents) -> float:
    """The directional derivative of `output` along `tangents` (one number per input), in one forward sweep.

    jvp = sum_i d(output)/d(inputs[i]) · tangents[i], the lecture notes'
    "Richtungsableitung" df/ds = df/dx dx/ds + df/dy dy/ds. An input the
    output does not depend on contributes 0; an input listed twice gets the
    sum of its tangents.
    """
    if not isinstance(output, Value):
        raise TypeError(f"jvp: output must be a Value, not {checks.shown(output)}")
    inputs = _values(inputs, "inputs", "jvp")
    direction = _tangents(tangents, len(inputs), "jvp")
    seeds: dict = {}
    for x, t in zip(inputs, direction):
        seeds[x] = seeds.get(x, 0.0) + t
    return forward_accumulate(topological_order(output), seeds).get(output, 0.0)


def jacobian(outputs, inputs, mode: str = "reverse") -> np.ndarray:
    """The Jacobian d outputs[i] / d inputs[j] as a NumPy array of shape (len(outputs), len(inputs)).

    mode="reverse": one backward sweep per output (cheap when there are few
    outputs, as for a loss); mode="forward": one forward sweep per input
    (cheap when there are few inputs). Both give the same matrix from the
    same local derivatives, and neither changes any `.grad`. An input that
    an output does not depend on gets 0 there (a zero column if no output
    depends on it), as in PyTorch. A lone Value counts as a list of one.
    """
    outputs = _values(outputs, "outputs", "jacobian")
    inputs = _values(inputs, "inputs", "jacobian")
    mode = checks.choice(mode, "mode", "jacobian", _MODES)
    matrix = np.zeros((len(outputs), len(inputs)))
    if mode == "reverse":
        for i, output in enumerate(outputs):
            adjoint = _reverse_sweep(output)
            matrix[i] = [adjoint.get(id(x), 0.0) for x in inputs]
    else:
        order = _joint_order(outputs)
        for j, x in enumerate(inputs):
            tangent = forward_accumulate(order, {x: 1.0})
            matrix[:, j] = [tangent.get(output, 0.0) for output in outputs]
    return matrix

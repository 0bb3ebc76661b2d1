"""Running a function on placeholder Values and reading the graph it recorded.

Both ends of the compiler do this: `trace` to compile the example, `Program`
to re-trace a few samples of its first batches and compare their graphs
with the compiled one. So it lives here, below both, with the tracing flag
that library code asks (`is_tracing`) and the error for a graph that
differs (`TraceError`).
"""

from __future__ import annotations

import numbers
import threading
from contextlib import contextmanager
from itertools import compress

import numpy as np

from autograd.core import graph
from autograd.core.graph import _pause_collector, _refuse_stale, _resume_collector, operation_of, topological_order
from autograd.core.operations import total
from autograd.core.value import Value
from autograd.core.value import _mode as _grad_mode  # no_grad()'s per-thread depth; core has no enable_grad()

__all__ = [
    "TraceError",
    "is_tracing",
    "recording_on",
    "collector_paused",
    "call_traced",
    "placeholders",
    "outputs",
    "order_of",
    "computed_order",
    "full_order",
]


class TraceError(ValueError):
    """A sample's graph differs from the traced one: the function's structure depends on its values."""


_tracing = threading.local()


def is_tracing() -> bool:
    """True while `trace` runs a function on placeholders (to compile it, or to check a sample).

    A library function that must choose by a value in Python (a clamp, a
    shift for stability) asks this and records its choice as an operation
    instead, so every sample of a batch makes its own choice.
    """
    return getattr(_tracing, "depth", 0) > 0


@contextmanager
def recording_on():
    """The graph recorded inside, even within `no_grad()` (in this thread): the structure guard traces
    samples of a call made for evaluation too."""
    previous = getattr(_grad_mode, "depth", 0)
    _grad_mode.depth = 0
    try:
        yield
    finally:
        _grad_mode.depth = previous


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused inside, by the counter `backward()` uses (the user's setting
    comes back when the last pause in any thread ends). Tracing, compiling and the structure guard make
    many short-lived lists and tuples while a large graph is alive, and the collector would walk that
    graph again and again for nothing (about 10 ms of the MNIST network's 60 ms start-up); reference
    counting frees everything here."""
    _pause_collector()
    try:
        yield
    finally:
        _resume_collector()


def call_traced(fn, args):
    """fn(*args) with `is_tracing()` True while it runs (calls may nest)."""
    _tracing.depth = getattr(_tracing, "depth", 0) + 1
    try:
        return fn(*args)
    finally:
        _tracing.depth -= 1


def placeholders(example_args):
    """Fresh leaves standing for the arguments: (all placeholders, the arguments to call fn with), shapes."""
    flat, call = [], []
    for a in example_args:
        if isinstance(a, Value) or (isinstance(a, numbers.Real) and not isinstance(a, bool)) or np.ndim(a) == 0:
            v = Value(a.data if isinstance(a, Value) else float(a))
            flat.append(v)
            call.append(v)
        else:
            row = [Value(x.data if isinstance(x, Value) else float(x)) for x in a]
            flat.extend(row)
            call.append(row)
    return flat, call


def outputs(result, who: str):
    """The function's result as (list of output Values, whether it returned several); else a TypeError."""
    if isinstance(result, Value):
        return [result], False
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, Value) for r in result):
        return list(result), True
    raise TypeError(f"{who}: the function must return a Value or a non-empty list of Values, got {result!r:.80}")


def order_of(roots) -> list:
    """Every node the outputs `roots` depend on, each after its parents (one traversal for all of them)."""
    if len(roots) == 1:
        return topological_order(roots[0])
    root = total(roots)  # a node joining them, left out of the order
    return [n for n in topological_order(root) if n is not root]


def _depth_first(roots, parents_of) -> list:
    """The nodes reached from `roots` through `parents_of`, each after those of its parents, in the order of
    `order_of`: a node's parents visited in written order, the roots one after another."""
    order: list = []
    visited: set[int] = set()
    place, visit = order.append, visited.add
    for root in roots:
        if id(root) in visited:  # ids: a Value class may define __eq__ and so not hash
            continue
        visit(id(root))
        stack = [(root, iter(parents_of(root)))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if id(parent) not in visited:
                    visit(id(parent))
                    stack.append((parent, iter(parents_of(parent))))
                    break
            else:
                stack.pop()
                place(node)
    return order


def computed_order(roots) -> list:
    """The computed nodes of `order_of(roots)` (no leaves), in the same order, a graph whose leaves changed
    after use refused as `topological_order` refuses it.

    Most of a network's graph is parameter leaves: this walk visits only the computed nodes and finds each
    one's computed parents in one C-level pass over its parents (issue 23: `order_of` visited the MNIST
    network's 25,091 nodes one by one in Python, 4.7 ms of compiling it)."""
    changed = graph.data_stamp()

    def computed_parents(node):
        if node._mark < changed:  # built before the last assignment to some leaf's data: did a parent change?
            _refuse_stale(node, node._mark, "topological_order")
        parents = node._parents
        if type(parents) is not tuple:  # one parent
            return (parents,) if parents._operation else ()
        return compress(parents, map(operation_of, parents))

    return _depth_first([root for root in roots if root._operation], computed_parents)


def full_order(roots) -> list:
    """`order_of(roots)` without refusing a graph whose leaves changed since (training assigns the parameters'
    data; the compiled program reads its traced graph only for its structure): for error messages and the
    structure guard's full comparison, made when first needed."""
    return _depth_first(roots, lambda node: node.parents)

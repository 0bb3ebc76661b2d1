"""Walking the graph: topological order, the backward pass, zeroing gradients."""

from __future__ import annotations

import gc

from autograd.value import Value, _number

__all__ = ["topological_order", "backpropagate", "zero_grad"]


def topological_order(root: Value) -> list[Value]:
    """Every node `root` depends on, each after all of its parents; `root` last.

    Iterative depth-first search, so a chain of a million nodes needs no
    recursion. A node is pushed once to be expanded (its parents go on the
    stack above it) and is appended to the order when it comes up again,
    by which time all of its parents are in the order. Parents are visited
    in the order they were written, so for ((a + b) * (c + d)) ** 2 the
    order is a, b, a + b, c, d, c + d, the product, the square.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order needs a Value, not {type(root).__name__}")
    order: list[Value] = []
    expanded: set[Value] = set()
    placed: set[Value] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node in placed:
            continue
        if node in expanded:  # second visit: its parents are all placed
            placed.add(node)
            order.append(node)
            continue
        expanded.add(node)
        stack.append(node)
        for parent in reversed(node._parents):  # the first parent comes off the stack first
            if parent not in expanded:
                stack.append(parent)
    return order


def backpropagate(root: Value, grad: float = 1.0) -> list[Value]:
    """The backward pass behind `Value.backward()`; returns the topological order.

    Interior nodes start from zero on every call; leaves keep what they had,
    so their gradients accumulate across calls (as in PyTorch).
    """
    seed = _number(grad, "backward")
    # The pass allocates many short-lived objects (the order, the sets, new
    # grad floats); the cyclic garbage collector would repeatedly walk the
    # whole, still alive, graph meanwhile for nothing. Reference counting
    # frees everything here, so pause it and restore the user's setting.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        order = topological_order(root)
        for node in order:
            if node._parents:
                node.grad = 0.0
        root.grad += seed
        for node in reversed(order):
            g = node.grad
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad += local * g
    finally:
        if was_enabled:
            gc.enable()
    return order


def zero_grad(*roots: Value) -> None:
    """Set `.grad` to 0 on every node that any of `roots` depends on."""
    for root in roots:
        for node in topological_order(root):
            node.grad = 0.0

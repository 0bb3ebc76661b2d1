"""The graph itself: what every node records, the topological order, the backward pass.

A `Node` is the part of a `Value` that the graph is made of: its gradient,
its parents (the inputs of the operation that made it) and the local
derivative d(node)/d(parent) of each edge. Everything that walks the graph,
backward here and forward accumulation in `autograd.forward`, reads only
these, so both orders of the chain rule use the same recorded derivatives.
This module imports nothing from the rest of the engine.
"""

from __future__ import annotations

import gc
import math
import numbers
import threading

# Node (the base of Value), edges() and read_only() serve value.py and forward.py;
# users reach the graph through Value and its views, so they are not exported.
__all__ = ["topological_order", "backpropagate", "zero_grad"]


def read_only(name: str, get, doc: str) -> property:
    """A property that refuses assignment with a message saying why."""

    def refuse(self, value):
        raise AttributeError(
            f"Value.{name} is read-only: it records how the node was made; build a new node with an operation instead"
        )

    return property(get, refuse, None, doc)


class Node:
    """A node of the computation graph: its gradient, the operation that made it, its parents
    and the local derivative of each edge.

    `_parents` and `_local_grads` are tuples, in written order, except that
    a node with one parent (most nodes: `exp`, `relu`, `x * 2.0` ...) keeps
    that parent and its local derivative themselves. A 1-tuple per node
    would be two more objects for the cyclic garbage collector to visit,
    again and again while a graph grows. `parents` and `local_grads` always
    give tuples. A leaf has the operation "" and no parents.
    """

    __slots__ = ("grad", "_operation", "_parents", "_local_grads", "_mark")

    op = read_only(
        "op", lambda self: self._operation, "The operation that made this node (`+`, `*`, `tanh` ...), '' for a leaf."
    )
    _op = read_only("_op", lambda self: self._operation, "micrograd's name for `op` (the lecture's draw_dot reads it).")

    parents = read_only(
        "parents",
        lambda self: self._parents if type(self._parents) is tuple else (self._parents,),
        "The Values this node was computed from, in written order (a tuple).",
    )
    local_grads = read_only(
        "local_grads",
        lambda self: self._local_grads if type(self._parents) is tuple else (self._local_grads,),
        "d(this node)/d(parent) for each parent, in the order of `parents` (a tuple of floats).",
    )

    def _backward(self) -> None:
        """Add this node's share to its parents' gradients: local × self.grad on each edge.

        The step the micrograd lecture calls by hand, node by node, from the
        output back (`o.grad = 1.0; o._backward(); n._backward(); ...`).
        `backward()` does the same for every node in reverse topological order.
        """
        g = self.grad
        for parent, local in edges(self):
            parent.grad += local * g

    def __setstate__(self, state) -> None:
        """Unpickling and copying: the slots as saved, but no traversal stamp (it means nothing in another process)."""
        attributes, slots = state if isinstance(state, tuple) else (state, None)  # a subclass may have a __dict__
        for saved in (attributes, slots):
            for name, value in (saved or {}).items():
                setattr(self, name, value)
        self._mark = 0


def edges(node: Node):
    """The (parent, local derivative) pairs of `node`, in written order."""
    parents = node._parents
    if type(parents) is tuple:
        return zip(parents, node._local_grads)
    return ((parents, node._local_grads),)


# Each traversal stamps the nodes it reaches with two fresh numbers, "seen"
# and "placed" (larger than any earlier stamp), instead of keeping sets of
# nodes: one attribute store per node, no hashing. The lock keeps two
# threads from walking (and stamping) at the same time.
_stamp = 0
_walking = threading.Lock()


def _order(root: Node, backward: bool) -> list[Node]:
    """Topological order of what `root` depends on.

    For the backward pass (`backward=True`) the leaves are left out, and
    each node's gradient is set to 0 as it is placed.
    """
    global _stamp
    with _walking:
        _stamp += 2
        seen, placed = _stamp, _stamp + 1
        order: list[Node] = []
        place = order.append
        stack = [root]
        push = stack.append
        pop = stack.pop
        keep_leaves = not backward
        while stack:
            node = pop()
            if node._mark == seen:  # second visit: all of its parents are placed
                node._mark = placed
                if backward:
                    node.grad = 0.0
                place(node)
                continue
            # First visit: the node goes back on the stack, its new parents above it
            # (reversed, so that the first parent comes off first). Along a chain of
            # single parents the walk goes straight on, without the stack.
            while node._mark < seen:
                node._mark = seen
                push(node)
                parents = node._parents
                if type(parents) is not tuple:  # one parent
                    if parents._mark < seen and (keep_leaves or parents._operation):
                        node = parents
                        continue
                elif len(parents) == 2:  # the usual many: spelled out, no iterator to make
                    p, q = parents
                    if q._mark < seen and (keep_leaves or q._operation):
                        push(q)
                    if p._mark < seen and (keep_leaves or p._operation):
                        push(p)
                else:
                    for p in reversed(parents):
                        if p._mark < seen and (keep_leaves or p._operation):
                            push(p)
                break
        return order


def _check_node(root, who: str) -> None:
    if not isinstance(root, Node):
        raise TypeError(f"{who} needs a Value, not {type(root).__name__} {root!r}")


def topological_order(root: Node) -> list[Node]:
    """Every node `root` depends on, each after all of its parents; `root` last.

    Iterative depth-first search, so a chain of a million nodes needs no
    recursion. A node is pushed once to be expanded (its parents go on the
    stack above it) and is appended to the order when it comes up again,
    by which time all of its parents are in the order. Parents are visited
    in the order they were written, so for ((a + b) * (c + d)) ** 2 the
    order is a, b, a + b, c, d, c + d, the product, the square.
    """
    _check_node(root, "topological_order")
    return _order(root, backward=False)


def backpropagate(root: Node, grad: float = 1.0) -> None:
    """The backward pass behind `Value.backward()`: reverse accumulation of d(root)/d(node).

    Interior nodes start from zero on every call; leaves keep what they had,
    so their gradients accumulate across calls (as in PyTorch). Leaves have
    no parents to pass anything on to, so the pass does not even visit them.
    """
    _check_node(root, "backpropagate")
    if isinstance(grad, bool) or not isinstance(grad, numbers.Real):
        raise TypeError(f"backward: grad must be a number, not {type(grad).__name__} {grad!r}")
    seed = float(grad)
    if not math.isfinite(seed):  # a nan or inf seed would make every gradient nan or inf
        raise ValueError(f"backward: grad must be a finite number (the seed d root / d root), not {grad!r}")
    if not root._operation:  # a leaf: its own gradient is all there is
        root.grad += seed
        return
    _pause_collector()
    try:
        order = _order(root, backward=True)  # interior nodes only, their gradients zeroed
        root.grad += seed
        for node in reversed(order):  # the chain rule: each edge adds local × upstream
            g = node.grad
            parents = node._parents
            if type(parents) is not tuple:  # one parent
                parents.grad += node._local_grads * g
            elif len(parents) == 2:
                p, q = parents
                local_p, local_q = node._local_grads
                p.grad += local_p * g
                q.grad += local_q * g
            else:
                for parent, local in zip(parents, node._local_grads):
                    parent.grad += local * g
    finally:
        _resume_collector()


# The backward pass allocates many short-lived objects (the order, new grad
# floats); the cyclic garbage collector would repeatedly walk the whole, still
# alive, graph meanwhile for nothing. Reference counting frees everything there,
# so the collector is paused, and the user's setting restored when the last of
# the passes running (in any thread) ends.
_passes = 0
_collector_was_on = False
_passes_lock = threading.Lock()


def _pause_collector() -> None:
    global _passes, _collector_was_on
    with _passes_lock:
        if _passes == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _passes += 1


def _resume_collector() -> None:
    global _passes
    with _passes_lock:
        _passes -= 1
        if _passes == 0 and _collector_was_on:
            gc.enable()


def zero_grad(*roots: Node) -> None:
    """Set `.grad` to 0 on every node that any of `roots` depends on."""
    for root in roots:
        _check_node(root, "zero_grad")
        for node in _order(root, backward=False):
            node.grad = 0.0

"""The graph itself: what every node records, the topological order, and the chain rule in both directions.

A `Node` is the part of a `Value` that the graph is made of: its gradient,
its parents (the inputs of the operation that made it) and the local
derivative d(node)/d(parent) of each edge. Everything that walks the graph
reads only these, so every use of the chain rule multiplies the same
recorded derivatives:

* `reverse_accumulate`: backwards from one output, d(output)/d(node) for
  every node (what `grad`, `hessian`, `hvp`, `jacobian` and the step frames
  use; derivatives of derivatives pass Value slopes instead of the floats);
* `backpropagate`: the same into every node's `.grad`, the backward pass
  of `Value.backward()`, with the devices that make it fast;
* `forward_accumulate`: forwards from the inputs, d(node)/d(direction)
  for every node (forward mode, `jvp`, Jacobians column by column).

This module imports nothing from the rest of the engine.
"""

from __future__ import annotations

import gc
import math
import numbers
import operator
import threading

# Node (the base of Value), edges() and read_only() serve the engine's other modules;
# users reach the graph through Value and its views, so they are not exported.
__all__ = ["topological_order", "backpropagate", "zero_grad", "StaleGraphError"]
# and for the engine: reverse/forward_accumulate, data_changed


def read_only(name: str, get, doc: str) -> property:
    """A property that refuses assignment with a message saying why."""

    def refuse(self, value):
        raise AttributeError(
            f"Value.{name} is read-only: it records how the node was made; build a new node with an operation instead"
        )

    return property(get, refuse, None, doc)


class StaleGraphError(RuntimeError):
    """A graph was walked after the data of one of its leaves changed: its recorded slopes belong to the old data."""


class Node:
    """A node of the computation graph: its gradient (`_grad`), the operation that made it, its
    parents and the local derivative of each edge.

    `_parents` and `_local_grads` are tuples, in written order, except that
    a node with one parent (most nodes: `exp`, `relu`, `x * 2.0` ...) keeps
    that parent and its local derivative themselves. A 1-tuple per node
    would be two more objects for the cyclic garbage collector to visit,
    again and again while a graph grows. `parents` and `local_grads` always
    give tuples. A leaf has the operation "" and no parents.
    """

    __slots__ = ("_grad", "_operation", "_parents", "_local_grads", "_mark")

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
        if self._mark < _last_change:
            _refuse_stale(self, self._mark, "_backward")
        g = self._grad
        for parent, local in edges(self):
            parent._grad += local * g

    def __setstate__(self, state) -> None:
        """Unpickling and copying: the slots as saved, but no traversal stamp (it means nothing in another process)."""
        attributes, slots = state if isinstance(state, tuple) else (state, None)  # a subclass may have a __dict__
        for saved in (attributes, slots):
            for name, value in (saved or {}).items():
                setattr(self, _RENAMED.get(name, name), value)
        self._mark = 0
        if not self._operation and hasattr(self, "_const"):  # a leaf's stamp means nothing in another process
            del self._const


_RENAMED = {"data": "_data", "grad": "_grad"}  # the slots' names in pickles made before they were checked


operation_of = operator.attrgetter("_operation")
"""node -> node.op, without the property: for walks over many thousands of nodes (the compiler's)."""


def edges(node: Node):
    """The (parent, local derivative) pairs of `node`, in written order."""
    parents = node._parents
    if type(parents) is tuple:
        return zip(parents, node._local_grads)
    return ((parents, node._local_grads),)


# One clock, `_stamp`, for two things. Each traversal stamps the nodes it
# reaches with two fresh numbers, "seen" and "placed" (larger than any earlier
# stamp), instead of keeping sets of nodes: an attribute store or two per node,
# no hashing. And each assignment to a leaf's data takes a stamp of its own
# (`data_changed`), which the leaf keeps. A node is born with the stamp of the
# last assignment as its mark, so its mark says up to when its parents are
# known unchanged; only a node whose mark is older than the last assignment
# (nearly never) has its parents looked at (`stale_parent`). The lock keeps two
# threads from walking (and stamping) at the same time.
_stamp = 0
_last_change = 0  # the stamp of the last assignment to any Value's data
_walking = threading.Lock()
_clock = threading.Lock()


def data_changed() -> int:
    """A fresh stamp for an assignment to a leaf's data (larger than every traversal's so far)."""
    global _stamp, _last_change
    with _clock:
        _stamp += 1
        _last_change = _stamp
        return _stamp


def data_stamp() -> int:
    """The stamp of the last assignment to any Value's data: it has moved exactly when some `.data` was
    assigned since it was read (the compiled path's training reads its vector again then)."""
    return _last_change


def mark_consistent(nodes, stamp: int) -> None:
    """Mark `nodes`, found consistent with their leaves' data as of `stamp` (a `data_stamp()`), as known
    unchanged up to it, as a node built then is born marked: later checks and walks look at their parents
    again only after a later assignment."""
    with _walking:  # a walk in progress uses the marks as its own
        for node in nodes:
            if node._mark < stamp:
                node._mark = stamp


def stale_parent(node: Node, mark: int):
    """The leaf among `node`'s parents whose data was assigned after `mark` (when `node` was built, or last
    found consistent), or None. Operations' results cannot be assigned, so only leaves can have changed."""
    for parent in node.parents:
        if not parent._operation and getattr(parent, "_const", 0) > mark:
            return parent
    return None


def _refuse_stale(node: Node, mark: int, who: str) -> None:
    """StaleGraphError naming the leaf whose data changed after `node` used it (nothing if none did)."""
    leaf = stale_parent(node, mark)
    if leaf is None:
        return
    node._mark = mark  # the walk may have marked it already: a later walk must refuse it too
    from autograd.core.value import described  # the words for a Value (value.py imports this module)

    raise StaleGraphError(
        f"{who}: the leaf {described(leaf)} got new data after {node.op!r} computed {described(node)} from its "
        "old data, so the graph's recorded slopes belong to the old number (as PyTorch refuses a tensor changed "
        f"after it was saved for backward); compute the result again from the current data, then call {who}"
    )


def _order(root: Node, backward: bool, refuse_stale: bool = True) -> list[Node]:
    """Topological order of what `root` depends on.

    For the backward pass (`backward=True`) the leaves are left out, and
    each node's gradient is set to 0 as it is reached. A node built before
    the last assignment to a parent's data is a StaleGraphError; with
    `refuse_stale=False` it is let through, and keeps its old mark so that
    later walks refuse it still.
    """
    global _stamp
    with _walking:
        with _clock:
            _stamp += 2
            seen, placed = _stamp - 1, _stamp
            changed = _last_change
        if backward:
            return _backward_walk(root, seen, placed, changed)
        order, stale = _walk(root, seen, placed, changed, refuse_stale)
        for node, old in stale:
            node._mark = old
        return order


def _walk(root, seen, placed, changed, refuse_stale) -> tuple[list, list]:
    """The depth-first walk of `topological_order` (see there), leaves included: marks instead of sets.

    A node's first visit (its mark older than `seen`) marks it `seen` and
    puts it back on the stack, its parents not yet placed above it; its
    second visit (marked `seen`) places it, marked `placed`. Along a chain
    of single parents the walk goes straight on. Also returns the
    (node, mark) pairs let through stale (`refuse_stale=False`).
    """
    stale = []
    order: list[Node] = []
    place = order.append
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark == seen:  # second visit: all of its parents are placed
            node._mark = placed
            place(node)
            continue
        while mark < seen:
            if mark < changed and node._operation:  # built before some assignment: did a parent change?
                if refuse_stale:
                    _refuse_stale(node, mark, "topological_order")
                elif stale_parent(node, mark) is not None:
                    stale.append((node, mark))
            node._mark = seen
            push(node)
            parents = node._parents
            if type(parents) is not tuple:  # one parent
                mark = parents._mark
                if mark < seen:
                    node = parents
                    continue
            else:
                for p in reversed(parents):  # reversed: the first parent comes off the stack first
                    if p._mark < seen:
                        push(p)
            break
    return order, stale


def _backward_walk(root, seen, placed, changed) -> list[Node]:
    """The order of `_walk` for the backward pass: the interior nodes only, their gradients set to 0.

    It runs once per training step, so it is `_walk` with three speed devices:

    * Leaves are never visited, and `_operation` tells them (tested first:
      a leaf is looked at once, not twice).
    * A run of nodes, each the only parent still to place of the one before
      (a chain of `x * 2.0`, `relu`, `+ 1.0`, `x * w` with a leaf w ...), is
      collected in a list instead of going on and off the stack one node at
      a time: where the run ends in a node with no parent left to place, it
      is placed at once, deepest node first; where that node has several,
      the run waits on the stack below them, marked `seen` as `_walk` would
      have left it. A node marked `placed` is done, so a run is marked
      `placed` as it grows. Same order, about half the work along a chain
      (110 -> 62 ns per node, CPython 3.11).
    * The stale check looks only at nodes with a leaf among their parents:
      only a leaf's data can be assigned, so a node whose parents are all
      results cannot be stale (a chain's `relu` or `+ 1.0` costs nothing).

    Each case below acts in its own branch rather than first choosing the
    next node and acting on it in one place: here every step of the loop
    shows (that version made wide graphs 15 % slower).
    """
    order: list[Node] = []
    place, place_run = order.append, order.extend
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        mark = node._mark
        if mark >= seen:
            if mark == seen:  # second visit: all of its parents are placed
                node._mark = placed
                place(node)
            continue
        run = None  # the run's nodes before `node`, once there are any
        while True:
            node._mark = placed
            node._grad = 0.0
            parents = node._parents
            if type(parents) is not tuple:  # one parent
                if parents._operation:
                    if (mark := parents._mark) < seen:
                        if run is None:
                            run = [node]
                        else:
                            run.append(node)
                        node = parents
                        continue
                elif mark < changed:  # a leaf parent: assigned since this node was built?
                    _refuse_stale(node, mark, "backward")
            elif len(parents) == 2:  # the usual many: spelled out, no list to make
                if mark < changed:
                    _refuse_stale(node, mark, "backward")
                p, q = parents
                if q._operation and q._mark < seen:
                    if p._operation and p._mark < seen and p is not q:  # two to place first: the run waits
                        node._mark = seen
                        if run is not None:
                            for waiting in run:
                                waiting._mark = seen
                            stack += run
                            run = None
                        push(node)
                        push(q)
                        node = p  # p's part of the graph is walked now, q's after it
                        mark = p._mark
                        continue
                    p = q
                elif not (p._operation and p._mark < seen):
                    p = None
                if p is not None:  # the one parent to place: the run goes on
                    if run is None:
                        run = [node]
                    else:
                        run.append(node)
                    node = p
                    mark = p._mark
                    continue
            else:
                if mark < changed:
                    _refuse_stale(node, mark, "backward")
                todo = []
                for p in parents:  # a loop, not a comprehension: no function call and no closure cell
                    if p._operation and p._mark < seen:
                        todo.append(p)
                if len(todo) > 1:  # as above (a parent written twice is placed once: the second is skipped)
                    node._mark = seen
                    if run is not None:
                        for waiting in run:
                            waiting._mark = seen
                        stack += run
                        run = None
                    push(node)
                    stack += reversed(todo[1:])
                    node = todo[0]
                    mark = node._mark
                    continue
                if todo:
                    if run is None:
                        run = [node]
                    else:
                        run.append(node)
                    node = todo[0]
                    mark = node._mark
                    continue
            # no parent left to place: the run is placed now, deepest node first
            if run is None:
                place(node)
            else:
                run.append(node)
                place_run(reversed(run))
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


def reverse_accumulate(order: list, root, seed=1.0, *, slopes=None, combine=sum, on_node=None) -> dict:
    """The chain rule backwards over `order` (each node after its parents): {id(node): d(root)/d(node)}.

    Every node, from `root` back, passes local × upstream to each of its parents;
    a node's upstream is the sum of what its users passed it (all of them have,
    by then: reverse topological order). Nodes `root` does not reach are left out.

    `slopes(node)`: its (parent, local derivative) pairs, the recorded floats by
    default; derivatives of derivatives give Values instead (and only the parents
    worth following). `combine(shares)`: a node's upstream from the shares it got,
    in the order they came (`sum` adds floats as `backward()` does). `on_node(node,
    upstream, sent)` is told what each node passed on, `sent` the (parent, local,
    share) triples: the step frames draw them.
    """
    slopes = edges if slopes is None else slopes
    shares = {id(root): [seed]}
    adjoint = {}
    for node in reversed(order):
        mine = shares.pop(id(node), None)
        if mine is None:  # root does not depend on this node
            continue
        upstream = adjoint[id(node)] = combine(mine)
        sent = []
        for parent, local in slopes(node):
            share = local if _is_one(upstream) else local * upstream  # no node "x * 1" in derivative graphs
            shares.setdefault(id(parent), []).append(share)
            sent.append((parent, local, share))
        if on_node is not None:
            on_node(node, upstream, sent)
    return adjoint


def _is_one(g) -> bool:
    return type(g) is float and g == 1.0


def forward_accumulate(order: list, seeds: dict) -> dict:
    """The chain rule forwards over `order`: the tangent d(node)/ds of every node that depends on a seeded one.

    `seeds` maps nodes to their own tangent (the direction). Each node's tangent
    is the sum over its parents of local × the parent's tangent. A node that
    depends on no seeded node is left out: its tangent is exactly 0, and leaving
    it out keeps an infinite local derivative elsewhere (sqrt at 0) from turning
    0 into nan. A seeded interior node adds its seed to what flows in from its
    parents, so tangents stay linear in the seeds.
    """
    tangent: dict = {}
    for node in order:
        t = seeds.get(node)
        for parent, local in edges(node):
            tp = tangent.get(parent)
            if tp is not None:
                t = local * tp if t is None else t + local * tp
        if t is not None:
            tangent[node] = t
    return tangent


def backpropagate(root: Node, grad: float = 1.0) -> None:
    """The backward pass behind `Value.backward()`: `reverse_accumulate` into every node's `.grad`.

    Interior nodes start from zero on every call; leaves keep what they had,
    so their gradients accumulate across calls (as in PyTorch). Leaves have
    no parents to pass anything on to, so the pass does not even visit them.

    It runs for every training step, so it is `reverse_accumulate` with its
    speed devices: the shares go straight into `.grad` (no dict), the order
    comes from stamps on the nodes (no set), a node of one parent stores it
    without a tuple, and the usual two parents are unrolled. The chain rule
    itself is the same four lines (tests/autograd/core/test_one_reverse_loop.py checks the
    two agree on random graphs).
    """
    _check_node(root, "backpropagate")
    if isinstance(grad, bool) or not isinstance(grad, numbers.Real):
        raise TypeError(f"backward: grad must be a number, not {type(grad).__name__} {grad!r}")
    seed = float(grad)
    if not math.isfinite(seed):  # a nan or inf seed would make every gradient nan or inf
        raise ValueError(f"backward: grad must be a finite number (the seed d root / d root), not {grad!r}")
    if not root._operation:  # a leaf: its own gradient is all there is
        if not hasattr(root, "_label"):  # Value(...) gives its leaves a label slot; results under no_grad() have none
            raise RuntimeError(
                "backward: this Value was computed inside no_grad(), which records no graph, so it has no "
                "gradient to pass back (PyTorch: 'does not require grad'); compute it outside no_grad()"
            )
        root._grad += seed
        return
    _pause_collector()
    try:
        order = _order(root, backward=True)  # interior nodes only, their gradients zeroed
        root._grad += seed
        for node in reversed(order):  # the chain rule: each edge adds local × upstream
            g = node._grad
            parents = node._parents
            if type(parents) is not tuple:  # one parent
                parents._grad += node._local_grads * g
            elif len(parents) == 2:
                p, q = parents
                local_p, local_q = node._local_grads
                p._grad += local_p * g
                q._grad += local_q * g
            else:
                for parent, local in zip(parents, node._local_grads):
                    parent._grad += local * g
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
        for node in _order(root, backward=False, refuse_stale=False):
            node._grad = 0.0

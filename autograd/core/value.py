"""The scalar `Value`: one number in a computation graph, and how it was made.

A node records the operation that made it (`op`), its inputs (`parents`), the
local derivative of the result with respect to each of them (`local_grads`,
d(out)/d(parent), computed together with the result) and the operation's
constant operands (the 2.0 of `x + 2.0`, the n of `x ** n`, the hardtanh
bounds); `operands` gives them all in written order, and `replay(node)`
applies the operation to them again. `backward()` then only has to multiply
and add along the edges (the chain rule, `autograd.core.graph`).

The operations themselves (`+`, `*`, `tanh`, `dot` ...) are defined in
`autograd.core.operations`, each once: its value, its local derivatives, what
it refuses and how pictures write it. Importing `autograd` installs them as
Value's methods and operators.

Numerical policy, in one place:

* `+ - *` behave like Python floats: they may overflow to inf, and nan/inf
  inputs propagate.
* Functions raise where the mathematics has no real answer, naming the
  operation, the value and the node's label: `log` of 0 or a negative number,
  `sqrt` of a negative number, a negative number to a fractional power
  (`DomainError`, a `ValueError`); division by zero and `0 ** negative`
  (`ZeroDivisionError`); `exp` or `**` whose finite input gives a result too
  large for a float (`OverflowError`).
* nan inputs never raise: they propagate. Infinite inputs propagate too
  (`sin(inf)` is nan, `exp(inf)` is inf), except that -inf is a negative
  number like any other for `log`, `sqrt` and fractional powers.
* Where a derivative is infinite (`sqrt` at 0) the local derivative is inf;
  at kinks (`relu`, `abs`, ... at 0) the documented one-sided value is used.
"""

from __future__ import annotations

import numbers
import operator
import threading
from contextlib import ContextDecorator, contextmanager
from typing import TYPE_CHECKING

from autograd.core import checks, graph
from autograd.core.graph import Node, backpropagate, read_only

__all__ = ["Value", "DomainError", "no_grad", "is_grad_enabled"]


class DomainError(ValueError):
    """An operation was asked for a value outside its mathematical domain."""


# Grad mode belongs to a thread, as in PyTorch: no_grad() in one thread leaves the
# others recording. `_quiet_blocks` counts the no_grad() blocks open in all threads;
# while it is 0 (nearly always) an operation needs no look at its own thread's setting.
_quiet_blocks = 0
_quiet_lock = threading.Lock()
_mode = threading.local()  # _mode.depth: how many no_grad() blocks this thread is inside


class no_grad(ContextDecorator):
    """Inside `with no_grad():` (or a function decorated `@no_grad()`) operations
    build no graph: results are plain leaves. Use it for optimizer updates and
    evaluation, where nobody will call `backward()`. It holds for the thread
    that entered it; blocks nest, and one instance may be entered again."""

    def __enter__(self):
        global _quiet_blocks
        with _quiet_lock:
            _quiet_blocks += 1
        _mode.depth = getattr(_mode, "depth", 0) + 1
        return self

    def __exit__(self, *exc):
        global _quiet_blocks
        _mode.depth -= 1
        with _quiet_lock:
            _quiet_blocks -= 1
        return False


_deriving = threading.local()  # _deriving.who: the user's operation whose derivative is being made of Values


@contextmanager
def no_float_of_values(who: str):
    """While a user's derivative is evaluated on Values, `float(value)` is an error naming `who`: `math.exp(x)`
    would turn x into a number, and the derivative's own derivative would silently be 0."""
    previous = getattr(_deriving, "who", None)
    _deriving.who = who
    try:
        yield
    finally:
        _deriving.who = previous


def is_grad_enabled() -> bool:
    """True unless this thread is inside `no_grad()`."""
    return not getattr(_mode, "depth", 0)


def described(node: Value) -> str:
    """`0.0 (node 'x')` or just `0.0`: the words error messages use for a node."""
    return f"{node._data!r} (node {node.label!r})" if node.label else repr(node._data)


def located(node: Value) -> str:
    """` (node 'x')`, or nothing for an unlabelled node: where an error happened."""
    return f" (node {node.label!r})" if node.label else ""


def as_number(x, op: str, node: Value | None = None) -> float:
    """Accept a plain number (int, float, NumPy scalar) as an operand, as a float.

    `node` is the Value on the other side of the operation, named in the error.
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    where = f" with node {node.label!r}" if node is not None and node.label else ""
    raise TypeError(
        f"unsupported operand for {op}{where}: {type(x).__name__} {x!r}; use a Value, an int, a float or a NumPy scalar"
    )


def _assigned_number(x, name: str, node: Value) -> float:
    """What `node.data = x` or `node.grad = x` stores: the number as a float (a NumPy float32 learning
    rate in `p.data -= lr * p.grad` must not turn the model's numbers into float32), else a TypeError."""
    if isinstance(x, numbers.Real):  # what Value(...) takes: ints, bools, NumPy scalars (not complex, not arrays)
        return float(x)
    raise TypeError(
        f"Value.{name} must be a number (an int, float or NumPy scalar), not {checks.shown(x)}"
        f"{located(node)}; it is stored as a float"
    )


# The stamp of the last assignment to any Value's data (graph.data_changed): a node starts with it as its
# traversal mark, so a graph built after every assignment has nothing to check.
_last_change = 0

_new = object.__new__  # makes a node without __init__: new_node fills in already checked fields


def new_node(data: float, op: str, parents, local_grads, const=None) -> Value:
    """Make the node an operation returns; under `no_grad()` it is a bare leaf.

    `parents` and `local_grads` are tuples, or for one parent the parent and
    its local derivative themselves (see `Node`). `const` is the operation's
    constant operand (a float), or its constants and parameters (a tuple),
    or None when every operand is a parent. Slots nobody needs stay empty
    (no label, no constant): the garbage collector skips an empty slot, and
    it visits every node again and again while a graph grows.
    """
    out = _new(Value)
    out._data = data
    out._grad = 0.0
    out._mark = _last_change  # born after every assignment so far: see graph.stale_parent
    if not _quiet_blocks or not getattr(_mode, "depth", 0):  # recording (see no_grad)
        out._operation = op
        out._parents = parents
        out._local_grads = local_grads
        if const is not None:
            out._const = const
    else:
        out._operation = ""
        out._parents = ()
        out._local_grads = ()
    return out


def made_under_no_grad(node: Value) -> bool:
    """A result of an operation inside no_grad(): a bare leaf that Value(...) did not make (it has no label slot)."""
    return not node._operation and not hasattr(node, "_label")


def recorded_constant(node: Value):
    """The constant(s) a node recorded, or None: a float, a tuple (after the parents), or a tuple with
    None where each parent stands (`dot` with numbers among its operands). A leaf has none (its `_const`
    slot holds the stamp of the last assignment to its data instead)."""
    return getattr(node, "_const", None) if node._operation else None


def _operands(node: Value) -> tuple:
    """All operands of the operation: the parents and the constant numbers, in written order.

    `(2.0 - x).operands` is `(2.0, x)`, `x.hardtanh(-2, 2).operands` is
    `(x, -2.0, 2.0)`, `dot([w0, w1], [x0, 3.0], b)` gives
    `(w0, x0, w1, 3.0, b)`; a leaf has none. Two exceptions: `2 + x` and
    `2 * x` give `(x, 2.0)` (the order does not matter to them), and
    `total` sums its numbers into one constant, last. `replay(node)`
    applies `node.op` to them again.
    """
    const, parents = recorded_constant(node), node.parents
    if const is None:
        return parents
    from autograd.core.registry import lookup  # the records know the operations (and import this module)

    if lookup(node._operation).reflected:
        return (const, *parents)
    if type(const) is tuple:
        if None in const:  # where each operand stands: None for the next parent, else the number
            rest = iter(parents)
            return tuple(next(rest) if slot is None else slot for slot in const)
        return (*parents, *const)
    return (*parents, const)


class Value(Node):
    """One scalar in a computation graph: its value, its gradient, and how it was made.

    `grad`, the operation, the parents and the local derivatives live in
    `Node` (the graph's part, with the views `op`, `parents`, `local_grads`);
    a Value adds the number, a label and the operation's constant operands
    (`_const`; a leaf has no operation and keeps there the stamp of the last
    assignment to its data, which tells a graph built before it: see
    `graph.stale_parent`).

    The engine reads and writes the numbers in the slots `_data` and `_grad`
    directly; users go through the properties `data` and `grad`, which check
    what is assigned (see `_assigned_number`).
    """

    __slots__ = ("_data", "_label", "_const")

    def __init__(self, data, label: str = "", *micrograd_form):
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a number, not another Value; use the Value itself")
        if micrograd_form or isinstance(label, (tuple, set)):
            raise TypeError(
                "Value(data, label='') makes a leaf; micrograd's Value(data, _children, _op) form does not exist "
                "here: nodes with parents come from operations (x * y, x.tanh(), dot(...)), which record them"
            )
        if not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a number (an int, float or NumPy scalar), not {checks.shown(data)}")
        self._data = float(data)
        self._grad = 0.0
        self._label = "" if label is None else str(label)  # None is no label, not the text 'None'
        self._operation = ""
        self._parents = ()
        self._local_grads = ()
        self._mark = _last_change  # as new_node: a node built by hand from a leaf (tests do) starts consistent

    def _set_data(self, x) -> None:
        global _last_change
        if type(x) is not float:
            x = _assigned_number(x, "data", self)
        if self._operation:
            raise AttributeError(
                f"Value.data of {described(self)} cannot be assigned: the operation {self._operation!r} computed it "
                "from its parents, and its users' slopes were computed from it; change a leaf's data (an input, a "
                "parameter) and compute the result again"
            )
        self._data = x
        self._const = _last_change = graph.data_changed()

    def _set_grad(self, x) -> None:
        self._grad = x if type(x) is float else _assigned_number(x, "grad", self)

    data = property(
        operator.attrgetter("_data"),
        _set_data,
        None,
        "The number (a float). A leaf's may be assigned (any int, float or NumPy scalar becomes a float); a graph "
        "built from the old number then refuses backward().",
    )
    grad = property(
        operator.attrgetter("_grad"),
        _set_grad,
        None,
        "d(output)/d(this node) after backward() (a float); assigning any int, float or NumPy scalar stores a float.",
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        VALUE_TYPES.add(cls)  # a subclass is an operand like Value itself

    @property
    def label(self) -> str:
        """A name for pictures and error messages ('' for none; pictures then say v0, v1, ...)."""
        return getattr(self, "_label", "")

    @label.setter
    def label(self, text) -> None:
        self._label = "" if text is None else str(text)

    # ---- the record, read-only ---------------------------------------------------

    operands = read_only("operands", _operands, _operands.__doc__)
    _prev = read_only(
        "_prev",
        lambda self: set(self.parents),
        "micrograd's name: the set of this node's parents (the lecture's `draw_dot` and `build_topo` read it).",
    )

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self._data!r}, grad={self._grad!r}{label})"

    def __float__(self) -> float:
        who = getattr(_deriving, "who", None)
        if who is not None:
            raise TypeError(
                f"{who}: its derivative turned a Value into a float (math.exp(x), float(x) ...), which would lose "
                "the derivative's own derivative; write it with + - * / and m's functions (m.exp(x), m.log(x), "
                "m.where(...))"
            )
        return self._data

    def __format__(self, spec: str) -> str:
        return format(self._data, spec) if spec else repr(self)

    if TYPE_CHECKING:  # made from the operation records at import (autograd.core.operations); told to type checkers

        def __add__(self, other: Value | float) -> Value: ...
        def __radd__(self, other: Value | float) -> Value: ...
        def __sub__(self, other: Value | float) -> Value: ...
        def __rsub__(self, other: Value | float) -> Value: ...
        def __mul__(self, other: Value | float) -> Value: ...
        def __rmul__(self, other: Value | float) -> Value: ...
        def __truediv__(self, other: Value | float) -> Value: ...
        def __rtruediv__(self, other: Value | float) -> Value: ...
        def __pow__(self, other: Value | float) -> Value: ...
        def __rpow__(self, other: Value | float) -> Value: ...
        def __neg__(self) -> Value: ...
        def __abs__(self) -> Value: ...
        def abs(self) -> Value: ...
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def relu(self) -> Value: ...
        def gelu(self) -> Value: ...
        def softplus(self) -> Value: ...
        def step(self) -> Value: ...
        def leaky_relu(self, alpha: float = 0.01) -> Value: ...
        def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value: ...
        def elu(self, alpha: float = 1.0) -> Value: ...

    # ---- backpropagation -----------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        Gradients of leaves (nodes no operation made: inputs, parameters)
        accumulate across calls, as in PyTorch: zero them between steps.
        Gradients of interior nodes are recomputed on every call. A result
        computed inside `no_grad()` has no graph and refuses; so does a graph
        one of whose leaves got new `.data` after it was built.
        """
        backpropagate(self, grad)


VALUE_TYPES = {Value}  # Value and its subclasses (each added as it is defined): `type(x) in VALUE_TYPES` is fast

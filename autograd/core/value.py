"""The scalar `Value`: one number in a computation graph, and every operation on it.

Each operation computes its result *and* the local derivative of the result
with respect to each input, d(out)/d(input), in the same few lines. The node
records how it was made: the operation (`op`), its inputs (`parents`), those
local derivatives (`local_grads`) and the operation's constant operands and
parameters (the 2.0 of `x + 2.0`, the n of `x ** n`, alpha, the hardtanh
bounds); `operands` gives them all in written order and `replay(node)` applies
the operation to them again. `backward()` then only has to multiply and add
along the edges (chain rule).

This file is the reference for each operation's calculus. The same local
derivatives are written twice more, each for a use a float cannot serve:
`autograd/calculus.py` as expressions on Values (a derivative that can be
differentiated again: `grad(..., create_graph=True)`, `hessian`), and
`autograd/trace.py` (`NUMPY_OPS`) as NumPy forms over a whole batch
(`trace`). tests/autograd/test_higher_calculus.py and
tests/autograd/test_trace_ops.py check both, operation by operation,
against the local derivatives recorded here, which test_ops.py checks
against central differences.

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

import math
import numbers
import operator
import threading
from contextlib import ContextDecorator

from autograd.core import checks
from autograd.core.graph import Node, backpropagate, read_only

__all__ = ["Value", "DomainError", "no_grad", "is_grad_enabled", "dot", "total", "replay"]


# Local-derivative pairs that many nodes share; sharing them keeps nodes small.
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


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


def is_grad_enabled() -> bool:
    """True unless this thread is inside `no_grad()`."""
    return not getattr(_mode, "depth", 0)


def _describe(node: Value) -> str:
    """`0.0 (node 'x')` or just `0.0`: the words error messages use for a node."""
    return f"{node.data!r} (node {node.label!r})" if node.label else repr(node.data)


def _at(node: Value) -> str:
    """` (node 'x')`, or nothing for an unlabelled node: where an error happened."""
    return f" (node {node.label!r})" if node.label else ""


def _number(x, op: str, node: Value | None = None) -> float:
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


_new = object.__new__  # makes a node without __init__: _result fills in already checked fields


def _result(data: float, op: str, parents, local_grads, const=None) -> Value:
    """Make the node an operation returns; under `no_grad()` it is a bare leaf.

    `parents` and `local_grads` are tuples, or for one parent the parent and
    its local derivative themselves (see `Node`). `const` is the operation's
    constant operand (a float), or its constants and parameters (a tuple),
    or None when every operand is a parent. Slots nobody needs stay empty
    (no label, no constant): the garbage collector skips an empty slot, and
    it visits every node again and again while a graph grows.
    """
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._mark = 0
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


def _const_of(node: Value):
    """The constant(s) a node recorded, or None."""
    return getattr(node, "_const", None)


def _operands(node: Value) -> tuple:
    """All operands of the operation: the parents and the constant numbers, in written order.

    `(2.0 - x).operands` is `(2.0, x)`, `x.hardtanh(-2, 2).operands` is
    `(x, -2.0, 2.0)`, `dot([w0, w1], [x0, 3.0], b)` gives
    `(w0, x0, w1, 3.0, b)`; a leaf has none. Two exceptions: `2 + x` and
    `2 * x` give `(x, 2.0)` (the order does not matter to them), and
    `total` sums its numbers into one constant, last. `replay(node)`
    applies `node.op` to them again.
    """
    const, parents = _const_of(node), node.parents
    if const is None:
        return parents
    if node._operation in _REFLECTED:
        return (const, *parents)
    if node._operation == "dot":  # the layout: None where the next parent goes, else the number
        rest = iter(parents)
        return tuple(next(rest) if slot is None else slot for slot in const)
    if type(const) is tuple:
        return (*parents, *const)
    return (*parents, const)


def _power(base: float, exponent: float, node: Value) -> float:
    """base ** exponent as a real number, or a clear error where there is none."""
    where = f" (node {node.label!r})" if node.label else ""
    if base == 0.0 and exponent < 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {exponent!r} is undefined (division by zero){where}")
    if base < 0.0 and math.isfinite(exponent) and not exponent.is_integer():
        raise DomainError(f"**: {base!r} ** {exponent!r} has no real value (negative base, fractional power){where}")
    try:
        return base**exponent
    except OverflowError:
        raise OverflowError(f"**: {base!r} ** {exponent!r} is too large for a float{where}") from None


class Value(Node):
    """One scalar in a computation graph: its value, its gradient, and how it was made.

    `grad`, the operation, the parents and the local derivatives live in
    `Node` (the graph's part, with the views `op`, `parents`, `local_grads`);
    a Value adds the number, a label and the operation's constant operands.
    """

    __slots__ = ("data", "_label", "_const")

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
        self.data = float(data)
        self.grad = 0.0
        self._label = "" if label is None else str(label)  # None is no label, not the text 'None'
        self._operation = ""
        self._parents = ()
        self._local_grads = ()
        self._mark = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _VALUE_TYPES.add(cls)  # a subclass is an operand like Value itself

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
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    # ---- arithmetic --------------------------------------------------------

    # A number operand is kept as the node's constant; `rsub`, `rdiv` and
    # `rpow` are the reflected forms c - x, c / x and c ** x. For speed,
    # `type(other) in _VALUE_TYPES` stands for isinstance(other, Value), and a
    # float, the most common constant, skips the call that converts numbers
    # (7 % of the time of building a chain).

    def __add__(self, other) -> Value:
        if type(other) in _VALUE_TYPES:
            return _result(self.data + other.data, "+", (self, other), _ONE_ONE)
        c = other if type(other) is float else _number(other, "+", self)
        return _result(self.data + c, "+", self, 1.0, c)

    __radd__ = __add__

    def __sub__(self, other) -> Value:
        if type(other) in _VALUE_TYPES:
            return _result(self.data - other.data, "-", (self, other), _ONE_MINUS_ONE)
        c = other if type(other) is float else _number(other, "-", self)
        return _result(self.data - c, "-", self, 1.0, c)

    def __rsub__(self, other) -> Value:  # c - self
        c = _number(other, "-", self)
        return _result(c - self.data, "rsub", self, -1.0, c)

    def __neg__(self) -> Value:
        return _result(-self.data, "neg", self, -1.0)

    def __mul__(self, other) -> Value:
        if type(other) in _VALUE_TYPES:
            return _result(self.data * other.data, "*", (self, other), (other.data, self.data))
        c = other if type(other) is float else _number(other, "*", self)
        return _result(self.data * c, "*", self, c, c)

    __rmul__ = __mul__

    def __truediv__(self, other) -> Value:  # self / other: d/dself = 1/other, d/dother = -self/other^2
        if type(other) in _VALUE_TYPES:
            b = other.data
            if b == 0.0:
                raise ZeroDivisionError(f"/: division of {_describe(self)} by zero (divisor {_describe(other)})")
            q = self.data / b
            return _result(q, "/", (self, other), (1.0 / b, -q / b))
        c = other if type(other) is float else _number(other, "/", self)
        if c == 0.0:
            raise ZeroDivisionError(f"/: division of {_describe(self)} by zero")
        return _result(self.data / c, "/", self, 1.0 / c, c)

    def __rtruediv__(self, other) -> Value:  # c / self: d/dself = -c/self^2
        c, b = _number(other, "/", self), self.data
        if b == 0.0:
            raise ZeroDivisionError(f"/: division of {c!r} by zero (divisor {_describe(self)})")
        q = c / b
        return _result(q, "rdiv", self, -q / b, c)

    def __pow__(self, other) -> Value:
        x = self.data
        if isinstance(other, Value):  # x ** y: d/dx = y x^(y-1), d/dy = x^y ln x
            y = other.data
            out = _power(x, y, self)
            d_dy = out * math.log(x) if x > 0.0 else (0.0 if x == 0.0 else math.nan)
            return _result(out, "**", (self, other), (_power_slope(x, y), d_dy))
        n = _number(other, "**", self)
        return _result(_power(x, n, self), "**", self, _power_slope(x, n), n)

    def __rpow__(self, other) -> Value:  # c ** x: d/dx = c^x ln c
        c = _number(other, "**", self)
        out = _power(c, self.data, self)
        d_dx = out * math.log(c) if c > 0.0 else (0.0 if c == 0.0 else math.nan)
        return _result(out, "rpow", self, d_dx, c)

    # ---- functions -----------------------------------------------------------

    def exp(self) -> Value:
        x = self.data
        try:
            e = math.exp(x)
        except OverflowError:
            raise OverflowError(f"exp: exp({_describe(self)}) is too large for a float") from None
        return _result(e, "exp", self, e)

    def log(self) -> Value:
        """Natural logarithm."""
        x = self.data
        if x <= 0.0:
            raise DomainError(f"log: log({_describe(self)}) is undefined; log needs a positive number")
        return _result(math.log(x), "log", self, 1.0 / x)

    def sqrt(self) -> Value:
        x = self.data
        if x < 0.0:
            raise DomainError(f"sqrt: sqrt({_describe(self)}) is undefined; sqrt needs a number >= 0")
        s = math.sqrt(x)
        return _result(s, "sqrt", self, 0.5 / s if s else math.inf)

    def __abs__(self) -> Value:
        x = self.data
        return _result(abs(x), "abs", self, 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))

    abs = __abs__

    def sin(self) -> Value:
        x = self.data
        if not math.isfinite(x):
            return _result(math.nan, "sin", self, math.nan)
        return _result(math.sin(x), "sin", self, math.cos(x))

    def cos(self) -> Value:
        x = self.data
        if not math.isfinite(x):
            return _result(math.nan, "cos", self, math.nan)
        return _result(math.cos(x), "cos", self, -math.sin(x))

    # ---- activation functions (section 6 of the lecture notes) ------------------------

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # math.tanh never overflows
        return _result(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return _result(s, "sigmoid", self, s * (1.0 - s))

    def relu(self) -> Value:
        x = self.data
        if x > 0.0:
            return _result(x, "relu", self, 1.0)
        return _result(0.0 if x == x else x, "relu", self, 0.0)  # nan stays nan

    def leaky_relu(self, alpha=0.01) -> Value:
        """x if x > 0 else alpha * x. A `Value` alpha is learnable (parametric ReLU, a second parent)."""
        x = self.data
        if isinstance(alpha, Value):
            a = alpha.data
            if x > 0.0:
                return _result(x, "leaky_relu", (self, alpha), (1.0, 0.0))
            return _result(a * x, "leaky_relu", (self, alpha), (a, x))
        a = _number(alpha, "leaky_relu", self)
        if a != a:
            raise ValueError(f"leaky_relu: alpha must be a number (not nan), not {alpha!r}{_at(self)}")
        return _result(x if x > 0.0 else a * x, "leaky_relu", self, 1.0 if x > 0.0 else a, a)

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value:
        """Clamp to [min_val, max_val]; slope 1 inside (borders included), 0 outside."""
        x, min_val, max_val = self.data, _number(min_val, "hardtanh", self), _number(max_val, "hardtanh", self)
        if not min_val <= max_val:  # also refuses nan bounds
            raise ValueError(
                f"hardtanh: min_val must be <= max_val (neither nan), not min_val={min_val!r}, "
                f"max_val={max_val!r}{_at(self)}"
            )
        bounds = (min_val, max_val)
        if x < min_val:
            return _result(min_val, "hardtanh", self, 0.0, bounds)
        if x > max_val:
            return _result(max_val, "hardtanh", self, 0.0, bounds)
        return _result(x, "hardtanh", self, 1.0, bounds)

    def softplus(self) -> Value:
        """ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|) so it never overflows."""
        x = self.data
        return _result(max(x, 0.0) + math.log1p(math.exp(-abs(x))), "softplus", self, _sigmoid(x))

    def elu(self, alpha: float = 1.0) -> Value:
        """x if x >= 0 else alpha (e^x - 1)."""
        x, alpha = self.data, _number(alpha, "elu", self)
        if alpha != alpha:
            raise ValueError(f"elu: alpha must be a number (not nan), not nan{_at(self)}")
        if x >= 0.0:
            return _result(x, "elu", self, 1.0, alpha)
        return _result(alpha * math.expm1(x), "elu", self, alpha * math.exp(x), alpha)

    def gelu(self) -> Value:
        """x * Phi(x), Phi the standard normal distribution function (exact, via erf)."""
        x = self.data
        if math.isinf(x):  # the limits; x * Phi(x) would give inf * 0 = nan at -inf
            return _result(max(x, 0.0), "gelu", self, 1.0 if x > 0.0 else 0.0)
        cdf = 0.5 * math.erfc(-x / _SQRT_2)  # erfc keeps precision far in the negative tail
        pdf = _INV_SQRT_2PI * math.exp(-0.5 * x * x)
        return _result(x * cdf, "gelu", self, cdf + x * pdf)

    def step(self) -> Value:
        """Heaviside step of the perceptron: 0 if x <= 0 else 1. Its gradient is 0."""
        x = self.data
        return _result(1.0 if x > 0.0 else (0.0 if x <= 0.0 else x), "step", self, 0.0)  # nan stays nan

    # ---- backpropagation -----------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        Gradients of leaves (nodes no operation made: inputs, parameters)
        accumulate across calls, as in PyTorch: zero them between steps.
        Gradients of interior nodes are recomputed on every call.
        """
        backpropagate(self, grad)


_VALUE_TYPES = {Value}  # Value and its subclasses (each added as it is defined)


def _sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any x."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _power_slope(x: float, n: float) -> float:
    """d/dx x^n = n x^(n-1), with the limits at x = 0 where the formula divides by zero."""
    if n == 0.0:
        return 0.0
    try:
        return n * x ** (n - 1.0)
    except ZeroDivisionError:  # x = 0 and 0 < n < 1: a vertical tangent
        return math.inf
    except OverflowError:  # |x^(n-1)| is too large; it is negative when x < 0 and n - 1 is odd
        odd = x < 0.0 and (n - 1.0) % 2.0 == 1.0
        return math.copysign(math.inf, -n if odd else n)


def total(values) -> Value:
    """Sum of many values as one node with many parents (cheaper than a chain of +).

    `values`: a list, tuple, generator or NumPy array of Values and numbers (empty: 0).
    """
    if type(values) is not list:
        values = checks.ordered(values, "values", "total", empty=True)
    parents, const, numbers_seen = [], 0.0, False
    for v in values:
        if isinstance(v, Value):
            parents.append(v)
        else:
            const += _dot_number(v, values, "values", "total")
            numbers_seen = True
    if not parents:
        return Value(const)
    data = sum([p.data for p in parents], const)
    return _result(data, "sum", tuple(parents), (1.0,) * len(parents), const if numbers_seen else None)


def dot(weights, inputs, bias=None) -> Value:
    """sum_i w_i x_i + b as one node: the neuron's weighted sum z of the slides.

    Either side may hold numbers or Values; each Value becomes one parent whose
    local derivative is the number it was multiplied by (d z / d w_i = x_i).
    When every operand is a Value the parents are w_0, x_0, w_1, x_1, ..., b
    in that order; otherwise the node records that layout with the numbers
    in place (None where a parent stands), so `operands` tells who
    multiplies whom either way.
    """
    if type(weights) is not list:
        weights = checks.ordered(weights, "weights", "dot", empty=True)
    if type(inputs) is not list:
        inputs = checks.ordered(inputs, "inputs", "dot", empty=True)
    n = len(weights)
    if n != len(inputs):
        raise ValueError(f"dot: {n} weights but {len(inputs)} inputs")
    layout = None  # stays None while every operand is a Value
    if n and type(inputs[0]) is float and set(map(type, inputs)) == _FLOATS and set(map(type, weights)) <= _VALUE_TYPES:
        # a first layer's neuron: Value weights times plain floats, done with list operations
        parents, local_grads = list(weights), list(inputs)
        layout = [None] * (2 * n)
        layout[1::2] = inputs
        z = sum(map(operator.mul, map(_data, weights), inputs), 0.0)
    else:
        parents, local_grads = [], []
        z = 0.0
        for w, x in zip(weights, inputs):
            wv = isinstance(w, Value)
            xv = isinstance(x, Value)
            wd = w.data if wv else _dot_number(w, weights, "weights")
            xd = x.data if xv else _dot_number(x, inputs, "inputs")
            z += wd * xd
            if wv:
                parents.append(w)
                local_grads.append(xd)
            if xv:
                parents.append(x)
                local_grads.append(wd)
        if len(parents) < 2 * n:  # some numbers: write down where they stand
            layout = []
            for w, x in zip(weights, inputs):
                layout += (None if isinstance(w, Value) else float(w), None if isinstance(x, Value) else float(x))
    if bias is not None:
        if isinstance(bias, Value):
            z += bias.data
            parents.append(bias)
            local_grads.append(1.0)
            if layout is not None:
                layout.append(None)
        else:
            b = _dot_number(bias, [bias], "bias")
            z += b
            layout = (layout if layout is not None else [None] * (2 * n)) + [b]
    if not parents:
        return Value(z)
    return _result(z, "dot", tuple(parents), tuple(local_grads), None if layout is None else tuple(layout))


def _dot_number(x, items: list, name: str, who: str = "dot") -> float:
    """A number operand of dot or total as a float; else a TypeError naming where it stands (weights[3])."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):  # what every operation accepts (see _number)
        return float(x)
    where = name if name == "bias" else f"{name}[{next(i for i, item in enumerate(items) if item is x)}]"
    raise TypeError(f"{who}: {where} is {checks.shown(x)}; use a Value, an int, a float or a NumPy scalar")


_FLOATS = {float}
_data = operator.attrgetter("data")


# ---- replaying the record ------------------------------------------------------------------

_REFLECTED = ("rsub", "rdiv", "rpow")  # c - x, c / x, c ** x: the constant comes first

_APPLY = {
    "+": operator.add,
    "-": operator.sub,
    "rsub": operator.sub,
    "neg": operator.neg,
    "*": operator.mul,
    "/": operator.truediv,
    "rdiv": operator.truediv,
    "**": operator.pow,
    "rpow": operator.pow,
    "abs": abs,
    "sum": lambda *terms: total(terms),
    "dot": lambda *layout: _dot_of_layout(layout),
}


def _dot_of_layout(layout: tuple) -> Value:
    """dot() of the operands w_0, x_0, w_1, x_1, ... (and b when their number is odd)."""
    n = len(layout) // 2
    return dot(layout[0 : 2 * n : 2], layout[1 : 2 * n : 2], layout[2 * n] if len(layout) % 2 else None)


def replay(node: Value) -> Value:
    """Apply `node.op` again to `node.operands` (with the parents' current data): a new node.

    Nothing but the record is used, so the result equals `node` exactly
    (data and local derivatives) as long as no parent's data has changed.
    """
    if not isinstance(node, Value):
        raise TypeError(f"replay needs a Value, not {type(node).__name__} {node!r}")
    if not node._operation:
        raise ValueError(f"replay: {_describe(node)} is a leaf; no operation made it")
    apply = _APPLY.get(node._operation) or getattr(Value, node._operation)
    return apply(*node.operands)

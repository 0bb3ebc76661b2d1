"""The scalar `Value`: one number in a computation graph, and every operation on it.

Each operation computes its result *and* the local derivative of the result
with respect to each input, d(out)/d(input), in the same few lines. The node
stores its inputs (`_parents`) and those local derivatives (`_local_grads`);
`backward()` then only has to multiply and add along the edges (chain rule).

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
from contextlib import ContextDecorator

__all__ = ["Value", "DomainError", "no_grad", "is_grad_enabled", "dot", "total"]

_grad_enabled = True

# Local-derivative tuples that many nodes share; sharing them keeps nodes small.
_ONE = (1.0,)
_ZERO = (0.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_MINUS_ONE = (-1.0,)
_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class DomainError(ValueError):
    """An operation was asked for a value outside its mathematical domain."""


class no_grad(ContextDecorator):
    """Inside `with no_grad():` (or a function decorated `@no_grad()`) operations
    build no graph: results are plain leaves. Use it for optimizer updates and
    evaluation, where nobody will call `backward()`."""

    def __init__(self):
        self._previous = []  # a stack: one instance may be entered again (recursion)

    def __enter__(self):
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = False
        return self

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._previous.pop()
        return False


def is_grad_enabled() -> bool:
    """True unless inside `no_grad()`."""
    return _grad_enabled


def _describe(node: Value) -> str:
    """`0.0 (node 'x')` or just `0.0`: the words error messages use for a node."""
    return f"{node.data!r} (node {node.label!r})" if node.label else repr(node.data)


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


def _result(data: float, op: str, parents: tuple, local_grads: tuple) -> Value:
    """Make the node an operation returns; under `no_grad()` it is a bare leaf."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out._op = op
        out._parents = parents
        out._local_grads = local_grads
    else:
        out._op = ""
        out._parents = ()
        out._local_grads = ()
    return out


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


class Value:
    """One scalar in a computation graph: its value, its gradient, and how it was made."""

    __slots__ = ("data", "grad", "label", "_op", "_parents", "_local_grads")

    def __init__(self, data, label: str = ""):
        if isinstance(data, Value):
            raise TypeError("Value(...) takes a number, not another Value; use the Value itself")
        self.data = _number(data, "Value")
        self.grad = 0.0
        self.label = str(label)
        self._op = ""
        self._parents = ()
        self._local_grads = ()

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        return self.data

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    # ---- arithmetic --------------------------------------------------------

    def __add__(self, other) -> Value:
        if type(other) is Value:
            return _result(self.data + other.data, "+", (self, other), _ONE_ONE)
        return _result(self.data + _number(other, "+", self), "+", (self,), _ONE)

    __radd__ = __add__

    def __sub__(self, other) -> Value:
        if type(other) is Value:
            return _result(self.data - other.data, "-", (self, other), _ONE_MINUS_ONE)
        return _result(self.data - _number(other, "-", self), "-", (self,), _ONE)

    def __rsub__(self, other) -> Value:  # other - self
        return _result(_number(other, "-", self) - self.data, "-", (self,), _MINUS_ONE)

    def __neg__(self) -> Value:
        return _result(-self.data, "neg", (self,), _MINUS_ONE)

    def __mul__(self, other) -> Value:
        if type(other) is Value:
            return _result(self.data * other.data, "*", (self, other), (other.data, self.data))
        c = _number(other, "*", self)
        return _result(self.data * c, "*", (self,), (c,))

    __rmul__ = __mul__

    def __truediv__(self, other) -> Value:  # self / other: d/dself = 1/other, d/dother = -self/other^2
        if type(other) is Value:
            b = other.data
            if b == 0.0:
                raise ZeroDivisionError(f"/: division of {_describe(self)} by zero (divisor {_describe(other)})")
            q = self.data / b
            return _result(q, "/", (self, other), (1.0 / b, -q / b))
        c = _number(other, "/", self)
        if c == 0.0:
            raise ZeroDivisionError(f"/: division of {_describe(self)} by zero")
        return _result(self.data / c, "/", (self,), (1.0 / c,))

    def __rtruediv__(self, other) -> Value:  # other / self
        c, b = _number(other, "/", self), self.data
        if b == 0.0:
            raise ZeroDivisionError(f"/: division of {c!r} by zero (divisor {_describe(self)})")
        q = c / b
        return _result(q, "/", (self,), (-q / b,))

    def __pow__(self, other) -> Value:
        x = self.data
        if type(other) is Value:  # x ** y: d/dx = y x^(y-1), d/dy = x^y ln x
            y = other.data
            out = _power(x, y, self)
            d_dy = out * math.log(x) if x > 0.0 else (0.0 if x == 0.0 else math.nan)
            return _result(out, "**", (self, other), (_power_slope(x, y), d_dy))
        n = _number(other, "**", self)
        return _result(_power(x, n, self), f"**{n:g}", (self,), (_power_slope(x, n),))

    def __rpow__(self, other) -> Value:  # c ** x: d/dx = c^x ln c
        c = _number(other, "**", self)
        out = _power(c, self.data, self)
        d_dx = out * math.log(c) if c > 0.0 else (0.0 if c == 0.0 else math.nan)
        return _result(out, f"{c:g}**", (self,), (d_dx,))

    # ---- functions -----------------------------------------------------------

    def exp(self) -> Value:
        x = self.data
        try:
            e = math.exp(x)
        except OverflowError:
            raise OverflowError(f"exp: exp({_describe(self)}) is too large for a float") from None
        return _result(e, "exp", (self,), (e,))

    def log(self) -> Value:
        """Natural logarithm."""
        x = self.data
        if x <= 0.0:
            raise DomainError(f"log: log({_describe(self)}) is undefined; log needs a positive number")
        return _result(math.log(x), "log", (self,), (1.0 / x,))

    def sqrt(self) -> Value:
        x = self.data
        if x < 0.0:
            raise DomainError(f"sqrt: sqrt({_describe(self)}) is undefined; sqrt needs a number >= 0")
        s = math.sqrt(x)
        return _result(s, "sqrt", (self,), (0.5 / s if s else math.inf,))

    def __abs__(self) -> Value:
        x = self.data
        return _result(abs(x), "abs", (self,), (1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0),))

    abs = __abs__

    def sin(self) -> Value:
        x = self.data
        if not math.isfinite(x):
            return _result(math.nan, "sin", (self,), (math.nan,))
        return _result(math.sin(x), "sin", (self,), (math.cos(x),))

    def cos(self) -> Value:
        x = self.data
        if not math.isfinite(x):
            return _result(math.nan, "cos", (self,), (math.nan,))
        return _result(math.cos(x), "cos", (self,), (-math.sin(x),))

    # ---- activation functions (section 6 of the lecture notes) ------------------------

    def tanh(self) -> Value:
        t = math.tanh(self.data)  # math.tanh never overflows
        return _result(t, "tanh", (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return _result(s, "sigmoid", (self,), (s * (1.0 - s),))

    def relu(self) -> Value:
        x = self.data
        if x > 0.0:
            return _result(x, "relu", (self,), _ONE)
        return _result(0.0 if x == x else x, "relu", (self,), _ZERO)  # nan stays nan

    def leaky_relu(self, alpha=0.01) -> Value:
        """x if x > 0 else alpha * x. A `Value` alpha is learnable (parametric ReLU)."""
        x = self.data
        if type(alpha) is Value:
            a = alpha.data
            if x > 0.0:
                return _result(x, "leaky_relu", (self, alpha), (1.0, 0.0))
            return _result(a * x, "prelu", (self, alpha), (a, x))
        a = _number(alpha, "leaky_relu", self)
        return _result(x if x > 0.0 else a * x, "leaky_relu", (self,), (1.0 if x > 0.0 else a,))

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value:
        """Clamp to [min_val, max_val]; slope 1 inside (borders included), 0 outside."""
        x, min_val, max_val = self.data, _number(min_val, "hardtanh", self), _number(max_val, "hardtanh", self)
        if x < min_val:
            return _result(float(min_val), "hardtanh", (self,), _ZERO)
        if x > max_val:
            return _result(float(max_val), "hardtanh", (self,), _ZERO)
        return _result(x, "hardtanh", (self,), _ONE)

    def softplus(self) -> Value:
        """ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|) so it never overflows."""
        x = self.data
        return _result(max(x, 0.0) + math.log1p(math.exp(-abs(x))), "softplus", (self,), (_sigmoid(x),))

    def elu(self, alpha: float = 1.0) -> Value:
        """x if x >= 0 else alpha (e^x - 1)."""
        x, alpha = self.data, _number(alpha, "elu", self)
        if x >= 0.0:
            return _result(x, "elu", (self,), _ONE)
        return _result(alpha * math.expm1(x), "elu", (self,), (alpha * math.exp(x),))

    def gelu(self) -> Value:
        """x * Phi(x), Phi the standard normal distribution function (exact, via erf)."""
        x = self.data
        if math.isinf(x):  # the limits; x * Phi(x) would give inf * 0 = nan at -inf
            return _result(max(x, 0.0), "gelu", (self,), (1.0 if x > 0.0 else 0.0,))
        cdf = 0.5 * math.erfc(-x / _SQRT_2)  # erfc keeps precision far in the negative tail
        pdf = _INV_SQRT_2PI * math.exp(-0.5 * x * x)
        return _result(x * cdf, "gelu", (self,), (cdf + x * pdf,))

    def step(self) -> Value:
        """Heaviside step of the perceptron: 0 if x <= 0 else 1. Its gradient is 0."""
        x = self.data
        return _result(1.0 if x > 0.0 else (0.0 if x <= 0.0 else x), "step", (self,), _ZERO)  # nan stays nan

    def linear(self) -> Value:
        """The identity, as an activation for regression outputs."""
        return self

    # ---- backpropagation -----------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Fill `.grad` of every node this one depends on with d(self)/d(node).

        Gradients of leaves (nodes no operation made: inputs, parameters)
        accumulate across calls, as in PyTorch: zero them between steps.
        Gradients of interior nodes are recomputed on every call.
        """
        from autograd.graph import backpropagate

        backpropagate(self, grad)


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
    """Sum of many values as one node with many parents (cheaper than a chain of +)."""
    parents, const = [], 0.0
    for v in values:
        if type(v) is Value:
            parents.append(v)
        else:
            const += _number(v, "total")
    if not parents:
        return Value(const)
    data = sum([p.data for p in parents], const)
    return _result(data, "sum", tuple(parents), (1.0,) * len(parents))


def dot(weights, inputs, bias=None) -> Value:
    """sum_i w_i x_i + b as one node: the neuron's weighted sum z of the slides.

    Either side may hold numbers or Values; each Value becomes one parent whose
    local derivative is the number it was multiplied by (d z / d w_i = x_i).
    """
    if type(weights) is not list:
        weights = list(weights)
    if type(inputs) is not list:
        inputs = list(inputs)
    if len(weights) != len(inputs):
        raise ValueError(f"dot: {len(weights)} weights but {len(inputs)} inputs")
    parents, local_grads = [], []
    z = 0.0
    for w, x in zip(weights, inputs):
        wv = type(w) is Value
        xv = type(x) is Value
        wd = w.data if wv else _number(w, "dot")
        xd = x.data if xv else _number(x, "dot")
        z += wd * xd
        if wv:
            parents.append(w)
            local_grads.append(xd)
        if xv:
            parents.append(x)
            local_grads.append(wd)
    if bias is not None:
        if type(bias) is Value:
            z += bias.data
            parents.append(bias)
            local_grads.append(1.0)
        else:
            z += _number(bias, "dot")
    if not parents:
        return Value(z)
    return _result(z, "dot", tuple(parents), tuple(local_grads))

"""Every operation of the engine, each defined once: its value, its local derivatives, its domain, its picture.

Each entry is an `Operation` record (`autograd.core.registry`). The local
derivatives are written once, as expressions in the small arithmetic `m`
(`autograd.core.numerics`), and serve three uses: evaluated on floats they
are what `backward()` multiplies along the edges; on Values they are nodes
that can be differentiated again (`grad(..., create_graph=True)`,
`hessian`); on NumPy arrays they are the compiler's backward pass over a
whole batch (`trace`). Forward mode and the pictures read what the nodes
recorded, so they need nothing more.

Where speed matters (`+`, `*`, `tanh`, `relu`, `dot` ... run millions of
times while a network trains) an operation also has a hand-written float
path, `fast`, right above its record: it computes the value and the local
derivatives in one go, as the lecture writes them. A test proves each fast
path equal to its record's `value` and `derivatives`, to a few units in
the last place (tests/autograd/core/test_operations.py).

To add an operation: one record here (and its fast path, if it needs one),
one row of sample points in tests/autograd/core/test_ops.py's table,
and one line in the README. To define your own without touching the engine:
`autograd.operation(...)`.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from autograd.core import checks
from autograd.core.numerics import FLOATS, INV_SQRT_2PI, NUMPY, power_or_inf, sigmoid
from autograd.core.registry import Activation, Operation, Refusal, lookup, register
from autograd.core.value import VALUE_TYPES, DomainError, Value, as_number, described, located, new_node

__all__ = ["dot", "total", "replay", "normal_cdf", "power_or_inf_node"]

# Local-derivative pairs that many nodes share; sharing them keeps nodes small.
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)

# A number operand is kept as the node's constant; `rsub`, `rdiv` and `rpow`
# are the reflected forms c - x, c / x and c ** x. For speed, a float, the most
# common constant, is tested for first and skips the call that converts numbers
# (7 % of the time of building a chain), and `type(other) in VALUE_TYPES`
# stands for isinstance(other, Value).


BUILTIN: set = set()
"""The names of the engine's own operations (users' own come from `autograd.operation`)."""


def define(name: str, value, derivatives, **fields) -> Operation:
    """One of the engine's operations: its record, registered (with its method put on Value)."""
    BUILTIN.add(name)
    return register(Operation(name, value, derivatives, **fields))


# ---- + - * / ---------------------------------------------------------------------------


def _add(self, other) -> Value:
    if type(other) is float:
        return new_node(self._data + other, "+", self, 1.0, other)
    if type(other) in VALUE_TYPES:
        return new_node(self._data + other._data, "+", (self, other), _ONE_ONE)
    c = as_number(other, "+", self)
    return new_node(self._data + c, "+", self, 1.0, c)


define("+", operator.add, (1.0, 1.0), numpy=operator.add, symbol="+", identity=0.0, method=("__add__", "__radd__"),
       fast=_add, apply=operator.add, formulas=("1", "1"))  # fmt: skip


def _sub(self, other) -> Value:
    if type(other) is float:
        return new_node(self._data - other, "-", self, 1.0, other)
    if type(other) in VALUE_TYPES:
        return new_node(self._data - other._data, "-", (self, other), _ONE_MINUS_ONE)
    c = as_number(other, "-", self)
    return new_node(self._data - c, "-", self, 1.0, c)


define("-", operator.sub, (1.0, -1.0), numpy=operator.sub, symbol="-", identity=0.0, method="__sub__",
       fast=_sub, apply=operator.sub, formulas=("1", "−1"))  # fmt: skip


def _rsub(self, other) -> Value:  # c - self
    c = as_number(other, "-", self)
    return new_node(c - self._data, "rsub", self, -1.0, c)


define("rsub", operator.sub, (None, -1.0), numpy=operator.sub, symbol="-", reflected=True, method="__rsub__",
       fast=_rsub, apply=operator.sub, formulas=(None, "−1"))  # fmt: skip


def _neg(self) -> Value:
    return new_node(-self._data, "neg", self, -1.0)


define("neg", operator.neg, (-1.0,), numpy=operator.neg, symbol="-", method="__neg__", fast=_neg,
       apply=operator.neg, formulas=("−1",))  # fmt: skip


def _mul(self, other) -> Value:
    if type(other) is float:
        return new_node(self._data * other, "*", self, other, other)
    if type(other) in VALUE_TYPES:
        return new_node(self._data * other._data, "*", (self, other), (other._data, self._data))
    c = as_number(other, "*", self)
    return new_node(self._data * c, "*", self, c, c)


define("*", operator.mul, (lambda x, y, out, m: y, lambda x, y, out, m: x), numpy=operator.mul, symbol="*",
       identity=1.0, method=("__mul__", "__rmul__"), fast=_mul, apply=operator.mul,
       formulas=("{1}", "{0}"))  # fmt: skip


_BY_ZERO = "division of {0} by zero"


def _div(self, other) -> Value:  # self / other: d/dself = 1/other, d/dother = -self/other^2
    if type(other) in VALUE_TYPES:
        b = other._data
        if b == 0.0:
            raise ZeroDivisionError(f"/: {_BY_ZERO.format(described(self))} (divisor {described(other)})")
        q = self._data / b
        return new_node(q, "/", (self, other), (1.0 / b, -q / b))
    c = other if type(other) is float else as_number(other, "/", self)
    if c == 0.0:
        raise ZeroDivisionError(f"/: {_BY_ZERO.format(described(self))}")
    return new_node(self._data / c, "/", self, 1.0 / c, c)


_DIVISION_BY_ZERO = Refusal(ZeroDivisionError, lambda x, y, m: y == 0.0, _BY_ZERO)
define("/", operator.truediv, (lambda x, y, out, m: 1.0 / y, lambda x, y, out, m: -out / y), numpy=operator.truediv,
       symbol="/", refusals=(_DIVISION_BY_ZERO,), identity=1.0, method="__truediv__", fast=_div,
       apply=operator.truediv, formulas=("1 / {1}", "−{0} / {1}²"))  # fmt: skip


def _rdiv(self, other) -> Value:  # c / self: d/dself = -c/self^2
    c, b = as_number(other, "/", self), self._data
    if b == 0.0:
        raise ZeroDivisionError(f"/: {_BY_ZERO.format(repr(c))} (divisor {described(self)})")
    q = c / b
    return new_node(q, "rdiv", self, -q / b, c)


define("rdiv", operator.truediv, (None, lambda c, x, out, m: -out / x), numpy=operator.truediv, symbol="/",
       reflected=True, refusals=(_DIVISION_BY_ZERO,), method="__rtruediv__", fast=_rdiv,
       apply=operator.truediv, formulas=(None, "−{0} / {1}²"))  # fmt: skip


# ---- powers -------------------------------------------------------------------------------


def power_slope(x, n, out, m):
    """d/dx x^n = n x^(n-1): 0 for n = 0, inf at x = 0 for 0 < n < 1 (a vertical tangent),
    +-inf where x^(n-1) is too large for a float."""
    zero = m.both(m.data(x) == 0.0, m.data(n) == 0.0) if m.varies(n) else m.data(n) == 0.0
    return m.where(zero, lambda: 0.0, lambda: n * m.power(x, n - 1.0))


def log_slope(base, out, m):
    """d/dy base^y = base^y ln(base): 0 for base 0, nan for a negative base (PyTorch gives the same)."""
    b = m.data(base)
    return m.where(b > 0.0, lambda: out * m.log(base), lambda: m.where(b == 0.0, lambda: 0.0, lambda: math.nan))


_POWER_REFUSALS = (
    Refusal(ZeroDivisionError, lambda x, n, m: m.both(x == 0.0, n < 0.0), "{0} ** {1} is undefined (division by zero)"),
    Refusal(  # n % 1 is nan for an infinite n: the isfinite test comes first for floats
        DomainError,
        lambda x, n, m: m.both(m.both(x < 0.0, m.isfinite(n)), n % 1.0 != 0.0),
        "{0} ** {1} has no real value (negative base, fractional power)",
    ),
)
_POWER_TOO_LARGE = "{0} ** {1} is too large for a float"


def _power(base: float, exponent: float, node: Value) -> float:
    """base ** exponent as a real number, or a clear error where there is none."""
    for refusal in _POWER_REFUSALS:
        if refusal.condition(base, exponent, FLOATS):
            raise refusal.error("**: " + refusal.message.format(repr(base), repr(exponent)) + located(node))
    try:
        return base**exponent
    except OverflowError:
        raise OverflowError("**: " + _POWER_TOO_LARGE.format(repr(base), repr(exponent)) + located(node)) from None


def _float_log_slope(base: float, out: float) -> float:
    return out * math.log(base) if base > 0.0 else (0.0 if base == 0.0 else math.nan)


def _float_power_slope(x: float, n: float) -> float:
    return 0.0 if n == 0.0 else n * power_or_inf(x, n - 1.0)


def _pow(self, other) -> Value:
    x = self._data
    if isinstance(other, Value):  # x ** y: d/dx = y x^(y-1), d/dy = x^y ln x
        y = other._data
        out = _power(x, y, self)
        return new_node(out, "**", (self, other), (_float_power_slope(x, y), _float_log_slope(x, out)))
    n = as_number(other, "**", self)
    return new_node(_power(x, n, self), "**", self, _float_power_slope(x, n), n)


_POW_RULES = (lambda x, n, out, m: power_slope(x, n, out, m), lambda x, n, out, m: log_slope(x, out, m))
define("**", operator.pow, _POW_RULES, numpy=np.power, refusals=_POWER_REFUSALS, overflow=_POWER_TOO_LARGE,
       symbol="**", method="__pow__", fast=_pow, apply=operator.pow,
       formulas=(lambda x, n: "{1} · {0}^({1} − 1)" if n is None else {0: "0", 1: "1"}.get(n, "{1} · {0}^%g" % (n - 1)),
                 "{0}^{1} · ln({0})"))  # fmt: skip


def _rpow(self, other) -> Value:  # c ** x: d/dx = c^x ln c
    c = as_number(other, "**", self)
    out = _power(c, self._data, self)
    return new_node(out, "rpow", self, _float_log_slope(c, out), c)


define("rpow", operator.pow, (None, lambda c, x, out, m: log_slope(c, out, m)), numpy=np.power,
       refusals=_POWER_REFUSALS, overflow=_POWER_TOO_LARGE, symbol="**", reflected=True, method="__rpow__",
       fast=_rpow, apply=operator.pow, formulas=(None, "{0}^{1} · ln({0})"))  # fmt: skip


def power_or_inf_node(x: Value, e) -> Value:
    """x ** e as a node; where its float is infinite, a node "pow_inf" with data +-inf.

    Derivative graphs need it (`grad(..., create_graph=True)`): a plain inf would be a
    constant, whose derivative is 0, while "pow_inf" is the operation ** itself (same
    rule), so its slope e x ** (e - 1) is infinite again and the derivatives go on:
    sqrt at 0 has the derivatives inf, -inf, inf, ... (the limits from the right, as PyTorch).
    """
    try:
        return x**e
    except (ZeroDivisionError, OverflowError):
        pass
    if not isinstance(e, Value):
        return new_node(power_or_inf(x._data, e), "pow_inf", x, e * power_or_inf(x._data, e - 1.0), e)
    d, base = e._data, x._data  # x > 0 here, or e does not depend on the inputs (see transforms.higher)
    out = power_or_inf(base, d)
    return new_node(out, "pow_inf", (x, e), (d * power_or_inf(base, d - 1.0), _float_log_slope(base, out)))


# Not traceable: the node stands where one sample's float is infinite, so other samples' graphs differ.
define("pow_inf", power_or_inf, _POW_RULES, numpy=np.power, apply=power_or_inf_node, traceable=False,
       formulas=lookup("**").formulas)  # fmt: skip


# ---- functions ------------------------------------------------------------------------------


_EXP_TOO_LARGE = "exp({0}) is too large for a float"


def _exp(self) -> Value:
    try:
        e = math.exp(self._data)
    except OverflowError:
        raise OverflowError("exp: " + _EXP_TOO_LARGE.format(described(self))) from None
    return new_node(e, "exp", self, e)


define("exp", math.exp, (lambda x, out, m: out,), numpy=np.exp, overflow=_EXP_TOO_LARGE, method="exp", fast=_exp,
       formulas=("exp({0})",))  # fmt: skip

_LOG_DOMAIN = Refusal(DomainError, lambda x, m: x <= 0.0, "log({0}) is undefined; log needs a positive number")


def _log(self) -> Value:
    """Natural logarithm."""
    x = self._data
    if x <= 0.0:
        raise DomainError("log: " + _LOG_DOMAIN.message.format(described(self)))
    return new_node(math.log(x), "log", self, 1.0 / x)


define("log", math.log, (lambda x, out, m: 1.0 / x,), numpy=np.log, method="log", fast=_log,
       refusals=(_LOG_DOMAIN,), formulas=("1 / {0}",))  # fmt: skip

_SQRT_DOMAIN = Refusal(DomainError, lambda x, m: x < 0.0, "sqrt({0}) is undefined; sqrt needs a number >= 0")


def _sqrt(self) -> Value:
    x = self._data
    if x < 0.0:
        raise DomainError("sqrt: " + _SQRT_DOMAIN.message.format(described(self)))
    s = math.sqrt(x)
    return new_node(s, "sqrt", self, 0.5 / s if s else math.inf)


define("sqrt", math.sqrt,
       (lambda x, out, m: m.where(m.data(out) != 0.0, lambda: 0.5 / out, lambda: 0.5 * m.power(x, -0.5)),),
       numpy=np.sqrt, method="sqrt", fast=_sqrt, refusals=(_SQRT_DOMAIN,), formulas=("1 / (2 · √{0})",))  # fmt: skip


def _abs(self) -> Value:
    x = self._data
    return new_node(abs(x), "abs", self, 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))


def _sign(x, out, m):  # the slope of |x|: 0 at the kink
    d = m.data(x)
    return m.where(d > 0.0, lambda: 1.0, lambda: m.where(d < 0.0, lambda: -1.0, lambda: 0.0))


define("abs", abs, (_sign,), numpy=np.abs, method=("__abs__", "abs"), fast=_abs, apply=abs, formulas=("sign({0})",))


# sin(inf) and cos(inf) are nan, as in NumPy and PyTorch (math.sin refuses them)
define("sin", FLOATS.sin, (lambda x, out, m: m.cos(x),), numpy=NUMPY.sin, method="sin",
       activation=Activation(range="[-1, 1]", order=10, torch="Sin"), formulas=("cos({0})",))  # fmt: skip
define("cos", FLOATS.cos, (lambda x, out, m: -m.sin(x),), numpy=NUMPY.cos, method="cos",
       activation=Activation(range="[-1, 1]", order=11, torch="Cos"), formulas=("−sin({0})",))  # fmt: skip


# ---- activation functions (section 6 of the lecture notes) --------------------------------------


def _tanh(self) -> Value:
    t = math.tanh(self._data)  # math.tanh never overflows
    return new_node(t, "tanh", self, 1.0 - t * t)


define("tanh", math.tanh, (lambda x, out, m: 1.0 - out * out,), numpy=np.tanh, method="tanh", fast=_tanh,
       activation=Activation(range="(-1, 1)", order=2, torch="Tanh"), formulas=("1 − {out}²",))  # fmt: skip


def _sigmoid(self) -> Value:
    s = sigmoid(self._data)
    return new_node(s, "sigmoid", self, s * (1.0 - s))


define("sigmoid", sigmoid, (lambda x, out, m: out * (1.0 - out),), numpy=NUMPY.sigmoid, method="sigmoid",
       fast=_sigmoid, activation=Activation(range="(0, 1)", order=1, torch="Sigmoid"),
       formulas=("{out} · (1 − {out})",))  # fmt: skip


def _relu(self) -> Value:
    x = self._data
    if x > 0.0:
        return new_node(x, "relu", self, 1.0)
    return new_node(0.0 if x == x else x, "relu", self, 0.0)  # nan stays nan


def _relu_value(x: float) -> float:
    return x if x > 0.0 or x != x else 0.0


def _relu_slope(x, out, m):  # 1 right of 0, else 0: the step function
    return m.step(x)


define("relu", _relu_value, (_relu_slope,), numpy=lambda x: np.maximum(x, 0.0), method="relu",
       fast=_relu, activation=Activation(range="[0, inf)", order=4, torch="ReLU"), formulas=("step({0})",))  # fmt: skip


def _leaky_relu(self, alpha=0.01) -> Value:
    """x if x > 0 else alpha * x. A `Value` alpha is learnable (parametric ReLU, a second parent)."""
    x = self._data
    if isinstance(alpha, Value):
        a = alpha._data
        if x > 0.0:
            return new_node(x, "leaky_relu", (self, alpha), (1.0, 0.0))
        return new_node(a * x, "leaky_relu", (self, alpha), (a, x))
    a = as_number(alpha, "leaky_relu", self)
    if a != a:
        raise ValueError(f"leaky_relu: alpha must be a number (not nan), not {alpha!r}{located(self)}")
    return new_node(x if x > 0.0 else a * x, "leaky_relu", self, 1.0 if x > 0.0 else a, a)


_LEAKY_RULES = (
    lambda x, alpha, out, m: m.where(m.data(x) > 0.0, lambda: 1.0, lambda: alpha),
    lambda x, alpha, out, m: m.where(m.data(x) > 0.0, lambda: 0.0, lambda: x),
)
_LEAKY_RELU_ACTIVATION = Activation(
    range="(-inf, inf)",
    order=5,
    torch="LeakyReLU",
    torch_args=(("negative_slope", 0.01),),
    torch_shown="LeakyReLU(0.01)",
    torch_note="has slope 0.01 (use PReLU for another, learnable slope)",
)
define("leaky_relu", lambda x, alpha: x if x > 0.0 else alpha * x, _LEAKY_RULES,
       numpy=lambda x, alpha: np.where(x > 0.0, x, alpha * x), method="leaky_relu", fast=_leaky_relu,
       activation=_LEAKY_RELU_ACTIVATION)  # fmt: skip


def _hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value:
    """Clamp to [min_val, max_val]; slope 1 inside (borders included), 0 outside."""
    x, min_val, max_val = self._data, as_number(min_val, "hardtanh", self), as_number(max_val, "hardtanh", self)
    if not min_val <= max_val:  # also refuses nan bounds
        raise ValueError(
            f"hardtanh: min_val must be <= max_val (neither nan), not min_val={min_val!r}, "
            f"max_val={max_val!r}{located(self)}"
        )
    bounds = (min_val, max_val)
    if x < min_val:
        return new_node(min_val, "hardtanh", self, 0.0, bounds)
    if x > max_val:
        return new_node(max_val, "hardtanh", self, 0.0, bounds)
    return new_node(x, "hardtanh", self, 1.0, bounds)


def _clamp(x: float, low: float, high: float) -> float:
    return low if x < low else (high if x > high else x)


def _inside(x, low, high, out, m):  # slope 1 inside, borders included; 0 outside
    d = m.data(x)
    return m.where(m.either(d < low, d > high), lambda: 0.0, lambda: 1.0)


_HARDTANH_ACTIVATION = Activation(
    range="[-1, 1]",
    order=3,
    torch="Hardtanh",
    torch_args=(("min_val", -1.0), ("max_val", 1.0)),
    torch_shown="Hardtanh(-1, 1)",
    torch_note="clamps to [-1, 1]",
)
define("hardtanh", _clamp, (_inside, None, None),
       numpy=lambda x, lo, hi: np.where(x < lo, lo, np.where(x > hi, hi, x)), method="hardtanh", fast=_hardtanh,
       activation=_HARDTANH_ACTIVATION)  # fmt: skip


def _softplus(x: float) -> float:
    """ln(1 + e^x), computed as max(x, 0) + ln(1 + e^-|x|) so it never overflows."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


_SOFTPLUS_ACTIVATION = Activation(
    range="(0, inf)",
    order=7,
    torch="Softplus",
    # above its threshold torch's Softplus returns z itself; past 40, ln(1 + e^z) is z in float64
    torch_args=(("beta", 1.0), ("threshold", 40.0)),
    torch_accepts=lambda module: not (module.beta != 1.0 or module.threshold < 20.0),
    torch_shown="Softplus(beta=1)",
    torch_note="is ln(1 + e^z) (beta=1; a threshold of at least 20)",
)
define("softplus", _softplus, (lambda x, out, m: m.sigmoid(x),),
       numpy=lambda x: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))), method="softplus",
       activation=_SOFTPLUS_ACTIVATION, formulas=("sigmoid({0})",))  # fmt: skip


def _elu(self, alpha: float = 1.0) -> Value:
    """x if x >= 0 else alpha (e^x - 1)."""
    x, alpha = self._data, as_number(alpha, "elu", self)
    if alpha != alpha:
        raise ValueError(f"elu: alpha must be a number (not nan), not nan{located(self)}")
    if x >= 0.0:
        return new_node(x, "elu", self, 1.0, alpha)
    return new_node(alpha * math.expm1(x), "elu", self, alpha * math.exp(x), alpha)


define("elu", lambda x, alpha: x if x >= 0.0 else alpha * math.expm1(x),
       (lambda x, alpha, out, m: m.where(m.data(x) >= 0.0, lambda: 1.0, lambda: alpha * m.exp(x)), None),
       numpy=lambda x, alpha: np.where(x >= 0.0, x, alpha * np.expm1(x)), method="elu", fast=_elu,
       activation=Activation(range="(-1, inf)", order=8, torch="ELU", torch_args=(("alpha", 1.0),),
                             torch_shown="ELU(alpha=1)", torch_note="has alpha = 1"))  # fmt: skip


def _gelu(x: float) -> float:
    """x * Phi(x), Phi the standard normal distribution function (exact, via erf); at +-inf the limits
    (x * Phi(x) would give inf * 0 = nan at -inf)."""
    return max(x, 0.0) if math.isinf(x) else x * FLOATS.normal_cdf(x)


def _gelu_slope(x, out, m):  # d/dx x Phi(x) = Phi(x) + x phi(x); 1 and 0 at +-inf
    d = m.data(x)
    return m.where(
        m.isinf(d),
        lambda: m.where(d > 0.0, lambda: 1.0, lambda: 0.0),
        lambda: m.normal_cdf(x) + x * (INV_SQRT_2PI * m.exp(-0.5 * x * x)),
    )


def _numpy_gelu(x):
    return np.where(np.isinf(x), np.maximum(x, 0.0), x * NUMPY.normal_cdf(x))


# the exact erf form
def _gelu_fast(self) -> Value:
    """x * Phi(x), Phi the standard normal distribution function (exact, via erf)."""
    x = self._data
    if math.isinf(x):  # the limits; x * Phi(x) would give inf * 0 = nan at -inf
        return new_node(max(x, 0.0), "gelu", self, 1.0 if x > 0.0 else 0.0)
    cdf = FLOATS.normal_cdf(x)
    return new_node(x * cdf, "gelu", self, cdf + x * (INV_SQRT_2PI * math.exp(-0.5 * x * x)))


define("gelu", _gelu, (_gelu_slope,), numpy=_numpy_gelu, method="gelu", fast=_gelu_fast,
       formulas=("Φ({0}) + {0} · φ({0})",),
       activation=Activation(range="[-0.17, inf)", order=9, torch="GELU", torch_args=(("approximate", "none"),),
                             torch_shown="GELU(approximate='none')",  # the exact erf form
                             torch_note="is the exact z * Phi(z) (approximate='none')"))  # fmt: skip


def _step(x: float) -> float:
    """The perceptron's Heaviside step: 0 if x <= 0 else 1 (nan stays nan). Its gradient is 0."""
    return 1.0 if x > 0.0 else (0.0 if x <= 0.0 else x)


define("step", _step, (0.0,), numpy=lambda x: np.where(x > 0.0, 1.0, np.where(x <= 0.0, 0.0, x)),
       method="step", activation=Activation(range="{0, 1}", order=13, torch="Step"), formulas=("0",))  # fmt: skip


def _normal_pdf(x, out, m):  # phi(x), the standard normal density
    return INV_SQRT_2PI * m.exp(-0.5 * x * x)


NORMAL_CDF = define("normal_cdf", FLOATS.normal_cdf, (_normal_pdf,), numpy=NUMPY.normal_cdf, formulas=("φ({0})",))


def normal_cdf(x: Value) -> Value:
    """Phi(x) as a node, with slope phi(x): GELU's derivative Phi(x) + x phi(x) needs Phi as a Value.

    No method of Value makes it; it exists only inside derivative graphs.
    """
    return NORMAL_CDF(x)


# ---- many operands: total and dot ------------------------------------------------------------


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
    data = sum([p._data for p in parents], const)
    return new_node(data, "sum", tuple(parents), (1.0,) * len(parents), const if numbers_seen else None)


def _ones(operands, out, m, varying):  # the slope of a sum: 1 for every parent
    return tuple(1.0 for v in varying if v)


define("sum", lambda *terms: math.fsum(terms), _ones, apply=lambda *terms: total(terms),
       formulas=lambda *terms: ("1",) * len(terms))  # fmt: skip


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
    floats_in = n and type(inputs[0]) is float and _FLOATS.issuperset(map(type, inputs))
    if floats_in and VALUE_TYPES.issuperset(map(type, weights)):
        # a first layer's neuron: Value weights times plain floats, done with list operations (the type
        # tests without building sets, the weights' numbers by a comprehension: 11 % faster at 784 inputs)
        parents, local_grads = list(weights), list(inputs)
        layout = [None] * (2 * n)
        layout[1::2] = inputs
        z = sum(map(operator.mul, [w._data for w in weights], inputs), 0.0)
    else:  # the loop measured as fast as any list-operation form for Value inputs (CPython 3.11, 16 terms)
        parents, local_grads = [], []
        z = 0.0
        for w, x in zip(weights, inputs):
            wv = isinstance(w, Value)
            xv = isinstance(x, Value)
            wd = w._data if wv else _dot_number(w, weights, "weights")
            xd = x._data if xv else _dot_number(x, inputs, "inputs")
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
            z += bias._data
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
    return new_node(z, "dot", tuple(parents), tuple(local_grads), None if layout is None else tuple(layout))


def dots(weight_rows, inputs, biases) -> list[Value]:
    """[dot(w, inputs, b) for w, b in zip(weight_rows, biases)]: a layer's weighted sums, the same nodes.

    Why it exists: every neuron of a layer multiplies the same inputs, so the
    type tests and reading the inputs' numbers are done once per layer here
    instead of once per neuron, and each node is put together by list
    operations (slice assignments, sum over map) instead of dot's loop per
    term. That is when the rows are lists of Values (not of a subclass), the
    biases Values and the inputs all Values or all floats, for two neurons or
    more (with Value inputs, 32 products or more: below that the checks made
    once cost more than they save). Anything else goes to dot() neuron by
    neuron, which also gives its errors, naming the argument.
    """
    if len(weight_rows) != len(biases):
        raise ValueError(f"dots: {len(weight_rows)} rows of weights but {len(biases)} biases")
    rows, n = len(weight_rows), len(inputs) if type(inputs) is list else 0
    weights = bias_data = None
    if n and rows >= 2 and (rows * n >= 32 or type(inputs[0]) is float) and type(weight_rows) is list:
        if _LISTS.issuperset(map(type, weight_rows)):
            # the numbers of the weights, row after row, and of the biases; a shorter list means some is no Value
            weights = [w._data for ws in weight_rows if len(ws) == n for w in ws if type(w) is Value]
            bias_data = [b._data for b in biases if type(b) is Value]
    if weights is None or len(weights) != n * rows or len(bias_data) != rows:
        return [dot(w, inputs, b) for w, b in zip(weight_rows, biases)]
    m, mul, nodes = 2 * n, operator.mul, []
    if type(inputs[0]) is float and _FLOATS.issuperset(map(type, inputs)):
        # a first layer: the inputs' slopes and where the numbers stand are the same tuples for every neuron
        slopes = (*inputs, 1.0)
        layout = [None] * (m + 1)
        layout[1:m:2] = inputs
        layout = tuple(layout)
        for start, ws, b, bd in zip(range(0, len(weights), n), weight_rows, biases, bias_data):
            z = sum(map(mul, weights[start : start + n], inputs), 0.0) + bd
            nodes.append(new_node(z, "dot", (*ws, b), slopes, layout))
        return nodes
    xd = [x._data for x in inputs if type(x) is Value]  # shorter when some input is no Value (or a subclass)
    if len(xd) != n:
        return [dot(w, inputs, b) for w, b in zip(weight_rows, biases)]
    weight_places, input_places = slice(0, m, 2), slice(1, m, 2)
    parents_of_inputs = [None] * (m + 1)  # w_0, x_0, w_1, x_1, ..., b with the inputs in place
    parents_of_inputs[input_places] = inputs
    slopes_of_inputs = [1.0] * (m + 1)  # x_0, w_0, x_1, w_1, ..., 1 with the inputs' numbers in place
    slopes_of_inputs[weight_places] = xd
    for start, ws, b, bd in zip(range(0, len(weights), n), weight_rows, biases, bias_data):
        wd = weights[start : start + n]
        parents = parents_of_inputs.copy()
        parents[weight_places] = ws
        parents[m] = b
        slopes = slopes_of_inputs.copy()
        slopes[input_places] = wd
        nodes.append(new_node(sum(map(mul, wd, xd), 0.0) + bd, "dot", tuple(parents), tuple(slopes)))
    return nodes


_LISTS = {list}


def _dot_number(x, items: list, name: str, who: str = "dot") -> float:
    """A number operand of dot or total as a float; else a TypeError naming where it stands (weights[3])."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):  # what every operation accepts (see as_number)
        return float(x)
    where = name if name == "bias" else f"{name}[{next(i for i, item in enumerate(items) if item is x)}]"
    raise TypeError(f"{who}: {where} is {checks.shown(x)}; use a Value, an int, a float or a NumPy scalar")


_FLOATS = {float}


def _dot_slopes(operands, out, m, varying):
    """sum w_i x_i + b: each factor's slope is the other factor, the bias's is 1."""
    n = len(operands) // 2
    slopes = []
    for k in range(n):
        w, x = operands[2 * k], operands[2 * k + 1]
        if varying[2 * k]:
            slopes.append(x)
        if varying[2 * k + 1]:
            slopes.append(w)
    if len(operands) % 2 and varying[-1]:
        slopes.append(1.0)
    return tuple(slopes)


def _dot_of_layout(*layout) -> Value:
    """dot() of the operands w_0, x_0, w_1, x_1, ... (and b when their number is odd)."""
    n = len(layout) // 2
    return dot(layout[0 : 2 * n : 2], layout[1 : 2 * n : 2], layout[2 * n] if len(layout) % 2 else None)


def _dot_value(*layout) -> float:
    n = len(layout) // 2
    z = sum(w * x for w, x in zip(layout[0 : 2 * n : 2], layout[1 : 2 * n : 2]))
    return z + layout[-1] if len(layout) % 2 else z


define("dot", _dot_value, _dot_slopes, apply=_dot_of_layout,  # w_k's slope is x_k, x_k's is w_k, the bias's 1
       formulas=lambda *layout: tuple(f"{{{k ^ 1}}}" if k < len(layout) - len(layout) % 2 else "1"
                                      for k in range(len(layout))))  # fmt: skip


# ---- replaying the record --------------------------------------------------------------------


def replay(node: Value) -> Value:
    """Apply `node.op` again to `node.operands` (with the parents' current data): a new node.

    Nothing but the record is used, so the result equals `node` exactly
    (data and local derivatives) as long as no parent's data has changed.
    """
    if not isinstance(node, Value):
        raise TypeError(f"replay needs a Value, not {type(node).__name__} {node!r}")
    if not node.op:
        raise ValueError(f"replay: {described(node)} is a leaf; no operation made it")
    record = lookup(node.op)
    if record.apply is not None:
        return record.apply(*node.operands)
    if record.fast is not None:
        first, *rest = node.operands
        return record.fast(first, *rest)
    return record(*node.operands)

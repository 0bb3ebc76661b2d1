"""The local derivatives of every operation, written with operations themselves (for derivatives of derivatives).

`autograd/value.py` computes each local derivative d(out)/d(parent) as a
float while it computes the result: that is the fast path `backward()` and
training use. A float has no graph, so it cannot be differentiated again.
This table states the same derivatives as expressions, so that evaluated on
`Value`s they are nodes whose graph leads back to the inputs
(`autograd.higher.grad(..., create_graph=True)`), and evaluated on NumPy
arrays they are arrays. tests/autograd/test_higher_calculus.py proves every
entry equal to the float path, operation by operation, in both modes.

The compiler has NumPy forms of its own (`autograd/trace.py`, `NUMPY_OPS`):
they compute each result together with its slopes in one pass over a batch,
which is what a compiled forward step needs, and
tests/autograd/test_trace_ops.py checks them against the float path too.

The interface, one entry per operation name a node records (`node.op`)::

    RULES[op](args, out, m) -> tuple, one local derivative per parent, in the order of `parents`

* `args` are the node's operands in written order (`node.operands`): the
  parents, and the constants as plain floats;
* `out` is the node itself (its result);
* `m` is the arithmetic to use: `VALUES` (operands are Values) or `NUMPY`
  (operands are arrays; constants stay floats). `m.varies(a)` tells a
  parent from a constant, `m.data(a)` gives the numbers a comparison needs,
  `m.where(condition, yes, no)` chooses a branch (`yes` and `no` are
  functions of nothing), `m.both`, `m.either` and `m.isinf` make
  conditions, `m.power(x, e)` is x ** e (infinite where the float is, see
  `_value_power`), and `m.exp`, `m.log`, `m.sin`, `m.cos`, `m.sigmoid`,
  `m.normal_cdf` are the functions.

A local derivative that is a constant (the 1.0 of `+`, the slopes of
`relu`) is a plain float: its own derivative is 0. An infinite one
(`sqrt` and `x ** 0.5` at 0, a vertical tangent; `x ** -1` at 1e-300,
whose slope is too large for a float) is a node "pow_inf": x ** e with
data +-inf, whose own slope is infinite again with the right sign. So at
0 the derivatives of sqrt are inf, -inf, inf, -inf, ... (the limits from
the right, as in PyTorch). Derivative graphs thus hold two operations no
user writes, "pow_inf" and "normal_cdf" (in GELU's derivative);
`replay` rebuilds them like any other.

Kinks: `relu`, `abs`, `step`, `leaky_relu` and `hardtanh` are straight
on each side, so their second derivative is 0 away from the kink. At the
kink the first derivative is the value the engine documents (relu, step,
leaky_relu: the left side's slope; abs: 0; hardtanh: 1 at its borders)
and the second derivative is 0 there too, as in PyTorch: the slope is a
constant chosen by the side the input is on, and a constant has
derivative 0. `elu` is curved on the left (second derivative alpha e^x);
at 0 it takes the right side: slope 1, second derivative 0. A `Value`
alpha of `leaky_relu` (PReLU) makes the left piece alpha x, so at x <= 0
the mixed derivative d2/dx dalpha is 1, at the kink too (PyTorch gives
0 at the kink, though its slope there is alpha).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from autograd.core.value import _APPLY, Value, _result

__all__ = ["RULES", "VALUES", "NUMPY", "local_derivatives"]

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _normal_cdf(x: Value) -> Value:
    """Phi(x), the standard normal distribution function, as a node ("normal_cdf") with slope phi(x).

    GELU's derivative Phi(x) + x phi(x) needs Phi as a Value, and no
    operation of Value computes it; this node exists only inside
    derivatives, and its own rule below makes it differentiable again.
    """
    z = x.data
    return _result(0.5 * math.erfc(-z / _SQRT_2), "normal_cdf", x, _INV_SQRT_2PI * math.exp(-0.5 * z * z))


def _power_value(x: float, e: float) -> float:
    """x ** e as a float, +-inf where Python refuses: 0 ** negative (the limit from the right, +inf)
    and a result too large for a float (negative for a negative x and an odd e)."""
    try:
        return x**e
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return -math.inf if x < 0.0 and e % 2.0 == 1.0 else math.inf


def _value_power(x: Value, e) -> Value:
    """x ** e as a node; where its float is infinite, a node "pow_inf" with data +-inf.

    A plain inf would be a constant, whose derivative is 0; "pow_inf" is
    the operation ** itself (same rule), so its slope e x ** (e - 1) is
    infinite again and the derivatives go on: -inf for sqrt'' at 0.
    """
    try:
        return x**e
    except (ZeroDivisionError, OverflowError):
        pass
    if not isinstance(e, Value):
        return _result(_power_value(x.data, e), "pow_inf", x, e * _power_value(x.data, e - 1.0), e)
    # A Value exponent: x > 0 here, or e does not depend on the inputs (see higher._refuse_logarithm)
    d, base = e.data, x.data
    out = _power_value(base, d)
    d_de = out * math.log(base) if base > 0.0 else 0.0  # as _log_slope
    return _result(out, "pow_inf", (x, e), (d * _power_value(base, d - 1.0), d_de))


def _value_where(condition, yes, no):
    return yes() if condition else no()


def _numpy_where(condition, yes, no):
    with np.errstate(all="ignore"):  # both branches are computed, also where they are not taken
        return np.where(condition, yes(), no())


def _numpy_sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


VALUES = SimpleNamespace(
    varies=lambda a: isinstance(a, Value),
    data=lambda a: a.data if isinstance(a, Value) else a,
    where=_value_where,
    both=lambda p, q: p and q,
    either=lambda p, q: p or q,
    isinf=math.isinf,
    power=_value_power,
    exp=lambda a: a.exp(),
    log=lambda a: a.log(),
    sin=lambda a: a.sin(),
    cos=lambda a: a.cos(),
    sigmoid=lambda a: a.sigmoid(),
    normal_cdf=_normal_cdf,
)

NUMPY = SimpleNamespace(
    varies=lambda a: not isinstance(a, float),
    data=lambda a: a,
    where=_numpy_where,
    both=np.logical_and,
    either=np.logical_or,
    isinf=np.isinf,
    power=lambda x, e: x**e,  # inf where Python refuses (inside `where`, whose warnings are off)
    exp=np.exp,
    log=np.log,
    sin=np.sin,
    cos=np.cos,
    sigmoid=_numpy_sigmoid,
    normal_cdf=lambda a: 0.5 * np.vectorize(math.erfc, otypes=[float])(-np.asarray(a) / _SQRT_2),
)


# ---- the rules -----------------------------------------------------------------------


def _ones(args, out, m):  # +, sum: slope 1 for every parent
    return tuple(1.0 for a in args if m.varies(a))


def _sub(args, out, m):
    a, b = args
    return tuple(slope for x, slope in ((a, 1.0), (b, -1.0)) if m.varies(x))


def _mul(args, out, m):  # d(ab)/da = b, d(ab)/db = a
    a, b = args
    if not m.varies(a):
        return (a,)
    return (b, a) if m.varies(b) else (b,)


def _div(args, out, m):  # d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b
    a, b = args
    if not m.varies(b):
        return (1.0 / b,)
    return (1.0 / b, -out / b) if m.varies(a) else (-out / b,)


def _power_slope(x, n, m):
    """d/dx x^n = n x^(n-1) (0 for n = 0); at x = 0 with 0 < n < 1 the tangent is vertical (inf), as in value.py."""
    if not m.varies(n) and n == 0.0:
        return 0.0
    return m.where(m.both(m.data(x) == 0.0, m.data(n) == 0.0), lambda: 0.0, lambda: n * m.power(x, n - 1.0))


def _log_slope(base, out, m):
    """d/dy base^y = base^y ln(base); 0 for base 0, nan for a negative base (as value.py)."""
    b = m.data(base)
    if not m.varies(base):  # c ** x: ln c is a number
        return out * math.log(base) if base > 0.0 else (0.0 if base == 0.0 else math.nan)
    return m.where(b > 0.0, lambda: out * m.log(base), lambda: m.where(b == 0.0, lambda: 0.0, lambda: math.nan))


def _pow(args, out, m):
    x, y = args
    if not m.varies(y):
        return (_power_slope(x, y, m),)
    return (_power_slope(x, y, m), _log_slope(x, out, m))


def _sqrt(args, out, m):  # 1 / (2 sqrt x); inf at 0
    return (m.where(m.data(out) != 0.0, lambda: 0.5 / out, lambda: 0.5 * m.power(args[0], -0.5)),)


def _abs(args, out, m):  # the sign; 0 at the kink
    d = m.data(args[0])
    return (m.where(d > 0.0, lambda: 1.0, lambda: m.where(d < 0.0, lambda: -1.0, lambda: 0.0)),)


def _leaky_relu(args, out, m):  # x if x > 0 else alpha x; alpha a parent when it is a Value
    x, alpha = args
    right = m.data(x) > 0.0
    dx = m.where(right, lambda: 1.0, lambda: alpha)
    if not m.varies(alpha):
        return (dx,)
    return (dx, m.where(right, lambda: 0.0, lambda: x))


def _hardtanh(args, out, m):  # slope 1 inside (borders included), 0 outside
    x, low, high = args
    d = m.data(x)
    return (m.where(m.either(d < low, d > high), lambda: 0.0, lambda: 1.0),)


def _elu(args, out, m):  # x if x >= 0 else alpha (e^x - 1)
    x, alpha = args
    return (m.where(m.data(x) >= 0.0, lambda: 1.0, lambda: alpha * m.exp(x)),)


def _gelu(args, out, m):  # d/dx x Phi(x) = Phi(x) + x phi(x); 1 and 0 at +-inf
    (x,) = args
    d = m.data(x)
    return (
        m.where(
            m.isinf(d),
            lambda: m.where(d > 0.0, lambda: 1.0, lambda: 0.0),
            lambda: m.normal_cdf(x) + x * (_INV_SQRT_2PI * m.exp(-0.5 * x * x)),
        ),
    )


def _normal_cdf_slope(args, out, m):  # phi(x), the standard normal density
    (x,) = args
    return (_INV_SQRT_2PI * m.exp(-0.5 * x * x),)


def _dot(args, out, m):  # sum w_i x_i + b: each factor's slope is the other factor, the bias's is 1
    n = len(args) // 2
    slopes = []
    for w, x in zip(args[0 : 2 * n : 2], args[1 : 2 * n : 2]):
        if m.varies(w):
            slopes.append(x)
        if m.varies(x):
            slopes.append(w)
    if len(args) % 2 and m.varies(args[-1]):
        slopes.append(1.0)
    return tuple(slopes)


RULES = {
    "+": _ones,
    "sum": _ones,
    "-": _sub,
    "rsub": lambda args, out, m: (-1.0,),  # c - x
    "neg": lambda args, out, m: (-1.0,),
    "*": _mul,
    "/": _div,
    "rdiv": lambda args, out, m: (-out / args[1],),  # c / x: -(c/x)/x
    "**": _pow,
    "rpow": lambda args, out, m: (_log_slope(args[0], out, m),),  # c ** x
    "exp": lambda args, out, m: (out,),
    "log": lambda args, out, m: (1.0 / args[0],),
    "sqrt": _sqrt,
    "abs": _abs,
    "sin": lambda args, out, m: (m.cos(args[0]),),
    "cos": lambda args, out, m: (-m.sin(args[0]),),
    "tanh": lambda args, out, m: (1.0 - out * out,),
    "sigmoid": lambda args, out, m: (out * (1.0 - out),),
    "softplus": lambda args, out, m: (m.sigmoid(args[0]),),
    "relu": lambda args, out, m: (m.where(m.data(args[0]) > 0.0, lambda: 1.0, lambda: 0.0),),
    "leaky_relu": _leaky_relu,
    "hardtanh": _hardtanh,
    "elu": _elu,
    "gelu": _gelu,
    "step": lambda args, out, m: (0.0,),
    "dot": _dot,
    "normal_cdf": _normal_cdf_slope,  # made only by gelu's rule
    "pow_inf": _pow,  # made only by _value_power: x ** e whose float is infinite
}

# replay (autograd.value) applies an operation by its Value method; these two exist only in derivatives.
_APPLY.update(normal_cdf=_normal_cdf, pow_inf=_value_power)


def local_derivatives(node: Value) -> tuple:
    """The local derivatives of `node` as Values (or floats where they are constants), one per parent."""
    return RULES[node.op](node.operands, node, VALUES)

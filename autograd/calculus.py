"""The local derivatives of every operation, written with operations themselves (for derivatives of derivatives).

`autograd/value.py` computes each local derivative d(out)/d(parent) as a
float while it computes the result: that is the fast path `backward()` and
training use. A float has no graph, so it cannot be differentiated again.
This table states the same derivatives as expressions, so that evaluated on
`Value`s they are nodes whose graph leads back to the inputs
(`autograd.higher.grad(..., create_graph=True)`), and evaluated on NumPy
arrays they are arrays. A test proves every entry equal to the float path,
operation by operation.

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
  conditions, `m.infinity(op, parent, constant, sign)` stands for an
  infinite derivative (see `_infinity`), and `m.exp`, `m.log`, `m.sin`, `m.cos`,
  `m.sigmoid`, `m.normal_cdf` are the functions.

A local derivative that is a constant (the 1.0 of `+`, the slopes of
`relu`) is a plain float: its own derivative is 0. An infinite one
(`sqrt` and `x ** 0.5` at 0, a vertical tangent) is a node with data inf,
so the second derivative there is -inf, as in PyTorch.

Kinks: `relu`, `abs`, `step`, `leaky_relu`, `elu` and `hardtanh` have
piecewise-constant slopes, so their second derivative is 0 away from the
kink. At the kink itself the first derivative is the one-sided value the
engine documents (relu, abs, step, leaky_relu: the left side's slope at 0;
elu and hardtanh: the slope inside, borders included) and the second
derivative is 0 there too, as in PyTorch: the slope is a constant chosen by
the side the input is on, and a constant has derivative 0.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from autograd.value import Value, _result

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


def _infinity(op: str, parent: Value, const: float, sign: float) -> Value:
    """An infinite local derivative (sqrt and x ** 0.5 at 0) as a node `op`(parent, const) with data inf,
    whose own slope is infinite with the given sign.

    A plain inf would be a constant, whose derivative is 0; the node keeps
    the derivative of the derivative, which is infinite too (-inf for
    sqrt at 0, as in PyTorch).
    """
    return _result(math.inf, op, parent, math.copysign(math.inf, sign), const)


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
    infinity=_infinity,
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
    infinity=lambda op, parent, const, sign: math.inf,
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
    """d/dx x^n = n x^(n-1); at x = 0 with 0 < n < 1 the tangent is vertical (inf), as in value.py."""
    if not m.varies(n) and n == 0.0:
        return 0.0
    d, e = m.data(x), m.data(n)
    return m.where(
        m.both(d == 0.0, e < 1.0),
        lambda: m.where(e == 0.0, lambda: 0.0, lambda: n * m.infinity("**", x, e - 1.0, e - 1.0)),
        lambda: n * x ** (n - 1.0),
    )


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
    return (m.where(m.data(out) != 0.0, lambda: 0.5 / out, lambda: m.infinity("rdiv", out, 0.5, -1.0)),)


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
}


def local_derivatives(node: Value) -> tuple:
    """The local derivatives of `node` as Values (or floats where they are constants), one per parent."""
    return RULES[node.op](node.operands, node, VALUES)

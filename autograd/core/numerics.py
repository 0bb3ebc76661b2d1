"""The small arithmetic `m` that every operation's derivative is written in, for three kinds of number.

A derivative in `autograd.core.operations` is one expression, such as
`1 - out * out` for tanh or `m.where(x > 0, 1, alpha)` for leaky_relu.
`+ - * /` work on every kind of number by themselves; what differs is
collected here, once per kind:

* `FLOATS`: plain floats, the fast path of `backward()`;
* `VALUES`: `Value`s, so that a derivative is itself a node and can be
  differentiated again (`grad(..., create_graph=True)`, `hessian`);
* `NUMPY`: NumPy arrays, one number per sample of a batch (`trace`).
  Callers run its expressions under `np.errstate(all="ignore")`: both
  branches of `where` are computed, also where they are not taken.

Each namespace offers: `varies(a)` (True only for a Value: a number whose
derivative graph matters), `where(condition, yes, no)` (a branch; `yes` and
`no` are functions of nothing, so only the chosen one runs on floats and
Values), `data(a)` (the numbers a comparison needs), `both`, `either`,
`isinf`, `isfinite`, `power(x, e)` (x ** e, +-inf where Python refuses),
and the functions `exp`, `log`, `sin`, `cos`, `sigmoid`, `normal_cdf`, and
`step` (1 where x > 0, else 0: the slope of relu, a constant).
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numpy as np

__all__ = ["FLOATS", "VALUES", "NUMPY", "sigmoid", "power_or_inf", "SQRT_2", "INV_SQRT_2PI"]

SQRT_2 = math.sqrt(2.0)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any x."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def power_or_inf(x: float, e: float) -> float:
    """x ** e as a float, +-inf where Python refuses: 0 ** negative (the limit from the right, +inf)
    and a result too large for a float (negative for a negative x and an odd e)."""
    try:
        return x**e
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return -math.inf if x < 0.0 and e % 2.0 == 1.0 else math.inf


def _step(x) -> float:
    return 1.0 if x > 0.0 else 0.0


def _finite_or_nan(f):
    """f, but nan at +-inf (where math.sin and math.cos refuse) and at nan."""
    return lambda x: f(x) if math.isfinite(x) else math.nan


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / SQRT_2)  # erfc keeps precision far in the negative tail


FLOATS = SimpleNamespace(
    varies=lambda a: False,
    where=lambda condition, yes, no: yes() if condition else no(),
    data=lambda a: a,
    both=lambda p, q: p and q,
    either=lambda p, q: p or q,
    isinf=math.isinf,
    isfinite=math.isfinite,
    power=power_or_inf,
    exp=math.exp,
    log=math.log,
    sin=_finite_or_nan(math.sin),
    cos=_finite_or_nan(math.cos),
    sigmoid=sigmoid,
    normal_cdf=_normal_cdf,
    step=_step,
)


def _is_constant(a) -> bool:
    """In VALUES, operands are Values or plain numbers (the constants)."""
    return isinstance(a, (int, float))


def _on_values(method: str, on_floats):
    """A function of VALUES: the Value method for a Value, the float function for a constant."""
    return lambda a: on_floats(a) if _is_constant(a) else getattr(a, method)()


def _value_power(x, e):
    from autograd.core.operations import power_or_inf_node  # the node "pow_inf" is an operation itself

    return power_or_inf_node(x, e)


def _value_normal_cdf(x):
    from autograd.core.operations import normal_cdf

    return _normal_cdf(x) if _is_constant(x) else normal_cdf(x)


VALUES = SimpleNamespace(
    varies=lambda a: not _is_constant(a),
    where=FLOATS.where,
    data=lambda a: a if _is_constant(a) else a._data,
    both=FLOATS.both,
    either=FLOATS.either,
    isinf=math.isinf,
    isfinite=math.isfinite,
    power=_value_power,
    exp=_on_values("exp", math.exp),
    log=_on_values("log", math.log),
    sin=_on_values("sin", FLOATS.sin),
    cos=_on_values("cos", FLOATS.cos),
    sigmoid=_on_values("sigmoid", sigmoid),
    normal_cdf=_value_normal_cdf,
    step=lambda a: _step(a if _is_constant(a) else a._data),  # a constant: its own derivative is 0
)


def _numpy_sigmoid(x):
    e = np.exp(-np.abs(x))  # 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: no overflow
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0.0, r, e * r)


def _erfc(x):
    try:
        from scipy.special import erfc
    except ImportError:  # scipy is optional: the standard library's, one number at a time
        return np.vectorize(math.erfc, otypes=[float])(x)
    return erfc(x)


def _numpy_trig(f):
    def apply(x):
        finite = np.isfinite(x)
        return np.where(finite, f(np.where(finite, x, 0.0)), np.nan)

    return apply


NUMPY = SimpleNamespace(
    varies=lambda a: False,
    where=lambda condition, yes, no: np.where(condition, yes(), no()),
    data=lambda a: a,
    both=np.logical_and,
    either=np.logical_or,
    isinf=np.isinf,
    isfinite=np.isfinite,
    power=lambda x, e: np.power(x, e),  # inf where Python refuses (warnings are off, see above)
    exp=np.exp,
    log=np.log,
    sin=_numpy_trig(np.sin),
    cos=_numpy_trig(np.cos),
    sigmoid=_numpy_sigmoid,
    normal_cdf=lambda x: 0.5 * _erfc(-np.asarray(x) / SQRT_2),
    step=functools.partial(np.less, 0.0),  # 0 < x as booleans: they multiply as 0 and 1, no array of floats
)

"""The seam between the compiler and the engine's operations: each operation's NumPy form over a batch.

The rest of the compiler asks this module five questions and nothing else:

* `has_form(op)`: can an element-wise instruction run `op`? (`dot` and `sum`
  have instruction kinds of their own, `Dot` and `Sum` in instructions.py, so
  they have no form here);
* `forward(op, args, varying)`: the result and one local derivative per operand;
* `refusal(op, args, out)`: the error value.py would raise, and for which members;
* `can_refuse(op)`: whether `refusal` can ever find something (else it is skipped);
* `identity(op)`: the constant c with x op c == x (an instruction that can be skipped);

and `operations()` lists the operations with a form, for an error message.

Today the forms are written here, one NumPy function per operation, checked
against value.py (the reference) by tests/autograd/test_trace_ops.py. They
are meant to be read from the engine's one record per operation instead;
only this module changes then.
"""

from __future__ import annotations

import math

import numpy as np

from autograd.core.value import DomainError

__all__ = ["has_form", "forward", "refusal", "can_refuse", "identity", "operations"]


# ---- the NumPy form of every operation -----------------------------------------------------
# Each entry takes the operands in written order (`node.operands`: arrays for the parents,
# arrays of the recorded constants otherwise) and returns the result and the local
# derivative with respect to each operand, as value.py computes them for one number: one
# operand gives one derivative, several a tuple. Result and slopes come out of one pass
# over the batch (value.py is the reference; autograd/core/calculus.py states the same
# slopes as Value expressions, for derivatives of derivatives).


def _power_slope(x, n):
    """n x^(n-1), with value.py's limits: 0 for n = 0, inf where x = 0 and 0 < n < 1."""
    with np.errstate(all="ignore"):
        slope = n * x ** (n - 1.0)
    slope = np.where(n == 0.0, 0.0, slope)
    return np.where((x == 0.0) & (n > 0.0) & (n < 1.0), np.inf, slope)


def _log_slope(out, base):
    """d/dy base^y = base^y ln(base): 0 at base 0, nan for a negative base (as value.py)."""
    with np.errstate(all="ignore"):
        slope = out * np.log(np.where(base > 0.0, base, 1.0))
    return np.where(base > 0.0, slope, np.where(base == 0.0, 0.0, np.nan))


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) below: no overflow
    r = 1.0 / (1.0 + e)
    return np.where(x >= 0.0, r, e * r)


def _erfc(x):
    try:
        from scipy.special import erfc
    except ImportError:  # scipy is optional: the standard library's, one number at a time
        return np.vectorize(math.erfc, otypes=[float])(x)
    return erfc(x)


def _gelu(x):
    cdf = 0.5 * _erfc(-x / math.sqrt(2.0))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    with np.errstate(invalid="ignore"):
        out, slope = x * cdf, cdf + x * pdf
    inf = np.isinf(x)
    return np.where(inf, np.maximum(x, 0.0), out), np.where(inf, (x > 0.0) * 1.0, slope)


def _normal_cdf(x):
    return 0.5 * _erfc(-x / math.sqrt(2.0)), np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


def _relu(x):
    return np.maximum(x, 0.0), x > 0.0  # maximum keeps nan, as value.py does; the slope as 0/1 booleans


def _abs(x):
    return np.abs(x), np.where(x > 0.0, 1.0, np.where(x < 0.0, -1.0, 0.0))


def _trig(f, slope):
    def apply(x):
        finite = np.isfinite(x)
        safe = np.where(finite, x, 0.0)
        return np.where(finite, f(safe), np.nan), np.where(finite, slope(safe), np.nan)

    return apply


def _leaky_relu(x, a):
    positive = x > 0.0
    return np.where(positive, x, a * x), (np.where(positive, 1.0, a), np.where(positive, 0.0, x))


def _hardtanh(x, lo, hi):
    out = np.where(x < lo, lo, np.where(x > hi, hi, x))
    return out, (np.where((x < lo) | (x > hi), 0.0, 1.0), 0.0, 0.0)


def _elu(x, alpha):
    positive = x >= 0.0
    with np.errstate(over="ignore"):
        return np.where(positive, x, alpha * np.expm1(x)), (np.where(positive, 1.0, alpha * np.exp(x)), 0.0)


def _softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))), _sigmoid(x)


def _step(x):
    return np.where(x > 0.0, 1.0, np.where(x <= 0.0, 0.0, x)), 0.0


def _div(a, b):
    q = a / b
    return q, (1.0 / b, -q / b)


def _tanh(x):
    t = np.tanh(x)
    return t, 1.0 - t * t


def _sqrt(x):
    s = np.sqrt(x)
    with np.errstate(divide="ignore"):
        return s, np.where(s > 0.0, 0.5 / np.where(s > 0.0, s, 1.0), np.inf)


def _pow(x, n):
    out = x**n
    return out, (_power_slope(x, n), _log_slope(out, x))


def _rpow(c, x):
    out = c**x
    return out, (0.0, _log_slope(out, c))


def _exp(x):
    e = np.exp(x)
    return e, e


def _sig(x):
    s = _sigmoid(x)
    return s, s * (1.0 - s)


_FORMS = {
    "+": lambda a, b: (a + b, (1.0, 1.0)),
    "-": lambda a, b: (a - b, (1.0, -1.0)),
    "rsub": lambda c, x: (c - x, (1.0, -1.0)),
    "neg": lambda x: (-x, -1.0),
    "*": lambda a, b: (a * b, (b, a)),
    "/": _div,
    "rdiv": _div,
    "**": _pow,
    "rpow": _rpow,
    "exp": _exp,
    "log": lambda x: (np.log(x), 1.0 / x),
    "sqrt": _sqrt,
    "abs": _abs,
    "sin": _trig(np.sin, np.cos),
    "cos": _trig(np.cos, lambda x: -np.sin(x)),
    "tanh": _tanh,
    "sigmoid": _sig,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "hardtanh": _hardtanh,
    "softplus": _softplus,
    "elu": _elu,
    "gelu": _gelu,
    "step": _step,
    "normal_cdf": _normal_cdf,  # made only by the derivative of gelu (grad(..., create_graph=True))
}


_CAN_REFUSE = {"log", "sqrt", "/", "rdiv", "exp", "**", "rpow"}

_IDENTITY = {"*": 1.0, "/": 1.0, "+": 0.0, "-": 0.0}  # x op c is x itself for this c (x / 1, x - 0 ...)


def has_form(op: str) -> bool:
    """Whether `op` runs as an element-wise instruction. `dot` and `sum` do not: each has an instruction
    kind of its own (a matrix product, a row sum), so a graph may also hold those two."""
    return op in _FORMS


def operations() -> list[str]:
    """The operations that have a form, sorted: what an error about an untraceable operation lists."""
    return sorted(_FORMS)


def forward(op: str, args: list, varying: tuple) -> tuple:
    """(result, slopes) of `op` over a batch: `slopes` holds one local derivative per operand of `args`.

    `args` are the operands in written order: arrays for operands from the batch
    or the parameters, arrays of shape (members,) for constants, for which
    `varying[k]` is False and the slope is anything (never used). A slope may be
    a plain float (1.0, -1.0 ...): the backward pass multiplies those as numbers.
    """
    out, slopes = _FORMS[op](*args)
    return out, (slopes if type(slopes) is tuple else (slopes,))


def can_refuse(op: str) -> bool:
    """Whether value.py can refuse some operand of `op` (a domain error, division by zero, overflow)."""
    return op in _CAN_REFUSE


def identity(op: str) -> float | None:
    """The constant c with x op c == x for every x (1 for * and /, 0 for + and -), or None."""
    return _IDENTITY.get(op)


def refusal(op: str, args: list, out):
    """What value.py would raise for `op` on these operands: None when `op` never refuses, else
    (exception class, mask of the offending members, message with one {} for the offending operand's value).

    The mask is False (or all False) when nothing is wrong; it has the shape of `out` or broadcasts to it.
    Value.py's domain errors, division by zero and overflow are refused, not returned as inf or nan.
    """
    if op == "log":
        return DomainError, args[0] <= 0.0, "log({}) is undefined; log needs a positive number"
    if op == "sqrt":
        return DomainError, args[0] < 0.0, "sqrt({}) is undefined; sqrt needs a number >= 0"
    if op in ("/", "rdiv"):
        zero = args[1] == 0.0
        return (
            ZeroDivisionError,
            np.broadcast_to(zero, np.shape(out)) if np.any(zero) else False,
            "division of {} by zero",
        )
    if op == "exp":
        return OverflowError, np.isinf(out) & np.isfinite(args[0]), "exp({}) is too large for a float"
    if op in ("**", "rpow"):
        base, exponent = np.broadcast_arrays(args[0], args[1])
        zero = (base == 0.0) & (exponent < 0.0)
        fractional = (base < 0.0) & np.isfinite(exponent) & (exponent != np.round(exponent))
        if zero.any():
            return ZeroDivisionError, zero, "0.0 ** negative is undefined (division by zero), base {}"
        if fractional.any():
            return DomainError, fractional, "{} ** a fractional power has no real value"
        big = np.isinf(out) & np.isfinite(base) & np.isfinite(exponent)
        return OverflowError, big, "{} ** y is too large for a float"
    return None

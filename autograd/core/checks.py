"""Checking arguments at the public call, with one wording for every error.

A public function checks what it is given before it computes anything, and
a bad argument gets an exception of the standard kind: `TypeError` for a
wrong type, `ValueError` for a value outside what is accepted. The message
names the function, the argument and the value, and says what is accepted:

    dot: weights must be a sequence (a list, tuple or NumPy array), not set {...}: a set has no order ...

Deeper code may then assume good input. `autograd` and `nn` share these
helpers, so every message reads the same way.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, MappingView, Set


def shown(value, limit: int = 60) -> str:
    """`set {1, 2}`, `str 'abcd'`: the type and the value, the value shortened if it is long."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = "<unprintable>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(value).__name__} {text}"


def ordered(items, name: str, who: str, *, empty: bool = False) -> list:
    """`items` as a list, in its own order: a list, tuple, range, generator or NumPy array.

    Refused: None and single numbers (not collections), strings (a string is
    not a list of its characters), sets and frozensets (their order is
    arbitrary, so the result would depend on it) and dicts (they would give
    their keys; a dict's `.values()` is fine, it keeps insertion order).
    An empty collection is refused unless `empty` is true.
    """
    if type(items) is not list:
        items = _as_list(items, name, who)
    if not items and not empty:
        raise ValueError(f"{who}: {name} is empty; give at least one item")
    return items


def _as_list(items, name: str, who: str) -> list:
    accepted = "a sequence (a list, tuple or NumPy array)"
    if isinstance(items, (str, bytes, bytearray)):
        raise TypeError(f"{who}: {name} must be {accepted}, not {shown(items)} (a string is not a list of values)")
    if isinstance(items, Mapping):
        raise TypeError(f"{who}: {name} must be {accepted}, not {shown(items)}; pass list(d.values()) for its values")
    if isinstance(items, Set) and not isinstance(items, MappingView):
        raise TypeError(
            f"{who}: {name} must be {accepted}, not {shown(items)}: a set has no order, so the result would "
            "depend on an arbitrary one; pass a list in the order you mean"
        )
    if hasattr(items, "tolist") and hasattr(items, "ndim"):  # a NumPy array: plain numbers, in order
        if items.ndim == 0:
            raise TypeError(f"{who}: {name} must be {accepted}, not a single number ({shown(items)})")
        return items.tolist()
    try:
        return list(items)
    except TypeError:
        raise TypeError(f"{who}: {name} must be {accepted}, not {shown(items)}") from None


def is_number(x) -> bool:
    """An int, a float or a NumPy scalar; bools are flags, not numbers."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def number(
    value,
    name: str,
    who: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = True,
) -> float:
    """`value` as a float, checked: a number (not a bool), not nan, finite unless `finite` is
    false, and within [low, high] (an open end with `low_open` / `high_open`)."""
    if not is_number(value):
        raise TypeError(f"{who}: {name} must be a number{_range(low, high, low_open, high_open)}, not {shown(value)}")
    wanted = "a finite number" if finite else "a number (not nan)"
    try:
        x = float(value)
    except OverflowError:  # an int too large for a float: not even inf stands for it
        raise ValueError(
            f"{who}: {name} must be {wanted}{_range(low, high, low_open, high_open)}, not {_brief(value)}, "
            "too large for a float"
        ) from None
    bad = x != x or (finite and math.isinf(x))
    if low is not None:
        bad = bad or x < low or (low_open and x == low)
    if high is not None:
        bad = bad or x > high or (high_open and x == high)
    if bad:
        raise ValueError(f"{who}: {name} must be {wanted}{_range(low, high, low_open, high_open)}, not {_brief(value)}")
    return x


def _brief(value) -> str:
    """repr(value), or for a huge int its size in digits (10**400 has 401) instead of all of them."""
    if isinstance(value, numbers.Integral) and not -(10**20) < value < 10**20:
        digits = len(str(abs(int(value))))
        if digits > 30:
            sign = "-" if value < 0 else ""
            return f"an integer of {digits:,} digits ({sign}{str(abs(int(value)))[:6]}...)"
    return repr(value)


def _range(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def whole(value, name: str, who: str, *, low: int = 0, high: int | None = None) -> int:
    """`value` as an int: a whole number (an int or NumPy integer, not a bool or float) in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{who}: {name} must be a whole number >= {low}, not {shown(value)}")
    n = int(value)
    if n < low or (high is not None and n > high):
        upper = f" and <= {high:,}" if high is not None else ""
        raise ValueError(f"{who}: {name} must be a whole number >= {low}{upper}, not {_brief(value)}")
    return n


def flag(value, name: str, who: str) -> bool:
    """`value` as a bool: True or False (1 and 0 too); not a string such as 'no', which is true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if getattr(value, "shape", None) == () and getattr(value.dtype, "kind", "") == "b":  # a NumPy bool
        return bool(value)
    raise TypeError(f"{who}: {name} must be True or False, not {shown(value)}")


def function(value, name: str, who: str, what: str) -> None:
    """`value` is callable, or a TypeError saying what kind of function is wanted."""
    if not callable(value):
        raise TypeError(f"{who}: {name} must be a function {what}, not {shown(value)}")


def choice(value, name: str, who: str, choices) -> str:
    """`value` when it is one of the option strings `choices`.

    Anything that is not a string (a NumPy array, a list, None, a number) is a
    TypeError and an unknown string a ValueError, both naming the argument and
    the choices; `value` is never compared as a whole with `==`, so an array
    cannot reach "the truth value of an array is ambiguous".
    """
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{who}: {name} must be one of {options} (a string), not {shown(value)}")
    if value not in choices:
        raise ValueError(f"{who}: {name} must be one of {options}, not {shown(value)}")
    return value


def path(value, name: str, who: str) -> str:
    """`value` as a file name (a str or os.PathLike); None, numbers and bytes are a TypeError naming `name`."""
    from autograd.core.files import check_path  # files builds on this module

    return check_path(value, who, name)


def floats(values, name: str, who: str, *, length: int | None = None, finite: bool = True) -> list[float]:
    """`values` as a list of floats: a sequence (list, tuple, NumPy array of one dimension, generator)
    of numbers, each checked as `number` does and named by its place (`vector[2]`).

    Refused with a message naming the argument: a single number or a 0-d array where
    a sequence is expected, strings and bytes (b"ab" is not two numbers), sets and
    dicts (see `ordered`), bools, nested lists, an int too large for a float
    (10**400: a ValueError, not Python's OverflowError), nan and, when `finite`,
    infinities; and when `length` is given, any other count.
    """
    if hasattr(values, "ndim") and hasattr(values, "dtype"):  # a NumPy array: one dimension of numbers
        if values.ndim != 1:
            single = " (a single number)" if values.ndim == 0 else ""
            raise TypeError(
                f"{who}: {name} must be a sequence of numbers (one dimension), not an array of "
                f"{values.ndim} dimensions{single}: {shown(values)}"
            )
        if values.dtype.kind not in "iuf":
            raise TypeError(f"{who}: {name} must hold numbers, not {values.dtype} ({shown(values)})")
    items = ordered(values, f"{name} (a sequence of numbers)", who, empty=True)
    if length is not None and len(items) != length:
        raise ValueError(f"{who}: {name} has {len(items)} numbers; give {length}")
    return [number(x, f"{name}[{k}]", who, finite=finite) for k, x in enumerate(items)]

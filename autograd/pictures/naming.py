"""How pictures, step frames and explanations name nodes and write operations: one place, no Graphviz.

Nodes are named by their position in `topological_order` (inputs in the
order they were written): the label, or `v<position>` for an unlabelled
node, so a picture and an explanation of the same graph use the same names.
Constants are read from the record (`node.operands`), never recovered from
local derivatives: `Value(1e17) + 3` reads `+ 3`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from autograd.core.checks import shown
from autograd.core.registry import lookup
from autograd.core.value import Value, recorded_constant


def check_root(root, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who} needs a Value as its root, not {shown(root)}")


def check_count(value, name: str, who: str, minimum: int, maximum: int | None = None) -> None:
    """`value` is an int >= minimum (and <= maximum): a TypeError for another type (a bool, a float, a NumPy
    array), a ValueError outside the range."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{who}: {name} must be an int >= {minimum}, not {shown(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and <= {maximum:,}" if maximum is not None else ""
        raise ValueError(f"{who}: {name} must be an int >= {minimum}{upper}, not {shown(value)}")


def formatter(number_format, who: str) -> Callable[[float], str]:
    """A function float -> str from a format string like "{:.4g}" or a callable."""
    if callable(number_format):
        fmt = number_format
    elif isinstance(number_format, str):
        fmt = number_format.format
    else:
        raise TypeError(
            f"{who}: number_format must be a format string like '{{:.4g}}' or a callable, not {shown(number_format)}"
        )
    try:
        sample, other = fmt(1.5), fmt(-250.0)
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise ValueError(f"{who}: number_format {number_format!r} cannot format a float: {error}") from None
    if not isinstance(sample, str):
        raise TypeError(f"{who}: number_format must produce a str, got {type(sample).__name__}")
    if sample == other:  # "abc" or "{{}}" would print the same text for every number
        raise ValueError(
            f"{who}: number_format {number_format!r} does not show the number (1.5 and -250 both give {sample!r})"
        )
    return fmt


def names(order: list[Value]) -> list[str]:
    """Readable names: the label, or `v<index>` for unlabelled nodes (index in `topological_order`)."""
    return [node.label if node.label else f"v{i}" for i, node in enumerate(order)]


def one_line(text: str) -> str:
    return " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text


# Lone surrogates cannot be written as UTF-8, and Graphviz refuses noncharacters (U+FFFE, U+FFFF, ...).
_PLANE_ENDS = "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
_UNDRAWABLE = re.compile(f"[\ud800-\udfff\ufdd0-\ufdef{_PLANE_ENDS}]")

LABEL_LIMIT = 60  # characters of a label that pictures and step titles draw


def drawable(text: str) -> str:
    """`text` with every character no picture can hold (lone surrogates, noncharacters) replaced by U+FFFD."""
    return _UNDRAWABLE.sub("\ufffd", text)


def shortened(text: str, limit: int = LABEL_LIMIT) -> str:
    """A drawable `text` of at most `limit` characters: longer ones keep their start and end around an ellipsis."""
    text = drawable(text)
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1] + "…" + text[-tail:]


def drawn_names(order: list[Value]) -> list[str]:
    """`names(order)` as pictures draw them: drawable, long ones shortened with an ellipsis."""
    return [shortened(name) for name in names(order)]


def constant(number: float, bracket: bool = True) -> str:
    """A recorded constant with 6 significant digits; negative ones in parentheses next to an operator."""
    text = f"{number:.6g}"
    return f"({text})" if bracket and text.startswith("-") else text


def _constant_form(node: Value) -> tuple[str, str] | None:
    """For `x + 2`, `2 - x`, `x * 3`, `x / 4`, `4 / x`, `x ** 2`, `2 ** x`: the pieces left and right of x."""
    if not node.op or len(node.parents) != 1 or recorded_constant(node) is None or lookup(node.op).symbol is None:
        return None
    record = lookup(node.op)
    symbol, shown = record.symbol, constant(recorded_constant(node))
    if record.reflected:
        return f"{shown} {symbol}", ""
    return "", f"{symbol} {shown}"


def _numbers(node: Value) -> list[float]:
    """The constant operands of a node (its parameters), in written order."""
    return [item for item in node.operands if not isinstance(item, Value)]


def _dot_constant(node: Value) -> float:
    """The constant term of a dot node: its number bias plus the products of two numbers."""
    operands = node.operands
    n = len(operands) // 2
    pairs = zip(operands[0 : 2 * n : 2], operands[1 : 2 * n : 2])
    extra = sum(w * x for w, x in pairs if not isinstance(w, Value) and not isinstance(x, Value))
    if len(operands) % 2 and not isinstance(operands[-1], Value):
        extra += operands[-1]
    return extra


def op_text(node: Value) -> str:
    """What an operation node shows: `+`, `tanh`, `* 0.5`, `2 -`, `hardtanh(-2, 2)`, `leaky_relu(0.1)`, `sum + 2`."""
    pieces = _constant_form(node)
    if pieces is not None:
        left, right = pieces
        return left or right
    numbers = _numbers(node)
    if node.op == "dot":  # its numbers times Values are local derivatives, on the edges; the rest is a constant
        extra = _dot_constant(node)
        return f"dot + {constant(extra)}" if extra else "dot"
    if not numbers:
        return node.op
    if node.op == "sum":
        return f"sum + {constant(sum(numbers))}"
    const = recorded_constant(node)
    if type(const) is tuple and None in const:  # a constant before a parent (a user's op): _ for each parent
        return f"{node.op}({', '.join('_' if isinstance(a, Value) else constant(a, False) for a in node.operands)})"
    return f"{node.op}({', '.join(constant(n, bracket=False) for n in numbers)})"


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_MATH_SYMBOLS = {"*": "·"}  # Python's operators that mathematics writes otherwise (** is a superscript)


def bracketed(text: str) -> str:
    """A number or name next to an operator: in brackets when it is negative or has spaces, `(-1.5)`, `(a + b)`."""
    return f"({text})" if text.startswith("-") or " " in text.strip() else text


def power(base: str, exponent: str) -> str:
    """`base` to the `exponent` as mathematics writes it: `i²`, `(-1.5)²`, `x⁻¹`, `2^x`, `x^0.5`."""
    if re.fullmatch(r"-?\d{1,3}", exponent):
        return bracketed(base) + exponent.translate(_SUPERSCRIPT)
    return f"{bracketed(base)}^{bracketed(exponent)}"


def formula(node: Value, index: dict, node_names: list[str], math: bool = False) -> str:
    """`a * b`, `tanh(v2)`, `v3 ** 2`, `x + 2`, `hardtanh(x, -2, 2)`: how a node was made, in the nodes' names.

    `math=True` writes it as mathematics does, for the frames' titles: `a · b`,
    `v3²`, `(-1.5)²`, `2 · (-3)`; `node_names` may then be numbers.
    """
    if math:
        return _math_formula(node, index, node_names)
    args = [node_names[index[p]] for p in node.parents]
    op = node.op
    pieces = _constant_form(node)
    if pieces is not None:
        left, right = pieces
        return " ".join(part for part in (left, args[0], right) if part)
    symbol = lookup(op).symbol if op else None
    if symbol is not None and len(args) == 2:
        return f"{args[0]} {symbol} {args[1]}"
    if symbol is not None and len(args) == 1:  # -x
        return f"{symbol}{args[0]}"
    shown = [node_names[index[item]] if isinstance(item, Value) else constant(item, False) for item in node.operands]
    return f"{op}({', '.join(shown)})"


def _math_formula(node: Value, index: dict, node_names: list[str]) -> str:
    args = [node_names[index[p]] for p in node.parents]
    symbol = lookup(node.op).symbol if node.op else None
    if _constant_form(node) is not None:  # one Value and a constant: x + 2, 2 - x, x ** 2, 2 ** x
        shown = constant(recorded_constant(node), bracket=False)
        left, right = (shown, args[0]) if lookup(node.op).reflected else (args[0], shown)
        if symbol == "**":
            return power(left, right)
        return f"{bracketed(left)} {_MATH_SYMBOLS.get(symbol, symbol)} {bracketed(right)}"
    if symbol == "**" and len(args) == 2:
        return power(args[0], args[1])
    if symbol is not None and len(args) == 2:
        return f"{bracketed(args[0])} {_MATH_SYMBOLS.get(symbol, symbol)} {bracketed(args[1])}"
    if symbol is not None and len(args) == 1:  # -x
        return f"{symbol}{bracketed(args[0])}"
    return formula(node, index, node_names)

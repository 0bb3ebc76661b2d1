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
from autograd.core.registry import formula_text, lookup
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


def constant(number: float, bracket: bool = True, math: bool = False) -> str:
    """A recorded constant with 6 significant digits; negative ones in parentheses next to an operator.

    `math=True`: with mathematics' minus sign, `(−1.5)`."""
    text = minus(f"{number:.6g}") if math else f"{number:.6g}"
    return f"({text})" if bracket and text[:1] in "-−" else text


def minus(text: str) -> str:
    """A number (or a formula of numbers and names) with mathematics' minus sign −, not the hyphen.

    Only a hyphen that stands as a sign or an operator changes: at the start, after a space or a bracket,
    or in an exponent (`1e−05`); a hyphen inside a name (`x-1` as a label) stays."""
    return re.sub(r"(?:(?<=^)|(?<=[\s(\[=])|(?<=\de))-(?=[\d.(\s]|inf|nan)|(?<=\s)-(?=\w)", "−", text)


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
    """What an operation node shows, as mathematics writes it: `+`, `·`, `tanh`, `· 0.5`, `2 −`, `( )²`, `2^( )`,
    `hardtanh(−2, 2)`, `leaky_relu(0.1)`, `sum + 2`."""
    if not node.op:
        return ""
    record = lookup(node.op)
    if _constant_form(node) is not None:
        shown = constant(recorded_constant(node), math=True)
        if record.symbol == "**":  # ( ) stands for the input: ( )², 2^( )
            if record.reflected:
                return f"{shown}^( )"
            return "( )" + power("x", shown.strip("()"))[1:]  # x² without its x
        symbol = _MATH_SYMBOLS.get(record.symbol, record.symbol)
        return f"{shown} {symbol}" if record.reflected else f"{symbol} {shown}"
    if record.symbol is not None and len(node.parents) == len(node.operands):
        return _MATH_SYMBOLS.get(record.symbol, record.symbol) if record.symbol != "**" else "^"
    return minus(_op_text(node))


def _op_text(node: Value) -> str:
    """op_text's function form: `hardtanh(-2, 2)`, `leaky_relu(0.1)`, `sum + 2`, `dot + 1`, `f(3, _)`."""
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
_MATH_SYMBOLS = {"*": "·", "-": "−"}  # Python's operators that mathematics writes otherwise (** is a superscript)


def bracketed(text: str) -> str:
    """A number or name next to an operator: in brackets when it is negative or has spaces, `(-1.5)`, `(a + b)`."""
    return f"({text})" if text[:1] in "-−" or " " in text.strip() else text


def power(base: str, exponent: str) -> str:
    """`base` to the `exponent` as mathematics writes it: `i²`, `(-1.5)²`, `x⁻¹`, `2^x`, `x^0.5`."""
    if re.fullmatch(r"[-−]?\d{1,3}", exponent):
        return bracketed(base) + exponent.replace("−", "-").translate(_SUPERSCRIPT)
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
        shown = constant(recorded_constant(node), bracket=False, math=True)
        left, right = (shown, args[0]) if lookup(node.op).reflected else (args[0], shown)
        if symbol == "**":
            return power(left, right)
        return f"{bracketed(left)} {_MATH_SYMBOLS.get(symbol, symbol)} {bracketed(right)}"
    if symbol == "**" and len(args) == 2:
        return power(args[0], args[1])
    if symbol is not None and len(args) == 2:
        return f"{bracketed(args[0])} {_MATH_SYMBOLS.get(symbol, symbol)} {bracketed(args[1])}"
    if symbol is not None and len(args) == 1:  # −x
        return f"{_MATH_SYMBOLS.get(symbol, symbol)}{bracketed(args[0])}"
    return minus(formula(node, index, node_names))


def local_formula(node: Value, k: int, parent_texts: list[str], out_text: str) -> str | None:
    """d(node)/d(its input k) as the lecture writes it, from the operation's record (`Operation.formulas`):
    `2 · i` for f = i², `h` for i = g · h with the inputs' names, `2 · 21` with their numbers
    (`parent_texts`: one text per input, names or numbers; `out_text`: the node's). None where the
    record has no formula (the frames then show the number only)."""
    if not node.op:
        return None
    operands = node.operands
    positions = [j for j, item in enumerate(operands) if isinstance(item, Value)]
    constants = tuple(None if isinstance(item, Value) else float(item) for item in operands)
    template = lookup(node.op).formula(constants, positions[k])
    if template is None:
        return None
    given = iter(parent_texts)
    texts = [next(given) if isinstance(item, Value) else constant(item, False, math=True) for item in operands]
    return formula_text(template, [minus(text) for text in texts], minus(out_text))


def chain_sum(
    r: str, name: str, terms: list, total: str, partial: str = "∂", named: bool = True, open_end: bool = False
) -> str:
    """How d{r}/d{name} comes about, in symbols, in the local derivatives' formulas and in numbers:
    `df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = 294`; `df/di = 2 · i = 2 · 21 = 42` where the user is the
    output (its seed 1 is left out).

    `terms`: one (user's name, user is the output, upstream gradient's text, formula in names or None,
    formula in numbers or None, local derivative's text) per use of the node; `partial` writes the local
    derivatives (∂i/∂g). Equal steps are written once (`df/dj = 1`). `open_end`: the total is left out,
    the text ending in `=` (a frame adds the number, or a question's ?). `named=False` leaves out the
    leading `d{r}/d{name} =` (a table's row names it) unless the sum is just that symbol (`df/dg = h = 7`)."""
    symbols, formulas, numbers = [], [], []
    several = len(terms) > 1
    for user, is_output, upstream, by_name, worked, local in terms:
        worked = worked if worked is not None else local
        if is_output:  # a term of its own: in brackets only where it would merge with its neighbours
            alone = not several or (not symbols and not re.search(r" [-−+] ", worked + (by_name or "")))
            symbols.append(f"{partial}{r}/{partial}{name}" if several else f"d{r}/d{name}")
            formulas.append(None if by_name is None else (by_name if alone else bracketed_sum(by_name)))
            numbers.append(worked if alone else bracketed_sum(worked))
        else:
            symbols.append(f"d{r}/d{user} · {partial}{user}/{partial}{name}")
            formulas.append(None if by_name is None else f"{bracketed(upstream)} · {bracketed_sum(by_name)}")
            numbers.append(f"{bracketed(upstream)} · {bracketed_sum(worked)}")
    parts = [f"d{r}/d{name}", " + ".join(symbols)]
    if not named and parts[1] != parts[0]:
        parts = parts[1:]
    if all(f is not None for f in formulas):
        parts.append(" + ".join(formulas))
    parts += [" + ".join(numbers), total]
    kept = [p for k, p in enumerate(parts) if k == 0 or p != parts[k - 1]]
    return " = ".join(kept) if not open_end else " = ".join(kept[:-1]) + " ="


def bracketed_sum(text: str) -> str:
    """A factor of a product: in brackets when it is a sum, a difference or a quotient, or starts with a minus
    (`(1 − f²)`, `(1 / b)`)."""
    return f"({text})" if re.search(r" [-−+/] ", text) or text[:1] in "-−" else text

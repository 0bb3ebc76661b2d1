"""Your own example for the chain-rule demo and the exercise sheets: a formula read safely, built as a graph.

`parse("(a + b) * (c + d)")` reads the text with Python's `ast` module and
keeps it only if every piece is on an allow-list: names, numbers, the
operators + - * / ** and unary minus, parentheses, and the engine's functions
of one argument (exp, log, sqrt, abs, sin, cos, tanh, sigmoid, relu, softplus,
gelu, step: read from the engine's table of operations, so a new one comes by
itself). Nothing else is ever evaluated: no attributes, no calls of anything
else, no subscripts, no lambdas, no keywords. The text, its nesting and its
constant exponents have limits, and every refusal names the column and what
is allowed.

`Expression.build(values)` then makes the graph with the engine: leaves named
by the user's names, every operation a node named as the lecture names them
(g, h, i, ... and the output f), so pictures never show v2, v4. `math()`
writes the formula in the lecture's notation: `((a + b) · (c + d))²`.

The parser lives with the demos, not in the engine: the engine builds graphs
from Python code; reading formulas typed on a command line is what the course
tools (chain_rule --expr, the exercise sheets) need.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

from autograd import Value
from autograd.core.registry import REGISTRY
from autograd.language import Domain

__all__ = ["parse", "parse_values", "value", "Expression", "ExpressionError", "FUNCTIONS", "number_text"]

MAX_LENGTH = 200  # characters of a formula
MAX_DEPTH = 12  # parentheses (and function calls) inside each other
MAX_NESTING = 40  # operations inside each other, a sum of many terms included
MAX_OPERATIONS = 40  # operation nodes: each is a frame of the lecture
MAX_NAMES = 12
MAX_EXPONENT = 10  # |constant exponent|: x ** 1e9 is a typo, not an exercise
MAX_NUMBER = 1e6  # |number| written in a formula or given as a value
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,11}")
# The refusals are in the language in force (autograd.language: --lang, else the locale's).
_ = Domain("demos").gettext
ngettext = Domain("demos").ngettext
N_ = Domain.mark

# The engine's functions of one argument that are Value methods of the same name (exp, tanh, sigmoid, ...).
FUNCTIONS = tuple(
    sorted(
        name
        for name, record in REGISTRY.items()
        if record.arity == 1 and name in ((record.method,) if isinstance(record.method, str) else record.method or ())
    )
)

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_HINTS = {
    ast.BitXor: N_("^ is not a power here; write a ** 2"),
    ast.FloorDiv: N_("// is not allowed; write /"),
    ast.Mod: N_("% is not allowed"),
    ast.MatMult: N_("@ is not allowed; write *"),
}
_NOT_ALLOWED = {
    ast.Attribute: N_("attributes (x.y) not allowed"),
    ast.Subscript: N_("subscripts (x[0]) not allowed"),
    ast.Lambda: N_("lambdas not allowed"),
    ast.Compare: N_("comparisons not allowed"),
    ast.BoolOp: N_("and / or not allowed"),
    ast.IfExp: N_("if ... else not allowed"),
}
# Root and intermediate names: the lecture calls the output f and the steps g, h, i.
_ROOT_NAMES = ("f", "y", "out")
_STEP_NAMES = "ghijklmnpqrstuvwz"


def allowed() -> str:
    """What a formula may contain, for error messages and --help."""
    return _("names (a, x1, w_2), numbers, + - * / **, unary minus, parentheses and the functions {functions}").format(
        functions=", ".join(FUNCTIONS)
    )


class ExpressionError(ValueError):
    """A formula or a list of values that is refused; the message names the column and what is allowed."""


def _refuse(text: str, column: int | None, what: str, show_allowed: bool = True) -> ExpressionError:
    """An ExpressionError naming where (with a caret under the column) and what is allowed."""
    if column is None:
        message = _("expression {text}: {what}").format(text=repr(text), what=what)
    else:
        message = _("expression {text}, column {column}: {what}").format(text=repr(text), column=column + 1, what=what)
    if show_allowed:
        message += _(". Allowed: {allowed}").format(allowed=allowed())
    if column is not None and len(text) <= 100:
        message += f"\n  {text}\n  {' ' * column}^"
    return ExpressionError(message)


@dataclass(frozen=True)
class Expression:
    """A checked formula: its text, its syntax tree, and the names it uses in order of appearance."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]

    def math(self, values: dict | None = None) -> str:
        """The formula in the lecture's notation (· for *, x² for x ** 2); with `values`, numbers for names."""
        return to_math(self.tree, values)

    def build(self, values: dict) -> dict[str, Value]:
        """The graph at `values` ({name: number}, see `parse_values`): {name: Value}, the output last.

        Leaves carry the user's names; each operation node a name the lecture
        would give it (g, h, i, ...), the output f (or y or out when f is taken).
        """
        return self.build_steps(values)[0]

    def build_steps(self, values: dict) -> tuple[dict[str, Value], list[tuple[str, str, str, str]]]:
        """`build`'s graph and the forward pass as the lecture writes it: [(name, 'g · h', '3 · 7', 'g * h'), ...].

        The last text of each step is the step in the formula language (Python's syntax), for checks.
        """
        values = check_values(self, values)
        leaves = {name: Value(values[name], label=name) for name in self.names}
        made: list[tuple[Value, ast.expr]] = []
        root = _evaluate(self, self.tree, leaves, made)
        if not isinstance(root, Value) or not root.parents:
            raise _refuse(self.text, None, _("the result does not depend on any name through an operation"), False)
        taken = set(self.names)
        root_name = next(n for n in (*_ROOT_NAMES, *(f"f{k}" for k in range(1, MAX_NAMES + 2))) if n not in taken)
        taken.add(root_name)
        pool = [n for n in _STEP_NAMES if n not in taken]
        pool += [f"z{k}" for k in range(1, MAX_OPERATIONS + 1) if f"z{k}" not in taken]
        nodes = dict(leaves)
        names = iter(pool)
        for node, _tree in made:
            node.label = root_name if node is root else next(names)
            nodes[node.label] = node
        nodes[root_name] = nodes.pop(root_name)  # the output last
        made_by = {id(tree): node for node, tree in made}
        numbers = {name: node.data for name, node in nodes.items()}
        steps = []
        for node, tree in made:
            step = _one_step(tree, made_by)
            steps.append((node.label, to_math(step), to_math(step, numbers), ast.unparse(step)))
        return nodes, steps


def _one_step(tree: ast.expr, made_by: dict) -> ast.expr:
    """`tree` with each operand that is a node of the graph replaced by that node's name: i = g · h."""

    def named(child: ast.expr) -> ast.expr:
        node = made_by.get(id(child))
        return ast.Name(id=node.label) if node is not None else child

    if isinstance(tree, ast.BinOp):
        return ast.BinOp(left=named(tree.left), op=tree.op, right=named(tree.right))
    if isinstance(tree, ast.UnaryOp):
        return ast.UnaryOp(op=tree.op, operand=named(tree.operand))
    return ast.Call(func=tree.func, args=[named(tree.args[0])], keywords=[])


def parse(text, *, allow_constant: bool = False) -> Expression:
    """Check `text` against the allow-list and return the Expression; an ExpressionError says what is wrong.

    A formula without names is refused (nothing to differentiate), unless `allow_constant`.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse: the expression must be a str such as '(a + b) * (c + d)', not {type(text).__name__}")
    if not text.strip():
        raise ExpressionError(
            _("expression {text} is empty; write a formula such as '(a + b) * (c + d)'").format(text=repr(text))
        )
    if len(text) > MAX_LENGTH:
        what = _("{count} characters, more than {limit}").format(count=len(text), limit=MAX_LENGTH)
        raise _refuse(text[:60] + "...", None, what, False)
    if "\n" in text or "\r" in text:
        raise _refuse(text, text.find("\n") if "\n" in text else text.find("\r"), _("a formula is one line"))
    depth = 0
    for column, char in enumerate(text):  # before ast.parse, whose own limits give no position
        depth += (char == "(") - (char == ")")
        if depth > MAX_DEPTH:
            raise _refuse(text, column, _("parentheses nested more than {limit} deep").format(limit=MAX_DEPTH), False)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        column = (error.offset - 1 + len(text) - len(text.lstrip())) if error.offset else None
        raise _refuse(text, column, _("not a formula ({reason})").format(reason=error.msg)) from None
    offset = len(text) - len(text.lstrip())
    names: list[str] = []
    operations = 0
    stack = [(tree, 1)]
    while stack:  # iterative: the depth is checked before anything recurses
        node, depth = stack.pop()
        column = getattr(node, "col_offset", 0) + offset
        if depth > MAX_NESTING:
            raise _refuse(text, column, _("operations nested more than {limit} deep").format(limit=MAX_NESTING), False)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                known = _HINTS.get(type(node.op))
                hint = (
                    _(known) if known else _("the operator {name} is not allowed").format(name=type(node.op).__name__)
                )
                after = node.left.end_col_offset
                source = text.strip()
                while after < len(source) and source[after] in " )":
                    after += 1
                raise _refuse(text, after + offset, hint)
            operations += 1
            stack += [(node.right, depth + 1), (node.left, depth + 1)]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise _refuse(text, column, _("only unary minus is allowed before a term"))
            operations += 1
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            function = node.func.id if isinstance(node.func, ast.Name) else None
            if function not in FUNCTIONS:
                shown = function or ast.get_source_segment(text.strip(), node.func) or "this"
                raise _refuse(
                    text, column, _("{name}(...) is not one of the functions one may call").format(name=shown)
                )
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise _refuse(text, column, _("{name} takes exactly one argument, as {name}(x)").format(name=function))
            operations += 1
            stack.append((node.args[0], depth + 1))
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise _refuse(text, column, _("{name} is a function; call it as {name}(x)").format(name=node.id))
            if not _NAME.fullmatch(node.id):
                what = _("the name {name}: names start with a letter, then up to 11 letters, digits or _")
                raise _refuse(text, column, what.format(name=repr(node.id)))
            if node.id not in names:
                names.append(node.id)
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _refuse(text, column, _("{value} is not a number").format(value=repr(value)))
            if not abs(value) <= MAX_NUMBER:
                what = _("the number {value} is larger than {limit}").format(value=repr(value), limit=f"{MAX_NUMBER:g}")
                raise _refuse(text, column, what, False)
        else:
            known = _NOT_ALLOWED.get(type(node))
            what = _(known) if known else _("{what} not allowed").format(what=type(node).__name__)
            raise _refuse(text, column, what)
    if operations > MAX_OPERATIONS:
        what = _("{count} operations, more than {limit} (one frame each)").format(
            count=operations, limit=MAX_OPERATIONS
        )
        raise _refuse(text, None, what, False)
    if not names and not allow_constant:
        raise _refuse(text, None, _("no name to differentiate by; write a formula of names such as a * b + c"), False)
    if len(names) > MAX_NAMES:
        raise _refuse(
            text, None, _("{count} names, more than {limit}").format(count=len(names), limit=MAX_NAMES), False
        )
    expression = Expression(text, tree, tuple(names))
    _check_exponents(expression, tree, offset)
    return expression


def _check_exponents(expression: Expression, tree: ast.expr, offset: int) -> None:
    """Every exponent made of numbers only lies within ±MAX_EXPONENT (x ** 9 ** 9 would never finish printing)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not _has_name(node.right):
            exponent = _constant(expression, node.right)
            if not abs(exponent) <= MAX_EXPONENT:
                column = node.right.col_offset + offset
                what = _("the exponent {exponent} is beyond ±{limit}").format(
                    exponent=f"{exponent:g}", limit=MAX_EXPONENT
                )
                raise _refuse(expression.text, column, what, False)


def value(expression: Expression, values: dict) -> float:
    """The formula's number at `values` ({name: number}), computed with the engine's operations on floats."""
    return float(_evaluate(expression, expression.tree, check_values(expression, values), []))


def _has_name(node: ast.expr) -> bool:
    return any(isinstance(item, ast.Name) for item in ast.walk(node))


def _constant(expression: Expression, node: ast.expr) -> float:
    """The number a subtree without names stands for (checked: finite and real)."""
    return _evaluate(expression, node, {}, [])


def _evaluate(expression: Expression, node: ast.expr, leaves: dict, made: list):
    """The subtree's Value (or float, where no name is inside), built with the engine; new nodes go into `made`."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    try:
        if isinstance(node, ast.UnaryOp):
            result = -_evaluate(expression, node.operand, leaves, made)
        elif isinstance(node, ast.Call):
            operand = _evaluate(expression, node.args[0], leaves, made)
            name = node.func.id
            result = getattr(operand, name)() if isinstance(operand, Value) else REGISTRY[name](operand).data
        else:
            left = _evaluate(expression, node.left, leaves, made)
            right = _evaluate(expression, node.right, leaves, made)
            result = _apply(node.op, left, right)
    except (ArithmeticError, ValueError) as error:
        if isinstance(error, ExpressionError):
            raise
        segment = ast.get_source_segment(expression.text.strip(), node) or expression.text
        what = _("{segment} cannot be computed here: {error}").format(segment=segment, error=error)
        raise _refuse(expression.text, None, what, False) from None
    if isinstance(result, complex) or (not isinstance(result, Value) and not math.isfinite(result)):
        segment = ast.get_source_segment(expression.text.strip(), node) or expression.text
        raise _refuse(expression.text, None, _("{segment} has no finite real value").format(segment=segment), False)
    if isinstance(result, Value):
        made.append((result, node))
    return result


def _apply(op: ast.operator, left, right):
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        if not isinstance(right, Value) and right == 0:
            raise ZeroDivisionError(_("division by zero"))
        return left / right
    return left**right


# ----------------------------------------------------------------------------- values


def parse_values(text, expression: Expression | None = None) -> dict[str, float]:
    """`"a=1,b=2,c=-3.5"` as {"a": 1.0, ...}; with `expression`, every name of it given and no other."""
    if not isinstance(text, str):
        raise TypeError(f"--values must be a str such as 'a=1,b=2', not {type(text).__name__}")
    values: dict[str, float] = {}
    for part in text.split(","):
        name, sep, number = (piece.strip() for piece in part.partition("="))
        if not sep or not name:
            raise ExpressionError(
                _("--values {text}: {part} is not name=number; write a=1,b=2.5 (a decimal point, commas between the "
                  "names)").format(text=repr(text), part=repr(part.strip()))
            )  # fmt: skip
        if name in values:
            raise ExpressionError(_("--values {text}: {name} is given twice").format(text=repr(text), name=name))
        try:
            values[name] = float(number)
        except ValueError:
            raise ExpressionError(
                _("--values {text}: {name}={number} is not a number").format(text=repr(text), name=name, number=number)
            ) from None
    return check_values(expression, values) if expression is not None else values


def check_values(expression: Expression, values) -> dict[str, float]:
    """`values` as {name: float}: each name of `expression` a finite number within ±MAX_NUMBER, no other name."""
    if not isinstance(values, dict):
        raise TypeError(f"the values must be a dict {{name: number}}, not {type(values).__name__}")
    missing = [name for name in expression.names if name not in values]
    extra = [name for name in values if name not in expression.names]
    if missing:
        raise ExpressionError(
            _("no value for {missing} in {text}; give every name a number (--values {values})").format(
                missing=", ".join(missing),
                text=repr(expression.text),
                values=",".join(f"{n}=1" for n in expression.names),
            )
        )
    if extra:
        raise ExpressionError(
            ngettext(
                "{extra} is given a value but not used in {text} (its names: {names})",
                "{extra} are given a value but not used in {text} (its names: {names})",
                len(extra),
            ).format(extra=", ".join(extra), text=repr(expression.text), names=", ".join(expression.names))
        )
    checked = {}
    for name in expression.names:
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not abs(value) <= MAX_NUMBER:
            raise ExpressionError(
                _("the value of {name} must be a finite number within ±{limit}, not {value}").format(
                    name=name, limit=f"{MAX_NUMBER:g}", value=repr(value)
                )
            )
        checked[name] = float(value)
    return checked


# ----------------------------------------------------------------------------- the lecture's notation

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}
_SHOWN = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: " · ", ast.Div: " / "}
_SPELLED = {"sigmoid": "σ"}


def number_text(x: float) -> str:
    """A number as the lecture writes it: 42, 0.75, -3, 1.5e+07; up to 4 significant digits."""
    if math.isfinite(x) and x == int(x) and abs(x) < 1e7:  # inf and nan (sqrt's slope at 0) as "inf", "nan"
        return str(int(x))
    return f"{x:.4g}"


def to_math(tree: ast.expr, values: dict | None = None) -> str:
    """The formula of `tree` with ·, superscripts and only the parentheses it needs; negative numbers bracketed.

    With `values` ({name: number}) the names are replaced by their numbers: the line a student computes.
    """
    text, _ = _math(tree, values)
    return text[1:-1] if text.startswith("(") and _bracketed_whole(text) else text


def _bracketed_whole(text: str) -> bool:
    depth = 0
    for k, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and k < len(text) - 1:
            return False
    return True


def _math(node: ast.expr, values) -> tuple[str, int]:
    """(text, precedence) of a subtree: 5 for an atom, 4 power, 3 unary minus, 2 product, 1 sum."""
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Name) and values is not None):
        x = float(node.value) if isinstance(node, ast.Constant) else float(values[node.id])
        text = number_text(x)
        return (f"({text})", 5) if x < 0 else (text, 5)
    if isinstance(node, ast.Name):
        return node.id, 5
    if isinstance(node, ast.Call):
        inner, _ = _math(node.args[0], values)
        if inner.startswith("(") and _bracketed_whole(inner):  # exp((-1.5)) reads exp(-1.5)
            inner = inner[1:-1]
        name = node.func.id
        if name == "abs":
            return f"|{inner}|", 5
        if name == "sqrt":
            return f"√({inner})", 5
        return f"{_SPELLED.get(name, name)}({inner})", 5
    if isinstance(node, ast.UnaryOp):
        inner, level = _math(node.operand, values)
        return (f"-{inner}" if level > 3 else f"-({inner})"), 3
    level = _PRECEDENCE[type(node.op)]
    left, left_level = _math(node.left, values)
    if isinstance(node.op, ast.Pow):
        if left_level <= level or left.startswith("("):
            left = left if left.startswith("(") and _bracketed_whole(left) else f"({left})"
        right_node = node.right
        if isinstance(right_node, ast.UnaryOp) and isinstance(right_node.operand, ast.Constant):
            exponent = -float(right_node.operand.value)
        elif isinstance(right_node, ast.Constant):
            exponent = float(right_node.value)
        else:
            exponent = None
        if exponent is not None and exponent == int(exponent):
            return left + str(int(exponent)).translate(_SUPERSCRIPT), level
        right, right_level = _math(right_node, values)
        return f"{left}^{right if right_level == 5 else f'({right})'}", level
    right, right_level = _math(node.right, values)
    if left_level < level:
        left = f"({left})"
    if right_level < level or (right_level == level and isinstance(node.op, (ast.Sub, ast.Div))):
        right = f"({right})"
    return left + _SHOWN[type(node.op)] + right, level

"""The safe formula reader of `python -m demos.chain_rule --expr`: what it accepts equals Python's own float
arithmetic on the same text; everything off its allow-list is refused with the column and what is allowed."""

import math
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from demos import expression
from demos.expression import ExpressionError, parse, parse_values

# The functions by their textbook formulas, written here independently of the engine.
REFERENCE = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "relu": lambda x: x if x > 0 else 0.0,
    "abs": abs,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "step": lambda x: 1.0 if x > 0 else 0.0,
    "gelu": lambda x: 0.5 * x * (1 + math.erf(x / math.sqrt(2))),
}
NAMES = ("a", "b", "c")


def test_the_allowed_functions_are_the_engines_one_argument_functions():
    assert set(expression.FUNCTIONS) == set(REFERENCE)


def formulas():
    """Random formulas of the allow-list over a, b, c, as text."""
    leaves = st.sampled_from(NAMES) | st.sampled_from(("1", "2", "3", "0.5", "1.5"))

    def extend(inner):
        binary = st.tuples(inner, st.sampled_from(("+", "-", "*", "/")), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
        power = st.tuples(inner, st.sampled_from(("2", "3", "-1", "0.5"))).map(lambda t: f"{t[0]} ** {t[1]}")
        call = st.tuples(st.sampled_from(sorted(REFERENCE)), inner).map(lambda t: f"{t[0]}({t[1]})")
        minus = inner.map(lambda t: f"-{t}")
        return binary | power | call | minus

    return st.recursive(leaves, extend, max_leaves=8).map(lambda text: f"a * {text} + b - c")


@given(formulas(), st.lists(st.sampled_from((-2.5, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0)), min_size=3, max_size=3))
def test_the_parsers_value_equals_pythons_float_evaluation(text, numbers):
    assume(len(text) <= expression.MAX_LENGTH)
    values = dict(zip(NAMES, numbers))
    try:  # Python's own arithmetic on floats, the text evaluated directly
        expected = eval(text, {"__builtins__": {}}, {**REFERENCE, **values})  # noqa: S307 (our own generated text)
    except (ArithmeticError, ValueError, TypeError):  # TypeError: a complex power passed on to math's functions
        expected = None
    if isinstance(expected, complex) or (expected is not None and not math.isfinite(expected)):
        expected = None
    try:
        parsed = parse(text)
    except ExpressionError as error:  # only the limits may refuse a formula of the allow-list
        assert any(limit in str(error) for limit in ("deep", "operations", "exponent")), error
        return
    if expected is None:  # no real number: the engine or the parser refuses, it never answers
        with pytest.raises((ArithmeticError, ValueError)):
            parsed.build(values)
        return
    nodes = parsed.build(values)
    root = list(nodes.values())[-1]
    assert math.isclose(root.data, expected, rel_tol=1e-9, abs_tol=1e-9), (text, root.data, expected)
    assert root.label == "f" and all(node.label for node in nodes.values())


def back_to_python(shown: str) -> str:
    """The lecture's notation as Python again: · as *, superscripts as ** n, σ and √ as calls."""
    digits = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
    python = shown.replace("·", "*").replace("^", "**").replace("σ(", "sigmoid(").replace("√(", "sqrt(")
    return re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", lambda m: f"**({m.group(1).translate(digits)})", python)


@given(formulas(), st.lists(st.sampled_from((-2.0, -0.5, 0.5, 1.0, 2.0)), min_size=3, max_size=3))
def test_the_lecture_notation_keeps_the_meaning(text, numbers):
    assume(len(text) <= expression.MAX_LENGTH and "abs(" not in text)  # |x| has no Python spelling to read back
    namespace = {"__builtins__": {}, **REFERENCE, **dict(zip(NAMES, numbers))}
    try:
        parsed = parse(text)
        expected = eval(text, namespace)  # noqa: S307
        again = eval(back_to_python(parsed.math()), namespace)  # noqa: S307
    except (ArithmeticError, ValueError, TypeError):
        return
    if isinstance(expected, complex) or not math.isfinite(expected):
        return
    assert math.isclose(again, expected, rel_tol=1e-9, abs_tol=1e-9), (text, parsed.math())


@pytest.mark.parametrize(
    "text, shown",
    [
        ("((a+b)*(c+d))**2", "((a + b) · (c + d))²"),
        ("-x**2", "-x²"),
        ("(-x)**2", "(-x)²"),
        ("a-(b-c)", "a - (b - c)"),
        ("a/(b*c)", "a / (b · c)"),
        ("sigmoid(a)**-1", "σ(a)⁻¹"),
        ("tanh(w1*x1 + b)", "tanh(w1 · x1 + b)"),
        ("2**a", "2^a"),
        ("sqrt(a) + abs(b)", "√(a) + |b|"),
    ],
)
def test_the_lecture_notation(text, shown):
    assert parse(text).math() == shown


def test_numbers_for_names_with_negative_ones_bracketed():
    assert parse("(a+b)*c").math({"a": 1, "b": -2, "c": 3}) == "(1 + (-2)) · 3"
    assert parse("exp(-a)").math({"a": 1.5}) == "exp(-1.5)"


def test_the_course_example_is_built_with_the_lectures_names():
    nodes, steps = parse("((a + b) * (c + d)) ** 2").build_steps({"a": 1, "b": 2, "c": 3, "d": 4})
    assert list(nodes) == ["a", "b", "c", "d", "g", "h", "i", "f"]
    assert {k: v.data for k, v in nodes.items()} == {"a": 1, "b": 2, "c": 3, "d": 4, "g": 3, "h": 7, "i": 21, "f": 441}
    assert [step[:3] for step in steps] == [
        ("g", "a + b", "1 + 2"),
        ("h", "c + d", "3 + 4"),
        ("i", "g · h", "3 · 7"),
        ("f", "i²", "21²"),
    ]


def test_names_of_the_user_are_never_reused_for_steps():
    nodes = parse("f * g + h").build({"f": 1, "g": 2, "h": 3})
    assert list(nodes) == ["f", "g", "h", "i", "y"]  # f, g, h are taken: the steps are i, the output y
    nodes = parse("f * y + out").build({"f": 1, "y": 2, "out": 3})
    assert list(nodes) == ["f", "y", "out", "g", "f1"]


@pytest.mark.parametrize(
    "text, says",
    [
        ("__import__('os').system('echo hi')", "is not one of the functions"),
        ("a.__class__", "attributes"),
        ("exp.__globals__", "attributes"),
        ("open('x')", "open(...) is not one of the functions"),
        ("print(a)", "print(...) is not one of the functions"),
        ("exp(a, b)", "exactly one argument"),
        ("exp(x=a)", "exactly one argument"),
        ("a[0]", "subscripts"),
        ("lambda: a", "lambdas"),
        ("(x := 1) + a", "NamedExpr"),
        ("a if b else c", "if ... else"),
        ("a == b", "comparisons"),
        ("a and b", "and / or"),
        ("not a", "only unary minus"),
        ("~a", "only unary minus"),
        ("+a", "only unary minus"),
        ("a ^ 2", "^ is not a power here"),
        ("a // 2", "// is not allowed"),
        ("a @ b", "@ is not allowed"),
        ("[a, b]", "List"),
        ("(a, b)", "Tuple"),
        ("'x' * a", "is not a number"),
        ("True + a", "is not a number"),
        ("1j * a", "is not a number"),
        ("exp", "exp is a function"),
        ("_a + 1", "names start with a letter"),
        ("α + 1", "names start with a letter"),
        ("a ** 99", "exponent 99 is beyond"),
        ("a ** 9 ** 9", "exponent 3.8742e+08 is beyond"),
        ("a ** (2 * 50)", "exponent 100 is beyond"),
        ("a * 1e400", "larger than"),
        ("a * 10000000", "larger than"),
        ("(" * 13 + "a" + ")" * 13, "nested more than 12 deep"),
        ("exp(" * 13 + "a" + ")" * 13, "nested more than 12 deep"),
        ("-" * 45 + "a", "operations nested more than 40 deep"),
        ("a" + " + a" * 100, "characters, more than 200"),
        ("a; b", "not a formula"),
        ("a +", "not a formula"),
        ("2 * 3", "no name to differentiate by"),
        ("", "is empty"),
        ("a\nb", "one line"),
        ("log(-1) * a", "log(-1) cannot be computed"),
    ],
)
def test_refusals_name_what_is_wrong(text, says):
    with pytest.raises(ExpressionError) as error:
        parse(text).build({"a": 1.0})
    assert says in str(error.value), str(error.value)


def test_a_refusal_points_at_the_column():
    with pytest.raises(ExpressionError) as error:
        parse("a + b.c")
    message = str(error.value)
    assert "column 5" in message and "\n  a + b.c\n      ^" in message
    assert "Allowed: names" in message and "tanh" in message


def test_the_refused_code_never_runs(capsys, tmp_path):
    target = tmp_path / "made"
    for text in (f"open({str(target)!r}, 'w')", f"__import__('pathlib').Path({str(target)!r}).touch()"):
        with pytest.raises(ExpressionError):
            parse(text)
    assert not target.exists() and capsys.readouterr().out == ""


def test_too_many_operations():
    with pytest.raises(ExpressionError, match="operations, more than 40"):
        parse("+".join(f"(a*{k})" for k in range(1, 22)))
    assert len(parse("+".join(["a"] * 30)).build({"a": 1.0})) == 30  # a, then 29 sums: a long sum is no deep nesting


def test_a_bare_name_has_no_operation_to_differentiate():
    with pytest.raises(ExpressionError, match="through an operation"):
        parse("a").build({"a": 1.0})


def test_values_every_name_a_number_and_no_other():
    parsed = parse("(a + b) * c")
    assert parse_values("a=1, b=-2.5,c=1e-3", parsed) == {"a": 1.0, "b": -2.5, "c": 0.001}
    for text, says in [
        ("a=1,b=2", "no value for c"),
        ("a=1,b=2,c=3,d=4", "d is given a value but not used"),
        ("a=1,a=2,b=1,c=1", "a is given twice"),
        ("a=1,5,b=2,c=3", "is not name=number"),
        ("a=x,b=2,c=3", "a=x is not a number"),
        ("a=nan,b=2,c=3", "finite number"),
        ("a=inf,b=2,c=3", "finite number"),
        ("a=1e9,b=2,c=3", "finite number"),
        ("a", "is not name=number"),
    ]:
        with pytest.raises(ExpressionError) as error:
            parse_values(text, parsed)
        assert says in str(error.value), (text, str(error.value))


def test_values_of_the_wrong_type():
    with pytest.raises(TypeError, match="--values must be a str"):
        parse_values(None)
    with pytest.raises(TypeError, match="must be a str"):
        parse(42)
    with pytest.raises(ExpressionError, match="finite number"):
        parse("a + 1").build({"a": True})

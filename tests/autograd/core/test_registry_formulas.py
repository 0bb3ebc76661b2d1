"""Each operation's local derivatives written as the lecture writes them (`Operation.formulas`).

Every formula is read back as a number (its mathematics turned into Python
here, independently of the code that writes it) and compared with a central
difference of the operation's own value: a wrong text cannot pass.
"""

import math
import re

import pytest

from autograd import Value, operation
from autograd.core.operations import BUILTIN, dot, total
from autograd.core.registry import REGISTRY, formula_text

_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
_FUNCTIONS = {
    "exp": math.exp,
    "ln": math.log,
    "sqrt": math.sqrt,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "step": lambda x: 1.0 if x > 0 else 0.0,
    "sign": lambda x: (x > 0) - (x < 0),
    "Phi": lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))),
    "phi": lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
}


def read(text: str, names: dict) -> float:
    """The number a formula in the lecture's notation stands for, at `names` {name: number}."""
    python = text.replace("·", "*").replace("−", "-").replace("^", "**").replace("Φ", "Phi").replace("φ", "phi")
    python = re.sub(r"√(\w+)", r"sqrt(\1)", python)
    python = re.sub(r"[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "**(" + "".join(_SUPERSCRIPTS[c] for c in m.group(0)) + ")", python)
    assert re.fullmatch(r"[\w\s.*/+\-()]*", python), (text, python)  # nothing else is evaluated
    return float(eval(python, {"__builtins__": {}}, {**_FUNCTIONS, **names}))  # noqa: S307 (checked just above)


# (operands: numbers or None for a Value operand, where the Value operands are) per operation
POINTS = {
    "+": [(0.7, -1.3)],
    "-": [(0.7, -1.3)],
    "rsub": [(2.0, 0.7)],
    "neg": [(0.7,)],
    "*": [(0.7, -1.3)],
    "/": [(0.7, -1.3)],
    "rdiv": [(2.0, 0.7)],
    "**": [(1.3, 2.5), (1.3, 2.0), (0.8, 3.0), (1.3, -1.0), (1.7, 0.5)],
    "rpow": [(2.0, 0.7)],
    "pow_inf": [(1.3, 2.5)],
    "exp": [(0.7,)],
    "log": [(0.7,)],
    "sqrt": [(0.7,)],
    "abs": [(-0.7,), (0.7,)],
    "sin": [(0.7,)],
    "cos": [(0.7,)],
    "tanh": [(0.7,), (-1.2,)],
    "sigmoid": [(0.7,)],
    "relu": [(0.7,), (-0.7,)],
    "softplus": [(0.7,)],
    "gelu": [(0.7,), (-1.1,)],
    "step": [(0.7,)],
    "normal_cdf": [(0.7,)],
    "sum": [(0.7, -1.3, 2.0)],
    "dot": [(0.7, -1.3, 2.0, 0.5, 0.25)],
}
# operations whose derivative is piecewise: no short formula (the frames show the number)
PIECEWISE = {"leaky_relu", "hardtanh", "elu"}
REFLECTED_CONSTANT = {"rsub", "rdiv", "rpow"}  # the first operand is the constant


def central(f, xs, k, h=1e-6):
    up, down = list(xs), list(xs)
    up[k] += h
    down[k] -= h
    return (f(*up) - f(*down)) / (2 * h)


def test_every_engine_operation_has_its_formula_or_is_piecewise():
    assert set(POINTS) | PIECEWISE == BUILTIN
    for name in PIECEWISE:
        assert REGISTRY[name].formulas is None


@pytest.mark.parametrize("name", sorted(POINTS))
def test_each_formula_is_the_local_derivative(name):
    record = REGISTRY[name]
    for xs in POINTS[name]:
        constant = 0 if name in REFLECTED_CONSTANT else None
        for constant_exponent in [False, True] if name == "**" else [False]:
            operands = tuple(None if k != constant and not (constant_exponent and k == 1) else x
                             for k, x in enumerate(xs))  # fmt: skip
            out = record.value(*xs)
            names = {f"x{k}": x for k, x in enumerate(xs) if operands[k] is None} | {"out": out}
            texts = [f"x{k}" if operands[k] is None else f"{x:g}" for k, x in enumerate(xs)]
            for k in (k for k in range(len(xs)) if operands[k] is None):
                template = record.formula(operands, k)
                assert template is not None, (name, k)
                text = formula_text(template, texts, "out")
                assert "{" not in text and "*" not in text and "**" not in text, text  # mathematics, not Python
                assert math.isclose(read(text, names), central(record.value, xs, k), rel_tol=1e-6, abs_tol=1e-8), (
                    name,
                    xs,
                    k,
                    text,
                )


def test_the_slides_formulas():
    # TEACHING.md section 1: f = i², df/di = 2 · i; i = g · h, di/dg = h, di/dh = g; g = a + b, dg/da = 1
    power, product = REGISTRY["**"], REGISTRY["*"]
    assert formula_text(power.formula((None, 2.0), 0), ["i", "2"], "f") == "2 · i"
    assert formula_text(power.formula((None, 2.0), 0), ["21", "2"], "441") == "2 · 21"
    assert [formula_text(product.formula((None, None), k), ["g", "h"], "i") for k in (0, 1)] == ["h", "g"]
    assert formula_text(REGISTRY["+"].formula((None, None), 0), ["a", "b"], "g") == "1"
    assert formula_text(REGISTRY["tanh"].formula((None,), 0), ["n"], "o") == "1 − o²"
    assert formula_text(REGISTRY["tanh"].formula((None,), 0), ["0.8814"], "0.7071") == "1 − 0.7071²"


def test_negative_numbers_are_bracketed_and_written_with_the_minus_sign():
    assert formula_text("1 − {out}²", ["x"], "-0.5") == "1 − (−0.5)²"
    assert formula_text("exp({0})", ["-1"], "y") == "exp(−1)"  # a function's own brackets are enough
    assert formula_text("{1}", ["x", "-3"], "y") == "−3"  # alone: no brackets
    assert formula_text("−{0} / {1}²", ["-3", "2"], "y") == "−(−3) / 2²"
    assert formula_text("{1} · {0}^({1} − 1)", ["x", "y"], "z") == "y · x^(y − 1)"


def test_the_power_of_a_constant_exponent_is_written_out():
    power = REGISTRY["**"]
    shown = {
        n: formula_text(power.formula((None, n), 0), ["x", f"{n:g}"], "y") for n in (0.0, 1.0, 2.0, 3.0, -1.0, 0.5)
    }
    assert shown == {0.0: "0", 1.0: "1", 2.0: "2 · x", 3.0: "3 · x²", -1.0: "(−1) · x⁻²", 0.5: "0.5 · x^(−0.5)"}


def test_your_own_operation_may_bring_its_formula():
    atan = operation("atan_formula", math.atan, lambda x, out, m: 1 / (1 + x * x), formulas="1 / (1 + {0}²)")
    text = formula_text(atan.formula((None,), 0), ["1"], "y")
    assert text == "1 / (1 + 1²)" and read(text, {}) == 0.5
    plain = operation("atan_plain", math.atan, lambda x, out, m: 1 / (1 + x * x))
    assert plain.formula((None,), 0) is None  # optional: the frames then show the number only
    two = operation("hyp_formula", math.hypot, (lambda x, y, out, m: x / out, lambda x, y, out, m: y / out),
                    formulas=("{0} / {out}", "{1} / {out}"))  # fmt: skip
    assert formula_text(two.formula((None, None), 1), ["3", "4"], "5") == "4 / 5"


@pytest.mark.parametrize(
    "formulas, says",
    [
        (("{0}", "{1}"), "tuple of 1 texts"),
        (("{2} + 1",), "may name only {0}, {out}"),
        (("x {",), "may name only"),
        ((3,), "must be a text"),
        (lambda x: "{0}", "must be a text"),  # a function is for the engine's own records only
    ],
)
def test_a_wrong_formula_is_refused_when_defined(formulas, says):
    with pytest.raises((TypeError, ValueError)) as error:
        operation("bad_formula", math.atan, lambda x, out, m: 1 / (1 + x * x), formulas=formulas)
    assert "operation 'bad_formula'" in str(error.value) and says in str(error.value)


def test_sum_and_dot_name_each_operand():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    node = dot([a, b], [c, 4.0], a)
    constants = tuple(None if isinstance(item, Value) else item for item in node.operands)
    assert [REGISTRY["dot"].formula(constants, k) for k in (0, 1, 2, 4)] == ["{1}", "{0}", "{3}", "1"]
    assert REGISTRY["sum"].formula((None, None, None), 2) == "1"
    assert total([a, b]).op == "sum"

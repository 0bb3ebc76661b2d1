"""An operation defined once works everywhere: backward, derivatives of derivatives, forward mode,
trace, pictures and replay, whether a user defines it (`autograd.operation`) or the engine gains it
(one `Operation` record, as in autograd/core/operations.py). Bad definitions are refused clearly.
"""

import math

import numpy as np
import pytest

from autograd import (
    GradcheckError,
    Operation,
    Refusal,
    Value,
    draw_graph,
    explain_chain_rule,
    grad,
    gradcheck,
    hessian,
    jvp,
    operation,
    replay,
    trace,
)
from autograd.core.operations import BUILTIN
from autograd.core.registry import REGISTRY, register

EPS = 1e-5


def central(f, x, eps=EPS):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


@pytest.fixture
def forget():
    """Names this test defines: removed from the registry (and from Value) afterwards."""
    names, before = [], set(Value.__dict__)
    yield names.append
    for name in set(names) - BUILTIN:
        REGISTRY.pop(name, None)
        if name in Value.__dict__ and name not in before:
            delattr(Value, name)


def atan_operation(name):
    return operation(name, math.atan, lambda x, out, m: 1 / (1 + x * x), numpy=np.arctan, method=True)


def check_everywhere(f, reference, d1, d2, points=(0.3, -1.7, 2.5)):
    """f (of one Value) against its float reference, first and second derivatives, in every part of the engine."""
    for p in points:
        x = Value(p, label="x")
        y = f(x)
        assert y.data == pytest.approx(reference(p), rel=1e-15)
        y.backward()
        assert x.grad == pytest.approx(d1(p), rel=1e-12)
        assert x.grad == pytest.approx(central(reference, p), rel=1e-7)
        (first,) = grad(f(x), [x], create_graph=True)
        assert first.data == pytest.approx(d1(p), rel=1e-12)
        assert grad(first, [x])[0] == pytest.approx(d2(p), rel=1e-12)
        assert grad(first, [x])[0] == pytest.approx(central(d1, p), rel=1e-6)
        assert hessian(f(x), [x])[0, 0] == pytest.approx(d2(p), rel=1e-12)
        assert jvp(f(x), [x], [2.0]) == pytest.approx(2.0 * d1(p), rel=1e-12)
        assert gradcheck(f, [p])
    program = trace(f, Value(0.0))
    xs = np.array(points)
    assert program(xs).tolist() == pytest.approx([reference(p) for p in points], rel=1e-14)
    w = Value(1.0, label="w")
    scaled = trace(lambda x: f(w * x), Value(0.0))
    scaled.value_and_grad(xs, reduction="sum")
    assert w.grad == pytest.approx(sum(p * d1(p) for p in points), rel=1e-12)


def test_a_users_atan_works_everywhere(forget):
    forget("atan_user")
    atan = atan_operation("atan_user")
    check_everywhere(atan, math.atan, lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2)
    x = Value(0.5, label="x")
    y = x.atan_user()  # method=True
    assert y.op == "atan_user" and y.parents == (x,) and y.local_grads == (pytest.approx(0.8),)
    assert replay(y).data == y.data
    assert "atan_user(x)" in explain_chain_rule(y, x)


def test_a_users_atan_is_drawn_with_its_name(forget):
    pytest.importorskip("graphviz")
    forget("atan_drawn")
    atan = atan_operation("atan_drawn")
    assert "atan_drawn" in draw_graph(atan(Value(0.5, label="x"))).source


def test_the_lectures_tanh_written_by_hand(forget):
    """The lecture's tanh from exp, with its derivative 1 - tanh^2 written in terms of the result."""
    forget("tanh_by_hand")

    def value(x):
        e = math.exp(2 * x)
        return (e - 1) / (e + 1)

    tanh = operation("tanh_by_hand", value, lambda x, out, m: 1 - out * out, check_at=[0.3, -1.0])
    slope = lambda x: 1 - math.tanh(x) ** 2  # noqa: E731
    check_everywhere(tanh, math.tanh, slope, lambda x: -2 * math.tanh(x) * slope(x))


def test_an_operation_of_two_operands_with_a_constant_on_either_side(forget):
    forget("hypot_user")
    hypot = operation("hypot_user", math.hypot, (lambda x, y, out, m: x / out, lambda x, y, out, m: y / out))
    x = Value(3.0, label="x")
    left, right = hypot(x, 4.0), hypot(4.0, x)
    assert left.data == right.data == 5.0
    assert left.operands == (x, 4.0) and right.operands == (4.0, x)
    assert left.local_grads == (0.6,) and right.local_grads == (0.6,)
    assert replay(right).data == 5.0 and replay(right).operands == (4.0, x)
    both = hypot(x, Value(4.0))
    assert both.local_grads == (0.6, 0.8)
    (dx,) = grad(hypot(x, 4.0), [x], create_graph=True)
    assert grad(dx, [x])[0] == pytest.approx(16.0 / 125.0, rel=1e-12)  # d2/dx2 sqrt(x^2 + 16) = 16 / r^3
    program = trace(lambda v: hypot(v, 4.0), Value(1.0))
    assert program(np.array([3.0, 0.0])).tolist() == pytest.approx([5.0, 4.0], rel=1e-15)


def test_a_refusal_is_raised_on_floats_and_in_a_batch(forget):
    forget("log2_user")
    log2 = operation(
        "log2_user",
        math.log2,
        lambda x, out, m: 1 / (x * math.log(2)),
        numpy=np.log2,
        refusals=[Refusal(ValueError, lambda x, m: x <= 0, "log2({0}) needs a positive number")],
    )
    with pytest.raises(ValueError, match=r"log2_user: log2\(-1.0 \(node 'x'\)\) needs a positive number"):
        log2(Value(-1.0, label="x"))
    program = trace(log2, Value(1.0))
    assert program(np.array([2.0, 8.0])).tolist() == pytest.approx([1.0, 3.0], rel=1e-15)
    with pytest.raises(ValueError, match=r"log2\(-4.0\) needs a positive number in sample 1 of the batch"):
        program(np.array([2.0, -4.0]))


def test_defining_it_again_replaces_it(forget):
    """A notebook cell run twice defines the same operation twice: the second definition wins."""
    forget("twice")
    operation("twice", lambda x: 2 * x, lambda x, out, m: 3.0)  # a wrong slope, then corrected
    twice = operation("twice", lambda x: 2 * x, lambda x, out, m: 2.0, method=True)
    assert Value(1.0).twice().local_grads == (2.0,) and twice(Value(1.0)).local_grads == (2.0,)


def test_the_engine_gains_an_operation_from_one_record(forget):
    """What adding a built-in operation takes: one record (here registered for the test only)."""
    forget("atan")
    register(
        Operation(
            "atan",
            math.atan,
            (lambda x, out, m: 1 / (1 + x * x),),
            numpy=np.arctan,
            method="atan",
            arity=1,
        )
    )
    check_everywhere(Value.atan, math.atan, lambda x: 1 / (1 + x * x), lambda x: -2 * x / (1 + x * x) ** 2)
    x = Value(0.5, label="x")
    assert "atan(x)" in explain_chain_rule(x.atan(), x)
    try:
        import graphviz  # noqa: F401
    except ImportError:
        pass  # the picture is checked where graphviz is installed (CI has it)
    else:
        assert "label=atan " in draw_graph(x.atan()).source  # the operation node, named by its record
    torch = pytest.importorskip("torch")
    t = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.atan(t), t, create_graph=True)
    (h,) = torch.autograd.grad(g, t)
    x = Value(0.7)
    (first,) = grad(x.atan(), [x], create_graph=True)
    assert first.data == pytest.approx(g.item(), rel=1e-15)
    assert grad(first, [x])[0] == pytest.approx(h.item(), rel=1e-15)


BAD = [
    (("tanh", math.tanh, lambda x, out, m: 1.0), ValueError, "one of the engine's operations"),
    (("bad name", math.atan, lambda x, out, m: 1.0), ValueError, "name must be a name"),
    (("f1", 3.0, lambda x, out, m: 1.0), TypeError, "value must be a function"),
    (("f2", math.atan, "1 / (1 + x * x)"), TypeError, "derivatives must be a function"),
    (("f3", math.atan, (lambda x, out, m: 1.0, lambda x, out, m: 1.0)), ValueError, "value takes 1 operand but 2"),
    (("f4", lambda x, y: x * y, lambda x, out, m: 1.0), ValueError, "takes 2 operands but 1 derivative was given"),
    (("f5", math.atan, lambda x: 1.0), TypeError, r"derivatives\[0\] takes 1 argument; it is called as d\(x, out, m\)"),
    (("f6", math.atan, (lambda x, out, m: 1.0, 7)), ValueError, "value takes 1 operand but 2"),
]


@pytest.mark.parametrize("args, error, words", BAD, ids=[b[2] for b in BAD])
def test_bad_definitions_are_refused_naming_what_is_wrong(args, error, words, forget):
    forget(args[0])
    with pytest.raises(error, match=words):
        operation(*args)
    assert args[0] not in REGISTRY or args[0] == "tanh"


def test_a_method_name_that_clashes_is_refused(forget):
    forget("data")
    with pytest.raises(ValueError, match="Value already has an attribute 'data'"):
        operation("data", math.atan, lambda x, out, m: 1.0, method=True)


def test_a_wrong_derivative_is_caught_by_check_at(forget):
    forget("atan_wrong")
    with pytest.raises(GradcheckError, match=r"operation 'atan_wrong': its derivatives disagree .* at \(0.5,\)"):
        operation("atan_wrong", math.atan, lambda x, out, m: 1 / (1 + x), check_at=[0.5])
    assert "atan_wrong" not in REGISTRY


def test_a_derivative_that_gives_no_number_is_named(forget):
    forget("pair")
    pair = operation("pair", math.atan, lambda x, out, m: (1.0, 2.0))
    words = r"pair: derivatives\[0\] at \(0.5,\) gave tuple \(1.0, 2.0\); it must give one number"
    with pytest.raises(TypeError, match=words):
        pair(Value(0.5))


def test_a_refusal_holds_in_a_batch_without_a_numpy_form(forget):
    """value one sample at a time would raise Python's own error: the refusal is checked before it."""
    forget("log2_plain")
    refused = [Refusal(ValueError, lambda x, m: x <= 0, "log2({0}) needs a positive number")]
    log2 = operation("log2_plain", math.log2, lambda x, out, m: 1 / (x * math.log(2)), refusals=refused)
    program = trace(log2, Value(1.0))
    assert program(np.array([2.0, 8.0])).tolist() == pytest.approx([1.0, 3.0], rel=1e-15)
    with pytest.raises(ValueError, match=r"log2_plain: log2\(-1.0\) needs a positive number in sample 1"):
        program(np.array([2.0, -1.0]))


def test_a_derivative_written_with_math_is_refused_where_it_would_lose_its_own_derivative(forget):
    forget("exp_math")
    e = operation("exp_math", math.exp, lambda x, out, m: math.exp(x))  # should be m.exp(x) (or out)
    x = Value(0.5)
    e(x).backward()  # on floats math.exp is fine
    assert x.grad == pytest.approx(math.exp(0.5))
    with pytest.raises(TypeError, match=r"exp_math: its derivative turned a Value into a float .*m\.exp\(x\)"):
        hessian(e(x), [x])


def test_errors_inside_a_users_code_name_the_operation(forget):
    forget("where_wrong")
    bad = operation("where_wrong", abs, lambda x, out, m: m.where(x > 0, 1.0, -1.0))  # yes/no must be functions
    with pytest.raises(TypeError, match=r"where_wrong: its derivatives at \(0.5\) raised TypeError: .* m\.where"):
        bad(Value(0.5))
    forget("sqrt_plain")
    root = operation("sqrt_plain", math.sqrt, lambda x, out, m: 0.5 / out)
    with pytest.raises(ValueError, match=r"sqrt_plain: its value at \(-1.0\) raised ValueError: math domain error"):
        root(Value(-1.0))


MORE_BAD = [
    (dict(method="atan2x"), TypeError, "method must be True or False"),
    (dict(refusals=Refusal(ValueError, lambda x, m: x < 0, "{0}")), TypeError, "refusals must be a list of Refusal"),
    (dict(refusals=[Refusal(ValueError, lambda x, m: x < 0, "{1} < 0")]), ValueError, r"may name only .*\{0\}"),
    (dict(check_at=0.5), TypeError, "check_at must be a non-empty list of points"),
    (dict(check_at=["a"]), TypeError, r"check_at\[0\] is str 'a'; a point is a number"),
    (dict(check_at=[(1.0, 2.0)]), TypeError, r"check_at\[0\] is tuple \(1.0, 2.0\); a point is a number"),
]


@pytest.mark.parametrize("settings, error, words", MORE_BAD, ids=[b[2] for b in MORE_BAD])
def test_bad_settings_are_refused_naming_them(settings, error, words, forget):
    forget("atan_set")
    with pytest.raises(error, match=words):
        operation("atan_set", math.atan, lambda x, out, m: 1 / (1 + x * x), **settings)


def test_a_bad_refusal_and_a_check_point_outside_the_domain_are_named(forget):
    with pytest.raises(TypeError, match="Refusal: error must be an exception class"):
        Refusal("oops", lambda x, m: x < 0, "{0}")
    forget("log_checked")
    with pytest.raises(ValueError, match=r"operation 'log_checked': check_at point \(-1.0,\) cannot be checked"):
        operation("log_checked", math.log, lambda x, out, m: 1 / x, check_at=[-1.0])


def test_a_value_with_a_default_parameter_may_take_that_operand(forget):
    forget("scaled")
    scaled = operation("scaled", lambda x, a=2.0: a * x, (lambda x, a, out, m: a, lambda x, a, out, m: x))
    assert scaled(Value(3.0), 0.5).data == 1.5


def test_defining_it_again_without_its_method_removes_the_method(forget):
    forget("twice_m")
    operation("twice_m", lambda x: 2 * x, lambda x, out, m: 2.0, method=True)
    assert hasattr(Value(1.0), "twice_m")
    operation("twice_m", lambda x: 2 * x, lambda x, out, m: 2.0)
    assert not hasattr(Value(1.0), "twice_m")


def test_a_constant_before_a_parent_is_drawn_where_it_stands(forget):
    from autograd.pictures.naming import op_text

    forget("hyp_drawn")
    hyp = operation("hyp_drawn", math.hypot, (lambda x, y, out, m: x / out, lambda x, y, out, m: y / out))
    b = Value(4.0, label="b")
    assert op_text(hyp(3.0, b)) == "hyp_drawn(3, _)" and op_text(hyp(b, 3.0)) == "hyp_drawn(3)"
    assert op_text(b) == ""  # a leaf shows no operation

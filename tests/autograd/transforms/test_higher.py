"""grad, hessian and hvp (autograd/transforms/higher.py): derivatives of derivatives.

Every operation's second and third derivatives against central differences of
the engine's one-order-lower derivatives (core/test_ops.py's operations and points);
hand-derived closed forms; random graphs (core/test_hypothesis.py's generator):
Hessians symmetric and equal to finite differences of the gradient, hvp equal
to hessian @ v; bad input. PyTorch's second and third derivatives are in
test_higher_torch.py.
"""

import math

import numpy as np
import pytest
from checks import check_message
from test_ops import CASES

from autograd import Value, grad, hessian, hvp, no_grad, topological_order

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra: pip install -e '.[test]'")
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_hypothesis import BOUND, checked_run, execute, programs  # noqa: E402

H = 1e-5  # central-difference step for derivatives of analytic derivatives


def derivatives(fn, point, order: int):
    """The engine's derivative tensor of the given order (1, 2 or 3) of fn at point, as nested lists."""
    xs = [Value(p) for p in point]
    layer = [fn(*xs)]
    for _ in range(order - 1):
        layer = [d for f in layer for d in grad(f, xs, create_graph=True)]
    flat = [d for f in layer for d in grad(f, xs)]
    return np.array(flat).reshape((len(point),) * order)


def numeric_derivative_of(fn, point, order: int):
    """Central differences of the engine's derivative of order - 1: one more axis, last."""
    columns = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        columns.append((derivatives(fn, up, order - 1) - derivatives(fn, down, order - 1)) / (2 * H))
    return np.stack(columns, axis=-1)


@pytest.mark.parametrize("entry, point", CASES, ids=[f"{e[0]} at {p}" for e, p in CASES])
@pytest.mark.parametrize("order", [2, 3])
def test_second_and_third_derivatives_match_differences_of_the_one_below(entry, point, order):
    _, fn, _, _ = entry
    engine = derivatives(fn, point, order)
    numeric = numeric_derivative_of(fn, point, order)
    scale = 1.0 + np.abs(numeric).max()
    assert np.allclose(engine, numeric, rtol=1e-6, atol=1e-6 * scale), (engine, numeric)


# ---- closed forms, by hand --------------------------------------------------------------


def nth(fn, x0: float, n: int) -> list[float]:
    """f', f'', ..., f^(n) at x0 by repeated grad."""
    x = Value(x0)
    f, out = fn(x), []
    for _ in range(n):
        (f,) = grad(f, [x], create_graph=True)
        out.append(f.data)
    return out


def test_derivatives_of_exp_sin_and_a_polynomial():
    assert nth(lambda x: x.exp(), 0.3, 4) == pytest.approx([math.exp(0.3)] * 4, rel=1e-15)
    s, c = math.sin(0.7), math.cos(0.7)
    assert nth(lambda x: x.sin(), 0.7, 4) == pytest.approx([c, -s, -c, s], rel=1e-14)
    # x^5: 5x^4, 20x^3, 60x^2, 120x, 120, 0
    assert nth(lambda x: x**5, 1.5, 6) == pytest.approx([25.3125, 67.5, 135.0, 180.0, 120.0, 0.0], rel=1e-14)


def test_derivatives_of_the_activations():
    t = math.tanh(0.4)  # tanh'' = -2 t (1 - t^2), tanh''' = -2 (1 - t^2)(1 - 3 t^2)
    assert nth(lambda x: x.tanh(), 0.4, 3) == pytest.approx(
        [1 - t * t, -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)], rel=1e-13
    )
    s = 1 / (1 + math.exp(0.8))  # sigmoid at -0.8; sigmoid'' = s (1 - s)(1 - 2 s)
    assert nth(lambda x: x.sigmoid(), -0.8, 2) == pytest.approx([s * (1 - s), s * (1 - s) * (1 - 2 * s)], rel=1e-13)
    phi = math.exp(-0.5 * 0.25) / math.sqrt(2 * math.pi)  # gelu'' = phi(x)(2 - x^2) at x = 0.5
    assert nth(lambda x: x.gelu(), 0.5, 2)[1] == pytest.approx(phi * 1.75, rel=1e-13)
    assert nth(lambda x: x.log(), 2.0, 3) == pytest.approx([0.5, -0.25, 0.25], rel=1e-15)
    assert nth(lambda x: x.sqrt(), 4.0, 2) == pytest.approx([0.25, -1 / 32], rel=1e-15)


def test_mixed_derivatives_of_a_product_and_a_power():
    x, y = Value(1.5), Value(-0.5)
    assert hessian(x * x * y, [x, y]).tolist() == [[-1.0, 3.0], [3.0, 0.0]]  # d2/dx2 = 2y, d2/dxdy = 2x
    # x ** y: d2/dx dy = x^(y-1) (1 + y ln x)
    mixed = 1.5**-1.5 * (1 - 0.5 * math.log(1.5))
    assert hessian(x**y, [x, y])[0, 1] == pytest.approx(mixed, rel=1e-14)
    assert hessian(x**y, [x, y])[1, 0] == pytest.approx(mixed, rel=1e-14)
    a = Value(0.2)  # prelu: x if x > 0 else a x; d2/dx da = 1 on the left, 0 on the right
    assert hessian(Value(-2.0).leaky_relu(a), [a]).tolist() == [[0.0]]
    left = Value(-2.0)
    assert hessian(left.leaky_relu(a), [left, a]).tolist() == [[0.0, 1.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.relu(),
        lambda x: abs(x),
        lambda x: x.step(),
        lambda x: x.leaky_relu(0.1),
        lambda x: x.hardtanh(),
        lambda x: x.elu(),
    ],
    ids=["relu", "abs", "step", "leaky_relu", "hardtanh", "elu"],
)
@pytest.mark.parametrize("x0", [-1.0, 0.0, 1.0])
def test_kinks_have_second_derivative_zero_at_and_beside_the_kink(make, x0):
    x = Value(x0)
    (d1,) = grad(make(x), [x], create_graph=True)
    (d2,) = grad(d1, [x])
    if make(Value(-1.0)).op == "elu" and x0 < 0:
        assert d2 == pytest.approx(math.exp(x0))  # elu's left side is curved: alpha e^x
    else:
        assert d2 == 0.0
    x.data = x0  # the first derivative at the kink is the one backward() uses
    out = make(x)
    out.backward()
    assert d1.data == x.grad


# ---- the edges: infinite slopes, overflow, a base with no logarithm ------------------------


def power_derivatives_by_hand(p: float, x0: float, n: int) -> list[float]:
    """d^k/dx^k x^p = p (p-1) ... (p-k+1) x^(p-k), k = 1..n, at x0 >= 0 (at 0 the limit from the right),
    each factor and power in logarithms, so a value past the largest float is +-inf."""
    out, coefficient = [], 1.0
    for k in range(1, n + 1):
        coefficient *= p - k + 1
        e = p - k
        if coefficient == 0.0 or (x0 == 0.0 and e > 0.0):
            out.append(0.0)
        elif e == 0.0:
            out.append(coefficient)
        elif x0 == 0.0:
            out.append(math.copysign(math.inf, coefficient))
        else:
            log_size = math.log(abs(coefficient)) + e * math.log(x0)
            out.append(math.copysign(math.exp(log_size) if log_size < 709.0 else math.inf, coefficient))
    return out


@pytest.mark.parametrize("p", [0.5, 0.3, 1.5, 2.5, 1.0, 2.0, 3.0, 4.0])
@pytest.mark.parametrize("x0", [0.0, -0.0, 1e-300, 1e-100])
def test_powers_at_and_next_to_zero_have_the_limits_from_the_right(p, x0):
    """sqrt at 0 is the reported case: f''' = -1/4 * -3/2 * inf = +inf, where it raised ZeroDivisionError.
    -0.0 is 0 (the square root's domain starts there)."""
    expected = power_derivatives_by_hand(p, abs(x0), 4)
    got = nth(lambda x: x**p, x0, 4)
    assert got == pytest.approx(expected, rel=1e-12), (got, expected)
    if p == 0.5:
        assert nth(lambda x: x.sqrt(), x0, 4) == pytest.approx(expected, rel=1e-12)


def test_sqrt_at_zero_in_a_graph_and_through_hessian_and_hvp():
    x = Value(0.0, label="x")
    assert nth(lambda v: v.sqrt().sqrt(), 0.0, 3) == [math.inf, -math.inf, math.inf]  # x^(1/4)
    assert hessian(x.sqrt(), [x]).tolist() == [[-math.inf]]
    assert hvp(x.sqrt(), [x], [2.0]).tolist() == [-math.inf]
    (d1,) = grad(x.sqrt(), [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x], create_graph=True)
    assert [d1.data, d2.data, d3.data, grad(d3, [x])[0]] == [math.inf, -math.inf, math.inf, -math.inf]


def test_exponents_with_a_base_without_logarithm_are_refused_beyond_the_first_derivative():
    """d/dy x^y = x^y ln x: at a base <= 0 there is no ln x to differentiate again (PyTorch gives nan)."""
    x, y = Value(0.0, label="base"), Value(0.5)
    assert grad(x**y, [x, y]) == [math.inf, 0.0]  # the first derivatives, as backward() gives them
    for call in (lambda: grad(x**y, [x, y], create_graph=True), lambda: hessian(x**y, [y, x])):
        with pytest.raises(ValueError) as info:
            call()
        check_message(info, "x ** y", "base 0.0", "'base'", "ln(base)", "<= 0")
    n = Value(3.0)
    with pytest.raises(ValueError) as info:
        hessian(Value(-2.0) ** n, [n])
    check_message(info, "hessian", "base -2.0", "ln(base)")
    z = Value(3.0)
    with pytest.raises(ValueError) as info:
        hvp((-2.0) ** z, [z], [1.0])
    check_message(info, "hvp", "(-2.0) ** x", "x = 3.0")
    w = Value(0.0)
    with pytest.raises(ValueError) as info:
        hessian(0.0**w, [w])  # 0 ** 0 = 1, 0 ** w = 0 for w > 0: no derivative at all
    check_message(info, "0.0 ** x at x = 0.0")
    # an exponent that does not depend on the inputs is a constant there: x ** y at base 0 in x alone
    base = Value(0.0)
    assert hessian(base ** Value(2.0), [base]).tolist() == [[2.0]]
    # 0 ** y is 0 for every y > 0: all its derivatives are 0 (PyTorch: nan)
    assert hessian(x**y, [y]).tolist() == [[0.0]]
    assert nth(lambda v: 0.0**v, 0.5, 3) == [0.0, 0.0, 0.0]
    assert nth(lambda v: Value(0.0) ** v, 2.0, 3) == [0.0, 0.0, 0.0]


def test_x_to_the_y_at_exponent_zero_by_hand():
    """f = x^y at (2, 0): f_xy = x^(y-1)(1 + y ln x) = 1/2 on both sides of the diagonal (PyTorch's pow
    treats its slope in x as the constant 0 when the exponent is 0, so it gives 0 on one side)."""
    x, y = Value(2.0), Value(0.0)
    ln2 = math.log(2.0)
    assert np.allclose(hessian(x**y, [x, y]), [[0.0, 0.5], [0.5, ln2**2]], rtol=1e-15, atol=0)
    fx, fy = grad(x**y, [x, y], create_graph=True)
    # f_xxy = (2y - 1) x^(y-2) + y (y-1) x^(y-2) ln x = -1/4; f_xyy = x^(y-1)(2 ln x + y ln^2 x) = ln 2
    assert grad(grad(fx, [x], create_graph=True)[0], [y]) == pytest.approx([-0.25], rel=1e-15)
    assert grad(grad(fx, [y], create_graph=True)[0], [y]) == pytest.approx([ln2], rel=1e-15)
    assert grad(grad(fy, [y], create_graph=True)[0], [x]) == pytest.approx([ln2], rel=1e-15)


def test_gelu_at_the_infinities_has_the_limits():
    """gelu' = Phi + x phi -> 1 at +inf and 0 at -inf; gelu'' = phi (2 - x^2) -> 0 (PyTorch: nan)."""
    assert nth(lambda x: x.gelu(), math.inf, 3) == [1.0, 0.0, 0.0]
    assert nth(lambda x: x.gelu(), -math.inf, 3) == [0.0, 0.0, 0.0]


def test_prelu_at_its_kink_is_the_left_piece():
    """At x = 0 leaky_relu(a) is the left piece a x (its slope a, as backward() gives), so d2/dx da = 1.
    PyTorch gives a slope a but a mixed derivative 0 there."""
    x, a = Value(0.0), Value(0.3)
    assert grad(x.leaky_relu(a), [x, a]) == [0.3, 0.0]
    assert hessian(x.leaky_relu(a), [x, a]).tolist() == [[0.0, 1.0], [1.0, 0.0]]


def test_the_third_derivative_of_a_quadratic_is_zero():
    x, y = Value(0.3), Value(-1.1)
    q = 3.0 * x * x + x * y - 2.0 * y
    (dx,) = grad(q, [x], create_graph=True)
    (dxx,) = grad(dx, [x], create_graph=True)
    assert dxx.data == 6.0
    assert grad(dxx, [x, y]) == [0.0, 0.0]
    (dxxx,) = grad(dxx, [x], create_graph=True)
    assert isinstance(dxxx, Value) and dxxx.data == 0.0
    assert hessian(q, [x, y]).tolist() == [[6.0, 1.0], [1.0, 0.0]]


def test_an_input_the_output_does_not_depend_on_gets_zero():
    x, y = Value(2.0), Value(3.0)
    assert grad(x * x, [x, y]) == [4.0, 0.0]
    dx, dy = grad(x * x, [x, y], create_graph=True)
    assert isinstance(dy, Value) and dy.data == 0.0 and dx.data == 4.0
    assert grad(Value(5.0), [x]) == [0.0]  # a constant output
    assert grad(x, [x]) == [1.0]


def test_grad_equals_backward_and_touches_no_grad():
    x, y = Value(0.6, label="x"), Value(-1.3, label="y")
    f = (x * y).tanh() * x + (x / y).exp() + (x * x).sigmoid()
    nodes = topological_order(f)
    for node in nodes:
        node.grad = 7.0
    values = grad(f, [x, y])
    second = hessian(f, [x, y])
    products = hvp(f, [x, y], [1.0, -2.0])
    assert all(node.grad == 7.0 for node in nodes)
    for node in nodes:
        node.grad = 0.0
    f.backward()
    assert values == [x.grad, y.grad]  # the same floats, added in the same order
    assert second[0, 1] == pytest.approx(second[1, 0], rel=1e-13)
    assert np.allclose(products, second @ [1.0, -2.0], rtol=1e-13, atol=0)


def test_grad_of_an_interior_node_and_of_a_node_used_twice():
    x = Value(0.5)
    u = x.tanh()
    f = u * u * x
    # df/du holding x: 2 u x
    assert grad(f, [u]) == pytest.approx([2 * math.tanh(0.5) * 0.5])
    assert grad(f, [x, u])[1] == pytest.approx(2 * math.tanh(0.5) * 0.5)


def test_an_input_listed_twice_gets_its_derivative_in_both_places():
    """As torch.autograd.grad: f = x^2 y + sin x, inputs [x, y, x]."""
    x, y = Value(0.7, label="x"), Value(-0.3, label="y")
    f = x * x * y + x.sin()
    dx, dy = 2 * 0.7 * -0.3 + math.cos(0.7), 0.49
    assert grad(f, [x, y, x]) == pytest.approx([dx, dy, dx], rel=1e-15)
    as_values = grad(f, [x, y, x], create_graph=True)
    assert [d.data for d in as_values] == pytest.approx([dx, dy, dx], rel=1e-15)
    assert grad(as_values[2], [x]) == pytest.approx([2 * -0.3 - math.sin(0.7)], rel=1e-15)
    fxx, fxy = 2 * -0.3 - math.sin(0.7), 2 * 0.7
    expected = [[fxx, fxy, fxx], [fxy, 0.0, fxy], [fxx, fxy, fxx]]
    assert np.allclose(hessian(f, [x, y, x]), expected, rtol=1e-14, atol=0)
    v = [1.0, 2.0, -0.5]
    assert np.allclose(hvp(f, [x, y, x], v), np.array(expected) @ v, rtol=1e-14, atol=0)
    assert grad(x * 3.0, [x, x, x]) == [3.0, 3.0, 3.0]


def test_long_chains_need_no_recursion():
    x = Value(0.1)
    f = x
    for _ in range(3000):
        f = (f * 0.999).sin()
    (d1,) = grad(f, [x], create_graph=True)
    (d2,) = grad(d1, [x])
    assert math.isfinite(d2)


# ---- random graphs -------------------------------------------------------------------


def _gradient_at(program, point):
    leaves, _, out, run = execute(program, point)
    return grad(out, leaves), run.decisions


@given(programs(max_leaves=3, max_steps=12))
def test_random_graphs_hessian_symmetric_and_equal_to_differences(program):
    leaves, nodes, out, run = checked_run(program)
    h = hessian(out, leaves)
    assume(np.all(np.isfinite(h)) and np.abs(h).max() < BOUND**2)
    assert np.allclose(h, h.T, rtol=1e-9, atol=1e-9)
    point = program[0]
    for i in range(len(leaves)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        (g_up, d_up), (g_down, d_down) = _gradient_at(program, up), _gradient_at(program, down)
        assume(d_up == run.decisions and d_down == run.decisions)
        numeric = (np.array(g_up) - np.array(g_down)) / (2 * H)
        assert np.allclose(h[:, i], numeric, rtol=1e-4, atol=1e-4), (i, h[:, i], numeric)


@given(programs(max_leaves=4, max_steps=15), st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4))
def test_random_graphs_hvp_equals_hessian_times_v(program, v):
    leaves, nodes, out, run = checked_run(program)
    v = v[: len(leaves)]
    h = hessian(out, leaves)
    assume(np.all(np.isfinite(h)) and np.abs(h).max() < BOUND**2)
    assert np.allclose(hvp(out, leaves, v), h @ v, rtol=1e-9, atol=1e-9 * (1 + np.abs(h).max()))


@given(programs(max_leaves=3, max_steps=12))
def test_random_graphs_first_derivatives_as_values_equal_backward(program):
    leaves, nodes, out, run = checked_run(program)  # backpropagated: leaves hold the gradient
    as_values = grad(out, leaves, create_graph=True)
    assert [d.data for d in as_values] == pytest.approx([leaf.grad for leaf in leaves], rel=1e-12, abs=1e-12)
    assert grad(out, leaves) == [leaf.grad for leaf in leaves]


# ---- bad input -----------------------------------------------------------------------

X = Value(1.0, label="x")
F = X * X

BAD = [
    ("float output", lambda: grad(2.0, [X]), TypeError, ["grad", "output", "float", "2.0", "create_graph=True"]),
    ("list output", lambda: grad([F], [X]), TypeError, ["grad", "output", "list"]),
    ("empty inputs", lambda: grad(F, []), ValueError, ["grad", "inputs", "empty"]),
    ("a set of inputs", lambda: grad(F, {X}), TypeError, ["grad", "inputs", "set", "order", "list"]),
    ("a number among the inputs", lambda: grad(F, [X, 1.5]), TypeError, ["grad", "inputs[1]", "float", "1.5"]),
    ("a string", lambda: grad(F, "x"), TypeError, ["grad", "inputs", "str", "'x'"]),
    ("create_graph not a bool", lambda: grad(F, [X], create_graph="yes"), TypeError, ["create_graph", "'yes'"]),
    ("hessian of a float", lambda: hessian(1.0, [X]), TypeError, ["hessian", "output", "float"]),
    ("hessian, empty", lambda: hessian(F, ()), ValueError, ["hessian", "inputs", "empty"]),
    ("hvp, short vector", lambda: hvp(F, [X], [1.0, 2.0]), ValueError, ["hvp", "vector", "2", "1 inputs"]),
    ("hvp, a string in it", lambda: hvp(F, [X], ["a"]), TypeError, ["hvp", "vector[0]", "str", "'a'"]),
    ("hvp, nan", lambda: hvp(F, [X], [math.nan]), ValueError, ["hvp", "vector[0]", "nan", "finite"]),
    ("hvp, no vector", lambda: hvp(F, [X], None), TypeError, ["hvp", "vector", "NoneType"]),
]


@pytest.mark.parametrize("name, call, kind, parts", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(name, call, kind, parts):
    with pytest.raises(kind) as info:
        call()
    check_message(info, *parts)


def test_a_graph_built_under_no_grad_is_refused():
    x = Value(2.0, label="x")
    with no_grad():
        y = x * x
    for call in (lambda: grad(y, [x]), lambda: grad(y, [x], create_graph=True)):
        with pytest.raises(ValueError) as info:
            call()
        check_message(info, "grad", "no_grad()", "4.0", "no parents")
    with pytest.raises(ValueError) as info:
        hessian(y, [x])
    check_message(info, "hessian", "no_grad()")
    assert grad(y, [y]) == [1.0]  # its derivative with respect to itself is still 1


def test_results_of_no_grad_used_later_are_constants():
    """As PyTorch's detached tensors: h = tanh(x) made under no_grad() is a number in h x + h."""
    x = Value(2.0, label="x")
    with no_grad():
        h = x.tanh()
    assert grad(h * x + h, [x]) == [math.tanh(2.0)]
    assert hessian(h * x + h, [x]).tolist() == [[0.0]]
    (slope,) = grad(h * x, [x], create_graph=True)  # the slope is h itself: a constant, differentiable to 0
    assert slope.data == math.tanh(2.0) and grad(slope, [x]) == [0.0]
    assert grad(slope, [h]) == [1.0]


def test_create_graph_inside_no_grad_is_refused():
    x = Value(2.0)
    f = x * x
    with no_grad():
        assert grad(f, [x]) == [4.0]  # plain numbers need no recording
        with pytest.raises(RuntimeError) as info:
            grad(f, [x], create_graph=True)
        check_message(info, "grad", "create_graph=True", "no_grad()")
        with pytest.raises(RuntimeError) as info:
            hessian(f, [x])
        check_message(info, "hessian", "no_grad()")


def test_hvp_inside_no_grad_is_refused():
    x = Value(2.0)
    f = x * x * x
    with no_grad():
        with pytest.raises(RuntimeError) as info:
            hvp(f, [x], [1.0])
    check_message(info, "hvp", "no_grad()")
    assert hvp(f, [x], [1.0]).tolist() == [12.0]  # 6x at x = 2, outside the block

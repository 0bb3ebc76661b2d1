"""The slides' table of activations (lecture notes, section 6), formula by formula, and the kink
conventions of the README's "Numerical policy".

This file is the slides' table written as tests, so a reader can check it
against them: the values are computed here from textbook formulas (tanh from
exp, GELU from the `statistics` normal distribution, hand numbers), but the
derivatives are the slides' closed forms (sigmoid' = s (1 - s), tanh' = 1 - t^2,
...), which are the same expressions autograd/core/operations.py uses. They document the
formulas; they do not prove them. The independent checks are elsewhere, for
every operation: test_ops.py compares each gradient with central differences,
test_torch.py with PyTorch (including the slopes at 0 where PyTorch makes the
same choice). The kink conventions below (slopes exactly at 0, hardtanh's
borders) are choices, not formulas: no numerical derivative exists there, so
they are checked against the README's policy by hand.
"""

import math
from statistics import NormalDist

import pytest

from autograd import Value, total

POINTS = [-2.5, -1.2, -0.3, 0.4, 0.9, 2.0]
GRID = [i / 4 for i in range(-24, 25)]  # -6 .. 6
STANDARD_NORMAL = NormalDist(0.0, 1.0)


def value_and_grad(method, z, *args):
    """f(z) and f'(z) by the engine, for a method name of Value."""
    x = Value(z, label="z")
    out = getattr(x, method)(*args)
    out.backward()
    return out.data, x.grad


def close(expected):
    return pytest.approx(expected, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("z", POINTS)
def test_sigmoid(z):
    s = 1.0 / (1.0 + math.exp(-z))
    assert value_and_grad("sigmoid", z) == (close(s), close(s * (1.0 - s)))


def test_sigmoid_hand_numbers_and_range():
    assert value_and_grad("sigmoid", 0.0) == (0.5, 0.25)
    assert all(0.0 < Value(z).sigmoid().data < 1.0 for z in GRID)


@pytest.mark.parametrize("z", POINTS)
def test_tanh(z):
    t = (math.exp(z) - math.exp(-z)) / (math.exp(z) + math.exp(-z))
    assert value_and_grad("tanh", z) == (close(t), close(1.0 - t * t))


def test_tanh_hand_numbers_and_range():
    assert value_and_grad("tanh", 0.0) == (0.0, 1.0)
    assert all(-1.0 < Value(z).tanh().data < 1.0 for z in GRID)


@pytest.mark.parametrize(
    "z, value, slope",
    [(-2.0, -1.0, 0.0), (-1.5, -1.0, 0.0), (-0.5, -0.5, 1.0), (0.0, 0.0, 1.0), (0.7, 0.7, 1.0), (3.0, 1.0, 0.0)],
)
def test_hardtanh(z, value, slope):
    assert value_and_grad("hardtanh", z) == (value, slope)


def test_hardtanh_range():
    assert all(-1.0 <= Value(z).hardtanh().data <= 1.0 for z in GRID)


@pytest.mark.parametrize("z", POINTS)
def test_relu(z):
    assert value_and_grad("relu", z) == ((z, 1.0) if z > 0 else (0.0, 0.0))


@pytest.mark.parametrize("z", POINTS)
def test_leaky_relu_default_alpha_is_001(z):
    assert value_and_grad("leaky_relu", z) == ((z, 1.0) if z > 0 else (close(0.01 * z), 0.01))


@pytest.mark.parametrize("z", POINTS)
def test_parametric_relu_gradient_wrt_alpha(z):
    x, alpha = Value(z, label="x"), Value(0.25, label="alpha")
    out = x.leaky_relu(alpha)
    out.backward()
    if z > 0:
        assert (out.data, x.grad, alpha.grad) == (z, 1.0, 0.0)
    else:  # alpha * z: d/dx = alpha, d/dalpha = z
        assert (out.data, x.grad, alpha.grad) == (close(0.25 * z), 0.25, z)


def test_parametric_relu_alpha_learns():
    """One gradient step on alpha moves the output toward a target."""
    alpha = Value(0.1, label="alpha")
    loss = (Value(-2.0).leaky_relu(alpha) - (-1.0)) ** 2  # target -1 needs alpha = 0.5
    loss.backward()
    # d loss / d alpha = 2 (alpha z - t) z = 2 (-0.2 + 1) (-2) = -3.2
    assert alpha.grad == pytest.approx(-3.2)


@pytest.mark.parametrize("z", POINTS + [-30.0, 30.0])
def test_softplus_and_its_derivative_is_sigmoid(z):
    value, slope = value_and_grad("softplus", z)
    assert value == close(math.log1p(math.exp(z)))
    assert slope == close(1.0 / (1.0 + math.exp(-z)))


def test_softplus_range():
    assert all(Value(z).softplus().data > 0.0 for z in GRID)
    assert value_and_grad("softplus", 0.0) == (close(math.log(2.0)), 0.5)


@pytest.mark.parametrize("z", POINTS)
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu(z, alpha):
    value, slope = value_and_grad("elu", z, alpha)
    if z >= 0:
        assert (value, slope) == (z, 1.0)
    else:
        assert (value, slope) == (close(alpha * (math.exp(z) - 1.0)), close(alpha * math.exp(z)))


def test_elu_default_alpha_and_range():
    assert value_and_grad("elu", -1.0) == (close(math.exp(-1.0) - 1.0), close(math.exp(-1.0)))
    assert all(Value(z).elu().data > -1.0 for z in GRID)


@pytest.mark.parametrize("z", POINTS + [0.0])
def test_gelu_is_z_Phi_with_derivative_Phi_plus_z_phi(z):
    phi, pdf = STANDARD_NORMAL.cdf(z), STANDARD_NORMAL.pdf(z)
    value, slope = value_and_grad("gelu", z)
    assert value == pytest.approx(z * phi, rel=1e-9, abs=1e-15)
    assert slope == pytest.approx(phi + z * pdf, rel=1e-9)


@pytest.mark.parametrize("z", POINTS)
def test_sin_cos(z):
    assert value_and_grad("sin", z) == (close(math.sin(z)), close(math.cos(z)))
    assert value_and_grad("cos", z) == (close(math.cos(z)), close(-math.sin(z)))
    assert all(-1.0 <= Value(t).sin().data <= 1.0 and -1.0 <= Value(t).cos().data <= 1.0 for t in GRID)


@pytest.mark.parametrize("z, value", [(-1.0, 0.0), (0.0, 0.0), (1e-12, 1.0), (2.0, 1.0)])
def test_step_is_0_up_to_and_including_0(z, value):
    assert value_and_grad("step", z) == (value, 0.0)


def test_step_gradient_is_zero_inside_a_graph():
    x = Value(0.7)
    out = (x * 3.0).step() * 5.0 + x
    out.backward()
    assert x.grad == 1.0  # only the path around the step contributes


def test_softmax_from_exp_and_total():
    """Softmax (section 6, last row) built from engine primitives: Jacobian s_i (delta_ij - s_j)."""
    z = [1.0, -0.5, 2.0]
    m = max(z)
    expected = [math.exp(v - m) / sum(math.exp(u - m) for u in z) for v in z]
    for i in range(3):
        zs = [Value(v) for v in z]
        exps = [(v - m).exp() for v in zs]
        s_i = exps[i] / total(exps)
        s_i.backward()
        assert s_i.data == close(expected[i])
        for j in range(3):
            assert zs[j].grad == close(expected[i] * ((i == j) - expected[j]))


# ---- kink conventions (README "Numerical policy") ---------------------------


@pytest.mark.parametrize(
    "method, args, value, slope",
    [
        ("relu", (), 0.0, 0.0),
        ("step", (), 0.0, 0.0),
        ("abs", (), 0.0, 0.0),
        ("leaky_relu", (), 0.0, 0.01),
        ("leaky_relu", (0.2,), 0.0, 0.2),
        ("elu", (), 0.0, 1.0),
        ("elu", (0.5,), 0.0, 1.0),
        ("sqrt", (), 0.0, math.inf),
    ],
)
def test_one_sided_slopes_at_zero(method, args, value, slope):
    assert value_and_grad(method, 0.0, *args) == (value, slope)


@pytest.mark.parametrize("z", [-1.0, 1.0])
def test_hardtanh_has_slope_1_at_its_borders(z):
    assert value_and_grad("hardtanh", z) == (z, 1.0)


def test_hardtanh_custom_borders():
    assert value_and_grad("hardtanh", 2.0, -0.5, 2.0) == (2.0, 1.0)
    assert value_and_grad("hardtanh", 2.5, -0.5, 2.0) == (2.0, 0.0)
    assert value_and_grad("hardtanh", -0.6, -0.5, 2.0) == (-0.5, 0.0)


def test_parametric_relu_at_zero():
    x, alpha = Value(0.0), Value(0.3)
    out = x.leaky_relu(alpha)
    out.backward()
    assert (out.data, x.grad, alpha.grad) == (0.0, 0.3, 0.0)


def test_abs_slopes_are_the_sign():
    assert value_and_grad("abs", -2.0) == (2.0, -1.0)
    assert value_and_grad("abs", 2.0) == (2.0, 1.0)


@pytest.mark.parametrize(
    "exponent, value, slope",
    [(0.5, 0.0, math.inf), (1.5, 0.0, 0.0), (2, 0.0, 0.0), (1, 0.0, 1.0), (0, 1.0, 0.0)],
)
def test_power_at_zero(exponent, value, slope):
    x = Value(0.0)
    out = x**exponent
    out.backward()
    assert (out.data, x.grad) == (value, slope)


def test_value_exponent_of_a_negative_base():
    """x ** y with x < 0 exists only at whole y: the value and d/dx are fine, d/dy is nan."""
    x, y = Value(-2.0), Value(3.0)
    out = x**y
    out.backward()
    assert (out.data, x.grad) == (-8.0, 12.0)
    assert math.isnan(y.grad)


def test_value_exponent_of_a_zero_base():
    x, y = Value(0.0), Value(2.0)
    out = x**y
    out.backward()
    assert (out.data, x.grad, y.grad) == (0.0, 0.0, 0.0)


def test_number_base_zero_and_negative():
    x = Value(2.0)
    out = 0**x
    out.backward()
    assert (out.data, x.grad) == (0.0, 0.0)
    x = Value(3.0)
    out = (-2) ** x
    out.backward()
    assert out.data == -8.0 and math.isnan(x.grad)


@pytest.mark.parametrize(
    "x, exponent",
    [(-1e-150, -2), (1e-150, -2), (-1e-200, -1), (1e-200, -1), (-1e-90, -3), (1e-90, -3), (-1e-150, -2.0)],
)
def test_infinite_slope_of_a_power_has_the_sign_of_n_x_to_the_n_minus_1(x, exponent):
    """x ** n finite while x ** (n - 1) overflows: the slope n x^(n-1) is +-inf with the sign
    of n times the sign of x^(n-1) (negative for x < 0 and odd n - 1)."""
    v = Value(x)
    out = v**exponent
    assert math.isfinite(out.data)
    out.backward()
    odd = (exponent - 1) % 2 == 1
    expected_sign = (1 if exponent > 0 else -1) * (-1 if x < 0 and odd else 1)
    assert v.grad == expected_sign * math.inf
    # the same slope for a Value exponent
    v, y = Value(x), Value(float(exponent))
    (v**y).backward()
    assert v.grad == expected_sign * math.inf

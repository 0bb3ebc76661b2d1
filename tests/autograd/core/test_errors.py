"""Bad input and the numerical policy (README "Numerical policy"): wrong
operand types, domain errors with messages naming the operation, the value
and the label, NaN/inf propagation, and no overflow in the activations."""

import math
import operator

import numpy as np
import pytest
from checks import check_message

from autograd import DomainError, Value, dot, total
from autograd.core.operations import BUILTIN
from autograd.core.registry import REGISTRY

# ---- operand types -------------------------------------------------------------

ENGINE = [record for record in REGISTRY.values() if record.name in BUILTIN]  # the one table, in its order


def methods(record) -> tuple:
    """The Value methods that apply a record's operation ("__add__", "__radd__"; "tanh")."""
    return record.method if isinstance(record.method, tuple) else tuple(filter(None, [record.method]))


BAD_OPERANDS = ["3", None, 2j, [1.0], (1.0,), {"a": 1}]
# Python's arithmetic operators: the records written between two operands (x + y), not reflected (2 - x)
BINARY = [
    (record.symbol, getattr(operator, methods(record)[0].strip("_")))
    for record in ENGINE
    if record.symbol and not record.reflected and not callable(record.derivatives) and len(record.derivatives) == 2
]


def test_the_operator_table_is_read_from_the_records():
    assert [symbol for symbol, _ in BINARY] == ["+", "-", "*", "/", "**"]
    assert BINARY[0][1] is operator.add and BINARY[-1][1] is operator.pow


@pytest.mark.parametrize("bad", BAD_OPERANDS, ids=repr)
@pytest.mark.parametrize("symbol, op", BINARY, ids=[s for s, _ in BINARY])
def test_bad_operand_on_either_side(symbol, op, bad):
    x = Value(1.5, label="x")
    for args in ((x, bad), (bad, x)):
        with pytest.raises(TypeError) as info:
            op(*args)
        message = str(info.value)
        assert symbol in message and type(bad).__name__ in message and repr(bad) in message


@pytest.mark.parametrize("bad", BAD_OPERANDS, ids=repr)
def test_bad_operand_in_functions(bad):
    x = Value(-1.5, label="x")
    with pytest.raises(TypeError, match="leaky_relu"):
        x.leaky_relu(bad)
    with pytest.raises(TypeError, match="dot"):
        dot([x], [bad])
    if bad is not None:  # None is "no bias"
        with pytest.raises(TypeError, match="dot"):
            dot([x], [1.0], bad)
    with pytest.raises(TypeError, match="total"):
        total([x, bad])


@pytest.mark.parametrize("bad", ["0.5", 2j, [1.0], Value(0.5)], ids=repr)
@pytest.mark.parametrize("z", [-1.0, 1.0])  # on both sides of the kink
def test_bad_parameters_of_elu_and_hardtanh(bad, z):
    """elu's alpha and hardtanh's borders are numbers (only leaky_relu's alpha may be a Value)."""
    with pytest.raises(TypeError, match="elu"):
        Value(z).elu(bad)
    with pytest.raises(TypeError, match="hardtanh"):
        Value(z).hardtanh(bad)
    with pytest.raises(TypeError, match="hardtanh"):
        Value(z).hardtanh(-1.0, bad)


@pytest.mark.parametrize("bad", ["3", None, 2j, 1 + 0j, [1.0], "nan"], ids=repr)
def test_value_of_a_non_number(bad):
    with pytest.raises(TypeError) as info:
        Value(bad)
    assert "Value" in str(info.value) and type(bad).__name__ in str(info.value)


def test_value_of_a_value():
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))


def test_dot_lengths_must_match():
    with pytest.raises(ValueError) as info:
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    check_message(info, "dot", "weights", "2", "inputs", "3")


def test_backward_seed_must_be_a_number():
    with pytest.raises(TypeError, match="backward"):
        Value(1.0).backward("1")


# ---- numbers that are accepted -------------------------------------------------

NUMPY_SCALARS = [np.float32(0.5), np.float64(0.5), np.int64(2), np.int32(2), np.float16(0.5)]


@pytest.mark.parametrize("n", NUMPY_SCALARS, ids=lambda n: type(n).__name__)
def test_numpy_scalars_are_numbers_and_results_are_plain_floats(n):
    x = Value(1.5, label="x")
    results = [
        x + n, n + x, x - n, n - x, x * n, n * x, x / n, n / x, x**n, n**x,
        x.leaky_relu(n), dot([x], [n], n), total([x, n]),
    ]  # fmt: skip
    for r in results:
        assert isinstance(r, Value), r
        assert type(r.data) is float
    assert (n * x).parents == (x,)  # NumPy did not take over the operation
    v = Value(n)
    assert type(v.data) is float and v.data == float(n)
    out = n * x + x * n
    out.backward(np.float64(1.0))
    assert type(x.grad) is float and x.grad == pytest.approx(2 * float(n))


def test_ints_and_bools_become_floats():
    assert type(Value(3).data) is float
    assert type((Value(3) + 2).data) is float
    assert Value(True).data == 1.0


# ---- domain errors -----------------------------------------------------------------


@pytest.mark.parametrize("value", [0.0, -1.0, -0.0, -math.inf])
def test_log_outside_its_domain(value):
    with pytest.raises(DomainError) as info:
        Value(value, label="x").log()
    check_message(info, "log", repr(value), "'x'")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", [-1.0, -1e-300])
def test_sqrt_of_a_negative_number(value):
    with pytest.raises(DomainError) as info:
        Value(value, label="x").sqrt()
    check_message(info, "sqrt", repr(value), "'x'")


def test_zero_to_a_negative_power_in_all_three_forms():
    with pytest.raises(ZeroDivisionError) as info:
        Value(0.0, label="x") ** -1
    check_message(info, "**", "0.0", "-1", "'x'")
    with pytest.raises(ZeroDivisionError) as info:
        Value(0.0, label="x") ** Value(-1.0, label="y")
    check_message(info, "**", "0.0", "-1", "'x'")
    with pytest.raises(ZeroDivisionError) as info:
        0 ** Value(-1.0, label="y")
    check_message(info, "**", "0", "-1", "'y'")


def test_negative_number_to_a_fractional_power_in_all_three_forms():
    assert isinstance((-8) ** (1 / 3), complex)  # what plain Python does silently
    with pytest.raises(DomainError) as info:
        Value(-8.0, label="x") ** (1 / 3)
    check_message(info, "**", "-8.0", "0.333", "'x'")
    with pytest.raises(DomainError) as info:
        Value(-8.0, label="x") ** Value(1 / 3, label="y")
    check_message(info, "**", "-8.0", "0.333", "'x'")
    with pytest.raises(DomainError) as info:
        (-8) ** Value(1 / 3, label="y")
    check_message(info, "**", "-8", "0.333", "'y'")


def test_negative_number_to_a_whole_power_is_fine():
    assert (Value(-2.0) ** 3).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0
    assert ((-2) ** Value(-1.0)).data == -0.5


def test_division_by_zero_in_all_forms():
    with pytest.raises(ZeroDivisionError) as info:
        Value(1.0, label="x") / 0
    check_message(info, "/", "1.0", "'x'", "zero")
    with pytest.raises(ZeroDivisionError) as info:
        1 / Value(0.0, label="y")
    check_message(info, "/", "0.0", "'y'", "zero")
    with pytest.raises(ZeroDivisionError) as info:
        Value(1.0, label="x") / Value(-0.0, label="y")
    check_message(info, "/", "'x'", "'y'", "zero")


def test_exp_overflow():
    with pytest.raises(OverflowError) as info:
        Value(1000.0, label="x").exp()
    check_message(info, "exp", "1000.0", "'x'")


def test_power_overflow_in_all_three_forms():
    with pytest.raises(OverflowError) as info:
        Value(10.0, label="x") ** 400
    check_message(info, "**", "10.0", "400", "'x'")
    with pytest.raises(OverflowError) as info:
        Value(10.0, label="x") ** Value(400.0, label="y")
    check_message(info, "**", "10.0", "400", "'x'")
    with pytest.raises(OverflowError) as info:
        10.0 ** Value(400.0, label="y")
    check_message(info, "**", "10.0", "400", "'y'")


def test_errors_without_a_label_still_name_op_and_value():
    with pytest.raises(DomainError) as info:
        Value(-2.5).log()
    check_message(info, "log", "-2.5")


def test_errors_raise_under_no_grad_too():
    from autograd import no_grad

    with no_grad(), pytest.raises(DomainError):
        Value(-1.0).sqrt()


# ---- NaN and inf propagate -------------------------------------------------------------


def test_documented_nan_and_inf_examples():
    assert math.isnan(Value(math.inf).sin().data)
    assert math.isnan(Value(-math.inf).cos().data)
    assert Value(math.inf).exp().data == math.inf
    assert Value(-math.inf).exp().data == 0.0
    assert math.isnan(Value(math.nan).log().data)
    assert Value(math.inf).log().data == math.inf
    assert math.isnan((Value(math.nan) + Value(1.0)).data)
    assert math.isnan((Value(math.nan) + 1.0).data)
    assert math.isnan((Value(math.inf) * 0.0).data)
    assert (Value(1e308) * 10.0).data == math.inf  # + - * overflow like floats


# Every function with a Value method of its own name (x.exp(), x.tanh(), ...), from the one table
UNARY = [name for record in ENGINE for name in methods(record) if not name.startswith("_")]


def test_every_function_is_in_the_nan_test():
    assert len(UNARY) >= 15 and {"exp", "log", "abs", "leaky_relu", "hardtanh", "step"} <= set(UNARY)


@pytest.mark.parametrize("method", UNARY)
def test_nan_propagates_through_every_function(method):
    x = Value(math.nan)
    out = getattr(x, method)()
    assert math.isnan(out.data)
    out.backward()  # no exception in the backward pass either


@pytest.mark.parametrize(
    "method, value",
    [("tanh", 1.0), ("sigmoid", 1.0), ("softplus", math.inf), ("elu", math.inf), ("relu", math.inf)]
    + [("hardtanh", 1.0), ("step", 1.0), ("abs", math.inf), ("sqrt", math.inf), ("gelu", math.inf)],
)
def test_inf_inputs(method, value):
    assert getattr(Value(math.inf), method)().data == value


def test_gradient_through_nan_is_nan_and_does_not_raise():
    x = Value(math.nan)
    y = Value(2.0)
    out = x * y
    out.backward()
    assert math.isnan(y.grad) and x.grad == 2.0


# ---- the activations never overflow ---------------------------------------------------


@pytest.mark.parametrize(
    "method, z, value, slope",
    [
        ("sigmoid", 1000.0, 1.0, 0.0),
        ("sigmoid", -1000.0, 0.0, 0.0),
        ("tanh", 1000.0, 1.0, 0.0),
        ("tanh", -1000.0, -1.0, 0.0),
        ("softplus", 1000.0, 1000.0, 1.0),
        ("softplus", -1000.0, 0.0, 0.0),
        ("gelu", 1000.0, 1000.0, 1.0),
        ("gelu", -1000.0, 0.0, 0.0),
        ("elu", 1000.0, 1000.0, 1.0),
        ("elu", -1000.0, -1.0, 0.0),
        ("exp", -1000.0, 0.0, 0.0),
    ],
)
def test_activations_at_plus_minus_1000(method, z, value, slope):
    x = Value(z)
    out = getattr(x, method)()
    out.backward()
    assert (out.data, x.grad) == (value, slope)


@pytest.mark.parametrize("z", [-40.0, -20.0, 20.0, 40.0, 700.0, -700.0])
def test_sigmoid_and_softplus_are_accurate_in_the_tails(z):
    """Against formulas that are exact in each tail (e^-|z| is representable here)."""
    e = math.exp(-abs(z))
    s_expected = 1.0 / (1.0 + e) if z > 0 else e / (1.0 + e)
    sp_expected = max(z, 0.0) + math.log1p(e)
    x = Value(z)
    s = x.sigmoid()
    s.backward()
    assert s.data == pytest.approx(s_expected, rel=1e-12)
    assert x.grad == pytest.approx(s_expected * (1.0 - s_expected), rel=1e-12, abs=1e-300)
    assert Value(z).softplus().data == pytest.approx(sp_expected, rel=1e-12)


def test_type_errors_name_the_label_of_the_value_involved():
    x = Value(2.0, label="weight")
    for bad in (lambda: x + "a", lambda: "a" - x, lambda: x * None, lambda: x ** [2], lambda: x.elu("1")):
        with pytest.raises(TypeError, match="'weight'"):
            bad()


def test_minus_infinity_counts_as_negative_for_fractional_powers_log_and_sqrt():
    m = Value(-math.inf, label="m")
    with pytest.raises(DomainError, match="'m'"):
        m**0.5
    with pytest.raises(DomainError):
        m.log()
    with pytest.raises(DomainError):
        m.sqrt()
    assert (m**2).data == math.inf  # whole powers are fine


def test_gelu_keeps_precision_in_the_negative_tail():
    # far left, Phi(z) ~ phi(z) / |z| * (1 - 1/z^2 + 3/z^4 - 15/z^6) (the tail series of Mills' ratio)
    z = -10.0
    phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    expected = z * phi / abs(z) * (1 - 1 / z**2 + 3 / z**4 - 15 / z**6)
    assert Value(z).gelu().data == pytest.approx(expected, rel=1e-5)

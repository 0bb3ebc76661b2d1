"""Bad input to autograd's public names: one table, each case refused at the call.

Every case asserts the kind of exception (TypeError for a wrong type,
ValueError for a value outside what is accepted) and that the message names
the function, the argument and the bad value, whatever the wording. The
cases include inputs that once gave silent wrong answers (a set given to
`dot` or `gradcheck`, `hardtanh(2, -2)`, `gradcheck(eps=nan)`, a negative
`atol`, a NaN input blamed on backprop). The tests at the end check that the
common good inputs still work: lists, tuples, generators, NumPy arrays,
NumPy scalars and ints, with results computed by hand.
"""

import math
from pathlib import Path

import numpy as np
import pytest
from checks import check_message, check_refused

from autograd import (
    GradcheckError,
    Value,
    analytic_gradient,
    dot,
    draw_graph,
    forward_derivatives,
    gradcheck,
    jacobian,
    jvp,
    numerical_gradient,
    save_backward_steps,
    save_player,
    save_steps,
    total,
)

NAN, INF = float("nan"), float("inf")
PICTURE = Path(__file__).resolve().parents[3] / "demos" / "images" / "chain_rule.png"


def x_():
    return Value(0.5, label="x")


def square(a):
    return a * a


def _cases():
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    out = x * y
    # (id, call, exception, parts the message names: the function, the argument, the value)
    return [
        # Value and its operations
        ("Value(None)", lambda: Value(None), TypeError, ["Value", "data", "None"]),
        ("Value('3')", lambda: Value("3"), TypeError, ["Value", "data", "'3'"]),
        ("Value([1.0])", lambda: Value([1.0]), TypeError, ["Value", "data", "[1.0]"]),
        ("hardtanh(2, -2)", lambda: x.hardtanh(2, -2), ValueError, ["hardtanh", "min_val", "2.0", "-2.0", "'x'"]),
        ("hardtanh(nan, 1)", lambda: x.hardtanh(NAN, 1), ValueError, ["hardtanh", "min_val", "nan"]),
        ("hardtanh(-1, nan)", lambda: x.hardtanh(-1, NAN), ValueError, ["hardtanh", "max_val", "nan"]),
        ("hardtanh('0')", lambda: x.hardtanh("0"), TypeError, ["hardtanh", "'0'"]),
        ("leaky_relu(nan)", lambda: y.leaky_relu(NAN), ValueError, ["leaky_relu", "alpha", "nan", "'y'"]),
        ("elu(nan)", lambda: y.elu(NAN), ValueError, ["elu", "alpha", "nan", "'y'"]),
        ("backward(nan)", lambda: out.backward(NAN), ValueError, ["backward", "grad", "nan"]),
        ("backward(inf)", lambda: out.backward(INF), ValueError, ["backward", "grad", "inf"]),
        ("backward(None)", lambda: out.backward(None), TypeError, ["backward", "grad", "None"]),
        # dot: sets, dicts, strings, None, bad operands, wrong lengths
        ("dot(set)", lambda: dot({x, y}, [1.0, 2.0]), TypeError, ["dot", "weights", "set", "order"]),
        ("dot(frozenset)", lambda: dot([x, y], frozenset({1.0, 2.0})), TypeError, ["dot", "inputs", "frozenset"]),
        ("dot(dict)", lambda: dot({"a": x}, [1.0]), TypeError, ["dot", "weights", "dict", "{'a'"]),
        ("dot(None)", lambda: dot(None, [1.0]), TypeError, ["dot", "weights", "None"]),
        ("dot(str)", lambda: dot([x, y], "ab"), TypeError, ["dot", "inputs", "'ab'"]),
        ("dot(number)", lambda: dot(3.0, [1.0]), TypeError, ["dot", "weights", "3.0"]),
        ("dot(array0d)", lambda: dot(np.float64(2.0), [1.0]), TypeError, ["dot", "weights", "2.0"]),
        ("dot(lengths)", lambda: dot([x, y], [1.0]), ValueError, ["dot", "2 weights", "1 inputs"]),
        ("dot(bad weight)", lambda: dot([x, "w"], [1.0, 2.0]), TypeError, ["dot", "weights[1]", "'w'"]),
        ("dot(bad input)", lambda: dot([x, y], [x, None]), TypeError, ["dot", "inputs[1]", "None"]),
        ("dot(bad bias)", lambda: dot([x], [1.0], "b"), TypeError, ["dot", "bias", "'b'"]),
        # total
        ("total(None)", lambda: total(None), TypeError, ["total", "values", "None"]),
        ("total(set)", lambda: total({x, y}), TypeError, ["total", "values", "set"]),
        ("total(str)", lambda: total("xy"), TypeError, ["total", "values", "'xy'"]),
        ("total(bad item)", lambda: total([x, "y"]), TypeError, ["total", "values[1]", "'y'"]),
        ("total(5)", lambda: total(5), TypeError, ["total", "values", "5"]),
        # forward mode and Jacobians
        ("jvp(set)", lambda: jvp(out, {x, y}, [1.0, 1.0]), TypeError, ["jvp", "inputs", "set"]),
        ("jvp(tangents set)", lambda: jvp(out, [x, y], {1.0, 2.0}), TypeError, ["jvp", "tangents", "set"]),
        ("jvp(tangent nan)", lambda: jvp(out, [x], [NAN]), ValueError, ["jvp", "tangents[0]", "nan"]),
        ("jvp(lengths)", lambda: jvp(out, [x, y], [1.0]), ValueError, ["jvp", "1 tangents", "2 inputs"]),
        ("jvp(output None)", lambda: jvp(None, [x], [1.0]), TypeError, ["jvp", "output", "None"]),
        ("jacobian(set)", lambda: jacobian([out], {x, y}), TypeError, ["jacobian", "inputs", "set"]),
        ("jacobian(None)", lambda: jacobian(None, [x]), TypeError, ["jacobian", "outputs", "None"]),
        ("jacobian(empty)", lambda: jacobian([out], []), ValueError, ["jacobian", "inputs", "empty"]),
        ("jacobian(mode)", lambda: jacobian([out], [x], mode="sideways"), ValueError, ["jacobian", "mode", "sideways"]),
        ("forward_derivatives(wrt)", lambda: forward_derivatives(out, 1.0), TypeError, ["forward_derivatives", "wrt"]),
        # the gradient checks: sets, None, f, eps, atol, rtol, non-finite inputs
        ("gradcheck(set)", lambda: gradcheck(square, {x}), TypeError, ["gradcheck", "inputs", "set"]),
        ("gradcheck(None)", lambda: gradcheck(square, None), TypeError, ["gradcheck", "inputs", "None"]),
        ("gradcheck(empty)", lambda: gradcheck(square, []), ValueError, ["gradcheck", "inputs", "empty"]),
        ("gradcheck(str)", lambda: gradcheck(square, "x"), TypeError, ["gradcheck", "inputs", "'x'"]),
        ("gradcheck(input str)", lambda: gradcheck(square, ["x"]), TypeError, ["gradcheck", "inputs[0]", "'x'"]),
        ("gradcheck(f None)", lambda: gradcheck(None, [x]), TypeError, ["gradcheck", "f", "None"]),
        ("gradcheck(eps nan)", lambda: gradcheck(square, [x], eps=NAN), ValueError, ["gradcheck", "eps", "nan"]),
        ("gradcheck(eps 0)", lambda: gradcheck(square, [x], eps=0), ValueError, ["gradcheck", "eps", "0"]),
        ("gradcheck(eps -1)", lambda: gradcheck(square, [x], eps=-1e-6), ValueError, ["gradcheck", "eps", "-1e-06"]),
        ("gradcheck(eps str)", lambda: gradcheck(square, [x], eps="1e-6"), TypeError, ["gradcheck", "eps", "'1e-6'"]),
        ("gradcheck(atol < 0)", lambda: gradcheck(square, [x], atol=-1), ValueError, ["gradcheck", "atol", "-1"]),
        ("gradcheck(rtol nan)", lambda: gradcheck(square, [x], rtol=NAN), ValueError, ["gradcheck", "rtol", "nan"]),
        ("gradcheck(rtol inf)", lambda: gradcheck(square, [x], rtol=INF), ValueError, ["gradcheck", "rtol", "inf"]),
        ("gradcheck(nan input)", lambda: gradcheck(square, [NAN]), ValueError, ["gradcheck", "inputs[0]", "nan"]),
        ("gradcheck(inf Value)", lambda: gradcheck(square, [Value(INF, label="z")]), ValueError, ["inputs[0]", "'z'"]),
        ("gradcheck(f nan)", lambda: gradcheck(lambda a: a * NAN, [x]), ValueError, ["gradcheck", "f", "nan"]),
        ("numerical_gradient(set)", lambda: numerical_gradient(square, {x}), TypeError, ["numerical_gradient", "set"]),
        ("numerical_gradient(eps)", lambda: numerical_gradient(square, [x], eps=INF), ValueError, ["eps", "inf"]),
        ("numerical_gradient(None)", lambda: numerical_gradient(square, None), TypeError, ["inputs", "None"]),
        ("analytic_gradient(set)", lambda: analytic_gradient(square, {x}), TypeError, ["analytic_gradient", "set"]),
        ("analytic_gradient(f)", lambda: analytic_gradient(3, [x]), TypeError, ["analytic_gradient", "f", "3"]),
        # pictures: flags, highlight, frames (found by trying None, strings, sets, nan, -1, [] on every argument)
        ("draw_graph(show_grad=str)", lambda: draw_graph(out, show_grad="no"), TypeError, ["draw_graph", "'no'"]),
        ("draw_graph(show_grad=None)", lambda: draw_graph(out, show_grad=None), TypeError, ["show_grad", "None"]),
        ("draw_graph(local_grads)", lambda: draw_graph(out, show_local_grads={1}), TypeError, ["local_grads", "set"]),
        ("draw_graph(highlight=nan)", lambda: draw_graph(out, highlight=NAN), TypeError, ["draw_graph", "nan"]),
        ("draw_graph(highlight=-1)", lambda: draw_graph(out, highlight=-1), TypeError, ["highlight", "int -1"]),
        ("save_steps(None)", lambda: save_steps(None, "unused"), TypeError, ["save_steps", "frames", "None"]),
        ("save_steps(nan)", lambda: save_steps(NAN, "unused"), TypeError, ["save_steps", "frames", "nan"]),
        ("save_backward_steps(Value)", lambda: save_backward_steps(out, "unused"), TypeError, ["frames", "Value"]),
        ("save_player(folder)", lambda: save_player([PICTURE], PICTURE.parent), OSError, ["save_player", "folder"]),
    ]


CASES = _cases()


@pytest.mark.parametrize("call, error, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_argument_and_the_value(call, error, parts):
    check_refused(call, error, parts)


def test_a_nan_input_is_not_blamed_on_backprop():
    """gradcheck at nan used to raise GradcheckError ('backprop gives nan'): the input is the problem."""
    with pytest.raises(ValueError) as info:
        gradcheck(square, [Value(NAN, label="w")])
    assert not isinstance(info.value, GradcheckError)
    check_message(info, "'w'", "nan", "finite")


def test_central_differences_that_are_not_finite_say_so():
    """f(s) = s * 1e308 is finite at s = 1.797693 (the largest float is 1.7976931e308) but
    overflows to inf at s + eps: the message says that f, not backprop, is the cause."""
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a: a * 1e308, [Value(1.797693, label="s")])
    check_message(info, "'s'", "backprop gives 1e+308", "central differences give inf", "not finite within eps")


# ---- good input still works --------------------------------------------------------------


def test_dot_and_total_take_lists_tuples_generators_arrays_and_numpy_scalars():
    w = [Value(2.0), Value(-1.0)]
    # 2 * 3 + (-1) * 4 + 0.5 = 2.5, by hand
    for inputs in ([3.0, 4.0], (3, 4), np.array([3.0, 4.0]), (v for v in (3.0, 4.0)), [np.float32(3), np.int64(4)]):
        assert dot(w, inputs, 0.5).data == 2.5
    assert dot(tuple(w), [3, 4], np.float64(0.5)).data == 2.5
    assert dot(np.array(w, dtype=object), [3.0, 4.0]).data == 2.0
    assert dot({"a": w[0], "b": w[1]}.values(), [3.0, 4.0]).data == 2.0  # a dict's views keep their order
    assert dot({w[0]: 1, w[1]: 2}.keys(), [3.0, 4.0]).data == 2.0
    assert dot([], []).data == 0.0 and total([]).data == 0.0  # empty sums are 0
    assert total(v for v in w).data == 1.0
    assert total(np.array([1.0, 2.0, 3.5])).data == 6.5
    assert total([w[0], 3, np.float64(0.5)]).data == 5.5


def test_operations_take_ints_and_numpy_scalars():
    x = Value(np.float32(1.5))
    assert type(x.data) is float and x.data == 1.5
    assert (x * np.int64(2)).data == 3.0 and (x + 1).data == 2.5
    assert x.hardtanh(np.float64(-1), 1).data == 1.0
    assert x.hardtanh(2, 2).data == 2.0  # equal bounds are fine: a constant
    assert Value(1.0, None).label == "" and repr(Value(1.0, label=None)) == "Value(data=1.0, grad=0.0)"  # no label
    assert Value(-2.0).leaky_relu(np.float64(0.5)).data == -1.0
    assert math.isinf(Value(3.0).hardtanh(-INF, INF).data) is False  # unbounded clamp is the identity


def test_gradient_checks_take_tuples_arrays_and_numbers():
    # d/dx x^2 = 2x = 1 at x = 0.5, by hand
    assert gradcheck(square, (0.5,))
    assert gradcheck(square, np.array([0.5]))
    assert gradcheck(square, [np.float64(0.5)])
    assert gradcheck(square, [1], eps=np.float64(1e-6), atol=0, rtol=np.float32(1e-3))
    assert numerical_gradient(square, (Value(0.5),))[0] == pytest.approx(1.0, abs=1e-8)
    assert analytic_gradient(square, np.array([0.5])) == [1.0]
    x, y = Value(0.5), Value(2.0)
    assert jvp(x * y, (x, y), np.array([1.0, 1.0])) == 2.5  # y + x
    assert jacobian(x * y, (v for v in (x, y))).tolist() == [[2.0, 0.5]]

"""The gradient checker itself: it accepts right gradients, catches wrong ones
(built here by hand or monkeypatched in), names the input and both numbers,
and leaves .grad and .data as it found them."""

import math
import re

import pytest

from autograd import GradcheckError, Value, analytic_gradient, gradcheck, no_grad, numerical_gradient


def wrong_square(x, factor=3.0):
    """x ** 2 with a deliberately wrong local derivative factor * x (right: 2x)."""
    out = Value(x.data**2)
    out._operation = "wrong**2"
    out._parents = (x,)
    out._local_grads = (factor * x.data,)
    return out


def test_readme_example_passes():
    x, y = Value(0.5, label="x"), Value(-1.2, label="y")
    assert gradcheck(lambda x, y: (x * y).tanh() + x**2, [x, y]) is True


def test_passes_on_many_correct_functions():
    functions = [
        (lambda a, b: a / b + (a * b).sin(), [0.3, 1.7]),
        (lambda a, b: (a**b).log(), [1.5, 0.8]),
        (lambda a, b, c: (a.exp() + b.sigmoid() * c.gelu()).softplus(), [0.1, -0.4, 0.9]),
        (lambda a: a.elu(0.5) * a.leaky_relu(0.1), [-0.7]),
        (lambda a, alpha: a.leaky_relu(alpha), [-0.7, 0.2]),
    ]
    for f, point in functions:
        assert gradcheck(f, point)


def test_wrong_derivative_is_caught_with_input_label_and_both_numbers():
    x, y = Value(1.5, label="x"), Value(2.0, label="y")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: wrong_square(x) * y, [x, y])
    message = str(info.value)
    assert "input 0" in message and "'x'" in message and "1.5" in message
    assert repr(3 * 1.5 * 2.0) in message  # backprop: the wrong 3x, times y
    numbers = [float(m) for m in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", message)]
    assert any(n == pytest.approx(2 * 1.5 * 2.0, rel=1e-6) for n in numbers), message  # numeric: 2x y


def test_error_names_the_first_wrong_input_only():
    a, b = Value(1.0, label="a"), Value(0.5, label="b")
    with pytest.raises(GradcheckError, match=r"input 1 \('b'\)"):
        gradcheck(lambda a, b: a * 2.0 + wrong_square(b), [a, b])


def test_unlabelled_input_is_named_by_position():
    with pytest.raises(GradcheckError, match=r"input 0 "):
        gradcheck(lambda x: wrong_square(x), [Value(1.0)])


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_monkeypatched_wrong_operation_is_caught(monkeypatch):
    def sin_with_wrong_slope(self):  # slope sin x instead of cos x
        out = Value(math.sin(self.data))
        out._operation, out._parents, out._local_grads = "sin", (self,), (math.sin(self.data),)
        return out

    x = Value(0.4, label="x")
    assert gradcheck(lambda x: x.sin() * 2.0, [x])
    monkeypatch.setattr(Value, "sin", sin_with_wrong_slope)
    with pytest.raises(GradcheckError, match="'x'"):
        gradcheck(lambda x: x.sin() * 2.0, [x])


def test_tolerances_are_used():
    slightly_wrong = lambda x: wrong_square(x, factor=2.0 * (1 + 1e-4))  # relative error 1e-4
    assert gradcheck(slightly_wrong, [1.3])  # default rtol 1e-3
    with pytest.raises(GradcheckError):
        gradcheck(slightly_wrong, [1.3], rtol=1e-6, atol=0.0)
    assert gradcheck(slightly_wrong, [1.3], rtol=0.0, atol=1e-3)


def test_non_finite_gradients_fail():
    # sqrt(|x|) at 0: backprop multiplies the infinite slope of sqrt by abs's 0 and gets nan
    with pytest.raises(GradcheckError, match="nan"):
        gradcheck(lambda x: abs(x).sqrt(), [Value(0.0, label="x")])


def test_grads_are_left_untouched_when_passing_and_when_failing():
    x, y = Value(0.7, label="x"), Value(-0.3, label="y")
    x.grad, y.grad = 11.0, -5.0
    constant = Value(2.0) * Value(1.5)  # an interior node f uses (not depending on the inputs)
    constant.grad = 3.0

    def f(x, y):
        return (constant * x).tanh() * y

    assert gradcheck(f, [x, y])
    assert (x.grad, y.grad, constant.grad) == (11.0, -5.0, 3.0)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x, y: wrong_square(x * constant) + y, [x, y])
    assert (x.grad, y.grad, constant.grad) == (11.0, -5.0, 3.0)
    assert (x.data, y.data) == (0.7, -0.3)


def test_numbers_as_inputs():
    assert gradcheck(lambda x, y: x**3 * y, [2.0, 3])
    assert numerical_gradient(lambda x: x**3, [2.0]) == [pytest.approx(12.0, rel=1e-8)]
    assert analytic_gradient(lambda x, y: x**3 * y, [2.0, 3]) == [36.0, 8.0]


def test_f_closing_over_values():
    """f may ignore its arguments: the inputs' .data is perturbed in place."""
    w, b = Value(0.8, label="w"), Value(-0.1, label="b")
    data = [(0.5, 1.0), (-1.0, 0.0), (2.0, 1.0)]

    def loss(*_):
        return sum(((w * x + b).sigmoid() - y) ** 2 for x, y in data)

    assert gradcheck(loss, [w, b])
    assert (w.data, b.data) == (0.8, -0.1)
    with pytest.raises(GradcheckError, match="'w'"):
        gradcheck(lambda *_: wrong_square(w) + b, [w, b])


def test_numerical_gradient_is_the_central_difference():
    # for x^3 at 1 the central difference is 3 + eps^2 exactly; forward differences would give 3 + 3 eps + eps^2
    assert numerical_gradient(lambda x: x**3, [1.0], eps=1e-2)[0] == pytest.approx(3.0001, rel=1e-12)


def test_data_is_restored_when_f_raises():
    x = Value(5e-7, label="x")
    with pytest.raises(ValueError, match="log"):
        numerical_gradient(lambda x: x.log(), [x], eps=1e-6)  # x - eps < 0
    assert x.data == 5e-7


def test_bad_arguments():
    with pytest.raises(ValueError):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="Value"):
        gradcheck(lambda x: 3.0, [1.0])


def test_inside_no_grad_is_an_error_not_a_zero_gradient():
    """Under no_grad() f builds no graph, so backprop would silently give 0 for every input."""
    x = Value(3.0, label="x")
    with no_grad():
        with pytest.raises(RuntimeError, match="no_grad"):
            analytic_gradient(lambda x: x * x, [x])
        with pytest.raises(RuntimeError, match="no_grad"):
            gradcheck(lambda x: x * x, [x])
    assert analytic_gradient(lambda x: x * x, [x]) == [6.0]

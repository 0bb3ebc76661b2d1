"""Every public function of autograd.transforms against the five kinds of bad input of issue 22
(case 10): 10**400, NumPy arrays where a string or number belongs, 0-d arrays, bytes, None."""

import numpy as np
import pytest
from bad_input_probe import probe

from autograd import Value
from autograd.transforms import (
    analytic_gradient,
    forward_derivatives,
    grad,
    gradcheck,
    hessian,
    hvp,
    jacobian,
    jvp,
    numerical_gradient,
)


def _graph():
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    return x, y, x * y + x.tanh()


def _on_graph(function, **options):
    def make():
        x, y, out = _graph()
        if function is jacobian:
            return function, {"outputs": [out], "inputs": [x, y], **options}
        if function is forward_derivatives:
            return function, {"output": out, "wrt": x}
        return function, {"output": out, "inputs": [x, y], **options}

    return make


def _f(a, b):
    return a * b + a.tanh()


ARRAY_OF_NUMBERS = ("inputs=array of numbers",)  # numbers as inputs: gradcheck wraps them as Values

CASES = {
    "jvp": (_on_graph(jvp, tangents=[1.0, 2.0]), ("tangents=array of numbers",)),
    "forward_derivatives": (_on_graph(forward_derivatives), ()),
    "jacobian": (_on_graph(jacobian, mode="reverse"), ()),
    "grad": (_on_graph(grad, create_graph=False), ()),
    "hessian": (_on_graph(hessian), ()),
    "hvp": (_on_graph(hvp, vector=[1.0, 2.0]), ("vector=array of numbers",)),
    "gradcheck": (
        lambda: (gradcheck, {"f": _f, "inputs": [1.0, 2.0], "eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}),
        ARRAY_OF_NUMBERS,
    ),
    "numerical_gradient": (
        lambda: (numerical_gradient, {"f": _f, "inputs": [1.0, 2.0], "eps": 1e-6}),
        ARRAY_OF_NUMBERS,
    ),
    "analytic_gradient": (lambda: (analytic_gradient, {"f": _f, "inputs": [1.0, 2.0]}), ARRAY_OF_NUMBERS),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_five_kinds_of_bad_input_get_clear_messages(case):
    make, accepted = CASES[case]
    problems = probe(make, case, {}, accepted)
    assert not problems, "\n".join(problems)


def test_the_issues_examples():
    x, y, out = _graph()
    with pytest.raises(ValueError, match=r"hvp: vector\[0\] must be a finite number, not an integer of 401 digits"):
        hvp(out, [x, y], [10**400, 1.0])
    with pytest.raises(ValueError, match=r"jvp: tangents\[1\] must be a finite number, not an integer of 401 digits"):
        jvp(out, [x, y], [1.0, -(10**400)])
    with pytest.raises(TypeError, match=r"jacobian: mode must be one of 'reverse', 'forward' \(a string\), not nd"):
        jacobian([out], [x], mode=np.array(["forward"]))

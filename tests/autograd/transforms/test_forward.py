"""Forward accumulation, jvp and Jacobians (lecture notes, sections 2 and 11): the course example,
random graphs against reverse mode and central differences, PyTorch when installed, bad input."""

import math

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra: pip install -e '.[test]'")
from checks import central_difference, course_example  # noqa: E402
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_hypothesis import BOUND, EPS, execute, programs  # noqa: E402

from autograd import Value, forward_derivatives, jacobian, jvp, topological_order  # noqa: E402


def test_forward_from_a_fills_in_every_node():
    n = course_example()
    tangent = forward_derivatives(n["f"], n["a"])
    by_name = {node.label: tangent[node] for node in tangent if node.label}
    # by hand: dg/da = 1, dh/da = 0, di/da = h dg/da = 7, df/da = 2 i di/da = 2 * 21 * 7 = 294
    assert by_name == {"a": 1.0, "b": 0.0, "c": 0.0, "d": 0.0, "g": 1.0, "h": 0.0, "i": 7.0, "f": 294.0}
    assert list(tangent) == topological_order(n["f"])
    assert forward_derivatives(n["f"], n["c"])[n["f"]] == 126.0  # df/dc = 2 i g = 126


def test_forward_from_an_interior_node():
    n = course_example()
    tangent = forward_derivatives(n["f"], n["g"])
    assert tangent[n["a"]] == 0.0 and tangent[n["g"]] == 1.0 and tangent[n["i"]] == 7.0 and tangent[n["f"]] == 294.0


def test_jvp_is_the_directional_derivative():
    n = course_example()
    inputs = [n[k] for k in "abcd"]
    assert jvp(n["f"], inputs, [1, 0, 0, 0]) == 294.0
    # all four at once: 294 + 294 + 126 + 126
    assert jvp(n["f"], inputs, [1.0, 1.0, 1.0, 1.0]) == 840.0
    assert jvp(n["f"], inputs, np.array([0.0, 0.0, 2.0, -1.0])) == 126.0
    assert jvp(n["f"], [n["a"], n["a"]], [0.5, 0.5]) == 294.0  # an input listed twice: tangents add


def test_jacobian_of_the_course_example_both_modes():
    n = course_example()
    outputs, inputs = [n["f"], n["i"], n["g"]], [n[k] for k in "abcd"]
    expected = np.array([[294.0, 294.0, 126.0, 126.0], [7.0, 7.0, 3.0, 3.0], [1.0, 1.0, 0.0, 0.0]])
    for mode in ("reverse", "forward"):
        matrix = jacobian(outputs, inputs, mode=mode)
        assert matrix.shape == (3, 4) and matrix.dtype == np.float64
        np.testing.assert_array_equal(matrix, expected)


def test_an_input_the_output_does_not_depend_on_gives_a_zero_column():
    x, y, lonely = Value(1.5), Value(-0.5), Value(7.0)
    out = (x * y).tanh()
    for mode in ("reverse", "forward"):
        matrix = jacobian([out, x + 1.0], [x, lonely, y], mode=mode)
        assert list(matrix[:, 1]) == [0.0, 0.0]
        assert matrix[1, 0] == 1.0 and matrix[1, 2] == 0.0
    assert jvp(out, [lonely], [1.0]) == 0.0
    assert set(forward_derivatives(out, lonely).values()) == {0.0}


def test_zero_tangent_stays_zero_next_to_an_infinite_local_derivative():
    x, y = Value(0.0), Value(2.0)
    out = x.sqrt() + y * 3.0  # d sqrt(x)/dx is inf at 0, but nothing pushes a tangent through it from y
    assert forward_derivatives(out, y)[out] == 3.0
    assert jacobian(out, [y], mode="forward")[0, 0] == 3.0


def test_no_grad_is_touched():
    n = course_example()
    for k, node in enumerate(n.values()):
        node.grad = 100.0 + k
    before = {k: v.grad for k, v in n.items()}
    jacobian([n["f"], n["i"]], [n["a"], n["c"]], mode="reverse")
    jacobian([n["f"], n["i"]], [n["a"], n["c"]], mode="forward")
    jvp(n["f"], [n["a"]], [1.0])
    forward_derivatives(n["f"], n["a"])
    assert {k: v.grad for k, v in n.items()} == before


def test_a_lone_value_is_a_list_of_one():
    x = Value(2.0)
    y = x * x
    assert jacobian(y, x).shape == (1, 1) and jacobian(y, x)[0, 0] == 4.0
    assert jvp(y, x, 1.0) == 4.0


# ---- random graphs ---------------------------------------------------------------


def safe(nodes):
    return all(math.isfinite(n.data) and abs(n.data) < BOUND for n in nodes)


def pick_outputs(nodes, out, picks):
    """The sum of sinks and the nodes at `picks`: several outputs of one random program."""
    return [out] + [nodes[k] for k in picks]


@given(programs(), st.data())
def test_forward_and_reverse_jacobians_agree_with_each_other_and_central_differences(program, data):
    leaves, nodes, out, run = execute(program, program[0])
    picks = data.draw(st.lists(st.integers(len(leaves), len(nodes) - 1), max_size=3), label="outputs")
    outputs = pick_outputs(nodes, out, picks)
    assume(safe(nodes + [out]))
    reverse = jacobian(outputs, leaves, mode="reverse")
    forward = jacobian(outputs, leaves, mode="forward")
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)

    def output_values(moved):
        _, moved_nodes, moved_out, moved_run = execute(program, moved)
        assume(moved_run.decisions == run.decisions)  # the same branches (kinks) on both sides
        return [o.data for o in pick_outputs(moved_nodes, moved_out, picks)]

    for j in range(len(leaves)):
        for i, numeric in enumerate(central_difference(output_values, program[0], j, eps=EPS)):
            assert abs(reverse[i, j] - numeric) <= 1e-5 + 1e-4 * abs(numeric), (i, j, reverse[i, j], numeric)


@given(programs(), st.data())
def test_jvp_is_the_gradient_dotted_with_the_direction(program, data):
    leaves, nodes, out, _ = execute(program, program[0])
    assume(safe(nodes + [out]))
    direction = data.draw(st.lists(st.floats(-3.0, 3.0), min_size=len(leaves), max_size=len(leaves)))
    out.backward()
    expected = math.fsum(leaf.grad * t for leaf, t in zip(leaves, direction))
    size = math.fsum(abs(leaf.grad * t) for leaf, t in zip(leaves, direction))
    assert abs(jvp(out, leaves, direction) - expected) <= 1e-12 * (1.0 + size)


@given(programs(), st.data())
def test_interior_inputs_agree_in_both_modes(program, data):
    leaves, nodes, out, _ = execute(program, program[0])
    assume(safe(nodes + [out]))
    picks = data.draw(st.lists(st.integers(0, len(nodes) - 1), min_size=1, max_size=4))
    inputs = [nodes[k] for k in picks]
    np.testing.assert_allclose(
        jacobian(out, inputs, mode="forward"), jacobian(out, inputs, mode="reverse"), rtol=1e-12, atol=1e-12
    )
    out.backward()  # an interior node's grad is d out / d node as well
    np.testing.assert_allclose(jacobian(out, inputs)[0], [n.grad for n in inputs], rtol=1e-12, atol=1e-12)


# ---- PyTorch ---------------------------------------------------------------------


def three_outputs(x, y, z, lib):
    """The same function R^3 -> R^3 for both engines: `lib` supplies tanh, sigmoid, exp."""
    return [lib.tanh(x * y) + z, x**2 * lib.sigmoid(z) - 2.0 / (1.0 + y * y), lib.exp(0.3 * y) * (x - z) ** 3]


class EngineLib:
    tanh = staticmethod(lambda v: v.tanh())
    sigmoid = staticmethod(lambda v: v.sigmoid())
    exp = staticmethod(lambda v: v.exp())


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")  # torch.func's own import
@pytest.mark.parametrize("point", [(0.5, -1.2, 0.8), (-1.5, 0.3, 2.0), (2.0, 1.0, -0.7)])
def test_jacobian_and_jvp_match_torch(point):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    leaves = [Value(v) for v in point]
    outputs = three_outputs(*leaves, EngineLib)
    args = tuple(torch.tensor(v, dtype=torch.float64) for v in point)

    def torch_f(x, y, z):
        return torch.stack(three_outputs(x, y, z, torch))

    reference = torch.stack(torch.autograd.functional.jacobian(torch_f, args), dim=1)  # one column per input
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(jacobian(outputs, leaves, mode=mode), reference.numpy(), rtol=1e-12, atol=1e-12)
    direction = (0.7, -1.1, 0.4)
    tangents = tuple(torch.tensor(t, dtype=torch.float64) for t in direction)
    _, torch_jvp = torch.func.jvp(torch_f, args, tangents)
    for k, output in enumerate(outputs):
        assert jvp(output, leaves, direction) == pytest.approx(torch_jvp[k].item(), rel=1e-12, abs=1e-12)


# ---- bad input -------------------------------------------------------------------


def test_bad_input_gets_a_clear_error():
    x, y = Value(1.0, label="x"), Value(2.0)
    out = x * y
    cases = [
        (lambda: jvp(out, [x, y], [1.0]), ValueError, "1 tangents for 2 inputs"),
        (lambda: jvp(out, [x], [math.nan]), ValueError, r"tangents\[0\] must be a finite number, not nan"),
        (lambda: jvp(out, [x], [math.inf]), ValueError, "finite"),
        (lambda: jvp(out, [x], ["1"]), TypeError, r"tangents\[0\] must be a number, not str"),
        (lambda: jvp(out, [x, 2.0], [1.0, 1.0]), TypeError, r"inputs\[1\] is float 2.0, not a Value"),
        (lambda: jvp(out, [], []), ValueError, "inputs is empty"),
        (lambda: jvp(3.0, [x], [1.0]), TypeError, "output must be a Value"),
        (lambda: jacobian([], [x]), ValueError, "outputs is empty"),
        (lambda: jacobian([out], []), ValueError, "inputs is empty"),
        (lambda: jacobian([out, "y"], [x]), TypeError, r"outputs\[1\] is str"),
        (lambda: jacobian(out, 5, mode="forward"), TypeError, "inputs must be a Value or a list of Values"),
        (lambda: jacobian(out, [x], mode="backward"), ValueError, "mode must be one of 'reverse', 'forward'"),
        (lambda: forward_derivatives(out, 1.0), TypeError, "wrt must be a Value"),
        (lambda: forward_derivatives([out], x), TypeError, "output must be a Value"),
    ]
    for call, error, message in cases:
        with pytest.raises(error, match=message):
            call()

"""The backward pass: sums over paths (TEACHING.md section 2), repeated
backward(), zero_grad, no_grad, the topological order, and a chain of a
million nodes."""

import math

import pytest
from order_checks import check_topological_order

from autograd import Value, backpropagate, is_grad_enabled, no_grad, topological_order, zero_grad


def test_node_used_twice_gets_the_sum_of_both_paths():
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    assert (y.data, x.grad) == (9.0, 6.0)  # d(x^2)/dx = 2x


def test_node_used_three_times():
    x = Value(-1.5)
    y = x * x * x + x
    y.backward()
    assert x.grad == 3 * 1.5**2 + 1


def build_diamond(s_value=2.0):
    """s -> x, y, z -> f -> g, h -> L, with x = 3s, y = s^2, z = s + 1, f = x y + z, g = 2f, h = f^2, L = g + h."""
    s = Value(s_value, label="s")
    x, y, z = s * 3.0, s**2, s + 1.0
    f = x * y + z
    g, h = f * 2.0, f**2
    loss = g + h
    return s, x, y, z, f, g, h, loss


def test_diamond_of_section_2_by_hand():
    s, x, y, z, f, g, h, loss = build_diamond(2.0)
    loss.backward()
    # forward: x = 6, y = 4, z = 3, f = 27, g = 54, h = 729, L = 783
    assert [n.data for n in (x, y, z, f, g, h, loss)] == [6.0, 4.0, 3.0, 27.0, 54.0, 729.0, 783.0]
    # backward by hand: dL/dg = dL/dh = 1; dL/df = 2 + 2f = 56 (two paths)
    assert (g.grad, h.grad, f.grad) == (1.0, 1.0, 56.0)
    # dL/dx = 56 y = 224, dL/dy = 56 x = 336, dL/dz = 56
    assert (x.grad, y.grad, z.grad) == (224.0, 336.0, 56.0)
    # dL/ds = 224 * 3 + 336 * 2s + 56 * 1 = 2072 (six paths)
    assert s.grad == 2072.0
    # and directly: L = 2f + f^2 with f = 3s^3 + s + 1, dL/ds = (2 + 2f)(9s^2 + 1)
    assert s.grad == (2 + 2 * 27.0) * (9 * 4.0 + 1)


def test_diamond_is_the_sum_over_its_six_paths():
    s_value = 0.7
    s, x, y, z, f, g, h, loss = build_diamond(s_value)
    loss.backward()
    first = {"x": 3.0, "y": 2 * s_value, "z": 1.0}  # ds -> x, y, z
    middle = {"x": y.data, "y": x.data, "z": 1.0}  # x, y, z -> f
    last = {"g": 2.0 * 1.0, "h": 2 * f.data * 1.0}  # f -> g, h -> L
    paths = [first[a] * middle[a] * last[b] for a in "xyz" for b in "gh"]
    assert len(paths) == 6
    assert s.grad == pytest.approx(sum(paths), rel=1e-14)


def test_backward_twice_doubles_leaves_and_keeps_interior_nodes():
    s, x, y, z, f, g, h, loss = build_diamond(2.0)
    loss.backward()
    interior = [(n, n.grad) for n in (x, y, z, f, g, h, loss)]
    loss.backward()
    assert s.grad == 2 * 2072.0
    for node, grad in interior:
        assert node.grad == grad


def test_interior_gradients_stay_readable_after_backward():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c.tanh()
    d.backward()
    assert c.grad == pytest.approx(1 - math.tanh(-6.0) ** 2)
    assert d.grad == 1.0


def test_backward_seed():
    x = Value(2.0)
    y = x**3
    y.backward(2.0)
    assert (y.grad, x.grad) == (2.0, 24.0)


def test_backward_of_a_leaf():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backpropagate_is_backward():
    s, *_, loss = build_diamond()
    assert backpropagate(loss) is None
    assert s.grad == 2072.0


def test_zero_grad_then_backward_gives_fresh_gradients():
    s, x, y, z, f, g, h, loss = build_diamond(2.0)
    loss.backward()
    loss.backward()
    zero_grad(loss)
    assert all(n.grad == 0.0 for n in (s, x, y, z, f, g, h, loss))
    loss.backward()
    assert s.grad == 2072.0


def test_zero_grad_several_roots():
    a, b = Value(1.0), Value(2.0)
    u, v = a * 2.0, b * 3.0
    u.backward()
    v.backward()
    zero_grad(u, v)
    assert (a.grad, b.grad, u.grad, v.grad) == (0.0, 0.0, 0.0, 0.0)


def test_grads_of_leaves_accumulate_across_graphs():
    w = Value(0.5)
    (w * 2.0).backward()
    (w * 3.0).backward()
    assert w.grad == 5.0


# ---- no_grad -----------------------------------------------------------------


def assert_records_nothing(node):
    assert node._parents == () and node._op == "" and node._local_grads == ()


def test_no_grad_context_records_nothing():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 3.0 + 1.0).tanh().exp()
        z = x**2
    assert is_grad_enabled()
    assert y.data == pytest.approx(math.exp(math.tanh(7.0)))
    assert_records_nothing(y)
    assert_records_nothing(z)
    w = y * x  # outside again: recorded, and y is a leaf
    w.backward()
    assert (x.grad, y.grad) == (y.data, 2.0)


def test_no_grad_decorator():
    @no_grad()
    def update(p, lr):
        assert not is_grad_enabled()
        return p - lr * 0.5

    p = Value(1.0)
    q = update(p, 0.1)
    assert is_grad_enabled()
    assert q.data == pytest.approx(0.95)
    assert_records_nothing(q)


def test_no_grad_restores_state_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            Value(1.0) / 0
    assert is_grad_enabled()

    @no_grad()
    def fails():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fails()
    assert is_grad_enabled()


def test_no_grad_nested():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        assert_records_nothing(Value(1.0) + 1.0)
    assert is_grad_enabled()


def test_no_grad_same_instance_reentered():
    guard = no_grad()
    with guard:
        with guard:
            pass
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_recursive_decorated_function():
    @no_grad()
    def countdown(n):
        return countdown(n - 1) if n else is_grad_enabled()

    assert countdown(3) is False
    assert is_grad_enabled()


# ---- topological order ---------------------------------------------------------


def test_topological_order_of_the_diamond():
    s, x, y, z, f, g, h, loss = build_diamond()
    order = topological_order(loss)
    check_topological_order(loss, order)
    assert len(order) == 9  # s x y z (x*y) f g h L


def test_topological_order_of_a_node_used_twice():
    x = Value(1.0)
    y = x * x
    assert topological_order(y) == [x, y]


def test_topological_order_rejects_non_values():
    with pytest.raises(TypeError, match="topological_order"):
        topological_order(3.0)


# ---- a million nodes -------------------------------------------------------------


def test_million_node_chain_backward():
    """No RecursionError (micrograd fails at ~1000), and the right gradient."""
    n = 1_000_000
    x = Value(0.5, label="x")
    v = x
    for _ in range(n):
        v = v + x
    v.backward()
    assert v.data == 0.5 * (n + 1)
    assert x.grad == n + 1.0  # every + adds one path of slope 1
    order = topological_order(v)
    assert len(order) == n + 1 and order[0] is x and order[-1] is v


def test_long_multiplicative_chain_gradient():
    """y = x * c^n: dy/dx = c^n, accumulated through 100,000 local derivatives."""
    n, c = 100_000, 1.00001
    x = Value(1.0)
    v = x
    for _ in range(n):
        v = v * c
    v.backward()
    assert x.grad == pytest.approx(c**n, rel=1e-9)
    assert v.data == pytest.approx(c**n, rel=1e-9)

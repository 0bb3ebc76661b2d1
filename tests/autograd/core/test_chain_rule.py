"""TEACHING.md section 1: every number of the chain-rule table."""

import pytest
from checks import central_difference, course_example

from autograd import Value


def build():
    n = course_example()
    return tuple(n[name] for name in "abcdghif")


def test_chain_rule_table():
    a, b, c, d, g, h, i, f = build()
    f.backward()
    assert (g.data, h.data, i.data, f.data) == (3.0, 7.0, 21.0, 441.0)
    assert (g.grad, h.grad, i.grad, f.grad) == (294.0, 126.0, 42.0, 1.0)
    assert (a.grad, b.grad, c.grad, d.grad) == (294.0, 294.0, 126.0, 126.0)
    # the product along the path a -> g -> i -> f
    assert 2 * i.data * h.data * 1 == a.grad


def test_how_column_of_the_table():
    """Each gradient is the upstream gradient times the local derivative, as the table's last column writes it."""
    a, b, c, d, g, h, i, f = build()
    f.backward()
    assert f.local_grads == (2 * 21.0,)  # df/di = 2 i = 42
    assert i.local_grads == (7.0, 3.0)  # di/dg = h, di/dh = g
    assert g.local_grads == h.local_grads == (1.0, 1.0)
    assert g.grad == 42 * 7 and h.grad == 42 * 3
    assert i.grad == 2 * 21
    # df/da = df/di * di/dg * dg/da = 42 * 7 * 1, and likewise for the other leaves
    assert (a.grad, b.grad, c.grad, d.grad) == (42 * 7 * 1, 42 * 7 * 1, 42 * 3 * 1, 42 * 3 * 1)


def test_table_against_central_differences():
    point = [1.0, 2.0, 3.0, 4.0]

    def f_of(p):
        return ((p[0] + p[1]) * (p[2] + p[3])) ** 2

    for k, expected in enumerate((294.0, 294.0, 126.0, 126.0)):
        assert central_difference(f_of, point, k, eps=1e-5) == pytest.approx(expected, rel=1e-8)
        leaves = [Value(x) for x in point]
        out = f_of(leaves)
        out.backward()
        assert leaves[k].grad == expected


def test_table_backward_twice():
    a, b, c, d, g, h, i, f = build()
    f.backward()
    f.backward()
    assert (a.grad, b.grad, c.grad, d.grad) == (2 * 294.0, 2 * 294.0, 2 * 126.0, 2 * 126.0)
    assert (g.grad, h.grad, i.grad, f.grad) == (294.0, 126.0, 42.0, 1.0)

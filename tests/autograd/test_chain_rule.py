"""TEACHING.md section 1: every number of the chain-rule table."""

from autograd import Value


def test_chain_rule_table():
    a, b, c, d = (Value(x, label=n) for x, n in zip((1.0, 2.0, 3.0, 4.0), "abcd"))
    g = a + b
    h = c + d
    i = g * h
    f = i**2
    f.backward()
    assert (g.data, h.data, i.data, f.data) == (3.0, 7.0, 21.0, 441.0)
    assert (g.grad, h.grad, i.grad, f.grad) == (294.0, 126.0, 42.0, 1.0)
    assert (a.grad, b.grad, c.grad, d.grad) == (294.0, 294.0, 126.0, 126.0)
    # the product along the path a -> g -> i -> f
    assert 2 * i.data * h.data * 1 == a.grad

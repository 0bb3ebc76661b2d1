"""dot's fast paths (all Values: a hidden layer; Values times floats: a first layer) record the node its
general loop records (a mix of Values and numbers)."""

import math
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, replay


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3), st.booleans(), st.booleans()), max_size=8))
def test_dot_records_the_same_node_whichever_path_makes_it(terms):
    """All Values (a hidden layer), Values times floats (a first layer) or a mix (the loop): the same
    sum, the same parents and slopes. The first layer's path adds with sum(), which from Python 3.12
    compensates rounding: there the sums agree to a few units in the last place, on 3.11 exactly."""
    ws = [Value(w) if wv else w for w, _, wv, _ in terms]
    xs = [Value(x) if xv else x for _, x, _, xv in terms]
    b = Value(0.25)
    node = dot(ws, xs, b)
    expected = 0.0
    for w, x, _, _ in terms:
        expected += w * x
    if sys.version_info < (3, 12):
        assert node.data == expected + 0.25
    else:
        size = sum(abs(w * x) for w, x, _, _ in terms) + 0.25
        assert math.isclose(node.data, expected + 0.25, rel_tol=0.0, abs_tol=4 * len(terms) * math.ulp(size))
    parents, slopes = [], []
    for (w, x, _, _), wn, xn in zip(terms, ws, xs):
        for operand, other in ((wn, x), (xn, w)):
            if isinstance(operand, Value):
                parents.append(operand)
                slopes.append(other)
    assert [id(p) for p in node.parents] == [id(p) for p in [*parents, b]]
    assert node.local_grads == (*slopes, 1.0)
    assert replay(node).data == node.data

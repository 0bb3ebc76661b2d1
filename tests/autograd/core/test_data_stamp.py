"""graph.data_stamp() moves exactly when some Value's data is assigned; graph.mark_consistent() raises
nodes' marks to a stamp, never lowers them, so a node found consistent is not looked at again until the
next assignment, and one assigned after it is still refused."""

import pytest

from autograd import StaleGraphError, Value
from autograd.core import graph


def test_the_stamp_moves_on_an_assignment_only():
    w = Value(1.0)
    before = graph.data_stamp()
    y = (w * 2.0).tanh() + w
    y.backward()
    assert graph.data_stamp() == before  # building and walking assign no data
    w.data = 3.0
    assert graph.data_stamp() > before


def test_marks_are_raised_to_the_stamp_and_never_lowered():
    w = Value(1.0)
    c = w * 2.0
    w.data = 2.0  # c is stale now
    stamp = graph.data_stamp()
    assert c._mark < stamp and graph.stale_parent(c, c._mark) is w
    graph.mark_consistent([c], stamp)  # the caller found it consistent (here: it says so)
    assert c._mark == stamp
    graph.mark_consistent([c], stamp - 1)
    assert c._mark == stamp  # not lowered
    w.data = 5.0  # an assignment after the mark: refused again
    with pytest.raises(StaleGraphError, match="got new data"):
        c.backward()

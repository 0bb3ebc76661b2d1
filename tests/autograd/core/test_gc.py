"""backward() pauses the cyclic garbage collector and always restores the user's setting;
graphs need no collector at all: reference counting frees them."""

import gc

import pytest

import autograd.core.graph
from autograd import Value


@pytest.fixture
def restore_gc():
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_backward_restores_the_collector_setting(restore_gc, enabled):
    gc.enable() if enabled else gc.disable()
    x = Value(2.0)
    (x * x + 1.0).backward()
    assert gc.isenabled() is enabled
    assert x.grad == 4.0


def test_backward_restores_the_collector_even_on_error(restore_gc, monkeypatch):
    gc.enable()

    def broken(root, backward):
        raise RuntimeError("boom")

    monkeypatch.setattr(autograd.core.graph, "_order", broken)
    with pytest.raises(RuntimeError, match="boom"):
        (Value(1.0) * 2.0).backward()
    assert gc.isenabled()


def count_values() -> int:
    return sum(type(obj) is Value for obj in gc.get_objects())


def test_a_dropped_graph_is_freed_by_reference_counting(restore_gc):
    gc.collect()
    before = count_values()  # Values other tests keep alive
    gc.disable()  # nothing may depend on the cyclic collector
    x = Value(0.5)
    y = x
    for _ in range(1000):
        y = (y * 1.0001 + 0.5).tanh()
    y.backward()
    assert count_values() >= before + 3001
    del x, y
    assert count_values() == before

"""Threads: grad mode belongs to a thread (as in PyTorch), and backward passes running at once
leave the garbage collector as they found it."""

import gc
import threading

from autograd import Value, is_grad_enabled, no_grad


def run_in_thread(target):
    """Start `target` in a thread; returns (thread, errors list) so a failure there fails the test."""
    errors = []

    def guarded():
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)

    thread = threading.Thread(target=guarded)
    thread.start()
    return thread, errors


def test_no_grad_in_one_thread_leaves_another_recording():
    inside, release = threading.Event(), threading.Event()
    seen_inside = []

    def evaluate():
        with no_grad():
            seen_inside.append(is_grad_enabled())
            inside.set()
            release.wait(10)

    thread, errors = run_in_thread(evaluate)
    assert inside.wait(10)
    try:
        assert is_grad_enabled()  # this thread is not inside no_grad()
        x = Value(2.0)
        y = x * x
        assert y.parents == (x, x)
        y.backward()
        assert x.grad == 4.0
    finally:
        release.set()
        thread.join(10)
    assert seen_inside == [False] and not errors


def test_one_no_grad_instance_entered_by_two_threads():
    quiet = no_grad()
    both_inside = threading.Barrier(2, timeout=10)
    results = []

    @quiet
    def step():
        both_inside.wait()
        results.append((is_grad_enabled(), (Value(1.0) * 2.0).parents))

    threads = [run_in_thread(step) for _ in range(2)]
    for thread, errors in threads:
        thread.join(10)
        assert not errors
    assert results == [(False, ()), (False, ())]
    assert is_grad_enabled() and (Value(1.0) * 2.0).op == "*"


def test_backward_in_several_threads_leaves_the_collector_on():
    assert gc.isenabled()
    start = threading.Barrier(4, timeout=30)

    def train():
        start.wait()
        for _ in range(50):
            x = Value(0.5)
            y = x
            for _ in range(200):
                y = (y * 1.001 + 0.1).tanh()
            y.backward()
            assert 0.0 < x.grad < 1.0

    threads = [run_in_thread(train) for _ in range(4)]
    for thread, errors in threads:
        thread.join(60)
        assert not errors
    assert gc.isenabled()

"""The compiled program from several threads, and the structure guard catching what users write.

Each case here gave a wrong number silently before (issue 22, item 10): gradients from 4 threads
mixed up, a parameter swapped for another of equal value, a branch under no_grad(), an activation
that reads `.data`. The references are the scalar engine's numbers and serial runs.
"""

import threading

import numpy as np
import pytest

from autograd import TraceError, Value, no_grad, trace
from autograd.compiler import program as program_module
from nn import MLP, SGD, mse, train

# ---- several threads -------------------------------------------------------------------------------


def _mlp_loss():
    model = MLP(8, [64, 64, 4], rng=0)
    return trace(lambda x, t: mse([model(x)], [t]), [0.0] * 8, [0.0] * 4)


def _in_threads(work, n_threads=4):
    """work(k) for k in 0..n_threads-1, each in its own thread, started together."""
    barrier = threading.Barrier(n_threads)
    errors = []

    def run(k):
        try:
            barrier.wait()
            work(k)
        except Exception as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.parametrize("call", ["gradient", "evaluate", "gradient into out"])
def test_one_program_from_four_threads_gives_the_serial_results(call):
    program = _mlp_loss()
    rng = np.random.default_rng(0)
    # batches of several sizes: each thread's arrays are resized and reused
    data = [(rng.normal(size=(n, 8)), rng.normal(size=(n, 4))) for n in rng.integers(1, 80, size=120)]
    theta = program.read_parameters()

    def one(k):
        X, T = data[k]
        if call == "evaluate":
            return program.evaluate(theta, X, T)
        if call == "gradient":
            return np.concatenate(program.gradient(theta, X, T))
        out = np.empty(len(theta))
        outs, grad = program.gradient(theta, X, T, out=out)
        assert grad is out
        return np.concatenate([outs, grad.copy()])

    serial = [one(k) for k in range(len(data))]
    parallel = [None] * len(data)

    def work(t):
        for k in range(t, len(data), 4):
            parallel[k] = one(k)

    _in_threads(work)
    for k, (a, b) in enumerate(zip(serial, parallel)):
        np.testing.assert_array_equal(a, b, err_msg=f"batch {k}")


def test_value_and_grad_from_threads_adds_every_thread_gradient():
    w = Value(0.5, label="w")
    program = trace(lambda x: (w * x).tanh(), Value(0.0))
    xs = np.linspace(-2.0, 2.0, 50)
    program.value_and_grad(xs)
    one = w.grad
    w.grad = 0.0

    def work(k):
        for _ in range(25):
            program.value_and_grad(xs)

    _in_threads(work)
    assert w.grad == pytest.approx(100 * one, rel=1e-12)


# ---- parameters compared by identity --------------------------------------------------------------


def test_a_parameter_swapped_for_another_of_equal_value_is_a_trace_error():
    b_pos, b_neg = Value(0.0, label="b_pos"), Value(0.0, label="b_neg")

    def fn(x):
        return (x + b_pos) ** 2 if x.data > 0 else (x + b_neg) ** 2

    program = trace(fn, Value(1.0))
    with pytest.raises(TraceError, match=r"sample 1 .*another Value .*'b_neg'.*not the same parameter"):
        program.value_and_grad(np.array([1.0, -1.0]))


def test_two_heads_built_with_the_same_rng_each_get_their_gradient():
    """A head chosen by a value: equal weights, other Values. The scalar engine's gradients are the
    reference; the compiled program must not give the second head's gradient to the first."""
    heads = [MLP(2, [3, 1], rng=7), MLP(2, [3, 1], rng=7)]

    def fn(x, k):
        return heads[0 if k.data < 0.5 else 1](x)

    program = trace(fn, [0.1, 0.2], 0.0)
    with pytest.raises(TraceError):
        program.value_and_grad(np.array([[0.1, 0.2], [0.3, -0.4]]), np.array([0.0, 1.0]))


def test_a_constant_made_inside_the_function_is_fine():
    """Value(2.0) written inside the function is a new leaf on every call, not a swapped parameter."""
    w = Value(3.0, label="w")
    program = trace(lambda x: x * Value(2.0) + w, Value(1.0))
    assert program([1.0, 2.0, -3.0]).tolist() == [5.0, 7.0, -3.0]
    assert program.value_and_grad([1.0, 2.0, -3.0]) == pytest.approx(3.0)


# ---- the guard under no_grad() and at every sample of the first call ------------------------------------------


def test_the_guard_runs_under_no_grad():
    w = Value(2.0, label="w")
    program = trace(lambda x: w * x if x.data > 0 else w * 0.0, Value(1.0))
    with no_grad(), pytest.raises(TraceError, match="sample 1"):
        program([1.0, -1.0])
    with no_grad():  # and the scalar engine's numbers where every sample takes the example's branch
        assert program([1.0, 3.0]).tolist() == [2.0, 6.0]


def test_the_first_call_checks_every_sample():
    """A branch taken by one sample in the middle of a batch of 50 (never sample 0, 25 or 49)."""
    w = Value(1.0)
    program = trace(lambda x: w * x if x.data < 10.0 else w * 0.0, Value(0.0))
    xs = np.zeros(50)
    xs[17] = 11.0
    with pytest.raises(TraceError, match="sample 17"):
        program(xs)


def test_later_calls_keep_checking_some_samples():
    """After a first call that saw only one branch, a later call's sample taking the other is caught."""
    w = Value(1.0)
    program = trace(lambda x: w * x if x.data < 10.0 else w * 0.0, Value(0.0))
    program(np.zeros(4))
    with pytest.raises(TraceError):
        for _ in range(200):
            program(np.full(4, 11.0))


def test_check_traces_every_sample_on_request():
    w = Value(1.0)
    program = trace(lambda x: w * x if x.data < 10.0 else w * 0.0, Value(0.0))
    program.check(np.zeros(3))  # the same graph everywhere: nothing to say
    with pytest.raises(TraceError, match="sample 2"):
        program.check(np.array([0.0, 1.0, 12.0]))


def test_an_activation_that_reads_data_is_caught_in_compiled_training():
    """micrograd-style user code, the issue's activation: `z * 2.0 if z.data > 3.0 else z`. Only sample 2
    (large inputs) reaches z > 3, a position the old guard never traced. Compiled, training must raise
    instead of reaching other losses than the scalar loop."""
    X = [[0.5, 0.2], [0.1, -0.4], [8.0, 8.0], [-0.3, 0.3], [0.2, 0.1], [0.4, -0.5], [-0.2, -0.1]]
    y = [1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0]

    def run(compiled):
        model = MLP(2, [4, 1], activation=lambda z: z * 2.0 if z.data > 3.0 else z, rng=2)
        return train(model, X, y, optimizer=SGD(model.parameters(), lr=0.01), epochs=3, shuffle=False,
                     progress=False, compiled=compiled)  # fmt: skip

    model = MLP(2, [4, 1], rng=2)  # the premise: sample 2, and only it, takes the other branch somewhere
    above = [any(n.w[0].data * x[0] + n.w[1].data * x[1] + n.b.data > 3.0 for n in model.layers[0].neurons)
             for x in X]  # fmt: skip
    assert above == [False, False, True, False, False, False, False]
    run(compiled=False)
    with pytest.raises(TraceError, match="sample 2 .*reads a value in Python"):
        run(compiled=True)


def test_the_guard_budget_limits_the_first_call(monkeypatch):
    """Past the budget only the first, middle and last samples are re-traced on the first call."""
    monkeypatch.setattr(program_module, "FIRST_CALL_BUDGET", 0)
    seen = []
    w = Value(1.0)

    def fn(x):
        seen.append(x.data)
        return w * x

    program = trace(fn, Value(-1.0))
    seen.clear()
    program(np.arange(7.0))
    assert seen == [0.0, 3.0, 6.0]

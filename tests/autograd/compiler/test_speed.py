"""The compiler's speed devices (autograd/compiler/speed.py) give the general path's numbers.

In-place activations against the operation's own NumPy form and the float formula, the layer step
against the general instructions (FUSE off), gradients written rather than added where a layer is
the only writer, and the BLAS thread choice (the user's setting wins).
"""

import math
import os

import numpy as np
import pytest

from autograd import Value, trace
from autograd.compiler import program as program_module
from autograd.compiler import speed
from autograd.core.registry import REGISTRY
from nn import MLP, l2_penalty, mse

threadpoolctl = pytest.importorskip("threadpoolctl", reason="threadpoolctl chooses BLAS threads")


@pytest.mark.parametrize("op", sorted(speed.IN_PLACE))
def test_in_place_activations_equal_the_operation_within_ulps(op):
    z = np.concatenate([np.linspace(-800.0, 800.0, 2001), [-745.5, -709.0, -30.0, -1e-300, 0.0, 1e-300, 37.0]])
    expected = REGISTRY[op].numpy(z.copy())
    floats = np.array([REGISTRY[op].value(x) for x in z.tolist()])  # the scalar engine's formula
    got = z.copy()
    with np.errstate(all="ignore"):
        speed.IN_PLACE[op](got)
    tiny = np.finfo(float).tiny  # below it (e^-745 ...) both are 0 or denormal: compared absolutely
    for reference in (expected, floats):
        np.testing.assert_allclose(got, reference, rtol=4 * np.finfo(float).eps, atol=tiny)
    # the slope rule reads the result only, so the overwritten input is not needed
    rule = REGISTRY[op].derivatives[0]
    np.testing.assert_array_equal(rule(None, got, None), rule(z, got, None))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_layer_steps_give_the_general_path_numbers(activation, monkeypatch):
    model = MLP(5, [7, 6, 3], activation=activation, output_activation="sigmoid", rng=4)
    fn = lambda x, t: mse([model(x)], [t]) + l2_penalty(model, 1e-3)  # noqa: E731
    fast = trace(fn, [0.0] * 5, [0.0] * 3, parameters=model.parameters())
    assert any(isinstance(s, speed.Dense) for s in fast._steps)
    monkeypatch.setattr(program_module, "FUSE", False)
    general = trace(fn, [0.0] * 5, [0.0] * 3, parameters=model.parameters())
    assert not any(isinstance(s, speed.Dense) for s in general._steps)
    rng = np.random.default_rng(1)
    theta = fast.read_parameters()
    for batch in (1, 9, 40):
        X, T = rng.normal(size=(batch, 5)) * 3.0, rng.random((batch, 3))
        out = np.full(len(theta), np.nan)  # written whole: no entry may keep its nan
        a_outs, a_grad = fast.gradient(theta, X, T, out=out)
        b_outs, b_grad = general.gradient(theta, X, T)
        np.testing.assert_allclose(a_outs, b_outs, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(a_grad, b_grad, rtol=1e-12, atol=1e-15)


def test_a_gradient_written_by_a_layer_is_added_where_a_parameter_is_shared():
    """The same weights in two layers (a tied layer): nothing may be overwritten."""
    model = MLP(3, [3, 3], activation="tanh", rng=2)
    first, second = model.layers
    for n1, n2 in zip(first.neurons, second.neurons):
        n2.w, n2.b = n1.w, n1.b
    fn = lambda x: model(x)[0]  # noqa: E731
    program = trace(fn, [0.0] * 3)
    x = [0.3, -0.2, 0.5]
    for p in model.parameters():
        p.grad = 0.0
    fn([Value(v) for v in x]).backward()
    expected = [p.grad for p in program.parameters]
    _, grad = program.gradient(program.read_parameters(), np.array([x]))
    np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss", ["mse", "keras mse", "mse of two outputs"])
def test_a_squared_error_runs_as_the_general_dot_does(loss, monkeypatch):
    """speed.square_sum (d . d as a view of its columns, then / n) against the general Dot step: the
    same products and sums in the same order, so the same bits, forward and backward."""
    model = MLP(4, [5, 3], activation="tanh", output_activation="sigmoid", rng=3)
    if loss == "mse":
        fn = lambda x, t: mse([model(x)], [t])  # noqa: E731
    elif loss == "keras mse":
        fn = lambda x, t: mse([model(x)], [t]) / 3.0  # noqa: E731
    else:
        fn = lambda x, t: [mse([model(x)], [t]), model(x)[0] * 2.0]  # noqa: E731
    rng = np.random.default_rng(5)
    X, T = rng.normal(size=(17, 4)), rng.random((17, 3))
    results = []
    for quick in (True, False):
        if not quick:
            monkeypatch.setattr(speed, "square_sum", lambda *args: None)
        program = trace(fn, [0.0] * 4, [0.0] * 3, parameters=model.parameters())
        theta = program.read_parameters()
        results.append(program.gradient(theta, X, T))
    (a_outs, a_grad), (b_outs, b_grad) = results
    np.testing.assert_array_equal(a_outs, b_outs)
    np.testing.assert_array_equal(a_grad, b_grad)


def test_a_plan_never_writes_into_a_vector_given_to_an_earlier_call():
    """gradient(..., out=g), then evaluate, then gradient() without out: g keeps the first gradient and
    the second comes in a vector of its own (each call's plan is bound to its own gradient vector)."""
    model = MLP(3, [4, 2], activation="tanh", rng=1)
    program = trace(lambda x, t: mse([model(x)], [t]), [0.0] * 3, [0.0] * 2)
    theta = program.read_parameters()
    rng = np.random.default_rng(2)
    X1, T1, X2, T2 = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    g = np.empty(len(theta))
    first = program.gradient(theta, X1, T1, out=g)[1].copy()
    program.evaluate(theta, X2, T2)
    second = program.gradient(theta, X2, T2)[1]
    np.testing.assert_array_equal(g, first)
    assert second is not g and not np.array_equal(second, first)
    np.testing.assert_array_equal(program.gradient(theta, X2, T2, out=np.empty(len(theta)))[1], second)


def _blas_threads():
    return max(c.num_threads for c in threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers)


def test_small_products_run_on_one_thread_large_ones_as_numpy_chose(monkeypatch):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    before = _blas_threads()
    if before < (os.cpu_count() or 1):
        pytest.skip(f"BLAS already limited to {before} threads in this process (the user's choice wins)")
    with speed.blas_threads(10 * 784 * 30):
        assert _blas_threads() == 1
    assert _blas_threads() == before
    with speed.blas_threads(speed.THREADS_FROM):
        assert _blas_threads() == before


def test_the_users_thread_setting_wins(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    before = _blas_threads()
    with speed.blas_threads(10):
        assert _blas_threads() == before
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: no limit to tell apart")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):  # the user's limit, below the cores or not
        chosen = _blas_threads()
        if chosen < (os.cpu_count() or 1):
            with speed.blas_threads(10):
                assert _blas_threads() == chosen


def test_train_runs_its_epochs_with_the_chosen_threads(monkeypatch):
    from nn import SGD, train

    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    if _blas_threads() < (os.cpu_count() or 1):
        pytest.skip("BLAS already limited in this process")
    seen = []
    model = MLP(2, [4, 1], rng=0)
    train(model, [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0], optimizer=SGD(model.parameters(), lr=0.1), epochs=2,
          compiled=True, progress=False, on_epoch=lambda e, h: seen.append(_blas_threads()))  # fmt: skip
    assert seen == [1, 1]
    assert math.isfinite(model.layers[0].neurons[0].w[0].data)

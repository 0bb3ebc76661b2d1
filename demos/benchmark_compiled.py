"""Benchmark, the compiled part: trace once, train fast (`autograd.trace`).

Run by `python -m demos.benchmark` (or `--part compiled`): the digits
network's epoch compiled, against the scalar engine, the same network written
by hand in NumPy, and PyTorch when it is installed; tracing and compiling;
memory at full batch; the moons step; and how far the compiled gradient is
from the scalar one.
"""

from __future__ import annotations

import gc
import tracemalloc
from functools import partial

import numpy as np

from autograd import trace
from demos.benchmark import ALPHA, HIDDEN, LR, _fmt, _table_and_notes, collector_restored, median_time, train_step_ours
from demos.moons import make_moons
from nn import MLP, SGD, hinge, l2_penalty, mse, train

COMPILED_FULL = {"digits_train": 1437, "batches": (10, 100, None), "repeats": 3, "scalar_repeats": 1, "points": 100}
COMPILED_TINY = {"digits_train": 60, "batches": (10, None), "repeats": 1, "scalar_repeats": 1, "points": 10}
DIGITS_SIZES = [30, 15, 10]  # the digits demo's 64-30-15-10 sigmoid network, Keras' mse, SGD 0.8
DIGITS_LR = 0.8
# figure -> (wording, test on its row; None: reported only)
COMPILED_TARGETS = {
    "digits_epoch/10": ("scalar/compiled >= 40, torch/compiled > 1", lambda r: _ge(r, "scalar/compiled", 40)
                        and _ge(r, "torch/compiled", 1.0, strict=True)),
    "digits_epoch/full": ("compiled/torch <= 2", lambda r: r.get("compiled/torch") is not None
                          and r["compiled/torch"] <= 2),
    "trace_compile": ("compiled < 50 ms", lambda r: r["compiled"] < 0.05),
    "memory_full_batch": ("compiled/scalar <= 0.1", lambda r: r["compiled"] / r["scalar"] <= 0.1),
    "moons_step": ("scalar/compiled >= 100", lambda r: _ge(r, "scalar/compiled", 100)),
    "gradient_difference": ("<= 1e-12 relative", lambda r: r["compiled"] <= 1e-12),
}  # fmt: skip


def _ge(row, key, bound, strict=False):
    x = row.get(key)
    return x is not None and (x > bound if strict else x >= bound)


def digits_data(n_train: int):
    """The digits demo's training images (scikit-learn), or random pixels of the same shape without it."""
    try:
        from demos.digits import load

        X, y, _, _ = load(n_train, 0)
        return np.array(X), np.array(y), "scikit-learn's 8x8 digits"
    except ImportError:
        rng = np.random.default_rng(0)
        return rng.random((n_train, 64)), rng.integers(0, 10, n_train), "random 8x8 pixels (no scikit-learn)"


def digits_model():
    return MLP(64, DIGITS_SIZES, activation="sigmoid", output_activation="sigmoid", rng=0)


def layer_arrays(model):
    """[(W, b), ...] of an nn MLP as NumPy arrays: W has one row per neuron."""
    return [
        (np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
        for layer in model.layers
    ]


def numpy_epoch(layers, X, T, batch: int, lr: float) -> None:
    """One epoch of the sigmoid network with Keras' mse and SGD, forward and backward written by hand."""
    for start in range(0, len(X), batch):
        x, t = X[start : start + batch], T[start : start + batch]
        acts = [x]
        for W, b in layers:
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ W.T + b))))
        delta = 2.0 * (acts[-1] - t) / t.size * acts[-1] * (1.0 - acts[-1])  # d loss / d z of the last layer
        for k in range(len(layers) - 1, -1, -1):
            W, b = layers[k]
            below = acts[k]
            gW, gb = delta.T @ below, delta.sum(axis=0)
            if k:
                delta = (delta @ W) * below * (1.0 - below)
            W -= lr * gW
            b -= lr * gb


def torch_setup(model, X, T):
    """The same network and initial weights in PyTorch (float64), or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    layers = []
    for W, b in layer_arrays(model):
        linear = torch.nn.Linear(W.shape[1], W.shape[0]).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.Sigmoid()]
    net = torch.nn.Sequential(*layers)
    return torch, net, torch.optim.SGD(net.parameters(), lr=DIGITS_LR), torch.from_numpy(X), torch.from_numpy(T)


def torch_epoch(setup, batch: int) -> None:
    torch, net, opt, X, T = setup
    for start in range(0, len(X), batch):
        loss = torch.nn.functional.mse_loss(net(X[start : start + batch]), T[start : start + batch])
        opt.zero_grad()
        loss.backward()
        opt.step()


def compiled_setup(model, X, T, loss=None):
    """(program, parameter vector, vector SGD) for the per-sample loss; its first (checked) call made here."""
    from nn.compiled import vector_optimizer

    loss = loss or (lambda x, t: mse([model(x)], [t]))
    program = trace(loss, X[0].tolist(), T[0].tolist())
    optimizer = SGD(program.parameters, lr=DIGITS_LR)
    theta = program.read_parameters()
    for _ in range(2):  # the first calls re-trace a few samples (the structure check): off the clock
        program.gradient(theta, X[:3], T[:3])
    return program, theta, vector_optimizer(optimizer, len(theta))


def compiled_epoch(setup, X, T, batch: int) -> None:
    program, theta, update = setup
    for start in range(0, len(X), batch):
        _, grad = program.gradient(theta, X[start : start + batch], T[start : start + batch])
        update.step(theta, grad)


def scalar_epoch(model, X, y, batch: int) -> None:
    train(model, X.tolist(), y.tolist(), loss="mse", optimizer=SGD(model.parameters(), lr=DIGITS_LR), epochs=1,
          batch_size=batch, shuffle=False, metrics=None, progress=False)  # fmt: skip


def peak_bytes(fn) -> int:
    """The peak of memory allocated while fn() runs (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def gradient_difference(model, X, T) -> float:
    """max |compiled - scalar| / max |scalar| over the full-batch gradient of the digits network."""
    program, theta, _ = compiled_setup(model, X, T)
    _, compiled = program.gradient(theta, X, T)
    for p in program.parameters:
        p.grad = 0.0
    mse([model(x) for x in X.tolist()], T.tolist()).backward()
    scalar = np.array([p.grad for p in program.parameters])
    for p in program.parameters:
        p.grad = 0.0
    return float(np.max(np.abs(compiled - scalar)) / np.max(np.abs(scalar)))


def moons_compiled_step(model, X, y):
    """micrograd's demo step compiled: per-sample hinge plus the L2 term, vector SGD.

    The L2 term's nodes depend on the parameters only, so the program computes them once per batch;
    the mean over the batch of hinge_i + L2 is the scalar step's loss.
    """
    from nn.compiled import vector_optimizer

    def per_sample(x, t):
        return hinge([model(x)], [t]) + l2_penalty(model.parameters(), ALPHA)

    program = trace(per_sample, list(X[0]), float(y[0]), parameters=model.parameters())
    theta = program.read_parameters()
    update = vector_optimizer(SGD(model.parameters(), lr=LR), len(theta))
    Xa, ya = np.array(X, dtype=float), np.array(y, dtype=float)
    for _ in range(2):
        program.gradient(theta, Xa, ya)

    def step():
        outs, grad = program.gradient(theta, Xa, ya)
        update.step(theta, grad)
        return float(outs.mean())

    return step


def _repeat(step, n: int) -> None:
    """n steps in a row: a compiled step is well under a millisecond, too short to time alone."""
    for _ in range(n):
        step()


def run_compiled(config: dict, gc_on: bool = True) -> dict:
    """The compiled path's figures, every time taken with the collector on or off: {figure: {"unit", "note", "row"}}."""
    with collector_restored():
        return _run_compiled(config, gc_on)


def _run_compiled(config: dict, gc_on: bool) -> dict:
    reps, scalar_reps = config["repeats"], config["scalar_repeats"]
    X, y, source = digits_data(config["digits_train"])
    T = np.eye(10)[y]
    results: dict = {}

    def record(name, unit, note, row):
        for a, b in (("scalar", "compiled"), ("torch", "compiled"), ("compiled", "torch"), ("compiled", "numpy")):
            ok = isinstance(row.get(a), float) and isinstance(row.get(b), float) and row[b] > 0
            row[f"{a}/{b}"] = row[a] / row[b] if ok else None
        wording, test = COMPILED_TARGETS.get(name, ("", None))
        row["target"] = wording
        row["met"] = None if test is None or config is COMPILED_TINY else bool(test(row))
        results[name] = {"unit": unit, "note": note, "row": row}

    net = f"64-30-15-10 sigmoid, Keras' mse, SGD {DIGITS_LR}, {len(X):,} images of {source}"
    for batch in config["batches"]:
        size = len(X) if batch is None else batch
        row = {}
        model = digits_model()
        row["scalar"] = median_time(partial(scalar_epoch, model, X, y, size), scalar_reps, gc_on=gc_on)
        model = digits_model()
        setup = compiled_setup(model, X, T)
        row["compiled"] = median_time(partial(compiled_epoch, setup, X, T, size), reps, gc_on=gc_on)
        torch = torch_setup(digits_model(), X, T)
        row["torch"] = median_time(partial(torch_epoch, torch, size), reps, gc_on=gc_on) if torch else None
        layers = layer_arrays(digits_model())
        row["numpy"] = median_time(partial(numpy_epoch, layers, X, T, size, DIGITS_LR), reps, gc_on=gc_on)
        label = "full" if batch is None else str(batch)
        record(f"digits_epoch/{label}", "s per epoch", f"one epoch at batch {size}: {net}", row)

    def trace_once():
        model = digits_model()
        return trace(lambda x, t: mse([model(x)], [t]), X[0].tolist(), T[0].tolist())

    program = trace_once()
    record(
        "trace_compile",
        "s",
        f"trace + compile of the digits network's per-sample loss ({len(program.order):,} scalar nodes -> "
        f"{len(program.instructions)} vector instructions)",
        {"compiled": median_time(trace_once, max(reps, 3), gc_on=gc_on)},
    )
    model = digits_model()
    setup = compiled_setup(model, X, T)
    record(
        "memory_full_batch",
        "B",
        f"tracemalloc peak of one full-batch step ({len(X):,} images): forward, backward, update",
        {
            "scalar": float(peak_bytes(partial(scalar_epoch, digits_model(), X, y, len(X)))),
            "compiled": float(peak_bytes(partial(compiled_epoch, setup, X, T, len(X)))),
        },
    )
    mX, my = make_moons(config["points"])
    scalar_model, compiled_model = MLP(2, HIDDEN, rng=1), MLP(2, HIDDEN, rng=1)
    scalar_step = partial(train_step_ours, scalar_model, SGD(scalar_model.parameters(), lr=LR), mX, my)
    record(
        "moons_step",
        "s per step",
        f"MLP(2, {HIDDEN}) on {len(mX)} two-moons points: max-margin loss + L2, backward, SGD (the train_step "
        "figure); compiled: the mean of 20 steps in a row",
        {
            "scalar": median_time(scalar_step, reps, gc_on=gc_on),
            "compiled": median_time(partial(_repeat, moons_compiled_step(compiled_model, mX, my), 20), max(reps, 5),
                                    gc_on=gc_on) / 20,  # fmt: skip
        },
    )
    record(
        "gradient_difference",
        "relative",
        "max |compiled - scalar| / max |scalar|, full-batch gradient of the digits network",
        {"compiled": gradient_difference(digits_model(), X, T)},
    )
    if torch_setup(digits_model(), X[:1], T[:1]) is not None:
        import torch

        results["digits_epoch/10" if 10 in config["batches"] else next(iter(results))]["torch_threads"] = (
            torch.get_num_threads()
        )
    return results


def report_compiled(results: dict, gc_on: bool = True) -> str:
    """The compiled path's table: scalar, compiled, PyTorch, NumPy by hand, the ratios, the targets."""
    header = ("figure", "unit", "scalar", "compiled", "torch", "numpy", "scalar/comp", "torch/comp", "comp/numpy",
              "target", "met")  # fmt: skip
    rows = []
    for name, r in results.items():
        row, unit = r["row"], r["unit"]

        def show(x, unit=unit):
            if x is None:
                return "-"
            if unit == "relative":
                return f"{x:.1e}"
            return _fmt(x, "B " if unit == "B" else unit)

        ratio = lambda x: "-" if x is None else f"{x:,.1f}x"  # noqa: E731
        rows.append(
            (name, unit, show(row.get("scalar")), show(row.get("compiled")), show(row.get("torch")),
             show(row.get("numpy")), ratio(row.get("scalar/compiled")), ratio(row.get("torch/compiled")),
             ratio(row.get("compiled/numpy")), row["target"] or "-", {True: "yes", False: "NO", None: "-"}[row["met"]])
        )  # fmt: skip
    setting = "gc on (what users get)" if gc_on else "gc off (the engines alone)"
    lines = ["", f"Trace once, train fast: the compiled path (autograd.trace, nn.train(compiled=True)), {setting}", ""]
    lines += _table_and_notes(header, rows, 2, results)
    threads = [r["torch_threads"] for r in results.values() if "torch_threads" in r]
    lines.append(
        "compiled: the per-sample loss traced once, each batch one NumPy forward/backward and a vector SGD step; "
        "numpy: the same network written by hand; "
        + (f"torch: float64, {threads[0]} threads, same initial weights." if threads else "torch: not installed.")
    )
    return "\n".join(lines)

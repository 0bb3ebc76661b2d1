"""Benchmark, the compiled part: trace once, train fast (`autograd.trace`).

Run by `python -m demos.benchmark` (or `--part compiled`, or `python -m
demos.benchmark_compiled [--tiny] [--mnist DIR]` for this part alone): the
digits network's epoch compiled, against the scalar engine, the same network
written by hand in NumPy, and PyTorch when it is installed; tracing and
compiling; memory at full batch; the moons step; how far the compiled gradient
is from the scalar one; and on real MNIST (the slides' 784-30-15-10 sigmoid
network, squared error, SGD 0.8; the folder ../shared/data/mnist beside the
project, or --mnist DIR; skipped with the reason when absent) the epoch at
batch 1 to full against NumPy by hand and PyTorch at one BLAS thread, the
full-batch memory, and `nn.train(..., compiled=True)` on all 60,000 images.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import time
import tracemalloc
from functools import partial
from pathlib import Path

import numpy as np

from autograd import trace
from demos.benchmark import ALPHA, HIDDEN, LR, _fmt, _table_and_notes, collector_restored, median_time, train_step_ours
from demos.moons import make_moons
from nn import MLP, SGD, hinge, l2_penalty, mse, train

COMPILED_FULL = {
    "digits_train": 1437,
    "batches": (10, 100, None),
    "repeats": 3,
    "scalar_repeats": 1,
    "points": 100,
    "mnist_images": 10_000,
    "mnist_batches": (1, 10, 32, 100, 1000, None),
    "mnist_train": None,
}
COMPILED_TINY = {"tiny": True, "digits_train": 60, "batches": (10, None), "repeats": 1, "scalar_repeats": 1,
                 "points": 10, "mnist_images": 200, "mnist_batches": (10, None), "mnist_train": 640}  # fmt: skip
MNIST_SIZES = [30, 15, 10]  # the slides' 784-30-15-10 sigmoid network, squared error, SGD 0.8, batch 32
MNIST_LR = 0.8
MNIST_BATCH = 32
MNIST_DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"  # ../shared/data/mnist
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
    "mnist_epoch/1": ("", None),
    "mnist_epoch/10": ("compiled/numpy <= 1.3", lambda r: _le(r, "compiled/numpy", 1.3)),
    "mnist_epoch/32": ("", None),
    "mnist_epoch/100": ("compiled/numpy <= 1.2", lambda r: _le(r, "compiled/numpy", 1.2)),
    "mnist_epoch/1000": ("", None),
    "mnist_epoch/full": ("compiled/numpy <= 1.25", lambda r: _le(r, "compiled/numpy", 1.25)),
    "mnist_memory_full_batch": ("compiled/numpy <= 2", lambda r: _le(r, "compiled/numpy", 2.0)),
    "mnist_train_epoch": ("compiled/numpy <= 1.5", lambda r: _le(r, "compiled/numpy", 1.5)),
    "mnist_train_measured": ("measured/plain <= 1.5", lambda r: _le(r, "measured/plain", 1.5)),
    "mnist_train_startup": ("<= 2 us per parameter", lambda r: r["compiled"] / r["parameters"] <= 2e-6),
}  # fmt: skip


def _le(row, key, bound):
    x = row.get(key)
    return x is not None and x <= bound


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


def compiled_setup(model, X, T, loss=None, lr=DIGITS_LR):
    """(program, parameter vector, vector SGD, gradient vector) for the per-sample loss, as train(compiled=True)
    makes them (parameters in the model's order); its first (checked) call made here."""
    from nn.compiled import vector_optimizer

    loss = loss or (lambda x, t: mse([model(x)], [t]))
    program = trace(loss, X[0].tolist(), T[0].tolist(), parameters=model.parameters())
    optimizer = SGD(program.parameters, lr=lr)
    theta = program.read_parameters()
    grad = np.zeros(len(theta))
    for _ in range(2):  # the first call re-traces samples (the structure check): off the clock
        program.gradient(theta, X[:3], T[:3], out=grad)
    return program, theta, vector_optimizer(optimizer, len(theta)), grad


def compiled_epoch(setup, X, T, batch: int) -> None:
    """One epoch as train(compiled=True) steps: each batch's gradient into one vector, the optimizer's update."""
    program, theta, update, grad = setup
    for start in range(0, len(X), batch):
        program.gradient(theta, X[start : start + batch], T[start : start + batch], out=grad)
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
    program, theta, _, _ = compiled_setup(model, X, T)
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


# ---- real MNIST: the slides' network at every batch size, and nn.train on all 60,000 images ------------------


def mnist_data(folder):
    """((X_train, y_train), (X_test, y_test)) from `folder` (nn.load_mnist), or (None, reason) without it."""
    from nn import load_mnist

    folder = Path(folder) if folder is not None else MNIST_DEFAULT
    if not folder.is_dir():
        return None, f"no MNIST folder at {folder} (give one with --mnist DIR)"
    try:
        return load_mnist(folder), None
    except (OSError, ValueError) as e:
        return None, f"MNIST at {folder} unreadable: {e}"


def mnist_model():
    return MLP(784, MNIST_SIZES, activation="sigmoid", output_activation="sigmoid", rng=0)


def one_blas_thread():
    """BLAS (and PyTorch) at one thread while timing the batch table, as the targets say: the systems
    compared on the same footing. A no-op without threadpoolctl (then NumPy's setting, reported)."""
    stack = contextlib.ExitStack()
    try:
        from threadpoolctl import threadpool_limits

        stack.enter_context(threadpool_limits(limits=1, user_api="blas"))
    except ImportError:
        pass
    try:
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
        stack.callback(torch.set_num_threads, before)
    except ImportError:
        pass
    return stack


def blas_thread_count() -> int | None:
    """The BLAS threads NumPy uses now (threadpoolctl), or None when it cannot tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [lib["num_threads"] for lib in threadpool_info() if lib.get("user_api") == "blas"]
    return max(counts) if counts else None


def numpy_train_epoch(layers, X, T, batch: int, lr: float, order) -> None:
    """numpy_epoch over the samples in `order` (a shuffled epoch, as train draws it): the batches gathered."""
    for start in range(0, len(X), batch):
        chosen = order[start : start + batch]
        numpy_epoch(layers, X[chosen], T[chosen], batch, lr)


def mnist_train_times(X, y, val, *, measured: bool, gc_on: bool) -> tuple[float, float, int]:
    """(seconds of the second epoch, seconds before the first epoch's steps: trace, compile, checks; the
    number of parameters) of nn.train(..., compiled=True), batch 32, two epochs; `measured` adds the
    accuracy and the validation loss and accuracy, as the slides' Keras code asks."""
    from nn import accuracy

    model = mnist_model()
    marks = []
    gc.collect()
    if gc_on:
        gc.enable()
    try:
        start = time.perf_counter()
        train(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=MNIST_LR), epochs=2,
              batch_size=MNIST_BATCH, seed=0, compiled=True, progress=False,
              metrics=accuracy if measured else None, val=val if measured else None,
              on_epoch=lambda epoch, history: marks.append(time.perf_counter()))  # fmt: skip
    finally:
        gc.disable()
    epoch = marks[1] - marks[0]
    return epoch, (marks[0] - start) - epoch, len(model.parameters())


def _run_mnist(config: dict, gc_on: bool, record) -> None:
    data, reason = mnist_data(config.get("mnist"))
    names = [f"mnist_epoch/{'full' if b is None else b}" for b in config["mnist_batches"]]
    names += ["mnist_memory_full_batch", "mnist_train_epoch", "mnist_train_measured", "mnist_train_startup"]
    if data is None:
        for name in names:
            record(name, "-", f"skipped: {reason}", {"compiled": None, "skipped": reason})
        return
    (X_all, y_all), (X_test, y_test) = data
    reps = config["repeats"]
    X, y = X_all[: config["mnist_images"]], y_all[: config["mnist_images"]]
    T = np.eye(10)[y]
    net = f"784-30-15-10 sigmoid, squared error, SGD {MNIST_LR}, {len(X):,} MNIST images, one BLAS thread"
    with one_blas_thread():
        threads = blas_thread_count()
        for batch in config["mnist_batches"]:
            size = len(X) if batch is None else batch
            row = {}
            setup = compiled_setup(mnist_model(), X, T, lr=MNIST_LR)
            row["compiled"] = median_time(partial(compiled_epoch, setup, X, T, size), reps, gc_on=gc_on)
            layers = layer_arrays(mnist_model())
            row["numpy"] = median_time(partial(numpy_epoch, layers, X, T, size, MNIST_LR), reps, gc_on=gc_on)
            torch = torch_setup(mnist_model(), X, T)
            row["torch"] = median_time(partial(torch_epoch, torch, size), reps, gc_on=gc_on) if torch else None
            row["blas_threads"] = threads
            label = "full" if batch is None else str(batch)
            record(f"mnist_epoch/{label}", "s per epoch", f"one epoch at batch {size}: {net}", row)
        setup = compiled_setup(mnist_model(), X, T, lr=MNIST_LR)
        layers = layer_arrays(mnist_model())
        record(
            "mnist_memory_full_batch",
            "B",
            f"tracemalloc peak of one full-batch step ({len(X):,} MNIST images), the program's arrays included",
            {
                "compiled": float(peak_bytes(partial(compiled_epoch, setup, X, T, len(X)))),
                "numpy": float(peak_bytes(partial(numpy_epoch, layers, X, T, len(X), MNIST_LR))),
            },
        )
    n_train = config["mnist_train"] or len(X_all)
    Xt, yt = X_all[:n_train], y_all[:n_train]
    val = (X_test, y_test) if config["mnist_train"] is None else (X_test[: n_train // 6], y_test[: n_train // 6])
    plain = [mnist_train_times(Xt, yt, val, measured=False, gc_on=gc_on) for _ in range(reps)]
    measured = [mnist_train_times(Xt, yt, val, measured=True, gc_on=gc_on) for _ in range(reps)]
    layers = layer_arrays(mnist_model())
    order = np.random.default_rng(0).permutation(len(Xt))
    Tt = np.eye(10)[yt]
    hand = median_time(partial(numpy_train_epoch, layers, Xt, Tt, MNIST_BATCH, MNIST_LR, order), reps, gc_on=gc_on)
    epoch = float(np.median([p[0] for p in plain]))
    what = f"nn.train(..., compiled=True) on {len(Xt):,} MNIST images, batch {MNIST_BATCH}, the slides' network"
    record("mnist_train_epoch", "s per epoch", f"{what}: the second epoch; numpy: the same shuffled epoch by hand",
           {"compiled": epoch, "numpy": hand})  # fmt: skip
    with_metrics = float(np.median([m[0] for m in measured]))
    record("mnist_train_measured", "s per epoch",
           f"{what}, with metrics=nn.accuracy and val=({len(val[0]):,} test images): the second epoch, "
           f"{with_metrics / epoch:.2f}x a plain epoch",
           {"compiled": with_metrics, "plain": epoch, "measured/plain": with_metrics / epoch})  # fmt: skip
    startup = float(np.median([p[1] for p in plain]))
    record("mnist_train_startup", "s",
           f"{what}: trace, compile and the structure checks before the first epoch's steps, "
           f"{startup / plain[0][2] * 1e6:.2f} us for each of {plain[0][2]:,} parameters",
           {"compiled": startup, "parameters": plain[0][2]})  # fmt: skip


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
        judged = test is not None and not config.get("tiny") and not row.get("skipped")
        row["met"] = bool(test(row)) if judged else None
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
            "compiled": median_time(
                partial(_repeat, moons_compiled_step(compiled_model, mX, my), 20), max(reps, 5), gc_on=gc_on
            )
            / 20,  # fmt: skip
        },
    )
    record(
        "gradient_difference",
        "relative",
        "max |compiled - scalar| / max |scalar|, full-batch gradient of the digits network",
        {"compiled": gradient_difference(digits_model(), X, T)},
    )
    _run_mnist(config, gc_on, record)
    if torch_setup(digits_model(), X[:1], T[:1]) is not None:
        import torch

        results["digits_epoch/10" if 10 in config["batches"] else next(iter(results))]["torch_threads"] = (
            torch.get_num_threads()
        )
    return results


def report_compiled(results: dict, gc_on: bool = True) -> str:
    """The compiled path's table: scalar, compiled, PyTorch, NumPy by hand, the ratios, the targets."""
    header = ("figure", "unit", "scalar", "compiled", "torch", "numpy", "scalar/comp", "comp/torch", "comp/numpy",
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

        ratio = lambda x: "-" if x is None else f"{x:,.2f}x"  # noqa: E731
        rows.append(
            (name, unit, show(row.get("scalar")), show(row.get("compiled")), show(row.get("torch")),
             show(row.get("numpy")), ratio(row.get("scalar/compiled")), ratio(row.get("compiled/torch")),
             ratio(row.get("compiled/numpy")), row["target"] or "-", {True: "yes", False: "NO", None: "-"}[row["met"]])
        )  # fmt: skip
    setting = "gc on (what users get)" if gc_on else "gc off (the engines alone)"
    lines = ["", f"Trace once, train fast: the compiled path (autograd.trace, nn.train(compiled=True)), {setting}", ""]
    lines += _table_and_notes(header, rows, 2, results)
    blas = [r["row"]["blas_threads"] for r in results.values() if r["row"].get("blas_threads") is not None]
    if blas:
        lines.append(f"mnist_epoch: NumPy's BLAS at {blas[0]} thread(s) and PyTorch at 1 while timed; the other "
                     f"figures with the library defaults (BLAS now: {blas_thread_count()} thread(s); "
                     "train(compiled=True) picks one thread for small products unless the user set them).")  # fmt: skip
    threads = [r["torch_threads"] for r in results.values() if "torch_threads" in r]
    lines.append(
        "compiled: the per-sample loss traced once, each batch one NumPy forward/backward and a vector SGD step; "
        "numpy: the same network written by hand; "
        + (f"torch: float64, {threads[0]} threads, same initial weights." if threads else "torch: not installed.")
    )
    return "\n".join(lines)


def main(argv=None) -> dict:
    """This part alone: `python -m demos.benchmark_compiled [--tiny] [--mnist DIR]`."""
    parser = argparse.ArgumentParser(prog="python -m demos.benchmark_compiled", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a seconds-long smoke run (targets not judged)")
    parser.add_argument("--mnist", metavar="DIR", help=f"the MNIST folder (default {MNIST_DEFAULT})")
    parser.add_argument("--gc", choices=("on", "off", "both"), default="both", help="the collector while timing")
    args = parser.parse_args(argv)
    config = dict(COMPILED_TINY if args.tiny else COMPILED_FULL, mnist=args.mnist)
    results = {}
    for setting in ("on", "off") if args.gc == "both" else (args.gc,):
        results[setting] = run_compiled(config, gc_on=setting == "on")
        print(report_compiled(results[setting], gc_on=setting == "on"))
    return results


if __name__ == "__main__":
    main()

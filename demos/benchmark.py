"""Benchmark: speed and memory of the engine, against plain floats and micrograd.

Prints, for each figure of the speed issue, this engine's number, the same
work on plain Python floats, and micrograd 0.1.0 when it is installed
(`pip install -e '.[bench]'`), with the ratios. All runs happen in this one
process with default interpreter settings (garbage collector on); each time
is the median of several repetitions. This is a measurement, not a test:
nothing here asserts a speed.

    python -m demos.benchmark            # the full run (about a minute)
    python -m demos.benchmark --tiny     # a seconds-long smoke run
    python -m demos.benchmark --json results.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from functools import partial

from autograd import Value, backpropagate, dot, no_grad
from demos.moons import make_moons
from nn import MLP, SGD, hinge, l2_penalty

FULL = {"chain_ops": 200_000, "deep": 1_000_000, "wide": 100_000, "points": 100, "repeats": 5}
TINY = {"chain_ops": 2_000, "deep": 20_000, "wide": 2_000, "points": 10, "repeats": 1}


def _speedup(r):
    return r["micrograd"] / r["ours"] if isinstance(r["micrograd"], float) else None


TARGETS = {  # the speed issue's targets: (wording, the figure that is compared, None when it can't be)
    "train_step": ("micrograd/ours >= 10", lambda r: _speedup(r) and _speedup(r) >= 10),
    "chain_build": ("micrograd/ours >= 8", lambda r: _speedup(r) and _speedup(r) >= 8),
    "chain_backward": ("micrograd/ours >= 2", lambda r: _speedup(r) and _speedup(r) >= 2),
    "memory": ("ours <= 200 B", lambda r: r["ours"] <= 200),
    "memory_after_del": ("freed by refcount", lambda r: r["ours"] <= 10),
    "deep_backward": ("works", lambda r: r["ours"] > 0),
    "eval_no_grad": ("ours/floats <= 5", lambda r: r["ours"] / r["floats"] <= 5),
    "wide": ("micrograd/ours >= 5", lambda r: _speedup(r) and _speedup(r) >= 5),
}


def median_time(fn, repeats: int) -> float:
    """Median wall time of `fn()` over `repeats` runs (its result is dropped before the next run)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        del result
    return statistics.median(times)


# ---- the same work written for each engine -----------------------------------


def chain(V, n_ops: int):
    """A chain of n_ops mixed operations: * number, + number, relu, * Value."""
    x, c = V(1.0), V(0.9999)
    for _ in range(n_ops // 4):
        x = x * 1.0001
        x = x + 0.5
        x = x.relu()
        x = x * c
    return x


def chain_floats(n_ops: int) -> float:
    x, c = 1.0, 0.9999
    for _ in range(n_ops // 4):
        x = x * 1.0001
        x = x + 0.5
        x = max(x, 0.0)
        x = x * c
    return x


def deep_chain(n: int) -> Value:
    x = Value(0.5)
    for _ in range(n):
        x = x + 1.0
    return x


def wide_ours(n: int, seed: int = 0) -> Value:
    rng = random.Random(seed)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    xs = [Value(rng.uniform(-1, 1)) for _ in range(n)]
    out = dot(ws, xs)
    out.backward()
    return out


def wide_micrograd(V, n: int, seed: int = 0):
    rng = random.Random(seed)
    ws = [V(rng.uniform(-1, 1)) for _ in range(n)]
    xs = [V(rng.uniform(-1, 1)) for _ in range(n)]
    out = sum((w * x for w, x in zip(ws, xs)), V(0.0))
    out.backward()
    return out


def wide_floats(n: int, seed: int = 0) -> float:
    rng = random.Random(seed)
    ws = [rng.uniform(-1, 1) for _ in range(n)]
    xs = [rng.uniform(-1, 1) for _ in range(n)]
    return sum(w * x for w, x in zip(ws, xs))


def train_step_ours(model, X, y, lr: float = 0.1) -> float:
    scores = [model(x) for x in X]
    loss = hinge(scores, y) + l2_penalty(model.parameters(), 1e-4)
    model.zero_grad()
    loss.backward()
    SGD(model.parameters(), lr=lr).step()
    return loss.data


def train_step_micrograd(V, model, X, y, lr: float = 0.1) -> float:
    scores = [model(x) for x in X]
    losses = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
    loss = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def eval_floats(layers, X) -> list[float]:
    """The MLP's forward pass on plain floats: layers = [(weights rows, biases), ...]."""
    out = []
    for x in X:
        h = x
        for k, (W, b) in enumerate(layers):
            z = [sum(w * xi for w, xi in zip(row, h)) + bi for row, bi in zip(W, b)]
            h = z if k == len(layers) - 1 else [max(zi, 0.0) for zi in z]
        out.append(h[0])
    return out


def float_layers(model) -> list[tuple[list[list[float]], list[float]]]:
    return [
        ([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons]) for layer in model.layers
    ]


def bytes_per_node(build, count) -> tuple[float, float]:
    """(bytes per node while the graph is alive, bytes still held right after `del`)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = build()
        nodes = count(root)
        alive = tracemalloc.get_traced_memory()[0] - before
        del root
        left = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.collect()
    return alive / nodes, max(left, 0) / nodes


def count_nodes(root, parents_of) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for p in parents_of(stack.pop()):
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return len(seen)


def free_time(build) -> float:
    """Seconds until a dropped graph's memory is back: `del`, plus gc.collect() only if needed."""
    root = build()
    gc.collect()
    start = time.perf_counter()
    del root
    gc.collect()
    return time.perf_counter() - start


# ---- the benchmark -----------------------------------------------------------


def run(config: dict) -> dict:
    """Measure everything; returns {figure: {"ours": .., "floats": .., "micrograd": .., unit, ratios}}."""
    try:
        from micrograd.engine import Value as MValue
        from micrograd.nn import MLP as MMLP
    except ImportError:
        MValue = MMLP = None
    reps, n_chain = config["repeats"], config["chain_ops"]
    results: dict = {}

    def record(name, unit, ours, floats=None, micro=None, note=""):
        results[name] = {"unit": unit, "ours": ours, "floats": floats, "micrograd": micro, "note": note}

    # 1. micrograd's demo training step
    X, y = make_moons(config["points"])
    model = MLP(2, [16, 16, 1], seed=1)
    ours = median_time(lambda: train_step_ours(model, X, y), reps)
    micro = None
    if MMLP is not None:
        random.seed(1)
        mmodel = MMLP(2, [16, 16, 1])
        micro = median_time(lambda: train_step_micrograd(MValue, mmodel, X, y), reps)
    record("train_step", "s per step", ours, None, micro, "MLP(2,[16,16,1]), hinge + L2, forward+backward+update")

    # 2./3. a chain of mixed operations: building it, then backward
    per_op = 1.0 / n_chain
    ours = median_time(lambda: chain(Value, n_chain), reps) * per_op
    floats = median_time(lambda: chain_floats(n_chain), reps) * per_op
    micro = median_time(lambda: chain(MValue, n_chain), reps) * per_op if MValue else None
    record("chain_build", "s per op", ours, floats, micro, f"{n_chain:,} ops: *c, +c, relu, *Value")

    root = chain(Value, n_chain)
    nodes = count_nodes(root, lambda v: v._parents)
    ours = median_time(partial(backpropagate, root), reps) / nodes
    del root
    micro = None
    if MValue is not None:
        mroot = chain(MValue, n_chain)
        mnodes = count_nodes(mroot, lambda v: v._prev)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 4 * mnodes))  # micrograd's topological sort recurses
        try:
            micro = median_time(mroot.backward, reps) / mnodes
        finally:
            sys.setrecursionlimit(limit)
        del mroot
    record("chain_backward", "s per node", ours, None, micro, "the chain above, backward() alone")

    # 4. memory per node and freeing
    ours_alive, ours_left = bytes_per_node(
        lambda: chain(Value, n_chain), lambda r: count_nodes(r, lambda v: v._parents)
    )
    micro_alive = micro_left = None
    if MValue is not None:
        micro_alive, micro_left = bytes_per_node(
            lambda: chain(MValue, n_chain), lambda r: count_nodes(r, lambda v: v._prev)
        )
    record("memory", "bytes per node", ours_alive, None, micro_alive, "tracemalloc, graph alive")
    record("memory_after_del", "bytes per node", ours_left, None, micro_left, "still held right after `del root`")
    record(
        "free",
        "s",
        free_time(lambda: chain(Value, n_chain)),
        None,
        free_time(lambda: chain(MValue, n_chain)) if MValue else None,
        "drop the chain: del + gc.collect()",
    )

    # 5. depth
    root = deep_chain(config["deep"])
    start = time.perf_counter()
    root.backward()
    elapsed = time.perf_counter() - start
    del root
    micro = None
    if MValue is not None:  # micrograd at the interpreter's default recursion limit
        mroot = MValue(0.5)
        for _ in range(5_000):
            mroot = mroot + 1.0
        try:
            mroot.backward()
            micro = "works at 5,000"
        except RecursionError:
            micro = "RecursionError at 5,000"
        del mroot
    record("deep_backward", "s", elapsed, None, micro, f"{config['deep']:,}-node chain backward")

    # 6. evaluation under no_grad against the same arithmetic on floats
    def eval_ours():
        with no_grad():
            return [model(x) for x in X]

    layers = float_layers(model)
    ours = median_time(eval_ours, max(reps, 3))
    floats = median_time(lambda: eval_floats(layers, X), max(reps, 3))
    record("eval_no_grad", "s per pass", ours, floats, None, f"MLP forward on {len(X)} points")

    # 7. a wide sum of products, forward + backward
    n_wide = config["wide"]
    ours = median_time(lambda: wide_ours(n_wide), reps)
    floats = median_time(lambda: wide_floats(n_wide), reps)
    micro = None
    if MValue is not None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10 * n_wide))
        try:
            micro = median_time(lambda: wide_micrograd(MValue, n_wide), reps)
        finally:
            sys.setrecursionlimit(limit)
    record("wide", "s", ours, floats, micro, f"{n_wide:,}-term sum of products, forward + backward")
    return results


def describe_machine() -> dict:
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": platform.machine(),
        "system": platform.platform(),
        "cpus": os.cpu_count(),
        "gc_enabled": gc.isenabled(),
    }


def _fmt(x, unit) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if unit.startswith("bytes"):
        return f"{x:,.0f} B"
    for scale, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns")):
        if abs(x) >= scale or suffix == "ns":
            return f"{x / scale:,.3g} {suffix}"
    return str(x)


def check_targets(results: dict) -> None:
    """Add to each figure its target and whether it is met (None: not measurable, e.g. no micrograd)."""
    for name, r in results.items():
        wording, met = TARGETS.get(name, ("", None))
        r["target"] = wording
        r["met"] = None if met is None else (bool(met(r)) if met(r) is not None else None)


def report(results: dict, machine: dict) -> str:
    """The table the benchmark prints, then what each figure measures."""
    header = ("figure", "ours", "floats", "micrograd", "micrograd/ours", "ours/floats", "target", "met")
    rows = []
    for name, r in results.items():
        ours, floats, micro = r["ours"], r["floats"], r["micrograd"]
        met = {True: "yes", False: "NO", None: "-"}[r.get("met")]
        rows.append(
            (
                name,
                _fmt(ours, r["unit"]),
                _fmt(floats, r["unit"]),
                _fmt(micro, r["unit"]),
                f"{micro / ours:,.1f}x" if isinstance(micro, float) and ours else "-",
                f"{ours / floats:,.1f}x" if floats and ours else "-",
                r.get("target", ""),
                met,
            )
        )
    widths = [max(len(row[k]) for row in [header, *rows]) for k in range(len(header))]
    lines = [f"Python {machine['python']} ({machine['implementation']}) on {machine['system']}, {machine['cpus']} CPUs"]
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    lines.append("")
    lines.extend(f"{name:<{widths[0]}}  {r['note']} ({r['unit']})" for name, r in results.items())
    if all(r["micrograd"] is None for r in results.values()):
        lines.append("micrograd is not installed: pip install -e '.[bench]' to compare with it")
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m demos.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    config = TINY if args.tiny else FULL
    machine = describe_machine()
    results = run(config)
    check_targets(results)
    print(report(results, machine))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine, "config": config, "results": results}, fh, indent=2)
        print(f"wrote {args.json}")
    return results


if __name__ == "__main__":
    main()

"""The benchmark runs in its tiny configuration and reports every figure in both gc settings.

Only the structure is checked (which figures, which rows, counts that agree,
no failed target in a tiny run, the JSON file); no timing is asserted.
"""

import contextlib
import gc
import io
import json
import math
import sys

import numpy as np
import pytest

from demos import benchmark, benchmark_compiled

CHAIN_FIGURES = ("chain_build", "chain_backward")


def _has_micrograd() -> bool:
    return benchmark.load_micrograd() is not None


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """One tiny run for the whole module: (results, printed table, saved JSON, interpreter state before/after)."""
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    state = lambda: (gc.isenabled(), gc.get_freeze_count(), sys.getrecursionlimit())
    before = state()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        results = benchmark.main(["--tiny", "--json", str(path)])
    return results, out.getvalue(), json.loads(path.read_text()), (before, state())


def test_every_figure_has_both_gc_settings(tiny_run):
    results, printed, _, _ = tiny_run
    expected = set(benchmark.TARGETS) | {"free", "memory/op"} | {f"{name}/node" for name in CHAIN_FIGURES}
    assert set(results) == expected
    for name, figure in results.items():
        assert name in printed
        assert figure["note"] and figure["unit"]
        for setting in ("on", "off"):
            assert figure[setting]["ours"] is not None, (name, setting)
    assert "gc on: what users get; gc off: the engines alone" in printed
    header = next(line for line in printed.splitlines() if line.startswith("figure"))
    assert header.split()[:3] == ["figure", "unit", "gc"]


def test_every_target_is_printed_for_the_setting_it_names(tiny_run):
    results, _, _, _ = tiny_run
    for name, by_setting in benchmark.TARGETS.items():
        for setting, (wording, _) in by_setting.items():
            assert results[name][setting]["target"] == wording
    # issue 23's targets against micrograd 0.1.0
    assert results["train_step"]["off"]["target"] == "mg/ours >= 8"
    assert results["chain_build"]["on"]["target"] == "mg/ours >= 20"
    for setting in ("on", "off"):
        assert results["chain_backward"][setting]["target"] == "mg/ours >= 6"
        assert results["wide_tree"][setting]["target"] == results["wide_sum"][setting]["target"] == "mg/ours >= 4"
        assert results["memory"][setting]["target"] == "ours <= 150 B"


def test_a_tiny_run_judges_no_size_dependent_target(tiny_run):
    results, printed, _, _ = tiny_run
    for line in printed.splitlines():
        assert not line.rstrip().endswith("NO"), line
    assert "tiny run" in printed
    for name, figure in results.items():
        for setting in ("on", "off"):
            if name not in benchmark.SIZE_INDEPENDENT:
                assert figure[setting]["met"] is None, (name, setting)
    assert results["deep_backward"]["on"]["met"] is True


def test_per_op_and_per_node_counts_agree(tiny_run):
    results, _, _, _ = tiny_run
    ops = benchmark.TINY["chain_ops"]
    counts = results["chain_build"]["counts"]
    assert counts["ops"] == ops
    assert counts["nodes"]["ours"] == ops + 2  # one node per operation, and the leaves x and c
    if _has_micrograd():  # plus a leaf per number operand: two per round of four operations
        assert counts["nodes"]["micrograd"] == ops + 2 * (ops // 4) + 2
        assert counts["nodes"]["micrograd"] == benchmark.micrograd_chain_nodes(ops)
    for name in (*CHAIN_FIGURES, "memory/op"):
        per_op_name, per_node_name = (name, f"{name}/node") if name != "memory/op" else ("memory/op", "memory")
        for setting in ("on", "off"):
            for engine, nodes in counts["nodes"].items():
                per_op = results[per_op_name][setting][engine]
                per_node = results[per_node_name][setting][engine]
                assert math.isclose(per_op * ops, per_node * nodes, rel_tol=1e-9), (name, setting, engine)


def test_the_json_file_holds_both_gc_settings(tiny_run):
    results, _, saved, _ = tiny_run
    assert saved["machine"]["python"]
    assert saved["config"] == benchmark.TINY
    assert saved["gc_settings"] == ["on", "off"]
    assert set(saved["results"]) == set(results)
    for figure in saved["results"].values():
        assert {"on", "off"} <= set(figure)
        assert set(figure["on"]) == {
            *("ours", "micrograd", "floats", "tape", "lean", "micrograd/ours", "micrograd/lean", "ours/floats"),
            *("ours/tape", "target", "met"),
        }


def test_the_collector_and_the_recursion_limit_are_restored(tiny_run):
    before, after = tiny_run[3]
    assert after == before


@pytest.mark.skipif(not _has_micrograd(), reason="micrograd is not installed (pip install -e '.[bench]')")
def test_micrograd_is_measured_and_overflows_at_the_default_limit(tiny_run):
    results, printed, _, _ = tiny_run
    assert isinstance(results["train_step"]["on"]["micrograd"], float)
    assert isinstance(results["chain_backward"]["off"]["micrograd/ours"], float)
    assert results["deep_backward"]["on"]["micrograd"] == "RecursionError"
    # the 2,000-deep sum() chain needs the raised recursion limit, which the benchmark restores
    assert isinstance(results["wide_sum"]["on"]["micrograd"], float)
    assert "micrograd is not installed" not in printed


def test_without_micrograd_the_micrograd_columns_are_empty(monkeypatch, capsys):
    monkeypatch.setattr(benchmark, "load_micrograd", lambda: None)
    results = benchmark.main(["--tiny", "--part", "engine"])
    printed = capsys.readouterr().out
    assert "micrograd is not installed" in printed
    assert set(results["chain_build"]["counts"]["nodes"]) == {"ours"}
    for figure in results.values():
        for setting in ("on", "off"):
            assert figure[setting]["micrograd"] is None
            assert figure[setting]["micrograd/ours"] is None


def test_float_reference_matches_the_engine():
    """The plain-float forward pass the benchmark compares with computes the same numbers."""
    from autograd import no_grad
    from nn import MLP

    model = MLP(2, [4, 4, 1], rng=3)
    X = [[0.5, -1.0], [1.5, 0.25]]
    with no_grad():
        ours = [model(x).data for x in X]
    floats = benchmark.eval_floats(benchmark.float_layers(model), X)
    assert len(ours) == len(floats) == 2
    assert all(abs(a - b) < 1e-12 for a, b in zip(ours, floats))


def test_the_float_tape_computes_the_chain_and_its_gradients_as_the_engine_does():
    """The floor the chain figures are compared with does the same work: the same value, and its reverse
    sweep the same gradients of x and c (one reversed sweep of the same products and sums)."""
    from autograd import Value

    values, tape = benchmark.tape_chain(400)
    x, c = Value(1.0), Value(0.9999)
    y = x
    for _ in range(100):
        y = ((y * 1.0001) + 0.5).relu() * c
    y.backward()
    assert values[-1] == y.data == benchmark.chain(Value, 400).data
    grads = benchmark.tape_backward(values, tape)
    assert math.isclose(grads[0], x.grad, rel_tol=1e-12) and math.isclose(grads[1], c.grad, rel_tol=1e-12)
    assert len(tape) == 5 * 100  # one tuple per edge: * number, + number, relu, and two for * Value


def test_the_tape_figures_are_reported_for_the_chain(tiny_run):
    results, printed, _, _ = tiny_run
    for name in ("chain_build", "chain_backward"):
        for setting in ("on", "off"):
            row = results[name][setting]
            assert isinstance(row["tape"], float) and row["ours/tape"] == row["ours"] / row["tape"]
    assert "ours/tape" in next(line for line in printed.splitlines() if line.startswith("figure"))


def test_the_wide_shapes_compute_the_same_sum():
    from autograd import Value

    ws, xs = benchmark.wide_leaves(Value, 7)
    expected = sum(w.data * x.data for w, x in zip(ws, xs))
    assert math.isclose(benchmark.wide_tree(Value, ws, xs).data, expected, rel_tol=1e-12)
    assert math.isclose(benchmark.wide_sum(Value, ws, xs).data, expected, rel_tol=1e-12)


@pytest.mark.parametrize("shape", ["chain", "wide_tree", "wide_sum"])
def test_the_lean_engine_does_the_same_work_as_the_engine(shape):
    """Lean, the stripped node engine the targets are compared with, computes the same value and, by its own
    walk and loop, the gradient of every leaf the engine computes; the chain's leaf x is checked against
    central differences too (a relu chain near x = 1 is smooth)."""
    from autograd import Value

    def build(V, x0=1.0):
        if shape == "chain":
            x, c = V(x0), V(0.9999)
            y = x
            for _ in range(60):
                y = ((y * 1.0001) + 0.5).relu() * c
            return y, [x, c]
        ws, xs = benchmark.wide_leaves(V, 9, seed=3)
        return getattr(benchmark, shape)(V, ws, xs), ws + xs

    ours, leaves = build(Value)
    lean, lean_leaves = build(benchmark.Lean)
    ours.backward()
    benchmark.lean_backward(lean)
    benchmark.lean_backward(lean)  # a second pass gives the same gradients of interior nodes: they start again from 0
    assert lean.data == ours.data
    for ours_leaf, lean_leaf in zip(leaves, lean_leaves):
        assert math.isclose(lean_leaf.grad, 2 * ours_leaf.grad, rel_tol=1e-12)  # two passes: leaves accumulate
    if shape == "chain":
        h = 1e-6
        slope = (build(benchmark.Lean, 1.0 + h)[0].data - build(benchmark.Lean, 1.0 - h)[0].data) / (2 * h)
        assert math.isclose(lean_leaves[0].grad / 2, slope, rel_tol=1e-6)


def test_the_lean_figures_are_printed_beside_the_targets(tiny_run):
    results, printed, _, _ = tiny_run
    for name in ("chain_build", "chain_backward", "wide_tree", "wide_sum"):
        for setting in ("on", "off"):
            row = results[name][setting]
            assert isinstance(row["lean"], float)
            if _has_micrograd():
                assert row["micrograd/lean"] == row["micrograd"] / row["lean"]
    table = printed[printed.index("lean: the same work") :]
    assert "mg/lean" in table and table.count("wide_tree") == 2


# ---- the compiled path's figures ----------------------------------------------------------------

COMPILED_FIGURES = {"digits_epoch/10", "digits_epoch/full", "trace_compile", "memory_full_batch", "moons_step",
                    "gradient_difference", "mnist_epoch/10", "mnist_epoch/full", "mnist_memory_full_batch",
                    "mnist_train_epoch", "mnist_train_measured", "mnist_train_startup"}  # fmt: skip


def test_the_compiled_figures_are_printed_and_saved(tiny_run):
    _, printed, saved, _ = tiny_run
    assert "Trace once, train fast" in printed
    assert "gc on (what users get)" in printed and "gc off (the engines alone)" in printed
    for compiled in (saved["compiled"], saved["compiled_gc_off"]):
        assert set(compiled) == COMPILED_FIGURES
        for name, figure in compiled.items():
            assert name in printed and figure["note"]
            if figure["row"].get("skipped"):  # MNIST figures without the folder: the reason instead
                assert name.startswith("mnist") and figure["note"].startswith("skipped: no MNIST folder")
                continue
            assert figure["row"]["compiled"] > 0
            assert figure["row"]["met"] is None  # a tiny run judges nothing
            assert figure["row"]["target"] == benchmark_compiled.COMPILED_TARGETS[name][0]
        assert compiled["gradient_difference"]["row"]["compiled"] < 1e-12
    compiled = saved["compiled"]
    for batch in ("10", "full"):
        row = compiled[f"digits_epoch/{batch}"]["row"]
        assert row["scalar/compiled"] == pytest.approx(row["scalar"] / row["compiled"])


def test_every_baseline_does_the_same_epoch():
    """The scalar engine, the compiled program, NumPy by hand and PyTorch: the same weights after one epoch."""
    X, y, _ = benchmark_compiled.digits_data(25)
    T = np.eye(10)[y]
    scalar = benchmark_compiled.digits_model()
    benchmark_compiled.scalar_epoch(scalar, X, y, 10)
    expected = np.concatenate([np.concatenate([W.ravel(), b]) for W, b in benchmark_compiled.layer_arrays(scalar)])

    def flat(layers):
        return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in layers])

    layers = benchmark_compiled.layer_arrays(benchmark_compiled.digits_model())
    benchmark_compiled.numpy_epoch(layers, X, T, 10, benchmark_compiled.DIGITS_LR)
    assert flat(layers) == pytest.approx(expected, rel=1e-12, abs=1e-14)
    model = benchmark_compiled.digits_model()
    setup = benchmark_compiled.compiled_setup(model, X, T)
    benchmark_compiled.compiled_epoch(setup, X, T, 10)
    setup[0].write_parameters(setup[1])
    assert flat(benchmark_compiled.layer_arrays(model)) == pytest.approx(expected, rel=1e-12, abs=1e-14)
    torch = benchmark_compiled.torch_setup(benchmark_compiled.digits_model(), X, T)
    if torch is not None:
        benchmark_compiled.torch_epoch(torch, 10)
        net = torch[1]
        weights = [m for m in net if hasattr(m, "weight")]
        got = np.concatenate([np.concatenate([m.weight.detach().numpy().ravel(), m.bias.detach().numpy()])
                              for m in weights])  # fmt: skip
        assert got == pytest.approx(expected, rel=1e-10, abs=1e-13)


def test_the_compiled_moons_step_is_the_scalar_one():
    X, y = benchmark.make_moons(12)
    a, b = benchmark.MLP(2, benchmark.HIDDEN, rng=1), benchmark.MLP(2, benchmark.HIDDEN, rng=1)
    step = benchmark_compiled.moons_compiled_step(b, X, y)
    optimizer = benchmark.SGD(a.parameters(), lr=benchmark.LR)
    for _ in range(3):
        assert step() == pytest.approx(benchmark.train_step_ours(a, optimizer, X, y), rel=1e-12)


def test_the_mnist_figures_skip_with_the_reason_without_the_folder(tmp_path, capsys):
    results = benchmark_compiled.main(["--tiny", "--gc", "on", "--mnist", str(tmp_path / "absent")])["on"]
    printed = capsys.readouterr().out
    for name in COMPILED_FIGURES:
        if name.startswith("mnist"):
            assert results[name]["row"]["skipped"].startswith(f"no MNIST folder at {tmp_path / 'absent'}")
            assert results[name]["row"]["met"] is None
    assert "skipped: no MNIST folder" in printed and "--mnist DIR" in printed


def test_the_mnist_table_lists_the_issues_batch_sizes_and_targets():
    """The full run measures batch 1 to full on 10,000 images, and judges the targets at 10, 100 and full."""
    full = benchmark_compiled.COMPILED_FULL
    assert full["mnist_batches"] == (1, 10, 32, 100, 1000, None) and full["mnist_images"] == 10_000
    targets = benchmark_compiled.COMPILED_TARGETS
    assert targets["mnist_epoch/10"][0] == "compiled/numpy <= 1.3"
    assert targets["mnist_epoch/100"][0] == "compiled/numpy <= 1.2"
    assert targets["mnist_epoch/full"][0] == "compiled/numpy <= 1.25"
    assert targets["mnist_memory_full_batch"][0] == "compiled/numpy <= 2"
    assert targets["mnist_train_epoch"][0] == "compiled/numpy <= 1.5"
    assert targets["mnist_train_measured"][0] == "measured/plain <= 1.5"
    assert targets["mnist_train_startup"][1]({"compiled": 0.04, "parameters": 24_175})
    assert not targets["mnist_train_startup"][1]({"compiled": 0.06, "parameters": 24_175})

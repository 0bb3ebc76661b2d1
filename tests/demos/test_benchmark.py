"""The benchmark runs, in its tiny configuration, and reports every figure (no timing is asserted)."""

import json

from demos import benchmark


def test_benchmark_tiny_run(tmp_path, capsys):
    path = tmp_path / "bench.json"
    results = benchmark.main(["--tiny", "--json", str(path)])
    printed = capsys.readouterr().out
    expected = set(benchmark.TARGETS) | {"free"}
    assert set(results) == expected
    for name in expected:
        assert name in printed
        assert results[name]["ours"] is not None
    saved = json.loads(path.read_text())
    assert set(saved["results"]) == expected
    assert saved["machine"]["python"]
    # graphs are freed by reference counting: memory per node is positive while alive
    assert results["memory"]["ours"] > 0


def test_float_reference_matches_the_engine():
    """The plain-float forward pass the benchmark compares with computes the same numbers."""
    from autograd import no_grad
    from nn import MLP

    model = MLP(2, [4, 4, 1], seed=3)
    X = [[0.5, -1.0], [1.5, 0.25]]
    with no_grad():
        ours = [model(x).data for x in X]
    floats = benchmark.eval_floats(benchmark.float_layers(model), X)
    assert len(ours) == len(floats) == 2
    assert all(abs(a - b) < 1e-12 for a, b in zip(ours, floats))

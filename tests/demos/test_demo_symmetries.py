"""The symmetries demo (lecture notes, section 12): every copy's outputs recomputed with NumPy, the counts by hand."""

import itertools
import math

import numpy as np
import pytest
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import symmetries


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return symmetries.run(tmp_path_factory.mktemp("out"), quick=True)


def network(p, xs, activation):
    """v . h(w x + b) + c, written with NumPy."""
    w, b, v = (np.array(p[k]) for k in "wbv")
    z = np.outer(xs, w) + b
    h = np.tanh(z) if activation == "tanh" else 1 / (1 + np.exp(-z))
    return h @ v + p["c"]


def numpy_copy(p, perm, signs, activation):
    """The copy by the rule of the lecture notes, applied here independently of the demo."""
    perm, s = list(perm), np.array(signs, dtype=float)
    w, b, v = (np.array(p[k])[perm] for k in "wbv")
    c = p["c"] + (np.sum(v[s < 0]) if activation == "sigmoid" else 0.0)  # sigmoid(-z) = 1 - sigmoid(z)
    return {"w": s * w, "b": s * b, "v": s * v, "c": c}


XS = np.linspace(-1, 1, 57)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_all_48_copies_compute_the_same_outputs(result, activation):
    p = result["trained"] if activation == "tanh" else result["sigmoid_trained"]
    compared = result[activation]
    assert len(compared["copies"]) == 48 == math.factorial(3) * 2**3
    assert compared["distinct"] == 48
    assert compared["largest_difference"] < 1e-12
    reference = network(p, XS, activation)
    seen = set()
    for perm, signs in itertools.product(itertools.permutations(range(3)), itertools.product((1, -1), repeat=3)):
        mine = numpy_copy(p, perm, signs, activation)
        assert np.max(np.abs(network(mine, XS, activation) - reference)) < 1e-12
        seen.add((perm, signs))
    demo = {(cp["perm"], cp["signs"]): cp["weights"] for cp in compared["copies"]}
    assert set(demo) == seen
    for key, weights in demo.items():
        mine = numpy_copy(p, *key, activation)
        assert network(weights, XS, activation) == pytest.approx(network(mine, XS, activation), abs=1e-12)


def test_sigmoid_needs_the_bias_adjusted(result):
    assert result["sigmoid_without_bias_adjustment"]["largest_difference"] > 0.1


def test_the_network_was_trained(result):
    xs, ys = symmetries.data()
    loss = np.mean((network(result["trained"], np.array(xs), "tanh") - np.array(ys)) ** 2)
    assert result["trained_loss"] == pytest.approx(loss, rel=1e-10)
    assert loss < 0.05  # sin(pi x) has variance 0.5 on [-1, 1]: well below that


def test_counts(result):
    assert result["counts"][3] == 48
    assert result["counts"][30] == math.factorial(30) * 2**30
    assert f"{result['counts'][30]:.3g}" == "2.85e+41"  # the lecture notes: about 2.85e41
    assert result["slides_network_copies"] == math.factorial(30) * 2**30 * math.factorial(15) * 2**15


def test_loss_slice_through_two_minima(result):
    ends = result["slice_ends"]
    xs, ys = symmetries.data()
    expected = np.mean((network(result["trained"], np.array(xs), "tanh") - np.array(ys)) ** 2)
    assert ends[0.0] == pytest.approx(expected, rel=1e-10)
    assert ends[1.0] == pytest.approx(expected, rel=1e-10)  # the copy is as good
    t, top = result["slice_top"]
    assert 0 < t < 1 and top > 10 * expected  # a ridge between them
    ts = [t for t, _ in result["slice"]]
    assert min(ts) < 0 and max(ts) > 1 and 0.0 in ts and 1.0 in ts


def test_picture_and_main(result, tmp_path, capsys):
    for path in result["images"]:
        check_image(path)
    symmetries.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "48" in out and "2.85e+41" in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=1)


def test_the_heat_map_rows_are_48_different_weight_vectors(result):
    """The picture's left panel: one row per copy, (w1..w3, b1..b3, v1..v3, c), no two rows alike."""
    rows, names = symmetries.weight_rows(result["tanh"]["copies"])
    assert names == ["w1", "w2", "w3", "b1", "b2", "b3", "v1", "v2", "v3", "c"]
    assert len(rows) == 48 and len({tuple(round(v, 12) for v in row) for row in rows}) == 48
    p = result["trained"]
    for (perm, signs), row in zip(
        itertools.product(itertools.permutations(range(3)), itertools.product((1, -1), repeat=3)), rows
    ):
        expected = numpy_copy(p, perm, signs, "tanh")
        assert row == pytest.approx([*expected["w"], *expected["b"], *expected["v"], expected["c"]], abs=1e-15)

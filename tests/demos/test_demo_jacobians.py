"""The jacobians demo (lecture notes, section 11): each Jacobian by hand, the slides' network by central differences."""

import math
import sys

import numpy as np
import pytest
from checks import png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import jacobians


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return jacobians.run(tmp_path_factory.mktemp("out"), quick=True)


def engine_jacobian(result, prefix):
    (name,) = [name for name in result["cases"] if name.startswith(prefix)]
    return result["cases"][name][0]


def sig(z):
    return 1 / (1 + math.exp(-z))


def test_loss_rows(result):
    # y_hat = [0.5, -1, 2], y = [0.2, -1, 2.5]: the errors are 0.3, 0, -0.5
    assert np.allclose(engine_jacobian(result, "L2"), [[0.6, 0.0, -1.0]], rtol=1e-14, atol=0)
    assert engine_jacobian(result, "L1").tolist() == [[1.0, 0.0, -1.0]]  # sign(0) = 0
    assert np.allclose(engine_jacobian(result, "cross-entropy"), [[0, 0, -1 / 0.6, 0]], rtol=1e-14, atol=0)  # p_2 = 0.6


def test_activation_and_softmax(result):
    expected = np.diag([sig(x) * (1 - sig(x)) for x in jacobians.ACT_X])
    assert np.allclose(engine_jacobian(result, "sigmoid"), expected, rtol=1e-14, atol=0)
    # softmax by central differences, written here with NumPy
    z, eps = np.array(jacobians.LOGITS), 1e-6

    def sm(v):
        e = np.exp(v)
        return e / e.sum()

    numeric = np.column_stack([(sm(z + eps * e) - sm(z - eps * e)) / (2 * eps) for e in np.eye(3)])
    got = engine_jacobian(result, "softmax")
    assert np.allclose(got, numeric, atol=1e-9)
    assert np.allclose(got, got.T) and np.allclose(got.sum(axis=0), 0)  # symmetric; probabilities sum to 1


def test_affine_layer(result):
    W = [[1.0, -2.0, 0.5], [0.3, 0.8, -1.0]]
    assert engine_jacobian(result, "a = W x + b, d a / d x").tolist() == W
    assert engine_jacobian(result, "a = W x + b, d a / d b").tolist() == [[1, 0], [0, 1]]
    assert engine_jacobian(result, "a = W x + b, d a_i / d W").tolist() == [
        [2, -1, 0.5, 0, 0, 0],
        [0, 0, 0, 2, -1, 0.5],
    ]
    # a = W x + b = [2 + 2 + 0.25 + 0.1, 0.6 - 0.8 - 0.5 - 0.2] = [4.35, -0.9] by hand; dL/dW = 2a outer x
    expected = [[17.4, -8.7, 4.35], [-3.6, 1.8, -0.9]]
    assert np.allclose(engine_jacobian(result, "L = sum a_i^2"), expected, rtol=1e-12, atol=0)


def network_loss(W, b, x, y):
    """L = sum (z3 - y)^2 of the slides' network, written again here with NumPy."""
    z1 = 1 / (1 + np.exp(-(W[0] @ x + b[0])))
    z2 = 1 / (1 + np.exp(-(W[1] @ z1 + b[1])))
    return float(np.sum((W[2] @ z2 + b[2] - y) ** 2))


def central(f, array, index, eps=1e-6):
    old = array[index]
    array[index] = old + eps
    high = f()
    array[index] = old - eps
    low = f()
    array[index] = old
    return (high - low) / (2 * eps)


def test_the_slides_network_by_central_differences(result):
    net = result["network"]
    W = [w.copy() for w in net["W"]]
    b = [v.copy() for v in net["b"]]
    x, y = net["x"].copy(), net["y"].copy()
    assert [w.shape for w in W] == [(10, 10)] * 3 and [v.shape for v in b] == [(10, 1)] * 3
    assert x.shape == y.shape == (10, 1)
    f = lambda: network_loss(W, b, x, y)
    engine = result["engine"]
    assert engine["L"] == pytest.approx(f(), rel=1e-13)
    rng = np.random.default_rng(0)
    for i in range(10):
        assert engine["x"][i, 0] == pytest.approx(central(f, x, (i, 0)), rel=1e-6, abs=1e-8)
    for k in range(3):
        for _ in range(8):
            j, i = rng.integers(10, size=2)
            assert engine["W"][k][j, i] == pytest.approx(central(f, W[k], (j, i)), rel=1e-6, abs=1e-8)
        for j in range(10):
            assert engine["b"][k][j, 0] == pytest.approx(central(f, b[k], (j, 0)), rel=1e-6, abs=1e-8)


def test_three_ways_agree_to_rounding(result):
    names = {"Jacobian products (NumPy)"}
    if result["torch"] is not None:
        names |= {"slides' PyTorch code", "MLP.to_torch()"}
    assert set(result["differences"]) == names
    assert max(result["differences"].values()) < 1e-12


def test_shared_products(result):
    # each gradient alone: dL/db3 1 product, dL/db2 3, dL/db1 5, dL/dx 6; reusing the prefixes: 6 in all
    assert result["products"]["products_alone"] == 1 + 3 + 5 + 6
    assert result["products"]["products_shared"] == 6


def test_pytorch_when_installed(result):
    pytest.importorskip("torch", reason="PyTorch is optional: pip install -e '.[torch]'")
    assert result["torch"] is not None
    for name in ("slides' PyTorch code", "MLP.to_torch()"):
        got = result["torch"][name]
        assert got["L"] == pytest.approx(result["engine"]["L"], rel=1e-13)
        assert np.allclose(got["W"][0], result["engine"]["W"][0], rtol=1e-12, atol=1e-13)


def test_without_pytorch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    assert jacobians.torch_gradients(jacobians.slides_network()) is None


def test_picture_and_main(result, tmp_path, capsys):
    for path in result["images"]:
        check_image(path)
        assert png_size(path)[0] <= 1920  # one projector screen wide
    jacobians.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    # the small matrices are printed one row per line: the softmax Jacobian's diagonal, row by row
    (softmax_lines,) = [k for k, line in enumerate(out.splitlines()) if line.lstrip().startswith("softmax:")]
    diagonal = [float(out.splitlines()[softmax_lines + i].split("[")[1].split("]")[0].split()[i]) for i in range(3)]
    s = np.exp(jacobians.LOGITS) / np.sum(np.exp(jacobians.LOGITS))
    assert diagonal == pytest.approx(s * (1 - s), rel=1e-3)  # s_i (1 - s_i), printed to 4 digits
    assert "[0 0 -1.667 0]" in out and "backprop" in out
    assert str(tmp_path / "jacobians" / "jacobians.png") in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=1)

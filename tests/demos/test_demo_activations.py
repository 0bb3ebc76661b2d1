"""The activations demo: its slopes (from the backward pass) against the derivatives of the lecture notes' table.

The expected slopes are the table's f'(z) column (section 6), written here by
hand with `math`, and central differences; the ranges are the table's.
"""

import math

import numpy as np
import pytest
from activation_formulas import FORMULAS
from checks import central_difference, png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import activations


def phi(z):
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def Phi(z):
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def sig(z):
    return 1 / (1 + math.exp(-z))


# f'(z) as the lecture notes' table writes it (section 6); alpha 0.01 for leaky ReLU, 0.25 for PReLU
TABLE_SLOPES = {
    "sigmoid": lambda z: sig(z) * (1 - sig(z)),
    "tanh": lambda z: 1 - math.tanh(z) ** 2,
    "hardtanh": lambda z: 1.0 if -1 <= z <= 1 else 0.0,
    "relu": lambda z: 1.0 if z > 0 else 0.0,
    "leaky_relu": lambda z: 1.0 if z > 0 else 0.01,
    "prelu": lambda z: 1.0 if z > 0 else 0.25,
    "softplus": sig,
    "elu": lambda z: 1.0 if z >= 0 else math.exp(z),
    "gelu": lambda z: Phi(z) + z * phi(z),
    "sin": math.cos,
    "cos": lambda z: -math.sin(z),
    "linear": lambda z: 1.0,
    "step": lambda z: 0.0,
}
TABLE_VALUES = FORMULAS  # the values of the lecture notes' table, written independently of the engine
# (lowest, highest) allowed by the table's range column
BOUNDS = {
    "sigmoid": (0, 1),
    "tanh": (-1, 1),
    "hardtanh": (-1, 1),
    "relu": (0, math.inf),
    "softplus": (0, math.inf),
    "elu": (-1, math.inf),
    "sin": (-1, 1),
    "cos": (-1, 1),
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return activations.run(tmp_path_factory.mktemp("out"), quick=True)


def test_every_activation_of_the_table_is_drawn(result):
    assert set(result["curves"]) == set(TABLE_SLOPES)


@pytest.mark.parametrize("name", list(TABLE_SLOPES))
def test_slopes_are_the_tables_derivatives(result, name):
    cv = result["curves"][name]
    for z, slope in zip(cv["z"], cv["slope"]):
        if name == "hardtanh" and abs(abs(z) - 1) < 1e-12:
            continue  # the borders: the table says 1 inside, 0 outside
        assert slope == pytest.approx(TABLE_SLOPES[name](z), rel=1e-9, abs=1e-12), (name, z)


@pytest.mark.parametrize("name", list(TABLE_VALUES))
def test_values_and_central_differences(result, name):
    cv = result["curves"][name]
    for z, f, slope in list(zip(cv["z"], cv["f"], cv["slope"]))[::7]:
        assert f == pytest.approx(TABLE_VALUES[name](z), rel=1e-12, abs=1e-15)
        numeric = central_difference(lambda p: TABLE_VALUES[name](p[0]), [z], 0)
        assert slope == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_ranges_within_the_table(result):
    for name, (lo, hi) in BOUNDS.items():
        cv = result["curves"][name]
        assert lo <= cv["min"] and cv["max"] <= hi, name
    assert result["curves"]["gelu"]["min"] == pytest.approx(-0.17, abs=0.005)  # the dip near -0.75
    assert set(result["curves"]["step"]["f"]) == {0.0, 1.0}


def test_kinks_and_jumps(result):
    kinks = {name: cv["kinks"] for name, cv in result["curves"].items() if cv["kinks"]}
    assert kinks == {"hardtanh": [-1.0, 1.0], "relu": [0.0], "leaky_relu": [0.0], "prelu": [0.0]}
    jumps = {name: cv["jumps"] for name, cv in result["curves"].items() if cv["jumps"]}
    assert jumps == {"step": [0.0]}


def test_the_step_neuron_never_moves(result):
    step = result["step"]
    assert step["largest_gradient"] == 0.0
    assert step["end"] == step["start"]
    # weights 0.3, -0.2, bias 0: outputs 0, 0, 1, 1 for AND's 0, 0, 0, 1: one wrong of four
    assert step["losses"] == [pytest.approx(0.25)] * activations.STEP_EPOCHS
    sigmoid = result["sigmoid_neuron"]
    assert sigmoid["losses"][-1] < 0.6 * sigmoid["losses"][0]


def test_softmax_shift_and_two_classes(result):
    z = np.array(activations.SOFTMAX_LOGITS)
    expected = np.exp(z) / np.exp(z).sum()
    assert result["softmax"] == pytest.approx(expected.tolist(), rel=1e-12)
    assert set(result["softmax_shift_change"]) == set(activations.SOFTMAX_SHIFTS)
    assert max(result["softmax_shift_change"].values()) < 1e-15
    value_gap, slope_gap = result["sigmoid_vs_softmax"]
    assert value_gap < 1e-15 and slope_gap < 1e-15


def test_prelu_gradient_with_respect_to_alpha(result):
    a = activations.PRELU_ALPHA
    for z, out, dz, dalpha in result["prelu"]:
        assert (out, dz, dalpha) == ((z, 1.0, 0.0) if z > 0 else (a * z, a, z))
    assert any(z < 0 for z, *_ in result["prelu"]) and any(z > 0 for z, *_ in result["prelu"])


def test_picture_and_main(result, tmp_path, capsys):
    for path in result["images"]:
        check_image(path)
        width, height = png_size(path)
        assert width <= 1920 and height <= 1080, (width, height)  # one projector screen (was 2420 x 1320)
    activations.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "jump at 0" in out and "kink at -1, kink at 1" in out
    assert str(tmp_path / "activations" / "activations.png") in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=1)


def test_a_deep_linear_network_is_one_linear_map(result):
    """Section 5: without a non-linearity the layers multiply out into one matrix (seed 004's derivation)."""
    collapse = result["collapse"]
    layers = collapse["layers"]
    assert [W.shape for W, _ in layers] == [(4, 3), (4, 4), (2, 4)]
    assert any(abs(v) > 0.1 for _, b in layers for v in b)  # biases too, not only the slides' bias-free case
    (W1, b1), (W2, b2), (W3, b3) = [(W.tolist(), b.tolist()) for W, b in layers]

    def matvec(A, x):
        return [math.fsum(a * v for a, v in zip(row, x)) for row in A]

    def through_layers(x):  # the deep network, layer by layer, with identity activations
        for A, b in ((W1, b1), (W2, b2), (W3, b3)):
            x = [s + bi for s, bi in zip(matvec(A, x), b)]
        return x

    for x, deep, one in zip(activations.DEEP_INPUTS, collapse["deep"], collapse["one_map"]):
        assert list(deep) == pytest.approx(through_layers(x), abs=1e-12)  # the engine's outputs
        assert list(one) == pytest.approx(through_layers(x), abs=1e-12)  # one matrix and one bias
    # the collapsed map from the columns: W e_j = f(e_j) - f(0), b = f(0)
    b = through_layers([0.0, 0.0, 0.0])
    columns = [[fi - bi for fi, bi in zip(through_layers([float(i == j) for i in range(3)]), b)] for j in range(3)]
    assert collapse["b"].tolist() == pytest.approx(b, abs=1e-12)
    for row, expected in zip(collapse["W"].tolist(), zip(*columns)):
        assert row == pytest.approx(list(expected), abs=1e-12)
    assert collapse["largest_difference"] < 1e-12
    assert collapse["linear_additivity_gap"] < 1e-12 < 0.1 < collapse["tanh_additivity_gap"]


def test_the_collapse_is_printed(tmp_path, capsys):
    activations.run(tmp_path, quick=True)
    out = capsys.readouterr().out
    assert "5. Without a non-linearity a deep network collapses into one linear map" in out
    assert "W = W3 W2 W1 and b = W3 (W2 b1 + b2) + b3" in out

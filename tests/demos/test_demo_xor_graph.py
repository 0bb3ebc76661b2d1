"""The XOR demo's graph pictures: Goldberg's three pictures of its 2-4-1 network, each fitting a 1920x1080 screen.

Calls the demo's drawing function on a network of the demo's shape (no
training needed: the pictures' structure does not depend on the weights).
"""

import re

import pytest
from checks import needs_dot, png_size

from demos import perceptron_xor
from nn import MLP


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    model = MLP(2, [perceptron_xor.HIDDEN, 1], activation="tanh", output_activation="sigmoid", rng=3)
    folder = tmp_path_factory.mktemp("xor")
    return model, perceptron_xor._draw_loss_graph(model, folder / "xor_graph.png")


@needs_dot
def test_goldberg_pictures_are_written_and_fit_a_screen(pictures):
    _, paths = pictures
    names = [p.name for p in paths]
    assert names == ["xor_graph_symbols.png", "xor_graph_input.png", "xor_graph.png", "xor_graph_full.svg"]
    for path in paths[:3]:
        width, height = png_size(path)
        assert width <= 1920 and height <= 1080, (path.name, width, height)  # the scalar graph was 6074 x 1436


@needs_dot
def test_the_pictures_differ_as_goldberg_s_do(pictures):
    model, paths = pictures
    symbols, values, loss, full = (p.with_suffix(".gv").read_text() for p in paths)
    assert not re.search(r"data|grad|= -?\d", symbols)  # the network as operations on symbols
    assert "data 1</TD>" in values and "grad" not in values  # a concrete input, x = (1, 0)
    assert "loss" not in symbols and "loss" not in values
    assert "<B>loss</B>" in loss and "grad" in loss
    # the full scalar graph keeps a box per weight: 4 * 3 + 5 parameters, 2 inputs, 10 operations, 4 of the loss
    assert len(re.findall(r"^\s*v\d+ \[label=<", full, flags=re.M)) == 17 + 2 + 10 + 4
    assert model.parameters()[0].grad == 0  # the gradients are cleared again

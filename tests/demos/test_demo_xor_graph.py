"""The XOR demo's graph pictures: Goldberg's three pictures of its 2-4-1 network, each fitting a 1920x1080 screen.

Calls the demo's drawing function on the demo's trained network (trained
weights and tiny gradients print wider than a fresh network's).
"""

import re

import pytest
from checks import needs_dot, png_size

from demos import perceptron_xor


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    model, _, _ = perceptron_xor.train_xor()
    folder = tmp_path_factory.mktemp("xor")
    return model, perceptron_xor._draw_loss_graph(model, folder / "xor_graph.png", "en")


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


def test_the_readme_shows_the_demo_s_network_picture():
    import xml.etree.ElementTree as ET

    from readme_sections import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](demos/images/xor_graph.svg)" in readme
    svg = ET.parse(ROOT / "demos" / "images" / "xor_graph.svg").getroot()
    texts = [(el.text or "").strip() for el in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"neuron 1", "neuron 2", "neuron 3", "neuron 4", "p", "loss", "layer 1: 4 × tanh"} <= set(texts)
    width, height = (float(svg.get(key).removesuffix("pt")) for key in ("width", "height"))
    assert width * 2 <= 1920 and height * 2 <= 1080  # points at 144 dpi: 2 pixels each

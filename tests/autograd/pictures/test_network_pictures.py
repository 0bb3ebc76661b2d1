"""Network pictures (autograd.draw_network): a 2-4-1 network's graph by neuron and by layer, Goldberg's three pictures.

Expected numbers are computed here with `math` from the network's weights
(the forward pass by hand, gradients by central differences of that
hand-written loss); sizes are read from the PNG files `dot` renders at the
resolution the demos use (save_graph's default, 144 dpi).
"""

import html
import math
import re

import numpy as np
import pytest
from checks import check_message, course_example, needs_dot, png_size

from autograd import Value, draw_graph, draw_network, save_graph, topological_order
from nn import MLP
from nn.losses import binary_cross_entropy

SCREEN = (1920, 1080)
NODE = re.compile(r"^\s*(\w+) \[label=<(.*)> shape=plain\]$")


def texts(source: str) -> dict:
    """{node name: its label's text, rows joined by ' | ', tags stripped} for every HTML-labelled node."""
    found = {}
    for line in source.splitlines():
        m = NODE.match(line)
        if m:
            rows = re.findall(r"<TD[^>]*>(.*?)</TD>", m.group(2))
            found[m.group(1)] = " | ".join(html.unescape(re.sub(r"<[^>]+>", "", row)) for row in rows)
    return found


def network():
    """A 2-4-1 tanh/sigmoid network at x = (1, 0), its output p and its binary cross-entropy for target 1."""
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=1)
    x = [Value(1.0, label="x1"), Value(0.0, label="x2")]
    p = model(x)
    p.label = "p"
    loss = binary_cross_entropy([p], [1])
    loss.label = "loss"
    loss.backward()
    return model, p, loss


def by_hand(model, x=(1.0, 0.0)):
    """The hidden outputs, p and the loss -log p, from the weights with math."""
    hidden = []
    for neuron in model.layers[0].neurons:
        hidden.append(math.tanh(sum(w.data * xi for w, xi in zip(neuron.w, x)) + neuron.b.data))
    out = model.layers[1].neurons[0]
    z = sum(w.data * h for w, h in zip(out.w, hidden)) + out.b.data
    p = 1 / (1 + math.exp(-z))
    return hidden, p, -math.log(p)


def goldberg_pictures():
    model, p, loss = network()
    return model, {
        "symbols": draw_network(p, show_values=False),
        "values": draw_network(p),
        "loss": draw_network(loss, show_grad=True),
    }


def test_one_box_per_neuron_with_the_numbers_by_hand():
    model, p, loss = network()
    shown = texts(draw_network(loss).source)
    neurons = {name: text for name, text in shown.items() if name.startswith("n")}
    assert len(neurons) == 5
    hidden, prob, value = by_hand(model)
    for h in hidden:
        assert sum(f"h = tanh(z) = {h:.3g}" in text for text in neurons.values()) == 1
    assert f"h = sigmoid(z) = {prob:.3g}" in neurons["n4"]
    assert neurons["n4"].startswith("p ")
    assert shown["v32"].startswith("loss") and f"data {value:.3g}" in shown["v32"]
    source = draw_network(loss).source
    assert source.count("subgraph cluster_layer") == 2
    assert "layer 1: 4 × tanh" in source and "layer 2: 1 × sigmoid" in source
    # the loss's one-input operations after p are written in the loss's own box, one formula of p
    assert shown["v32"].startswith("loss = (−sum(log(p))) / 1 | data") and "v32_op" not in source
    assert "n4 -> v32" in source


def test_the_full_scalar_graph_stays_available():
    _, _, loss = network()
    # 17 parameters, 2 inputs, 5 dots, 5 activations, log, sum, neg, / 1
    assert len(texts(draw_graph(loss).source)) == 17 + 2 + 5 + 5 + 4


def test_gradients_shown_are_those_of_central_differences():
    model, _, loss = network()
    text = texts(draw_network(loss, show_grad=True).source)["n0"]
    neuron = model.layers[0].neurons[0]

    def loss_at(w0):
        old = neuron.w[0].data
        neuron.w[0].data = w0
        try:
            return by_hand(model)[2]
        finally:
            neuron.w[0].data = old

    w0 = neuron.w[0].data
    slope = (loss_at(w0 + 1e-6) - loss_at(w0 - 1e-6)) / 2e-6
    assert f"grad w [{slope:.3g}, 0]" in text  # x2 = 0: the second weight's gradient is 0


def test_goldberg_three_pictures_differ_as_they_should():
    model, pictures = goldberg_pictures()
    symbols, values, with_loss = (texts(pictures[k].source) for k in ("symbols", "values", "loss"))
    hidden, prob, value = by_hand(model)
    # 1. without input: operations on symbols, no number anywhere
    assert not re.search(r"\d\.\d|= -?\d|data|grad", " ".join(symbols.values()))
    assert symbols["n0"].startswith("neuron 1 | ")
    assert sum("h = tanh(z)" in t for t in symbols.values()) == 4 and "z = w·x + b" in symbols["n0"]
    # 2. with a concrete input: the values, still no loss and no gradients
    assert texts(pictures["values"].source)["v2"] == "x1 | data 1"
    assert any(f"= {hidden[0]:.3g}" in t for t in values.values())
    assert "grad" not in " ".join(values.values())
    for picture in (symbols, values):
        assert not any(t.startswith("loss") for t in picture.values())
    # 3. with the loss attached: the loss node, its value by hand, and gradients
    assert any(t.startswith("loss") and f"data {value:.3g}" in t for t in with_loss.values())
    assert "grad" in " ".join(with_loss.values())
    assert set(symbols) == set(values) and set(values) < set(with_loss)


@needs_dot
@pytest.mark.parametrize("group", ["neuron", "layer"])
def test_a_2_4_1_network_with_its_loss_fits_a_1920x1080_screen(tmp_path, group):
    _, p, loss = network()
    pictures = [draw_network(p, show_values=False, group=group), draw_network(p, group=group)]
    pictures.append(draw_network(loss, show_grad=True, group=group))
    for k, picture in enumerate(pictures):
        path = save_graph(picture, tmp_path / f"{k}.png")  # the demos' resolution, 144 dpi
        width, height = png_size(path)
        assert width <= SCREEN[0] and height <= SCREEN[1], (group, k, width, height)
        # readable: no text below 14 points, 28 pixels at 144 dpi
        sizes = [float(s) for s in re.findall(r'fontsize="?([\d.]+)', picture.source)]
        assert sizes and min(sizes) >= 14
    # the full scalar graph of the same loss does not fit left to right; draw_graph's default shrinks it in
    width, height = png_size(save_graph(draw_graph(loss, rankdir="LR"), tmp_path / "full.png"))
    assert width > SCREEN[0]
    width, height = png_size(save_graph(draw_graph(loss), tmp_path / "auto.png"))
    assert width <= SCREEN[0] and height <= SCREEN[1]


def test_one_box_per_layer():
    model, _, loss = network()
    shown = texts(draw_network(loss, group="layer", show_grad=True).source)
    hidden, prob, _ = by_hand(model)
    assert set(shown) == {"x1", "L1", "L2", "v32"}
    assert shown["x1"].startswith("x = [x1, x2] | = [1, 0] | grad [")
    assert "h = tanh(W x + b), W 4×2" in shown["L1"]
    assert "h = [" + ", ".join(f"{h:.3g}" for h in hidden) + "]" in shown["L1"]
    assert f"h = [{prob:.3g}]" in shown["L2"] and "W 1×4" in shown["L2"]
    source = draw_network(loss, group="layer").source
    assert re.search(r"x1 -> L1 \[label=\" W1 \"\]", source) and re.search(r"L1 -> L2 \[label=\" W2 \"\]", source)


def test_plain_number_inputs_and_graphs_without_neurons():
    model = MLP(2, [3, 1], activation="relu", rng=2)
    out = model([0.5, -2.0])
    shown = texts(draw_network(out).source)
    assert len([k for k in shown if k.startswith("n")]) == 4
    assert "h = z (linear)" in shown["n3"]
    source = draw_network(out).source
    assert "x1 = 0.5" in source and "x2 = -2" in source
    # the chain-rule example has no neuron: every value gets its box, as in draw_graph
    f = course_example()["f"]
    assert set(texts(draw_network(f).source).values()) >= {"a | data 1", "f | data 441"}
    assert len(texts(draw_network(f).source)) == len(topological_order(f))


@pytest.mark.parametrize(
    "kwargs, error, parts",
    [
        ({"group": "bogus"}, ValueError, ["draw_network", "group", "'bogus'", "neuron", "layer"]),
        ({"group": None}, TypeError, ["draw_network", "group", "None"]),
        ({"group": np.array("layer")}, TypeError, ["draw_network", "group", "ndarray"]),
        ({"rankdir": np.array("TB")}, TypeError, ["draw_network", "rankdir", "ndarray"]),
        ({"show_values": "yes"}, TypeError, ["draw_network", "show_values", "'yes'"]),
        ({"show_grad": 2}, TypeError, ["draw_network", "show_grad", "int 2"]),  # 1 and 0 are flags, as elsewhere
        ({"rankdir": "XY"}, ValueError, ["draw_network", "rankdir", "'XY'"]),
        ({"number_format": 5}, TypeError, ["draw_network", "number_format", "5"]),
        ({"max_boxes": 0}, ValueError, ["draw_network", "max_boxes", "0"]),
        ({"max_boxes": "many"}, TypeError, ["draw_network", "max_boxes", "str 'many'"]),
        ({"max_boxes": 5}, ValueError, ["draw_network", "max_boxes=5", "'p'", "7 boxes"]),
    ],
)
def test_draw_network_refuses_bad_arguments(kwargs, error, parts):
    _, p, _ = network()
    with pytest.raises(error) as info:
        draw_network(p, **kwargs)
    check_message(info, *parts)


def test_draw_network_refuses_a_non_value_and_says_what_it_is():
    with pytest.raises(TypeError) as info:
        draw_network([1.0])
    check_message(info, "draw_network", "list")
    _, p, _ = network()
    shown = repr(draw_network(p))
    assert "5 neurons in 2 layers" in shown and "'p'" in shown


def test_a_batch_of_two_samples_shares_the_weights_and_keeps_the_layer_numbers():
    model = MLP(2, [3, 1], activation="tanh", rng=4)
    outs = [model([Value(1.0), Value(2.0)]), model([Value(-1.0), Value(0.5)])]
    loss = (outs[0] - 1) ** 2 + outs[1] ** 2
    shown = texts(draw_network(loss).source)
    # no weight gets a box of its own: every one is written in the neurons that use it
    assert not any("layers." in text for text in shown.values())
    assert len([k for k in shown if k.startswith("n")]) == 8
    source = draw_network(loss).source
    assert source.count('label="layer 1: 3 × tanh"') == 2 and source.count('label="layer 2: 1 × linear"') == 2
    layer_source = draw_network(loss, group="layer").source
    assert layer_source.count('label=" W1 "') == 2 and layer_source.count('label=" W2 "') == 2


def test_the_loss_of_a_whole_data_set_is_refused_with_advice():
    model = MLP(2, [8, 1], activation="tanh", rng=5)
    outs = [model([Value(0.1 * k), Value(1.0)]) for k in range(40)]
    loss = sum((out - 1) ** 2 for out in outs)
    with pytest.raises(ValueError) as info:
        draw_network(loss)
    check_message(info, "draw_network", "max_boxes=300", "one sample")
    assert len(texts(draw_network(loss, max_boxes=1000).source)) > 300


def _bezier_points(points):
    """Points along the cubic Bezier segments of a spline dot drew (21 per segment)."""
    for k in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[k : k + 4]
        for step in range(21):
            t = step / 20
            a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            yield a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


@needs_dot
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_edge_runs_through_a_layers_label(seed):
    """Goldberg's third picture had an edge across "layer 2": every edge dot draws (its json output) stays
    out of every layer's label."""
    import json
    import subprocess

    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=seed)
    p = model([Value(1.0, label="x1"), Value(0.0, label="x2")])
    p.label = "p"
    loss = binary_cross_entropy([p], [1])
    loss.label = "loss"
    loss.backward()
    source = draw_network(loss, show_grad=True, number_format="{:.4g}").source
    graph = json.loads(subprocess.run(["dot", "-Tjson"], input=source.encode(), capture_output=True, check=True).stdout)
    labels = []
    for cluster in graph["objects"]:
        for op in cluster.get("_ldraw_", []):
            if op["op"] == "T" and op["text"].startswith("layer"):
                (x, y), width = op["pt"], op["width"]  # centred text, 15 points high
                labels.append((x - width / 2, y - 4, x + width / 2, y + 14))
    assert len(labels) == 2
    crossing = set()
    for edge in graph["edges"]:
        for op in edge.get("_draw_", []):
            if op["op"] in ("b", "B"):
                for px, py in _bezier_points(op["points"]):
                    if any(left <= px <= right and bottom <= py <= top for left, bottom, right, top in labels):
                        crossing.add((edge["tail"], edge["head"]))
    assert not crossing

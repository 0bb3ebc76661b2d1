"""A weights file knows its model (issue 22, case 2): loading into a model built differently is refused,
naming the first difference; and a file that would take gigabytes to parse is refused before parsing."""

import json
import math
import tracemalloc
import warnings

import numpy as np
import pytest

from nn import MLP, Layer, Neuron

X = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def _forward(state, sizes, hidden, output, x):
    """The MLP's function written out in NumPy from its weights alone (independent of nn)."""
    a = np.asarray(x, dtype=float)
    for i, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        W = np.array([[state[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(nin)] for j in range(nout)])
        b = np.array([state[f"layers.{i}.neurons.{j}.b"] for j in range(nout)])
        z = W @ a + b
        act = hidden if i < len(sizes) - 2 else output
        a = {"tanh": np.tanh, "sigmoid": lambda t: 1 / (1 + np.exp(-t)), "relu": lambda t: np.maximum(t, 0.0)}.get(
            act, lambda t: t
        )(z)
    return a


def test_the_issues_example_is_refused_naming_the_activation(tmp_path):
    saved = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=3)
    path = tmp_path / "w.json"
    saved.save(path)
    other = MLP(2, [4, 1], rng=5)
    before = other.state_dict()
    with pytest.raises(ValueError, match=r"whose activation is 'tanh', but this MLP has activation 'relu'") as info:
        other.load(path)
    assert "output_activation='sigmoid'" in str(info.value)  # how to build the right one
    assert other.state_dict() == before
    same = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=9).load(path)
    state = saved.state_dict()
    for x in X:
        want = _forward(state, [2, 4, 1], "tanh", "sigmoid", x)[0]
        assert math.isclose(same(x).data, want, rel_tol=1e-12)


def _mlp_with_linear_neuron():
    m = MLP(2, [3, 1], activation="tanh", rng=0)
    m.layers[0].neurons[1].nonlin = False  # micrograd's switch: this neuron is now linear
    return m


CASES = {
    "output activation": (
        lambda: MLP(2, [4, 1], output_activation="sigmoid"),
        lambda: MLP(2, [4, 1]),
        "output_activation is 'sigmoid', but this MLP has output_activation 'linear'",
    ),
    "softmax output": (
        lambda: MLP(2, [3, 2], output_activation="softmax"),
        lambda: MLP(2, [3, 2]),
        "output_activation is 'softmax'",
    ),
    "prelu slopes": (
        lambda: MLP(2, [3, 1], activation="prelu"),
        lambda: MLP(2, [3, 1], activation="leaky_relu"),
        "activation is 'prelu'",
    ),
    "one neuron switched to linear": (
        _mlp_with_linear_neuron,
        lambda: MLP(2, [3, 1], activation="tanh"),
        "layers.0.neurons.1.activation is 'linear', but this MLP has layers.0.neurons.1.activation 'tanh'",
    ),
    "a Neuron": (lambda: Neuron(3, "tanh"), lambda: Neuron(3, "sigmoid"), "a Neuron whose activation is 'tanh'"),
    "a Layer": (lambda: Layer(3, 2, "softmax"), lambda: Layer(3, 2, "linear"), "a Layer whose activation is 'softmax'"),
    "sizes": (lambda: MLP(2, [4, 1]), lambda: MLP(2, [5, 1]), r"sizes \[2, 4, 1\].*sizes \[2, 5, 1\]"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_model_built_differently_is_refused(tmp_path, case):
    build_saved, build_other, words = CASES[case]
    path = tmp_path / "w.json"
    build_saved().save(path)
    other = build_other()
    before = other.state_dict()
    with pytest.raises(ValueError, match=words):
        other.load(path)
    assert other.state_dict() == before
    build_saved().load(path)  # the same build loads


def test_a_prelu_slope_missing_is_named(tmp_path):
    m = MLP(2, [2, 1], activation="prelu", rng=0)
    m.save(tmp_path / "w.json")
    other = MLP(2, [2, 1], activation="prelu", rng=0)
    other.layers[0].neurons[0].alpha = None  # a neuron without its learnable slope
    with pytest.raises(ValueError, match="1 unexpected.*layers.0.neurons.0.alpha"):
        other.load(tmp_path / "w.json")


def test_your_own_activation_is_known_by_its_name(tmp_path):
    def soft(z):
        return z.tanh() * 0.5

    MLP(2, [3, 1], activation=soft, rng=0).save(tmp_path / "w.json")
    MLP(2, [3, 1], activation=soft, rng=1).load(tmp_path / "w.json")
    with pytest.raises(ValueError, match="activation is 'function soft', but this MLP has activation 'tanh'"):
        MLP(2, [3, 1], activation="tanh").load(tmp_path / "w.json")


def test_the_initialisation_is_not_part_of_the_structure(tmp_path):
    MLP(2, [3, 1], init="xavier", rng=0).save(tmp_path / "w.json")
    loaded = MLP(2, [3, 1], init="he", sigma=0.3, rng=1).load(tmp_path / "w.json")
    assert loaded.state_dict() == MLP(2, [3, 1], init="xavier", rng=0).state_dict()


def test_an_edited_structure_is_named(tmp_path):
    path = tmp_path / "w.json"
    MLP(2, [2, 1], rng=0).save(path)
    content = json.loads(path.read_text())
    del content["structure"]["layers.1.neurons.0.activation"]
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match="does not record 'layers.1.neurons.0.activation'.*'linear'"):
        MLP(2, [2, 1]).load(path)
    content["structure"]["layers.1.neurons.0.activation"] = "linear"
    content["structure"]["dropout"] = 0.5
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match="records 'dropout' = 0.5, which this MLP does not have"):
        MLP(2, [2, 1]).load(path)
    del content["structure"]
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match='no "structure"'):
        MLP(2, [2, 1]).load(path)


def _version_1(model) -> str:
    """A file as version 1 of save() wrote it: the sizes and the weights, no structure."""
    content = {
        "format": "backprop-lab nn weights",
        "version": 1,
        "model": type(model).__name__,
        "sizes": model.sizes(),
        "parameters": model.state_dict(),
    }
    return json.dumps(content, indent=1)


def test_a_version_1_file_still_loads_saying_what_it_could_not_check(tmp_path):
    path = tmp_path / "old.json"
    old = MLP(2, [3, 1], activation="tanh", rng=4)
    path.write_text(_version_1(old))
    with pytest.warns(UserWarning, match="version 1.*did not record the activations"):
        loaded = MLP(2, [3, 1], activation="tanh", rng=0).load(path)
    assert loaded.state_dict() == old.state_dict()
    with pytest.raises(ValueError, match=r"sizes \[2, 3, 1\].*sizes \[2, 4, 1\]"):
        MLP(2, [4, 1]).load(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.save(path)  # saved again: version 2, no warning when loaded
        MLP(2, [3, 1], activation="tanh").load(path)
    assert json.loads(path.read_text())["version"] == 2


@pytest.mark.parametrize(
    "text",
    [
        '{"sizes": [' + "[]," * 33_000_000 + "[]]}",  # the issue's file: 99 MB of empty lists
        '{"parameters": {' + '"":0,' * 19_000_000 + '"":0}}',  # 95 MB of entries
    ],
    ids=["lists", "entries"],
)
def test_a_99_mb_file_of_values_is_refused_before_parsing(tmp_path, text):
    path = tmp_path / "bomb.json"
    path.write_text(text)
    del text
    model = MLP(2, [4, 1], rng=0)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="more than a weights file for this MLP of 17 parameters can"):
            model.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size > 95_000_000
    assert peak < 1.2 * size  # the bytes read once; parsing would have taken gigabytes

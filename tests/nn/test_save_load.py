"""state_dict / load_state_dict and weights files: round trip, every bad file, atomic saving."""

import json
import os

import pytest

from nn import MLP, Neuron


@pytest.fixture
def model():
    return MLP(2, [3, 1], activation="tanh", rng=1)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "weights.json"
    MLP(2, [3, 1], activation="tanh", rng=2).save(path)
    return path


def test_round_trip(tmp_path, model):
    path = tmp_path / "w.json"
    model.save(path)
    other = MLP(2, [3, 1], activation="tanh", rng=99)
    assert other.state_dict() != model.state_dict()
    assert other.load(path) is other
    assert other.state_dict() == model.state_dict()  # exact: JSON keeps every digit of a float
    assert other([0.3, -0.8]).data == model([0.3, -0.8]).data
    content = json.loads(path.read_text())
    assert content["sizes"] == [2, 3, 1] and content["model"] == "MLP"
    assert set(content["parameters"]) == {n for n, _ in model.named_parameters()}
    assert os.listdir(tmp_path) == ["w.json"]  # no temporary file left


def test_state_dict_is_a_copy(model):
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 123.0
    assert model.state_dict()["layers.0.neurons.0.b"] == 0.0


def _rewrite(path, change):
    content = json.loads(path.read_text())
    change(content)
    path.write_text(json.dumps(content))


def _drop_one(c):
    del c["parameters"]["layers.1.neurons.0.b"]


def _add_one(c):
    c["parameters"]["layers.2.neurons.0.b"] = 1.0


def _bad_value(value):
    def change(c):
        c["parameters"]["layers.1.neurons.0.w.2"] = value  # the last-but-one name: the others look fine

    return change


BAD_FILES = {
    "missing key": (lambda p: _rewrite(p, _drop_one), ValueError, "1 missing.*layers.1.neurons.0.b"),
    "extra key": (lambda p: _rewrite(p, _add_one), ValueError, "1 unexpected.*layers.2.neurons.0.b"),
    "string": (lambda p: _rewrite(p, _bad_value("0.5")), ValueError, "must be a number"),
    "null": (lambda p: _rewrite(p, _bad_value(None)), ValueError, "must be a number"),
    "bool": (lambda p: _rewrite(p, _bad_value(True)), ValueError, "must be a number"),
    "list": (lambda p: _rewrite(p, _bad_value([1.0])), ValueError, "must be a number"),
    "NaN": (
        lambda p: p.write_text(p.read_text().replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN')),
        ValueError,
        "NaN",
    ),
    "huge number": (lambda p: _rewrite(p, _bad_value(10**400)), ValueError, "finite"),
    "truncated": (lambda p: p.write_text(p.read_text()[: len(p.read_text()) // 2]), ValueError, "not valid JSON"),
    "empty": (lambda p: p.write_text(""), ValueError, "not valid JSON"),
    "not JSON": (lambda p: p.write_text("weights: 1, 2, 3"), ValueError, "not valid JSON"),
    "binary": (lambda p: p.write_bytes(b"\xff\xfe\x00\x81garbage"), ValueError, "not a text"),
    "JSON list": (lambda p: p.write_text("[1, 2, 3]"), ValueError, "not a weights file"),
    "other JSON": (lambda p: p.write_text('{"parameters": {}}'), ValueError, "not a weights file"),
    "parameters not a dict": (lambda p: _rewrite(p, lambda c: c.update(parameters=[1, 2])), TypeError, "dict"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_and_leaves_the_model_unchanged(case, saved, model):
    spoil, error, message = BAD_FILES[case]
    spoil(saved)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        model.load(saved)
    assert model.state_dict() == before


def test_wrong_sizes(tmp_path, model):
    path = tmp_path / "big.json"
    MLP(2, [16, 1], rng=0).save(path)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"sizes \[2, 16, 1\].*sizes \[2, 3, 1\]"):
        model.load(path)
    assert model.state_dict() == before
    # the same names but another architecture class: the parameter names still have to fit
    Neuron(2, rng=0).save(path)
    with pytest.raises(ValueError, match="sizes"):
        model.load(path)
    assert model.state_dict() == before


def test_missing_file(tmp_path, model):
    with pytest.raises(FileNotFoundError):
        model.load(tmp_path / "nothing.json")


def test_load_state_dict_checks_everything_before_changing_anything(model):
    before = model.state_dict()
    state = {name: 5.0 for name in before}
    state["layers.1.neurons.0.b"] = "x"  # the very last parameter is bad
    with pytest.raises(ValueError, match="'layers.1.neurons.0.b' must be a number"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({name: float("inf") for name in before})
    with pytest.raises(TypeError, match="dict"):
        model.load_state_dict([1.0, 2.0])
    model.load_state_dict({name: 5 for name in before})  # ints are numbers too
    assert set(model.state_dict().values()) == {5.0}


def test_saving_is_atomic(tmp_path, model, monkeypatch):
    path = tmp_path / "w.json"
    model.save(path)
    original = path.read_text()

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    other = MLP(2, [3, 1], activation="tanh", rng=5)
    with pytest.raises(OSError, match="disk full"):
        other.save(path)
    assert path.read_text() == original  # the old file, whole
    assert os.listdir(tmp_path) == ["w.json"]  # and no half-written temporary file


def test_saving_non_finite_weights_is_refused(tmp_path, model):
    path = tmp_path / "w.json"
    model.save(path)
    original = path.read_text()
    model.layers[0].neurons[0].w[0].data = float("nan")
    with pytest.raises(ValueError, match="layers.0.neurons.0.w.0"):
        model.save(path)
    assert path.read_text() == original

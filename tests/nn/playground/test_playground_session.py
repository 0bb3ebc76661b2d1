"""The playground's training session: its steps are nn.train's, its heat maps and losses are the model's."""

import math
import random

import numpy as np
import pytest

from autograd import Value
from nn import MLP, SGD, cross_entropy, l2_penalty, train
from nn.playground import Session


def reference_model(session, seed):
    """The network a session of these settings trains, built here from the documented recipe."""
    s = session.settings
    out = 1 if s["classes"] == 2 else s["classes"]
    return MLP(2, [*s["hidden"], out], activation=s["activation"],
               output_activation="tanh" if out == 1 else "linear", rng=seed)  # fmt: skip


def train_reference(session, seed, epochs, *, compiled):
    """nn.train on the session's training data, with the seed's generators, the L2 term on the weights only."""
    s = session.settings
    model = reference_model(session, seed)
    weights = [p for name, p in model.named_parameters() if ".w." in name]
    l2 = s["l2"]
    classes = [int(c) for c in session.y_train]
    targets = [1.0 if c == 1 else -1.0 for c in classes] if s["classes"] == 2 else classes
    train(
        model, session.X_train.tolist(), targets, loss="mse" if s["classes"] == 2 else "cross_entropy",
        optimizer=SGD(model.parameters(), lr=s["learning_rate"]), epochs=epochs, batch_size=s["batch_size"],
        rng=random.Random(seed), penalty=(lambda m: l2_penalty(weights, l2 / 2)) if l2 else None,
        metrics=None, progress=False, compiled=compiled,
    )  # fmt: skip
    return model


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("compiled", [False, True], ids=["scalar nn.train", "compiled nn.train"])
@pytest.mark.parametrize(
    "settings",
    [
        dict(dataset="xor", hidden=[8, 8], points=200, batch_size=10, learning_rate=0.03, seed=7),
        dict(
            dataset="spiral",
            hidden=[6, 3],
            points=120,
            batch_size=7,
            learning_rate=0.1,
            l2=0.01,
            seed=3,
            activation="relu",
            train_percent=70,
        ),
        dict(dataset="blobs", classes=3, hidden=[5], points=90, batch_size=4, learning_rate=0.05, l2=0.003, seed=11),
    ],
    ids=["xor 2-8-8-1", "spiral relu with L2", "blobs 3 classes"],
)
def test_steps_equal_nn_train(settings, compiled):
    session = Session(**settings)
    session.step(2)
    session.step(1)
    session.step(3)  # steps in chunks: the batch order goes on as in one train() call
    model = train_reference(session, settings["seed"], 6, compiled=compiled)
    mine = session.model.state_dict()
    theirs = model.state_dict()
    assert mine.keys() == theirs.keys()
    worst = max(abs(mine[k] - theirs[k]) for k in mine)
    assert worst <= 1e-12, f"largest difference {worst}"
    assert session.epoch == 6 and [row[0] for row in session.history] == list(range(1, 7))


def test_the_shown_losses_are_the_mean_losses_over_the_points():
    session = Session(dataset="circles", hidden=[4], points=60, seed=5)
    session.step(4)
    model = session.model
    for X, y, column in ((session.X_train, session.y_train, 1), (session.X_test, session.y_test, 2)):
        by_hand = sum((model(list(x)).data - (1.0 if c == 1 else -1.0)) ** 2 for x, c in zip(X, y)) / len(X)
        assert close(session.history[-1][column], by_hand)
    three = Session(dataset="moons", classes=3, hidden=[4], points=45, seed=2)
    three.step(2)
    expected = cross_entropy([three.model(list(x)) for x in three.X_test], [int(c) for c in three.y_test]).data
    assert close(three.losses()[1], expected)


def test_training_learns_xor():
    session = Session(dataset="xor", hidden=[8, 8], points=200, batch_size=10, seed=1)
    session.step(40)
    first, last = session.history[0], session.history[-1]
    assert last[1] < 0.5 * first[1] and last[2] < 0.5 * first[2]


def test_heat_maps_are_the_neurons_outputs():
    session = Session(dataset="xor", hidden=[3, 2], seed=4)
    session.step(2)
    maps = session.heat_maps(7)
    assert maps["output"].shape == (7, 7) and [m.shape for m in maps["neurons"]] == [(3, 7, 7), (2, 7, 7)]
    # row 0 is the top of the square (y = +6 - half a pixel), column 0 its left side
    x, y = -6 + 12 * 2.5 / 7, 6 - 12 * 0.5 / 7
    assert close(maps["output"][0, 2], session.model([x, y]).data)
    first = session.model.layers[0]([x, y])
    assert all(close(maps["neurons"][0][k, 0, 2], first[k].data) for k in range(3))
    probabilities = Session(dataset="spiral", classes=3, hidden=[4], seed=1).heat_maps(5)["output"]
    assert probabilities.shape == (5, 5, 3) and np.allclose(probabilities.sum(axis=2), 1.0)


def test_sample_loss_has_values_and_gradients():
    session = Session(dataset="xor", hidden=[2], seed=3)
    session.step(1)
    loss = session.sample_loss(5)
    x, cls, test = session.sample(5)
    assert not test
    expected = (session.model(x).data - (1.0 if cls == 1 else -1.0)) ** 2
    assert close(loss.data, expected)
    # the gradient of one weight, by central differences on the same sample
    w = session.model.layers[0].neurons[0].w[0]
    old, h = w.data, 1e-6
    w.data = old + h
    up = session.sample_loss(5).data
    w.data = old - h
    down = session.sample_loss(5).data
    w.data = old
    loss = session.sample_loss(5)
    assert math.isclose(w.grad, (up - down) / (2 * h), rel_tol=1e-5, abs_tol=1e-8)
    assert isinstance(loss, Value) and loss.label == "loss"
    with pytest.raises(ValueError, match="index"):
        session.sample(len(session.points()))


def test_reset_and_changes():
    session = Session(dataset="xor", hidden=[4], seed=2)
    start = session.model.state_dict()
    session.step(3)
    session.reset()
    assert session.epoch == 0 and session.history == [] and session.model.state_dict() == start
    session.step(2)
    assert session.update(learning_rate=0.3) == ["learning_rate"]
    assert session.epoch == 2 and session.optimizer.lr == 0.3  # a new rate goes on training
    session.update(hidden=[3, 3])
    assert session.epoch == 0 and session.model.sizes() == [2, 3, 3, 1]  # a new network starts again
    points = session.points()
    session.update(noise=30)
    assert session.points() != points and session.epoch == 0
    with pytest.raises(ValueError, match="'hidden'\\[0\\]"):
        session.update(hidden=[9])
    with pytest.raises(TypeError, match="learning_rate"):
        session.update(learning_rate="fast")
    assert session.settings["hidden"] == [3, 3]  # a refused change changes nothing


def test_added_points_train_and_go_with_their_class():
    session = Session(dataset="blobs", classes=3, points=30, seed=1)
    n = len(session.X_train)
    session.add_point(1.5, -2.0, 2)
    assert len(session.X_train) == n + 1 and session.y_train[-1] == 2
    assert session.points()[n] == [1.5, -2.0, 2, 0]
    session.step(1)
    with pytest.raises(ValueError, match="cls"):
        session.add_point(0.0, 0.0, 3)
    with pytest.raises(ValueError, match="x"):
        session.add_point(7.0, 0.0, 0)
    session.update(classes=2)  # the class-2 point goes away with the third class
    assert session.settings["added"] == [] and len(session.X_train) == n


def test_same_seed_same_everything():
    a, b = Session(dataset="moons", seed=9), Session(dataset="moons", seed=9)
    a.step(3)
    b.step(3)
    assert a.points() == b.points() and a.model.state_dict() == b.model.state_dict() and a.history == b.history
    assert Session(dataset="moons", seed=10).points() != a.points()


def test_the_session_needs_no_widget_library():
    import subprocess
    import sys

    code = (
        "import sys; from nn.playground import Session; s = Session(hidden=[2]); s.step(1); s.heat_maps(5); "
        "print(sorted(m for m in ('anywidget', 'ipywidgets', 'traitlets', 'graphviz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_weights_by_layer_are_the_models():
    session = Session(hidden=[3, 2], seed=1)
    weights = session.weights_by_layer()
    assert [len(layer) for layer in weights] == [3, 2, 1] and [len(layer[0]) for layer in weights] == [2, 3, 2]
    assert weights[1][0][2] == session.model.state_dict()["layers.1.neurons.0.w.2"]

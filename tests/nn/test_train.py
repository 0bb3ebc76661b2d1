"""The training helper: an MLP learns XOR; history, validation, metrics, penalty, progress, seeds."""

import pytest

from autograd import Value, no_grad
from nn import MLP, SGD, Adam, History, l2_penalty, mse, train, truth_table

X, Y = truth_table("xor")


def test_mlp_learns_xor_with_sigmoid_output_and_cross_entropy():
    model = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", rng=0)
    history = train(
        model, X, Y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=0.5), epochs=500, seed=0
    )
    assert [1 if model(x).data > 0.5 else 0 for x in X] == Y
    assert history.loss[-1] < 0.1 < history.loss[0]
    assert history.accuracy[-1] == 1.0
    assert history.epochs == 500


def test_mlp_learns_xor_with_mse_and_adam():
    model = MLP(2, [8, 1], activation="tanh", rng=1)
    history = train(model, X, Y, loss="mse", optimizer=Adam(model.parameters(), lr=0.05), epochs=300, batch_size=2)
    assert [round(model(x).data) for x in X] == Y
    assert history.loss[-1] < 0.01
    assert history.accuracy == []  # no accuracy for a regression loss


def test_loss_history_is_the_mean_over_the_epoch_before_updates():
    model = MLP(2, [3, 1], rng=4)
    before = mse([model(x) for x in X], Y).data
    history = train(model, X, Y, optimizer=SGD(model.parameters(), lr=0.1), epochs=1, shuffle=False)
    assert history.loss == [pytest.approx(before)]  # batch GD: the loss of the one step


def test_reproducible_with_a_seed():
    def run(seed):
        model = MLP(2, [4, 1], activation="tanh", rng=3)
        return train(model, X, Y, optimizer=SGD(model.parameters(), lr=0.1), epochs=5, batch_size=1, seed=seed).loss

    assert run(1) == run(1)
    assert run(1) != run(2)  # the order of the samples (SGD) depends on the seed


def test_validation_hinge_accuracy_penalty_and_callbacks():
    model = MLP(2, [4, 1], rng=2)
    labels = [2 * t - 1 for t in Y]  # -1 / +1 for the max-margin loss
    seen = []

    def on_epoch(epoch, history):
        seen.append((epoch, len(history.loss)))
        return epoch == 7  # stop early

    history = train(
        model,
        X,
        labels,
        loss="hinge",
        optimizer=SGD(model.parameters(), lr=0.05, momentum=0.9),
        epochs=50,
        val=(X, labels),
        penalty=lambda m: l2_penalty(m, 1e-4),
        on_epoch=on_epoch,
        seed=0,
    )
    assert isinstance(history, History)
    assert seen == [(i, i) for i in range(1, 8)]
    assert len(history.loss) == len(history.accuracy) == len(history.val_loss) == len(history.val_accuracy) == 7
    assert all(0.0 <= a <= 1.0 for a in history.accuracy + history.val_accuracy)


def test_callable_loss_and_metric():
    model = MLP(2, [3, 1], rng=0)
    calls = []

    def my_loss(preds, targets):
        calls.append(len(preds))
        return sum(((p - t) ** 2 for p, t in zip(preds, targets)), Value(0.0))

    history = train(
        model,
        X,
        Y,
        loss=my_loss,
        optimizer=SGD(model.parameters()),
        epochs=2,
        batch_size=3,
        metrics=lambda preds, targets: 0.25,
    )
    assert calls == [3, 1, 3, 1]
    assert history.accuracy == [0.25, 0.25]


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    model = MLP(2, [3, 1], rng=0)
    train(model, X, Y, optimizer=SGD(model.parameters()), epochs=3)  # stderr is captured: not a terminal
    assert capsys.readouterr().err == ""
    train(model, X, Y, optimizer=SGD(model.parameters()), epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "epoch 3/3" in err and "loss" in err and err.endswith("\n")


def test_bad_arguments():
    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model.parameters())
    for kwargs, named in [({"loss": "mae"}, ["loss", "'mae'", "mse"]), ({"epochs": -1}, ["epochs", "-1"])]:
        with pytest.raises(ValueError) as err:
            train(model, X, Y, optimizer=opt, **{"epochs": 1, **kwargs})
        assert all(word in str(err.value) for word in named), str(err.value)  # the argument, its value, valid ones
    with pytest.raises(ValueError) as err:
        train(model, X, Y[:3], optimizer=opt, epochs=1)
    assert "4" in str(err.value) and "3" in str(err.value)
    with pytest.raises(TypeError, match="loss must be a Value"):
        train(model, X, Y, loss=lambda p, t: 1.0, optimizer=opt, epochs=1)
    with pytest.raises(TypeError):
        train(model, X, Y, epochs=1)  # the optimizer is required


@pytest.mark.parametrize("loss", ["hinge", "bce", "bce_with_logits"])
def test_accuracy_of_several_outputs_is_the_largest_output(loss):
    """A model with two outputs per sample: metrics='auto' counts the largest output as the class."""
    X = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    classes = [1, 0, 1, 0]
    if loss == "hinge":
        y = [[1.0 if k == c else -1.0 for k in range(2)] for c in classes]
    else:
        y = [[1.0 if k == c else 0.0 for k in range(2)] for c in classes]
    model = MLP(2, [3, 2], output_activation="sigmoid" if loss == "bce" else "linear", rng=0)
    with no_grad():
        outputs = [[v.data for v in model(x)] for x in X]  # the predictions the first epoch measures
    hits = sum(max(range(2), key=out.__getitem__) == c for out, c in zip(outputs, classes))
    history = train(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.1), epochs=2)
    assert len(history.accuracy) == 2
    assert history.accuracy[0] == hits / 4

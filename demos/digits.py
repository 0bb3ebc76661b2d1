"""Handwritten digits: sigmoid + MSE + SGD against ReLU + softmax/cross-entropy + Adam, and the slides' Keras run.

The course trains a 784-30-15-10 network on MNIST with sigmoid units, the
squared error and SGD (learning rate 0.8), then shows that ReLU hidden units,
a softmax output with cross-entropy and Adam learn faster. Here the same
experiment runs on scikit-learn's 8x8 digits (1797 images, 64 pixels, all of
them: 1437 for training, 360 held out): two 64-30-15-10 networks from the
same seed, trained on the same mini-batches, compared by test accuracy per
epoch. Then the slides' Keras code exactly (Keras' "mse", SGD 0.8, batch 32,
10 epochs, validation data) with its history plot. With `--mnist DIR` (the
four MNIST or Fashion-MNIST IDX files) the same runs use the slides' own
784-30-15-10 network on 60,000 images.

Every model is trained by `nn.train(..., compiled=True)`: the per-sample loss
is traced once and each batch runs as NumPy vector instructions (the scalar
engine needs about a millisecond per image and step; this is over 40 times
faster at batch 10).

scikit-learn comes with the optional extra `digits` (`python -m demos digits` says how to install it).

Course material: section 5 of the lecture notes the project follows.
"""

from __future__ import annotations

import argparse
import random
import sys

import numpy as np

from autograd import install_command, no_grad, trace
from demos import _common as c
from nn import MLP, SGD, Adam, accuracy, cross_entropy, mse, train

NAME = "digits"
SEED = 0
SIZES = [30, 15, 10]  # after the inputs (64 pixels here, 784 for MNIST)
N_TRAIN = 1437  # all 1797 images: 80 % for training,
N_TEST = 360  # 20 % held out
EPOCHS = 10
BATCH_SIZE = 10
SGD_LR = 0.8
ADAM_LR = 0.01
KERAS_BATCH_SIZE = 32  # Keras' default
KERAS_EPOCHS = 10
QUICK_N_TRAIN = 300
QUICK_N_TEST = 200
QUICK_EPOCHS = 3
MNIST_QUICK_N_TRAIN = 2000  # --mnist with --quick: a slice of the 60,000, for a check that it runs
INSTALL_HINT = f"This demo needs scikit-learn, which the extra [digits] brings: {install_command('digits')}"


def load(n_train: int = N_TRAIN, n_test: int = N_TEST, seed: int = SEED):
    """(X_train, y_train, X_test, y_test): pixels scaled to [0, 1], a seeded random split.

    Raises ImportError (with INSTALL_HINT) when scikit-learn is missing.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    data = load_digits()
    X = (data.data / 16.0).tolist()
    y = [int(t) for t in data.target]
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    if n_train + n_test > len(order):
        raise ValueError(f"digits: {n_train} + {n_test} samples asked for, the data set has {len(order)}")
    train, test = order[:n_train], order[n_train : n_train + n_test]
    return [X[i] for i in train], [y[i] for i in train], [X[i] for i in test], [y[i] for i in test]


def load_mnist_files(directory, n_train=None):
    """(X_train, y_train, X_test, y_test) as NumPy arrays from the four IDX files in `directory`."""
    from nn import load_mnist

    (X, y), (X_test, y_test) = load_mnist(directory)
    if n_train is not None:
        X, y, X_test, y_test = X[:n_train], y[:n_train], X_test[: n_train // 5], y_test[: n_train // 5]
    return X, y, X_test, y_test


def squared_error(outputs_batch, labels):
    """Squared error summed over the 10 outputs, averaged over the batch: 1/m sum_x ||y - yhat||^2.

    That is twice the slides' 1/(2m) form, and ten times Keras' "mse" of the slides' code (which also
    averages over the outputs). With learning rate 0.8, those smaller scales learn more slowly than
    this demo's few epochs allow. `mse` reads each class index as a one-hot target.
    """
    return mse(outputs_batch, labels) * 10


def models(seed: int = SEED, n_inputs: int = 64):
    """The two contenders: {name: (model, optimizer, loss function)}."""
    sigmoid = MLP(n_inputs, SIZES, activation="sigmoid", output_activation="sigmoid", rng=seed)
    relu = MLP(n_inputs, SIZES, activation="relu", output_activation="linear", rng=seed)
    return {
        f"sigmoid, MSE, SGD lr {SGD_LR}": (sigmoid, SGD(sigmoid.parameters(), lr=SGD_LR), squared_error),
        f"ReLU, softmax + cross-entropy, Adam lr {ADAM_LR}": (
            relu,
            Adam(relu.parameters(), lr=ADAM_LR),
            cross_entropy,  # softmax is applied inside, from the logits, stably
        ),
    }


def keras_model(seed: int = SEED, n_inputs: int = 64):
    """The slides' Keras network: Dense(30, sigmoid), Dense(15, sigmoid), Dense(10, sigmoid), SGD 0.8."""
    model = MLP(n_inputs, SIZES, activation="sigmoid", output_activation="sigmoid", rng=seed)
    return model, SGD(model.parameters(), lr=SGD_LR)


def accuracy_on(model, X, y) -> float:
    """Fraction of images whose largest output is at the right digit: the model traced once, run on all of X."""
    outputs = trace(model, list(X[0]))(np.asarray(X, dtype=float))
    return float(np.mean(outputs.argmax(axis=1) == np.asarray(y)))


def _say_epoch(label: str, epochs: int):
    """An on_epoch callback printing one line per epoch, as it happens."""

    def show(epoch, history):
        line = f"  {label} epoch {epoch}/{epochs}: training loss {history.loss[-1]:.4f}"
        if history.accuracy:
            line += f", accuracy {history.accuracy[-1]:.1%}"
        if history.val_accuracy:
            line += f"; held out: loss {history.val_loss[-1]:.4f}, accuracy {history.val_accuracy[-1]:.1%}"
        print(line, flush=True)

    return show


def fit(model, optimizer, loss_fn, data, epochs: int, batch_size: int = BATCH_SIZE, seed: int = SEED, label=""):
    """Compiled mini-batch training, measured on the held-out images after every epoch.

    Returns {"loss", "accuracy", "val_loss", "test_accuracy"}: the training loss and accuracy per
    epoch (of the predictions made while training, as Keras reports them), the held-out loss, and
    the held-out accuracy before training and after each epoch.
    """
    X, y, X_test, y_test = data
    before = accuracy_on(model, X_test, y_test)
    history = train(
        model, X, y, loss=loss_fn, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
        rng=random.Random(seed + 1),  # the same batches for every model
        val=(X_test, y_test), metrics=accuracy, progress=False, on_epoch=_say_epoch(label, epochs), compiled=True,
    )  # fmt: skip
    return {
        "loss": history.loss,
        "accuracy": history.accuracy,
        "val_loss": history.val_loss,
        "test_accuracy": [before] + history.val_accuracy,
    }


def run(out=c.DEFAULT_OUT, quick: bool = False, mnist=None) -> dict:
    """Run the demo (or skip it without scikit-learn), write its pictures under `out/digits`.

    `mnist`: a folder with the four MNIST (or Fashion-MNIST) IDX files: the slides' 784-30-15-10
    network on them instead of the 8x8 digits.
    """
    epochs = QUICK_EPOCHS if quick else EPOCHS
    keras_epochs = QUICK_EPOCHS if quick else KERAS_EPOCHS
    if mnist is not None:
        c.heading("MNIST: the slides' 784-30-15-10 network, two ways to train it")
        data = load_mnist_files(mnist, MNIST_QUICK_N_TRAIN if quick else None)
        side, where = 28, f"the IDX files in {mnist}"
    else:
        c.heading("Handwritten digits: 64-30-15-10, two ways to train it")
        n_train, n_test = (QUICK_N_TRAIN, QUICK_N_TEST) if quick else (N_TRAIN, N_TEST)
        try:
            data = load(n_train, n_test)
        except ImportError:
            print(f"Skipped. {INSTALL_HINT}")
            return {"skipped": True, "reason": INSTALL_HINT, "images": []}
        side, where = 8, "scikit-learn's 8x8 digits"
    n_inputs = side * side
    n_train, n_test = len(data[0]), len(data[2])
    folder = c.demo_dir(out, NAME)
    c.say(
        f"Images from {where}, pixels scaled to [0, 1]; {n_train} for training, {n_test} held out. "
        f"Both networks start from the same seed and see the same mini-batches of {BATCH_SIZE}, {epochs} epochs, "
        "compiled (the per-sample loss traced once, each batch run as NumPy vector instructions). "
        "The squared error is summed over the 10 outputs and averaged over the batch, 1/m sum ||y - yhat||^2: "
        "twice the slides' 1/(2m) form, so that learning rate 0.8 gets far in a few epochs."
    )
    program_picture = _show_program(n_inputs, data, folder / "digits_program.svg")
    results, rows = {}, []
    for name, (model, optimizer, loss_fn) in models(n_inputs=n_inputs).items():
        print(f"{name}:")
        with c.Timer() as t:
            history = fit(model, optimizer, loss_fn, data, epochs, label=name.split(",")[0])
        results[name] = history
        acc = history["test_accuracy"]
        rows.append((name, f"{acc[1]:.1%}", f"{acc[-1]:.1%}", f"{t.seconds:.1f} s"))
        last_model = model
    c.table(rows, ["network", "held-out accuracy after 1 epoch", f"after {epochs}", "time"])
    (name_a, hist_a), (name_b, hist_b) = results.items()
    c.say(
        f"Held-out accuracy after one epoch: {hist_a['test_accuracy'][1]:.1%} with {name_a}, "
        f"{hist_b['test_accuracy'][1]:.1%} with {name_b}; after {epochs}: {hist_a['test_accuracy'][-1]:.1%} and "
        f"{hist_b['test_accuracy'][-1]:.1%}. Sigmoid units saturate and the squared error gives small gradients "
        "when the output is confidently wrong; ReLU, cross-entropy and Adam's per-parameter step sizes learn "
        "much faster at the start."
    )

    print()
    c.say(
        f"The slides' Keras code, exactly: sigmoid everywhere, loss='mse' as Keras means it (the mean over the "
        f"10 outputs and the batch, nn.mse), SGD 0.8, batch {KERAS_BATCH_SIZE}, {keras_epochs} epochs, the "
        "held-out images as validation data."
    )
    model, optimizer = keras_model(n_inputs=n_inputs)
    with c.Timer() as t:
        keras = fit(model, optimizer, "mse", data, keras_epochs, batch_size=KERAS_BATCH_SIZE, label="Keras settings")
    c.table(
        [
            (
                e + 1,
                keras["loss"][e],
                f"{keras['accuracy'][e]:.1%}",
                keras["val_loss"][e],
                f"{keras['test_accuracy'][e + 1]:.1%}",
            )
            for e in range(keras_epochs)
        ],  # fmt: skip
        ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"],
    )
    c.say(
        f"Keras' settings reach {keras['test_accuracy'][-1]:.1%} held out after {keras_epochs} epochs "
        f"({t.seconds:.1f} s), against {hist_a['test_accuracy'][-1]:.1%} for the faster sigmoid setting above: "
        f"that one sums the squared error over the 10 outputs instead of averaging (10 times the gradient) and "
        f"takes batches of {BATCH_SIZE} instead of {KERAS_BATCH_SIZE} ({KERAS_BATCH_SIZE / BATCH_SIZE:.1f} times "
        "the steps per epoch), so learning rate 0.8 moves the weights about 30 times as far per epoch."
    )
    images = [
        _plot_curves(results, folder / "digits_training.png"),
        _plot_history(keras, folder / "digits_keras_history.png"),
        _plot_samples(last_model, data, side, folder / "digits_predictions.png"),
        program_picture,
    ]
    images = [path for path in images if path is not None]  # the program's picture needs Graphviz
    c.wrote(images)
    return {
        "skipped": False,
        "test_accuracy": {name: h["test_accuracy"][-1] for name, h in results.items()},
        "history": results,
        "keras": keras,
        "n_train": n_train,
        "n_test": n_test,
        "epochs": epochs,
        "images": images,
    }


def _show_program(n_inputs: int, data, path):
    """Print what trace compiles the sigmoid network's per-sample loss into, and draw it (one box per layer)."""
    model, _ = keras_model(n_inputs=n_inputs)
    program = trace(lambda x, t: mse([model(x)], [t]), list(data[0][0]), [0.0] * 10)
    c.say(
        f"What the compiler sees: the per-sample loss of one image is a graph of {len(program.order):,} scalar "
        f"nodes; trace groups the nodes of one depth and operation into {len(program.instructions)} vector "
        "instructions, each layer of dot nodes one matrix product over the batch B:"
    )
    print(program)
    return c.render_graph(program.draw(), path)


def _plot_curves(results, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_acc, ax_loss = axes[0]
        for color, (name, h) in zip(c.COLORS, results.items()):
            ax_acc.plot(range(len(h["test_accuracy"])), [100 * a for a in h["test_accuracy"]], "o-", color=color)
            ax_loss.semilogy(range(1, len(h["loss"]) + 1), h["loss"], "o-", color=color, label=name)
        ax_acc.set_xlabel("epoch")
        ax_acc.set_ylabel("held-out accuracy (%)")
        ax_acc.set_ylim(0, 100)
        ax_acc.set_title("Held-out accuracy")
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("training loss (each its own, log scale)")
        ax_loss.set_title("Training loss")
        ax_loss.legend(loc="lower left", fontsize=11)
        return c.save_figure(fig, path)


def _plot_history(h, path):
    """The slides' history plot: loss and accuracy per epoch, training and validation."""
    epochs = range(1, len(h["loss"]) + 1)
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_loss, ax_acc = axes[0]
        ax_loss.plot(epochs, h["loss"], "o-", color=c.COLORS[0], label="training")
        ax_loss.plot(epochs, h["val_loss"], "s--", color=c.COLORS[1], label="validation")
        ax_acc.plot(epochs, [100 * a for a in h["accuracy"]], "o-", color=c.COLORS[0], label="training")
        ax_acc.plot(epochs, [100 * a for a in h["test_accuracy"][1:]], "s--", color=c.COLORS[1], label="validation")
        ax_loss.set_title("Loss (Keras' mse)")
        ax_loss.set_ylabel("mean squared error")
        ax_acc.set_title("Accuracy")
        ax_acc.set_ylabel("accuracy (%)")
        ax_acc.set_ylim(0, 100)
        for ax in (ax_loss, ax_acc):
            ax.set_xlabel("epoch")
            ax.set_xticks(list(epochs))
            ax.legend()
        fig.suptitle(f"The slides' Keras settings: SGD {SGD_LR}, batch {KERAS_BATCH_SIZE}, sigmoid, mse")
        return c.save_figure(fig, path)


def predictions_title(guesses, labels) -> str:
    """The title of the predictions picture: it mentions red only when some guess is wrong."""
    wrong = sum(g != t for g, t in zip(guesses, labels))
    title = "Held-out images: the ReLU / cross-entropy network's guess and the true label"
    return title + (f" ({wrong} wrong, in red)" if wrong else " (all right)")


def _plot_samples(model, data, side, path, n: int = 16):
    _, _, X_test, y_test = data
    X_test, y_test = list(X_test[:n]), list(y_test[:n])
    with no_grad():
        guesses = []
        for x in X_test:
            out = [v.data for v in model(list(x))]
            guesses.append(out.index(max(out)))
    with c.style():
        fig, axes = c.figure(2, n // 2, size=(16, 5.2))
        fig.suptitle(predictions_title(guesses, y_test))
        for ax, x, t, guess in zip(axes.flat, X_test, y_test, guesses):
            ax.imshow(np.asarray(x, dtype=float).reshape(side, side), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"guess {guess}\ntrue {int(t)}", color="k" if guess == t else "red")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.digits [--out DIR] [--quick] [--mnist DIR]."""
    parser = argparse.ArgumentParser(prog="python -m demos.digits", description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", default=c.DEFAULT_OUT, help=f"pictures go to OUT/digits (default: ./{c.DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true", help="smaller settings, for tests (a few seconds)")
    parser.add_argument(
        "--mnist", metavar="DIR", help="a folder with the four MNIST or Fashion-MNIST IDX files (plain or .gz)"
    )
    args = parser.parse_args(argv)
    c.exit_unless_installed(NAME, ("demos",) if args.mnist else None)  # MNIST's own files need no scikit-learn
    result = run(args.out, quick=args.quick, mnist=args.mnist)
    sys.stdout.flush()
    return result


if __name__ == "__main__":
    main()

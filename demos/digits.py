"""Handwritten digits: sigmoid + MSE + SGD against ReLU + softmax/cross-entropy + Adam.

The course trains a 784-30-15-10 network on MNIST with sigmoid units, the
squared error and SGD (learning rate 0.8), then shows that ReLU hidden units,
a softmax output with cross-entropy and Adam learn faster. Here the same
experiment runs on scikit-learn's 8x8 digits (1797 images, 64 pixels): two
64-30-15-10 networks from the same seed, trained on the same mini-batches,
compared by test accuracy and loss per epoch. A pure-Python scalar engine
needs about a millisecond per image and step, so a subset is used.

scikit-learn is an optional extra: pip install -e ".[digits]" (or pip install scikit-learn).

Course material: section 5 of the lecture notes the project follows.
"""

from __future__ import annotations

import random

from autograd import no_grad
from demos import _common as c
from nn import MLP, SGD, Adam, accuracy, batches, cross_entropy, mse

NAME = "digits"
SEED = 0
SIZES = [30, 15, 10]  # after the 64 inputs
N_TRAIN = 1000
N_TEST = 500
EPOCHS = 10
BATCH_SIZE = 10
SGD_LR = 0.8
ADAM_LR = 0.01
QUICK_N_TRAIN = 300
QUICK_N_TEST = 200
QUICK_EPOCHS = 3
INSTALL_HINT = 'This demo needs scikit-learn: pip install -e ".[digits]" (or pip install scikit-learn).'


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


def squared_error(outputs_batch, labels):
    """Squared error summed over the 10 outputs, averaged over the batch: 1/m sum_x ||y - yhat||^2.

    That is twice the slides' 1/(2m) form, and ten times Keras' "mse" of the slides' code (which also
    averages over the outputs). With learning rate 0.8, those smaller scales learn more slowly than
    this demo's few epochs on 1,000 images allow. `mse` reads each class index as a one-hot target.
    """
    return mse(outputs_batch, labels) * 10


def models(seed: int = SEED):
    """The two contenders: {name: (model, optimizer, loss function)}."""
    sigmoid = MLP(64, SIZES, activation="sigmoid", output_activation="sigmoid", rng=seed)
    relu = MLP(64, SIZES, activation="relu", output_activation="linear", rng=seed)
    return {
        f"sigmoid, MSE, SGD lr {SGD_LR}": (sigmoid, SGD(sigmoid.parameters(), lr=SGD_LR), squared_error),
        f"ReLU, softmax + cross-entropy, Adam lr {ADAM_LR}": (
            relu,
            Adam(relu.parameters(), lr=ADAM_LR),
            cross_entropy,  # softmax is applied inside, from the logits, stably
        ),
    }


def accuracy_on(model, X, y) -> float:
    """Fraction of images whose largest output is at the right digit (no graph is built)."""
    with no_grad():
        return accuracy([model(x) for x in X], y)


def train(model, optimizer, loss_fn, data, epochs: int, seed: int = SEED):
    """Mini-batch training; returns {"loss": mean training loss per epoch, "test_accuracy": per epoch}."""
    X, y, X_test, y_test = data
    rng = random.Random(seed + 1)  # the same batches for both models
    history = {"loss": [], "test_accuracy": [accuracy_on(model, X_test, y_test)]}
    for _ in range(epochs):
        total, count = 0.0, 0
        for xb, yb in batches(X, y, BATCH_SIZE, shuffle=True, rng=rng):
            loss = loss_fn([model(x) for x in xb], yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.data * len(xb)
            count += len(xb)
        history["loss"].append(total / count)
        history["test_accuracy"].append(accuracy_on(model, X_test, y_test))
    return history


def run(out=c.DEFAULT_OUT, quick: bool = False) -> dict:
    """Run the demo (or skip it without scikit-learn), write its pictures under `out/digits`."""
    c.heading("Handwritten digits: 64-30-15-10, two ways to train it")
    n_train, n_test, epochs = (QUICK_N_TRAIN, QUICK_N_TEST, QUICK_EPOCHS) if quick else (N_TRAIN, N_TEST, EPOCHS)
    try:
        data = load(n_train, n_test)
    except ImportError:
        print(f"Skipped. {INSTALL_HINT}")
        return {"skipped": True, "reason": INSTALL_HINT, "images": []}
    folder = c.demo_dir(out, NAME)
    c.say(
        f"8x8 images, pixels scaled to [0, 1]; {n_train} for training, {n_test} for testing (seeded split). "
        f"Both networks start from the same seed and see the same mini-batches of {BATCH_SIZE}, {epochs} epochs. "
        "The squared error is summed over the 10 outputs and averaged over the batch, 1/m sum ||y - yhat||^2: "
        "twice the slides' 1/(2m) form, so that learning rate 0.8 gets far in a few epochs."
    )
    results, rows = {}, []
    for name, (model, optimizer, loss_fn) in models().items():
        with c.Timer() as t:
            history = train(model, optimizer, loss_fn, data, epochs)
        results[name] = history
        acc = history["test_accuracy"]
        rows.append((name, f"{acc[1]:.1%}", f"{acc[-1]:.1%}", f"{t.seconds:.1f} s"))
        last_model = model
    c.table(rows, ["network", "test accuracy after 1 epoch", f"after {epochs}", "time"])
    (name_a, hist_a), (name_b, hist_b) = results.items()
    c.say(
        f"Test accuracy reached: {hist_a['test_accuracy'][-1]:.1%} with {name_a}; {hist_b['test_accuracy'][-1]:.1%} "
        f"with {name_b}. Sigmoid units saturate and the squared error gives small gradients when the output is "
        f"confidently wrong; ReLU, cross-entropy and Adam's per-parameter step sizes learn much faster."
    )
    images = [
        _plot_curves(results, folder / "digits_training.png"),
        _plot_samples(last_model, data, folder / "digits_predictions.png"),
    ]
    c.wrote(images)
    return {
        "skipped": False,
        "test_accuracy": {name: h["test_accuracy"][-1] for name, h in results.items()},
        "history": results,
        "n_train": n_train,
        "n_test": n_test,
        "epochs": epochs,
        "images": images,
    }


def _plot_curves(results, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_acc, ax_loss = axes[0]
        for color, (name, h) in zip(c.COLORS, results.items()):
            ax_acc.plot(range(len(h["test_accuracy"])), [100 * a for a in h["test_accuracy"]], "o-", color=color)
            ax_loss.semilogy(range(1, len(h["loss"]) + 1), h["loss"], "o-", color=color, label=name)
        ax_acc.set_xlabel("epoch")
        ax_acc.set_ylabel("test accuracy (%)")
        ax_acc.set_ylim(0, 100)
        ax_acc.set_title("Test accuracy")
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("training loss (each its own, log scale)")
        ax_loss.set_title("Training loss")
        ax_loss.legend(loc="lower left", fontsize=11)
        return c.save_figure(fig, path)


def _plot_samples(model, data, path, n: int = 16):
    _, _, X_test, y_test = data
    with c.style():
        fig, axes = c.figure(2, n // 2, size=(16, 4.8))
        fig.suptitle("Test images and the ReLU / cross-entropy network's guesses (wrong ones in red)")
        with no_grad():
            for ax, x, t in zip(axes.flat, X_test, y_test):
                out = [v.data for v in model(x)]
                guess = out.index(max(out))
                ax.imshow([x[r * 8 : r * 8 + 8] for r in range(8)], cmap="gray_r", vmin=0, vmax=1)
                ax.set_title(f"{guess}" + ("" if guess == t else f" (is {t})"), color="k" if guess == t else "red")
                ax.set_xticks([])
                ax.set_yticks([])
                ax.grid(False)
        return c.save_figure(fig, path)


def main(argv=None) -> dict:
    """Command line: python -m demos.digits [--out DIR] [--quick]."""
    return c.run_main(run, argv, __doc__)


if __name__ == "__main__":
    main()

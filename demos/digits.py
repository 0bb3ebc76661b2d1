"""Handwritten digits: sigmoid + MSE + SGD against ReLU + softmax + Adam, and the slides' two Keras models.

The course trains a 784-30-15-10 network on MNIST with sigmoid units, the
squared error and SGD (learning rate 0.8), then shows that ReLU hidden units,
a softmax output with cross-entropy and Adam learn faster. Here the same
experiment runs on scikit-learn's 8x8 digits (1797 images, 64 pixels, all of
them: 1437 for training, 360 held out): two 64-30-15-10 networks from the
same seed, trained on the same mini-batches, compared by test accuracy per
epoch. Then the slides' two Keras models with Keras' defaults (Glorot-uniform
weights, zero biases, batch 32, Adam's defaults), each from five seeds, with
the spread of their held-out accuracy and the slides' history plot. With
`--mnist DIR` (the four MNIST or Fashion-MNIST IDX files) the same runs use
the slides' own 784-30-15-10 network on 60,000 images.

Every model is trained by `nn.train(..., compiled=True)`: the per-sample loss
is traced once and each batch runs as NumPy vector instructions (the scalar
engine needs about a millisecond per image and step; this is over 40 times
faster at batch 10).

scikit-learn comes with the optional extra `digits` (`python -m demos digits` says how to install it).

Course material: section 5 of the lecture notes the project follows.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from autograd import install_command, no_grad, trace
from autograd.language import Domain, get_language, using_language
from demos import _common as c
from nn import MLP, SGD, Adam, accuracy, cross_entropy, mse, train

_ = Domain("demos").gettext
N_ = Domain.mark

NAME = "digits"
SUMMARY = N_("Handwritten digits: sigmoid + MSE + SGD against ReLU + softmax + Adam, and the slides' two Keras models.")
SEED = 0
SIZES = [30, 15, 10]  # after the inputs (64 pixels here, 784 for MNIST)
N_TRAIN = 1437  # all 1797 images: 80 % for training,
N_TEST = 360  # 20 % held out
EPOCHS = 10
BATCH_SIZE = 10
SGD_LR = 0.8
ADAM_LR = 0.01
QUICK_N_TRAIN = 300
QUICK_N_TEST = 200
QUICK_EPOCHS = 3
MNIST_QUICK_N_TRAIN = 2000  # --mnist with --quick: a slice of the 60,000, for a check that it runs
INSTALL_TEXT = N_("This demo needs scikit-learn, which the extra [digits] brings: {command}")
INSTALL_HINT = INSTALL_TEXT.format(command=install_command("digits"))

# The slides' Keras code leaves these to Keras' defaults; they are written out here.
KERAS_BATCH_SIZE = 32  # Model.fit's default
KERAS_EPOCHS = 10  # the slides' fit(..., epochs=10)
KERAS_INIT = "xavier"  # Dense's default: Glorot-uniform weights U(-a, a), a = sqrt(6 / (fan_in + fan_out)); biases 0
KERAS_ADAM = {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-7}  # keras.optimizers.Adam()'s defaults
KERAS_SEEDS = (0, 1, 2, 3, 4)
QUICK_KERAS_SEEDS = (0, 1)
MNIST_TRAIN_IMAGES = 60_000  # what the slides' 10 epochs run over
# The models' names, in English the keys of the results; shown in the language in force (see `shown`).
SLIDES_FIRST_MODEL = N_("sigmoid, mse, SGD {lr}")
SLIDES_FIRST = SLIDES_FIRST_MODEL.format(lr=SGD_LR)  # the slides' first model ("Umsetzung in Keras")
SLIDES_SECOND = N_("relu, softmax, cross-entropy, Adam")  # the second ("Schnellere Konvergenz")
SIGMOID_MODEL = N_("sigmoid, MSE, SGD lr {lr}")  # this demo's two contenders, at their learning rates
RELU_MODEL = N_("ReLU, softmax + cross-entropy, Adam lr {lr}")

DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = (
    N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"), N_("Shirt"),
    N_("Sneaker"), N_("Bag"), N_("Ankle boot"),
)  # fmt: skip
"""Fashion-MNIST's ten classes, in the order of its labels 0..9 (Xiao, Rasul, Vollgraf 2017)."""


def shown(name: str) -> str:
    """A model's or a class's name (English: the results' keys, FASHION_NAMES) in the language in force."""
    for template, lr in ((SIGMOID_MODEL, SGD_LR), (RELU_MODEL, ADAM_LR), (SLIDES_FIRST_MODEL, SGD_LR)):
        if name == template.format(lr=lr):
            return _(template).format(lr=lr)
    return _(name) if name in (SLIDES_SECOND, *FASHION_NAMES) else name


def count(n: int) -> str:
    """A count as the language writes it: 60,000 in English, 60000 in German (where a comma is the decimal sign)."""
    return f"{n:,}" if get_language() == "en" else str(n)


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
    """(X_train, y_train, X_test, y_test) as NumPy arrays from the four IDX files in `directory`.

    `n_train`: the first n_train training images and the first n_train // 5 test images (a slice for --quick).
    """
    from nn import load_mnist

    (X, y), (X_test, y_test) = load_mnist(directory)
    if n_train is not None:
        X, y, X_test, y_test = X[:n_train], y[:n_train], X_test[: n_train // 5], y_test[: n_train // 5]
    return X, y, X_test, y_test


def is_fashion(directory, fashion=None) -> bool:
    """Whether the IDX files in `directory` are Fashion-MNIST: `fashion` when given (True/False),
    otherwise whether the folder's own name contains "fashion" (any case).

    The files cannot tell: MNIST and Fashion-MNIST have the same four names, the same headers
    (60,000 and 10,000 images of 28x28 unsigned bytes) and labels 0..9, and copies of either are
    renamed, recompressed or cut; only the person who put them there knows. Zalando's repository
    and most copies keep them in a folder named fashion or fashion-mnist, hence that default.
    """
    if fashion is not None:
        if not isinstance(fashion, bool):
            raise TypeError(f"digits: fashion must be True, False or None (from the folder's name), not {fashion!r}")
        return fashion
    return "fashion" in Path(directory).resolve().name.lower()


def class_names(directory=None, fashion=None) -> tuple[str, ...]:
    """The names of the labels 0..9: digits, or Fashion-MNIST's classes (see `is_fashion`)."""
    if directory is None:
        return FASHION_NAMES if fashion else DIGIT_NAMES
    return FASHION_NAMES if is_fashion(directory, fashion) else DIGIT_NAMES


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
        SIGMOID_MODEL.format(lr=SGD_LR): (sigmoid, SGD(sigmoid.parameters(), lr=SGD_LR), squared_error),
        RELU_MODEL.format(lr=ADAM_LR): (
            relu,
            Adam(relu.parameters(), lr=ADAM_LR),
            cross_entropy,  # softmax is applied inside, from the logits, stably
        ),
    }


def keras_model(seed: int = SEED, n_inputs: int = 64):
    """The slides' first Keras network: Dense(30, sigmoid), Dense(15, sigmoid), Dense(10, sigmoid),
    Glorot-uniform weights and zero biases as Keras' Dense starts them; SGD 0.8."""
    model = MLP(n_inputs, SIZES, activation="sigmoid", output_activation="sigmoid", init=KERAS_INIT, rng=seed)
    return model, SGD(model.parameters(), lr=SGD_LR)


def keras_models(seed: int = SEED, n_inputs: int = 64):
    """The slides' two Keras models: {name: (model, optimizer, loss name)}, both initialised as Keras does.

    The second's Dense(10, softmax) with loss='sparse_categorical_crossentropy' is a linear output
    layer here with "cross_entropy", which applies the softmax to those logits itself (the same
    function; Keras takes the log of the softmax's output clipped to [1e-7, 1 - 1e-7], nn from the logits).
    Adam's epsilon: Keras adds it to sqrt(v) before the bias correction ("epsilon hat"), nn.Adam after
    it, as PyTorch; with epsilon 1e-7 the two differ only where sqrt(v) is that small.
    """
    first, sgd = keras_model(seed, n_inputs)
    second = MLP(n_inputs, SIZES, activation="relu", output_activation="linear", init=KERAS_INIT, rng=seed)
    return {
        SLIDES_FIRST: (first, sgd, "mse"),
        SLIDES_SECOND: (second, Adam(second.parameters(), **KERAS_ADAM), "cross_entropy"),
    }


def steps_per_epoch(n_train: int, batch_size: int = KERAS_BATCH_SIZE) -> int:
    """Updates in one epoch: one per batch, the last batch smaller when batch_size does not divide n_train."""
    return -(-n_train // batch_size)


def steps_sentence(n_train: int, epochs: int, batch_size: int = KERAS_BATCH_SIZE) -> str:
    """How many updates these epochs are, beside the slides' 10 epochs of MNIST (in the language in force)."""
    ours = epochs * steps_per_epoch(n_train, batch_size)
    slides = KERAS_EPOCHS * steps_per_epoch(MNIST_TRAIN_IMAGES, batch_size)
    numbers = {
        "epochs": epochs,
        "images": count(n_train),
        "batch": batch_size,
        "steps": count(ours),
        "slides_epochs": KERAS_EPOCHS,
        "slides_images": count(MNIST_TRAIN_IMAGES),
        "slides_steps": count(slides),
        "times": f"{slides / ours:.0f}",
    }
    if ours == slides:
        text = N_(
            "{epochs} epochs of {images} images in batches of {batch} are {steps} steps, as many as the slides' "
            "{slides_epochs} epochs of MNIST."
        )
    elif slides > ours:
        text = N_(
            "{epochs} epochs of {images} images in batches of {batch} are {steps} steps; the slides' "
            "{slides_epochs} epochs of MNIST's {slides_images} training images are {slides_steps} steps "
            "({times} times as many)."
        )
    else:
        text = N_(
            "{epochs} epochs of {images} images in batches of {batch} are {steps} steps; the slides' "
            "{slides_epochs} epochs of MNIST's {slides_images} training images are {slides_steps} steps."
        )
    return _(text).format(**numbers)


def accuracy_on(model, X, y) -> float:
    """Fraction of images whose largest output is at the right digit: the model traced once, run on all of X."""
    outputs = trace(model, list(X[0]))(np.asarray(X, dtype=float))
    return float(np.mean(outputs.argmax(axis=1) == np.asarray(y)))


def _say_epoch(label: str, epochs: int, times=None):
    """An on_epoch callback: one line per epoch as it happens (label None: silent); the time of each
    epoch appended to `times` when given."""
    last = [time.perf_counter()]

    def show(epoch, history):
        now = time.perf_counter()
        if times is not None:
            times.append(now - last[0])
        last[0] = now
        if label is None:
            return
        line = _("  {label} epoch {epoch}/{epochs}: training loss {loss:.4f}").format(
            label=label, epoch=epoch, epochs=epochs, loss=history.loss[-1]
        )
        if history.accuracy:
            line += _(", accuracy {accuracy:.1%}").format(accuracy=history.accuracy[-1])
        if history.val_accuracy:
            line += _("; held out: loss {loss:.4f}, accuracy {accuracy:.1%}").format(
                loss=history.val_loss[-1], accuracy=history.val_accuracy[-1]
            )
        print(line, flush=True)

    return show


def fit(model, optimizer, loss_fn, data, epochs: int, batch_size: int = BATCH_SIZE, seed: int = SEED, label=""):
    """Compiled mini-batch training, measured on the held-out images after every epoch.

    Returns {"loss", "accuracy", "val_loss", "test_accuracy", "seconds"}: the training loss and
    accuracy per epoch (of the predictions made while training, as Keras reports them), the held-out
    loss, the held-out accuracy before training and after each epoch, and each epoch's time
    (training and its held-out measurement). `label` None prints nothing.
    """
    X, y, X_test, y_test = data
    before = accuracy_on(model, X_test, y_test)
    seconds = []
    history = train(
        model, X, y, loss=loss_fn, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
        rng=random.Random(seed + 1),  # the same batches for every model of one seed
        val=(X_test, y_test), metrics=accuracy, progress=False, on_epoch=_say_epoch(label, epochs, seconds),
        compiled=True,
    )  # fmt: skip
    return {
        "loss": history.loss,
        "accuracy": history.accuracy,
        "val_loss": history.val_loss,
        "test_accuracy": [before] + history.val_accuracy,
        "seconds": seconds,
    }


def spread(values) -> dict:
    """{"mean", "min", "max"} of a list of numbers."""
    return {"mean": statistics.fmean(values), "min": min(values), "max": max(values)}


def keras_runs(data, n_inputs: int, epochs: int, seeds) -> dict:
    """Both of the slides' Keras models from each seed (initial weights and batch order), Keras' defaults.

    Returns {name: {"runs": [history per seed], "after_1": spread, "after_last": spread,
    "seconds_per_epoch": median}} of the held-out accuracy after the first and the last epoch.
    """
    results = {name: {"runs": []} for name in keras_models(n_inputs=n_inputs)}
    for seed in seeds:
        for name, (model, optimizer, loss) in keras_models(seed, n_inputs).items():
            h = fit(model, optimizer, loss, data, epochs, batch_size=KERAS_BATCH_SIZE, seed=seed, label=None)
            results[name]["runs"].append(h)
            acc = h["test_accuracy"]
            line = _(
                "  seed {seed}, {name}: {first:.1%} after 1 epoch, {last:.1%} after {epochs}, {seconds} s per epoch"
            )
            seconds = f"{statistics.median(h['seconds']):.2g}"
            line = line.format(seed=seed, name=shown(name), first=acc[1], last=acc[-1], epochs=epochs, seconds=seconds)
            print(line, flush=True)
    for r in results.values():
        r["after_1"] = spread([h["test_accuracy"][1] for h in r["runs"]])
        r["after_last"] = spread([h["test_accuracy"][-1] for h in r["runs"]])
        r["seconds_per_epoch"] = statistics.median(s for h in r["runs"] for s in h["seconds"])
    return results


def machine() -> str:
    """The load average and BLAS threads, to read the times by (the machine may be shared), in the language in force."""
    try:
        load = _("load average {load:.1f} (1 min) on {cores} cores").format(
            load=os.getloadavg()[0], cores=os.cpu_count()
        )
    except (AttributeError, OSError):
        load = _("{cores} cores").format(cores=os.cpu_count())
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return _("{load}; BLAS threads unknown (threadpoolctl is not installed)").format(load=load)
    pools = ", ".join(f"{p.get('internal_api')} {p.get('num_threads')}" for p in threadpool_info()) or _("none")
    return _("{load}; BLAS thread pools {pools} (the compiled program runs products this small on one thread)").format(
        load=load, pools=pools
    )


def _fmt_spread(s) -> str:
    return f"{s['mean']:.1%} ({s['min']:.1%}-{s['max']:.1%})"


@c.in_language
def run(
    out=c.DEFAULT_OUT, quick: bool = False, mnist=None, fashion=None, seeds=None, *, language: str | None = None
) -> dict:
    """Run the demo (or skip it without scikit-learn), write its pictures under `out/digits`.

    `mnist`: a folder with the four MNIST (or Fashion-MNIST) IDX files: the slides' 784-30-15-10
    network on them instead of the 8x8 digits. `fashion`: whether they are Fashion-MNIST (None:
    from the folder's name, see `is_fashion`). `seeds`: the seeds of the Keras runs (default five,
    two with `quick`). The texts are in `language` ("de" or "en"; None: the language in force); the
    numbers and the results' keys (the models' English names) are the same in both.
    """
    epochs = QUICK_EPOCHS if quick else EPOCHS
    keras_epochs = QUICK_EPOCHS if quick else KERAS_EPOCHS
    seeds = tuple(seeds) if seeds is not None else (QUICK_KERAS_SEEDS if quick else KERAS_SEEDS)
    if not seeds:
        raise ValueError("digits: seeds must name at least one seed")
    if mnist is not None:
        names = class_names(mnist, fashion)
        title = "Fashion-MNIST" if names is FASHION_NAMES else "MNIST"
        c.heading(_("{title}: the slides' 784-30-15-10 network, two ways to train it").format(title=title))
        data = load_mnist_files(mnist, MNIST_QUICK_N_TRAIN if quick else None)
        side, where = 28, _("the {title} IDX files in {folder}").format(title=title, folder=mnist)
    else:
        c.heading(_("Handwritten digits: 64-30-15-10, two ways to train it"))
        n_train, n_test = (QUICK_N_TRAIN, QUICK_N_TEST) if quick else (N_TRAIN, N_TEST)
        try:
            data = load(n_train, n_test)
        except ImportError:
            print(_("Skipped.") + " " + _(INSTALL_TEXT).format(command=install_command("digits")))
            return {"skipped": True, "reason": INSTALL_HINT, "images": []}
        side, where, names = 8, _("scikit-learn's 8x8 digits"), DIGIT_NAMES
    n_inputs = side * side
    n_train, n_test = len(data[0]), len(data[2])
    folder = c.demo_dir(out, NAME)
    c.say(
        _(
            "Images from {where}, pixels scaled to [0, 1]; {n_train} for training, {n_test} held out. Both networks "
            "start from the same seed and see the same mini-batches of {batch}, {epochs} epochs, compiled (the "
            "per-sample loss traced once, each batch run as NumPy vector instructions). The squared error is summed "
            "over the 10 outputs and averaged over the batch, 1/m sum ||y - yhat||^2: twice the slides' 1/(2m) form, "
            "so that learning rate 0.8 gets far in a few epochs."
        ).format(where=where, n_train=count(n_train), n_test=count(n_test), batch=BATCH_SIZE, epochs=epochs)
    )
    if names is FASHION_NAMES:
        c.say(_("Fashion-MNIST's classes 0-9: {names}.").format(names=", ".join(map(shown, names))))
    program_picture = _show_program(n_inputs, data, folder / "digits_program.svg")
    results, rows = {}, []
    for name, (model, optimizer, loss_fn) in models(n_inputs=n_inputs).items():
        print(f"{shown(name)}:")
        history = fit(model, optimizer, loss_fn, data, epochs, label=shown(name).split(",")[0])
        results[name] = history
        acc = history["test_accuracy"]
        seconds = f"{statistics.median(history['seconds']):.2g} s"
        rows.append((shown(name), f"{acc[1]:.1%}", f"{acc[-1]:.1%}", seconds))
        last_model = model
    c.table(
        rows,
        [_("network"), _("held-out accuracy after 1 epoch"), _("after {n}").format(n=epochs), _("time per epoch")],
    )
    (name_a, hist_a), (name_b, hist_b) = results.items()
    a1, b1 = hist_a["test_accuracy"][1], hist_b["test_accuracy"][1]
    if b1 - a1 > 0.05:
        why = _(
            "Sigmoid units saturate and the squared error gives small gradients when the output is confidently "
            "wrong; ReLU, cross-entropy and Adam's per-parameter step sizes learn much faster at the start."
        )
    else:
        why = _(
            "With {steps} steps of {batch} images in the first epoch and the summed squared error, the sigmoid "
            "network keeps up here; the head start of the second kind shows with Keras' settings below, where the "
            "sigmoid network's gradient is ten times smaller."
        ).format(steps=count(steps_per_epoch(n_train, BATCH_SIZE)), batch=BATCH_SIZE)
    c.say(
        _(
            "Held-out accuracy after one epoch: {a1:.1%} with {name_a}, {b1:.1%} with {name_b}; after {epochs}: "
            "{a_last:.1%} and {b_last:.1%}. {why}"
        ).format(
            a1=a1,
            name_a=shown(name_a),
            b1=b1,
            name_b=shown(name_b),
            epochs=epochs,
            a_last=hist_a["test_accuracy"][-1],
            b_last=hist_b["test_accuracy"][-1],
            why=why,
        )
    )

    print()
    c.heading(_("The slides' two Keras models, with Keras' defaults"))
    c.say(
        _(
            "First: Dense(30, sigmoid), Dense(15, sigmoid), Dense(10, sigmoid); loss='mse' as Keras means it (the "
            "mean over the 10 outputs and the batch, nn.mse); SGD(learning_rate=0.8). Second: Dense(30, relu), "
            "Dense(15, relu), Dense(10, softmax); loss='sparse_categorical_crossentropy'; optimizer 'Adam' with "
            "Keras' defaults (learning rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). What the slides leave to "
            "Keras is written out: batch {batch}, shuffled every epoch; Glorot-uniform weights U(-a, a), a = sqrt(6 "
            "/ (fan_in + fan_out)), and zero biases, as Keras' Dense starts. Validation data: the {n_test} held-out "
            "images (the slides do not show how X_valid is made)."
        ).format(batch=KERAS_BATCH_SIZE, n_test=count(n_test))
    )
    c.say(steps_sentence(n_train, keras_epochs))
    c.say(
        _(
            "Each model from {n} seeds ({seeds}: the initial weights and the order of the batches); the spread over "
            "the seeds is part of the result. The slides show the training curves, no accuracy figure: the numbers "
            "here are this engine's on this data, not the slides'."
        ).format(n=len(seeds), seeds=", ".join(map(str, seeds)))
    )
    keras = keras_runs(data, n_inputs, keras_epochs, seeds)
    print(
        _("Held-out accuracy, mean (lowest-highest) of {n} seeds, and the median time per epoch:").format(n=len(seeds))
    )
    c.table(
        [
            (shown(name), _fmt_spread(r["after_1"]), _fmt_spread(r["after_last"]), f"{r['seconds_per_epoch']:.2g} s")
            for name, r in keras.items()
        ],
        [_("model"), _("after 1 epoch"), _("after {n}").format(n=keras_epochs), _("per epoch")],
    )
    c.say(_("Times on this machine: {machine}.").format(machine=machine()))
    first, second = keras[SLIDES_FIRST], keras[SLIDES_SECOND]
    widest = max(r["after_last"]["max"] - r["after_last"]["min"] for r in keras.values())
    if second["after_1"]["min"] > first["after_1"]["max"]:
        apart = _(": every seed of the second above every seed of the first. ")
    elif first["after_1"]["min"] > second["after_1"]["max"]:
        apart = _(": every seed of the first above every seed of the second. ")
    else:
        apart = ". "
    c.say(
        _("After one epoch ({steps} steps) the first model holds out {first}, the second {second}").format(
            steps=count(steps_per_epoch(n_train)),
            first=_fmt_spread(first["after_1"]),
            second=_fmt_spread(second["after_1"]),
        )
        + apart
        + _(
            "After {epochs} epochs the first model holds out {first} and the second {second} (mean, lowest and "
            "highest of {n} seeds; the seeds of one model lie up to {points:.1f} points apart). Keras' mse averages "
            "over the 10 outputs, so its gradient is a tenth of the summed squared error's above, and batches of "
            "{keras_batch} make {fewer:.1f} times fewer steps per epoch than batches of {batch}."
        ).format(
            epochs=keras_epochs,
            first=_fmt_spread(first["after_last"]),
            second=_fmt_spread(second["after_last"]),
            n=len(seeds),
            points=100 * widest,
            keras_batch=KERAS_BATCH_SIZE,
            fewer=KERAS_BATCH_SIZE / BATCH_SIZE,
            batch=BATCH_SIZE,
        )
    )
    images = [
        _plot_curves(results, folder / "digits_training.png"),
        _plot_history(keras, folder / "digits_keras_history.png"),
        _plot_samples(last_model, data, side, names, folder / "digits_predictions.png"),
        program_picture,
    ]
    images = [path for path in images if path is not None]  # the program's picture needs Graphviz
    c.wrote(images)
    return {
        "skipped": False,
        "test_accuracy": {name: h["test_accuracy"][-1] for name, h in results.items()},
        "history": results,
        "keras": keras,
        "seeds": seeds,
        "class_names": names,
        "n_train": n_train,
        "n_test": n_test,
        "epochs": epochs,
        "keras_epochs": keras_epochs,
        "images": images,
    }


def _show_program(n_inputs: int, data, path):
    """Print what trace compiles the sigmoid network's per-sample loss into, and draw it (one box per layer)."""
    model, _optimizer = keras_model(n_inputs=n_inputs)
    program = trace(lambda x, t: mse([model(x)], [t]), list(data[0][0]), [0.0] * 10)
    c.say(
        _(
            "What the compiler sees: the per-sample loss of one image is a graph of {nodes} scalar nodes; trace "
            "groups the nodes of one depth and operation into {instructions} vector instructions, each layer of dot "
            "nodes one matrix product over the batch B:"
        ).format(nodes=count(len(program.order)), instructions=len(program.instructions))
    )
    print(program)
    return c.render_graph(program.draw(), path)


def _plot_curves(results, path):
    with c.style():
        fig, axes = c.figure(1, 2, size=(15, 6))
        ax_acc, ax_loss = axes[0]
        for color, (name, h) in zip(c.COLORS, results.items()):
            ax_acc.plot(range(len(h["test_accuracy"])), [100 * a for a in h["test_accuracy"]], "o-", color=color)
            ax_loss.semilogy(range(1, len(h["loss"]) + 1), h["loss"], "o-", color=color, label=shown(name))
        ax_acc.set_xlabel(_("epoch"))
        ax_acc.set_ylabel(_("held-out accuracy (%)"))
        ax_acc.set_ylim(0, 100)
        ax_acc.set_title(_("Held-out accuracy"))
        ax_loss.set_xlabel(_("epoch"))
        ax_loss.set_ylabel(_("training loss (each its own, log scale)"))
        ax_loss.set_title(_("Training loss"))
        ax_loss.legend(loc="lower left", fontsize=11)
        return c.save_figure(fig, path)


def _band(ax, epochs, curves, color, style, label):
    """The mean of several runs' curves as a line, their lowest and highest as a shaded band."""
    values = np.asarray(curves, dtype=float)
    ax.fill_between(epochs, values.min(axis=0), values.max(axis=0), color=color, alpha=0.2, linewidth=0)
    ax.plot(epochs, values.mean(axis=0), style, color=color, label=label)


def _plot_history(keras, path):
    """The slides' history plot for each model: loss and accuracy per epoch, training and validation,
    the mean over the seeds as a line and their range as a band."""
    training, validation = _("training"), _("validation")
    with c.style():
        fig, axes = c.figure(2, 2, size=(16, 9))
        for row, (name, r) in zip(axes, keras.items()):
            runs = r["runs"]
            epochs = list(range(1, len(runs[0]["loss"]) + 1))
            ax_loss, ax_acc = row
            _band(ax_loss, epochs, [h["loss"] for h in runs], c.COLORS[0], "o-", training)
            _band(ax_loss, epochs, [h["val_loss"] for h in runs], c.COLORS[1], "s--", validation)
            _band(ax_acc, epochs, [[100 * a for a in h["accuracy"]] for h in runs], c.COLORS[0], "o-", training)
            val = [[100 * a for a in h["test_accuracy"][1:]] for h in runs]
            _band(ax_acc, epochs, val, c.COLORS[1], "s--", validation)
            ax_loss.set_title(_("{name}: loss").format(name=shown(name)))
            ax_loss.set_ylabel(_("mse (Keras' mean)") if "mse" in name else _("cross-entropy"))
            ax_acc.set_title(_("{name}: accuracy").format(name=shown(name)))
            ax_acc.set_ylabel(_("accuracy (%)"))
            ax_acc.set_ylim(0, 100)
            for ax in row:
                ax.set_xlabel(_("epoch"))
                ax.set_xticks(epochs)
                ax.legend()
        n = len(next(iter(keras.values()))["runs"])
        fig.suptitle(
            _("The slides' two Keras models, batch {batch}: mean of {n} seeds, band lowest to highest").format(
                batch=KERAS_BATCH_SIZE, n=n
            )
        )
        return c.save_figure(fig, path)


def predictions_title(guesses, labels) -> str:
    """The title of the predictions picture, in the language in force: it mentions red only when a guess is wrong."""
    wrong = sum(g != t for g, t in zip(guesses, labels))
    title = _("Held-out images: the ReLU / cross-entropy network's guess and the true label")
    return title + (_(" ({wrong} wrong, in red)").format(wrong=wrong) if wrong else _(" (all right)"))


def _plot_samples(model, data, side, names, path, n: int = 16):
    _X, _y, X_test, y_test = data
    X_test, y_test = list(X_test[:n]), [int(t) for t in y_test[:n]]
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
            small = {"fontsize": 11} if names is FASHION_NAMES else {}
            title = _("guess {guess}\ntrue {true}").format(guess=shown(names[guess]), true=shown(names[t]))
            ax.set_title(title, color="k" if guess == t else "red", **small)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        return c.save_figure(fig, path)


def _seeds(text: str) -> tuple[int, ...]:
    """--seeds: a number n (the seeds 0..n-1) or a comma-separated list of seeds."""
    try:
        values = [int(s) for s in text.split(",")] if "," in text else list(range(int(text)))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("--seeds takes a count (5) or a list (0,1,2), not {text!r}").format(text=text)
        ) from None
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(
            _("--seeds takes a count of at least 1 or seeds >= 0, not {text!r}").format(text=text)
        )
    return tuple(values)


def main(argv=None) -> dict:
    """Command line: python -m demos.digits [--out DIR] [--quick] [--mnist DIR [--fashion]] [--seeds N] [--lang de|en]

    --help, the refusals and the run are in the language of --lang (else the locale's).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    with using_language(c.language_in(argv)) as t:
        parser = c.argument_parser("python -m demos.digits", _(SUMMARY), t)
        parser.add_argument(
            "--out",
            default=c.DEFAULT_OUT,
            help=_("pictures go to OUT/digits (default: ./{out})").format(out=c.DEFAULT_OUT),
        )
        parser.add_argument("--quick", action="store_true", help=_("smaller settings, for tests (a few seconds)"))
        parser.add_argument(
            "--mnist", metavar="DIR", help=_("a folder with the four MNIST or Fashion-MNIST IDX files (plain or .gz)")
        )
        parser.add_argument(
            "--fashion",
            action=argparse.BooleanOptionalAction,
            default=None,
            help=_(
                "the IDX files are Fashion-MNIST (its class names); default: when the folder's name contains "
                "'fashion' (the files themselves cannot tell)"
            ),
        )
        parser.add_argument(
            "--seeds",
            type=_seeds,
            default=None,
            metavar="N",
            help=_("seeds of the Keras runs: a count or a list (default 5)"),
        )
        c.add_language_option(parser, t)
        args = parser.parse_args(argv)
        if args.fashion is not None and args.mnist is None:
            parser.error(_("--fashion names the kind of the IDX files of --mnist DIR; give --mnist DIR too"))
        c.exit_unless_installed(NAME, ("demos",) if args.mnist else None)  # MNIST's own files need no scikit-learn
        chosen = {
            name: value for name, value in (("fashion", args.fashion), ("seeds", args.seeds)) if value is not None
        }
        result = run(args.out, quick=args.quick, mnist=args.mnist, **chosen)
    sys.stdout.flush()
    return result


if __name__ == "__main__":
    main()

"""The digits demo: both networks learn (when scikit-learn is there) and it skips cleanly without it;
the slides' two Keras models with Keras' defaults, from several seeds, and the names of the classes."""

import builtins
import math
import random
import re
import statistics
import struct

import numpy as np
import pytest
from checks import png_size
from picture_checks import check_image

from autograd import no_grad
from autograd.language import using_language
from demos import digits
from nn import accuracy, train

QUICK_ACCURACY = 0.6  # the ReLU / cross-entropy / Adam network in --quick mode (3 epochs on 300 images)


def test_quick_run(tmp_path, capsys):
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install -e '.[digits]')")
    result = digits.run(tmp_path, quick=True)
    out = capsys.readouterr().out
    assert result["skipped"] is False
    (sigmoid_name, sigmoid_acc), (relu_name, relu_acc) = result["test_accuracy"].items()
    assert "sigmoid" in sigmoid_name and "ReLU" in relu_name
    assert relu_acc > QUICK_ACCURACY
    assert relu_acc > sigmoid_acc
    assert sigmoid_acc > 0.15  # better than guessing one of 10 digits
    for path in result["images"]:
        check_image(path)
        if path.suffix == ".png":  # projected: within a 1920x1080 screen
            width, height = png_size(path)
            assert width <= 1920 and height <= 1080, f"{path.name} is {width}x{height}"
    # the Keras part: both models, each seed a run, the spread computed from those runs
    assert result["seeds"] == digits.QUICK_KERAS_SEEDS and len(result["seeds"]) >= 2
    for r in result["keras"].values():
        assert len(r["runs"]) == len(result["seeds"])
        last = [h["test_accuracy"][-1] for h in r["runs"]]
        assert r["after_last"]["min"] == min(last) and r["after_last"]["max"] == max(last)
        assert r["after_last"]["mean"] == pytest.approx(sum(last) / len(last))
        first = [h["test_accuracy"][1] for h in r["runs"]]
        assert r["after_1"]["min"] == min(first) and r["after_1"]["max"] == max(first)
        assert len(r["runs"][0]["test_accuracy"]) == result["keras_epochs"] + 1
    # the runs of different seeds differ (different weights and batches), so a spread is shown
    runs = result["keras"][digits.SLIDES_SECOND]["runs"]
    assert runs[0]["loss"] != runs[1]["loss"]
    assert "300 images in batches of 32 are 30 steps" in out and "18,750 steps" in out
    # the slides give no accuracy figure, and the demo must not suggest one
    assert not re.search(r"slides'? (reach|get|achieve|score|obtain)", out)
    assert "no accuracy figure" in out


def test_split():
    pytest.importorskip("sklearn", reason="scikit-learn is not installed")
    X, y, X_test, y_test = digits.load(50, 20)
    assert len(X) == 50 and len(X_test) == 20 and len(X[0]) == 64
    assert all(0.0 <= v <= 1.0 for row in X for v in row)
    assert set(y) <= set(range(10))
    assert digits.load(50, 20) == (X, y, X_test, y_test)


def test_skips_without_sklearn(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name == "sklearn" or name.startswith("sklearn."):
            raise ImportError(f"No module named {name!r} (simulated)")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sklearn)
    result = digits.run(tmp_path, quick=True)
    assert result["skipped"] is True
    assert result["images"] == []
    assert "pip install" in capsys.readouterr().out
    assert not (tmp_path / "digits").exists()


def test_the_course_network_and_learning_rate():
    # TEACHING.md section 5: 64-30-15-10 (8x8 stand-in for 784-30-15-10), sigmoid + MSE + SGD with lr 0.8
    hand_count = (64 * 30 + 30) + (30 * 15 + 15) + (15 * 10 + 10)
    (sigmoid_name, (sigmoid, sgd, _)), (_, (relu, _, _)) = digits.models().items()
    assert sigmoid.num_parameters() == relu.num_parameters() == hand_count == 2575
    assert "sigmoid" in sigmoid_name and sgd.lr == 0.8


def test_squared_error_is_summed_over_outputs_and_averaged_over_the_batch():
    outputs = [[0.1] * 10, [0.5] * 10]
    labels = [3, 7]
    # by hand: sample 1: 9 * 0.1^2 + 0.9^2 = 0.9; sample 2: 9 * 0.5^2 + 0.5^2 = 2.5; mean over the 2 samples
    assert digits.squared_error(outputs, labels).data == pytest.approx((0.9 + 2.5) / 2, rel=1e-12)


def test_predictions_title_mentions_red_only_for_wrong_guesses():
    assert digits.predictions_title([1, 2, 3], [1, 2, 3]).endswith("(all right)")
    assert "red" not in digits.predictions_title([1, 2, 3], [1, 2, 3])
    assert digits.predictions_title([1, 2, 4], [1, 2, 3]).endswith("(1 wrong, in red)")


def test_fit_is_the_scalar_training_compiled():
    """fit() trains compiled; the scalar train() on the same settings gives the same history, and the
    held-out accuracy it reports is the scalar model's own."""
    pytest.importorskip("sklearn", reason="scikit-learn is not installed")
    data = digits.load(60, 30)
    model, optimizer = digits.keras_model()
    result = digits.fit(model, optimizer, "mse", data, epochs=2, batch_size=digits.KERAS_BATCH_SIZE)
    for name in ("loss", "accuracy", "val_loss"):
        assert len(result[name]) == 2  # one entry per epoch, for all four curves
    assert len(result["test_accuracy"]) == 3  # before training, then after each epoch
    reference, ref_opt = digits.keras_model()
    X, y, X_test, y_test = data
    history = train(
        reference, X, y, loss="mse", optimizer=ref_opt, epochs=2, batch_size=digits.KERAS_BATCH_SIZE,
        rng=random.Random(digits.SEED + 1), val=(X_test, y_test), metrics=accuracy, progress=False,
    )  # fmt: skip
    assert result["loss"] == pytest.approx(history.loss, rel=1e-9)
    assert result["val_loss"] == pytest.approx(history.val_loss, rel=1e-9)
    assert result["accuracy"] == history.accuracy
    with no_grad():
        held_out = accuracy([reference(x) for x in X_test], y_test)
    assert result["test_accuracy"][-1] == held_out


def write_idx(path, array, type_code=0x08):
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">HBB", 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.tobytes())


def write_mnist(folder):
    """Small IDX files in `folder` as MNIST names them: 40 training images, 10 held out, 28x28."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 50)
    images = rng.integers(0, 40, (50, 28, 28))
    images[np.arange(50), labels * 2 + 3, 5:20] = 255  # a bar whose row tells the digit: learnable
    write_idx(folder / "train-images-idx3-ubyte", images[:40])
    write_idx(folder / "train-labels-idx1-ubyte", labels[:40])
    write_idx(folder / "t10k-images-idx3-ubyte", images[40:])
    write_idx(folder / "t10k-labels-idx1-ubyte", labels[40:])


@pytest.mark.parametrize("folder_name, fashion", [("mnist", False), ("fashion-mnist", True)])
def test_mnist_files(tmp_path, capsys, folder_name, fashion):
    """--mnist DIR: the slides' 784-30-15-10 network on IDX files (here small ones written by the test);
    a folder named fashion... gets Fashion-MNIST's class names."""
    folder = tmp_path / folder_name
    folder.mkdir()
    write_mnist(folder)
    result = digits.main(["--quick", "--out", str(tmp_path / "out"), "--mnist", str(folder), "--seeds", "1"])
    out = capsys.readouterr().out
    assert result["n_train"] == 40 and result["n_test"] == 10
    assert result["seeds"] == (0,)
    assert list(result["class_names"]) == (FASHION if fashion else [str(d) for d in range(10)])
    assert ("Fashion-MNIST" in out) is fashion and ("Ankle boot" in out) is fashion
    model, _ = digits.keras_model(n_inputs=784)
    assert model.num_parameters() == (784 * 30 + 30) + (30 * 15 + 15) + (15 * 10 + 10)
    for r in result["keras"].values():
        assert len(r["runs"][0]["val_loss"]) == digits.QUICK_EPOCHS
    for path in result["images"]:
        check_image(path)


def test_the_slides_keras_models_start_as_keras_does():
    """Glorot-uniform weights U(-a, a), a = sqrt(6 / (fan_in + fan_out)), zero biases; Keras' Adam defaults."""
    (first_name, (first, sgd, first_loss)), (second_name, (second, adam, second_loss)) = digits.keras_models(
        seed=3, n_inputs=784
    ).items()
    assert [n.activation for n in (first.layers[0].neurons[0], first.layers[1].neurons[0])] == ["sigmoid"] * 2
    assert first.layers[2].neurons[0].activation == "sigmoid" and first_loss == "mse" and sgd.lr == 0.8
    assert [layer.neurons[0].activation for layer in second.layers] == ["relu", "relu", "linear"]
    assert second_loss == "cross_entropy"  # the softmax of Dense(10, softmax) is inside the loss
    assert (adam.lr, adam.betas, adam.eps) == (0.001, (0.9, 0.999), 1e-7)
    for model in (first, second):
        for fan_in, layer in zip([784, 30, 15], model.layers):
            fan_out = len(layer.neurons)
            a = math.sqrt(6 / (fan_in + fan_out))
            weights = [w.data for n in layer.neurons for w in n.w]
            assert len(weights) == fan_in * fan_out
            assert max(abs(w) for w in weights) <= a
            assert all(n.b.data == 0.0 for n in layer.neurons)
            if len(weights) > 1000:  # the first layer's 23,520 weights: uniform over (-a, a)
                assert max(weights) > 0.99 * a and min(weights) < -0.99 * a
                assert statistics.pstdev(weights) == pytest.approx(a / math.sqrt(3), rel=0.02)
    # the same seed gives both models the same weights; another seed other weights
    assert [w.data for w in first.parameters()] == [w.data for w in second.parameters()]
    other, _ = digits.keras_model(seed=4, n_inputs=784)
    assert [w.data for w in other.parameters()] != [w.data for w in first.parameters()]


def test_step_counts():
    # by hand: 1437 / 32 = 44.9, so 45 batches (the last of 29 images); 60,000 / 32 = 1,875
    assert digits.steps_per_epoch(1437, 32) == 45 and digits.steps_per_epoch(60_000, 32) == 1875
    assert digits.steps_per_epoch(64, 32) == 2
    text = digits.steps_sentence(1437, 10)
    assert "1,437 images in batches of 32 are 450 steps" in text and "are 18,750 steps (42 times as many)" in text
    assert digits.steps_sentence(60_000, 10) == (
        "10 epochs of 60,000 images in batches of 32 are 18,750 steps, as many as the slides' 10 epochs of MNIST."
    )


FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def test_fashion_mnist_is_told_by_the_folder_name_or_the_flag(tmp_path):
    for name, expected in [("fashion-mnist", True), ("Fashion_MNIST", True), ("mnist", False), ("data", False)]:
        assert digits.is_fashion(tmp_path / name) is expected
    assert digits.is_fashion(tmp_path / "mnist", fashion=True) is True
    assert digits.is_fashion(tmp_path / "fashion", fashion=False) is False
    assert list(digits.class_names(tmp_path / "fashion")) == FASHION  # Xiao, Rasul, Vollgraf 2017: labels 0..9
    assert list(digits.class_names(tmp_path / "mnist")) == [str(d) for d in range(10)]
    with pytest.raises(TypeError, match="fashion must be True, False or None"):
        digits.is_fashion(tmp_path, fashion="yes")


def test_fashion_flag_needs_mnist(capsys):
    with pytest.raises(SystemExit):
        digits.main(["--fashion"])
    assert "--mnist DIR" in capsys.readouterr().err


@pytest.mark.parametrize("text, seeds", [("3", (0, 1, 2)), ("0,4", (0, 4)), ("1", (0,))])
def test_seeds_option(text, seeds):
    assert digits._seeds(text) == seeds


@pytest.mark.parametrize("text", ["0", "-1", "a", "1,x"])
def test_seeds_option_refuses(text):
    with pytest.raises(Exception, match="--seeds takes"):
        digits._seeds(text)


def test_the_summary_is_the_docstrings_first_line():
    assert digits.SUMMARY == digits.__doc__.strip().splitlines()[0]


def test_a_german_run_computes_the_same_numbers_and_names_the_classes_in_german(tmp_path, capsys):
    folder = tmp_path / "fashion"
    folder.mkdir()
    write_mnist(folder)
    runs = {}
    for language in ("en", "de"):
        argv = ["--quick", "--out", str(tmp_path / language), "--mnist", str(folder), "--seeds", "1"]
        runs[language] = digits.main([*argv, "--lang", language]), " ".join(capsys.readouterr().out.split())
    (english, _), (german, text) = runs["en"], runs["de"]
    assert german["test_accuracy"] == english["test_accuracy"]  # keyed by the same English names
    for name, r in english["keras"].items():
        for key in ("loss", "accuracy", "val_loss", "test_accuracy"):
            assert german["keras"][name]["runs"][0][key] == r["runs"][0][key]
    assert "Stiefelette" in text and "Ankle boot" not in text and "Klassen 0-9 von Fashion-MNIST" in text
    for term in ("Epoche", "Lernrate", "Genauigkeit", "Trainingsverlust", "Startgewichte", "Bias-Gewichte"):
        assert term in text, term
    assert "60000 Trainingsbilder" in text  # a comma would read as the decimal sign


def test_the_german_sentences_and_titles():
    with using_language("de"):
        assert digits.steps_sentence(1437, 10) == (
            "10 Epochen mit 1437 Bildern in Batches zu 32 sind 450 Schritte; die 10 Epochen der Folien über die "
            "60000 Trainingsbilder von MNIST sind 18750 Schritte (42-mal so viele)."
        )
        assert digits.predictions_title([1, 2, 4], [1, 2, 3]).endswith("(1 falsch, in Rot)")
        assert digits.predictions_title([1], [1]).endswith("(alle richtig)")
        assert digits.shown(digits.SLIDES_FIRST) == "Sigmoid, MSE, SGD 0.8"  # the numbers as the demo prints them
        assert digits.shown("Ankle boot") == "Stiefelette" and digits.shown("7") == "7"


def test_the_german_help(capsys):
    with pytest.raises(SystemExit):
        digits.main(["--lang", "de", "--help"])
    text = capsys.readouterr().out
    assert "Handgeschriebene Ziffern" in text and "Seeds der Keras-Läufe" in text
    with pytest.raises(SystemExit):
        digits.main(["--lang", "de", "--seeds", "x"])
    assert "--seeds erwartet eine Anzahl (5) oder eine Liste (0,1,2), nicht 'x'" in capsys.readouterr().err

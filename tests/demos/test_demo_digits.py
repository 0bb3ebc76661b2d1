"""The digits demo: both networks learn (when scikit-learn is there) and it skips cleanly without it."""

import builtins
import random
import struct

import numpy as np
import pytest
from picture_checks import check_image

from autograd import no_grad
from demos import digits
from nn import accuracy, train

QUICK_ACCURACY = 0.6  # the ReLU / cross-entropy / Adam network in --quick mode (3 epochs on 300 images)


def test_quick_run(tmp_path):
    pytest.importorskip("sklearn", reason="scikit-learn is not installed (pip install -e '.[digits]')")
    result = digits.run(tmp_path, quick=True)
    assert result["skipped"] is False
    (sigmoid_name, sigmoid_acc), (relu_name, relu_acc) = result["test_accuracy"].items()
    assert "sigmoid" in sigmoid_name and "ReLU" in relu_name
    assert relu_acc > QUICK_ACCURACY
    assert relu_acc > sigmoid_acc
    assert sigmoid_acc > 0.15  # better than guessing one of 10 digits
    for path in result["images"]:
        check_image(path)


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


def test_mnist_files(tmp_path):
    """--mnist DIR: the slides' 784-30-15-10 network on IDX files (here small ones written by the test)."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "mnist"
    folder.mkdir()
    labels = rng.integers(0, 10, 50)
    images = rng.integers(0, 40, (50, 28, 28))
    images[np.arange(50), labels * 2 + 3, 5:20] = 255  # a bar whose row tells the digit: learnable
    write_idx(folder / "train-images-idx3-ubyte", images[:40])
    write_idx(folder / "train-labels-idx1-ubyte", labels[:40])
    write_idx(folder / "t10k-images-idx3-ubyte", images[40:])
    write_idx(folder / "t10k-labels-idx1-ubyte", labels[40:])
    result = digits.main(["--quick", "--out", str(tmp_path / "out"), "--mnist", str(folder)])
    assert result["n_train"] == 40 and result["n_test"] == 10
    model, _ = digits.keras_model(n_inputs=784)
    assert model.num_parameters() == (784 * 30 + 30) + (30 * 15 + 15) + (15 * 10 + 10)
    assert len(result["keras"]["val_loss"]) == digits.QUICK_EPOCHS
    for path in result["images"]:
        check_image(path)

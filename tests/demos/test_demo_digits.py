"""The digits demo: both networks learn (when scikit-learn is there) and it skips cleanly without it."""

import builtins

import pytest
from picture_checks import check_image

from demos import digits

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

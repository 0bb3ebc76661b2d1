"""The gradcheck demo: backprop agrees with central differences, whose error shrinks like eps^2."""

import pytest
from picture_checks import check_image

from demos import gradcheck


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return gradcheck.run(tmp_path_factory.mktemp("out"), quick=True)


def test_agreement(result):
    assert result["gradcheck"] is True
    assert result["n_params"] == 2 * 4 + 4 + 4 + 1  # 2-4-1 network
    assert result["fd_evaluations"] == 2 * result["n_params"]
    assert result["max_difference"] < 1e-8
    assert result["large_max_difference"] < 1e-7


def test_error_orders(result):
    central, forward = result["central_errors"], result["forward_errors"]
    # central differences: error ~ eps^2 -> a factor of ~100 per factor 10 in eps (while truncation dominates)
    assert 30 < central[1e-2] / central[1e-3] < 300
    # forward differences: error ~ eps -> a factor of ~10
    assert 3 < forward[1e-2] / forward[1e-3] < 30
    # and rounding wins for tiny eps
    assert central[1e-12] > central[1e-6]


def test_planted_bug_is_caught(result):
    assert result["bug_caught"] is not None
    assert "'x'" in result["bug_caught"]


def test_picture(result):
    for path in result["images"]:
        check_image(path)

"""The gradcheck demo: backprop agrees with central differences, whose error shrinks like eps^2."""

import math

import pytest
from picture_checks import check_image
from screen_checks import check_fits_screen

from autograd import GradcheckError, Value, analytic_gradient, dot, topological_order
from autograd import gradcheck as check
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


def test_the_planted_bug_is_a_wrong_slope_and_nothing_else():
    x = gradcheck.BuggySin(0.7, label="x")
    assert x.sin().data == pytest.approx(math.sin(0.7), rel=1e-15)  # the value is right
    assert analytic_gradient(lambda v: v.sin(), [x]) == pytest.approx([math.sin(0.7)])  # the slope is sin, not cos
    with pytest.raises(GradcheckError, match="'x'"):
        check(lambda v: v.sin(), [x])
    assert check(lambda v: v.sin() * v, [Value(0.7, label="x")])  # plain Values are not affected


def test_the_planted_bug_is_built_from_public_operations():
    """What the demo shows students: a wrong derivative planted with public operations alone."""
    x = gradcheck.BuggySin(0.7, label="x")
    y = x.sin()
    order = topological_order(y)
    assert [node.op for node in order] == ["", "-", "dot"]  # x, x - 0.7, dot([slope], [x - 0.7], sin 0.7)
    assert order[0] is x and all(type(node) is Value for node in order[1:])  # ordinary nodes after x
    # the same expression written out with a plain Value gives the same value and the same (wrong) slope
    plain = Value(0.7, label="x")
    by_hand = dot([math.sin(0.7)], [plain - 0.7], math.sin(0.7))
    y.backward()
    by_hand.backward()
    assert (y.data, x.grad) == (by_hand.data, plain.grad)


def test_picture(result):
    for path in result["images"]:
        check_image(path)


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=1)


def test_the_german_report_of_the_planted_bug_has_gradchecks_numbers(tmp_path, capsys):
    """gradcheck's refusal is English; the German narration says it again with the same two slopes."""
    english = gradcheck.run(tmp_path, quick=True, language="en")["bug_caught"]
    capsys.readouterr()
    gradcheck.run(tmp_path, quick=True, language="de")
    german = " ".join(capsys.readouterr().out.split())
    numbers = english.split("backprop gives ")[1].split(", central differences give ")
    backprop, central = numbers[0], numbers[1].split(" ")[0]
    assert f"Backpropagation liefert {backprop}, zentrale Differenzen liefern {central}" in german
    assert "disagrees" not in german

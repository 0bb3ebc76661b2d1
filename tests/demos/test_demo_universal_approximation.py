"""Three tanh units fit x^2, sin(pi x), |x| and the step; the dashed parts add up to the fit."""

import math

import pytest
from checks import png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from autograd import no_grad
from demos import universal_approximation as ua


def test_sample():
    xs = ua.sample()
    assert len(xs) == 50 and all(-1 < x < 1 for x in xs)
    assert xs == sorted(xs) == ua.sample()


def test_fits(tmp_path, capsys):
    result = ua.run(tmp_path, quick=True)
    # progress: one line per fitted function, with its final MSE, printed as it ends
    lines = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip().endswith("s")]
    fitted = {name: line for name in ua.TARGETS for line in lines if " ".join(line).startswith(name + " ")}
    assert set(fitted) == set(ua.TARGETS)
    for name, line in fitted.items():
        assert float(line[-2]) == pytest.approx(result["mse"][name], rel=1e-3)
    mse = result["mse"]
    assert set(mse) == set(ua.TARGETS)
    assert mse["x²"] < 0.005
    assert mse["sin(πx)"] < 0.005
    assert mse["|x|"] < 0.005
    assert mse["H(x) (Heaviside step)"] < 0.05  # a step is only approximated
    for path in result["images"]:
        check_image(path)
        width, height = png_size(path)
        assert width <= 1920 and height <= 1080, (path.name, width, height)  # a projector shows it whole
    check_fits_screen(tmp_path / "universal_approximation")


def test_hidden_contributions_add_up_to_the_output():
    xs = ua.sample()
    model, _ = ua.fit(xs, [math.sin(math.pi * x) for x in xs], steps=20)
    assert model.num_parameters() == (1 * 3 + 3) + (3 * 1 + 1)  # TEACHING.md section 9: 3 hidden units
    assert len(model.layers[0].neurons) == 3
    bias = model.layers[1].neurons[0].b.data
    for x in (-0.7, 0.0, 0.4):
        with no_grad():
            out = model([x]).data
        assert sum(ua.hidden_contributions(model, x)) + bias == pytest.approx(out, rel=1e-12)


def test_summary_is_the_first_line_of_the_docstring():
    assert ua.SUMMARY == ua.__doc__.splitlines()[0]


def test_in_german_the_names_are_shown_translated_and_the_results_keep_their_keys(tmp_path, capsys):
    result = ua.run(tmp_path, quick=True, language="de")
    out = capsys.readouterr().out
    assert "Universelle Approximation mit 3 tanh-Neuronen" in out and "MSE nach dem Training" in out
    assert "H(x) (Heaviside-Stufe)" in out and "Heaviside step" not in out
    assert set(result["mse"]) == set(ua.TARGETS)  # the English names, whatever the language shown

"""Newton's method against gradient descent: the demo's paths against hand-written derivatives and NumPy."""

import math

import numpy as np
import pytest
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import newton


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return newton.run(tmp_path_factory.mktemp("out"), quick=True)


def rosenbrock_gradient_and_hessian(x, y):
    """By hand: f = (1 - x)^2 + 100 (y - x^2)^2."""
    g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    h = np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])
    return g, h


def test_newton_in_one_dimension_is_x_minus_1_plus_2_e_to_the_minus_x(result):
    path = result["one_dimension"]["newton"]
    x = newton.START_1D
    for k in range(1, 6):
        x = x - (math.exp(x) - 2) / math.exp(x)  # x - f'/f'' with f' = e^x - 2, f'' = e^x
        assert path[k] == pytest.approx(x, rel=1e-14)
    errors = [abs(p - math.log(2)) for p in path[1:5]]
    for e, e_next in zip(errors, errors[1:]):
        assert e_next < 0.6 * e * e  # quadratic: e_{k+1} ~ (f'''/2f'') e_k^2 = e_k^2 / 2


def test_gradient_descent_in_one_dimension_and_the_step_counts(result):
    one = result["one_dimension"]
    x = newton.START_1D
    for k in range(1, 30):
        x = x - newton.LR_1D * (math.exp(x) - 2)
        assert one["descent"][k] == pytest.approx(x, rel=1e-13)
    first = lambda path: next(k for k, p in enumerate(path) if abs(p - math.log(2)) < newton.TOLERANCE)  # noqa: E731
    steps = list(one["steps"].values())
    assert steps == [first(one["newton"]), first(one["descent"])]
    assert steps[0] < steps[1]


def test_newton_on_rosenbrock_matches_numpy_newton(result):
    two = result["rosenbrock"]
    p = np.array(newton.ROSENBROCK_START)
    for k in range(1, len(two["newton"])):
        g, h = rosenbrock_gradient_and_hessian(*p)
        p = p - np.linalg.solve(h, g)
        assert two["newton"][k] == pytest.approx(tuple(p), rel=1e-9, abs=1e-12)
    assert math.dist(two["newton"][-1], (1.0, 1.0)) < 1e-12
    assert two["steps"]["Newton"] <= 7


def test_rosenbrock_hessian_at_the_minimum_and_gradient_descent(result):
    two = result["rosenbrock"]
    _, h = rosenbrock_gradient_and_hessian(1.0, 1.0)
    assert two["hessian_at_minimum"].tolist() == h.tolist() == [[802.0, -400.0], [-400.0, 200.0]]
    assert two["eigenvalues"] == pytest.approx(np.linalg.eigvalsh(h), rel=1e-12)
    assert newton.LR_ROSENBROCK < 2 / two["eigenvalues"][-1]  # the rate GD uses is below its limit there
    descent = two["descent"]
    p = np.array(newton.ROSENBROCK_START)
    for k in range(1, 50):
        g, _ = rosenbrock_gradient_and_hessian(*p)
        p = p - newton.LR_ROSENBROCK * g
        assert descent[k] == pytest.approx(tuple(p), rel=1e-12)
    assert len(descent) == newton.QUICK_GD_STEPS + 1  # not converged in the quick run
    assert two["steps"][f"gradient descent (lr {newton.LR_ROSENBROCK:g})"] is None


def test_newton_climbs_to_the_hump(result):
    hump = result["hump"]
    critical = sorted(np.roots([4.0, 0.0, -8.0, 1.0]).real)
    assert hump["end"] == pytest.approx(critical[1], abs=1e-12)  # the maximum between the two minima
    assert (
        hump["second_derivative"] == pytest.approx(3 * critical[1] ** 2 - 2, rel=1e-9) and hump["second_derivative"] < 0
    )


def test_pictures(result):
    assert [p.name for p in result["images"]] == ["newton_1d.png", "newton_rosenbrock.png"]
    for path in result["images"]:
        check_image(path)


def test_printed_numbers(tmp_path, capsys):
    newton.main(["--quick", "--out", str(tmp_path)])
    out = " ".join(capsys.readouterr().out.split())  # narration is wrapped: compare words
    assert "2 / 1001.6 = 0.00200" in out  # the rate limit from the eigenvalues of [[802, -400], [-400, 200]]
    lam = np.linalg.eigvalsh([[802.0, -400.0], [-400.0, 200.0]])
    assert f"eigenvalues {lam[0]:.4f} and {lam[1]:.1f}" in out
    assert "not within 3000" in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=2)


def test_the_summary_is_the_docstrings_first_line():
    assert newton.SUMMARY == newton.__doc__.strip().splitlines()[0]


def test_a_german_run_computes_the_same_numbers_and_speaks_the_course_terms(result, tmp_path, capsys):
    german = newton.run(tmp_path, quick=True, language="de")
    text = " ".join(capsys.readouterr().out.split())
    assert german["one_dimension"] == result["one_dimension"]  # the same paths, keyed by the same English names
    assert german["hump"] == result["hump"]
    for key in ("newton", "descent", "steps"):
        assert german["rosenbrock"][key] == result["rosenbrock"][key], key
    assert np.array_equal(german["rosenbrock"]["hessian_at_minimum"], result["rosenbrock"]["hessian_at_minimum"])
    for term in ("Newton-Verfahren", "Gradientenabstieg", "Lernrate", "Hesse-Matrix", "Krümmung", "nicht in 3000"):
        assert term in text, term

"""The delta rule (lecture notes, section 5; seed 001): dL/dw_ij = delta_j out_i, recomputed here in NumPy."""

import numpy as np
import pytest

from demos import delta_rule


@pytest.fixture(scope="module")
def result():
    return delta_rule.run(quick=True)


def loss_of(p, x, y):
    """L = 1/2 (y - NN(x))^2 of the 3-3-1 sigmoid network, in matrix form."""
    W, b, v, c = (np.array(p[k], dtype=float) for k in ("W", "b", "v", "c"))
    h = 1 / (1 + np.exp(-(W @ x + b)))
    o = 1 / (1 + np.exp(-(v @ h + c)))
    return 0.5 * (y - o) ** 2


def matrix_gradients(p, x, y):
    """The gradients in matrix form: delta_out, the hidden deltas as a vector, the weight gradients as outers."""
    W, b, v, c = (np.array(p[k], dtype=float) for k in ("W", "b", "v", "c"))
    h = 1 / (1 + np.exp(-(W @ x + b)))
    o = 1 / (1 + np.exp(-(v @ h + c)))
    delta_out = -(y - o) * o * (1 - o)
    delta = delta_out * v * h * (1 - h)
    return {"v": delta_out * h, "c": delta_out, "W": np.outer(delta, x), "b": delta, "deltas": delta}


def named(grads):
    """The matrix-form gradients under the demo's hand names (w_ij: input i to hidden j)."""
    out = {f"v{j + 1}": grads["v"][j] for j in range(3)}
    out["c"] = grads["c"]
    for j in range(3):
        for i in range(3):
            out[f"w{i + 1}{j + 1}"] = grads["W"][j, i]
        out[f"b{j + 1}"] = grads["b"][j]
    return out


def test_hand_and_backward_equal_the_matrix_form(result):
    x = np.array(delta_rule.X)
    expected = named(matrix_gradients(result["weights"], x, delta_rule.Y))
    assert set(result["engine_grads"]) == set(expected) == set(result["hand"]["grads"])  # 16 weights
    for name, value in expected.items():
        _, delta, _, out = result["hand"]["grads"][name]
        assert delta * out == pytest.approx(value, rel=1e-12, abs=1e-15), name
        assert result["engine_grads"][name] == pytest.approx(value, rel=1e-12, abs=1e-15), name
    assert result["hand"]["deltas"] == pytest.approx(list(matrix_gradients(result["weights"], x, 1.0)["deltas"]))
    assert result["largest_difference"] < 1e-15


def test_gradients_against_central_differences(result):
    p, x, eps = result["weights"], np.array(delta_rule.X), 1e-6
    for name, grad in result["engine_grads"].items():

        def shifted(step, name=name):
            q = {k: np.array(v, dtype=float) for k, v in p.items()}
            kind, index = name[0], name[1:]
            if kind == "v":
                q["v"][int(index) - 1] += step
            elif kind == "c":
                q["c"] = q["c"] + step
            elif kind == "w":
                q["W"][int(index[1]) - 1, int(index[0]) - 1] += step
            else:
                q["b"][int(index) - 1] += step
            return loss_of(q, x, delta_rule.Y)

        assert (shifted(eps) - shifted(-eps)) / (2 * eps) == pytest.approx(grad, rel=1e-6, abs=1e-10), name
    assert result["engine_loss"] == pytest.approx(loss_of(p, x, delta_rule.Y), rel=1e-14)


def test_the_update_is_minus_eta_delta_out(result):
    x = np.array(delta_rule.X)
    expected = named(matrix_gradients(result["weights"], x, delta_rule.Y))
    for name, grad in expected.items():
        assert result["update"][name] == pytest.approx(-delta_rule.ETA * grad, rel=1e-12, abs=1e-15)
        assert result["after_sgd"][name] == pytest.approx(result["before"][name] - delta_rule.ETA * grad, abs=1e-15)
    assert result["loss_after"] < result["hand"]["loss"]


def test_printed(capsys):
    delta_rule.main([])
    out = capsys.readouterr().out
    assert "dL/dw_ij = delta_j * out_i" in out
    assert "δ_out = (o - y) o (1 - o)" in out and "w32     δ2 · x3" in out


def test_summary_is_the_first_line_of_the_docstring():
    assert delta_rule.SUMMARY == delta_rule.__doc__.splitlines()[0]


def test_in_german_the_course_terms_and_the_same_numbers(result, capsys):
    german = delta_rule.run(language="de")
    out = capsys.readouterr().out
    for term in ("Die Deltaregel von Hand", "Fehlerterme", "Lernrate η = 0.5", "Gewicht", "Verlustfunktion"):
        assert term in out, term
    assert "δ_out = (o - y) o (1 - o)" in out and "w32      δ2 · x3" in out  # formulas and names as in English
    assert german["engine_grads"] == result["engine_grads"] and german["loss_after"] == result["loss_after"]

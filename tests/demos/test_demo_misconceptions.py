"""The misconceptions demo: each wrong engine's numbers worked out by hand, the right ones, gradcheck's verdicts."""

import pytest
from picture_checks import check_image

from demos import misconceptions as m

# The graph: e = a * b, d = e + b, f = d * e at a = 2, b = 3. By hand: e = 6, d = 9, f = 54,
# df/dd = e = 6, df/de = d + df/dd * 1 = 9 + 6 = 15, df/da = 15 * b = 45, df/db = 15 * a + df/dd = 30 + 6 = 36.
A, B = 2.0, 3.0
E, D = A * B, A * B + B
RIGHT = {"a": (D + E) * B, "b": (D + E) * A + E}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return m.run(tmp_path_factory.mktemp("out"), quick=True)


def rows(result):
    return {row["key"]: row for row in result["rows"]}


def test_the_right_gradients_are_the_hand_computed_ones(result):
    assert RIGHT == {"a": 45.0, "b": 36.0}
    for key in ("recursion", "assignment", "second_backward"):
        assert rows(result)[key]["right"] == pytest.approx(RIGHT, rel=1e-12)
        assert rows(result)[key]["gradcheck_right"] is True


def test_recursion_double_counts_through_the_shared_node(result):
    # Recursion from f: first f -> d (d.grad = e = 6), d -> e (e.grad = 6) and e passes 6 on: a += b*6, b += a*6;
    # d -> b: b += 6. Then f -> e: e.grad = 6 + d = 15, and e passes all 15 on again: a += b*15, b += a*15.
    a = B * 6 + B * 15
    b = A * 6 + 6 + A * 15
    row = rows(result)["recursion"]
    assert row["wrong"] == pytest.approx({"a": a, "b": b}, rel=1e-12)
    assert (a, b) == (63.0, 48.0)
    assert row["nodes"]["e"] == pytest.approx(15.0)  # e's own gradient is right; what it passed on was not
    assert row["gradcheck_wrong"] is False and "'a'" in row["gradcheck_message"]


def test_assignment_keeps_one_share(result):
    # Reverse topological order f, d, e: f sets d.grad = e = 6 and e.grad = d = 9; d then sets e.grad = 6
    # (overwriting 9) and b.grad = 6; e sets a.grad = b * 6 = 18 and b.grad = a * 6 = 12 (overwriting 6).
    row = rows(result)["assignment"]
    assert row["wrong"] == pytest.approx({"a": B * 6, "b": A * 6}, rel=1e-12)
    assert row["nodes"]["e"] == pytest.approx(6.0)
    assert row["gradcheck_wrong"] is False


def test_a_second_backward_on_an_adding_engine_passes_old_gradients_on(result):
    # The first pass is right: d = 6, e = 15, a = 45, b = 36. The second starts from these: f adds 6 to d (12)
    # and 9 to e (24); d adds its 12 to e (36) and to b (48); e adds b*36 = 108 to a and a*36 = 72 to b.
    row = rows(result)["second_backward"]
    assert row["wrong"] == pytest.approx({"a": 45 + B * 36, "b": 36 + 12 + A * 36}, rel=1e-12)
    assert (45 + B * 36, 36 + 12 + A * 36) == (153.0, 120.0)
    assert row["wrong"]["a"] not in (45.0, 90.0)  # neither one gradient nor the sum of two
    assert row["gradcheck_wrong"] is False


def test_no_zero_grad_uses_the_sum_of_all_gradients(result):
    row = rows(result)["no_zero_grad"]

    # Replayed here by hand: gradient of L = (f - T)^2 is 2 (f - T) * (df/da, df/db), df from the formulas above.
    def gradient(a, b):
        e, d = a * b, a * b + b
        f = d * e
        dfde = d + e
        return 2 * (f - m.TARGET) * dfde * b, 2 * (f - m.TARGET) * (dfde * a + e)

    a, b, sa, sb = A, B, 0.0, 0.0
    for _ in range(m.TRAINING_STEPS):
        ga, gb = gradient(a, b)
        sa, sb = sa + ga, sb + gb
        a, b = a - m.LEARNING_RATE * sa, b - m.LEARNING_RATE * sb
    ga, gb = gradient(a, b)
    assert row["point"] == pytest.approx({"a": a, "b": b}, rel=1e-9)
    assert row["wrong"] == pytest.approx({"a": sa + ga, "b": sb + gb}, rel=1e-9)
    assert row["right"] == pytest.approx({"a": ga, "b": gb}, rel=1e-9)
    assert row["gradcheck_wrong"] is False and row["gradcheck_right"] is True
    assert row["losses_wrong"][-1] > row["losses_wrong"][-2]  # it overshoots: the loss rises again
    assert row["losses_right"] == sorted(row["losses_right"], reverse=True)


def test_every_mistake_says_why(result):
    for row in result["rows"]:
        assert row["why"].endswith(".") and len(row["why"].split(".")) == 2  # one sentence


def test_the_engine_is_untouched_by_the_wrong_engines():
    nodes = m.build()
    nodes["f"].backward()
    assert {k: nodes[k].grad for k in "ab"} == pytest.approx(RIGHT)


def test_pictures(result):
    assert len(result["images"]) == 5
    for path in result["images"]:
        check_image(path)


def test_the_widget_view_has_a_tab_per_mistake():
    pytest.importorskip("ipywidgets", reason="the view needs the live extra")
    tab = m.view()
    assert len(tab.children) == 4
    assert "<svg" in tab.children[0].value and "gradcheck" in tab.children[0].value
    data, _ = tab._repr_mimebundle_()  # where no widget front end runs: all four pages, and one line
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/html"].count("<h3>") == 4 and "\n" not in data["text/plain"]


def test_help_speaks_the_language_of_lang(capsys):
    from autograd.language import Domain

    for language, usage in (
        ("de", "Aufruf: python -m demos.misconceptions"),
        ("en", "usage: python -m demos.misconceptions"),
    ):
        with pytest.raises(SystemExit):
            m.main(["--lang", language, "--help"])
        out = " ".join(capsys.readouterr().out.split())
        summary = Domain("demos").gettext(m.SUMMARY, language)
        assert out.startswith(usage) and " ".join(summary.split()) in out, out
    assert Domain("demos").gettext(m.SUMMARY, "de") != m.SUMMARY

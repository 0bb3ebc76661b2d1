"""check_answers: verdicts on right, close, wrong, unreadable and missing answers, with the lecture's hints.

The expected numbers are worked out by hand for f = ((a + b) * (c + d))^2 at a, b, c, d = 1, 2, 3, 4 (the
chain-rule example of the lecture): g = 3, h = 7, i = 21, f = 441; df/di = 2i = 42, df/dg = 42 * h = 294,
df/dh = 42 * g = 126, df/da = df/db = 294, df/dc = df/dd = 126.
"""

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.widgets import DEFAULT_TOLERANCE, Verdicts, check_answers

GRADS = {"a": 294, "b": 294, "g": 294, "c": 126, "d": 126, "h": 126, "i": 42, "f": 1}
DATA = {"a": 1, "b": 2, "g": 3, "c": 3, "d": 4, "h": 7, "i": 21, "f": 441}


def chain_rule():
    a, b, c, d = (Value(x, label=k) for k, x in zip("abcd", (1.0, 2.0, 3.0, 4.0)))
    g, h = a + b, c + d
    i = g * h
    f = i**2
    for node, name in ((g, "g"), (h, "h"), (i, "i"), (f, "f")):
        node.label = name
    return f


def shared():
    """e = a * b used twice: f = (e + b) * e; df/de = (e + b) + e = 15 at a, b = 2, 3."""
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    e = a * b
    e.label = "e"
    d = e + b
    d.label = "d"
    f = d * e
    f.label = "f"
    return f


def test_all_right():
    verdicts = check_answers(chain_rule(), GRADS)
    assert isinstance(verdicts, Verdicts)
    assert [v.status for v in verdicts] == ["right"] * 8
    assert verdicts.score == (8, 8)
    assert verdicts["g"].expected == 294.0


def test_the_forward_values():
    verdicts = check_answers(chain_rule(), DATA, quantity="data")
    assert verdicts.score == (8, 8)
    wrong = check_answers(chain_rule(), {"g": 4}, quantity="data")["g"]
    assert wrong.status == "wrong" and "g = a + b" in wrong.message


def test_text_answers_and_a_decimal_comma_are_read():
    verdicts = check_answers(chain_rule(), {"a": " 294 ", "c": "126,0", "i": "4.2e1", "f": "1"})
    assert [verdicts[k].status for k in "acif"] == ["right"] * 4


def test_within_the_tolerance_is_right_and_just_outside_is_close():
    root = chain_rule()
    inside = 294 * (1 + 0.9 * DEFAULT_TOLERANCE)
    outside = 294 * (1 + 2 * DEFAULT_TOLERANCE)
    far = 294 * (1 + 20 * DEFAULT_TOLERANCE)
    verdicts = check_answers(root, {"a": inside, "b": outside, "g": far})
    assert verdicts["a"].status == "right"
    assert verdicts["b"].status == "close" and "rounded too early" in verdicts["b"].message
    assert verdicts["g"].status == "wrong"
    assert check_answers(root, {"b": outside}, tolerance=0.05)["b"].status == "right"
    exact = check_answers(root, {"a": 294, "b": 294.0001}, tolerance=0)
    assert exact["a"].status == "right" and exact["b"].status == "wrong"


def test_wrong_answers_get_the_lectures_hint():
    verdicts = check_answers(chain_rule(), {"g": 42, "a": 7, "i": -42})
    # 42 is df/di, the upstream gradient alone
    assert verdicts["g"].status == "wrong"
    assert "df/dg = ∂i/∂g (local) × df/di (upstream)" in verdicts["g"].message
    assert "upstream gradient df/di alone; multiply it by the local derivative ∂i/∂g" in verdicts["g"].message
    assert "df/da = ∂g/∂a (local) × df/dg (upstream)" in verdicts["a"].message
    assert "the sign is wrong" in verdicts["i"].message


def test_a_node_used_twice_needs_both_shares():
    root = shared()
    # the two shares of df/de: through d (df/dd * 1 = e = 6) and directly (d = 9); the sum is 15
    one_share = check_answers(root, {"e": 9})["e"]
    assert one_share.status == "wrong"
    assert "used by d and f: add the shares of all its edges (+=)" in one_share.message
    assert "df/de = ∂f/∂e (local) × df/df (upstream) + ∂d/∂e (local) × df/dd (upstream)" in one_share.message
    assert check_answers(root, {"e": 15})["e"].right
    doubled = check_answers(root, {"a": 90})["a"]
    assert "twice the gradient" in doubled.message


def test_missing_and_unreadable_answers():
    verdicts = check_answers(chain_rule(), {"a": "294", "b": "two hundred", "c": None, "d": ""})
    assert verdicts["a"].status == "right"
    assert verdicts["b"].status == "unreadable" and "'two hundred' is not a number" in verdicts["b"].message
    assert [verdicts[k].status for k in "cdghif"] == ["missing"] * 6
    assert verdicts.score == (1, 8)


def test_the_seed_and_the_leaves_hints():
    f = chain_rule()
    assert "the seed of the backward pass: df/df = 1" in check_answers(f, {"f": 2})["f"].message
    assert "a is an input: its value is given (1)" in check_answers(f, {"a": 5}, quantity="data")["a"].message


def test_unlabelled_nodes_are_named_as_in_the_pictures():
    x = Value(3.0, label="x")
    y = x * x + x  # v1 = x * x, y = v1 + x: dy/dx = 2x + 1 = 7
    names = [v.name for v in check_answers(y, {})]
    assert names[0] == "x" and all(name.startswith("v") for name in names[1:])
    assert check_answers(y, {"x": 7})["x"].right


def test_the_graph_is_not_changed():
    f = chain_rule()
    check_answers(f, GRADS)
    assert f.grad == 0.0


def test_repr_and_html():
    verdicts = check_answers(chain_rule(), {"a": 294, "b": 1})
    text = repr(verdicts)
    assert text.splitlines()[0] == "1 of 8 right (tolerance 0.5 % relative)"
    assert "RIGHT" in text and "WRONG" in text and "MISSING" in text
    page = verdicts._repr_html_()
    assert page.count("<tr>") == 9 and "wrong" in page and "&lt;" not in text


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"answers": {"z": 1}}, ValueError, r"answers name \['z'\], not nodes of the graph"),
        ({"answers": [1, 2]}, TypeError, "answers must be a dict"),
        ({"answers": {}, "tolerance": 1.5}, ValueError, "tolerance must be a relative tolerance"),
        ({"answers": {}, "tolerance": True}, ValueError, "tolerance must be"),
        ({"answers": {}, "quantity": "grads"}, ValueError, "quantity must be 'grad'"),
    ],
)
def test_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        check_answers(chain_rule(), **kwargs)


def test_a_non_value_root_is_refused():
    with pytest.raises(TypeError, match="check_answers"):
        check_answers(3.0, {})


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False))
def test_right_is_exactly_within_the_stated_tolerance(x, y):
    a, b = Value(x, label="a"), Value(y, label="b")
    f = a * b  # df/da = y
    answer = y * (1 + DEFAULT_TOLERANCE / 2)
    assert check_answers(f, {"a": answer})["a"].right
    if abs(y) > 1e-6:
        assert not check_answers(f, {"a": y * (1 + 3 * DEFAULT_TOLERANCE)})["a"].right


def test_checking_needs_no_anywidget():
    code = (
        "import sys; sys.modules['anywidget'] = None\n"  # an import of anywidget now fails
        "from autograd import Value\n"
        "from autograd.widgets import check_answers\n"
        "a = Value(2.0, label='a'); f = a * a; f.label = 'f'\n"
        "print(check_answers(f, {'a': 4}).score)\n"
        "import autograd.widgets as w\n"
        "try:\n    w.Stepper\nexcept ImportError as exc:\n    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "(1, 2)"
    assert lines[1].startswith("autograd.widgets.Stepper needs anywidget, not installed")
    assert 'pip install -e ".[live]"' in lines[1]


def test_the_verdicts_in_german():
    f = chain_rule()
    verdicts = check_answers(f, {"g": 42, "h": "7", "i": "viel"}, language="de")
    text = repr(verdicts)
    assert "von 8 richtig (Toleranz 0.5 % relativ)" in text
    assert "FALSCH" in text and "(lokal) × df/di (eingehend)" in text and "'viel' ist keine Zahl" in text
    for english in (" the ", " and ", " of ", " is ", "right", "wrong", "number", "answer"):
        assert english not in text and english not in verdicts._repr_html_(), english
    from autograd.language import using_language

    with using_language("de"):
        assert check_answers(f, {}).summary().startswith("0 von 8 richtig")
    english = repr(check_answers(f, {"g": 42}, language="en"))
    assert "0 of 8 right (tolerance 0.5 % relative)" in english and "WRONG" in english

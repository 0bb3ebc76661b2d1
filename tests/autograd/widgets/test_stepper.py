"""The stepper's state (traitlets) after next / back / a click / an edit / answers, and its static fallback.

Numbers are worked out by hand for f = ((a + b) * (c + d))^2 at 1, 2, 3, 4 (see test_exercise.py): g = 3,
h = 7, i = 21, f = 441, df/di = 42, df/dg = 294, df/dh = 126.
"""

import pytest

pytest.importorskip("anywidget", reason="the stepper needs the live extra (anywidget)")

from test_exercise import chain_rule  # noqa: E402

from autograd import Value, backward_steps, forward_steps, lecture_steps  # noqa: E402
from autograd.widgets import Stepper  # noqa: E402
from autograd.widgets.stepper import hidden_numbers  # noqa: E402


def nodes_of(f):
    from autograd import topological_order

    return {node.label: node for node in topological_order(f)}


@pytest.mark.parametrize("mode", ["backward", "forward", "lecture"])
def test_the_frames_are_those_of_the_pictures(mode):
    f = chain_rule()
    stepper = Stepper(f, mode=mode)
    frames = {
        "backward": lambda: backward_steps(f),
        "forward": lambda: forward_steps(f, nodes_of(f)["a"]),
        "lecture": lambda: lecture_steps(f),
    }[mode]()
    assert stepper.frame_count == len(frames)
    assert stepper.titles == [frame.step_title for frame in frames]
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg for svg in stepper.svgs)
    for svg, frame in zip(stepper.svgs, frames):
        assert frame.step_title.split(":")[0] in svg  # each picture carries its own frame's title


def test_next_and_back_stay_within_the_frames():
    stepper = Stepper(chain_rule(), mode="backward")  # the seed, then f, i, h, g pass theirs on
    assert stepper.frame == 0 and stepper.frame_count == 5
    stepper.next()
    stepper.next()
    assert stepper.frame == 2
    stepper.previous()
    assert stepper.frame == 1
    for _ in range(10):
        stepper.next()
    assert stepper.frame == 4
    stepper.frame = -3  # the page may send anything: it is clamped
    assert stepper.frame == 0


def test_a_click_on_a_node_shows_value_locals_and_contributions():
    stepper = Stepper(chain_rule(), mode="backward")
    stepper.selected = 6  # i = g * h (topological order a, b, g, c, d, h, i, f)
    details = stepper.details
    assert (details["name"], details["formula"], details["value"]) == ("i", "g * h", "21")
    assert details["number"] == "?"  # frame 0: only the seed df/df is known
    stepper.frame = 2  # f and then i have passed their gradients on
    details = stepper.details
    assert details["number_name"] == "df/di" and details["number"] == "42"
    edges = {e["input"]: e for e in details["edges"]}
    assert (edges["g"]["local_name"], edges["g"]["local"]) == ("∂i/∂g", "7")  # di/dg = h
    assert (edges["g"]["upstream"], edges["g"]["contribution"]) == ("42", "294")  # 7 x 42
    assert (edges["h"]["local"], edges["h"]["contribution"]) == ("3", "126")  # g x 42


def test_forward_mode_details_use_the_inputs_tangents():
    f = chain_rule()
    stepper = Stepper(f, mode="forward", wrt=nodes_of(f)["c"])
    stepper.frame = stepper.frame_count - 1
    stepper.selected = 6
    edges = {e["input"]: e for e in stepper.details["edges"]}
    assert stepper.details["number_name"] == "di/dc" and stepper.details["number"] == "3"  # di/dc = g
    assert (edges["h"]["upstream_name"], edges["h"]["upstream"], edges["h"]["contribution"]) == ("dh/dc", "1", "3")


def test_editing_an_input_recomputes_values_and_gradients():
    f = chain_rule()
    stepper = Stepper(f, mode="lecture")
    stepper.set_input("a", 2)  # g = 4, i = 28, f = 784, df/di = 56, df/da = 56 * 7 = 392
    root = stepper.root
    assert root is not f and f.data == 441.0  # the graph given is not changed
    assert root.data == 784.0
    assert [leaf["value"] for leaf in stepper.leaves] == [2.0, 2.0, 3.0, 4.0]
    stepper.frame = stepper.frame_count - 1
    stepper.selected = 0
    assert stepper.details["number"] == "392"
    assert "data 784" in stepper.svgs[-1]


def test_an_edit_that_cannot_be_computed_is_refused_and_the_graph_kept():
    x = Value(2.0, label="x")
    y = x.log()
    y.label = "y"
    stepper = Stepper(y, mode="backward")
    stepper.leaf_values = {"x": -1}
    assert "cannot compute the graph" in stepper.message and stepper.root is y
    stepper.leaf_values = {"x": "nan"}
    assert "must be a finite number" in stepper.message
    stepper.leaf_values = {"z": 1}
    assert "'z' is not an input" in stepper.message
    stepper.leaf_values = {"x": 4}
    assert stepper.message == "" and stepper.root.data == pytest.approx(1.3862943611198906)


def test_exercise_hides_the_numbers_not_reached_and_checks_answers():
    f = chain_rule()
    stepper = Stepper(f, mode="lecture", exercise=True)
    frames = lecture_steps(f, hide_unknown=True)
    assert stepper.hidden == [sorted(hidden_numbers(frame).items()) for frame in frames]
    first = dict(stepper.hidden[0])
    assert first[0] == ["grad"] and first[2] == ["data", "grad"]  # a's value is given, g's is not
    assert stepper.hidden[-1] == []  # the last frame shows everything
    stepper.answers = {"data:g": "3", "grad:g": "42", "grad:i": "42.5", "grad:a": ""}
    fb = stepper.feedback
    assert fb["data:g"]["status"] == "right"
    assert fb["grad:g"]["status"] == "wrong" and "∂i/∂g (local) × df/di (upstream)" in fb["grad:g"]["message"]
    assert fb["grad:i"]["status"] == "close"
    assert "grad:a" not in fb  # an empty field is no answer
    assert stepper.score == {"right": 1, "tried": 3}
    stepper.answers = {**stepper.answers, "grad:g": "294"}
    assert stepper.score == {"right": 2, "tried": 3}


def test_show_reveals_every_hidden_number():
    stepper = Stepper(chain_rule(), mode="lecture", exercise=True)
    assert stepper.revealed == {}
    stepper.shown = True
    assert stepper.revealed["grad:g"] == "294" and stepper.revealed["data:f"] == "441"
    assert stepper.revealed["grad:a"] == "294" and "data:a" not in stepper.revealed  # inputs are given
    stepper.shown = False
    assert stepper.revealed == {}


def test_without_a_widget_front_end_a_picture_and_one_line():
    stepper = Stepper(chain_rule(), mode="backward")
    stepper.next()
    data, _ = stepper._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["image/svg+xml"] == stepper.svgs[1]
    text = data["text/plain"]
    assert "\n" not in text and "frame 2 of 5" in text and "live" in text
    assert repr(stepper) == text


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"mode": "sideways"}, ValueError, r"mode must be one of \['backward', 'forward', 'lecture'\]"),
        ({"exercise": "no"}, TypeError, "exercise must be True or False"),
        ({"tolerance": 2}, ValueError, "tolerance must be"),
        ({"interval_ms": 0}, ValueError, "interval_ms"),
        ({"wrt": Value(1.0)}, ValueError, "wrt is for mode='forward'"),
        ({"mode": "forward", "wrt": Value(1.0)}, ValueError, "wrt must be a Value of the graph"),
    ],
)
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        Stepper(chain_rule(), **kwargs)


def test_a_root_that_is_no_value():
    with pytest.raises(TypeError, match="Stepper"):
        Stepper(3.0)


def test_in_german_the_page_texts_the_verdicts_and_the_line_are_german():
    from autograd.widgets.stepper import PAGE_TEXTS

    stepper = Stepper(chain_rule(), mode="lecture", exercise=True, language="de")
    assert stepper.language == "de" and set(stepper.texts) == set(PAGE_TEXTS)
    assert stepper.texts["next"] == "weiter ▶" and stepper.texts["show"] == "Lösungen zeigen"
    assert stepper.texts["counter"] == "Bild {frame} von {count}"
    assert all(stepper.texts[key] != english for key, english in PAGE_TEXTS.items() if key not in ("local",))
    stepper.answers = {"data:h": "7", "grad:g": "42"}
    assert stepper.feedback["data:h"]["message"] == "richtig: 7"
    assert stepper.feedback["grad:g"]["message"].startswith("falsch: df/dg = ∂i/∂g (lokal) × df/di (eingehend)")
    stepper.set_input("a", "viel")
    assert stepper.message == "der Wert von a muss eine endliche Zahl sein, nicht 'viel'"
    assert repr(stepper).startswith("<Stepper: Einzelbilder (lecture) von 'f', Bild 1 von ")
    english = Stepper(chain_rule(), language="en")
    assert english.texts == dict(PAGE_TEXTS) and "frames of 'f', frame 1 of" in repr(english)


def test_a_german_stepper_draws_german_frames():
    pytest.importorskip("anywidget", reason="anywidget is not installed (the live extra)")
    from autograd import Value
    from autograd.widgets import Stepper

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    f = a * b
    f.label = "f"
    german, english = Stepper(f, language="de"), Stepper(f, language="en")
    assert german.titles[1].startswith("Schritt 1 von 1") and "Kettenregel" in german.titles[1]
    assert english.titles[1].startswith("Step 1 of 1") and "upstream" in english.titles[1]

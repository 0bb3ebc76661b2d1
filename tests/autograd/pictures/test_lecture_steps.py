"""Lecture mode (autograd.lecture_steps): the chain-rule graph filled in one number per frame.

The expected values, gradients and their order come from the lecture notes,
section 1 (the chain-rule table) and from the graph's structure (a gradient
is complete once every user of the node has passed its share on), never
from the code under test.
"""

import re
import subprocess

import pytest
from checks import TABLE, check_message, course_example, needs_dot
from dot_parsing import boxes, edge_label, edges
from test_steps import reused_node_graph

from autograd import Value, backward_steps, forward_steps, lecture_steps, save_steps, topological_order


def cells(frame) -> dict:
    """{label: (data cell, grad cell)} of a frame, tags stripped."""
    return {found[0]: (found[1], found[2]) for found in boxes(frame.source).values()}


def visible_numbers(frame) -> dict:
    """{(label, "data" or "grad"): number shown, or "?"}."""
    out = {}
    for label, (data, grad) in cells(frame).items():
        out[label, "data"] = data.removeprefix("data ")
        out[label, "grad"] = grad.removeprefix("grad ")
    return out


def crimson_cells(frame) -> list:
    """The (label, cell) of the numbers drawn crimson and bold: the number the frame adds."""
    found = []
    for line in frame.source.splitlines():
        label = re.search(r"<TD><B>(\w+)</B></TD>", line)
        for cell in re.findall(r'<FONT COLOR="#c2255c"><B>(data|grad) ', line):
            found.append((label.group(1), cell))
    return found


COMPUTED = ["g", "h", "i", "f"]  # the forward pass of section 1, in the order it is written


def test_lecture_frames_of_the_chain_rule_example():
    n = course_example()
    frames = lecture_steps(n["f"])
    # frame 0 gives the inputs; then one frame per computed value (4), one per gradient (8)
    assert len(frames) == 1 + 4 + 8
    assert frames[0].step_kind == "lecture"
    assert frames[0].step_title.startswith("Given: a = 1, b = 2, c = 3, d = 4")
    # forward values first, in topological order, each with the numbers of the table
    for frame, label in zip(frames[1:5], COMPUTED):
        assert crimson_cells(frame) == [(label, "data")]
        assert f"forward: {label} = " in frame.step_title
        assert frame.step_title.endswith(f"= {TABLE[label][0]}")
    assert "g = a + b = 1 + 2 = 3" in frames[1].step_title
    assert "i = g · h = 3 · 7 = 21" in frames[3].step_title  # mathematics, not Python: · and a superscript
    assert "f = i² = 21² = 441" in frames[4].step_title
    # then the gradients, each once, starting with the seed at f
    order = [crimson_cells(frame) for frame in frames[5:]]
    assert all(len(found) == 1 and found[0][1] == "grad" for found in order)
    grads = [found[0][0] for found in order]
    assert sorted(grads) == sorted(TABLE) and grads[:2] == ["f", "i"]
    # backprop order: a node's gradient comes after the gradients of all its users
    users = {label: set() for label in TABLE}
    for node in topological_order(n["f"]):
        for parent in node.parents:
            users[parent.label].add(node.label)
    for k, label in enumerate(grads):
        assert users[label] <= set(grads[:k]), (label, grads[:k])
    for frame, label in zip(frames[5:], grads):
        assert frame.step_title.endswith(f"= {TABLE[label][1]}")
        assert visible_numbers(frame)[label, "grad"] == str(TABLE[label][1])
    # ∂: local; each local derivative in its formula (the operation's record), then in numbers
    assert "df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = 294" in frames[5 + grads.index("g")].step_title
    assert frames[5 + grads.index("i")].step_title.endswith("df/di = 2 · i = 2 · 21 = 42")  # the slide's 2 · 21
    # the edge that carries g's gradient says local × upstream = contribution
    g_frame = frames[5 + grads.index("g")]
    assert [edge_label(a) for _, _, a in edges(g_frame.source) if edge_label(a)] == ["7 × 42 = 294"]
    # the last frame holds every number of the table
    assert visible_numbers(frames[-1]) == {
        (label, cell): str(number) for label, row in TABLE.items() for cell, number in zip(("data", "grad"), row)
    }


def test_lecture_frames_add_one_number_each_and_hide_the_rest():
    frames = lecture_steps(course_example()["f"], hide_unknown=True)
    unknown = [sum(number == "?" for number in visible_numbers(frame).values()) for frame in frames]
    # frame 0: the values of g, h, i, f and all 8 gradients are still to be worked out
    assert unknown == list(range(12, -1, -1))
    assert visible_numbers(frames[0])["a", "data"] == "1" and visible_numbers(frames[0])["g", "data"] == "?"
    for before, after in zip(frames, frames[1:]):
        old, new = visible_numbers(before), visible_numbers(after)
        assert [key for key in new if old[key] != new[key]] == [key for key in new if old[key] == "?" != new[key]]
        assert sum(old[key] != new[key] for key in new) == 1


def test_lecture_frames_leave_out_what_is_not_reached():
    frames = lecture_steps(course_example()["f"])
    final = {(label, cell): str(number) for label, row in TABLE.items() for cell, number in zip(("data", "grad"), row)}
    shown = [sum(number != cell for (_, cell), number in visible_numbers(frame).items()) for frame in frames]
    assert shown == list(range(4, 4 + 13))  # the 4 inputs' values, then one number more per frame, nothing else
    for frame in frames:
        assert all(number in (cell, final[label, cell]) for (label, cell), number in visible_numbers(frame).items())
    assert "441" not in "".join(texts for label in cells(frames[0]).values() for texts in label)  # no pale answers
    assert visible_numbers(frames[-1]) == final


def test_question_frames_ask_before_each_answer():
    frames = lecture_steps(course_example()["f"], hide_unknown=True, questions=True)
    plain = lecture_steps(course_example()["f"], hide_unknown=True)
    # a question before each of the 4 values and 7 gradients (the seed df/df = 1 is given)
    assert len(frames) == 1 + 2 * 4 + 1 + 2 * 7
    answers = [frame for frame in frames if not frame.step_title.startswith("Question")]
    assert [frame.step_title for frame in answers] == [frame.step_title for frame in plain]
    assert [frame.source for frame in answers] == [frame.source for frame in plain]
    for question, answer in zip(frames, frames[1:]):
        if not question.step_title.startswith("Question"):
            continue
        asked = question.step_title.split(": ", 1)[1]
        assert asked.endswith("= ?") and answer.step_title.endswith(asked[:-1] + answer.step_title.split(" = ")[-1])
        ((label, cell),) = crimson_cells(answer)
        assert visible_numbers(question)[label, cell] == "?"  # the node asked for, highlighted, its number a "?"
        assert f'<FONT COLOR="#c2255c"><B>{cell} ?</B></FONT>' in question.source
        assert 'BORDER="3"' in [line for line in question.source.splitlines() if f"<B>{label}</B>" in line][0]
        # nothing else changed between the question and its answer
        assert sum(a != b for a, b in zip(visible_numbers(question).values(), visible_numbers(answer).values())) == 1
    assert "Question 7 of 12, backward: df/dg = df/di · ∂i/∂g = 42 · h = 42 · 7 = ?" in [f.step_title for f in frames]


def test_titles_are_written_as_mathematics():
    x = Value(-1.5, label="x")
    y = x**2
    y.label = "y"
    z = y * -3.0 - x
    z.label = "z"
    titles = [frame.step_title for frame in lecture_steps(z)]
    assert "y = x² = (−1.5)² = 2.25" in titles[1]  # Python's -1.5 ** 2 would be -2.25; − is the minus sign
    assert "= y · (−3) = 2.25 · (−3) = −6.75" in titles[2]
    assert "z = v2 − x = (−6.75) − (−1.5) = −5.25" in titles[3]
    # backward: dz/dv2 = 1, dz/dy = 1 · (−3), dz/dx = ∂z/∂x + dz/dy · 2x = −1 + (−3) · 2 · (−1.5) = 8
    assert titles[-1].endswith("dz/dx = ∂z/∂x + dz/dy · ∂y/∂x = −1 + (−3) · 2 · x = −1 + (−3) · 2 · (−1.5) = 8")
    assert not any(re.search(r"\d-|-\d| - ", title) for title in titles), titles  # no hyphen as a minus


def test_lecture_mode_with_a_reused_node_waits_for_every_share():
    z = reused_node_graph()
    frames = lecture_steps(z, hide_unknown=True)
    assert len(frames) == 1 + 2 + 3
    titles = [frame.step_title for frame in frames]
    # dz/dx = dz/dz · 1 + dz/dy · x + dz/dy · x = 1 + 3 + 3 = 7 = 2x + 1, shown once, when complete
    assert titles[-1].endswith("= 7") and "dz/dx" in titles[-1]
    assert titles[-1].count(" + ") >= 2
    assert visible_numbers(frames[-2])["x", "grad"] == "?"


def test_lecture_steps_leave_grads_alone():
    n = course_example()
    for k, node in enumerate(topological_order(n["f"])):
        node.grad = 10.0 + k
    lecture_steps(n["f"])
    assert [node.grad for node in topological_order(n["f"])] == [10.0 + k for k in range(8)]


@pytest.mark.parametrize(
    "kwargs, error, parts",
    [
        ({"hide_unknown": "yes"}, TypeError, ["lecture_steps", "hide_unknown", "'yes'"]),
        ({"hide_unknown": 2}, TypeError, ["lecture_steps", "hide_unknown", "int 2"]),  # 1 and 0 are flags
        ({"max_steps": 5}, ValueError, ["lecture_steps", "max_steps=5", "12"]),
        ({"max_steps": -1}, ValueError, ["lecture_steps", "max_steps", "-1"]),
        ({"colour": "red"}, TypeError, ["lecture_steps", "colour"]),
    ],
)
def test_lecture_steps_refuse_bad_arguments(kwargs, error, parts):
    with pytest.raises(error) as info:
        lecture_steps(course_example()["f"], **kwargs)
    check_message(info, *parts)


def test_lecture_steps_refuse_a_non_value():
    with pytest.raises(TypeError) as info:
        lecture_steps(3.0)
    check_message(info, "lecture_steps", "float")


@needs_dot
def test_save_steps_writes_lecture_frames(tmp_path):
    saved = save_steps(lecture_steps(course_example()["f"], hide_unknown=True), tmp_path)
    assert [p.name for p in saved["frames"]] == [f"lecture_step_{k:03d}.png" for k in range(13)]
    assert saved["html"].name == "lecture_steps.html"
    assert saved["html"].read_text(encoding="utf-8").count('class="frame"') == 13


def laid_out(frame) -> dict:
    """dot's own layout of a frame (`dot -Tplain`): {node: (x, y, width, height)} and the drawing's size."""
    plain = subprocess.run(["dot", "-Tplain"], input=frame.source.encode(), capture_output=True, check=True)
    assert not plain.stderr, plain.stderr  # no label dot could not read
    found = {}
    for line in plain.stdout.decode().splitlines():
        fields = line.split()
        if fields[0] == "graph":
            found["size"] = tuple(fields[2:4])
        elif fields[0] == "node":
            found[fields[1]] = tuple(fields[2:6])
    return found


@needs_dot
@pytest.mark.parametrize(
    "make",
    [
        lambda n: lecture_steps(n["f"]),
        lambda n: lecture_steps(n["f"], hide_unknown=True, questions=True, rankdir="TB"),
        lambda n: backward_steps(n["f"]),
        lambda n: forward_steps(n["f"], n["a"]),
        lambda n: lecture_steps(reused_node_graph(), questions=True),
    ],
)
def test_nodes_keep_their_places_in_every_frame(make):
    frames = make(course_example())
    first = laid_out(frames[0])
    for k, frame in enumerate(frames[1:], start=1):  # they moved by about 40 px at frames 5 -> 6 and 8 -> 9
        assert laid_out(frame) == first, f"frame {k} is laid out differently from frame 0"


def test_a_step_is_written_once_when_formula_and_number_agree():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    f = a * b
    f.label = "f"
    titles = [frame.step_title for frame in lecture_steps(f, questions=True)]
    # df/da = b = 3, not "b = 3 = 3"; the question asks before the number is known
    assert titles[-4:] == [
        "Question 3 of 4, backward: df/da = b = ?",
        "Step 3 of 4, backward: df/da = b = 3",
        "Question 4 of 4, backward: df/db = a = ?",
        "Step 4 of 4, backward: df/db = a = 2",
    ]

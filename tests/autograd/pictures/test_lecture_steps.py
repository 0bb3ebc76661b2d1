"""Lecture mode (autograd.lecture_steps): the chain-rule graph filled in one number per frame.

The expected values, gradients and their order come from the lecture notes,
section 1 (the chain-rule table) and from the graph's structure (a gradient
is complete once every user of the node has passed its share on), never
from the code under test.
"""

import re

import pytest
from checks import TABLE, check_message, course_example, needs_dot
from dot_parsing import boxes, edge_label, edges
from test_steps import reused_node_graph

from autograd import lecture_steps, save_steps, topological_order


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
    assert "i = g * h = 3 * 7 = 21" in frames[3].step_title
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
    assert "df/dg = df/di · di/dg = 42 · 7 = 294" in frames[5 + grads.index("g")].step_title
    # the edge that carries g's gradient says local × upstream = contribution
    g_frame = frames[5 + grads.index("g")]
    assert [edge_label(a) for _, _, a in edges(g_frame.source) if "label" in a] == ["7 × 42 = 294"]
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


def test_lecture_frames_without_hiding_show_the_answers_in_grey():
    frames = lecture_steps(course_example()["f"])
    final = {(label, cell): str(number) for label, row in TABLE.items() for cell, number in zip(("data", "grad"), row)}
    for frame in frames:
        assert visible_numbers(frame) == final  # no "?": what is not reached yet is there, greyed
    assert '<FONT COLOR="#9a9a9a">data 441</FONT>' in frames[0].source
    assert '<FONT COLOR="#9a9a9a">data 441</FONT>' not in frames[-1].source


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

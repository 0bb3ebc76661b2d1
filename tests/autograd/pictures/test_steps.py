"""Step frames (autograd.pictures.steps): backward_steps, forward_steps and the player page save_steps writes.

Expected numbers come from the lecture notes, sections 1 and 2, from hand
calculation and from central differences, never from the code under test.
"""

import base64
import re
import shutil
import subprocess
from pathlib import Path

import graphviz
import pytest
from checks import TABLE, central_difference, check_message, course_example, needs_dot
from dot_parsing import by_label, edge_label, edges

from autograd import (
    GraphvizNotInstalled,
    Value,
    backward_steps,
    forward_derivatives,
    forward_steps,
    save_backward_steps,
    save_steps,
    topological_order,
)


def test_missing_dot_in_save_backward_steps_still_writes_sources(no_dot):
    frames = backward_steps(course_example()["f"])
    with pytest.raises(GraphvizNotInstalled):
        save_backward_steps(frames, no_dot / "steps")
    assert sorted(p.name for p in (no_dot / "steps").glob("*.gv")) == [f"step_{k:03d}.gv" for k in range(5)]


# ----------------------------------------------------------------------------- the backward pass, step by step


def frame_grads(frame) -> dict:
    return {label: grad for label, (_, grad) in by_label(frame.source).items()}


def test_backward_steps_frames_of_the_chain_rule():
    n = course_example()
    frames = backward_steps(n["f"])
    assert len(frames) == 5  # the seed, then f, i, and the two sums
    assert all(isinstance(frame, graphviz.Digraph) for frame in frames)
    unknown = "grad ?"
    # seed: only f has its gradient
    assert frame_grads(frames[0]) == {k: ("grad 1" if k == "f" else unknown) for k in TABLE}
    # the steps visit the nodes in reverse topological order
    visited = [node.label for node in reversed(topological_order(n["f"])) if node._parents]
    assert visited[:2] == ["f", "i"]
    for frame, label in zip(frames[1:], visited):
        assert frame.step_title.startswith(f"Step {visited.index(label) + 1} of 4: {label} = ")
    # step 1 (f = i ** 2): i gets 2 * 21 * 1 = 42
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[1].source) if edge_label(attrs))
    assert labels == ["42 × 1 = 42"]
    assert frame_grads(frames[1])["i"] == "grad 42"
    assert frame_grads(frames[1])["g"] == unknown
    # step 2 (i = g * h): local derivatives are h = 7 and g = 3
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[2].source) if edge_label(attrs))
    assert labels == ["3 × 42 = 126", "7 × 42 = 294"]
    grads = frame_grads(frames[2])
    assert (grads["g"], grads["h"], grads["a"]) == ("grad 294", "grad 126", unknown)
    # the last frame has every number of the table
    assert frame_grads(frames[-1]) == {label: f"grad {grad}" for label, (_, grad) in TABLE.items()}
    # the processed node is highlighted (thick border) in its frame only
    assert re.search(r'BORDER="3"[^\n]*<B>i</B>', frames[2].source)
    assert not re.search(r'BORDER="3"[^\n]*<B>i</B>', frames[3].source)


def reused_node_graph() -> Value:
    """z = y + x with y = x * x: x is used three times, so its gradient arrives in shares."""
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    z = y + x
    z.label = "z"
    return z


def test_backward_steps_reused_node_and_partial_grads():
    z = reused_node_graph()
    frames = backward_steps(z)
    assert len(frames) == 3
    # step 1 (z = y + x): x has received 1 of its 3 contributions
    assert frame_grads(frames[1])["x"] == "grad 1 (so far)"
    # step 2 (y = x * x): two edges, each 3 x 1 = 3; x is complete: 1 + 3 + 3 = 7 = 2x + 1
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[2].source) if edge_label(attrs))
    assert labels == ["3 × 1 = 3", "3 × 1 = 3"]
    assert frame_grads(frames[2])["x"] == "grad 7"


def test_backward_steps_leave_grads_alone_and_agree_with_backward():
    # the diamond of the lecture notes, section 2: s -> x, y, z -> f -> g, h -> L
    s = Value(0.7, label="s")
    x, y, z = s.sin(), s * s, s.exp()
    x.label, y.label, z.label = "x", "y", "z"
    f = x * y + z
    f.label = "f"
    g, h = f.tanh(), f**2
    g.label, h.label = "g", "h"
    loss = g * h + g
    loss.label = "L"
    nodes = topological_order(loss)
    for k, node in enumerate(nodes):
        node.grad = 100.0 + k  # something backward_steps must not touch
    frames = backward_steps(loss, number_format="{!r}")
    assert [node.grad for node in nodes] == [100.0 + k for k in range(len(nodes))]
    for node in nodes:
        node.grad = 0.0
    loss.backward()
    expected = {node.label: f"grad {node.grad!r}" for node in nodes if node.label}
    shown = frame_grads(frames[-1])
    assert {label: shown[label] for label in expected} == expected


def test_backward_steps_of_a_leaf_and_limits():
    frames = backward_steps(Value(5.0, label="w"))
    assert len(frames) == 1 and frame_grads(frames[0]) == {"w": "grad 1"}
    y = Value(1.0, label="y")
    for _ in range(30):
        y = y + 1
    with pytest.raises(ValueError, match="30 steps"):
        backward_steps(y, max_steps=10)
    with pytest.raises(TypeError, match="unexpected option"):
        backward_steps(y, colour="red")


def check_page(page: Path, count: int):
    text = page.read_text(encoding="utf-8")
    assert text.count('class="frame"') == count
    for needle in ('id="prev"', 'id="next"', 'id="play"', "ArrowLeft", "ArrowRight"):
        assert needle in text
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)  # nothing fetched from the network
    return text


@needs_dot
def test_save_backward_steps_png(tmp_path):
    frames = backward_steps(course_example()["f"])
    saved = save_backward_steps(frames, tmp_path / "steps")
    assert [p.name for p in saved["frames"]] == [f"step_{k:03d}.png" for k in range(5)]
    text = check_page(saved["html"], 5)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == 5
    assert [base64.b64decode(data) for data in images] == [p.read_bytes() for p in saved["frames"]]


@needs_dot
def test_save_backward_steps_svg(tmp_path):
    frames = backward_steps(course_example()["f"])
    saved = save_backward_steps(frames, tmp_path, fmt="svg")
    assert [p.suffix for p in saved["frames"]] == [".svg"] * 5
    text = check_page(saved["html"], 5)
    assert text.count("<svg") == 5 and "<?xml" not in text
    assert "7 × 42 = 294" in text
    with pytest.raises(ValueError, match="png"):
        save_backward_steps(frames, tmp_path, fmt="pdf")


# ----------------------------------------------------------------------------- forward mode, step by step


def frame_numbers(frame, cell: str) -> dict:
    """{label: the text after `cell` in its box}, e.g. {"g": "1", "f": "?"}."""
    out = {}
    for label, (_, number) in by_label(frame.source).items():
        assert number.startswith(cell + " "), (label, number)
        out[label] = number[len(cell) + 1 :]
    return out


def active_edge_labels(frame) -> list:
    return sorted(edge_label(attrs) for _, _, attrs in edges(frame.source) if edge_label(attrs))


def test_forward_steps_of_the_course_example():
    n = course_example()
    frames = forward_steps(n["f"], n["a"])
    assert len(frames) == 4  # the seed, then g, i and f: b, c, d and h do not depend on a
    assert all(isinstance(frame, graphviz.Digraph) for frame in frames)
    seed = frame_numbers(frames[0], "d/da")
    assert seed == {"a": "1", "b": "0", "c": "0", "d": "0", "h": "0", "g": "?", "i": "?", "f": "?"}
    assert "b, c, d, h do not depend on a" in frames[0].step_title
    # by hand: dg/da = 1 * 1, di/da = h * dg/da + g * dh/da = 7 * 1 + 3 * 0, df/da = 2i * di/da = 42 * 7
    assert active_edge_labels(frames[1]) == ["1 × 0 = 0", "1 × 1 = 1"]
    assert active_edge_labels(frames[2]) == ["3 × 0 = 0", "7 × 1 = 7"]
    assert active_edge_labels(frames[3]) == ["42 × 7 = 294"]
    expected = [("g", "1"), ("i", "7"), ("f", "294")]
    for k, (label, number) in enumerate(expected, start=1):
        shown = frame_numbers(frames[k], "d/da")
        assert shown[label] == number
        assert frames[k].step_title.startswith(f"Step {k} of 3: {label} = ")
        later = [name for name, _ in expected[k:]]
        assert all(shown[name] == "?" for name in later)
    # the zeros are grey, the node of the step is highlighted
    assert re.search(r'<FONT COLOR="#9a9a9a">d/da 0</FONT>', frames[3].source)
    assert re.search(r'BORDER="3"[^\n]*<B>i</B>', frames[2].source)


def test_forward_steps_agree_with_forward_derivatives_and_central_differences():
    n = course_example()
    frames = forward_steps(n["f"], n["a"], number_format="{!r}")
    last = frame_numbers(frames[-1], "d/da")
    tangents = forward_derivatives(n["f"], n["a"])
    slopes = central_difference(lambda p: [v.data for v in course_example(*p).values()], [1.0, 2.0, 3.0, 4.0], 0)
    for (label, node), numeric in zip(n.items(), slopes):  # d(node)/da for every node, by central differences
        assert float(last[label]) == tangents[node], label
        assert float(last[label]) == pytest.approx(numeric, rel=1e-6, abs=1e-6)
    assert float(last["f"]) == pytest.approx(294.0)


def test_forward_steps_from_an_interior_node_and_of_the_diamond():
    n = course_example()
    frames = forward_steps(n["f"], n["g"])
    assert len(frames) == 3  # the seed at g, then i and f
    shown = frame_numbers(frames[-1], "d/dg")
    # di/dg = h = 7, df/dg = 2i * 7 = 294; a and b come before g and do not depend on it
    assert (shown["g"], shown["i"], shown["f"], shown["a"], shown["h"]) == ("1", "7", "294", "0", "0")
    # the diamond of the lecture notes, section 2: x, y, z all depend on s
    s = Value(0.7, label="s")
    x, y, z = s.sin(), s * s, s.exp()
    x.label, y.label, z.label = "x", "y", "z"
    f = x * y + z
    f.label = "f"
    frames = forward_steps(f, s, number_format="{!r}")
    assert len(frames) == 1 + 5  # x, y, z, x * y and f
    s.grad = 0.0
    f.backward()
    assert float(frame_numbers(frames[-1], "d/ds")["f"]) == pytest.approx(s.grad, rel=1e-12)


def test_forward_steps_leave_grads_alone_and_refuse_bad_input():
    n = course_example()
    for node in n.values():
        node.grad = 5.0
    forward_steps(n["f"], n["c"])
    assert all(node.grad == 5.0 for node in n.values())
    with pytest.raises(ValueError) as info:
        forward_steps(n["f"], Value(1.0, label="q"))
    check_message(info, "forward_steps", "wrt", "'q'", "'f'")
    with pytest.raises(TypeError) as info:
        forward_steps(n["f"], 1.0)
    check_message(info, "forward_steps", "wrt", "Value", "float", "1.0")
    with pytest.raises(TypeError) as info:
        forward_steps("f", n["a"])
    check_message(info, "forward_steps", "Value", "str", "'f'")
    with pytest.raises(TypeError) as info:
        forward_steps(n["f"], n["a"], colour="red")
    check_message(info, "forward_steps", "'colour'")
    with pytest.raises(ValueError) as info:
        forward_steps(n["f"], n["a"], max_steps=2)
    check_message(info, "forward_steps", "max_steps", "2", "3")
    assert len(forward_steps(n["a"], n["a"])) == 1  # the output itself: only the seed


# ----------------------------------------------------------------------------- save_steps and the player


def test_the_player_is_package_data():
    from importlib import resources

    import tomllib

    player = resources.files("autograd.pictures").joinpath("player.html").read_text(encoding="utf-8")
    for needle in ("<script>", "{{TITLE}}", "{{FRAMES}}", "{{INTERVAL_MS}}", "ArrowLeft"):
        assert needle in player
    repository = Path(__file__).resolve().parents[3]
    steps_source = (repository / "autograd" / "pictures" / "steps.py").read_text(encoding="utf-8")
    assert "<script" not in steps_source and "ArrowLeft" not in steps_source  # the page is not a Python string
    config = tomllib.loads((repository / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    assert "*.html" in package_data.get("autograd.pictures", package_data.get("*", []))


def test_save_steps_checks_its_arguments(tmp_path):
    n = course_example()
    backward, forward = backward_steps(n["f"]), forward_steps(n["f"], n["a"])
    assert save_backward_steps is save_steps
    with pytest.raises(ValueError, match="mix kinds"):
        save_steps(backward + forward, tmp_path)
    with pytest.raises(ValueError, match="frames .* is empty"):
        save_steps([], tmp_path)
    with pytest.raises(TypeError) as info:
        save_steps([backward[0], "frame"], tmp_path)
    check_message(info, "save_steps", "frame 1", "str")
    with pytest.raises(ValueError) as info:
        save_steps(backward, tmp_path, interval_ms=0)
    check_message(info, "save_steps", "interval_ms", "0")
    with pytest.raises(TypeError) as info:
        save_steps(backward, tmp_path, title=3)
    check_message(info, "save_steps", "title", "int", "3")


@needs_dot
def test_save_steps_writes_forward_steps_html(tmp_path):
    n = course_example()
    saved = save_steps(forward_steps(n["f"], n["a"]), tmp_path, fmt="svg", interval_ms=700)
    assert saved["html"] == tmp_path / "forward_steps.html"
    assert [p.name for p in saved["frames"]] == [f"forward_step_{k:03d}.svg" for k in range(4)]
    text = check_page(saved["html"], 4)
    assert "<title>Forward-mode derivatives, step by step</title>" in text
    assert "42 × 7 = 294" in text and "var interval = 700;" in text
    assert "{{" not in text  # every placeholder filled
    backward = save_steps(backward_steps(n["f"]), tmp_path)  # the same directory: nothing overwritten
    assert backward["html"] == tmp_path / "backward_steps.html"
    assert "<title>The backward pass, step by step</title>" in backward["html"].read_text(encoding="utf-8")
    assert all(p.exists() for p in saved["frames"] + backward["frames"])


CHROMIUM = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None
)


@needs_dot
@pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium (chromium, chromium-browser or google-chrome)")
def test_the_player_runs_in_a_browser(tmp_path):
    n = course_example()
    page = save_steps(forward_steps(n["f"], n["a"]), tmp_path, fmt="svg")["html"]
    run = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert '<span id="counter">seed</span>' in run.stdout  # the script ran: the counter is filled in
    assert run.stdout.count('class="frame shown"') == 1

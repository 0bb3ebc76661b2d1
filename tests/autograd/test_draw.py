"""Pictures of the graph (autograd.draw): DOT structure, determinism, escaping, rendering, frames, explanations.

Expected numbers come from TEACHING.md section 1 (the chain-rule table) and
from hand calculation, never from the code under test.
"""

import base64
import html
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import pytest

from autograd import (
    GraphvizNotInstalled,
    Value,
    backward_steps,
    draw_graph,
    explain_chain_rule,
    save_backward_steps,
    save_graph,
    topological_order,
)

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` program is not installed")
ROOT = Path(__file__).resolve().parents[2]


def chain_rule():
    """TEACHING.md section 1: f = ((a + b) * (c + d)) ** 2 with a, b, c, d = 1, 2, 3, 4."""
    a, b, c, d = (Value(x, label=n) for x, n in zip((1.0, 2.0, 3.0, 4.0), "abcd"))
    g = a + b
    g.label = "g"
    h = c + d
    h.label = "h"
    i = g * h
    i.label = "i"
    f = i**2
    f.label = "f"
    return dict(a=a, b=b, c=c, d=d, g=g, h=h, i=i, f=f)


# The chain-rule table of TEACHING.md: node -> (value, df/dnode)
TABLE = {
    "a": (1, 294),
    "b": (2, 294),
    "c": (3, 126),
    "d": (4, 126),
    "g": (3, 294),
    "h": (7, 126),
    "i": (21, 42),
    "f": (441, 1),
}

BOX = re.compile(r"^\s*(v\d+) \[label=<(.*)> shape=plain\]$")
OP = re.compile(r"^\s*(v\d+_op) \[label=(\"[^\"]*\"|\S+) ")
EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")


def boxes(source: str) -> dict:
    """{dot name: [cell texts]} for every value box in a DOT source (tags stripped, entities decoded)."""
    found = {}
    for line in source.splitlines():
        m = BOX.match(line)
        if m:
            cells = re.findall(r"<TD[^>]*>(.*?)</TD>", m.group(2))
            found[m.group(1)] = [html.unescape(re.sub(r"<[^>]+>", "", c.replace("<BR/>", "\n"))) for c in cells]
    return found


def by_label(source: str) -> dict:
    """{label: (data text, grad text or None)} from the boxes."""
    result = {}
    for cells in boxes(source).values():
        label, data = cells[0], cells[1]
        grad = cells[2] if len(cells) > 2 else None
        result[label] = (data, grad)
    return result


def ops(source: str) -> dict:
    return {m.group(1): m.group(2).strip('"') for line in source.splitlines() if (m := OP.match(line))}


def edges(source: str) -> list:
    return [(m.group(1), m.group(2), m.group(3) or "") for line in source.splitlines() if (m := EDGE.match(line))]


def edge_label(attrs: str) -> str:
    m = re.search(r'label="([^"]*)"', attrs)
    return m.group(1).strip() if m else ""


# ----------------------------------------------------------------------------- structure


def test_chain_rule_dot_structure():
    n = chain_rule()
    n["f"].backward()
    source = draw_graph(n["f"]).source
    assert isinstance(draw_graph(n["f"]), graphviz.Digraph)
    values = by_label(source)
    assert set(values) == set(TABLE)
    for label, (value, grad) in TABLE.items():
        assert values[label] == (f"data {value}", f"grad {grad}"), label
    assert sorted(ops(source).values()) == sorted(["+", "+", "*", "** 2"])
    # 7 input edges (2 + 2 + 2 + 1) and one edge from each of the 4 operations to its result
    assert len(edges(source)) == 11
    assert "rankdir=LR" in source


def test_edges_connect_inputs_through_operations():
    n = chain_rule()
    source = draw_graph(n["f"], show_grad=False).source
    name = {cells[0]: dot_name for dot_name, cells in boxes(source).items()}
    op_of = {dot_name: f"{dot_name}_op" for dot_name in name.values()}
    expected = {
        (name["a"], op_of[name["g"]]),
        (name["b"], op_of[name["g"]]),
        (name["c"], op_of[name["h"]]),
        (name["d"], op_of[name["h"]]),
        (name["g"], op_of[name["i"]]),
        (name["h"], op_of[name["i"]]),
        (name["i"], op_of[name["f"]]),
    } | {(op_of[name[x]], name[x]) for x in "ghif"}
    assert {(tail, head) for tail, head, _ in edges(source)} == expected


def test_reused_node_has_two_edges():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward()
    source = draw_graph(y).source
    assert by_label(source) == {"x": ("data 3", "grad 6"), "y": ("data 9", "grad 1")}
    assert list(ops(source).values()) == ["*"]
    name = {cells[0]: dot_name for dot_name, cells in boxes(source).items()}
    pairs = [(tail, head) for tail, head, _ in edges(source)]
    assert pairs.count((name["x"], f"{name['y']}_op")) == 2
    assert len(pairs) == 3


def test_show_grad_false_and_local_grads():
    n = chain_rule()
    hidden = draw_graph(n["f"], show_grad=False).source
    assert ">grad" not in hidden
    assert all(len(cells) == 2 for cells in boxes(hidden).values())
    source = draw_graph(n["f"], show_local_grads=True, show_grad=False).source
    name = {cells[0]: dot_name for dot_name, cells in boxes(source).items()}
    labels = {(tail, head): edge_label(attrs) for tail, head, attrs in edges(source)}
    # local derivatives by hand: di/dg = h = 7, di/dh = g = 3, df/di = 2 i = 42, d(a + b)/da = 1
    assert labels[(name["g"], name["i"] + "_op")] == "local 7"
    assert labels[(name["h"], name["i"] + "_op")] == "local 3"
    assert labels[(name["i"], name["f"] + "_op")] == "local 42"
    assert labels[(name["a"], name["g"] + "_op")] == "local 1"


def test_colours_tell_leaves_intermediates_and_output_apart():
    n = chain_rule()
    source = draw_graph(n["f"]).source
    fill = {}
    for line in source.splitlines():
        m = BOX.match(line)
        if m:
            label = boxes(line)[m.group(1)][0]
            fill[label] = re.search(r'BGCOLOR="([^"]+)"', line).group(1)
    assert fill["a"] == fill["b"] == fill["c"] == fill["d"]
    assert fill["g"] == fill["h"] == fill["i"]
    assert len({fill["a"], fill["g"], fill["f"]}) == 3


def test_options_rankdir_number_format_highlight():
    n = chain_rule()
    n["f"].backward()
    assert "rankdir=TB" in draw_graph(n["f"], rankdir="TB").source
    values = by_label(draw_graph(n["f"], number_format="{:.2f}").source)
    assert values["h"] == ("data 7.00", "grad 126.00")
    values = by_label(draw_graph(n["f"], number_format=lambda v: f"<{int(v)}>").source)
    assert values["i"] == ("data <21>", "grad <42>")  # escaped, decoded back by the parser
    plain = draw_graph(n["f"]).source
    marked = draw_graph(n["f"], highlight=n["g"]).source
    changed = [a for a, b in zip(plain.splitlines(), marked.splitlines()) if a != b]
    assert len(changed) == 1 and ">g<" in changed[0]
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(n["f"], rankdir="sideways")
    with pytest.raises(ValueError, match="not in the graph"):
        draw_graph(n["g"], highlight=n["h"])
    with pytest.raises(TypeError, match="Value"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="number_format"):
        draw_graph(n["f"], number_format="{:d}")


def test_unlabelled_nodes_and_constants():
    x = Value(2.0, label="x")
    y = (x * 3 + 1).tanh() - 4
    source = draw_graph(y).source
    assert sorted(ops(source).values()) == sorted(["* 3", "+ 1", "tanh", "- 4"])
    names = [cells[0] for cells in boxes(source).values()]
    assert names == ["x", "v1", "v2", "v3", "v4"]  # automatic names follow the inputs-first order
    z = 2 - x
    assert list(ops(draw_graph(z).source).values()) == ["2 -"]


# ----------------------------------------------------------------------------- determinism


def test_same_dot_text_for_fresh_builds():
    first, second = chain_rule(), chain_rule()
    assert draw_graph(first["f"]).source == draw_graph(second["f"]).source
    assert draw_graph(first["f"]).source == draw_graph(first["f"]).source
    assert not re.search(r"\d{8,}|0x[0-9a-f]{6,}", draw_graph(first["f"]).source)  # no id()-based names


def test_same_dot_text_across_processes():
    script = (
        "from autograd import Value, draw_graph\n"
        "xs = [Value(float(k), label=f'x{k}') for k in range(6)]\n"
        "y = sum((u * v for u, v in zip(xs, xs[1:])), Value(0.0, label='zero')).tanh() * xs[0]\n"
        "y.backward()\n"
        "print(draw_graph(y, show_local_grads=True).source)\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1


# ----------------------------------------------------------------------------- escaping

NASTY = ["a|b", "{x}", "<y>", 'say "hi"', "line1\nline2", "R&D", "back\\slash"]


def nasty_graph():
    values = [Value(float(k), label=text) for k, text in enumerate(NASTY)]
    out = values[0]
    for v in values[1:]:
        out = out + v
    out.label = "{out} | <end>"
    return out


def test_labels_are_escaped_in_the_source():
    source = draw_graph(nasty_graph()).source
    labels = [cells[0] for cells in boxes(source).values()]
    for text in NASTY + ["{out} | <end>"]:
        assert text in labels
    assert '"hi"' not in source  # quotes are entities inside the HTML-like label
    assert "<y>" not in source and "&lt;y&gt;" in source


@needs_dot
def test_escaped_labels_render_with_dot(tmp_path):
    graph = draw_graph(nasty_graph())
    run = subprocess.run(["dot", "-Tsvg"], input=graph.source, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Error" not in run.stderr and "Warning" not in run.stderr, run.stderr
    texts = [el.text or "" for el in ET.fromstring(run.stdout).iter("{http://www.w3.org/2000/svg}text")]
    for text in ["a|b", "{x}", "<y>", 'say "hi"', "line1", "line2", "R&D", "back\\slash", "{out} | <end>"]:
        assert text in texts, (text, texts)


# ----------------------------------------------------------------------------- saving and rendering


@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF")])
def test_save_graph_renders_each_format(tmp_path, suffix, magic):
    n = chain_rule()
    n["f"].backward()
    graph = draw_graph(n["f"])
    path = save_graph(graph, tmp_path / "pics" / f"chain{suffix}")
    assert path == tmp_path / "pics" / f"chain{suffix}"
    assert path.read_bytes().startswith(magic)
    assert (tmp_path / "pics" / "chain.gv").read_text(encoding="utf-8") == graph.source
    if suffix == ".svg":
        texts = {el.text for el in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")}
        assert {"grad 294", "grad 126", "data 441", "** 2"} <= texts
    if suffix == ".png":
        width, height = int.from_bytes(path.read_bytes()[16:20], "big"), int.from_bytes(path.read_bytes()[20:24], "big")
        assert width > 1000 and height > 150  # high enough resolution for a projector


@needs_dot
def test_jupyter_display_is_svg():
    n = chain_rule()
    bundle = draw_graph(n["f"])._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "<svg" in bundle["image/svg+xml"]


def test_save_graph_rejects_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        save_graph(draw_graph(Value(1.0)), tmp_path / "x.jpeg")
    with pytest.raises(TypeError, match="Digraph"):
        save_graph("digraph {}", tmp_path / "x.svg")


@pytest.fixture
def no_dot(tmp_path, monkeypatch):
    """PATH without Graphviz: graphviz then raises ExecutableNotFound internally."""
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path


def check_install_message(error):
    message = str(error)
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "graphviz.org" in message
    assert not isinstance(error, graphviz.ExecutableNotFound)
    assert isinstance(error, RuntimeError)


def test_missing_dot_gives_install_instructions(no_dot):
    graph = draw_graph(chain_rule()["f"])
    with pytest.raises(GraphvizNotInstalled) as info:
        save_graph(graph, no_dot / "out" / "chain.png")
    check_install_message(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert (no_dot / "out" / "chain.gv").read_text(encoding="utf-8") == graph.source
    assert not (no_dot / "out" / "chain.png").exists()
    with pytest.raises(GraphvizNotInstalled) as info:
        graph._repr_mimebundle_()
    check_install_message(info.value)


def test_missing_dot_in_save_backward_steps_still_writes_sources(no_dot):
    frames = backward_steps(chain_rule()["f"])
    with pytest.raises(GraphvizNotInstalled):
        save_backward_steps(frames, no_dot / "steps")
    assert sorted(p.name for p in (no_dot / "steps").glob("*.gv")) == [f"step_{k:03d}.gv" for k in range(5)]


# ----------------------------------------------------------------------------- the backward pass, step by step


def frame_grads(frame) -> dict:
    return {label: grad for label, (_, grad) in by_label(frame.source).items()}


def test_backward_steps_frames_of_the_chain_rule():
    n = chain_rule()
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
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[1].source) if "label" in attrs)
    assert labels == ["42 × 1 = 42"]
    assert frame_grads(frames[1])["i"] == "grad 42"
    assert frame_grads(frames[1])["g"] == unknown
    # step 2 (i = g * h): local derivatives are h = 7 and g = 3
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[2].source) if "label" in attrs)
    assert labels == ["3 × 42 = 126", "7 × 42 = 294"]
    grads = frame_grads(frames[2])
    assert (grads["g"], grads["h"], grads["a"]) == ("grad 294", "grad 126", unknown)
    # the last frame has every number of the table
    assert frame_grads(frames[-1]) == {label: f"grad {grad}" for label, (_, grad) in TABLE.items()}
    # the processed node is highlighted (thick border) in its frame only
    assert re.search(r'BORDER="3"[^\n]*<B>i</B>', frames[2].source)
    assert not re.search(r'BORDER="3"[^\n]*<B>i</B>', frames[3].source)


def test_backward_steps_reused_node_and_partial_grads():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    z = y + x
    z.label = "z"
    frames = backward_steps(z)
    assert len(frames) == 3
    # step 1 (z = y + x): x has received 1 of its 3 contributions
    assert frame_grads(frames[1])["x"] == "grad 1 (so far)"
    # step 2 (y = x * x): two edges, each 3 x 1 = 3; x is complete: 1 + 3 + 3 = 7 = 2x + 1
    labels = sorted(edge_label(attrs) for _, _, attrs in edges(frames[2].source) if "label" in attrs)
    assert labels == ["3 × 1 = 3", "3 × 1 = 3"]
    assert frame_grads(frames[2])["x"] == "grad 7"


def test_backward_steps_leave_grads_alone_and_agree_with_backward():
    # the diamond of TEACHING.md section 2: s -> x, y, z -> f -> g, h -> L
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
    frames = backward_steps(chain_rule()["f"])
    saved = save_backward_steps(frames, tmp_path / "steps")
    assert [p.name for p in saved["frames"]] == [f"step_{k:03d}.png" for k in range(5)]
    text = check_page(saved["html"], 5)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == 5
    assert [base64.b64decode(data) for data in images] == [p.read_bytes() for p in saved["frames"]]


@needs_dot
def test_save_backward_steps_svg(tmp_path):
    frames = backward_steps(chain_rule()["f"])
    saved = save_backward_steps(frames, tmp_path, fmt="svg")
    assert [p.suffix for p in saved["frames"]] == [".svg"] * 5
    text = check_page(saved["html"], 5)
    assert text.count("<svg") == 5 and "<?xml" not in text
    assert "7 × 42 = 294" in text
    with pytest.raises(ValueError, match="png"):
        save_backward_steps(frames, tmp_path, fmt="pdf")


# ----------------------------------------------------------------------------- the chain rule in words


def test_explain_chain_rule_text_exactly():
    n = chain_rule()
    assert explain_chain_rule(n["f"], n["a"]) == (
        "df/da: 1 path from a to f; multiply the local derivatives along it.\n"
        "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294\n"
    )
    assert "df/dc = df/di · di/dh · dh/dc = 42 · 3 · 1 = 126" in explain_chain_rule(n["f"], n["c"])
    assert "df/di = 42\n" in explain_chain_rule(n["f"], n["i"])
    assert "df/df = 1\n" in explain_chain_rule(n["f"], n["f"])


def test_explain_chain_rule_sums_paths():
    x = Value(3.0, label="x")
    f = x * x
    f.label = "f"
    assert explain_chain_rule(f, x) == (
        "df/dx: 2 paths from x to f; multiply the local derivatives along each path, then add the paths.\n"
        "path 1: df/dx = 3\n"
        "path 2: df/dx = 3\n"
        "df/dx = 3 + 3 = 6\n"
    )


def test_explain_chain_rule_names_unlabelled_nodes():
    x = Value(0.5, label="x")
    y = (x * 2).tanh() * x
    text = explain_chain_rule(y, x, number_format="{:.3f}")
    lines = text.splitlines()
    # y = tanh(2x) x: along the tanh path (1 - tanh(1)^2) * 2 * x = 0.420 * 2 * 0.5, directly tanh(1) = 0.762
    assert lines[1] == "path 1: dv3/dv2 · dv2/dv1 · dv1/dx = 0.500 · 0.420 · 2.000 = 0.420"
    assert lines[2] == "path 2: dv3/dx = 0.762"
    assert lines[3] == "dv3/dx = 0.420 + 0.762 = 1.182"
    assert lines[4] == "where v1 = x * 2, v2 = tanh(v1), v3 = v2 * x"


def test_explain_chain_rule_refuses_too_many_paths_without_enumerating():
    x = Value(1.0, label="x")
    y = x
    for _ in range(60):  # 2**60 paths: counting must not list them
        y = y + y
    with pytest.raises(ValueError) as info:
        explain_chain_rule(y, x)
    message = str(info.value)
    assert str(2**60) in message and "max_paths=64" in message and "backprop" in message
    z = x
    for _ in range(6):
        z = z * z  # 2**6 = 64 paths: just allowed
    assert explain_chain_rule(z, x).count("\npath ") == 64


def test_explain_chain_rule_bad_input():
    n = chain_rule()
    stranger = Value(1.0, label="q")
    with pytest.raises(ValueError, match="'q' is not in the graph"):
        explain_chain_rule(n["f"], stranger)
    with pytest.raises(ValueError, match="not in the graph"):
        explain_chain_rule(n["g"], n["c"])
    with pytest.raises(TypeError):
        explain_chain_rule(n["f"], 1.0)


# ----------------------------------------------------------------------------- large graphs


def test_large_graph_is_capped_with_a_warning():
    xs = [Value(float(k)) for k in range(400)]
    y = xs[0]
    for v in xs[1:]:
        y = y * 0.5 + v  # 400 leaves + 2 * 399 sums and products = 1198 values
    with pytest.warns(UserWarning, match=r"1198 values.*max_nodes=100.*1098") as record:
        graph = draw_graph(y, max_nodes=100)
    assert len(record) == 1
    assert len(boxes(graph.source)) == 100
    assert "not_drawn" in graph.source and "1098 more values" in graph.source
    assert len(boxes(draw_graph(y, max_nodes=None).source)) == 1198


def test_default_cap_is_500_values():
    y = Value(0.0)
    for _ in range(600):
        y = y + 1.0
    with pytest.warns(UserWarning, match="max_nodes=500"):
        assert len(boxes(draw_graph(y).source)) == 500


# ----------------------------------------------------------------------------- the README


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Pictures of the graph")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else len(text)]


@needs_dot
def test_readme_examples_run(tmp_path, monkeypatch):
    import doctest

    monkeypatch.chdir(tmp_path)
    code = "\n".join(re.findall(r"```python\n(.*?)```", readme_section(), flags=re.DOTALL))
    test = doctest.DocTestParser().get_doctest(code, {}, "README: Pictures of the graph", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (tmp_path / "chain_rule.svg").exists() and (tmp_path / "steps" / "backward_steps.html").exists()


def test_readme_embeds_the_committed_chain_rule_picture():
    section = readme_section()
    link = re.search(r"!\[[^\]]+\]\(([^)]+)\)", section).group(1)
    assert link == "demos/images/chain_rule.svg"
    svg = ROOT / link
    texts = {(el.text or "").strip() for el in ET.parse(svg).iter("{http://www.w3.org/2000/svg}text")}
    # every value and gradient of the TEACHING.md table is in the picture
    for label, (value, grad) in TABLE.items():
        assert {label, f"data {value}", f"grad {grad}"} <= texts, label
    assert {"local 7", "local 3", "local 42"} <= texts


@needs_dot
def test_jupyter_shows_the_graph_inline_as_svg():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from autograd import Value, draw_graph\n"
        "x = Value(3.0, label='x'); y = x * x; y.label = 'y'; y.backward()\n"
        "draw_graph(y)"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    svg = outputs[-1]["data"]["image/svg+xml"]
    texts = {(el.text or "").strip() for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert {"x", "data 3", "grad 6", "y", "data 9", "grad 1", "*"} <= texts

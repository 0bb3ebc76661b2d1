"""Pictures of the graph (autograd.pictures): DOT structure, recorded constants, determinism, escaping, rendering.

Expected numbers come from the lecture notes, section 1 (the chain-rule
table) and from hand calculation, never from the code under test.
"""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import graphviz
import pytest
from checks import TABLE, check_message, course_example, needs_dot, png_size
from dot_parsing import BOX, boxes, by_label, check_install_message, edge_label, edges, ops
from readme_sections import ROOT, python_blocks, readme_section, run_examples

from autograd import GraphvizNotInstalled, Value, dot, draw_graph, save_graph, total

# ----------------------------------------------------------------------------- structure


def test_chain_rule_dot_structure():
    n = course_example()
    n["f"].backward()
    source = draw_graph(n["f"]).source
    assert isinstance(draw_graph(n["f"]), graphviz.Digraph)
    values = by_label(source)
    assert set(values) == set(TABLE)
    for label, (value, grad) in TABLE.items():
        assert values[label] == (f"data {value}", f"grad {grad}"), label
    assert sorted(ops(source).values()) == sorted(["+", "+", "·", "( )²"])
    # 7 input edges (2 + 2 + 2 + 1) and one edge from each of the 4 operations to its result
    assert len(edges(source)) == 11
    assert "rankdir=LR" in source


def test_edges_connect_inputs_through_operations():
    n = course_example()
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
    assert list(ops(source).values()) == ["·"]
    name = {cells[0]: dot_name for dot_name, cells in boxes(source).items()}
    pairs = [(tail, head) for tail, head, _ in edges(source)]
    assert pairs.count((name["x"], f"{name['y']}_op")) == 2
    assert len(pairs) == 3


def test_show_grad_false_and_local_grads():
    n = course_example()
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
    n = course_example()
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
    n = course_example()
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
    for blind in ("abc", "{{}}", lambda v: "?"):  # text that does not show the number
        with pytest.raises(ValueError, match="does not show the number"):
            draw_graph(n["f"], number_format=blind)


def test_unlabelled_nodes_and_constants():
    x = Value(2.0, label="x")
    y = (x * 3 + 1).tanh() - 4
    source = draw_graph(y).source
    assert sorted(ops(source).values()) == sorted(["· 3", "+ 1", "tanh", "− 4"])
    names = [cells[0] for cells in boxes(source).values()]
    assert names == ["x", "v1", "v2", "v3", "v4"]  # automatic names follow the inputs-first order
    z = 2 - x
    assert list(ops(draw_graph(z).source).values()) == ["2 −"]


def test_constants_are_read_from_the_record():
    x = Value(0.0, label="x")  # at 0 the local derivatives of ** 2 and hardtanh say nothing of their constants
    # Value(1e17) + 3: the sum rounds to 1e17, so no derivative or difference could tell the 3
    assert list(ops(draw_graph(Value(1e17) + 3).source).values()) == ["+ 3"]
    cases = [
        (x * 0.5, "· 0.5"),  # the ovals write mathematics: ·, superscripts, − for minus
        (x**2, "( )²"),
        (x**3, "( )³"),
        ((x + 1) ** -1, None),  # ( )⁻¹: checked below
        (x**0.5, "( )^0.5"),
        (2 - x, "2 −"),
        (2**x, "2^( )"),
        (-x, "−"),
        (x * x, "·"),
        (2 / (x + 1), None),  # two operation nodes: checked below
        (x - (-3), "− (−3)"),
        (x.hardtanh(-2, 2), "hardtanh(−2, 2)"),
        ((x + 5).hardtanh(-2, 2), None),
        (x.leaky_relu(0.1), "leaky_relu(0.1)"),
        (x.elu(0.7), "elu(0.7)"),
        (total([x, 2.0, x]), "sum + 2"),
        (x.tanh(), "tanh"),
        (dot([x], [x], 3.0), "dot + 3"),  # a number bias
        (dot([x, 4.0], [2.0, 5.0]), "dot + 20"),  # 4 * 5, a product of two numbers
        (dot([x, 4.0], [2.0, x]), "dot"),  # numbers times Values are local derivatives, on the edges
    ]
    for node, text in cases:
        if text is not None:
            assert list(ops(draw_graph(node).source).values()) == [text], text
    assert sorted(ops(draw_graph(2 / (x + 1)).source).values()) == ["+ 1", "2 /"]
    assert sorted(ops(draw_graph((x + 1) ** -1).source).values()) == ["( )⁻¹", "+ 1"]
    assert sorted(ops(draw_graph((x + 5).hardtanh(-2, 2)).source).values()) == ["+ 5", "hardtanh(−2, 2)"]


def test_parameters_that_are_values_are_inputs_not_constants():
    x, alpha = Value(-1.0, label="x"), Value(0.2, label="alpha")
    source = draw_graph(x.leaky_relu(alpha)).source
    assert list(ops(source).values()) == ["leaky_relu"]
    names = {cells[0]: name for name, cells in boxes(source).items()}
    heads = [head for tail, head, _ in edges(source) if tail in (names["x"], names["alpha"])]
    assert len(heads) == 2 and len(set(heads)) == 1  # both feed the one operation
    w, b = Value(0.5, label="w"), Value(0.1, label="b")
    assert list(ops(draw_graph(dot([w, 2.0], [3.0, w], b)).source).values()) == ["dot"]


# ----------------------------------------------------------------------------- determinism


def test_same_dot_text_for_fresh_builds():
    first, second = course_example(), course_example()
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
    n = course_example()
    n["f"].backward()
    graph = draw_graph(n["f"])
    path = save_graph(graph, tmp_path / "pics" / f"chain{suffix}")
    assert path == tmp_path / "pics" / f"chain{suffix}"
    assert path.read_bytes().startswith(magic)
    assert (tmp_path / "pics" / "chain.gv").read_text(encoding="utf-8") == graph.source
    if suffix == ".svg":
        texts = {el.text for el in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")}
        assert {"grad 294", "grad 126", "data 441", "( )²"} <= texts
    if suffix == ".png":
        width, height = png_size(path)
        assert width > 1000 and height > 150  # high enough resolution for a projector


@needs_dot
def test_jupyter_display_is_svg():
    n = course_example()
    bundle = draw_graph(n["f"])._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "<svg" in bundle["image/svg+xml"]


def test_save_graph_rejects_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        save_graph(draw_graph(Value(1.0)), tmp_path / "x.jpeg")
    with pytest.raises(TypeError, match="Digraph"):
        save_graph("digraph {}", tmp_path / "x.svg")


def test_missing_dot_gives_install_instructions(no_dot):
    graph = draw_graph(course_example()["f"])
    with pytest.raises(GraphvizNotInstalled) as info:
        save_graph(graph, no_dot / "out" / "chain.png")
    check_install_message(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert (no_dot / "out" / "chain.gv").read_text(encoding="utf-8") == graph.source
    assert not (no_dot / "out" / "chain.png").exists()
    with pytest.raises(GraphvizNotInstalled) as info:
        graph._repr_mimebundle_()
    check_install_message(info.value)


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

PICTURES = "Pictures of the graph"


@needs_dot
def test_readme_examples_run(tmp_path, monkeypatch):
    import doctest

    monkeypatch.chdir(tmp_path)
    code = "\n".join(python_blocks(readme_section(PICTURES)))
    run_examples(code, PICTURES, optionflags=doctest.ELLIPSIS)
    assert (tmp_path / "chain_rule.svg").exists() and (tmp_path / "steps" / "backward_steps.html").exists()
    assert (tmp_path / "steps" / "forward_steps.html").exists()


def test_readme_embeds_the_committed_chain_rule_picture():
    section = readme_section(PICTURES)
    link = re.search(r"!\[[^\]]+\]\(([^)]+)\)", section).group(1)
    assert link == "demos/images/chain_rule.svg"
    svg = ROOT / link
    texts = {(el.text or "").strip() for el in ET.parse(svg).iter("{http://www.w3.org/2000/svg}text")}
    # every value and gradient of the table of the lecture notes, section 1, is in the picture
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
    assert {"x", "data 3", "grad 6", "y", "data 9", "grad 1", "·"} <= texts


# ----------------------------------------------------------------------------- without the graphviz package

NO_GRAPHVIZ = """
import sys
sys.modules["graphviz"] = None  # `import graphviz` now raises ImportError, as when the package is absent
from autograd import Value, explain_chain_rule, forward_derivatives
import autograd
x = Value(3.0, label="x")
y = x * x
y.label = "y"
y.backward()
print("grad", x.grad)
print("tangent", forward_derivatives(y, x)[y])
print(explain_chain_rule(y, x).splitlines()[-1])
for name in ("draw_graph", "backward_steps"):
    try:
        getattr(autograd, name)(y)
    except autograd.GraphvizNotInstalled as error:
        print(name, "refused:", error)
"""


def test_the_engine_works_without_the_graphviz_package():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", NO_GRAPHVIZ], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == ["grad 6.0", "tangent 6.0", "dy/dx = 3 + 3 = 6"]  # y = x * x: dy/dx = 2x = 6
    for name, line in zip(("draw_graph", "backward_steps"), lines[3:]):
        assert line.startswith(f"{name} refused:")
        assert "graphviz Python package is not installed" in line and "pip install graphviz" in line


def test_import_autograd_does_not_import_graphviz():
    script = "import sys, autograd; from autograd import Value; print('graphviz' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert run.stdout.strip() == "False"
    assert isinstance(draw_graph(Value(1.0)), graphviz.Digraph)  # and here, with the package, pictures work


def test_save_graph_checks_dpi(tmp_path):
    with pytest.raises(ValueError) as info:
        save_graph(draw_graph(Value(1.0)), tmp_path / "x.png", dpi=0)
    check_message(info, "save_graph", "dpi", "0")


# ----------------------------------------------------------------------------- hostile input (dpi, labels)


@pytest.mark.parametrize(
    "dpi, error",
    [
        (0, ValueError),
        (-5, ValueError),
        (10**6, ValueError),
        (23, ValueError),
        (601, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("144", TypeError),
        (True, TypeError),
        ([144], TypeError),
    ],
)
def test_save_graph_refuses_dpi_outside_the_documented_range(tmp_path, dpi, error):
    with pytest.raises(error) as info:
        save_graph(draw_graph(Value(1.0)), tmp_path / "x.png", dpi=dpi)
    check_message(info, "save_graph", "dpi", repr(dpi))
    if error is ValueError:
        check_message(info, "24", "600")
    assert not (tmp_path / "x.gv").exists()  # refused before anything is written


@needs_dot
@pytest.mark.parametrize("dpi, width", [(24, 1), (72, 3), (144, 6), (150.0, 6.25), (600, 25), (None, 4)])
def test_save_graph_accepts_the_range(tmp_path, dpi, width):
    # a hand-made graph of one fixed-size 1-inch box: the picture is dpi pixels wide (Graphviz's default 96 for None)
    graph = graphviz.Digraph()
    graph.attr(pad="0", margin="0")
    graph.node("x", shape="box", width="1", height="1", fixedsize="true", label="", penwidth="0")
    path = save_graph(graph, tmp_path / "x.png", dpi=dpi)
    assert png_size(path)[0] == pytest.approx(24 * width, abs=2)


HOSTILE_LABELS = {
    "U+FFFE": "x\ufffey",
    "U+FFFF": "x\uffffy",
    "lone high surrogate": "x\ud800y",
    "lone low surrogate": "x\udfffy",
    "plane-16 noncharacter": "x\U0010ffffy",
}


@needs_dot
@pytest.mark.parametrize("label", HOSTILE_LABELS.values(), ids=HOSTILE_LABELS.keys())
def test_labels_no_picture_can_hold_are_drawn_as_replacement_characters(tmp_path, label):
    from autograd import backward_steps

    x = Value(2.0, label=label)
    y = x * 3
    y.label = label + "!"
    path = save_graph(draw_graph(y), tmp_path / "g.svg")
    source = (tmp_path / "g.gv").read_text(encoding="utf-8")
    assert "x\ufffdy" in source and source.count("\ufffd") == 2
    assert "x\ufffdy" in ET.parse(path).getroot().itertext()
    frames = backward_steps(y)
    assert "x\ufffdy" in frames[1].step_title
    save_graph(frames[1], tmp_path / "step.png")
    assert png_size(tmp_path / "step.png")[0] > 100


@needs_dot
def test_a_hand_made_graph_with_a_surrogate_still_gets_its_source_and_picture(tmp_path):
    graph = graphviz.Digraph()
    graph.node("a", label="bad \ud800 label")
    graph.node("b", label="x\ufffe")
    graph.edge("a", "b")
    save_graph(graph, tmp_path / "g.png")
    source = (tmp_path / "g.gv").read_text(encoding="utf-8")
    assert "bad \ufffd label" in source and "x\ufffd" in source
    assert png_size(tmp_path / "g.png")[0] > 10


@needs_dot
def test_long_labels_are_shortened_with_an_ellipsis(tmp_path):
    from autograd import backward_steps, save_steps

    a = Value(1.0, label="a" * 3000 + "Z")
    b = Value(2.0, label="b" * 5000)
    c = a * b + a
    c.label = "c" * 4500
    source = draw_graph(c).source
    labels = [cells[0] for cells in boxes(source).values()]
    assert all(len(label) <= 60 for label in labels)
    assert any(label.startswith("aaaa") and "…" in label and label.endswith("aZ") for label in labels)
    frames = backward_steps(c)
    assert all(len(frame.step_title) < 600 for frame in frames)
    saved = save_steps(frames, tmp_path, fmt="png")
    for path in saved["frames"]:
        width, height = png_size(path)
        assert width < 5000 and height < 1000  # unshortened, one label alone would be some 30,000 pixels wide
    # explanations in text keep the whole label
    from autograd import explain_chain_rule

    assert "b" * 5000 in explain_chain_rule(c, b)


def test_a_picture_says_what_it_is_in_the_repl():
    x = Value(2.0)
    y = (x * 3).tanh()
    shown = repr(draw_graph(y))
    assert "3 values" in shown and "2 operations" in shown and "'v2'" in shown
    assert "save_graph" in shown and "object at 0x" not in shown
    assert "1 value," in repr(draw_graph(Value(1.0)))

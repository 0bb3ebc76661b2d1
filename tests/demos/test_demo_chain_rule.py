"""The chain-rule demo reproduces every number of TEACHING.md section 1 and draws the graph; your own example."""

import math
import re

import pytest
from checks import needs_dot, png_size
from picture_checks import check_image

from autograd import Value
from demos import chain_rule


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return chain_rule.run(tmp_path_factory.mktemp("out"), quick=True)


def test_values_of_the_table(result):
    assert result["values"] == {"a": 1, "b": 2, "c": 3, "d": 4, "g": 3, "h": 7, "i": 21, "f": 441}


def test_gradients_of_the_table(result):
    # TEACHING.md section 1: df/di = 2i = 42, df/dg = 42 * h = 294, df/dh = 42 * g = 126
    assert result["grads"] == {"f": 1, "i": 42, "g": 294, "h": 126, "a": 294, "b": 294, "c": 126, "d": 126}


def test_path_products(result):
    assert result["paths"]["a"] == ["df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294"]
    assert result["paths"]["d"] == ["df/dd = df/di · di/dh · dh/dd = 42 · 3 · 1 = 126"]


def test_forward_mode_from_a(result):
    # by hand: dg/da = 1, di/da = h * dg/da = 7, df/da = 2i * di/da = 42 * 7; b, c, d, h do not depend on a
    assert result["forward_from_a"] == {"a": 1, "b": 0, "c": 0, "d": 0, "g": 1, "h": 0, "i": 7, "f": 294}


def test_narration(tmp_path, capsys):
    chain_rule.run(tmp_path, quick=True)
    text = capsys.readouterr().out
    assert "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294" in text
    assert "df/di · di/dg = 42 · h = 42 · 7 = 294" in text  # the 'how' column for g, as TEACHING.md's table
    assert "df/di = 2 · i = 2 · 21 = 42" in text  # the one local derivative that is not 1 or a neighbour
    assert "441" in text


def test_how_sums_over_users():
    nodes = chain_rule.build({"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0})
    x = nodes["a"]
    y = x * x  # x used twice by the same node: two terms
    y.label = "y"
    y.backward()
    # both edges of a * a: the local derivative along each is the other factor, a
    assert chain_rule.how(x, y) == "dy/da + dy/da = a + a = 1 + 1 = 2"
    a = Value(1.0, label="a")
    u = a * -3.0
    z = u - a  # −3a − a: the local derivatives −3 and −1, written with the minus sign
    u.label, z.label = "u", "z"
    z.backward()
    assert chain_rule.how(a, z) == "dz/du · du/da + dz/da = 1 · (−3) + (−1) = −4"


@needs_dot
def test_pictures(result):
    names = {p.name for p in result["images"]}
    assert {"graph.png", "graph.svg", "step_000.png"} <= names
    for path in result["images"]:
        check_image(path)
    # one frame for the seed plus one per operation node (+, +, *, ** 2)
    assert len([p for p in result["images"] if p.name.startswith("step_")]) == 5
    page = result["html"].read_text()
    assert page.count('class="frame"') == 5
    # forward mode from a: the seed, then g, i and f (b, c, d and h do not depend on a)
    assert len([p for p in result["images"] if p.name.startswith("forward_step_")]) == 4
    assert result["forward_html"].name == "forward_steps.html"
    assert result["forward_html"].read_text().count('class="frame"') == 4


@needs_dot
def test_every_picture_fits_a_projector(result):
    # a 1920 x 1080 projector shows each picture whole at its own size (the frames drawn left to right
    # were up to 2151 px wide); and the layout is top to bottom: the inputs above f
    sizes = {path: png_size(path) for path in result["images"] if path.suffix == ".png"}
    assert len(sizes) == 1 + 5 + 4 + 13 + 13
    too_big = {path.name: size for path, size in sizes.items() if size[0] > 1920 or size[1] > 1080}
    assert not too_big
    assert all(height > width / 3 for width, height in sizes.values())  # no wide strip
    for page in (result["html"], result["forward_html"], result["lecture_html"], result["exercise_html"]):
        for source in page.parent.glob("*.gv"):
            assert "rankdir=TB" in source.read_text(), source


def test_without_graphviz_the_numbers_still_come(tmp_path, monkeypatch, capsys):
    from autograd import pictures

    def no_dot(graph, path, **kwargs):
        raise pictures.GraphvizNotInstalled("dot not found (simulated)")

    monkeypatch.setattr(pictures, "save_graph", no_dot)
    result = chain_rule.run(tmp_path, quick=True)
    assert result["grads"]["a"] == 294
    assert result["images"] == [] and result["html"] is None and result["forward_html"] is None
    assert "graph not rendered: dot not found (simulated)" in capsys.readouterr().out


def test_four_factors_through_the_product_node_gh(result, tmp_path, capsys):
    # TEACHING.md section 1: df/da = df/di * di/dgh * dgh/dg * dg/da = 42 * 1 * 7 * 1 = 294
    assert result["path_through_gh"] == "df/da = df/di · di/dgh · dgh/dg · dg/da = 42 · 1 · 7 · 1 = 294"
    nodes = chain_rule.build_with_gh()
    nodes["f"].backward()
    assert nodes["gh"].data == 21 and nodes["gh"].grad == 42 and nodes["a"].grad == 294
    chain_rule.run(tmp_path, quick=True)
    assert "df/da = df/di · di/dgh · dgh/dg · dg/da = 42 · 1 · 7 · 1 = 294" in capsys.readouterr().out


@needs_dot
def test_lecture_pages(result):
    # one number per frame: the given inputs, 4 forward values (g, h, i, f), 8 gradients
    for key, folder in (("lecture_html", "lecture_steps"), ("exercise_html", "lecture_exercise")):
        page = result[key]
        assert page.name == "lecture_steps.html" and page.parent.name == folder
        assert page.read_text().count('class="frame"') == 1 + 4 + 8
        frames = sorted(page.parent.glob("lecture_step_*.png"))
        assert len(frames) == 13 and all(p in result["images"] for p in frames)
    exercise = (result["exercise_html"].parent / "lecture_step_000.gv").read_text()
    lecture = (result["lecture_html"].parent / "lecture_step_000.gv").read_text()
    # frame 0 of the exercise hides g, h, i, f and every gradient behind "?"; the lecture shows no "?"
    assert exercise.count("data ?") == 4 and exercise.count("grad ?") == 8
    assert "?" not in lecture and all(f"data {x}" in lecture for x in (1, 2, 3, 4))


# ----------------------------------------------------------------------------- your own example (--expr)

NEURON = "(tanh(w1*x1 + w2*x2 + b) - y)**2"  # the issue's 6-operation tanh neuron with a loss (3,145 px wide LR)
NEURON_VALUES = "w1=0.5,x1=1,w2=-1,x2=2,b=0.25,y=1"


def svg_size(path) -> tuple[float, float]:
    """An SVG's width and height in CSS pixels (Graphviz writes them in points)."""
    import re

    root = re.search(r"<svg\b[^>]*>", path.read_text()).group(0)
    width, height = (float(re.search(rf'{key}="([0-9.]+)pt"', root).group(1)) * 4 / 3 for key in ("width", "height"))
    return width, height


@pytest.fixture(scope="module")
def neuron(tmp_path_factory):
    out = tmp_path_factory.mktemp("own")
    return chain_rule.run(
        out, quick=True, expr=NEURON, values=NEURON_VALUES, lecture=True, exercise=True, language="de"
    )  # the sheet in the course's language


def test_own_example_numbers_by_hand(tmp_path):
    # (a + b)(c + d) at 1, 2, 3, 4: g = 3, h = 7, f = 21; df/da = df/db = h = 7, df/dc = df/dd = g = 3
    result = chain_rule.run(tmp_path, quick=True, expr="(a+b)*(c+d)", values="a=1,b=2,c=3,d=4")
    assert result["values"] == {"a": 1, "b": 2, "c": 3, "d": 4, "g": 3, "h": 7, "f": 21}
    assert result["grads"] == {"a": 7, "b": 7, "c": 3, "d": 3, "g": 7, "h": 3, "f": 1}
    assert result["how"]["g"] == "df/dg = h = 7"
    assert result["folder"] == tmp_path / "chain_rule" / "own_example"


def test_own_example_of_the_course_expression_gives_the_course_numbers(tmp_path, capsys):
    result = chain_rule.run(tmp_path, quick=True, expr="((a + b) * (c + d)) ** 2", values="a=1,b=2,c=3,d=4")
    assert result["grads"] == {"f": 1, "i": 42, "g": 294, "h": 126, "a": 294, "b": 294, "c": 126, "d": 126}
    text = capsys.readouterr().out
    assert "The chain rule: f = ((a + b) · (c + d))²" in text
    assert "i = g · h = 3 · 7 = 21" in text and "f = i² = 21² = 441" in text
    assert "df/di = 2 · i = 2 · 21 = 42" in text and "df/da = df/di · di/dg · dg/da = 42 · 7 · 1 = 294" in text


def test_the_neuron_by_hand(neuron):
    # z = 0.5*1 - 1*2 + 0.25 = -1.25, t = tanh(z), f = (t - 1)^2; df/dz = 2 (t - 1)(1 - t^2)
    t = math.tanh(-1.25)
    dz = 2 * (t - 1) * (1 - t * t)
    assert math.isclose(neuron["values"]["f"], (t - 1) ** 2, rel_tol=1e-12)
    expected = {"w1": dz * 1, "x1": dz * 0.5, "w2": dz * 2, "x2": dz * -1, "b": dz, "y": -2 * (t - 1)}
    for name, value in expected.items():
        assert math.isclose(neuron["grads"][name], value, rel_tol=1e-12), name
    assert neuron["how"]["k"].startswith("df/dl · dl/dk =")
    # the tanh's local derivative in its formula 1 − k², then in numbers, all computed by hand here
    up, written = 2 * (t - 1), lambda x: f"{x:.4g}".replace("-", "−")
    assert neuron["how"]["j"] == (
        f"df/dk · dk/dj = ({written(up)}) · (1 − k²) = ({written(up)}) · (1 − ({written(t)})²) = {written(dz)}"
    )


@needs_dot
def test_own_example_drawn_top_to_bottom_within_a_projector(neuron):
    pngs = [p for p in neuron["images"] if p.suffix == ".png"]
    # the graph, 8 backward frames (seed + 7 operations), and twice (with and without '?') the lecture's
    # 1 + 7 + 13 frames: the given inputs, the 7 computed values, the 13 gradients
    assert len(pngs) == 1 + 8 + 21 + 21
    for path in pngs:
        width, height = png_size(path)
        assert width <= 1920 and height <= 1080, (path.name, width, height)
    svg = neuron["folder"] / "graph.svg"
    assert max(svg_size(svg)) <= 1920 and svg_size(svg)[1] <= 1080
    for source in neuron["folder"].rglob("*.gv"):
        text = source.read_text()
        assert "rankdir=TB" in text, source
    exercise = (neuron["exercise_html"].parent / "lecture_step_000.gv").read_text()
    assert exercise.count("grad ?") == 13 and exercise.count("data ?") == 7  # 6 inputs given, 7 values to compute


def test_own_example_writes_the_exercise_sheet(neuron):
    sheet = neuron["sheet"]
    assert sheet["sheet"].name == "sheet.html" and sheet["key"].name == "key.html"
    assert sheet["sheet_pdf"] is None  # quick: no PDF
    key = sheet["key"].read_text()
    assert "Kettenregel" in key and "-1.037" in key  # German, as asked; df/dw1 in the key
    assert "-1.037" not in sheet["sheet"].read_text()


def test_the_command_line(tmp_path, capsys):
    result = chain_rule.main(["--quick", "--out", str(tmp_path), "--expr", "a*b + a", "--values", "a=2,b=3"])
    assert result["grads"]["a"] == 4 and result["grads"]["b"] == 2  # d(ab + a)/da = b + 1, d/db = a
    for argv, says in [
        (["--expr", "a.b", "--values", "a=1"], "attributes (x.y) not allowed"),
        (["--expr", "a*b", "--values", "a=1"], "no value for b"),
        (["--expr", "a*b", "--values", "a=1,b=2,c=3"], "c is given a value but not used"),
        (["--expr", "a*b"], "--values a=1,b=1"),
        (["--values", "a=1"], "--values goes with --expr"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            chain_rule.main(["--quick", "--out", str(tmp_path), *argv])
        assert exit_.value.code == 2
        assert says in capsys.readouterr().err, argv


@pytest.mark.parametrize(
    "formula, expected",
    [  # each local derivative by hand, as the lecture writes it (the engine's formulas are read back as numbers
        # and checked against central differences in tests/autograd/core/test_registry_formulas.py)
        ("a + b", ["1", "1"]),
        ("a - b", ["1", "−1"]),
        ("a * b", ["b", "a"]),
        ("a / b", ["1 / b", "−a / b²"]),
        ("a ** b", ["b · a^(b − 1)", "a^b · ln(a)"]),
        ("a * 3", ["3"]),
        ("3 - a", ["−1"]),
        ("4 / a", ["−4 / a²"]),
        ("2 ** a", ["2^a · ln(2)"]),
        ("a ** 2", ["2 · a"]),
        ("a ** 3", ["3 · a²"]),
        ("a ** -1", ["(−1) · a⁻²"]),
        ("-a", ["−1"]),
        ("exp(a)", ["exp(a)"]),
        ("log(a)", ["1 / a"]),
        ("sqrt(a)", ["1 / (2 · √a)"]),
        ("tanh(a)", ["1 − f²"]),
        ("sigmoid(a)", ["f · (1 − f)"]),
        ("relu(a)", ["step(a)"]),
    ],
)
def test_each_local_derivative_formula_is_the_lectures(formula, expected):
    from demos import expression

    parsed = expression.parse(formula)
    nodes = parsed.build(dict.fromkeys(parsed.names, 2.0))
    root = nodes["f"]
    assert [chain_rule.local_formula(root, k) for k in range(len(root.parents))] == expected


def test_local_formula_in_numbers():
    nodes = chain_rule.build()
    nodes["f"].backward()
    values = {k: v.data for k, v in nodes.items()}
    assert chain_rule.local_formula(nodes["f"], 0, values) == "2 · 21"
    assert chain_rule.local_formula(nodes["i"], 0, values) == "7"
    from demos import expression

    neg = expression.parse("tanh(a)").build({"a": -0.5})
    t = f"{math.tanh(-0.5):.4g}".replace("-", "−")
    assert chain_rule.local_formula(neg["f"], 0, {"a": -0.5, "f": math.tanh(-0.5)}) == f"1 − ({t})²"


@needs_dot
def test_own_example_names_every_step_as_the_lecture_does(neuron):
    # no made-up v2, v4: the steps are g, h, i, ... and the output f, in the table and in every frame
    assert not any(re.search(r"\bv\d+\b", text) for text in neuron["how"].values())
    sources = [p.with_suffix(".gv").read_text() for p in neuron["images"] if p.parent.name.startswith("lecture")]
    assert sources and not any("<I>v" in source or re.search(r"\bv\d+ =", source) for source in sources)
    assert {name for name in neuron["values"] if len(name) == 1} >= set("ghijklf")

"""The chain-rule demo reproduces every number of TEACHING.md section 1 and draws the graph."""

import pytest
from checks import needs_dot, png_size
from picture_checks import check_image

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
    # frame 0 of the exercise hides g, h, i, f and every gradient; the lecture greys them
    assert exercise.count("data ?") == 4 and exercise.count("grad ?") == 8
    assert "?" not in lecture and "data 441" in lecture

"""The paths demo: gradients as sums over paths, and path counts against edge counts."""

import math

import pytest
from checks import needs_dot, png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from autograd import Value
from demos import paths


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return paths.run(tmp_path_factory.mktemp("out"), quick=True)


def test_x_times_x(result):
    assert result["x_squared_paths"] == 2
    assert result["x_squared_grad"] == 2 * paths.X_SQUARED_AT


def test_diamond(result):
    s = paths.DIAMOND_S
    # by hand, independently of the demo: L = f^2 + e^f with f = 2s + s^2 + sin s
    f = 2 * s + s * s + math.sin(s)
    expected = (2 * f + math.exp(f)) * (2 + 2 * s + math.cos(s))
    assert result["diamond_paths"] == 6  # 3 ways from s to f, 2 ways from f to L
    assert result["diamond_backprop"] == pytest.approx(expected, rel=1e-12)
    assert result["diamond_path_sum"] == pytest.approx(expected, rel=1e-12)


def test_chain_paths_double_edges_grow_linearly(result):
    for row in result["chain"]:
        k = row["depth"]
        assert row["paths"] == 2**k
        assert row["edges"] == 4 * k


def test_chain_gradients_agree(result):
    for row in result["chain"]:
        # forward mode with plain floats, written here again
        x, slope = paths.CHAIN_X0, 1.0
        for _ in range(row["depth"]):
            slope *= math.cos(x) - math.sin(x)
            x = math.sin(x) + math.cos(x)
        assert row["backprop_grad"] == pytest.approx(slope, rel=1e-9, abs=1e-300)
        assert row["forward_grad"] == pytest.approx(slope, rel=1e-9, abs=1e-300)
        if row["path_sum_grad"] is not None:
            assert row["path_sum_grad"] == pytest.approx(slope, rel=1e-9, abs=1e-300)
    assert any(row["path_sum_grad"] is not None for row in result["chain"])


def test_count_paths_and_path_products_by_hand():
    a = Value(2.0, label="a")
    b = a * 3.0
    c = a + b  # a reaches c directly and through b
    d = c * c  # and c twice: 2 * 2 = 4 paths
    assert paths.count_paths(d, a) == 4
    listed = list(paths.path_products(d, a))
    assert len(listed) == 4
    # dd/da = 2c * (1 + 3) with c = 8
    assert sum(p for p, _, _ in listed) == pytest.approx(64.0)
    assert paths.edge_count(d) == 5


def test_picture(result):
    assert [p.name for p in result["images"]][-1] == "paths_vs_edges.png"
    for path in result["images"]:
        check_image(path)


def test_main_with_arguments(tmp_path, capsys):
    result = paths.main(["--quick", "--out", str(tmp_path)])
    assert result["x_squared_grad"] == 6
    assert str(tmp_path / "paths" / "paths_vs_edges.png") in capsys.readouterr().out


@needs_dot
def test_the_diamond_is_drawn_top_to_bottom_and_fits_a_screen(result):
    (diamond,) = [p for p in result["images"] if p.name == "diamond.png"]
    width, height = png_size(diamond)
    assert width <= 1920 and height <= 1080, (width, height)  # left to right it was 3310 x 292
    assert height > width / 2  # seven levels stacked, not a strip
    assert "rankdir=TB" in diamond.with_suffix(".gv").read_text()


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=2)

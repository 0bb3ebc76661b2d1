"""The forward_reverse demo (lecture notes, section 2): both orders against derivatives worked out by hand."""

import math

import pytest
from checks import HAS_DOT, png_size
from picture_checks import check_image
from screen_checks import check_fits_screen

from demos import forward_reverse as fr


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return fr.run(tmp_path_factory.mktemp("out"), quick=True)


def test_both_orders_give_the_hand_derivatives(result):
    x, y = fr.POINT["x"], fr.POINT["y"]
    # f = x^2 y + sin(x y): df/dx = 2 x y + y cos(x y), df/dy = x^2 + x cos(x y)
    expected = (2 * x * y + y * math.cos(x * y), x * x + x * math.cos(x * y))
    for name, pair in result["both_orders"].items():
        assert pair == pytest.approx(expected, rel=1e-14), name


def test_forward_columns_node_by_node(result):
    x, y = fr.POINT["x"], fr.POINT["y"]
    c = math.cos(x * y)
    by_hand = {  # node: (d/dx, d/dy)
        "x": (1, 0),
        "y": (0, 1),
        "x^2": (2 * x, 0),
        "x^2 y": (2 * x * y, x * x),
        "x y": (y, x),
        "sin(x y)": (y * c, x * c),
        "f": (2 * x * y + y * c, x * x + x * c),
    }
    assert [row[0] for row in result["table"]] == list(by_hand)
    for label, _, d_dx, d_dy in result["table"]:
        assert (d_dx, d_dy) == pytest.approx(by_hand[label], rel=1e-14, abs=1e-300), label


def test_directional_derivative(result):
    s = fr.PATH_AT
    # g(s) = cos^2 s sin s + sin(cos s sin s), differentiated by hand
    expected = (
        -2 * math.cos(s) * math.sin(s) ** 2 + math.cos(s) ** 3 + math.cos(math.cos(s) * math.sin(s)) * math.cos(2 * s)
    )
    directional = result["directional"]
    for name in ("jvp", "gradient", "s in the graph"):
        assert directional[name] == pytest.approx(expected, rel=1e-13), name
    assert directional["finite difference"] == pytest.approx(expected, rel=1e-7)


def test_sweep_counts_and_jacobians(result):
    costs = result["costs"]
    assert set(costs) == {"n >> m", "n << m"}
    for row in costs["n >> m"]:
        n = row["size"]
        assert (row["n"], row["m"], row["forward_sweeps"], row["backward_sweeps"]) == (n, 1, n, 1)
        xs = [0.1 * (i + 1) for i in range(n)]
        # d/dx_i of sum_k sin(x_k) x_(k+1): cos(x_i) x_(i+1) + sin(x_(i-1)), indices mod n
        expected = [[math.cos(xs[i]) * xs[(i + 1) % n] + math.sin(xs[(i - 1) % n]) for i in range(n)]]
        for key in ("forward", "backward", "jacobian"):
            assert row[key][0] == pytest.approx(expected[0], rel=1e-12), (n, key)
    for row in costs["n << m"]:
        m = row["size"]
        assert (row["n"], row["m"], row["forward_sweeps"], row["backward_sweeps"]) == (1, m, 1, m)
        # f_j = h_j s, h_j = sin((j + 1) x), s = sum_k h_k at x = 0.3: df_j/dx = h_j' s + h_j s' (product rule)
        h = [math.sin((j + 1) * 0.3) for j in range(m)]
        dh = [(j + 1) * math.cos((j + 1) * 0.3) for j in range(m)]
        expected = [dh[j] * sum(h) + h[j] * sum(dh) for j in range(m)]
        for key in ("forward", "backward", "jacobian"):
            assert [r[0] for r in row[key]] == pytest.approx(expected, rel=1e-12), (m, key)
    assert max(r["size"] for r in costs["n >> m"]) >= 32
    # speed is the benchmark's business, not a test's: only that the timings were taken
    assert all(r["forward_seconds"] > 0 and r["backward_seconds"] > 0 for rows in costs.values() for r in rows)


def test_chain_rule_frames(result):
    frames = result["frames"]
    assert frames["forward_da"] == frames["backward_da"] == 294  # section 1's table
    # forward: the seed, then g, i, f (h does not depend on a); backward: the seed, then f, i, h, g
    assert len(frames["titles"]["forward"]) == 1 + 3
    assert len(frames["titles"]["backward"]) == 1 + 4
    if HAS_DOT:
        assert [p.name for p in frames["images"]] == ["side_by_side_print.png"]
        assert [p.name for p in frames["html"]] == ["forward_steps.html", "backward_steps.html"]


def test_pictures_and_main(result, tmp_path, capsys):
    for path in result["images"]:
        check_image(path)
    width, height = png_size(result["images"][0])  # sweeps.png
    assert width <= 1920 and height <= 1080, (width, height)  # one projector screen
    fr.main(["--quick", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "df/da = 294" in out and "forward sweeps" in out
    assert str(tmp_path / "forward_reverse" / "sweeps.png") in out


def test_every_picture_fits_a_screen(result):
    """Every PNG, GIF and SVG the demo writes (frames included) fits 1920 x 1080; print versions are named so."""
    check_fits_screen(result["images"][0].parents[0], at_least=3)


def test_summary_is_the_first_line_of_the_docstring():
    assert fr.SUMMARY == fr.__doc__.splitlines()[0]


def test_in_german_the_frames_and_the_narration(tmp_path, capsys):
    frames = fr._frames(tmp_path, "de")
    out = capsys.readouterr().out
    assert frames["titles"]["forward"][0] == "Startwert: da/da = 1"  # the engine's titles, in German too
    assert frames["titles"]["backward"][1].startswith("Schritt 1 von 4: f = i²")
    assert "Vorwärtsmodus ab a" in out and "Rückwärtsdurchlauf ab f" in out and "df/da = 294" in out
    assert frames["forward_da"] == frames["backward_da"] == 294

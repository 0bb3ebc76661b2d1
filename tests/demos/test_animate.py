"""The demos' animation mechanism: frames, GIF, final PNG and a player page that works in a browser."""

import numpy as np
from animation_checks import check_animation
from browser import check_played, needs_chromium, play_through
from checks import png_size
from PIL import Image

from demos import _animate


def draw_line(fig, axes, k):
    """Frame k: a line of slope k on fixed axes."""
    (ax,) = axes
    ax.plot([0, 1], [0, k])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 4)


def captions(n):
    return ["Start: slope 0"] + [f"Epoch {k} of {n - 1}: slope {k}" for k in range(1, n)]


def test_frame_steps():
    assert _animate.frame_steps(100, 21) == list(range(0, 101, 5))
    assert _animate.frame_steps(300, 16) == list(range(0, 301, 20))
    assert _animate.frame_steps(400, 5) == [0, 100, 200, 300, 400]
    assert _animate.frame_steps(3, 10) == [0, 1, 2, 3]  # never a step twice
    assert _animate.frame_steps(7, 1) == [0, 7] and _animate.frame_steps(0, 5) == [0]


def test_animate_writes_frames_gif_png_and_page(tmp_path):
    movie = _animate.animate(tmp_path, "lines", draw_line, captions(5), grid=(1, 1), size=(6, 4), title="Lines")
    check_animation(movie, 5, min_width=0)  # a small test figure
    assert movie["gif"] == tmp_path / "lines.gif" and movie["png"] == tmp_path / "lines.png"
    assert movie["html"] == tmp_path / "lines.html"
    assert png_size(movie["frames"][0]) == (6 * _animate.FRAME_DPI, 4 * _animate.FRAME_DPI)
    with Image.open(movie["gif"]) as gif:
        assert gif.info["duration"] == _animate.INTERVAL_MS and gif.info["loop"] == 0
        gif.seek(4)
        last = gif.convert("RGB")
    # the GIF's last frame is the page's last frame (up to the GIF's 256 colours)
    with Image.open(movie["frames"][-1]) as png:
        error = np.abs(np.asarray(last, dtype=float) - np.asarray(png.convert("RGB"), dtype=float))
    assert error.mean() < 3 and np.mean(error.max(axis=2) > 40) < 0.01
    # a second, shorter run leaves no frames of the first behind
    shorter = _animate.animate(tmp_path, "lines", draw_line, captions(3), grid=(1, 1), size=(6, 4), title="Lines")
    check_animation(shorter, 3, min_width=0)


@needs_chromium
def test_the_animation_page_in_a_browser(tmp_path):
    names = captions(4)
    movie = _animate.animate(tmp_path, "lines", draw_line, names, grid=(1, 1), size=(6, 4), title="Lines")
    records = play_through(movie["html"], tmp_path)
    counters = check_played(records, [png_size(p) for p in movie["frames"]], names)
    assert counters == ["start", "epoch 1 of 3", "epoch 2 of 3", "epoch 3 of 3"]  # as the captions number them

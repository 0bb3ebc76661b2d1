"""Checks for the demos' animations: the frames, the GIF (read with Pillow), the final PNG and the page."""

from pathlib import Path

from checks import png_size
from PIL import Image


def check_animation(movie: dict, count: int, min_width: int = 1600) -> None:
    """`movie` (what demos._animate.animate returns) has `count` frames everywhere, all of one size.

    A demo's frames are at least `min_width` pixels wide and fit a 1920 x 1080 projector.
    """
    frames = [Path(p) for p in movie["frames"]]
    assert len(frames) == count
    assert all(p.is_file() for p in frames)
    sizes = {png_size(p) for p in frames}
    assert len(sizes) == 1, f"frames of different sizes {sizes}"
    (width, height), *_ = sizes
    # the page and the GIF show the frames at their own size: they should fill much of a 1920 x 1080 projector
    assert min_width <= width <= 1920 and height <= 1080, f"frames of {width} x {height} pixels"
    assert sorted(p.name for p in frames[0].parent.iterdir()) == [p.name for p in frames]  # nothing left over
    with Image.open(movie["gif"]) as gif:
        assert gif.format == "GIF" and gif.is_animated == (count > 1)
        assert gif.n_frames == count
        assert gif.size == sizes.pop()
    final = png_size(movie["png"])  # the last frame, at the print resolution
    assert final[0] > 500 and final[1] > 200
    text = Path(movie["html"]).read_text(encoding="utf-8")
    assert text.count('class="frame"') == count

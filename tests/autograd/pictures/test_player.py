"""The player page of save_steps and save_player, in a real browser: counter and captions agree, each
caption is shown once, and nothing moves or changes scale as one steps through frames of different widths."""

import re

import pytest
from browser import check_played, needs_chromium, play_through
from checks import check_message, course_example, needs_dot, png_size

from autograd import backward_steps, forward_steps, lecture_steps, save_player, save_steps


@needs_dot
@needs_chromium
def test_backward_steps_counter_agrees_with_the_captions(tmp_path):
    frames = backward_steps(course_example()["f"])  # the lecture's example: the seed, then 4 steps
    saved = save_steps(frames, tmp_path)
    sizes = [png_size(p) for p in saved["frames"]]
    assert len(set(sizes)) == 1  # every frame reserves room for its largest numbers and notes: nothing moves
    captions = [frame.step_title for frame in frames]
    counters = check_played(play_through(saved["html"], tmp_path), sizes, captions)
    assert counters == ["seed", "step 1 of 4", "step 2 of 4", "step 3 of 4", "step 4 of 4"]
    assert captions[0].startswith("Seed:")
    for k in range(1, 5):
        assert captions[k].startswith(f"Step {k} of 4:")
        assert f"Step {k} of 4" in (tmp_path / f"step_{k:03d}.gv").read_text(encoding="utf-8")  # in the picture


@needs_dot
@needs_chromium
def test_forward_steps_svg_in_the_browser(tmp_path):
    n = course_example()
    frames = forward_steps(n["f"], n["a"])
    saved = save_steps(frames, tmp_path, fmt="svg", interval_ms=200)
    sizes = []
    for path in saved["frames"]:
        root = re.search(r"<svg\b[^>]*>", path.read_text(encoding="utf-8")).group(0)
        sizes.append(tuple(float(re.search(rf'{key}="([0-9.]+)pt"', root).group(1)) for key in ("width", "height")))
    captions = [frame.step_title for frame in frames]
    counters = check_played(play_through(saved["html"], tmp_path), sizes, captions)
    assert counters == ["seed", "step 1 of 3", "step 2 of 3", "step 3 of 3"]


def _pictures(tmp_path, sizes, fmt="png"):
    """Matplotlib figures of the given sizes (inches), each with its number as a title, saved as files."""
    from matplotlib.figure import Figure

    paths = []
    for k, size in enumerate(sizes):
        fig = Figure(figsize=size, dpi=100)
        ax = fig.subplots()
        ax.plot([0, 1], [0, k])
        ax.set_title(f"picture {k}")
        paths.append(tmp_path / f"picture{k}.{fmt}")
        fig.savefig(paths[-1], format=fmt)
    return paths


@needs_chromium
def test_save_player_with_matplotlib_frames_of_different_sizes(tmp_path):
    paths = _pictures(tmp_path, [(4, 3), (6, 3), (5, 4)])
    captions = ["first", "second", "third"]
    page = save_player(paths, tmp_path / "page" / "player.html", captions=captions, title="Three", interval_ms=100)
    assert page == tmp_path / "page" / "player.html"
    text = page.read_text(encoding="utf-8")
    assert "<title>Three</title>" in text and text.count('class="frame"') == 3
    records = play_through(page, tmp_path)
    counters = check_played(records, [(400, 300), (600, 300), (500, 400)], captions)
    assert counters == ["frame 1 of 3", "frame 2 of 3", "frame 3 of 3"]
    # the stage has the largest width and the largest height (600 x 400 at one scale)
    stage = records[0]["stage"]
    assert stage[3] / stage[2] == pytest.approx(400 / 600, rel=1e-2)


@needs_chromium
def test_save_player_with_svg_frames(tmp_path):
    paths = _pictures(tmp_path, [(4, 3), (6, 3)], fmt="svg")
    captions = ["the first picture", "the second picture"]
    page = save_player(paths, tmp_path / "svg.html", captions=captions, interval_ms=100)
    records = play_through(page, tmp_path)
    sizes = [(4 * 72, 3 * 72), (6 * 72, 3 * 72)]  # matplotlib writes SVG sizes in points (72 per inch)
    assert check_played(records, sizes, captions) == ["frame 1 of 2", "frame 2 of 2"]


def test_save_player_refuses_bad_input(tmp_path):
    paths = _pictures(tmp_path, [(3, 2)])
    page = tmp_path / "p.html"
    cases = [
        ((str(paths[0]),), {}, TypeError, ["images", "str"]),
        (([],), {}, ValueError, ["images", "empty"]),
        (([tmp_path / "missing.png"],), {}, ValueError, ["missing.png", "does not exist"]),
        (([tmp_path / "notes.txt"],), {}, ValueError, ["notes.txt", ".png"]),
        ((paths,), {"captions": ["a", "b"]}, ValueError, ["captions", "1"]),
        ((paths,), {"captions": [3]}, TypeError, ["captions[0]", "3"]),
        ((paths,), {"title": 3}, TypeError, ["title", "3"]),  # None: the default title
        ((paths,), {"interval_ms": 0}, ValueError, ["interval_ms", "0"]),
    ]
    for args, kwargs, error, words in cases:
        with pytest.raises(error) as info:
            save_player(*args, page, **kwargs)
        check_message(info, "save_player", *words)
    assert not page.exists()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    with pytest.raises(ValueError) as info:
        save_player([broken], page)
    check_message(info, "save_player", "frame 0", "width")


@needs_dot
@needs_chromium
def test_lecture_steps_counter_in_the_browser(tmp_path):
    frames = lecture_steps(course_example()["f"])  # the given inputs, 4 forward values, 8 gradients
    saved = save_steps(frames, tmp_path, interval_ms=100)
    sizes = [png_size(p) for p in saved["frames"]]
    counters = check_played(play_through(saved["html"], tmp_path), sizes, [frame.step_title for frame in frames])
    assert counters == ["given"] + [f"step {k} of 12" for k in range(1, 13)]

"""The pictures the README's Demos section shows exist, are small files and fit a 1920 x 1080 projector."""

import re

from checks import needs_dot, png_size
from readme_sections import README, readme_section

from demos import chain_rule


def demo_pictures() -> dict:
    """{alt text: path} of the pictures embedded in the README's Demos section."""
    found = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", readme_section("Demos"))
    return {alt: README.parent / link for alt, link in found}


def test_the_demos_section_shows_the_new_pictures():
    pictures = demo_pictures()
    names = {path.name for path in pictures.values()}
    # a lecture-mode frame and an animation's last frame, beside the moons and fit pictures
    assert {"chain_rule_lecture.png", "perceptron_training.png", "moons.png", "universal_approximation.png"} <= names
    for alt, path in pictures.items():
        assert path.parent.name == "images" and path.parent.parent.name == "demos", path
        assert path.is_file(), f"README links {path}, which does not exist"
        assert path.stat().st_size < 300_000, f"{path.name} is {path.stat().st_size} bytes; keep the README light"
        width, height = png_size(path)
        assert width <= 1920 and height <= 1080, (path.name, width, height)
        assert len(alt) > 20, f"{path.name} needs alternative text saying what it shows"


@needs_dot
def test_the_lecture_picture_is_the_demos_exercise_frame(tmp_path):
    # the README's frame is step 7 of the exercise the demo writes now (top to bottom, g's gradient just filled in)
    result = chain_rule.run(tmp_path, quick=True)
    frame = result["exercise_html"].parent / "lecture_step_007.png"
    assert png_size(frame) == png_size(README.parent / "demos" / "images" / "chain_rule_lecture.png")
    source = frame.with_suffix(".gv").read_text()
    assert "rankdir=TB" in source and "grad ?" in source and "294" in source

"""rankdir="auto", the pictures' default: a picture a teacher projects fits 1920 x 1080 pixels (issue 21).

A 6-operation tanh neuron with a loss drew 3,145 px wide left to right (and 3,801 px at 144 dpi today); sizes
are read from the PNG files dot writes, not from the code under test.
"""

from checks import course_example, needs_dot, png_size

from autograd import Value, draw_graph, lecture_steps, save_graph, save_steps


def neuron_with_loss() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.881373587019543, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    loss = (o - 1.0) ** 2
    loss.label = "L"
    return loss


def fits(size) -> bool:
    return size[0] <= 1920 and size[1] <= 1080


@needs_dot
def test_a_wide_graph_is_drawn_top_to_bottom_within_the_screen(tmp_path):
    loss = neuron_with_loss()
    assert not fits(png_size(save_graph(draw_graph(loss, rankdir="LR"), tmp_path / "across.png")))
    picture = draw_graph(loss)
    assert "rankdir=TB" in picture.source
    assert fits(png_size(save_graph(picture, tmp_path / "auto.png")))


@needs_dot
def test_every_lecture_frame_of_your_own_example_fits_the_screen(tmp_path):
    saved = save_steps(lecture_steps(neuron_with_loss(), questions=True), tmp_path)
    sizes = {png_size(path) for path in saved["frames"]}
    assert len(sizes) == 1 and fits(sizes.pop())


@needs_dot
def test_a_picture_that_fits_left_to_right_stays_as_it_was():
    f = course_example()["f"]
    assert draw_graph(f).source == draw_graph(f, rankdir="LR").source


def test_without_dot_the_picture_is_drawn_left_to_right(no_dot):
    assert "rankdir=LR" in draw_graph(neuron_with_loss()).source

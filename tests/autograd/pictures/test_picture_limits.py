"""Pictures dot could not lay out in seconds, files written through planted links, and bad input at the public
calls of the pictures (issue 22, item 10): each of these failed on commit c403c87."""

import os
import subprocess
import warnings

import numpy as np
import pytest
from checks import check_message, course_example, needs_dot

from autograd import Value, draw_graph, draw_network, save_graph
from autograd.compiler import trace
from autograd.pictures import (
    PictureTooLarge,
    backward_steps,
    explain_chain_rule,
    forward_steps,
    graphs,
    lecture_steps,
    save_player,
    save_steps,
)


def horner(steps: int) -> Value:
    """y = y*x + 1 `steps` times: x feeds every product, so its edges span the whole picture."""
    x, y = Value(0.5, label="x"), Value(1.0, label="y0")
    for _ in range(steps):
        y = y * x + 1.0
    return y


def refuse_running_dot(monkeypatch):
    """Running any program (dot) fails the test: the pictures below must be refused before dot starts."""

    def run(*args, **kwargs):
        raise AssertionError(f"a program was started for a picture that must be refused first: {args[0]!r}")

    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(subprocess, "Popen", run)


# ----------------------------------------------------------------------------- what dot lays out


def test_layout_size_counts_nodes_and_the_bends_of_long_edges():
    # ranks by hand: a 0, c 1, d 2, b 3; a -> b spans 3 ranks (2 bends); e (no inputs) sits just before d.
    source = 'digraph { a [label=<<B>a -> z</B>>]; a -> b; a -> c -> d; d -> b [label="x -> y"]; e -> d // a -> q\n}'
    assert graphs.layout_size(source) == (5, 2)
    assert graphs.layout_cost(source) == 5 * graphs.NODE_COST + 2
    # Horner's scheme: 101 leaves and 100 products and sums (x, y0 and the constants are no nodes of their own:
    # 2 + 200 values and 200 operation ovals); x feeds product k at rank 4k - 2 or so: about 100 * 200 bends.
    nodes, bends = graphs.layout_size(draw_graph(horner(100)))
    assert nodes == 2 + 200 + 200
    assert 19_000 < bends < 21_000


def test_large_pictures_carry_dots_limits_small_ones_are_unchanged(no_dot):
    small = draw_graph(course_example()["f"])
    assert graphs.with_limits(small) is small and "nslimit" not in small.source
    # Horner's scheme x100: 201 values, which dot ranked for minutes; the DOT text saved beside the picture
    # cuts dot's network simplex short (nslimit, nslimit1), so dot and anyone rendering the .gv finish in seconds.
    with pytest.raises(graphs.GraphvizNotInstalled):
        save_graph(draw_graph(horner(100)), no_dot / "horner.svg")
    source = (no_dot / "horner.gv").read_text(encoding="utf-8")
    assert "nslimit=1" in source and "nslimit1=1" in source


def test_pictures_dot_cannot_lay_out_in_seconds_are_refused_naming_what_fits(monkeypatch):
    refuse_running_dot(monkeypatch)
    with pytest.raises(PictureTooLarge) as info:  # 301 values (under max_nodes=500), 44,700 bends
        draw_graph(horner(150))
    check_message(info, "draw_graph", "nodes", "bends", "max_nodes=")
    assert isinstance(info.value, ValueError)
    fits = int(str(info.value).split("max_nodes=")[1].split()[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert graphs.layout_cost(draw_graph(horner(150), max_nodes=fits)) <= graphs.LAYOUT_LIMIT
        with pytest.raises(PictureTooLarge):
            draw_graph(horner(150), max_nodes=fits + 1)
        # a 10,000-step chain cut to 500 values: dot ran for more than 5 minutes (and crashed on a 1,000-value cut)
        with pytest.raises(PictureTooLarge) as info:
            draw_graph(horner(10_000))
        check_message(info, "draw_graph", "max_nodes=")
        with pytest.raises(PictureTooLarge):
            backward_steps(horner(150), max_steps=1000)


def test_draw_network_counts_the_operations_it_draws(monkeypatch):
    refuse_running_dot(monkeypatch)
    chain = horner(10_000)  # no neuron: 20,000 operation ovals, which max_boxes=300 did not count
    with pytest.raises(ValueError) as info:
        draw_network(chain)
    check_message(info, "draw_network", "max_boxes=300", "10003")
    with pytest.raises(PictureTooLarge) as info:
        draw_network(chain, max_boxes=10**6)
    check_message(info, "draw_network", "bends")


def test_a_programs_picture_is_refused_before_dot_runs(tmp_path, monkeypatch):
    w = Value(0.5, label="w")

    def f(x):
        for _ in range(2500):
            x = x * w + 1.0
        return x

    program = trace(f, Value(0.3), parameters=[w])
    refuse_running_dot(monkeypatch)
    with pytest.raises(PictureTooLarge) as info:
        program.draw()  # theta feeds every box: millions of bends
    check_message(info, "Program.draw", "bends", "instructions=False")


@needs_dot
def test_dot_is_stopped_after_its_time_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(graphs, "DOT_SECONDS", 1e-4)
    with pytest.raises(PictureTooLarge) as info:
        save_graph(draw_graph(course_example()["f"]), tmp_path / "f.svg")
    check_message(info, "save_graph", "f.svg", "did not finish", "0.0001 s")


# ----------------------------------------------------------------------------- no writing through planted links


def _plant(link, victim):
    victim.write_text("the victim's own text", encoding="utf-8")
    os.symlink(victim, link)


def _unharmed(link, victim):
    assert victim.read_text(encoding="utf-8") == "the victim's own text"
    assert not link.is_symlink() and link.is_file()


@needs_dot
@pytest.mark.parametrize("name", ["step_000.gv", "step_001.svg", "backward_steps.html"])
def test_save_steps_never_writes_through_a_planted_link(tmp_path, name):
    folder, victim = tmp_path / "frames", tmp_path / "victim.txt"
    folder.mkdir()
    _plant(folder / name, victim)
    save_steps(backward_steps(course_example()["f"]), folder, fmt="svg")
    _unharmed(folder / name, victim)


@needs_dot
@pytest.mark.parametrize("name", ["picture.gv", "picture.svg"])
def test_save_graph_never_writes_through_a_planted_link(tmp_path, name):
    victim = tmp_path / "victim.txt"
    _plant(tmp_path / name, victim)
    save_graph(draw_graph(course_example()["f"]), tmp_path / "picture.svg")
    _unharmed(tmp_path / name, victim)


@needs_dot
def test_save_player_never_writes_through_a_planted_link(tmp_path):
    image = save_graph(draw_graph(course_example()["f"]), tmp_path / "f.svg")
    victim = tmp_path / "victim.txt"
    _plant(tmp_path / "page.html", victim)
    save_player([image], tmp_path / "page.html")
    _unharmed(tmp_path / "page.html", victim)


# ----------------------------------------------------------------------------- bad input, clear messages

INTERNAL = (
    "truth value of an array",
    "expected str, bytes or os.PathLike",
    "iteration over a 0-d array",
    "int too large to convert",
    "object of type",
    "has no len()",
    "not iterable",
)


def _probe_cases(tmp_path):
    """(call, argument named in the message, error type) for the public picture functions and bad arguments."""
    n = course_example()
    f, a = n["f"], n["a"]
    frames = backward_steps(f)
    image = tmp_path / "image.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', encoding="utf-8")
    array, scalar = np.array(["TB"]), np.array("TB")
    return [
        (lambda: save_steps(frames, None), "directory", TypeError),
        (lambda: save_steps(frames, 3.5), "directory", TypeError),
        (lambda: save_steps(set(frames), tmp_path), "set", TypeError),
        (lambda: save_steps({0: frames[0]}, tmp_path), "frames", TypeError),
        (lambda: save_steps(frames, tmp_path, fmt=np.array("svg")), "fmt", TypeError),
        (lambda: save_steps(frames, tmp_path, interval_ms=10**400), "interval_ms", ValueError),
        (lambda: save_steps(frames, tmp_path, interval_ms=np.array(5)), "interval_ms", TypeError),
        (lambda: save_steps(frames, tmp_path, dpi=10**400), "dpi", ValueError),
        (lambda: save_player([image], None), "page", TypeError),
        (lambda: save_player([None], tmp_path / "p.html"), "images[0]", TypeError),
        (lambda: save_player({image}, tmp_path / "p.html"), "set", TypeError),
        (lambda: save_player([image], tmp_path / "p.html", captions={"k": 1}), "captions", TypeError),
        (lambda: save_player([image], tmp_path / "p.html", captions={"k"}), "captions", TypeError),
        (lambda: save_player([image], tmp_path / "p.html", captions=np.array("k")), "captions", TypeError),
        (lambda: save_player([image], tmp_path / "p.html", interval_ms=10**400), "interval_ms", ValueError),
        (lambda: save_player(np.array(str(image)), tmp_path / "p.html"), "images", TypeError),
        (lambda: save_graph(draw_graph(f), None), "path", TypeError),
        (lambda: save_graph(draw_graph(f), tmp_path / "g.png", dpi=10**400), "dpi", ValueError),
        (lambda: save_graph(draw_graph(f), tmp_path / "g.png", dpi=np.array(144)), "dpi", TypeError),
        (lambda: draw_graph(f, rankdir=array), "rankdir", TypeError),
        (lambda: draw_graph(f, rankdir=scalar), "rankdir", TypeError),
        (lambda: draw_graph(f, max_nodes=np.array(5)), "max_nodes", TypeError),
        (lambda: draw_graph(f, highlight=np.array(1.0)), "highlight", TypeError),
        (lambda: draw_graph(f, number_format=np.array("{:g}")), "number_format", TypeError),
        (lambda: draw_graph(f, show_grad=np.array([True, False])), "show_grad", TypeError),
        (lambda: draw_graph(np.array(1.0)), "Value", TypeError),
        (lambda: draw_network(f, group=np.array("layer")), "group", TypeError),
        (lambda: draw_network(f, rankdir=array), "rankdir", TypeError),
        (lambda: draw_network(f, max_boxes=np.array(3)), "max_boxes", TypeError),
        (lambda: backward_steps(f, rankdir=array), "rankdir", TypeError),
        (lambda: backward_steps(f, max_steps=np.array(3)), "max_steps", TypeError),
        (lambda: lecture_steps(f, hide_unknown=np.array([1, 0])), "hide_unknown", TypeError),
        (lambda: lecture_steps(f, rankdir=scalar), "rankdir", TypeError),
        (lambda: forward_steps(f, np.array(1.0)), "wrt", TypeError),
        (lambda: forward_steps(f, a, rankdir=array), "rankdir", TypeError),
        (lambda: explain_chain_rule(f, a, max_paths=np.array(3)), "max_paths", TypeError),
        (lambda: explain_chain_rule(f, a, number_format=np.array("{:g}")), "number_format", TypeError),
    ]


def test_bad_input_gets_a_clear_message_naming_the_argument(tmp_path):
    for k, (call, named, error) in enumerate(_probe_cases(tmp_path)):
        with pytest.raises((TypeError, ValueError)) as info:
            call()
        message = str(info.value)
        assert isinstance(info.value, error), f"case {k}: {type(info.value).__name__}: {message}"
        assert named in message, f"case {k}: {named!r} not in {message!r}"
        assert not any(words in message for words in INTERNAL), f"case {k}: {message!r}"
        assert len(message) < 700, f"case {k}: a message of {len(message)} characters"
    assert not (tmp_path / "p.html").exists()

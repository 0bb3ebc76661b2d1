"""The demos' shared plumbing (demos/_common.py): options, folders, narration, plots, the training loop."""

import time

import matplotlib
import pytest
from checks import needs_dot
from picture_checks import check_image

from autograd import Value, is_grad_enabled
from demos import _common as c
from nn import SGD


def test_parse_args_defaults_and_options():
    args = c.parse_args([], "A demo.\n\nMore text.")
    assert (args.out, args.quick) == (c.DEFAULT_OUT, False)
    args = c.parse_args(["--out", "pics", "--quick"], "A demo.")
    assert (args.out, args.quick) == ("pics", True)


def test_demo_dir_is_created_inside_out(tmp_path):
    path = c.demo_dir(tmp_path / "out", "moons")
    assert path == tmp_path / "out" / "moons" and path.is_dir()
    assert c.demo_dir(tmp_path / "out", "moons") == path  # a second call is fine


def test_heading_and_say(capsys):
    c.heading("Title")
    c.say("  one   two\nthree " + "word " * 30)
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["", "Title", "====="]
    assert lines[3].startswith("one two three word")
    assert all(len(line) <= 100 for line in lines[3:]) and len(lines) > 4  # wrapped at 100 columns


def test_table_aligns_numbers_right_and_text_left(capsys):
    c.table([("a", 1.23456789, 10), ("bbb", 2.0, 5)], ["name", "x", "n"])
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "  name      x   n",
        "  ----  -----  --",
        "  a     1.235  10",
        "  bbb       2   5",
    ]


def test_wrote_lists_paths_and_skips_none(capsys):
    c.wrote(["a.png", None, "b.svg"])
    assert capsys.readouterr().out.splitlines() == ["Pictures written:", "  a.png", "  b.svg"]
    c.wrote([None])
    assert capsys.readouterr().out == ""


def test_style_applies_inside_the_block_only():
    before = matplotlib.rcParams["lines.linewidth"]
    with c.style():
        assert matplotlib.rcParams["lines.linewidth"] == c.STYLE["lines.linewidth"]
    assert matplotlib.rcParams["lines.linewidth"] == before


def test_figure_gives_one_axes_or_a_grid():
    _, ax = c.figure()
    assert hasattr(ax, "plot")
    _, axes = c.figure(2, 3)
    assert axes.shape == (2, 3)


def test_loss_curves_and_save_figure(tmp_path):
    with c.style():
        fig, ax = c.figure()
        c.loss_curves(ax, {"a": [1.0, 0.1, 0.01], "b": [2.0, 1.0]}, "step", "loss", "Two curves", fmt="o-")
        assert ax.get_yscale() == "log"
        assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
        assert list(ax.get_lines()[1].get_xdata()) == [0, 1]
        assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "loss", "Two curves")
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
        path = c.save_figure(fig, tmp_path / "curves.png")
    assert path == tmp_path / "curves.png"
    check_image(path)


def test_decision_boundary_evaluates_without_a_graph(tmp_path):
    seen = []

    def score(p):
        seen.append(is_grad_enabled())
        return p[0] - p[1]

    with c.style():
        fig, ax = c.figure()
        c.decision_boundary(ax, score, [[0.0, 1.0], [1.0, 0.0]], [-1, 1], n=5)
        check_image(c.save_figure(fig, tmp_path / "boundary.png"))
    assert len(seen) == 25 and not any(seen)  # a 5 x 5 grid, all under no_grad()
    assert len(ax.collections) >= 2  # the shading and the points


@needs_dot
def test_render_graph_writes_the_picture(tmp_path):
    from autograd import draw_graph

    x = Value(2.0, label="x")
    path = c.render_graph(draw_graph(x * x), tmp_path / "g.png")
    check_image(path)


def test_render_graph_without_graphviz_says_why(tmp_path, monkeypatch, capsys):
    from autograd import draw_graph, pictures

    def no_dot(graph, path, **kwargs):
        raise pictures.GraphvizNotInstalled("dot not found (simulated)")

    monkeypatch.setattr(pictures, "save_graph", no_dot)
    assert c.render_graph(draw_graph(Value(1.0)), tmp_path / "g.png") is None
    assert "graph not rendered: dot not found (simulated)" in capsys.readouterr().out


def test_timer_measures_the_block():
    with c.Timer() as t:
        time.sleep(0.01)
    assert 0.005 < t.seconds < 5


def test_descend_is_the_course_loop():
    w = Value(3.0, label="w")
    losses = c.descend(lambda: (w - 1.0) ** 2, SGD([w], lr=0.25), 3)
    # by hand: w <- w - 0.25 * 2 (w - 1) halves the distance to 1: w = 3, 2, 1.5, 1.25
    assert losses == [4.0, 1.0, 0.25]
    assert w.data == 1.25
    assert c.descend(lambda: w * 1.0, SGD([w], lr=0.1), 0) == []


def test_run_main_parses_and_passes_the_options(capsys):
    calls = []

    def run(out, quick):
        calls.append((out, quick))
        print("ran")
        return {"ok": True}

    assert c.run_main(run, ["--quick", "--out", "x"], "A demo.") == {"ok": True}
    assert calls == [("x", True)]
    assert capsys.readouterr().out == "ran\n"


def test_run_main_rejects_unknown_options(capsys):
    with pytest.raises(SystemExit):
        c.run_main(lambda out, quick: {}, ["--fast"], "A demo.")
    assert "--fast" in capsys.readouterr().err


# The command a missing extra's notice gives depends on how the project was installed.


def fake_install(tmp_path, monkeypatch, checkout: bool):
    """autograd's __file__ inside a source checkout (pyproject.toml names the project) or inside site-packages."""
    import autograd

    root = tmp_path / ("checkout" if checkout else "site-packages")
    (root / "autograd").mkdir(parents=True)
    if checkout:
        (root / "pyproject.toml").write_text('[project]\nname = "backprop-lab"\n', encoding="utf-8")
    monkeypatch.setattr(autograd, "__file__", str(root / "autograd" / "__init__.py"))
    return root


def test_install_command_in_a_checkout(tmp_path, monkeypatch):
    from autograd import install_command

    root = fake_install(tmp_path, monkeypatch, checkout=True)
    monkeypatch.chdir(root)
    assert install_command("demos") == 'pip install -e ".[demos]"'
    monkeypatch.chdir(tmp_path)  # elsewhere: the checkout's path, so the command works from here
    assert install_command("demos", "digits") == f'pip install -e "{root.resolve()}[demos,digits]"'


def test_install_command_from_a_wheel(tmp_path, monkeypatch):
    from autograd import install_command

    root = fake_install(tmp_path, monkeypatch, checkout=False)
    (root / "pyproject.toml").write_text('[project]\nname = "someone-else"\n', encoding="utf-8")  # not ours
    monkeypatch.chdir(root)
    assert install_command("digits") == 'pip install "backprop-lab[digits]"'


def test_missing_message_names_demo_extra_modules_and_command(monkeypatch):
    monkeypatch.setattr(c, "missing_extras", lambda name, needs=None: ["digits"])
    text = c.missing_message({"digits": ["demos", "digits"]})
    assert "digits: [demos] (matplotlib, PIL) and [digits] (sklearn)" in text
    assert text.splitlines()[-1].strip().startswith("pip install") and "[demos,digits]" in text


def test_extras_named_by_the_demos_are_the_projects():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    from readme_sections import ROOT

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert set(c.EXTRA_MODULES) <= set(extras)
    distribution_of = {"PIL": "matplotlib", "sklearn": "scikit-learn"}
    for extra, modules in c.EXTRA_MODULES.items():
        named = " ".join(extras[extra])
        for module in modules:
            assert distribution_of.get(module, module) in named, (extra, module)  # PIL comes with matplotlib


def test_the_language_of_help_is_read_from_the_command_line():
    assert c.language_in(["--quick", "--lang", "de"]) == "de"
    assert c.language_in(["--lang=en", "--help"]) == "en"
    assert c.language_in(["--lang", "fr"]) is None and c.language_in(["--lang"]) is None  # argparse says what is wrong
    assert c.language_in(["--", "--lang", "de"]) is None
    assert c.language_in([]) is None


def test_help_in_german_and_english(capsys):
    for language, says in (
        ("de", ["Aufruf: python -m demos.paths", "Optionen:", "kleinere Einstellungen", "Kurz."]),
        ("en", ["usage: python -m demos.paths", "options:", "smaller settings", "A demo."]),
    ):
        with pytest.raises(SystemExit):
            c.parse_args(["--lang", language, "--help"], "A demo.\n\nMore.", "demos.paths", summary=None)
        out = capsys.readouterr().out
        if language == "de":  # the description is the docstring's unless a SUMMARY is given
            assert "A demo." in out
            with pytest.raises(SystemExit):
                c.parse_args(["--lang", "de", "-h"], "A demo.", "demos.paths", summary="Kurz.")
            out = capsys.readouterr().out
        for text in says:
            assert text in out, (text, out)
    assert c.parse_args(["--lang", "de"], "A demo.").lang == "de"


def test_the_shared_notices_follow_the_language(capsys):
    from autograd.language import using_language

    with using_language("de"):
        c.wrote(["a.png"])
        assert c.missing_message({"moons": ["demos"]}).startswith("Diese Demo braucht optionale Teile")
    c.wrote(["a.png"], language="en")
    assert capsys.readouterr().out == "Geschriebene Bilder:\n  a.png\nPictures written:\n  a.png\n"


def test_in_language_runs_the_whole_run_in_its_language_and_restores_the_setting():
    import inspect

    from autograd.language import Domain, get_language, using_language

    _ = Domain("demos").gettext
    seen = []

    @c.in_language
    def run(out, quick=False, *, language=None):
        """A demo's run."""
        seen.append((language, get_language(), _("Pictures written:")))
        if quick:
            raise RuntimeError("stopped half-way")
        return out

    german, english = _("Pictures written:", "de"), "Pictures written:"
    assert german != english  # else the check below could not tell the languages apart
    with using_language("en"):
        assert run("here", language="de") == "here"
        assert get_language() == "en"
        with pytest.raises(RuntimeError, match="stopped half-way"):
            run("there", quick=True, language="de")
        assert get_language() == "en"  # restored after an error too
        run("anywhere")  # None: the language in force
        with using_language("de"):
            run("anywhere")
        with pytest.raises(ValueError, match=f"{__name__}: language must be one of 'en', 'de', not 'fr'"):
            run("nowhere", language="fr")
    assert seen == [("de", "de", german), ("de", "de", german), ("en", "en", english), ("de", "de", german)]
    assert run.__name__ == "run" and run.__doc__ == "A demo's run."
    assert "language" in inspect.signature(run).parameters  # help(run) shows the real signature


def test_in_language_names_the_demo_and_run_main_finds_its_name_and_summary(monkeypatch, capsys, tmp_path):
    from autograd.language import Domain
    from demos import newton

    with pytest.raises(ValueError, match="newton: language must be one of 'en', 'de', not 'fr'"):
        newton.run(tmp_path, quick=True, language="fr")
    with pytest.raises(SystemExit):
        newton.main(["--lang", "de", "--help"])
    german = Domain("demos").gettext(newton.SUMMARY, "de")
    assert german != newton.SUMMARY and " ".join(german.split()) in " ".join(capsys.readouterr().out.split())
    monkeypatch.setitem(c.EXTRA_MODULES, "demos", ("a_module_that_is_not_installed",))
    with pytest.raises(SystemExit) as stop:  # NEEDS["newton"] is checked before the run starts
        newton.main(["--quick", "--out", str(tmp_path)])
    assert "newton: [demos] (a_module_that_is_not_installed)" in str(stop.value.code)
    assert not (tmp_path / "newton").exists()
